"""The escalation policy: escalate or handle in support, impact, target, severity, SLA, cadence.

`assess(evidence, config)` is a pure function of the records: the same records and the same clock always
give the same `Assessment`, whichever model (or none) gathered them. Every conclusion carries its reasons
and the ids of the records behind it. Absent data is reported as unknown, never guessed, and never raises.

Evidence ids name records across systems: ``ticket:<id>``, ``account:<id>``, ``issue:<key>``,
``article:<id>``, ``message:<channel>:<id>``, or ``issue-text`` for the text the user typed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..connectors.records import (
    OPEN_TICKET_STATUSES,
    Account,
    Article,
    ChatMessage,
    Decision,
    Opportunity,
    Target,
    Ticket,
    TrackerIssue,
)
from .policy_config import PolicyConfig, Severity, SignalKind
from .signals import Hit, mentioned_user_counts, scan
from .sla import SlaState, add_business_minutes, ticket_sla_states, worst

Strength = Literal["hard", "soft"]

CURRENT_WINDOW = timedelta(days=7)
"""A ticket belongs to the current occurrence when it is open or was created this recently."""


def ticket_ref(ticket_id: str) -> str:
    return f"ticket:{ticket_id}"


def account_ref(account_id: str) -> str:
    return f"account:{account_id}"


def issue_ref(key: str) -> str:
    return f"issue:{key}"


def article_ref(article_id: str) -> str:
    return f"article:{article_id}"


def message_ref(message: ChatMessage) -> str:
    return f"message:{message.channel_id}:{message.id}"


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


_CUSTOMER_SIGNALS: tuple[SignalKind, ...] = (
    "security",
    "degraded",
    "multi_customer",
    "workaround_failed",
    "test_environment",
    "resolved",
    "data_loss",
    "production_down",
    "blocked",
    "inconvenienced",
    "churn",
    "executive",
    "reputation",
    "legal",
    "exception",
    "feature_gap",
    "recurring",
)
_SUPPORT_SIGNALS: tuple[SignalKind, ...] = ("reproduced", "not_reproduced")


class _Facts:
    """Intermediate facts shared by the rules; built once per assessment."""

    def __init__(self, ev: Evidence, config: PolicyConfig) -> None:
        self.ev = ev
        self.config = config
        self.now = ev.now
        self.accounts = {a.id: a for a in ev.accounts}
        self.current = [t for t in ev.tickets if self._is_current(t)]
        self.earlier = [t for t in ev.tickets if not self._is_current(t)]
        self.affected_ids = self._affected_account_ids()
        self.bugs = [i for i in ev.issues if i.kind in {"bug", "task"}]
        self.open_bugs = [i for i in self.bugs if i.status in {"open", "in_progress", "reopened"}]
        self.features = [i for i in ev.issues if i.kind == "feature"]
        customer_texts, support_texts = self._texts()
        detected = scan(customer_texts, _CUSTOMER_SIGNALS, config)
        claimed = [h for h in ev.claimed if h.kind in _CUSTOMER_SIGNALS]
        self.disagreements = _disagreements(detected, claimed) if ev.claimed else []
        seen = {(h.kind, h.source) for h in detected}
        hits = detected + [h for h in claimed if (h.kind, h.source) not in seen]
        self.resolved_sources = _resolved_sources(hits)
        self.hits = _settle(hits, self.resolved_sources) + scan(support_texts, _SUPPORT_SIGNALS, config)
        self.staff_refusal = any(_REFUSAL.search(text) for _, text in support_texts) or any(
            _REFUSAL.search(f"{a.title}\n{a.body}") for a in ev.articles
        )
        self.issue_how_to = scan([("issue-text", ev.issue)], ("how_to",), config)
        self.sla = self._sla_states()

    def _is_current(self, ticket: Ticket) -> bool:
        return ticket.status in OPEN_TICKET_STATUSES or ticket.created_at >= self.now - CURRENT_WINDOW

    def _affected_account_ids(self) -> tuple[str, ...]:
        ids: list[str] = []
        for ticket in self.current:
            account_id = self.ev.ticket_accounts.get(ticket.id)
            if account_id and account_id not in ids:
                ids.append(account_id)
        for account_id in self.ev.named_account_ids:
            if account_id not in ids:
                ids.append(account_id)
        return tuple(ids)

    def _texts(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        customer: list[tuple[str, str]] = [("issue-text", self.ev.issue)]
        support: list[tuple[str, str]] = []
        for ticket in self.current:
            parts = [ticket.subject, ticket.description]
            parts += [c.body for c in ticket.comments if c.author.role == "customer"]
            customer.append((ticket_ref(ticket.id), "\n".join(parts)))
            staff = [c.body for c in ticket.comments if c.author.role in {"agent", "internal"}]
            if staff:
                support.append((ticket_ref(ticket.id), "\n".join(staff)))
        for message in self.ev.messages:
            customer.append((message_ref(message), message.text))
            support.append((message_ref(message), message.text))
        for issue in self.ev.issues:
            support.append((issue_ref(issue.key), f"{issue.title}\n{issue.body}"))
        return customer, support

    def _sla_states(self) -> list[SlaState]:
        states: list[SlaState] = []
        for ticket in self.current:
            account_id = self.ev.ticket_accounts.get(ticket.id)
            tier = self.accounts[account_id].tier if account_id in self.accounts else None
            states.extend(ticket_sla_states(ticket, tier, self.now, self.config))
        return states

    def hits_of(self, kind: SignalKind) -> list[Hit]:
        return [h for h in self.hits if h.kind == kind]

    def has(self, kind: SignalKind) -> bool:
        return any(h.kind == kind for h in self.hits)

    def is_high_value(self, account: Account) -> bool:
        if account.tier is not None and account.tier in self.config.high_value_tiers:
            return True
        return account.arr is not None and account.arr >= self.config.high_value_arr

    @property
    def affected_accounts(self) -> list[Account]:
        return [self.accounts[i] for i in self.affected_ids if i in self.accounts]

    @property
    def high_value_affected(self) -> list[Account]:
        return [a for a in self.affected_accounts if self.is_high_value(a)]

    def renews_soon(self, account: Account) -> bool:
        if account.renewal_date is None:
            return False
        days = (account.renewal_date - self.now.date()).days
        return 0 <= days <= self.config.renewal_window_days


_TECHNICAL: frozenset[str] = frozenset(
    {"production_down", "degraded", "blocked", "inconvenienced", "data_loss"}
)
"""Kinds that describe the state of the product, which a later "it works now" settles."""
_REFUSAL = re.compile(
    r"\b(?:cannot|can't|unable to|not able to|not eligible|no longer eligible|not possible|outside (?:the|our) "
    r"polic\w+|exceptions?\s+(?:to\s+this\s+policy\s+)?(?:need|require)s?)\b",
    re.IGNORECASE,
)


_DECIDING: tuple[SignalKind, ...] = (
    "production_down",
    "data_loss",
    "security",
    "churn",
    "executive",
    "multi_customer",
    "workaround_failed",
    "resolved",
)


def _disagreements(detected: list[Hit], claimed: list[Hit]) -> list[str]:
    """Kinds that decide escalations which one reader found and the other did not."""
    found = {h.kind for h in detected}
    said = {h.kind for h in claimed}
    notes = [
        f"{h.kind.replace('_', ' ')}: the model reads it in {h.source} (“{h.quote}”); the detector does not"
        for h in claimed
        if h.kind in _DECIDING and h.kind not in found
    ]
    notes += [
        f"{h.kind.replace('_', ' ')}: the detector reads it in {h.source}; the model did not claim it"
        for h in detected
        if h.kind in _DECIDING and h.kind not in said
    ]
    return list(dict.fromkeys(notes))


def _resolved_sources(hits: list[Hit]) -> set[str]:
    """Tickets (and the issue as typed) whose text says the problem is fixed or working again, and does
    not also say it came back or that the fix failed. Our own chat saying "fixed" is not the customer's
    confirmation."""
    resolved = {h.source for h in hits if h.kind == "resolved" and not h.source.startswith("message:")}
    unsettled = {h.source for h in hits if h.kind in {"recurring", "workaround_failed"}}
    return resolved - unsettled


def _settle(hits: list[Hit], resolved: set[str]) -> list[Hit]:
    """`hits` without the product-state hits that a resolution settles (in the same record; in the issue
    text too when every record that reported the problem now says it is resolved), and without lost data
    that only a test environment holds."""
    technical_sources = {h.source for h in hits if h.kind in _TECHNICAL and h.source != "issue-text"}
    settled = set(resolved)
    if "issue-text" in resolved or (technical_sources and technical_sources <= resolved):
        settled.add("issue-text")
    kept: list[Hit] = []
    for hit in hits:
        if hit.kind in _TECHNICAL and hit.source in settled:
            continue
        if hit.kind == "data_loss" and hit.environment == "test":
            continue
        kept.append(hit)
    return kept


_WORD = re.compile(r"[a-z]{4,}")
_POINTER = re.compile(
    r"\b(?:as (?:the|your) (?:article|docs?|documentation|message|guide|kb|help) says?|as (?:you )?suggested|"
    r"your (?:article|guide|docs?|workaround|suggestion|fix)|the (?:workaround|suggested fix|documented fix))\b",
    re.IGNORECASE,
)
_COMMON = frozenset(
    w[:5]
    for w in [
        "that",
        "this",
        "with",
        "have",
        "from",
        "your",
        "them",
        "they",
        "their",
        "there",
        "were",
        "what",
        "when",
        "will",
        "would",
        "could",
        "should",
        "about",
        "again",
        "still",
        "same",
        "result",
        "tried",
        "does",
        "didn",
        "know",
        "just",
        "also",
        "only",
        "more",
        "into",
        "than",
        "then",
    ]
)
"""Words too common to tie an attempt to an article, by their first five letters (as `_tried` compares)."""


def _tried(article: Article, failures: list[Hit]) -> bool:
    """Whether a failed attempt in `failures` is the one `article` documents: it points at the article,
    or names what the article tells the customer to do (shared words, compared by their first letters)."""
    told = {w[:5] for w in _WORD.findall((article.workaround or article.body).lower())} - _COMMON
    for hit in failures:
        if _POINTER.search(hit.excerpt):
            return True
        said = {w[:5] for w in _WORD.findall(hit.excerpt.lower())} - _COMMON
        if len(told & said) >= 2:
            return True
    return False


def _refs(hits: Iterable[Hit]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(h.source for h in hits))


def _quote(hits: list[Hit]) -> str:
    """Where a signal was found; the customer's words themselves go in `Finding.quote`. A signal only the
    issue as typed carries is the reporter's word, not yet confirmed by any record."""
    if not hits:
        return ""
    records = [h for h in hits if h.source != "issue-text"]
    if not records:
        return f"{hits[0].kind.replace('_', ' ')} per the reporter, not confirmed in records"
    return f"{records[0].kind.replace('_', ' ')} phrase in {records[0].source}"


def _escalate_findings(f: _Facts) -> list[Finding]:
    cfg = f.config
    findings: list[Finding] = []

    def add(
        rule: str,
        criterion: str,
        met: bool,
        strength: Strength,
        reason: str,
        evidence: Iterable[str],
        hits: list[Hit] | None = None,
    ) -> None:
        findings.append(
            Finding(
                rule=rule,
                criterion=criterion,
                met=met,
                strength=strength,
                reason=reason,
                evidence=tuple(evidence),
                quote=hits[0].excerpt if met and hits else None,
            )
        )

    security = f.hits_of("security")
    add(
        "security_concern",
        "Security concern (data exposure, unauthorized access, vulnerability)",
        bool(security),
        "hard",
        f"security signal: {_quote(security)}" if security else "no security signal",
        _refs(security),
        security,
    )

    data = f.hits_of("data_loss")
    add(
        "data_loss",
        "Data corruption or loss, data integrity at risk",
        bool(data),
        "hard",
        f"data integrity signal: {_quote(data)}" if data else "no sign of data loss or corruption",
        _refs(data),
        data,
    )

    down = f.hits_of("production_down")
    # A single customer's outage that a current article documents the fix for is support's to resolve,
    # unless the customer says that fix did not help.
    documented = any(
        a.status == "current" and a.kind in {"troubleshooting", "known-issue"} for a in f.ev.articles
    )
    single = len(f.affected_ids) <= 1 and not f.has("multi_customer")
    down_strength: Strength = "soft" if documented and single and not f.has("workaround_failed") else "hard"
    add(
        "production_down",
        "Production system down",
        bool(down),
        down_strength,
        (f"production-down signal: {_quote(down)}" if down else "nothing says production is down")
        + ("; a current article documents the fix" if down and down_strength == "soft" else ""),
        _refs(down),
        down,
    )

    customers = len(f.affected_ids)
    only_questions = bool(f.current) and all(t.type == "question" for t in f.current)
    pattern = customers >= cfg.pattern_customer_count and not only_questions
    add(
        "pattern_customers",
        f"Same issue reported by {cfg.pattern_customer_count}+ customers",
        pattern,
        "hard",
        f"{customers} distinct customers affected",
        [account_ref(a) for a in f.affected_ids],
    )
    add(
        "multiple_customers",
        "Multiple customers affected",
        customers >= 2,
        "soft",
        f"{customers} distinct customers affected",
        [account_ref(a) for a in f.affected_ids],
    )

    churn = f.hits_of("churn")
    at_risk = [a for a in f.affected_accounts if f.is_high_value(a) or f.renews_soon(a)]
    add(
        "high_value_at_risk",
        "High-value customer at risk (churn threat)",
        bool(churn) and bool(at_risk),
        "hard",
        (
            f"churn signal {_quote(churn)} from high-value or renewing account(s): "
            + ", ".join(a.name for a in at_risk)
        )
        if churn and at_risk
        else ("churn signal, but no high-value or renewing account affected" if churn else "no churn signal"),
        _refs(churn) + tuple(account_ref(a.id) for a in at_risk),
        churn,
    )

    live = [s for s in f.sla if s.status in {"breached", "at_risk"}]
    add(
        "sla_breach",
        "SLA breach imminent or occurred",
        bool(live),
        "hard",
        "; ".join(
            f"ticket {s.ticket_id} {s.metric.replace('_', ' ')} {s.status.replace('_', ' ')}" for s in live
        )
        or "no running SLA metric is breached or at risk",
        [ticket_ref(s.ticket_id) for s in live],
    )
    late = [s for s in f.sla if s.status == "met_late"]
    add(
        "sla_met_late",
        "SLA was breached earlier on this issue",
        bool(late),
        "soft",
        "; ".join(f"ticket {s.ticket_id} {s.metric.replace('_', ' ')} met late" for s in late) or "none",
        [ticket_ref(s.ticket_id) for s in late],
    )

    exec_hits = f.hits_of("executive")
    add(
        "executive_request",
        "Customer requesting executive involvement",
        bool(exec_hits),
        "hard",
        f"executive request: {_quote(exec_hits)}" if exec_hits else "no request for executives",
        _refs(exec_hits),
        exec_hits,
    )

    long_open = [
        t
        for t in f.current
        if t.status in OPEN_TICKET_STATUSES and f.now - t.created_at >= timedelta(days=cfg.long_wait_days)
    ]
    add(
        "long_wait",
        f"Open beyond {cfg.long_wait_days:g} days; customer waiting unreasonably long",
        bool(long_open),
        "hard",
        ", ".join(f"ticket {t.id} open {(f.now - t.created_at).days} days" for t in long_open) or "none",
        [ticket_ref(t.id) for t in long_open],
    )

    reopened = [i for i in f.bugs if i.status == "reopened" or i.reopened_at is not None]
    fixed_then_seen = [
        i
        for i in f.bugs
        if i.resolved_at is not None
        and i.status in {"resolved", "closed"}
        and any(t.created_at > i.resolved_at for t in f.current)
    ]
    past = [
        p
        for p in f.ev.history
        if p.status != "open"
        and (set(p.account_ids) & set(f.affected_ids) or set(p.ticket_ids) & {t.id for t in f.ev.tickets})
        # it came back: a report arrived after that escalation (re-running the same brief is not a recurrence)
        and any(t.created_at > p.created_at for t in f.current)
    ]
    recurring_ids = [issue_ref(i.key) for i in reopened + fixed_then_seen] + [
        f"escalation:{p.id}" for p in past
    ]
    reasons = [f"{i.key} reopened after fix {i.fix_version or '(no version)'}" for i in reopened]
    reasons += [f"{i.key} was resolved, new reports since" for i in fixed_then_seen]
    reasons += [f"escalated before as {p.id} ({p.status})" for p in past]
    add(
        "recurring",
        "Recurring issue that was supposedly fixed",
        bool(recurring_ids),
        "hard",
        "; ".join(reasons) or "no sign it was fixed before",
        recurring_ids,
    )
    recurring_text = f.hits_of("recurring")
    add(
        "recurring_claim",
        "Customer says it happened again after a fix",
        bool(recurring_text),
        "soft",
        _quote(recurring_text) or "none",
        _refs(recurring_text),
        recurring_text,
    )

    add(
        "confirmed_bug",
        "Bug confirmed and needs a code fix",
        bool(f.open_bugs) or f.has("reproduced"),
        "soft",
        ", ".join(f"{i.key} {i.status}" for i in f.open_bugs)
        or (f"reproduced by support: {_quote(f.hits_of('reproduced'))}" if f.has("reproduced") else "none"),
        [issue_ref(i.key) for i in f.open_bugs] + list(_refs(f.hits_of("reproduced"))),
        f.hits_of("reproduced"),
    )

    blocked = f.hits_of("blocked")
    add(
        "customer_blocked",
        "Customer blocked with no working alternative",
        bool(blocked),
        "soft",
        _quote(blocked) or "none",
        _refs(blocked),
        blocked,
    )

    not_repro = f.hits_of("not_reproduced")
    # a failed attempt is beyond support once support's own documented answer is what failed
    answers = [
        a for a in f.ev.articles if a.status == "current" and a.kind in {"troubleshooting", "known-issue"}
    ]
    failed = (
        f.hits_of("workaround_failed")
        if any(_tried(a, f.hits_of("workaround_failed")) for a in answers)
        else []
    )
    add(
        "beyond_support",
        "Beyond support's ability to diagnose",
        bool(not_repro) or bool(failed),
        "soft",
        (f"support could not reproduce: {_quote(not_repro)}" if not_repro else "")
        + ("; " if not_repro and failed else "")
        + (f"the customer tried the fix without success: {_quote(failed)}" if failed else "")
        or "none",
        _refs(not_repro) + _refs(failed),
        not_repro or failed,
    )

    exception = f.hits_of("exception")
    add(
        "exception_to_policy",
        "Exception to policy required",
        bool(exception) and f.staff_refusal,
        "hard",
        f"an exception is asked for ({_quote(exception)}) and our policy or agent has declined it"
        if exception and f.staff_refusal
        else "none",
        _refs(exception),
        exception,
    )

    feature = f.hits_of("feature_gap")
    add(
        "feature_gap",
        "Feature gap causing customer pain",
        bool(feature) or bool(f.features),
        "soft",
        ", ".join([i.key for i in f.features]) or _quote(feature) or "none",
        [issue_ref(i.key) for i in f.features] + list(_refs(feature)),
        feature,
    )

    growing = _weekly_counts(f)
    add(
        "growing",
        "Increasing severity over time (more reports week over week)",
        growing[0] > growing[1] and growing[0] >= 2,
        "soft",
        f"{growing[0]} reports this week, {growing[1]} the week before",
        [ticket_ref(t.id) for t in f.current],
    )

    hv_blocked = bool(f.high_value_affected) and bool(blocked)
    add(
        "high_value_blocked",
        "High-value customer blocked",
        hv_blocked,
        "soft",
        ", ".join(a.name for a in f.high_value_affected) if hv_blocked else "none",
        [account_ref(a.id) for a in f.high_value_affected] if hv_blocked else [],
    )

    bug_blocks_key_customer = hv_blocked and (bool(f.open_bugs) or f.has("reproduced"))
    add(
        "key_customer_blocked_by_bug",
        "High-value customer blocked by a confirmed bug",
        bug_blocks_key_customer,
        "hard",
        (
            ", ".join(a.name for a in f.high_value_affected)
            + " blocked; bug "
            + (", ".join(i.key for i in f.open_bugs) or "reproduced by support")
        )
        if bug_blocks_key_customer
        else "none",
        [account_ref(a.id) for a in f.high_value_affected] + [issue_ref(i.key) for i in f.open_bugs]
        if bug_blocks_key_customer
        else [],
    )

    legal = f.hits_of("legal") + f.hits_of("reputation")
    add(
        "legal_or_pr_risk",
        "PR or legal risk",
        bool(legal),
        "soft",
        _quote(legal) or "none",
        _refs(legal),
        legal,
    )
    return findings


def _weekly_counts(f: _Facts) -> tuple[int, int]:
    this_week = sum(1 for t in f.ev.tickets if t.created_at >= f.now - timedelta(days=7))
    previous = sum(
        1 for t in f.ev.tickets if f.now - timedelta(days=14) <= t.created_at < f.now - timedelta(days=7)
    )
    return this_week, previous


def _handle_findings(f: _Facts) -> list[Finding]:
    findings: list[Finding] = []
    current_articles = [a for a in f.ev.articles if a.status == "current"]
    failed = any(_tried(a, f.hits_of("workaround_failed")) for a in current_articles)
    workaround = [a for a in current_articles if a.kind == "known-issue" and a.workaround and not failed]
    findings.append(
        Finding(
            rule="documented_workaround",
            criterion="Documented solution or known workaround",
            met=bool(workaround),
            reason=", ".join(f"{a.id}: {a.title}" for a in workaround)
            or "no known-issue article with a workaround",
            evidence=tuple(article_ref(a.id) for a in workaround),
        )
    )

    troubleshooting = [a for a in current_articles if a.kind == "troubleshooting" and not failed]
    findings.append(
        Finding(
            rule="documented_fix",
            criterion="Configuration or setup issue support can resolve",
            met=bool(troubleshooting),
            reason=", ".join(f"{a.id}: {a.title}" for a in troubleshooting)
            or (
                "the customer says the documented fix did not help"
                if failed
                else "no troubleshooting article"
            ),
            evidence=tuple(article_ref(a.id) for a in troubleshooting),
        )
    )

    question = bool(f.issue_how_to) or (bool(f.current) and all(t.type == "question" for t in f.current))
    guides = [a for a in current_articles if a.kind in {"how-to", "reference"}]
    findings.append(
        Finding(
            rule="guidance_needed",
            criterion="Customer needs guidance or training, not a fix",
            met=question and bool(guides),
            reason=(
                f"a how-to question answered by {', '.join(a.id for a in guides)}"
                if question and guides
                else ("a how-to question, but no guide found" if question else "not a how-to question")
            ),
            evidence=tuple(article_ref(a.id) for a in guides) if question else (),
        )
    )

    limitation = [a for a in current_articles if a.kind in {"reference", "known-issue"} and a.workaround]
    findings.append(
        Finding(
            rule="known_limitation",
            criterion="Known limitation with a documented alternative",
            met=bool(limitation),
            reason=", ".join(f"{a.id} documents an alternative" for a in limitation) or "none",
            evidence=tuple(article_ref(a.id) for a in limitation),
        )
    )

    open_keys = {i.key for i in f.open_bugs}
    covering = [
        p
        for p in f.ev.history
        if p.status == "open" and open_keys & set(p.issue_keys) and set(f.affected_ids) - set(p.account_ids)
    ]
    findings.append(
        Finding(
            rule="already_escalated",
            criterion="Already escalated: the same open incident has an escalation; add this customer to it",
            met=bool(covering),
            strength="hard",
            reason=(
                "; ".join(
                    f"{p.id} is open for {', '.join(sorted(open_keys & set(p.issue_keys)))}; new customer(s): "
                    + ", ".join(sorted(set(f.affected_ids) - set(p.account_ids)))
                    for p in covering
                )
                or "no open escalation covers this incident"
            ),
            evidence=tuple(f"escalation:{p.id}" for p in covering),
        )
    )

    findings.append(
        Finding(
            rule="resolved_by_customer",
            criterion="The issue resolved itself or the fix worked: de-escalate, and document the cause",
            met=bool(f.resolved_sources),
            reason=(
                "the customer says it works again: " + ", ".join(sorted(f.resolved_sources))
                if f.resolved_sources
                else "nobody says it is resolved"
            ),
            evidence=tuple(sorted(f.resolved_sources)),
        )
    )

    solved = [t for t in f.earlier if t.status in {"solved", "closed"}]
    open_bug_links = {k for i in f.open_bugs for k in (i.linked_ticket_ids or ())}
    solved_in_support = [t for t in solved if t.id not in open_bug_links and not t.linked_issue_keys]
    findings.append(
        Finding(
            rule="previously_solved",
            criterion="Previous similar tickets were resolved at the support level",
            met=bool(solved_in_support) and not f.open_bugs,
            reason=(", ".join(f"ticket {t.id}" for t in solved_in_support) + " solved in support")
            if solved_in_support
            else "no earlier similar ticket solved in support",
            evidence=tuple(ticket_ref(t.id) for t in solved_in_support),
        )
    )
    return findings


def _depth(f: _Facts) -> Depth:
    blocked = f.hits_of("blocked") + f.hits_of("production_down")
    if blocked:
        return Depth(
            level="blocked", reason=_quote(blocked), evidence=_refs(blocked), quote=blocked[0].excerpt
        )
    light = f.hits_of("inconvenienced")
    if light:
        return Depth(
            level="inconvenienced", reason=_quote(light), evidence=_refs(light), quote=light[0].excerpt
        )
    return Depth(level="unknown", reason="no record says whether customers are blocked or inconvenienced")


def _severity(f: _Facts, found: dict[str, Finding], depth: Depth) -> tuple[Severity, list[str], str | None]:
    def met(rule: str) -> bool:
        return found[rule].met

    hv = f.high_value_affected
    critical: list[str] = []
    if met("security_concern"):
        critical.append("security concern: " + found["security_concern"].reason)
    if met("data_loss"):
        critical.append("data at risk: " + found["data_loss"].reason)
    if met("production_down") and found["production_down"].strength == "hard":
        critical.append(
            f"production down for {len(f.affected_ids) or 'an unknown number of'} customer(s)"
            + (f" incl. high-value {', '.join(a.name for a in hv)}" if hv else "")
        )
    if len(hv) >= 2 and depth.level == "blocked":
        critical.append(f"multiple high-value customers affected: {', '.join(a.name for a in hv)}")
    if critical:
        return "Critical", critical, None

    high: list[str] = []
    if depth.level == "blocked":
        high.append("major functionality broken: " + depth.reason)
    if hv:
        high.append(f"key customer affected: {', '.join(a.name for a in hv)}")
    for rule, label in (
        ("sla_breach", "SLA at risk or breached"),
        ("high_value_at_risk", "high-value customer at risk"),
        ("executive_request", "executive involvement requested"),
        ("recurring", "recurring after a fix"),
        ("pattern_customers", "several customers affected"),
        ("production_down", "production down"),
        ("long_wait", "customer waiting too long"),
    ):
        if met(rule):
            high.append(f"{label}: {found[rule].reason}")

    workaround = [
        a
        for a in f.ev.articles
        if a.status == "current"
        and a.kind == "known-issue"
        and a.workaround
        and not f.has("workaround_failed")
    ]
    urgent = ("sla_breach", "high_value_at_risk", "executive_request", "production_down")
    if high and workaround and depth.level != "blocked" and not any(met(r) for r in urgent):
        ids = ", ".join(a.id for a in workaround)
        return "Medium", [f"significant issue with a documented workaround ({ids})", *high], None

    if high:
        between = None
        if met("growing") and met("pattern_customers"):
            between = (
                "between High and Critical: reports are growing week over week across "
                f"{len(f.affected_ids)} customers; taking the higher level"
            )
            return "Critical", high, between
        return "High", high, None

    if depth.level == "unknown" and (met("multiple_customers") or met("confirmed_bug")):
        between = (
            "between Medium and High: no record says whether customers are blocked, and "
            + ("several customers are affected" if met("multiple_customers") else "the bug is confirmed")
            + "; taking the higher level"
        )
        return "High", ["significant issue; depth unknown"], between
    if depth.level == "inconvenienced":
        return "Medium", [f"significant issue with a workaround or partial impact: {depth.reason}"], None
    return "Medium", ["important but not urgent business impact"], None


def _target(
    f: _Facts, found: dict[str, Finding], severity: Severity
) -> tuple[Target, Target | None, list[str]]:
    def met(rule: str) -> bool:
        return found[rule].met

    if met("security_concern"):
        second: Target | None = "Engineering" if met("confirmed_bug") else None
        return "Security", second, ["security concerns bypass the tiers: " + found["security_concern"].reason]

    technical_incident = (
        met("data_loss")
        or met("production_down")
        or (met("pattern_customers") and (met("confirmed_bug") or bool(f.open_bugs)))
    )
    technical = technical_incident or met("confirmed_bug") or met("recurring")
    product = met("feature_gap") and not met("confirmed_bug") and not technical_incident
    business = [r for r in ("high_value_at_risk", "executive_request", "exception_to_policy") if met(r)]
    if met("legal_or_pr_risk") and (business or severity == "Critical"):
        business.append("legal_or_pr_risk")
    high_value = {a.id for a in f.high_value_affected}
    hv_breach = any(
        s.status == "breached" and f.ev.ticket_accounts.get(s.ticket_id) in high_value for s in f.sla
    )

    tech_target: Target | None = "Engineering" if technical else ("Product" if product else None)
    reasons: list[str] = []
    if business and not technical_incident:
        reasons.append("business decision needed: " + "; ".join(found[r].reason for r in business))
        if tech_target:
            reasons.append(
                f"{tech_target} also involved: "
                + ("feature gap" if tech_target == "Product" else "technical fix needed")
            )
        return "Leadership", tech_target, reasons
    if tech_target == "Engineering":
        why = [
            found[r].reason for r in ("data_loss", "production_down", "confirmed_bug", "recurring") if met(r)
        ]
        reasons.append("needs engineering: " + "; ".join(why or ["several customers hit the same failure"]))
        second = "Leadership" if (business or hv_breach) else None
        if second:
            reasons.append(
                "Leadership informed: "
                + (
                    "; ".join(found[r].reason for r in business)
                    if business
                    else "SLA breach on a high-value account"
                )
            )
        return "Engineering", second, reasons
    if tech_target == "Product":
        return (
            "Product",
            ("Leadership" if hv_breach else None),
            ["feature gap: " + found["feature_gap"].reason],
        )
    if hv_breach:
        return (
            "Leadership",
            "L2 support",
            ["SLA breach on a high-value account: " + found["sla_breach"].reason],
        )
    return (
        "L2 support",
        None,
        ["needs deeper investigation by senior support; no confirmed bug or feature gap yet"],
    )


def follow_up_for(severity: Severity, config: PolicyConfig, now: datetime) -> FollowUp:
    """When the next internal check and customer update are due for `severity`, from the policy's cadence."""
    cadence = config.cadence[severity]
    if cadence.customer_minutes is not None:
        low, high = cadence.customer_minutes
        every = f"every {duration_text(low)} to {duration_text(high)}"
        customer_due = now + timedelta(minutes=low)
    else:
        assert cadence.customer_business_days is not None
        low_days, high_days = cadence.customer_business_days
        hours = config.business_hours
        workday = (hours.end.hour * 60 + hours.end.minute) - (hours.start.hour * 60 + hours.start.minute)
        every = f"every {low_days}-{high_days} business days"
        customer_due = add_business_minutes(now, low_days * workday, hours)
    return FollowUp(
        internal_every_minutes=cadence.internal_minutes,
        customer_every=every,
        next_internal_due=now + timedelta(minutes=cadence.internal_minutes),
        next_customer_due=customer_due,
    )


def duration_text(minutes: int) -> str:
    """A number of minutes in words: `hour`, `4 hours`, `2 days`, `90 minutes`."""
    if minutes % 1440 == 0:
        days = minutes // 1440
        return "day" if days == 1 else f"{days} days"
    if minutes % 60 == 0:
        hours = minutes // 60
        return "hour" if hours == 1 else f"{hours} hours"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _deadline(f: _Facts, severity: Severity, target: Target) -> tuple[datetime, str]:
    options: list[tuple[datetime, str]] = [
        (f.now + timedelta(minutes=f.config.cadence[severity].deadline_minutes), f"{severity} response time")
    ]
    for state in f.sla:
        if state.status in {"at_risk", "within"} and state.breach_at is not None and state.breach_at > f.now:
            options.append(
                (state.breach_at, f"ticket {state.ticket_id} {state.metric.replace('_', ' ')} SLA breach")
            )
    if target == "Leadership":
        for account in f.affected_accounts:
            if f.renews_soon(account) and account.renewal_date is not None:
                renewal = datetime.combine(account.renewal_date, datetime.min.time(), tzinfo=f.now.tzinfo)
                options.append((renewal - timedelta(days=7), f"a week before {account.name}'s renewal"))
    return min(options, key=lambda o: o[0])


def _suggested_asks(target: Target, found: dict[str, Finding], f: _Facts) -> list[str]:
    asks: list[str] = []
    if target == "Security":
        asks = ["assess the exposure and contain it", "confirm who and what is affected"]
    elif target == "Engineering":
        if found["recurring"].met:
            asks.append("find out why the earlier fix did not hold and fix it for good")
        if f.open_bugs:
            asks.append(f"prioritize the fix for {', '.join(i.key for i in f.open_bugs)} and share an ETA")
        else:
            asks.append("investigate the root cause")
        if found["data_loss"].met:
            asks.append("assess which customers' data is affected and how to restore it")
    elif target == "Product":
        asks = ["make a product decision on the requested capability and share a timeline"]
    elif target == "Leadership":
        asks = ["decide how to respond to the account (executive call, commitment or exception)"]
        if found["feature_gap"].met:
            asks.append("agree with Product on a date we can commit to")
    else:
        asks = ["investigate with advanced troubleshooting and decide whether engineering is needed"]
    return asks


def assess(evidence: Evidence, config: PolicyConfig) -> Assessment:
    """Judge `evidence` by the policy in `config`. Never raises on absent data."""
    f = _Facts(evidence, config)
    escalate = _escalate_findings(f)
    handle = _handle_findings(f)
    found = {x.rule: x for x in escalate}
    depth = _depth(f)

    hard = [x for x in escalate if x.met and x.strength == "hard"]
    soft = [x for x in escalate if x.met and x.strength == "soft"]
    handled = [x for x in handle if x.met]
    decision: Decision
    duplicate = next((x for x in handled if x.rule == "already_escalated"), None)
    if duplicate is not None:
        decision = "handle_in_support"
        reason = f"handle in support: already escalated ({duplicate.reason}); link this report to it"
    elif hard:
        decision = "escalate"
        reason = "escalate: " + "; ".join(x.criterion for x in hard)
        if handled:
            reason += " (these outweigh: " + "; ".join(x.criterion.lower() for x in handled) + ")"
    elif handled:
        decision = "handle_in_support"
        reason = "handle in support: " + "; ".join(x.criterion for x in handled)
    elif soft and any(x.rule not in {"multiple_customers", "growing", "recurring_claim"} for x in soft):
        decision = "escalate"
        reason = "escalate: " + "; ".join(x.criterion for x in soft)
    else:
        decision = "handle_in_support"
        reason = "handle in support: no escalation criterion is met; gather more details from the customer"

    impact = _impact(f, depth)
    unknowns = _unknowns(f, impact)
    severity: Severity | None = None
    severity_reasons: list[str] = []
    between: str | None = None
    target: Target | None = None
    secondary: Target | None = None
    target_reasons: list[str] = []
    follow_up = None
    deadline: datetime | None = None
    deadline_reason: str | None = None
    asks: list[str] = []
    if decision == "escalate":
        severity, severity_reasons, between = _severity(f, found, depth)
        target, secondary, target_reasons = _target(f, found, severity)
        follow_up = follow_up_for(severity, config, f.now)
        deadline, deadline_reason = _deadline(f, severity, target)
        asks = _suggested_asks(target, found, f)

    return Assessment(
        decision=decision,
        decision_reason=reason,
        escalate_findings=tuple(escalate),
        handle_findings=tuple(handle),
        severity=severity,
        severity_reasons=tuple(severity_reasons),
        severity_between=between,
        target=target,
        secondary_target=secondary,
        target_reasons=tuple(target_reasons),
        engineering_team=_team(f) if target in {"Engineering", "Security"} else None,
        impact=impact,
        follow_up=follow_up,
        deadline=deadline,
        deadline_reason=deadline_reason,
        priority=config.priority_scale[severity or "handle"],
        incident_level=config.incident_scale[severity or "handle"],
        suggested_asks=tuple(asks),
        resolving_records=tuple(dict.fromkeys(e for x in handled for e in x.evidence)),
        signals=tuple(f"{h.kind} @ {h.source}: {h.excerpt}" for h in f.hits),
        model_findings=tuple(f"{h.kind} @ {h.source}: {h.quote}" for h in evidence.claimed),
        refused_findings=evidence.refused_claims,
        signal_disagreements=tuple(f.disagreements),
        unknowns=tuple(unknowns),
        missing=evidence.missing,
        unavailable=evidence.unavailable,
        record_ids=_record_ids(evidence),
        now=f.now,
    )


def _team(f: _Facts) -> str | None:
    areas = Counter(t.product_area for t in f.current if t.product_area)
    areas.update(c for i in f.ev.issues for c in i.components)
    for area, _ in areas.most_common():
        if area in f.config.team_routing:
            return f.config.team_routing[area]
    return None


def _impact(f: _Facts, depth: Depth) -> Impact:
    sla = f.sla
    affected = f.affected_accounts
    reporters = {
        t.requester.email or t.requester.name for t in f.current if t.requester.email or t.requester.name
    }
    counts = [
        n
        for _, text in ((t.id, f"{t.subject}\n{t.description}") for t in f.current)
        for n in mentioned_user_counts(text)
    ] + mentioned_user_counts(f.ev.issue)
    this_week, previous = _weekly_counts(f)
    requesting = tuple(dict.fromkeys(a for i in f.features for a in i.linked_account_ids))

    with_arr = [a for a in affected if a.arr is not None]
    requesting_accounts = [f.accounts[a] for a in requesting if a in f.accounts]
    opps = [o for a in affected for o in f.ev.opportunities.get(a.id, ()) if o.is_open]
    first = min((t.created_at for t in f.current), default=None) or min(
        (t.created_at for t in f.ev.tickets), default=None
    )
    open_tickets = [t for t in f.current if t.status in OPEN_TICKET_STATUSES]
    oldest = min(open_tickets, key=lambda t: t.created_at, default=None)
    with_sla = {s.ticket_id for s in sla}
    public = f.hits_of("reputation")
    return Impact(
        breadth=Breadth(
            accounts=tuple(
                AffectedAccount(
                    id=a.id,
                    name=a.name,
                    tier=a.tier,
                    arr=a.arr,
                    renewal_date=a.renewal_date.isoformat() if a.renewal_date else None,
                    high_value=f.is_high_value(a),
                )
                for a in affected
            ),
            customers=len(f.affected_ids),
            reporters=len(reporters),
            users_mentioned=max(counts) if counts else None,
            this_week=this_week,
            previous_week=previous,
            growing=this_week > previous and this_week >= 2,
            requesting_account_ids=requesting,
        ),
        depth=depth,
        duration=Duration(
            first_report_at=first,
            hours_since_first_report=round((f.now - first).total_seconds() / 3600, 1) if first else None,
            oldest_open_ticket_id=oldest.id if oldest else None,
            hours_in_queue=round((f.now - oldest.created_at).total_seconds() / 3600, 1) if oldest else None,
        ),
        revenue=Revenue(
            arr_at_risk=sum(a.arr for a in with_arr if a.arr is not None) if with_arr else None,
            accounts_without_arr=tuple(a.id for a in affected if a.arr is None)
            + tuple(i for i in f.affected_ids if i not in f.accounts),
            renewals_in_window=tuple(
                (a.id, a.renewal_date.isoformat()) for a in affected if f.renews_soon(a) and a.renewal_date
            ),
            open_opportunity_amount=sum(o.amount or 0.0 for o in opps) if opps else None,
            open_opportunity_ids=tuple(o.id for o in opps),
            requesting_arr=sum(a.arr or 0.0 for a in requesting_accounts) if requesting_accounts else None,
        ),
        reputation=Reputation(
            reference_accounts=tuple(a.id for a in affected if a.reference_customer),
            public_facing_accounts=tuple(a.id for a in affected if a.public_facing),
            public_mentions=tuple(f"{h.source}: {h.excerpt}" for h in public),
        ),
        contractual=Contractual(
            states=tuple(sla),
            worst=worst(sla),
            tickets_without_sla=tuple(t.id for t in f.current if t.id not in with_sla),
        ),
    )


def _unknowns(f: _Facts, impact: Impact) -> list[str]:
    unknowns: list[str] = []
    if not f.affected_ids:
        unknowns.append("affected customers: no ticket or account was matched to a CRM account")
    for account_id in impact.revenue.accounts_without_arr:
        where = "no ARR in the CRM record" if account_id in f.accounts else "account not found in the CRM"
        unknowns.append(f"ARR of {account_id}: {where}")
    unmatched = [t.id for t in f.current if t.id not in f.ev.ticket_accounts]
    if unmatched:
        unknowns.append(
            "account of ticket(s) " + ", ".join(unmatched) + ": organization not found in the CRM"
        )
    if impact.contractual.tickets_without_sla:
        unknowns.append(
            "SLA of ticket(s) "
            + ", ".join(impact.contractual.tickets_without_sla)
            + ": no SLA policy applies"
        )
    if impact.depth.level == "unknown":
        unknowns.append("depth: " + impact.depth.reason)
    for source in f.ev.unavailable:
        unknowns.append(f"{source}: source unavailable, not searched")
    return unknowns


def _record_ids(ev: Evidence) -> tuple[str, ...]:
    ids = [ticket_ref(t.id) for t in ev.tickets]
    ids += [account_ref(a.id) for a in ev.accounts]
    ids += [issue_ref(i.key) for i in ev.issues]
    ids += [article_ref(a.id) for a in ev.articles]
    ids += [message_ref(m) for m in ev.messages]
    return tuple(dict.fromkeys(ids))


__all__ = [
    "AffectedAccount",
    "Assessment",
    "Breadth",
    "Contractual",
    "Decision",
    "Depth",
    "Duration",
    "Evidence",
    "Finding",
    "FollowUp",
    "Impact",
    "PastEscalation",
    "Reputation",
    "Revenue",
    "Target",
    "account_ref",
    "article_ref",
    "assess",
    "duration_text",
    "follow_up_for",
    "issue_ref",
    "message_ref",
    "ticket_ref",
]
