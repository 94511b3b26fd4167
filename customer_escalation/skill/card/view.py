"""What the card shows of one recorded escalation: the decision, severity, target, the impact figures
with the records behind them, SLA and deadline, and the next steps it offers.

Everything here comes from the history entry (the case the brief was recorded with); nothing is read
from a vendor and nothing is written.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from ...connectors.records import EscalationEntry
from ..actions import KIND_TITLES, EscalationCase, WriteRules
from ..brief import when

CardStep = Literal["chat_post", "tracker_issue", "internal_note", "customer_update", "followups"]
"""The next steps the card offers, in the order it lists them."""
CARD_STEPS: tuple[CardStep, ...] = (
    "chat_post",
    "tracker_issue",
    "internal_note",
    "customer_update",
    "followups",
)
_HANDLED = "handled in support: there is no escalation to act on"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class Figure(_Model):
    """One line of impact, as the brief states it from the records."""

    label: str
    value: str


class RecordLink(_Model):
    """A record the brief rests on."""

    label: str
    ref: str | None = None
    """The record id, e.g. `ticket:101`."""
    url: str | None = None


class StepOffer(_Model):
    """A next step the card offers: where it would go, or why it cannot be offered."""

    step: CardStep
    title: str
    label: str
    """The step with its target in words, e.g. `internal note on ticket 101`."""
    target: str | None = None
    available: bool
    reason: str | None = None
    """Why the step is not available."""


class CardView(_Model):
    """The structured content of `escalation_brief_show`."""

    escalation_id: str
    status: str
    summary: str
    decision: str
    severity: str | None = None
    severity_note: str | None = None
    target: str | None = None
    figures: list[Figure]
    records: list[RecordLink]
    sla: str | None = None
    deadline: str | None = None
    steps: list[StepOffer]


def card_view(entry: EscalationEntry, rules: WriteRules) -> CardView:
    """The card of `entry`, offering the steps `rules` allow."""
    case = EscalationCase.from_entry(entry)
    return CardView(
        escalation_id=entry.id,
        status=entry.status,
        summary=case.summary,
        decision=case.decision,
        severity=case.severity,
        severity_note=case.brief.severity_note if case.brief is not None else None,
        target=case.target_line,
        figures=_figures(case),
        records=_records(case),
        sla=case.brief.sla_status if case.brief is not None else None,
        deadline=_deadline(case),
        steps=[step_offer(step, case, rules) for step in CARD_STEPS],
    )


def step_offer(step: CardStep, case: EscalationCase, rules: WriteRules) -> StepOffer:
    """Whether `step` can be offered for `case`, and its target."""
    title = KIND_TITLES[step]
    target, reason = _target(step, case, rules)
    if reason is None and case.decision != "escalate" and step in {"chat_post", "tracker_issue", "followups"}:
        reason = _HANDLED
    return StepOffer(
        step=step,
        title=title,
        label=_label(step, title, target),
        target=target,
        available=reason is None,
        reason=reason,
    )


def _label(step: CardStep, title: str, target: str | None) -> str:
    if target is None or step == "followups":
        return title
    where = {"chat_post": "to", "tracker_issue": "in"}.get(step, "on ticket")
    return f"{title} {where} {target}"


def _target(step: CardStep, case: EscalationCase, rules: WriteRules) -> tuple[str | None, str | None]:
    """The step's target and, when there is none, why."""
    if step == "chat_post":
        if not rules.channels:
            return None, "no channel is listed in CUSTOMER_ESCALATION_WRITE_CHANNELS"
        return rules.channels[0], None
    if step == "tracker_issue":
        if not rules.projects:
            return None, "no project is listed in CUSTOMER_ESCALATION_WRITE_PROJECTS"
        return rules.projects[0], None
    if step == "followups":
        if case.follow_up is None:
            return None, "the escalation has no follow-up cadence"
        return "history", None
    if case.primary_ticket_id is None:
        return None, "no related ticket to add it to"
    return case.primary_ticket_id, None


def _figures(case: EscalationCase) -> list[Figure]:
    brief = case.brief
    if brief is None:
        return []
    lines = (
        ("Customers affected", brief.customers_affected),
        ("Revenue at risk", brief.revenue_at_risk),
        ("Workflow impact", brief.workflow_impact),
        ("Time in queue", brief.time_in_queue),
    )
    return [Figure(label=label, value=value) for label, value in lines if value]


def _records(case: EscalationCase) -> list[RecordLink]:
    items = [*case.links]
    if case.brief is not None:
        items += case.brief.supporting_context
    seen: dict[str, RecordLink] = {}
    for item in items:
        key = item.ref or item.label
        if key not in seen:
            seen[key] = RecordLink(label=item.label, ref=item.ref, url=_web_url(item.url))
    named = [("Ticket", "ticket", i) for i in case.ticket_ids] + [
        ("Account", "account", i) for i in case.account_ids
    ]
    for title, kind, record_id in named:
        ref = f"{kind}:{record_id}"
        seen.setdefault(ref, RecordLink(label=f"{title} {record_id}", ref=ref))
    return list(seen.values())


def _web_url(url: str | None) -> str | None:
    """Only http(s) links are offered to open."""
    return url if url and url.lower().startswith(("https://", "http://")) else None


def _deadline(case: EscalationCase) -> str | None:
    if case.deadline is not None:
        reason = f" ({case.deadline_reason})" if case.deadline_reason else ""
        return when(case.deadline) + reason
    return case.brief.deadline if case.brief is not None else None


__all__ = [
    "CARD_STEPS",
    "CardStep",
    "CardView",
    "Figure",
    "RecordLink",
    "StepOffer",
    "card_view",
    "step_offer",
]
