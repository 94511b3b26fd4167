"""The escalation the actions are about: the case kept with its history entry, how a write finds its
escalation, and past escalations as the policy reads them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from ...connectors.records import EscalationEntry
from ..brief import ContextItem, EscalationBrief, SupportHandling
from ..history import HistoryStore
from ..policy import FollowUp, PastEscalation, Target
from ..policy_config import Severity
from .kinds import PRIORITY_OF, FrozenModel
from .ledger import fingerprint

if TYPE_CHECKING:
    from ..run_result import RunResult


class EscalationCase(FrozenModel):
    """What the actions need to know about an escalation; kept in the history entry's `data`."""

    issue: str
    account: str | None = None
    decision: Literal["escalate", "handle_in_support"] = "escalate"
    summary: str
    brief: EscalationBrief | None = None
    handling: SupportHandling | None = None
    severity: Severity | None = None
    target: Target | None = None
    target_line: str | None = None
    primary_ticket_id: str | None = None
    """The ticket notes go on: the longest-waiting open one, else the first related."""
    ticket_ids: tuple[str, ...] = ()
    account_ids: tuple[str, ...] = ()
    issue_keys: tuple[str, ...] = ()
    """Related tracker issues."""
    links: tuple[ContextItem, ...] = ()
    """The related tickets and tracker issues, with links where the systems give them."""
    follow_up: FollowUp | None = None
    deadline: datetime | None = None
    deadline_reason: str | None = None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.issue, self.ticket_ids, self.account)

    @property
    def markdown(self) -> str:
        output = self.brief or self.handling
        return output.render() if output is not None else ""

    @property
    def reporter(self) -> str:
        output = self.brief or self.handling
        return output.reported_by if output is not None else "Support"

    @classmethod
    def from_run(cls, result: RunResult, issue: str, account: str | None = None) -> EscalationCase:
        """The case of a finished run of the agent loop.

        Raises:
            ValueError: the run produced neither a brief nor a support-handling note.
        """
        output = result.brief or result.handling
        if output is None:
            raise ValueError("the run produced no brief")
        assessment = result.assessment.model_dump(mode="json") if result.assessment is not None else {}
        return cls.from_output(output, assessment, issue, account)

    @classmethod
    def from_output(
        cls,
        output: EscalationBrief | SupportHandling,
        assessment: dict[str, Any],
        issue: str,
        account: str | None = None,
    ) -> EscalationCase:
        """The case of a composed brief (or support-handling note) and the assessment it rests on."""
        brief = output if isinstance(output, EscalationBrief) else None
        handling = output if isinstance(output, SupportHandling) else None
        items = [*output.supporting_context]
        if handling is not None:
            items = [*handling.resolved_by, *items]
        refs = [(item.ref or "").partition(":") for item in items]
        tickets = tuple(dict.fromkeys(i for kind, _, i in refs if kind == "ticket"))
        keys = tuple(dict.fromkeys(i for kind, _, i in refs if kind == "issue"))
        breadth = assessment.get("breadth") or {}
        accounts = [a.get("id") for a in breadth.get("accounts", []) if isinstance(a, dict)]
        accounts += [i for kind, _, i in refs if kind == "account"]
        oldest = (assessment.get("duration") or {}).get("oldest_open_ticket_id")
        primary = oldest if oldest in tickets else (tickets[0] if tickets else None)
        follow_up = assessment.get("follow_up")
        return cls(
            issue=issue,
            account=account,
            decision="escalate" if brief is not None else "handle_in_support",
            summary=output.summary,
            brief=brief,
            handling=handling,
            severity=brief.severity if brief is not None else None,
            target=assessment.get("target") if brief is not None else None,
            target_line=brief.target_team if brief is not None else None,
            primary_ticket_id=primary,
            ticket_ids=tickets,
            account_ids=tuple(dict.fromkeys(a for a in accounts if a)),
            issue_keys=keys,
            links=tuple(item for item in items if item.kind in {"ticket", "issue"}),
            follow_up=FollowUp.model_validate(follow_up) if follow_up else None,
            deadline=assessment.get("deadline"),
            deadline_reason=assessment.get("deadline_reason"),
        )

    @classmethod
    def from_entry(cls, entry: EscalationEntry) -> EscalationCase:
        """The case kept with a history entry, or the little the entry itself says."""
        case = entry.data.get("case")
        if case:
            return cls.model_validate(case)
        return cls(
            issue=entry.issue,
            decision=entry.decision,
            summary=entry.summary or entry.issue,
            severity=entry.severity if entry.severity in PRIORITY_OF else None,
            target_line=entry.target,
            primary_ticket_id=entry.ticket_ids[0] if entry.ticket_ids else None,
            ticket_ids=entry.ticket_ids,
            account_ids=entry.account_ids,
        )

    def record(self, history: HistoryStore, *, fingerprint: str | None = None) -> EscalationEntry:
        """Record this brief in the history (updating the open escalation of the same issue, or the one
        whose `fingerprint` is given).

        Raises:
            WorkspaceError: the history cannot be written.
        """
        return history.record_escalation(
            fingerprint=fingerprint or self.fingerprint,
            issue=self.issue,
            summary=self.summary,
            decision=self.decision,
            severity=self.severity,
            target=self.target_line,
            account_ids=self.account_ids,
            ticket_ids=self.ticket_ids,
            issue_keys=self.issue_keys,
            brief=self.markdown,
            data={"case": self.model_dump(mode="json")},
        )


def past_escalations(entries: Iterable[EscalationEntry]) -> tuple[PastEscalation, ...]:
    """History entries as the policy's `recurring` rule reads them: escalations only (a case handled in
    support was never escalated, so it does not make a new one recurring)."""
    return tuple(
        PastEscalation.model_validate(
            {
                **e.model_dump(include=set(PastEscalation.model_fields)),
                "issue_keys": tuple(str(k) for k in e.data.get("issue_keys", ()) if isinstance(k, str)),
            }
        )
        for e in entries
        if e.decision == "escalate"
    )


__all__ = ["EscalationCase", "past_escalations"]
