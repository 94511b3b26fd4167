"""The escalation brief and the support-handling note: models, rendering, and the lines built from facts.

`EscalationBrief.render()` reproduces the spec's brief template heading for heading (plus the optional
**SLA status:** line of the earlier format). Fields that could not be filled say what is unknown and where
it was looked for. `facts_from_assessment` writes the lines that come from records (severity, target,
customers, revenue, time in queue, SLA, deadline, supporting context), so a model only writes prose.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from . import prompt_files
from .policy import Assessment, Target
from .policy_config import Severity
from .prompt_files import money

ContextKind = Literal["ticket", "thread", "issue", "article", "account", "note"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class ContextItem(_Model):
    """A record the brief rests on, with a link a person can open."""

    kind: ContextKind
    label: str
    """What the record is, e.g. `Ticket 10234: Intermittent HTTP 500 from POST /v2/events/batch (open)`."""
    ref: str | None = None
    """The evidence id, e.g. `ticket:10234`."""
    url: str | None = None

    def render(self) -> str:
        return f"[{self.label}]({self.url})" if self.url else self.label


class Reproduction(_Model):
    """Reproduction steps in the spec's format."""

    steps: list[str] = Field(min_length=1)
    expected: str
    actual: str
    environment: str


class EscalationBrief(_Model):
    """An escalation brief, field for field the spec's template."""

    kind: Literal["escalation"] = "escalation"
    summary: str = Field(min_length=3, max_length=200)
    """One line: what is broken or needed, and for whom."""
    severity: Severity
    severity_note: str | None = None
    """Why the severity differs from the policy's, or which two levels the evidence sat between."""
    target_team: str
    reported_by: str
    date: date
    customers_affected: str
    workflow_impact: str
    revenue_at_risk: str
    time_in_queue: str
    sla_status: str | None = None
    issue_description: str = Field(min_length=20)
    """Three to five sentences: what happens, since when, how it shows, how far it reaches."""
    whats_been_tried: list[str] = Field(default_factory=list)
    reproduction: Reproduction | None = None
    reproduction_note: str = "Not applicable: this is not a bug report."
    """Shown instead of the steps when there are none, saying why."""
    last_update_to_customer: str
    customer_expectation: str
    escalation_risk: str
    whats_needed: list[str] = Field(min_length=1)
    deadline: str
    supporting_context: list[ContextItem] = Field(default_factory=list)

    def render(self) -> str:
        """The brief as markdown in the spec's template."""
        return prompt_files.render("brief.md.j2", b=self).rstrip() + "\n"


class SupportHandling(_Model):
    """The decision not to escalate, what resolves the issue, and a reply to send."""

    kind: Literal["support"] = "support"
    summary: str = Field(min_length=3, max_length=200)
    reported_by: str
    date: date
    why: list[str] = Field(min_length=1)
    resolved_by: list[ContextItem] = Field(default_factory=list)
    suggested_reply: str = Field(min_length=20)
    supporting_context: list[ContextItem] = Field(default_factory=list)

    def render(self) -> str:
        return prompt_files.render("handling.md.j2", h=self).rstrip() + "\n"


class BriefFacts(_Model):
    """The brief's lines that come from records and the policy, never from a model."""

    severity: Severity
    severity_note: str | None
    target_team: str
    customers_affected: str
    revenue_at_risk: str
    time_in_queue: str
    sla_status: str
    deadline: str
    whats_needed: list[str]


def template_text(name: str = "brief.md.j2") -> str:
    """The raw template (served to assistants as a resource)."""
    return prompt_files.text(name)


def ago(hours: float) -> str:
    """A duration in plain words: `40 minutes`, `5 hours`, `3 days`."""
    if hours < 1:
        return f"{max(1, round(hours * 60))} minutes"
    if hours < 48:
        return f"{round(hours)} hours"
    return f"{round(hours / 24)} days"


def when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def target_line(target: Target, secondary: Target | None, team: str | None) -> str:
    line = f"{target} ({team})" if team and target in {"Engineering", "Security"} else target
    return f"{line}; also {secondary}" if secondary else line


def facts_from_assessment(a: Assessment, *, requested_severity: Severity | None = None) -> BriefFacts:
    """The record-based lines of a brief.

    Args:
        requested_severity: a severity the drafter argues for; when it is higher than the policy's the brief
            takes it and shows both, when lower the policy's stands.

    Raises:
        ValueError: the assessment decided to handle in support (there is no brief to write).
    """
    if a.decision != "escalate" or a.severity is None or a.target is None:
        raise ValueError("the assessment does not call for an escalation")
    severity: Severity = a.severity
    note = a.severity_between
    order = {"Medium": 0, "High": 1, "Critical": 2}
    if requested_severity is not None and order[requested_severity] > order[a.severity]:
        severity = requested_severity
        note = f"raised from the policy's {a.severity}: assume the worse"
    return BriefFacts(
        severity=severity,
        severity_note=note,
        target_team=target_line(a.target, a.secondary_target, a.engineering_team),
        customers_affected=customers_line(a),
        revenue_at_risk=revenue_line(a),
        time_in_queue=queue_line(a),
        sla_status=sla_line(a),
        deadline=deadline_line(a),
        whats_needed=list(a.suggested_asks),
    )


def customers_line(a: Assessment) -> str:
    b = a.impact.breadth
    if b.customers == 0:
        return "Unknown: no ticket or account in the records was matched to a customer account"
    names = []
    for account in b.accounts:
        names.append(f"{account.name} ({account.tier.title()})" if account.tier else account.name)
    unnamed = b.customers - len(b.accounts)
    if unnamed > 0:
        names.append(f"{unnamed} account(s) not found in the CRM")
    line = f"{b.customers} customer{'s' if b.customers != 1 else ''}: {', '.join(names)}"
    extras = []
    if b.reporters:
        extras.append(f"{b.reporters} reporter{'s' if b.reporters != 1 else ''}")
    if b.users_mentioned:
        extras.append(f"about {b.users_mentioned:,} users mentioned")
    if b.growing:
        extras.append(f"growing: {b.this_week} reports this week vs {b.previous_week} the week before")
    if b.requesting_account_ids:
        extras.append(f"{len(b.requesting_account_ids)} accounts linked to the request in the tracker")
    return line + (f" ({'; '.join(extras)})" if extras else "")


def revenue_line(a: Assessment) -> str:
    """ARR at risk and pipeline at risk as separate, labelled figures (an open deal is not ARR, and a
    renewal deal is the same money as the account's ARR), with accounts named as the CRM names them."""
    r = a.impact.revenue
    names = {account.id: account.name for account in a.impact.breadth.accounts}

    def named(ids: Iterable[str]) -> str:
        return ", ".join(names.get(i, i) for i in ids)

    parts = []
    if r.arr_at_risk is not None:
        with_arr = [acc.name for acc in a.impact.breadth.accounts if acc.arr is not None]
        parts.append(f"ARR at risk: {money(r.arr_at_risk)} ({', '.join(with_arr)})")
    if r.accounts_without_arr:
        parts.append("ARR unknown for " + named(r.accounts_without_arr) + " (no figure in the CRM)")
    if r.open_opportunity_amount:
        deals = len(r.open_opportunity_ids)
        count = f"{deals} open deal{'s' if deals != 1 else ''}" if deals else "open deals"
        parts.append(
            f"pipeline at risk: {money(r.open_opportunity_amount)} in {count} (a separate figure, not added to ARR)"
        )
    if r.renewals_in_window:
        parts.append(
            "renewing soon: "
            + ", ".join(f"{names.get(acc, acc)} on {day}" for acc, day in r.renewals_in_window)
        )
    if r.requesting_arr:
        parts.append(f"ARR of the accounts asking for it: {money(r.requesting_arr)}")
    return "; ".join(parts) if parts else "Unknown: no affected account has ARR in the CRM"


def queue_line(a: Assessment) -> str:
    d = a.impact.duration
    if d.first_report_at is None or d.hours_since_first_report is None:
        return "Unknown: no related ticket was found"
    line = f"first reported {ago(d.hours_since_first_report)} ago ({when(d.first_report_at)})"
    if d.oldest_open_ticket_id and d.hours_in_queue is not None:
        line += f"; ticket {d.oldest_open_ticket_id} has been open {ago(d.hours_in_queue)}"
    return line


def sla_line(a: Assessment) -> str:
    worst = a.impact.contractual.worst
    if worst is None:
        return "No SLA policy applies to the related tickets"
    metric = worst.metric.replace("_", " ")
    if worst.status == "breached" and worst.minutes_left is not None:
        return f"Breached: ticket {worst.ticket_id} {metric} overdue by {ago(-worst.minutes_left / 60)}"
    if worst.status == "at_risk" and worst.minutes_left is not None:
        return f"At risk: ticket {worst.ticket_id} {metric} due in {ago(worst.minutes_left / 60)}"
    if worst.status == "met_late":
        return f"Breached earlier: ticket {worst.ticket_id} {metric} was met late"
    return "Within SLA"


def deadline_line(a: Assessment) -> str:
    if a.deadline is None:
        return "None set"
    return f"{when(a.deadline)} ({a.deadline_reason})"


def json_schemas() -> dict[str, Any]:
    """The published JSON schemas of both outputs."""
    return {
        "escalation-brief": EscalationBrief.model_json_schema(),
        "support-handling": SupportHandling.model_json_schema(),
    }


def schema_text() -> str:
    return json.dumps(json_schemas(), indent=2, sort_keys=True) + "\n"


__all__ = [
    "BriefFacts",
    "ContextItem",
    "EscalationBrief",
    "Reproduction",
    "SupportHandling",
    "customers_line",
    "deadline_line",
    "facts_from_assessment",
    "json_schemas",
    "queue_line",
    "revenue_line",
    "schema_text",
    "sla_line",
    "target_line",
    "template_text",
]
