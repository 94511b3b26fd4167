"""The policy tool, `escalation_assess`: the decision, impact, severity, target, SLA and cadence computed
from the records the model names."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult
from pydantic import Field

from ...connectors.blocking import off_loop
from ...connectors.errors import WorkspaceError
from .. import views
from ..actions import past_escalations
from ..evidence import EvidenceRequest, collect
from ..grounding import ClaimedFinding, ground
from ..policy import Evidence, assess
from ..snapshots import RecordSnapshot, merged, with_snapshot_ids
from .assessments import keep
from .shared import POLICY_TOOL, AsText, IdList, ServerState


def register(server: MCPServer, state: ServerState) -> None:
    """Add `escalation_assess` to `server`."""

    @server.tool(annotations=POLICY_TOOL, title="Assess an escalation")
    async def escalation_assess(
        issue: Annotated[
            str, Field(min_length=1, max_length=4_000, description="The issue as the user described it.")
        ],
        ticket_ids: Annotated[
            IdList | None, Field(description="Ticket `id`s from support_search_tickets / support_get_ticket.")
        ] = None,
        account_ids: Annotated[
            IdList | None, Field(description="Account `id`s from crm_search_accounts.")
        ] = None,
        message_ids: Annotated[
            list[Annotated[str, Field(min_length=3, max_length=200), AsText]] | None,
            Field(
                max_length=50,
                description="Chat messages as `<channel_id>:<id>` from chat_search_messages or chat_get_thread.",
            ),
        ] = None,
        issue_keys: Annotated[
            IdList | None, Field(description="Issue `key`s from tracker_search_issues.")
        ] = None,
        article_ids: Annotated[
            IdList | None, Field(description="Article `id`s from kb_search_articles.")
        ] = None,
        records: Annotated[
            list[RecordSnapshot] | None,
            Field(
                max_length=50,
                description="Records you read through other MCP servers (Intercom, another Jira site...), "
                "as you read them. One this server can read by id is read here instead; the rest count as "
                "assistant-supplied evidence, and figures they state are labelled as yours, not the CRM's.",
            ),
        ] = None,
        findings: Annotated[
            list[ClaimedFinding] | None,
            Field(
                max_length=50,
                description="What you read in the records: kind, record and the customer's exact words. "
                "Kept only when the quote stands in that record's customer-written text.",
            ),
        ] = None,
        summary: Annotated[
            str | None,
            Field(max_length=4_000, description="Your own summary of the issue; never read as evidence."),
        ] = None,
    ) -> Annotated[CallToolResult, views.AssessmentView]:
        """Decide escalate or handle in support, and compute impact, severity, target, SLA and cadence from the records.

        Pass the ids of every record that is really about this issue, as this server's search and get
        tools return them; figures come from the records, so do not pass numbers. Records read through
        other servers go in `records`. Ids that do not exist are reported back as missing; when no record
        at all is found the call fails. `issue` is the user's own words, as typed; put your own summary in
        `summary`. Add `findings` for what you read (production down, data loss, a security exposure, a
        churn threat...) with the customer's exact words: the policy decides on those that the records
        bear out and on its own reading, and says where the two disagree. The result's `assessment_id`
        (ASM-<n>) is what escalation_compose takes.
        """
        del (
            summary
        )  # kept apart from `issue` so that a model's paraphrase is never scanned as the user's words
        request = EvidenceRequest(
            issue=issue,
            ticket_ids=tuple(ticket_ids or ()),
            account_ids=tuple(account_ids or ()),
            message_ids=tuple(message_ids or ()),
            issue_keys=tuple(issue_keys or ()),
            article_ids=tuple(article_ids or ()),
        )
        snapshots = list(records or ())
        evidence = await collect(
            state.registry, with_snapshot_ids(request, snapshots, state.registry), now=state.clock()
        )
        evidence, supplied = merged(evidence, snapshots, state.registry)
        asked = len(snapshots) + sum(
            len(ids) for ids in (ticket_ids, account_ids, message_ids, issue_keys, article_ids) if ids
        )
        if asked and not _found(evidence) and not evidence.unavailable:
            # a decision on no record would be a confident guess: say what was not found instead
            raise ToolError(
                "none of the records passed exists here: "
                + ", ".join(evidence.missing[:20])
                + ". Pass ids as the search and get tools return them, and records read through "
                "another server's tools in `records`"
            )
        if findings:
            grounded = ground(list(findings), evidence)
            evidence = evidence.model_copy(
                update={"claimed": grounded.kept, "refused_claims": grounded.refused}
            )
        if state.history is not None:
            try:
                earlier = await off_loop(
                    state.history.related_escalations,
                    account_ids=[a.id for a in evidence.accounts],
                    ticket_ids=[t.id for t in evidence.tickets],
                    issue_keys=[i.key for i in evidence.issues],
                    status=("open", "closed", "deescalated"),
                )
            except WorkspaceError as exc:
                unavailable = (*evidence.unavailable, f"escalation history ({exc})")
                evidence = evidence.model_copy(update={"unavailable": unavailable})
            else:
                evidence = evidence.model_copy(update={"history": past_escalations(earlier)})
        view = views.assessment_view(assess(evidence, state.policy), supplied)
        view = await keep(state, view, evidence, supplied)
        return state.cap(view, "Pass fewer records to see every detail.")


def _found(evidence: Evidence) -> int:
    return sum(
        len(records)
        for records in (
            evidence.tickets,
            evidence.accounts,
            evidence.messages,
            evidence.issues,
            evidence.articles,
        )
    )


__all__ = ["register"]
