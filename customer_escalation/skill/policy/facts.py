"""The facts every rule reads, derived once per assessment from the evidence: which tickets belong to the
current occurrence, which accounts are affected, the signals found (settled against what the customer
says is resolved), and the SLA state of each current ticket."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta
from typing import get_args

from ...connectors.records import OPEN_TICKET_STATUSES, Account, Article, Ticket
from ..policy_config import PolicyConfig, SignalKind
from ..signals import Hit, scan
from ..sla import SlaState, ticket_sla_states
from .models import Evidence
from .refs import issue_ref, message_ref, ticket_ref

CURRENT_WINDOW = timedelta(days=7)
"""A ticket belongs to the current occurrence when it is open or was created this recently."""

_SUPPORT_SIGNALS: tuple[SignalKind, ...] = ("reproduced", "not_reproduced")
_CUSTOMER_SIGNALS: tuple[SignalKind, ...] = tuple(
    kind for kind in get_args(SignalKind) if kind not in {"how_to", *_SUPPORT_SIGNALS}
)

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
_ANSWER_KINDS = frozenset({"troubleshooting", "known-issue"})
"""Article kinds that document how to fix a problem (rather than how to use the product)."""


class Facts:
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

    @property
    def current_articles(self) -> list[Article]:
        return [a for a in self.ev.articles if a.status == "current"]

    @property
    def trusted_articles(self) -> list[Article]:
        """Current articles whose knowledge base has not flagged them as needing verification (a Guru card
        that is unverified or expired): only these can settle an issue in support on their own."""
        return [a for a in self.current_articles if a.verified is not False]

    @property
    def documented_answers(self) -> list[Article]:
        """Trusted troubleshooting and known-issue articles: support's documented fixes."""
        return [a for a in self.trusted_articles if a.kind in _ANSWER_KINDS]

    @property
    def only_questions(self) -> bool:
        """Every current ticket is a question (and there is at least one)."""
        return bool(self.current) and all(t.type == "question" for t in self.current)

    def renews_soon(self, account: Account) -> bool:
        if account.renewal_date is None:
            return False
        days = (account.renewal_date - self.now.date()).days
        return 0 <= days <= self.config.renewal_window_days

    def weekly_counts(self) -> tuple[int, int]:
        """Tickets created in the last seven days, and in the seven days before."""
        week = timedelta(days=7)
        this_week = sum(1 for t in self.ev.tickets if t.created_at >= self.now - week)
        previous = sum(1 for t in self.ev.tickets if self.now - 2 * week <= t.created_at < self.now - week)
        return this_week, previous


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


def hit_refs(hits: Iterable[Hit]) -> tuple[str, ...]:
    """The evidence ids of the records `hits` were found in, once each."""
    return tuple(dict.fromkeys(h.source for h in hits))


def where_found(hits: list[Hit]) -> str:
    """Where a signal was found; the customer's words themselves go in `Finding.quote`. A signal only the
    issue as typed carries is the reporter's word, not yet confirmed by any record."""
    if not hits:
        return ""
    records = [h for h in hits if h.source != "issue-text"]
    if not records:
        return f"{hits[0].kind.replace('_', ' ')} per the reporter, not confirmed in records"
    return f"{records[0].kind.replace('_', ' ')} phrase in {records[0].source}"
