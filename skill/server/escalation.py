"""The policy tool, `escalation_assess`: the decision, impact, severity, target, SLA and cadence computed
from the records the model names."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult
from pydantic import Field

from ...connectors.errors import WorkspaceError
from .. import views
from ..actions import past_escalations
from ..evidence import EvidenceRequest, collect
from ..grounding import ClaimedFinding, ground
from ..policy import assess
from .shared import POLICY_TOOL, AsText, IdList, ServerState


def register(server: MCPServer, state: ServerState) -> None:
    """Add `escalation_assess` to `server`."""

    @server.tool(annotations=POLICY_TOOL, title="Assess an escalation")
    async def escalation_assess(
        issue: Annotated[
            str, Field(min_length=1, max_length=4_000, description="The issue as the user described it.")
        ],
        ticket_ids: IdList | None = None,
        account_ids: IdList | None = None,
        message_ids: Annotated[
            list[Annotated[str, Field(min_length=3, max_length=200), AsText]] | None,
            Field(max_length=50, description="Chat messages as `<channel id>:<message id>`."),
        ] = None,
        issue_keys: IdList | None = None,
        article_ids: IdList | None = None,
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

        Pass the ids of every record that is really about this issue; figures come from the records, so
        do not pass numbers. Ids that do not exist are reported back as missing. `issue` is the user's
        own words, as typed; put your own summary in `summary`. Add `findings` for what you read
        (production down, data loss, a security exposure, a churn threat...) with the customer's exact
        words: the policy decides on those that the records bear out and on its own reading, and says
        where the two disagree.
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
        evidence = await collect(state.registry, request, now=state.clock())
        asked = sum(
            len(ids) for ids in (ticket_ids, account_ids, message_ids, issue_keys, article_ids) if ids
        )
        found = len(evidence.tickets) + len(evidence.accounts) + len(evidence.messages)
        found += len(evidence.issues) + len(evidence.articles)
        if asked and not found and not evidence.unavailable:
            # a decision on no record would be a confident guess: say what was not found instead
            raise ToolError(
                "none of the records passed exists here: "
                + ", ".join(evidence.missing[:20])
                + ". Pass ids as the search and get tools return them; records from another system's "
                "tools cannot be read by this server"
            )
        if findings:
            grounded = ground(list(findings), evidence)
            evidence = evidence.model_copy(
                update={"claimed": grounded.kept, "refused_claims": grounded.refused}
            )
        if state.history is not None:
            try:
                earlier = state.history.related_escalations(
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
        return state.cap(
            views.assessment_view(assess(evidence, state.policy)),
            "Pass fewer records to see every detail.",
        )


__all__ = ["register"]
