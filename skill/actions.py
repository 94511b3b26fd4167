"""Next steps that act: post the brief to chat, file a tracker issue, add internal notes, set follow-ups.

An action is first planned: its target, the exact payload the connector would receive (redacted when it
leaves the support platform, i.e. chat posts and tracker issues), what redaction took out, and an
idempotency key derived from the escalation, the kind of action and the target. A plan is only shown
(a preview) unless it is executed. Executing it:

1. checks the configuration: `CUSTOMER_ESCALATION_READ_ONLY` refuses everything, and the target must be
   allowed by `CUSTOMER_ESCALATION_WRITE_CHANNELS`, `CUSTOMER_ESCALATION_WRITE_PROJECTS` or
   `CUSTOMER_ESCALATION_WRITE_TICKETS` (a refusal raises `WriteRefusedError` naming the setting);
2. claims the key in the history: of any number of callers asking for the same action at once, one
   writes and the others wait for its result; an action already done is skipped;
3. calls the connector (each is idempotent per key on its own side too);
4. records the outcome (executed, linked, failed with the error...) in the history.

Nothing here prints or reads the environment; the CLI and the MCP server build an `Actions` and call it.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import re
import secrets
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..connectors.base import (
    CATEGORY_TITLES,
    Category,
    ChannelDirectory,
    Clock,
    IssueDraft,
    Registry,
    utc_now,
)
from ..connectors.errors import (
    ConfigError,
    ConnectorError,
    CustomerEscalationError,
    NotFoundError,
    WriteRefusedError,
)
from ..connectors.records import (
    ActionRecord,
    Claim,
    EscalationEntry,
    IssueStatus,
    Outcome,
    Ref,
    Reminder,
    TrackerIssue,
)
from . import customer_text
from .brief import ContextItem, EscalationBrief, SupportHandling, when
from .history import HistoryStore
from .own_text import written_by_us
from .policy import FollowUp, PastEscalation, Target, duration_text
from .policy_config import Severity
from .redact import redact, redact_off_loop

if TYPE_CHECKING:
    from ..connectors.settings import Settings
    from .run_result import RunResult

ActionKind = Literal[
    "chat_post",
    "tracker_issue",
    "internal_note",
    "customer_update",
    "followups",
    "deescalation_chat",
    "deescalation_note",
    "deescalation_customer",
]
KIND_TITLES: dict[ActionKind, str] = {
    "chat_post": "chat post",
    "tracker_issue": "tracker issue",
    "internal_note": "internal note",
    "customer_update": "customer update draft",
    "followups": "follow-up reminders",
    "deescalation_chat": "de-escalation note to the team",
    "deescalation_note": "de-escalation ticket update",
    "deescalation_customer": "de-escalation customer message draft",
}
_CHAT: frozenset[ActionKind] = frozenset({"chat_post", "deescalation_chat"})
_NOTES: frozenset[ActionKind] = frozenset(
    {"internal_note", "customer_update", "deescalation_note", "deescalation_customer"}
)
HISTORY_TARGET = "history"
"""The target of follow-up reminders: they are kept in the history."""
ESCALATION_LABEL = "customer-escalation"
"""Label on every tracker issue this product files."""
OPEN_ISSUE_STATUSES: tuple[IssueStatus, ...] = ("open", "in_progress", "reopened")
PRIORITY_OF: dict[Severity, Literal["highest", "high", "medium"]] = {
    "Critical": "highest",
    "High": "high",
    "Medium": "medium",
}
DEFAULT_LEASE = timedelta(minutes=10)
"""A claim older than this is taken over: its holder is assumed to have died mid-write."""
_FIRST_POLL = 0.05
_MAX_POLL = 2.0
_NOT_REDACTED = "not redacted: the note stays on the support platform"
_LOCAL_ONLY = "not redacted: reminders stay in the local history"

Sleep = Callable[[float], Awaitable[None]]


# ---------------------------------------------------------------------------------------------------
# Configuration and keys


@dataclass(frozen=True)
class WriteRules:
    """What may be written where: the write settings of the configuration."""

    read_only: bool = False
    channels: tuple[str, ...] = ()
    """Chat channels (names or ids) posts may go to; empty allows none."""
    projects: tuple[str, ...] = ()
    """Tracker project keys issues may be filed in; empty allows none."""
    tickets: bool = True
    """Whether internal notes may be added to tickets."""
    staff_domains: tuple[str, ...] = ()
    """E-mail domains of our own staff: their addresses are not redacted."""

    @classmethod
    def from_settings(cls, settings: Settings) -> WriteRules:
        return cls(
            read_only=settings.read_only,
            channels=settings.write_channels,
            projects=settings.write_projects,
            tickets=settings.write_tickets,
            staff_domains=settings.staff_domains,
        )

    def refusal(self, kind: ActionKind, target: str, *, aliases: Iterable[str] = ()) -> str | None:
        """Why the configuration refuses this write, naming the setting to change; None when allowed.

        Args:
            aliases: other names of the same target (a channel's id and name, as the chat connector
                resolved them); the target is allowed when any of them is.
        """
        if self.read_only:
            return (
                "writes are turned off by CUSTOMER_ESCALATION_READ_ONLY=true; set it to false to allow "
                f"the {KIND_TITLES[kind]}"
            )
        if kind in _CHAT:
            allowed = {normalized_target(kind, c) for c in self.channels}
            if any(normalized_target(kind, name) in allowed for name in (target, *aliases)):
                return None
            listed = ", ".join(self.channels) if self.channels else "none"
            return (
                f"channel {target} is not in CUSTOMER_ESCALATION_WRITE_CHANNELS (allowed: {listed}); "
                "add it there to post to it"
            )
        if kind == "tracker_issue":
            if normalized_target(kind, target) in {normalized_target(kind, p) for p in self.projects}:
                return None
            listed = ", ".join(self.projects) if self.projects else "none"
            return (
                f"project {target} is not in CUSTOMER_ESCALATION_WRITE_PROJECTS (allowed: {listed}); "
                "add it there to file issues in it"
            )
        if kind in _NOTES and not self.tickets:
            return (
                "internal notes on tickets are turned off by CUSTOMER_ESCALATION_WRITE_TICKETS=false; "
                "set it to true to add them"
            )
        return None


def normalized_target(kind: ActionKind, target: str) -> str:
    """The target as keys and allowlists compare it: channels without ``#`` and lower case, projects upper."""
    text = target.strip()
    if kind in _CHAT:
        return text.removeprefix("#").lower()
    if kind == "tracker_issue":
        return text.upper()
    return text


def fingerprint(issue: str, ticket_ids: Iterable[str] = (), account: str | None = None) -> str:
    """Identifies an issue across runs: its words (case, spacing and punctuation aside), the account it
    names and its sorted related ticket ids."""
    words = re.sub(r"[^\w]+", " ", f"{issue} {account or ''}".lower()).split()
    tickets = sorted({t.strip() for t in ticket_ids if t.strip()})
    raw = " ".join(words) + "|" + ",".join(tickets)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]


def idempotency_key(escalation: EscalationEntry, kind: ActionKind, target: str) -> str:
    """The key of one action: the escalation (its id and fingerprint), the kind and the target.

    The id keeps a recurrence (a new escalation of the same issue after the last one was closed) from
    being mistaken for a repeat; the fingerprint keeps a recreated workspace, which numbers escalations
    from 1 again, from matching writes made for another issue.
    """
    raw = "\n".join((escalation.id, escalation.fingerprint, kind, normalized_target(kind, target)))
    return "ce-" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


# ---------------------------------------------------------------------------------------------------
# Plans and results


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class ActionPlan(_Model):
    """One action, ready to show or to execute."""

    escalation_id: str
    kind: ActionKind
    target: str
    """The channel, project key or ticket id; `history` for reminders."""
    idempotency_key: str
    payload: dict[str, Any]
    """Exactly what the connector receives (redacted where it leaves the support platform)."""
    redaction: str
    """What redaction took out, in words, or why the payload is not redacted."""
    redaction_counts: dict[str, int] = Field(default_factory=dict)
    note: str | None = None
    """What else to know, e.g. that an open issue would be linked instead of filing a new one."""
    link_to: Ref | None = None
    """For a tracker issue: the existing open issue that is used instead of filing a duplicate."""


class ActionResult(ActionPlan):
    """What became of a plan."""

    status: Outcome
    dry_run: bool
    ref: Ref | None = None
    """What was written or linked."""
    detail: str = ""
    refusal: str | None = None
    """On a preview: why executing it would be refused by the configuration."""


# ---------------------------------------------------------------------------------------------------
# The escalation the actions are about


class EscalationCase(_Model):
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
        items = [*output.supporting_context]
        if result.handling is not None:
            items = [*result.handling.resolved_by, *items]
        refs = [(item.ref or "").partition(":") for item in items]
        tickets = tuple(dict.fromkeys(i for kind, _, i in refs if kind == "ticket"))
        keys = tuple(dict.fromkeys(i for kind, _, i in refs if kind == "issue"))
        breadth = assessment.get("breadth") or {}
        accounts = [a.get("id") for a in breadth.get("accounts", []) if isinstance(a, dict)]
        accounts += [i for kind, _, i in refs if kind == "account"]
        oldest = (assessment.get("duration") or {}).get("oldest_open_ticket_id")
        primary = oldest if oldest in tickets else (tickets[0] if tickets else None)
        follow_up = assessment.get("follow_up")
        brief = result.brief
        return cls(
            issue=issue,
            account=account,
            decision="escalate" if brief is not None else "handle_in_support",
            summary=output.summary,
            brief=brief,
            handling=result.handling,
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

    def record(self, history: HistoryStore) -> EscalationEntry:
        """Record this brief in the history (updating the open escalation of the same issue).

        Raises:
            WorkspaceError: the history cannot be written.
        """
        return history.record_escalation(
            fingerprint=self.fingerprint,
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


def escalation_for(
    history: HistoryStore,
    *,
    escalation_id: str | None = None,
    issue: str | None = None,
    ticket_ids: Sequence[str] = (),
    account_ids: Sequence[str] = (),
) -> EscalationEntry:
    """The escalation a write is about: by id, or the open one for this issue and tickets (started if new).

    Raises:
        NotFoundError: no escalation has `escalation_id`.
        ConfigError: neither an id nor an issue was given.
    """
    if escalation_id:
        return history.escalation(escalation_id)
    if not issue or not issue.strip():
        raise ConfigError("name the escalation: pass escalation_id, or the issue and its ticket ids")
    return history.record_escalation(
        fingerprint=fingerprint(issue, ticket_ids),
        issue=issue,
        summary=issue,
        account_ids=account_ids,
        ticket_ids=ticket_ids,
    )


def past_escalations(entries: Iterable[EscalationEntry]) -> tuple[PastEscalation, ...]:
    """History entries as the policy's `recurring` rule reads them: escalations only (a case handled in
    support was never escalated, so it does not make a new one recurring)."""
    return tuple(
        PastEscalation(
            id=e.id,
            created_at=e.created_at,
            issue=e.issue,
            severity=e.severity,
            target=e.target,
            status=e.status,
            account_ids=e.account_ids,
            ticket_ids=e.ticket_ids,
            issue_keys=tuple(str(k) for k in e.data.get("issue_keys", ()) if isinstance(k, str)),
        )
        for e in entries
        if e.decision == "escalate"
    )


# ---------------------------------------------------------------------------------------------------
# What the actions say


def chat_text(case: EscalationCase, escalation_id: str) -> str:
    """The chat post for the target team: the brief's key lines, what is needed and where to read more."""
    brief = case.brief
    lines = [f"*ESCALATION: {case.summary}*"]
    if brief is not None:
        lines.append(f"Severity: {brief.severity} | Target: {brief.target_team} | {escalation_id}")
        lines.append(f"Customers affected: {brief.customers_affected}")
        lines.append(f"Workflow impact: {brief.workflow_impact}")
        lines.append(f"Revenue at risk: {brief.revenue_at_risk}")
        if brief.sla_status:
            lines.append(f"SLA: {brief.sla_status}")
        lines.append("What's needed:")
        lines += [f"- {ask}" for ask in brief.whats_needed]
        lines.append(f"- Deadline: {brief.deadline}")
    tickets = [item for item in case.links if item.kind == "ticket"]
    issues = [item for item in case.links if item.kind == "issue"]
    if tickets:
        lines.append("Tickets: " + ", ".join(_link_text(item) for item in tickets))
    if issues:
        lines.append("Tracker: " + ", ".join(_link_text(item) for item in issues))
    return "\n".join(lines)


def issue_draft(case: EscalationCase, project: str, escalation_id: str) -> IssueDraft:
    """The tracker issue for a brief: a bug (a feature request when the target is Product) with the
    impact, the reproduction steps and links back to the tickets."""
    brief = case.brief
    parts: list[str] = []
    if brief is not None:
        parts += [
            "## Impact",
            f"- **Severity:** {brief.severity}",
            f"- **Customers affected:** {brief.customers_affected}",
            f"- **Workflow impact:** {brief.workflow_impact}",
            f"- **Revenue at risk:** {brief.revenue_at_risk}",
            f"- **Time in queue:** {brief.time_in_queue}",
            "",
            "## Issue Description",
            brief.issue_description,
            "",
            "## Reproduction Steps",
        ]
        if brief.reproduction is not None:
            parts += [f"{n}. {step}" for n, step in enumerate(brief.reproduction.steps, start=1)]
            parts += [
                "",
                f"**Expected:** {brief.reproduction.expected}",
                f"**Actual:** {brief.reproduction.actual}",
                f"**Environment:** {brief.reproduction.environment}",
            ]
        else:
            parts.append(brief.reproduction_note)
        parts += ["", "## What's Needed", *(f"- {ask}" for ask in brief.whats_needed)]
        parts += [f"- **Deadline:** {brief.deadline}", ""]
    parts += ticket_links_markdown(case.links)
    parts += ["", f"Filed from escalation {escalation_id} by customer-escalation."]
    return IssueDraft(
        project=project,
        title=_one_line(case.summary, 200),
        body_markdown="\n".join(parts).strip() + "\n",
        kind="feature" if case.target == "Product" else "bug",
        priority=PRIORITY_OF.get(case.severity) if case.severity else None,
        labels=(ESCALATION_LABEL,),
        linked_ticket_ids=case.ticket_ids,
        linked_account_ids=case.account_ids,
    )


def ticket_links_markdown(links: Iterable[ContextItem]) -> list[str]:
    """A "Related tickets" section: each ticket as a link when its system gives one."""
    tickets = [item for item in links if item.kind == "ticket"]
    if not tickets:
        return []
    return ["## Related Tickets", *(f"- {item.render()}" for item in tickets)]


def brief_note(case: EscalationCase, escalation_id: str) -> str:
    """The internal note that puts the brief (or the support-handling note) on the ticket."""
    what = "Escalation brief" if case.decision == "escalate" else "Support-handling note"
    return f"{what} {escalation_id} (customer-escalation; internal, not visible to the customer)\n\n{case.markdown}"


class CustomerContext(_Model):
    """What the primary ticket says for a customer-facing draft: who asked, in which words, for what."""

    name: str | None = None
    """The requester's name as the ticket holds it."""
    subject: str | None = None
    """The ticket's subject, in the customer's words."""
    asks: tuple[Literal["eta", "call", "credit"], ...] = ()
    """What the customer explicitly asked for."""
    workaround: str | None = None
    """A workaround support already gave the customer on the ticket (a public reply)."""


_WORKAROUND = re.compile(
    r"(?i)\b(workaround|in the meantime|for now|until (?:then|it'?s fixed|the fix)|avoids? (?:it|the error))\b"
)


def _workaround(texts: Iterable[str]) -> str | None:
    """The sentence of our public replies that gives a workaround: the most concrete (with a figure),
    else the latest."""
    found = [
        sentence.strip()
        for text in texts
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", text)
        if 12 <= len(sentence.strip()) <= 300 and _WORKAROUND.search(sentence) and "?" not in sentence
    ]
    concrete = [s for s in found if re.search(r"\d", s)]
    chosen = concrete or found
    return chosen[-1] if chosen else None


def customer_update_text(
    case: EscalationCase,
    *,
    name: str | None,
    now: datetime,
    context: CustomerContext | None = None,
) -> str:
    """A customer update for a person to review and send: acknowledgement, what we know in plain words,
    what is next, answers to what the customer asked (ETA, call, credit) and when the next update
    comes (the severity's customer cadence). Written as an internal note; the wording is in
    `prompts/customer_update.md.j2`."""
    context = context or CustomerContext(name=name)
    header = (
        "DRAFT customer update: not sent. Review it, then send it to the customer yourself "
        "(check that it names no other customer)."
    )
    if case.decision != "escalate" or case.handling is not None:
        reply = case.handling.suggested_reply if case.handling is not None else ""
        return f"{header}\n\n{reply}".strip() + "\n"
    team = (case.target or "engineering").lower() if case.target != "L2 support" else "senior support"
    severity = (case.severity or "high").lower()
    line = case.target_line or ""
    second = line.split("also ", 1)[1].strip().lower() if "also " in line else None
    leaders = f"our leadership and {second} teams are" if second else "our leadership team is"
    doing = {
        "Leadership": f"{leaders} reviewing it as a {severity} priority",
        "Product": f"our product team is reviewing your request as a {severity} priority",
        "Security": f"our security team is investigating it as a {severity}-priority issue",
    }.get(case.target or "", f"our {team} team is working on it as a {severity}-priority issue")
    known = [_what_we_know(case, team)]
    if len(case.account_ids) > 1:
        known.append("It is not specific to your account: other customers are affected too.")
    if context.workaround:
        known.append(
            f"Until it is fixed, the workaround from our earlier message still applies: {context.workaround}"
        )
    follow_up = case.follow_up
    due = when(max(follow_up.next_customer_due, now)) if follow_up is not None else None
    asks = customer_text.Asks(
        eta="eta" in context.asks, call="call" in context.asks, credit="credit" in context.asks
    )
    return customer_text.customer_update(
        header=header,
        name=context.name or name,
        subject=context.subject,
        ticket_id=case.primary_ticket_id,
        known=known,
        team=team,
        next_step=doing,
        asks=asks,
        due=due,
        every=follow_up.customer_every if follow_up is not None else None,
        reporter=case.reporter,
    )


def _what_we_know(case: EscalationCase, team: str) -> str:
    """What the escalation itself establishes, in plain words."""
    issues = [item for item in case.links if item.kind == "issue"]
    if case.target == "Leadership":
        return "Your message, with what you need and by when, is with our leadership team."
    if case.target == "Product":
        return "Our product team has your request, with the details you sent, and is reviewing it."
    if case.target == "Security":
        return "Our security team is investigating it with the details from your reports."
    if issues and case.target == "Engineering":
        working = any("in progress" in item.label for item in issues)
        doing = "are working on a fix" if working else "are investigating it"
        return f"Our engineers are tracking it as a problem on our side and {doing}."
    return f"We have passed it to our {team} team, with the details from your reports."


def reminders_for(case: EscalationCase, follow_up: FollowUp, *, now: datetime) -> tuple[Reminder, ...]:
    """The follow-ups of an escalation: the next internal check, the next customer update and the deadline."""
    team = case.target_line or case.target or "the receiving team"
    on_ticket = f" on ticket {case.primary_ticket_id}" if case.primary_ticket_id else ""
    reminders = [
        Reminder(
            kind="internal",
            due_at=follow_up.next_internal_due,
            every=f"every {duration_text(follow_up.internal_every_minutes)}",
            note=f"Check with {team} on: {case.summary}",
        ),
        Reminder(
            kind="customer",
            due_at=follow_up.next_customer_due,
            every=follow_up.customer_every,
            note=f"Update the customer{on_ticket}, even without news: {case.summary}",
        ),
    ]
    if case.deadline is not None and case.deadline > now:
        reminders.append(
            Reminder(
                kind="deadline",
                due_at=case.deadline,
                note=f"Deadline ({case.deadline_reason or 'resolution or update'}): {case.summary}",
            )
        )
    return tuple(sorted(reminders, key=lambda r: r.due_at))


class DeescalationDrafts(_Model):
    """The notes the spec's de-escalation section asks for."""

    team_note: str
    """For the team the issue was escalated to."""
    ticket_update: str
    """The resolution, for the ticket (an internal note)."""
    customer_message: str
    """For a person to send to the customer (an internal note, never public)."""
    learning: str
    """What was learned, kept in the history."""


def deescalation_drafts(
    entry: EscalationEntry,
    case: EscalationCase,
    reason: str,
    *,
    now: datetime,
    tracker: Sequence[Ref] = (),
    name: str | None = None,
    subject: str | None = None,
) -> DeescalationDrafts:
    """Draft the four de-escalation notes for `entry`.

    Args:
        tracker: the tracker issues filed or linked for it.
        name: the customer's name, for the greeting (a neutral one when it is not a real name).
        subject: the ticket's subject, the customer's words for the issue (never our internal title).
    """
    reason = " ".join(reason.split())
    target = entry.target or case.target_line or "the receiving team"
    severity = f" at {entry.severity} severity" if entry.severity else ""
    held = duration_text(max(1, int((now - entry.created_at).total_seconds() // 60)))
    issues = ", ".join(ref.id for ref in tracker)
    team = [
        f"De-escalating {entry.id}: {case.summary}",
        f"Why: {reason}",
        f"It was escalated to {target}{severity} {held} ago. Nothing more is needed from you for it.",
    ]
    if issues:
        team.append(f"Tracker: {issues}; update or close it as fits the resolution.")
    team.append("Thank you for the help.")
    ticket = [
        f"De-escalated {entry.id} on {when(now)} (customer-escalation; internal note).",
        f"Resolution: {reason}",
        f"Escalated {when(entry.created_at)} to {target}{severity}; pending follow-up reminders are cancelled.",
    ]
    if issues:
        ticket.append(f"Tracker: {issues}")
    customer = customer_text.deescalation_message(
        name=name, subject=subject, ticket_id=case.primary_ticket_id, reason=reason, reporter=case.reporter
    )
    learning = (
        f"{entry.id} ({case.summary}): escalated to {target}{severity} on {when(entry.created_at)}, "
        f"de-escalated after {held}. Why: {reason}. Record the root cause or workaround in the knowledge "
        "base so the next report of this can be handled in support."
    )
    return DeescalationDrafts(
        team_note="\n".join(team) + "\n",
        ticket_update="\n".join(ticket) + "\n",
        customer_message=customer,
        learning=learning,
    )


# ---------------------------------------------------------------------------------------------------
# Running actions


class Actions:
    """Plans, previews and executes actions over a registry, with the history as the record and the lock.

    Args:
        registry: the connectors that do the writes.
        history: where briefs, action outcomes and reminders are kept, and where keys are claimed.
        rules: what the configuration allows.
        clock: "now" for reminders and waits.
        sleep: waits between checks on a key another process is writing (tests pass a fake).
        lease: how old a claim may get before it is taken over.
    """

    def __init__(
        self,
        registry: Registry,
        history: HistoryStore,
        rules: WriteRules | None = None,
        *,
        clock: Clock = utc_now,
        sleep: Sleep = asyncio.sleep,
        lease: timedelta = DEFAULT_LEASE,
    ) -> None:
        self.registry = registry
        self.history = history
        self.rules = rules or WriteRules()
        self._clock = clock
        self._sleep = sleep
        self._lease = lease
        self._inflight: dict[str, asyncio.Event] = {}

    # -- planning ----------------------------------------------------------------------------------

    def plan_chat_post(
        self,
        escalation: EscalationEntry,
        channel: str,
        text: str,
        *,
        thread_id: str | None = None,
        kind: ActionKind = "chat_post",
    ) -> ActionPlan:
        """A chat post of `text` to `channel`, redacted.

        Raises:
            ConfigError: the channel or text is empty.
        """
        channel = _required("channel", channel)
        redacted = redact(_required("text", text), keep_domains=self.rules.staff_domains)
        payload: dict[str, Any] = {"channel": channel, "text": redacted.text}
        if thread_id:
            payload["thread_id"] = thread_id
        return ActionPlan(
            escalation_id=escalation.id,
            kind=kind,
            target=channel,
            idempotency_key=idempotency_key(escalation, kind, channel),
            payload=payload,
            redaction=redacted.summary,
            redaction_counts=dict(redacted.counts),
        )

    async def plan_issue(
        self,
        escalation: EscalationEntry,
        draft: IssueDraft,
        *,
        related_issue_keys: Sequence[str] = (),
        look_up: bool = True,
    ) -> ActionPlan:
        """A tracker issue from `draft`, redacted, noting an open issue that would be linked instead.

        Args:
            related_issue_keys: issues already known to be about this (the brief's tracker links).
            look_up: read the tracker now for an open issue to link (a preview); executing reads it again.

        Raises:
            ConfigError: the project or title is empty.
        """
        project = _required("project", draft.project)
        keep = self.rules.staff_domains
        # A body can be long: it is redacted off the event loop, which keeps serving other requests.
        title = redact(_required("title", draft.title), keep_domains=keep).text
        body = (await redact_off_loop(draft.body_markdown, keep_domains=keep)).text
        redacted = draft.model_copy(update={"project": project, "title": title, "body_markdown": body})
        whole = await redact_off_loop(f"{draft.title}\n\n{draft.body_markdown}", keep_domains=keep)
        note: str | None = None
        link: TrackerIssue | None = None
        if look_up:
            try:
                link = await self._open_issue(redacted, related_issue_keys)
            except ConnectorError as exc:
                note = f"could not check the tracker for an open issue to link instead: {exc}"
        if link is not None:
            note = f"would link to {link.key} ({link.status.replace('_', ' ')}) instead of filing a duplicate"
        return ActionPlan(
            escalation_id=escalation.id,
            kind="tracker_issue",
            target=project,
            idempotency_key=idempotency_key(escalation, "tracker_issue", project),
            payload={
                "issue": redacted.model_dump(mode="json"),
                "related_issue_keys": list(related_issue_keys),
            },
            redaction=whole.summary,
            redaction_counts=dict(whole.counts),
            note=note,
            link_to=link.ref if link is not None else None,
        )

    def plan_note(
        self, escalation: EscalationEntry, ticket_id: str, body: str, *, kind: ActionKind = "internal_note"
    ) -> ActionPlan:
        """An internal note on a ticket (never public). It stays on the support platform: not redacted.

        Raises:
            ConfigError: the ticket id or body is empty, or `kind` is not a note.
        """
        if kind not in _NOTES:
            raise ConfigError(f"{kind} is not an internal note")
        ticket_id = _required("ticket id", ticket_id)
        return ActionPlan(
            escalation_id=escalation.id,
            kind=kind,
            target=ticket_id,
            idempotency_key=idempotency_key(escalation, kind, ticket_id),
            payload={"ticket_id": ticket_id, "body": _required("body", body), "public": False},
            redaction=_NOT_REDACTED,
        )

    def plan_followups(self, escalation: EscalationEntry, reminders: Sequence[Reminder]) -> ActionPlan:
        """Follow-up reminders, kept in the history.

        Raises:
            ConfigError: there is no reminder.
        """
        if not reminders:
            raise ConfigError("there is no follow-up to schedule")
        return ActionPlan(
            escalation_id=escalation.id,
            kind="followups",
            target=HISTORY_TARGET,
            idempotency_key=idempotency_key(escalation, "followups", HISTORY_TARGET),
            payload={"reminders": [r.model_dump(mode="json") for r in reminders]},
            redaction=_LOCAL_ONLY,
        )

    # -- running -----------------------------------------------------------------------------------

    async def run(self, plan: ActionPlan, *, execute: bool) -> ActionResult:
        """Preview `plan`, or execute it at most once per idempotency key.

        A preview records itself in the history and sends nothing. Executing records the outcome,
        success or failure, before returning or raising.

        Raises:
            WriteRefusedError: (executing) read-only mode or an allowlist refuses the target.
            ConnectorError: (executing) the write failed, now or in the concurrent attempt this call
                waited for.
            ConfigError: (executing) the category has no connector.
            WorkspaceError: the history cannot be written.
        """
        aliases: tuple[str, ...] = ()
        if plan.kind in _CHAT:
            identity = await self._channel_identity(plan.target)
            if identity is not None:
                plan, aliases = self._on_channel(plan, identity[0]), identity
        refusal = self.rules.refusal(plan.kind, plan.target, aliases=aliases)
        if not execute:
            return self._preview(plan, refusal)
        if refusal is not None:
            self.history.log(
                escalation_id=plan.escalation_id,
                kind=plan.kind,
                target=plan.target,
                idempotency_key=plan.idempotency_key,
                outcome="refused",
                detail=refusal,
            )
            raise WriteRefusedError(refusal, system=self._system(plan.kind))
        token, record = await self._acquire(plan)
        if token is None:
            return self._settled(plan, record)
        try:
            try:
                outcome, ref, detail = await self._write(plan)
            except BaseException as exc:
                self.history.fail(
                    plan.idempotency_key, token=token, error=_describe(exc), payload=plan.payload
                )
                raise
            self.history.complete(
                plan.idempotency_key,
                token=token,
                outcome=outcome,
                ref=ref,
                detail=detail,
                payload=plan.payload,
            )
        finally:
            # Waiters wake only once the outcome is in the history.
            self._release(plan.idempotency_key)
        return ActionResult(**plan.model_dump(), status=outcome, dry_run=False, ref=ref, detail=detail)

    def _preview(self, plan: ActionPlan, refusal: str | None) -> ActionResult:
        done = self.history.action(plan.idempotency_key)
        if done is not None and done.state == "done":
            where = f": {_ref_text(done.ref)}" if done.ref else ""
            detail = f"already done on {when(done.updated_at)}{where}; executing it again sends nothing"
        elif refusal is not None:
            detail = f"executing it would be refused: {refusal}"
        else:
            detail = "preview only: nothing was sent"
        self.history.log(
            escalation_id=plan.escalation_id,
            kind=plan.kind,
            target=plan.target,
            idempotency_key=plan.idempotency_key,
            outcome="preview",
            detail=detail,
            payload=plan.payload,
        )
        return ActionResult(
            **plan.model_dump(), status="preview", dry_run=True, detail=detail, refusal=refusal
        )

    async def _acquire(self, plan: ActionPlan) -> tuple[str | None, ActionRecord]:
        """Claim the plan's key: (token, record) when this call is to write; (None, record) when another
        caller did (or failed) it. Waits while another caller holds the key."""
        key = plan.idempotency_key
        token = secrets.token_hex(12)
        claim = self._claim(plan, token)
        delay = _FIRST_POLL
        while not claim.owned and claim.record.state == "pending":
            event = self._inflight.get(key)
            if event is not None:
                await event.wait()
            else:  # another process holds it
                await self._sleep(delay)
                delay = min(delay * 2, _MAX_POLL)
            record = self.history.action(key)
            if record is None or record.state != "pending":
                return None, record or claim.record
            claim = self._claim(plan, token)  # owned only if the holder's claim has gone stale
        return (token if claim.owned else None), claim.record

    def _claim(self, plan: ActionPlan, token: str) -> Claim:
        claim = self.history.claim(
            plan.idempotency_key,
            escalation_id=plan.escalation_id,
            kind=plan.kind,
            target=plan.target,
            token=token,
            stale_after=self._lease,
        )
        if claim.owned:
            # Registered before any await, so every other task in this process sees it.
            self._inflight[plan.idempotency_key] = asyncio.Event()
        return claim

    def _release(self, key: str) -> None:
        event = self._inflight.pop(key, None)
        if event is not None:
            event.set()

    def _settled(self, plan: ActionPlan, record: ActionRecord) -> ActionResult:
        """The result for a call that found the action done, or failed by the attempt it waited for."""
        if record.state == "failed":
            raise ConnectorError(
                f"the {KIND_TITLES[plan.kind]} to {plan.target} failed in a concurrent attempt: "
                f"{record.detail}; run it again to retry",
                system=self._system(plan.kind),
            )
        detail = f"already done ({record.outcome or 'executed'}): {record.detail}".rstrip(": ")
        self.history.log(
            escalation_id=plan.escalation_id,
            kind=plan.kind,
            target=plan.target,
            idempotency_key=plan.idempotency_key,
            outcome="skipped",
            detail=detail,
            ref=record.ref,
        )
        return ActionResult(
            **plan.model_dump(), status="skipped", dry_run=False, ref=record.ref, detail=detail
        )

    def _on_channel(self, plan: ActionPlan, channel_id: str) -> ActionPlan:
        """`plan` posting to the id the allowlist was checked against, keyed by that id: the same post
        typed as an id, a name or ``#Name`` (or after a rename) is one post."""
        update: dict[str, Any] = {"payload": {**plan.payload, "channel": channel_id}}
        try:
            escalation = self.history.escalation(plan.escalation_id)
        except CustomerEscalationError:
            pass
        else:
            update["idempotency_key"] = idempotency_key(escalation, plan.kind, channel_id)
        return plan.model_copy(update=update)

    async def _channel_identity(self, channel: str) -> tuple[str, str] | None:
        """The channel's (id, name) as the chat connector knows them; None when it cannot say."""
        chat = self.registry.chat
        if not isinstance(chat, ChannelDirectory):
            return None
        try:
            return await chat.channel_identity(channel)
        except ConnectorError:
            return None

    async def _write(self, plan: ActionPlan) -> tuple[Outcome, Ref | None, str]:
        payload = plan.payload
        key = plan.idempotency_key
        if plan.kind in _CHAT:
            chat = self._connector("chat", self.registry.chat)
            receipt = await chat.post_message(
                payload["channel"], payload["text"], thread_id=payload.get("thread_id"), idempotency_key=key
            )
            what = f"posted to {plan.target}"
        elif plan.kind == "tracker_issue":
            tracker = self._connector("tracker", self.registry.tracker)
            draft = IssueDraft.model_validate(payload["issue"])
            existing = await self._open_issue(draft, payload.get("related_issue_keys", ()))
            if existing is not None:
                status = existing.status.replace("_", " ")
                return (
                    "linked",
                    existing.ref,
                    f"linked to {existing.key} ({status}) instead of filing a duplicate",
                )
            receipt = await tracker.create_issue(draft, idempotency_key=key)
            what = f"filed {receipt.ref.id} in {plan.target}"
        elif plan.kind in _NOTES:
            support = self._connector("support", self.registry.support)
            receipt = await support.add_internal_note(
                payload["ticket_id"], payload["body"], idempotency_key=key
            )
            what = f"added internal note {receipt.ref.id} to ticket {plan.target}"
        else:
            reminders = [Reminder.model_validate(r) for r in payload["reminders"]]
            added = self.history.add_followups(plan.escalation_id, key, reminders)
            ids = ", ".join(f"#{n}" for n in sorted(f.n for f in added))
            return "executed", Ref(system="local", id=f"followups {ids}"), f"scheduled {len(added)} reminders"
        if not receipt.created:
            return "existing", receipt.ref, f"{what} earlier (the target already had this write)"
        return "executed", receipt.ref, what

    async def _open_issue(self, draft: IssueDraft, related: Iterable[str]) -> TrackerIssue | None:
        """An open issue to link instead of filing `draft`: a related one, or one this product filed with
        the same title."""
        tracker = self.registry.tracker
        if tracker is None:
            return None
        for key in dict.fromkeys(related):
            try:
                issue = await tracker.get_issue(key)
            except NotFoundError:
                continue
            if issue.status in OPEN_ISSUE_STATUSES:
                return issue
        page = await tracker.search_issues(draft.title, status=OPEN_ISSUE_STATUSES, limit=10)
        title = _comparable(draft.title)
        for issue in page.items:
            if ESCALATION_LABEL in issue.labels and _comparable(issue.title) == title:
                return issue
        return None

    async def ticket_links(self, ticket_ids: Sequence[str]) -> tuple[ContextItem, ...]:
        """Links back to tickets, with the support platform's URLs where it gives them (a ticket that
        cannot be read is listed by id)."""
        support = self.registry.support

        async def link(ticket_id: str) -> ContextItem:
            url: str | None = None
            if support is not None:
                try:
                    url = (await support.get_ticket(ticket_id)).ref.url
                except ConnectorError:
                    url = None
            return ContextItem(kind="ticket", label=f"Ticket {ticket_id}", ref=f"ticket:{ticket_id}", url=url)

        return tuple(await asyncio.gather(*(link(t) for t in dict.fromkeys(ticket_ids))))

    def _connector(self, category: Category, connector: Any) -> Any:
        if connector is None:
            raise ConfigError(
                f"no {CATEGORY_TITLES[category]} is connected (CUSTOMER_ESCALATION_{category.upper()}=none); "
                "configure one to run this action"
            )
        return connector

    def _system(self, kind: ActionKind) -> str:
        """The system a refusal or failure is reported for."""
        if kind == "followups":
            return "local"
        category: Category = "chat" if kind in _CHAT else "tracker" if kind == "tracker_issue" else "support"
        connector = self.registry.get(category)
        return connector.system if connector is not None else "local"

    # -- what the CLI asks for ---------------------------------------------------------------------

    async def next_steps(
        self, escalation: EscalationEntry, case: EscalationCase, steps: NextSteps, *, execute: bool
    ) -> list[StepResult]:
        """Run the next steps a person asked for after a brief, in this order: chat post, tracker issue,
        internal note, customer update draft, reminders. A failure is recorded and reported, and the
        remaining steps still run.
        """
        results: list[StepResult] = []
        now = self._clock()
        ticket = case.primary_ticket_id
        escalating = case.decision == "escalate"
        handled = "handled in support: there is no escalation to act on"

        async def attempt(title: str, build: PlanBuilder) -> None:
            results.append(await self._step(title, build, execute=execute))

        def skip(title: str, why: str, status: StepStatus = "not_applicable") -> None:
            results.append(StepResult(title=title, status=status, detail=why))

        if steps.post_to is not None:
            title = f"chat post to {steps.post_to}"
            if not escalating:
                skip(title, handled)
            else:
                text = chat_text(case, escalation.id)
                await attempt(title, partial(self.plan_chat_post, escalation, steps.post_to, text))
        if steps.create_issue is not None:
            project = steps.create_issue or (self.rules.projects[0] if self.rules.projects else "")
            title = f"tracker issue in {project or '(no project)'}"
            if not escalating:
                skip(title, handled)
            elif not project:
                why = "name a project (--create-issue PROJECT) or list one in CUSTOMER_ESCALATION_WRITE_PROJECTS"
                skip(title, why, "refused")
            else:
                draft = issue_draft(case, project, escalation.id)
                build = partial(
                    self.plan_issue,
                    escalation,
                    draft,
                    related_issue_keys=case.issue_keys,
                    look_up=not execute,
                )
                await attempt(title, build)
        if steps.add_note:
            if ticket is None:
                skip("internal note", "no related ticket to add it to")
            else:
                note = brief_note(case, escalation.id)
                await attempt(
                    f"internal note on ticket {ticket}", partial(self.plan_note, escalation, ticket, note)
                )
        if steps.draft_update:
            if ticket is None:
                skip("customer update draft", "no related ticket to add it to")
            else:
                build = partial(self._customer_update_plan, escalation, case, ticket, now)
                await attempt(f"customer update draft on ticket {ticket}", build)
        if steps.remind:
            if not escalating or case.follow_up is None:
                skip("follow-up reminders", handled)
            else:
                reminders = reminders_for(case, case.follow_up, now=now)
                await attempt("follow-up reminders", partial(self.plan_followups, escalation, reminders))
        return results

    async def deescalate(
        self, escalation_id: str, reason: str, *, execute: bool
    ) -> tuple[EscalationEntry, DeescalationDrafts, list[StepResult]]:
        """Record that an escalation is de-escalated and why, draft the notes, and preview or post them:
        the team note to every channel the escalation was posted to, the ticket update and the customer
        message as internal notes on its ticket. The learning is kept in the history.

        An escalation already de-escalated keeps its first reason; running this again completes notes
        that failed or were only previewed.

        Raises:
            NotFoundError: no escalation has this id.
            ConfigError: the reason is empty.
            WriteRefusedError: read-only mode is on (de-escalating changes the history).
            WorkspaceError: the history cannot be written.
        """
        reason = _required("reason", reason)
        if self.rules.read_only:
            raise WriteRefusedError(
                "de-escalating records a status change, and writes are turned off by "
                "CUSTOMER_ESCALATION_READ_ONLY=true; set it to false to de-escalate",
                system="history",
            )
        entry = self.history.escalation(escalation_id)
        case = EscalationCase.from_entry(entry)
        done = [a for a in self.history.actions(escalation_id=entry.id) if a.state == "done"]
        channels = list(dict.fromkeys(a.target for a in done if a.kind == "chat_post"))
        tracker = [a.ref for a in done if a.kind == "tracker_issue" and a.ref is not None]
        now = self._clock()
        if entry.status == "deescalated" and entry.status_reason:
            reason = entry.status_reason
        ticket = case.primary_ticket_id
        context = await self._customer_context(ticket) if ticket is not None else CustomerContext()
        drafts = deescalation_drafts(
            entry,
            case,
            reason,
            now=entry.status_changed_at or now,
            tracker=tracker,
            name=context.name,
            subject=context.subject,
        )
        entry = self.history.set_status(entry.id, "deescalated", reason=reason, learning=drafts.learning)
        results: list[StepResult] = []
        for channel in channels:
            build = partial(self.plan_chat_post, entry, channel, drafts.team_note, kind="deescalation_chat")
            results.append(await self._step(f"team note to {channel}", build, execute=execute))
        if not channels:
            why = "the escalation was never posted to a channel; send the team note yourself"
            results.append(StepResult(title="team note", status="not_applicable", detail=why))
        if ticket is None:
            results.append(
                StepResult(title="ticket notes", status="not_applicable", detail="no related ticket")
            )
            return entry, drafts, results
        notes: tuple[tuple[ActionKind, str, str], ...] = (
            ("deescalation_note", drafts.ticket_update, f"ticket update on {ticket}"),
            ("deescalation_customer", drafts.customer_message, f"customer message draft on {ticket}"),
        )
        for kind, body, title in notes:
            build = partial(self.plan_note, entry, ticket, body, kind=kind)
            results.append(await self._step(title, build, execute=execute))
        return entry, drafts, results

    async def _customer_update_plan(
        self, escalation: EscalationEntry, case: EscalationCase, ticket: str, now: datetime
    ) -> ActionPlan:
        """The customer update draft, addressed to the ticket's requester when the ticket can be read."""
        context = await self._customer_context(ticket)
        text = customer_update_text(case, name=context.name, now=now, context=context)
        return self.plan_note(escalation, ticket, text, kind="customer_update")

    async def _customer_context(self, ticket_id: str) -> CustomerContext:
        """What the ticket says for a customer draft; empty when it cannot be read."""
        support = self.registry.support
        if support is None:
            return CustomerContext()
        try:
            ticket = await support.get_ticket(ticket_id)
        except ConnectorError:
            return CustomerContext()
        said = [ticket.description] + [
            c.body for c in ticket.comments if c.author.role == "customer" and c.public
        ]
        ours = [
            c.body
            for c in ticket.comments
            if c.author.role == "agent" and c.public and not written_by_us(c.body, c.author.name)
        ]
        asks = customer_text.asks_in(said)
        return CustomerContext(
            name=customer_text.greeting_name(ticket.requester.name),
            subject=ticket.subject,
            asks=tuple(k for k in ("eta", "call", "credit") if getattr(asks, k)),
            workaround=_workaround(ours),
        )

    async def _step(self, title: str, build: PlanBuilder, *, execute: bool) -> StepResult:
        try:
            planned = build()
            plan = await planned if inspect.isawaitable(planned) else planned
            result = await self.run(plan, execute=execute)
        except WriteRefusedError as exc:
            return StepResult(title=title, status="refused", detail=str(exc))
        except CustomerEscalationError as exc:
            return StepResult(title=title, status="failed", detail=_describe(exc))
        return StepResult(title=title, status=result.status, detail=result.detail, result=result)


PlanBuilder = Callable[[], "ActionPlan | Awaitable[ActionPlan]"]
StepStatus = Literal[
    "preview", "executed", "linked", "existing", "skipped", "failed", "refused", "not_applicable"
]


class NextSteps(_Model):
    """The next steps a person asked for with the `brief` flags."""

    post_to: str | None = None
    """`--post-to CHANNEL`."""
    create_issue: str | None = None
    """`--create-issue [PROJECT]`: a project key, or "" for the first allowed project; None when not asked."""
    add_note: bool = False
    draft_update: bool = False
    remind: bool = False

    @property
    def requested(self) -> bool:
        """Whether any step was asked for."""
        return (
            self.post_to is not None
            or self.create_issue is not None
            or self.add_note
            or self.draft_update
            or self.remind
        )


class StepResult(_Model):
    """One requested step: its action's result, or why it did not run."""

    title: str
    status: StepStatus
    detail: str = ""
    result: ActionResult | None = None

    @property
    def ok(self) -> bool:
        """False when the step failed or was refused."""
        return self.status not in {"failed", "refused"}


# ---------------------------------------------------------------------------------------------------
# Helpers


def _required(name: str, value: str | None) -> str:
    text = (value or "").strip()
    if not text:
        raise ConfigError(f"the {name} is empty")
    return text


def _one_line(text: str, limit: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _comparable(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def _link_text(item: ContextItem) -> str:
    label = item.ref.partition(":")[2] if item.ref else item.label
    return f"{label} ({item.url})" if item.url else label


def _ref_text(ref: Ref) -> str:
    return f"{ref.id} ({ref.url})" if ref.url else ref.id


def _describe(exc: BaseException) -> str:
    if isinstance(exc, asyncio.CancelledError):
        return "interrupted before the write was confirmed"
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


__all__ = [
    "DEFAULT_LEASE",
    "ESCALATION_LABEL",
    "HISTORY_TARGET",
    "KIND_TITLES",
    "OPEN_ISSUE_STATUSES",
    "PRIORITY_OF",
    "ActionKind",
    "ActionPlan",
    "ActionResult",
    "Actions",
    "CustomerContext",
    "DeescalationDrafts",
    "EscalationCase",
    "NextSteps",
    "StepResult",
    "StepStatus",
    "WriteRules",
    "brief_note",
    "chat_text",
    "customer_update_text",
    "deescalation_drafts",
    "escalation_for",
    "fingerprint",
    "idempotency_key",
    "issue_draft",
    "normalized_target",
    "past_escalations",
    "reminders_for",
]
