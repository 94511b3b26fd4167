"""The brief as an interactive card (MCP Apps): `escalation_brief_show` for the model, and the two
app-only tools behind the card's buttons.

- `escalation_brief_show` returns a recorded escalation's brief as text (hosts without MCP Apps show
  that) and the card's view as structured content, and links the card through `_meta.ui.resourceUri`.
- `escalation_step_preview` (app only) plans one next step through the actions layer without sending
  it, shows exactly what would be sent where, and returns a single-use token bound to that plan.
- `escalation_step_execute` (app only) takes only such a token and executes that very plan, once.

Nothing is written by showing the card. A preview sends nothing, but like every preview of a next
step it is noted in the escalation's history (the action log shows what was previewed); only an
execute with a fresh token sends anything.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Annotated

from mcp.server.apps import Apps, ResourceCsp
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from ...connectors.base import Category
from ...connectors.blocking import off_loop
from ...connectors.errors import (
    ConfigError,
    ConnectorError,
    CustomerEscalationError,
    NotFoundError,
    WriteRefusedError,
)
from ..actions import ActionKind, Actions, EscalationCase, NextSteps, WriteRules
from ..card import (
    CARD_URI,
    CardStep,
    CardView,
    PreviewTokens,
    TokenRefusedError,
    card_bundle,
    card_view,
    step_offer,
)
from ..card.shown import StepDone, StepPreview, plan_of, step_done, step_preview
from .shared import READ, WRITE, ErrorMessages, ServerState, reply, tool_errors

SHOW = ToolAnnotations(read_only_hint=True, open_world_hint=False)
EscalationRef = Annotated[
    str, Field(min_length=1, max_length=40, description="ESC-<n>, as the history or a write result names it.")
]
_CATEGORY: dict[str, Category] = {
    "chat_post": "chat",
    "tracker_issue": "tracker",
    "internal_note": "support",
    "customer_update": "support",
}


def extension(state: ServerState, writes: WriteRules | None) -> Apps:
    """The MCP Apps extension with the card resource and its three tools, for `MCPServer(extensions=...)`."""
    rules = writes or WriteRules()
    tokens = PreviewTokens(clock=state.clock, store=state.history)
    apps = Apps()
    apps.add_html_resource(
        CARD_URI,
        card_bundle().html,
        name="escalation-brief-card",
        title="Escalation brief card",
        description="The brief of a recorded escalation with its figures and next steps to preview and execute.",
        csp=ResourceCsp(connect_domains=[], resource_domains=[], frame_domains=[], base_uri_domains=[]),
        prefers_border=True,
    )

    def actions() -> Actions:
        if state.history is None:
            raise ToolError(
                "the escalation history is unavailable: this server was started without it, so there is "
                "no recorded escalation to show"
            )
        return Actions(state.registry, state.history, rules, clock=state.clock)

    def system(kind: str) -> str | None:
        connector = state.registry.get(_CATEGORY[kind]) if kind in _CATEGORY else None
        return connector.system if connector is not None else None

    @apps.tool(resource_uri=CARD_URI, annotations=SHOW, title="Show an escalation brief")
    async def escalation_brief_show(escalation_id: EscalationRef) -> Annotated[CallToolResult, CardView]:
        """Show a recorded escalation's brief: the full brief as text, and as an interactive card where the
        host supports MCP Apps (decision, severity, target, impact with its records, SLA, deadline, and
        next steps a person can preview and execute). Showing it sends nothing."""
        with _errors():
            entry = await off_loop(actions().history.escalation, escalation_id)
        view = card_view(entry, rules)
        text = entry.brief.strip() or f"{entry.id}: {entry.summary or entry.issue}"
        data = view.model_dump(mode="json", exclude_none=True)
        return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data)

    @apps.tool(resource_uri=CARD_URI, visibility=["app"], annotations=READ, title="Preview a next step")
    async def escalation_step_preview(
        escalation_id: EscalationRef, step: CardStep
    ) -> Annotated[CallToolResult, StepPreview]:
        """Plan one next step of an escalation without sending it: where it goes, exactly what it would
        send (redacted where it leaves the support platform), and a single-use token that executes this
        preview and nothing else."""
        runner = actions()
        with _errors():
            entry = await off_loop(runner.history.escalation, escalation_id)
            case = EscalationCase.from_entry(entry)
            offer = step_offer(step, case, rules)
            if not offer.available:
                raise ConfigError(f"the {offer.title} cannot be offered: {offer.reason}")
            asked = _asked(step, offer.target or "")
            (outcome,) = await runner.next_steps(entry, case, asked, execute=False)
        if outcome.result is None:
            raise ToolError(f"the {outcome.title} cannot be previewed: {outcome.detail}")
        result = outcome.result
        token, expires = (await tokens.issue(plan_of(result))) if result.refusal is None else (None, None)
        shown = step_preview(result, system(result.kind), token, expires)
        return reply(shown.model_dump(mode="json", exclude_none=True))

    @apps.tool(resource_uri=CARD_URI, visibility=["app"], annotations=WRITE, title="Execute a previewed step")
    async def escalation_step_execute(
        preview_token: Annotated[
            str, Field(min_length=1, max_length=200, description="The token of the preview to execute.")
        ],
    ) -> Annotated[CallToolResult, StepDone]:
        """Execute exactly the step a preview showed, once; only the token that preview returned is accepted."""
        runner = actions()
        try:
            plan = await tokens.redeem(preview_token)
        except TokenRefusedError as exc:
            raise ToolError(f"refused: {exc}; preview the step again and execute that preview") from exc
        with _errors():
            entry = await off_loop(runner.history.escalation, plan.escalation_id)
            if entry.status != "open":
                raise ConfigError(f"{entry.id} is {entry.status}; its next steps are no longer sent")
            result = await runner.run(plan, execute=True)
        return reply(step_done(result, system(result.kind)).model_dump(mode="json", exclude_none=True))

    return apps


def _asked(step: CardStep, target: str) -> NextSteps:
    """The `NextSteps` that ask for `step` alone."""
    kind: ActionKind = step
    if kind == "chat_post":
        return NextSteps(post_to=target)
    if kind == "tracker_issue":
        return NextSteps(create_issue=target)
    if kind == "internal_note":
        return NextSteps(add_note=True)
    if kind == "customer_update":
        return NextSteps(draft_update=True)
    return NextSteps(remind=True)


_CARD_ERRORS: ErrorMessages = (
    (WriteRefusedError, lambda exc: f"refused by the configuration: {exc}"),
    (NotFoundError, lambda exc: f"{exc}; check the escalation id"),
    (ConfigError, str),
    (
        ConnectorError,
        lambda exc: f"the write failed and is recorded in the history: {exc}; preview it again to retry",
    ),
    (CustomerEscalationError, lambda exc: f"the escalation history is unavailable: {exc}"),
)


def _errors() -> AbstractContextManager[None]:
    """The card's failures as tool errors the card shows as they are."""
    return tool_errors(_CARD_ERRORS)


__all__ = ["extension"]
