"""The write tools: post to chat, file a tracker issue, add an internal note, schedule follow-ups.

Each previews unless ``dry_run=false`` and goes through `skill.actions` (allowlists, read-only mode,
idempotency, redaction, history); without the history store every write tool is a tool error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import partial
from typing import Annotated, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, TextContent
from pydantic import Field

from ...connectors.base import IssueDraft
from ...connectors.blocking import off_loop
from ...connectors.errors import (
    ConfigError,
    ConnectorError,
    InvalidQueryError,
    NotFoundError,
    WorkspaceError,
    WriteRefusedError,
)
from ...connectors.records import IssueKind
from .. import views
from ..actions import (
    ESCALATION_LABEL,
    PRIORITY_OF,
    ActionKind,
    ActionResult,
    Actions,
    EscalationCase,
    WriteRules,
    reminders_for,
    ticket_links_markdown,
)
from ..policy import follow_up_for
from ..policy_config import Severity
from .shared import (
    WRITE,
    AsText,
    DryRun,
    ErrorMessages,
    EscalationId,
    Id,
    IdList,
    ServerState,
    tool_errors,
    without_hint,
)


def register(server: MCPServer, state: ServerState, writes: WriteRules | None) -> None:
    """Add `chat_post_message`, `tracker_create_issue`, `support_add_internal_note` and
    `followup_schedule` to `server`; they write what `writes` allows."""
    actions = _runner(state, writes)
    action_reply = partial(_action_reply, state.result_chars)

    @server.tool(annotations=WRITE, title="Post to a chat channel")
    async def chat_post_message(
        escalation_id: EscalationId,
        channel: Annotated[
            str,
            Field(min_length=1, max_length=200, description="Channel name or id, from the write allowlist."),
            AsText,
        ],
        text: Annotated[
            str,
            Field(
                min_length=1, max_length=12_000, description="The message; personal data is redacted first."
            ),
        ],
        thread_id: Annotated[
            str | None, Field(max_length=200, description="Reply in this thread."), AsText
        ] = None,
        dry_run: DryRun = True,
    ) -> Annotated[CallToolResult, ActionResult]:
        """Post an escalation to the target team's chat channel; a redacted preview unless dry_run is false."""
        runner = actions()
        with _write_errors():
            escalation = await off_loop(runner.history.escalation, escalation_id)
            # Redacting a long message is CPU work: a worker thread does it, the event loop stays free.
            plan = await asyncio.to_thread(
                partial(runner.plan_chat_post, escalation, channel, text, thread_id=thread_id)
            )
            result = await runner.run(plan, execute=not dry_run)
        return action_reply(result)

    @server.tool(annotations=WRITE, title="Create a tracker issue")
    async def tracker_create_issue(
        escalation_id: EscalationId,
        project: Annotated[
            str, Field(min_length=1, max_length=50, description="Project key, from the write allowlist.")
        ],
        title: Annotated[str, Field(min_length=3, max_length=200)],
        body: Annotated[
            str,
            Field(
                min_length=1,
                max_length=30_000,
                description="Markdown: impact, reproduction steps, expected and actual. Links to the "
                "tickets are added.",
            ),
        ],
        kind: Annotated[IssueKind, Field(description="bug, or feature for a product gap.")] = "bug",
        priority: Annotated[
            Literal["highest", "high", "medium", "low", "lowest"] | None,
            Field(description="Default: from the escalation's severity."),
        ] = None,
        related_issue_keys: Annotated[
            IdList | None, Field(description="Known related issues; an open one is linked instead.")
        ] = None,
        dry_run: DryRun = True,
    ) -> Annotated[CallToolResult, ActionResult]:
        """File a bug or feature request for an escalation, or link the open issue that already covers it.

        A redacted preview unless dry_run is false.
        """
        runner = actions()
        with _write_errors():
            escalation = await off_loop(runner.history.escalation, escalation_id)
            links = await runner.ticket_links(escalation.ticket_ids)
            text = "\n".join([body.rstrip(), "", *ticket_links_markdown(links)]).strip() + "\n"
            severity = escalation.severity
            draft = IssueDraft(
                project=project,
                title=title,
                body_markdown=text,
                kind=kind,
                priority=priority or (PRIORITY_OF.get(severity) if severity in PRIORITY_OF else None),
                labels=(ESCALATION_LABEL,),
                linked_ticket_ids=escalation.ticket_ids,
                linked_account_ids=escalation.account_ids,
            )
            plan = await runner.plan_issue(
                escalation, draft, related_issue_keys=related_issue_keys or (), look_up=dry_run
            )
            result = await runner.run(plan, execute=not dry_run)
        return action_reply(result)

    @server.tool(annotations=WRITE, title="Add an internal note to a ticket")
    async def support_add_internal_note(
        escalation_id: EscalationId,
        ticket_id: Id,
        body: Annotated[str, Field(min_length=1, max_length=30_000, description="The note, markdown.")],
        purpose: Annotated[
            Literal["brief", "customer_update"],
            Field(description="brief: the escalation brief; customer_update: a draft for a person to send."),
        ] = "brief",
        dry_run: DryRun = True,
    ) -> Annotated[CallToolResult, ActionResult]:
        """Add a private note to a ticket (never visible to the customer); a preview unless dry_run is false."""
        runner = actions()
        with _write_errors():
            escalation = await off_loop(runner.history.escalation, escalation_id)
            kind: ActionKind = "customer_update" if purpose == "customer_update" else "internal_note"
            plan = runner.plan_note(escalation, ticket_id, body, kind=kind)
            result = await runner.run(plan, execute=not dry_run)
        return action_reply(result)

    @server.tool(annotations=WRITE, title="Schedule follow-up reminders")
    async def followup_schedule(
        escalation_id: EscalationId,
        severity: Annotated[Severity | None, Field(description="Default: the escalation's severity.")] = None,
        dry_run: DryRun = True,
    ) -> Annotated[CallToolResult, ActionResult]:
        """Schedule the next internal check and customer update at the severity's cadence; a preview unless
        dry_run is false."""
        runner = actions()
        with _write_errors():
            escalation = await off_loop(runner.history.escalation, escalation_id)
            chosen = severity or (escalation.severity if escalation.severity in PRIORITY_OF else None)
            if chosen is None:
                raise ConfigError(
                    "the escalation has no severity yet; pass severity (Critical, High or Medium)"
                )
            now = state.clock()
            case = EscalationCase.from_entry(escalation)
            reminders = reminders_for(case, follow_up_for(chosen, state.policy, now), now=now)
            plan = runner.plan_followups(escalation, reminders)
            result = await runner.run(plan, execute=not dry_run)
        return action_reply(result)


def _runner(state: ServerState, writes: WriteRules | None) -> Callable[[], Actions]:
    """The actions the write tools run, or a tool error saying why there are none."""
    history = state.history
    runner = Actions(state.registry, history, writes, clock=state.clock) if history is not None else None

    def actions() -> Actions:
        if runner is None:
            raise ToolError(
                "writes are unavailable: this server was started without the escalation history, which "
                "records every write and keeps it from happening twice"
            )
        return runner

    return actions


_WRITE_ERRORS: ErrorMessages = (
    (WriteRefusedError, lambda exc: f"refused by the configuration: {exc}. Tell the user; do not retry"),
    (NotFoundError, lambda exc: f"{without_hint(str(exc))}; check the id and try again"),
    ((ConfigError, InvalidQueryError), lambda exc: f"{exc}; correct the arguments and try again"),
    (
        (ConnectorError, WorkspaceError),
        lambda exc: (
            f"the write failed and is recorded in the history: {exc}. Tell the user; calling again "
            "with the same arguments retries it without writing twice"
        ),
    ),
)


def _write_errors() -> AbstractContextManager[None]:
    return tool_errors(_WRITE_ERRORS)


def _action_reply(result_chars: int, result: ActionResult) -> CallToolResult:
    """An action's result as a tool result; its payload is left out when the whole would pass the cap."""
    data = result.model_dump(mode="json", exclude_none=True)
    text = views.compact_json(data)
    if len(text) > result_chars:
        data["payload"] = {"omitted": f"{len(text):,} characters; the payload is in the history"}
        text = views.compact_json(data)
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data)


__all__ = ["register"]
