"""`escalation_compose`: a model's draft and the assessment it rests on, made into the brief (or the
support-handling note) by the same code as the command line's loop, and recorded as an escalation whose
id the write tools take."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import Field, ValidationError

from ...connectors.blocking import off_loop
from ...connectors.errors import NotFoundError, WorkspaceError
from ...connectors.records import HANDLED_IN_SUPPORT, EscalationEntry
from .. import views
from ..actions import EscalationCase
from ..brief import EscalationBrief
from ..compose import compose_brief
from ..draft import BriefDraft
from .assessments import load
from .shared import ServerState, reply

COMPOSE_TOOL = "escalation_compose"
RECORDS = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False
)
"""It writes nothing outside this server: it records the escalation in the history."""


class ComposeResult(views.View):
    """The brief as it is recorded, and the escalation id every write tool takes."""

    escalation_id: str
    """ESC-<n>: pass it to chat_post_message, tracker_create_issue, support_add_internal_note and
    followup_schedule, and back to escalation_compose to revise this brief."""
    assessment_id: str
    decision: str
    severity: str | None = None
    target_team: str | None = None
    markdown: str
    """The brief (or support-handling note) in the template, to show the user as it is."""
    left_out: list[str] = Field(default_factory=list)
    """Ids, links and cited records no assessed record supports; they are not in the brief."""


def register(server: MCPServer, state: ServerState) -> None:
    """Add `escalation_compose` to `server`."""

    @server.tool(name=COMPOSE_TOOL, annotations=RECORDS, title="Compose the escalation brief")
    async def escalation_compose(
        assessment_id: Annotated[
            str, Field(min_length=1, max_length=40, description="ASM-<n> from escalation_assess's result.")
        ],
        draft: Annotated[
            BriefDraft,
            Field(
                description="Your prose; the figures come from the assessment. Cite records by evidence id."
            ),
        ],
        escalation_id: Annotated[
            str | None,
            Field(
                max_length=40,
                description="ESC-<n> from an earlier escalation_compose, to revise that escalation "
                "(even when the issue is now worded differently) instead of starting one.",
            ),
        ] = None,
        reporter: Annotated[
            str, Field(min_length=1, max_length=120, description="Who reports it: your user's name or team.")
        ] = "Support",
    ) -> Annotated[CallToolResult, ComposeResult]:
        """Turn your draft into the escalation brief in the exact template, and record the escalation.

        Call it after escalation_assess, with its `assessment_id` and a draft whose `decision` matches
        the assessment's. Severity, target, customers, revenue, time in queue, SLA and deadline come from
        the assessment; records it did not read are dropped from the brief. Returns the brief as
        markdown and its `escalation_id` (ESC-<n>), which the write tools take.
        """
        issue, assessment, known = await load(state, assessment_id)
        try:
            composed = compose_brief(draft, assessment, known, reporter=reporter, today=state.clock().date())
        except (ValueError, ValidationError) as exc:
            raise ToolError(f"the draft cannot be used: {exc}; correct it and call again") from exc
        case = EscalationCase.from_output(composed.output, composed.assessment.model_dump(mode="json"), issue)
        entry = await off_loop(_record, state, case, escalation_id)
        brief = composed.output if isinstance(composed.output, EscalationBrief) else None
        result = ComposeResult(
            escalation_id=entry.id,
            assessment_id=assessment_id,
            decision=case.decision,
            severity=brief.severity if brief is not None else None,
            target_team=brief.target_team if brief is not None else None,
            markdown=case.markdown,
            left_out=composed.invented,
        )
        return reply(views.to_wire(result))


def _record(state: ServerState, case: EscalationCase, escalation_id: str | None) -> EscalationEntry:
    history = state.history
    if history is None:  # `load` has already refused
        raise ToolError("escalation_compose needs the escalation history")
    try:
        fingerprint = None
        if escalation_id:
            earlier = history.escalation(escalation_id)
            _check_revisable(earlier, case)
            fingerprint = earlier.fingerprint
        return case.record(history, fingerprint=fingerprint)
    except NotFoundError as exc:
        raise ToolError(
            f"no escalation {escalation_id} in the history; leave escalation_id out to start one"
        ) from exc
    except WorkspaceError as exc:
        raise ToolError(f"the escalation history cannot be written: {exc}. Tell the user") from exc


def _check_revisable(earlier: EscalationEntry, case: EscalationCase) -> None:
    """A brief revises an escalation only while it is open and only when it is about the same records:
    a ticket or an account in common. Anything else would rewrite another customer's escalation."""
    handled = earlier.status == "closed" and earlier.status_reason == HANDLED_IN_SUPPORT
    if earlier.status != "open" and not handled:
        raise ToolError(
            f"{earlier.id} is {earlier.status}; leave escalation_id out to start a new escalation"
        )
    shared = set(earlier.ticket_ids) & set(case.ticket_ids) or set(earlier.account_ids) & set(
        case.account_ids
    )
    if not shared:
        raise ToolError(
            f"{earlier.id} is about other records (tickets {', '.join(earlier.ticket_ids) or 'none'}); "
            "revise it only with an assessment of the same tickets or account, or leave escalation_id out"
        )


__all__ = ["COMPOSE_TOOL", "ComposeResult", "register"]
