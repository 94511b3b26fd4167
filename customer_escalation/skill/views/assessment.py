"""The view of the policy's assessment that `escalation_assess` returns."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import Field

from ..brief import BriefFacts, facts_from_assessment
from ..policy import Assessment, Finding, FollowUp
from .records import View, Wrapped, clean

# The policy's figures as sent: every field that may be empty has a default, so that a result without
# its empty fields (see `wire`) still matches the tool's output schema.


class AffectedAccountView(View):
    id: str
    name: str
    tier: str | None = None
    arr: float | None = None
    renewal_date: str | None = None
    high_value: bool = False
    stated_by_assistant: bool | None = None
    """True when its figures come from a snapshot the assistant passed, not from the CRM."""


class BreadthView(View):
    accounts: list[AffectedAccountView] = Field(default_factory=list)
    customers: int = 0
    reporters: int = 0
    users_mentioned: int | None = None
    this_week: int = 0
    previous_week: int = 0
    growing: bool = False
    requesting_account_ids: list[str] = Field(default_factory=list)


class DurationView(View):
    first_report_at: datetime | None = None
    hours_since_first_report: float | None = None
    oldest_open_ticket_id: str | None = None
    hours_in_queue: float | None = None


class RevenueView(View):
    arr_at_risk: float | None = None
    accounts_without_arr: list[str] = Field(default_factory=list)
    renewals_in_window: list[tuple[str, str]] = Field(default_factory=list)
    open_opportunity_amount: float | None = None
    open_opportunity_ids: list[str] = Field(default_factory=list)
    requesting_arr: float | None = None


class ReputationView(View):
    reference_accounts: list[str] = Field(default_factory=list)
    public_facing_accounts: list[str] = Field(default_factory=list)
    public_mentions: list[str] = Field(default_factory=list)


class BriefLines(BriefFacts):
    severity_note: str | None = None
    whats_needed: list[str] = Field(default_factory=list)


class FindingView(View):
    rule: str
    criterion: str
    strength: str
    reason: str
    evidence: list[str] = Field(default_factory=list)
    untrusted: dict[str, str] = Field(default_factory=dict, description="the customer's words behind it")


class DepthView(View):
    level: str
    reason: str
    evidence: list[str] = Field(default_factory=list)
    untrusted: dict[str, str] = Field(default_factory=dict)


class SlaStateView(View):
    ticket_id: str
    metric: str
    status: str
    breach_at: datetime | None = None
    minutes_left: int | None = None
    source: str


class AssessmentView(Wrapped):
    """The policy's verdict. Its figures come from records: copy them, do not recompute them."""

    assessment_id: str | None = None
    """ASM-<n>: pass it to escalation_compose with your draft (absent when the server keeps no history)."""
    decision: str
    decision_reason: str
    criteria_met: list[FindingView] = Field(default_factory=list)
    handle_criteria_met: list[FindingView] = Field(default_factory=list)
    severity: str | None = None
    severity_reasons: list[str] = Field(default_factory=list)
    severity_between: str | None = None
    target: str | None = None
    secondary_target: str | None = None
    target_reasons: list[str] = Field(default_factory=list)
    engineering_team: str | None = None
    priority: str
    incident_level: str
    breadth: BreadthView = Field(default_factory=BreadthView)
    depth: DepthView
    duration: DurationView = Field(default_factory=DurationView)
    revenue: RevenueView = Field(default_factory=RevenueView)
    reputation: ReputationView = Field(default_factory=ReputationView)
    sla: list[SlaStateView] = Field(default_factory=list)
    """SLA metrics that need attention: breached, at risk, paused or met late."""
    sla_within: int = 0
    """How many other running SLA metrics are within their targets."""
    follow_up: FollowUp | None = None
    deadline: datetime | None = None
    deadline_reason: str | None = None
    suggested_asks: list[str] = Field(default_factory=list)
    resolving_records: list[str] = Field(default_factory=list)
    model_findings: list[str] = Field(default_factory=list)
    """Your findings that the records bear out; the decision rests on them and the detector's."""
    refused_findings: list[str] = Field(default_factory=list)
    """Your findings the records do not bear out, with why (quote not verbatim, hidden, written by us)."""
    signal_disagreements: list[str] = Field(default_factory=list)
    brief_lines: BriefLines | None = None
    """Ready-made brief lines (severity, target, customers, revenue, time in queue, SLA, deadline)."""
    assistant_supplied: list[str] = Field(default_factory=list)
    """Records the assistant passed as snapshots that this server's connectors cannot read: weighed as
    evidence, their quotes checked against their own text, their figures as the assistant stated them."""
    unknowns: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    unavailable: list[str] = Field(default_factory=list)


def _finding_view(f: Finding) -> FindingView:
    return FindingView(
        rule=f.rule,
        criterion=f.criterion,
        strength=f.strength,
        reason=f.reason,
        evidence=list(f.evidence),
        untrusted={"quote": clean(f.quote, 240)} if f.quote else {},
    )


def _breadth(a: Assessment, supplied: set[str]) -> BreadthView:
    breadth = BreadthView.model_validate(a.impact.breadth.model_dump())
    accounts = [
        account.model_copy(
            update={"stated_by_assistant": True if f"account:{account.id}" in supplied else None}
        )
        for account in breadth.accounts
    ]
    return breadth.model_copy(update={"accounts": accounts})


def _brief_lines(a: Assessment, breadth: BreadthView) -> BriefLines | None:
    if a.decision != "escalate":
        return None
    lines = BriefLines.model_validate(facts_from_assessment(a).model_dump())
    stated = [account.name for account in breadth.accounts if account.stated_by_assistant]
    if not stated:
        return lines
    label = f"{lines.revenue_at_risk} (figures of {', '.join(stated)} as stated by the assistant, not from the CRM)"
    return lines.model_copy(update={"revenue_at_risk": label})


def assessment_view(a: Assessment, supplied: Sequence[str] = ()) -> AssessmentView:
    """The view of `a`; `supplied` names the records the assistant passed as snapshots."""
    depth = a.impact.depth
    breadth = _breadth(a, set(supplied))
    return AssessmentView(
        decision=a.decision,
        decision_reason=a.decision_reason,
        criteria_met=[_finding_view(f) for f in a.escalate_findings if f.met],
        handle_criteria_met=[_finding_view(f) for f in a.handle_findings if f.met],
        severity=a.severity,
        severity_reasons=list(a.severity_reasons),
        severity_between=a.severity_between,
        target=a.target,
        secondary_target=a.secondary_target,
        target_reasons=list(a.target_reasons),
        engineering_team=a.engineering_team,
        priority=a.priority,
        incident_level=a.incident_level,
        breadth=breadth,
        depth=DepthView(
            level=depth.level,
            reason=depth.reason,
            evidence=list(depth.evidence),
            untrusted={"quote": clean(depth.quote, 240)} if depth.quote else {},
        ),
        duration=DurationView.model_validate(a.impact.duration.model_dump()),
        revenue=RevenueView.model_validate(a.impact.revenue.model_dump()),
        reputation=ReputationView.model_validate(a.impact.reputation.model_dump()),
        sla=[
            SlaStateView.model_validate(s.model_dump())
            for s in a.impact.contractual.states
            if s.status not in {"met", "within"}
        ],
        sla_within=sum(1 for s in a.impact.contractual.states if s.status == "within"),
        follow_up=a.follow_up,
        deadline=a.deadline,
        deadline_reason=a.deadline_reason,
        suggested_asks=list(a.suggested_asks),
        resolving_records=list(a.resolving_records),
        model_findings=[clean(m, 400) for m in a.model_findings],
        refused_findings=[clean(m, 400) for m in a.refused_findings],
        signal_disagreements=[clean(m, 400) for m in a.signal_disagreements],
        brief_lines=_brief_lines(a, breadth),
        assistant_supplied=list(supplied),
        unknowns=list(a.unknowns),
        missing=list(a.missing),
        unavailable=list(a.unavailable),
    )
