"""What the policy reads (`Evidence`, `PastEscalation`) and what it concludes (`Assessment` and its parts).

Every model is frozen: an assessment is a value, the same records always give an equal one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ...connectors.records import (
    Account,
    Article,
    ChatMessage,
    Decision,
    Opportunity,
    Target,
    Ticket,
    TrackerIssue,
)
from ..policy_config import Severity
from ..signals import Hit
from ..sla import SlaState

Strength = Literal["hard", "soft"]
"""A hard criterion escalates on its own; soft ones weigh in when nothing hard is met."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PastEscalation(_Frozen):
    """An earlier escalation from the history, as the policy needs it."""

    id: str
    created_at: datetime
    issue: str
    severity: str | None = None
    target: str | None = None
    status: Literal["open", "closed", "deescalated"] = "open"
    account_ids: tuple[str, ...] = ()
    ticket_ids: tuple[str, ...] = ()
    issue_keys: tuple[str, ...] = ()


class Evidence(_Frozen):
    """Everything the policy judges: the issue text and the records found, already fetched."""

    issue: str
    now: datetime
    tickets: tuple[Ticket, ...] = ()
    accounts: tuple[Account, ...] = ()
    ticket_accounts: dict[str, str] = Field(default_factory=dict)
    """Ticket id -> account id, for tickets whose organization was matched to a CRM account."""
    named_account_ids: tuple[str, ...] = ()
    """Accounts the issue is about (named by the user or chosen by the caller)."""
    opportunities: dict[str, tuple[Opportunity, ...]] = Field(default_factory=dict)
    messages: tuple[ChatMessage, ...] = ()
    issues: tuple[TrackerIssue, ...] = ()
    articles: tuple[Article, ...] = ()
    history: tuple[PastEscalation, ...] = ()
    missing: tuple[str, ...] = ()
    """Evidence ids that were asked for but do not exist."""
    unavailable: tuple[str, ...] = ()
    """Sources that could not be read, e.g. ``chat (slack: timed out)``."""
    claimed: tuple[Hit, ...] = ()
    """Findings a model read in the records, already checked against them (see `grounding`)."""
    refused_claims: tuple[str, ...] = ()
    """Findings a model claimed that the records do not bear out, with the reason."""


class Finding(_Frozen):
    """One rule of the policy applied to the evidence."""

    rule: str
    """A stable name, e.g. ``sla_breached``."""
    criterion: str
    """The criterion of the spec it implements, in words."""
    met: bool
    strength: Strength = "soft"
    reason: str = ""
    evidence: tuple[str, ...] = ()
    quote: str | None = None
    """The words in a record that triggered the rule: customer-written, untrusted."""


class AffectedAccount(_Frozen):
    id: str
    name: str
    tier: str | None
    arr: float | None
    renewal_date: str | None
    high_value: bool


class Breadth(_Frozen):
    accounts: tuple[AffectedAccount, ...]
    """Affected accounts found in the CRM (ids not found are counted in `customers` only)."""
    customers: int
    reporters: int
    users_mentioned: int | None
    """The largest number of affected people any record mentions, if one does."""
    this_week: int
    previous_week: int
    growing: bool
    requesting_account_ids: tuple[str, ...] = ()
    """For feature gaps: accounts linked to the feature request (frequency of request)."""


class Depth(_Frozen):
    level: Literal["blocked", "inconvenienced", "unknown"]
    reason: str
    evidence: tuple[str, ...] = ()
    quote: str | None = None


class Duration(_Frozen):
    first_report_at: datetime | None
    hours_since_first_report: float | None
    oldest_open_ticket_id: str | None
    hours_in_queue: float | None


class Revenue(_Frozen):
    arr_at_risk: float | None
    """Sum of ARR of the distinct affected accounts that have a figure; None when none has."""
    accounts_without_arr: tuple[str, ...]
    renewals_in_window: tuple[tuple[str, str], ...]
    """(account id, ISO renewal date) for affected accounts renewing within the window."""
    open_opportunity_amount: float | None
    open_opportunity_ids: tuple[str, ...]
    requesting_arr: float | None = None


class Reputation(_Frozen):
    reference_accounts: tuple[str, ...]
    public_facing_accounts: tuple[str, ...]
    public_mentions: tuple[str, ...]


class Contractual(_Frozen):
    states: tuple[SlaState, ...]
    worst: SlaState | None
    tickets_without_sla: tuple[str, ...]


class Impact(_Frozen):
    breadth: Breadth
    depth: Depth
    duration: Duration
    revenue: Revenue
    reputation: Reputation
    contractual: Contractual


class FollowUp(_Frozen):
    internal_every_minutes: int
    customer_every: str
    next_internal_due: datetime
    next_customer_due: datetime


class Assessment(_Frozen):
    """The policy's verdict with every reason and record behind it."""

    decision: Decision
    decision_reason: str
    escalate_findings: tuple[Finding, ...]
    handle_findings: tuple[Finding, ...]
    severity: Severity | None
    severity_reasons: tuple[str, ...]
    severity_between: str | None
    """Set when the evidence sat between two levels and the higher one was taken: says why."""
    target: Target | None
    secondary_target: Target | None
    target_reasons: tuple[str, ...]
    engineering_team: str | None
    impact: Impact
    follow_up: FollowUp | None
    deadline: datetime | None
    deadline_reason: str | None
    priority: str
    incident_level: str
    suggested_asks: tuple[str, ...]
    resolving_records: tuple[str, ...]
    """For handle-in-support: the articles and earlier tickets that resolve it."""
    signals: tuple[str, ...]
    """Every signal found, as ``kind @ evidence id: excerpt``."""
    model_findings: tuple[str, ...] = ()
    """The model's findings the records bear out, as ``kind @ evidence id: quote``."""
    refused_findings: tuple[str, ...] = ()
    signal_disagreements: tuple[str, ...] = ()
    """Where the model's findings and the detector's disagree on a kind that decides escalations."""
    unknowns: tuple[str, ...]
    missing: tuple[str, ...]
    unavailable: tuple[str, ...]
    record_ids: tuple[str, ...]
    now: datetime
