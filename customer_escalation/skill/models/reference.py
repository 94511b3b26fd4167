"""The reference model: reads the records a correct run rests on, asks the policy, drafts plainly.

It follows a reference solution (the ids of the right records), not its own search, so a run of it
checks that a decision follows from the policy and those records; a failure under it means the labels
do not follow from the policy (or a grader is wrong), never that retrieval missed something. Its prose
is placeholder text.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from .base import SUBMIT_TOOL, AssistantEntry, Entry, ModelTurn, ToolCall, ToolResultEntry, ToolSpec

REFERENCE = "reference"


class ReferenceRecords(BaseModel):
    """The records a correct run rests on, by id."""

    model_config = ConfigDict(frozen=True)

    ticket_ids: tuple[str, ...] = ()
    account_ids: tuple[str, ...] = ()
    issue_keys: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = ()
    message_ids: tuple[str, ...] = ()
    """As ``<channel id>:<message id>``."""

    def evidence_ids(self) -> list[str]:
        """The ids as a draft cites them: ``ticket:<id>``, ``account:<id>``..."""
        return (
            [f"ticket:{i}" for i in self.ticket_ids]
            + [f"account:{i}" for i in self.account_ids]
            + [f"issue:{i}" for i in self.issue_keys]
            + [f"article:{i}" for i in self.article_ids]
            + [f"message:{i}" for i in self.message_ids]
        )

    def reads(self) -> list[ToolCall]:
        """One get call per record."""
        calls = [("support_get_ticket", {"ticket_id": i}) for i in self.ticket_ids]
        calls += [("crm_get_account", {"account_id": i}) for i in self.account_ids]
        calls += [("tracker_get_issue", {"key": i}) for i in self.issue_keys]
        calls += [("kb_get_article", {"article_id": i}) for i in self.article_ids]
        for ref in self.message_ids:
            channel, _, message = ref.rpartition(":")
            calls.append(("chat_get_thread", {"channel_id": channel, "thread_id": message}))
        return [ToolCall(id=f"ref-{n}", name=name, arguments=args) for n, (name, args) in enumerate(calls)]

    def assess_arguments(self, issue: str) -> dict[str, Any]:
        """`escalation_assess` with the issue and every record."""
        arguments: dict[str, Any] = {"issue": issue}
        for key, values in (
            ("ticket_ids", self.ticket_ids),
            ("account_ids", self.account_ids),
            ("issue_keys", self.issue_keys),
            ("article_ids", self.article_ids),
            ("message_ids", self.message_ids),
        ):
            if values:
                arguments[key] = list(values)
        return arguments


class ReferenceModel:
    """Reads `records`, calls `escalation_assess` on them, and submits a plain draft of its verdict."""

    drafted_without_llm = True

    def __init__(self, issue: str, records: ReferenceRecords) -> None:
        self.name = REFERENCE
        self._issue = issue
        self._records = records

    async def respond(self, conversation: list[Entry], tools: list[ToolSpec], system: str) -> ModelTurn:
        turns = sum(isinstance(e, AssistantEntry) for e in conversation)
        reads = self._records.reads()
        if turns == 0 and reads:
            return ModelTurn(tool_calls=reads)
        assessment = _latest_assessment(conversation)
        if assessment is None:
            arguments = self._records.assess_arguments(self._issue)
            return ModelTurn(
                tool_calls=[ToolCall(id="ref-assess", name="escalation_assess", arguments=arguments)]
            )
        return ModelTurn(
            tool_calls=[ToolCall(id="ref-submit", name=SUBMIT_TOOL, arguments=self._draft(assessment))]
        )

    def _draft(self, assessment: dict[str, Any]) -> dict[str, Any]:
        issue = self._issue
        summary = issue if len(issue) <= 200 else issue[:199].rstrip() + "…"
        draft: dict[str, Any] = {
            "decision": assessment["decision"],
            "summary": summary,
            "cited_records": self._records.evidence_ids(),
        }
        if assessment["decision"] == "handle_in_support":
            draft["suggested_reply"] = (
                "Thanks for the report. The linked article describes the steps that resolve this; please follow "
                "them and tell us if anything still fails."
            )
            return draft
        draft.update(
            workflow_impact="As described in the linked tickets.",
            issue_description=f"{issue.strip()} The related records are linked below.",
            reproduction_note="Not reproduced by the reference drafter; see the linked tickets.",
            last_update_to_customer="Acknowledged; investigating.",
            customer_expectation="An update at the next follow-up.",
            escalation_risk="As assessed by the policy.",
        )
        return draft


def _latest_assessment(conversation: list[Entry]) -> dict[str, Any] | None:
    return next(
        (
            e.structured
            for e in reversed(conversation)
            if isinstance(e, ToolResultEntry) and e.name == "escalation_assess" and e.structured
        ),
        None,
    )


__all__ = ["REFERENCE", "ReferenceModel", "ReferenceRecords"]
