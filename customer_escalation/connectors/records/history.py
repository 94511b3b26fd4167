"""Escalation history records: escalations, the state and log of their actions, follow-up reminders.

The history is kept by a store (the skill layer's `HistoryStore` protocol; the local workspace file
implements it). These are the entries it keeps and returns:

- escalations: one per issue while it is open (a brief produced again for the same issue updates it),
  with the brief itself, the decision, severity, target, and the tickets and accounts it concerns;
- actions: for every idempotency key, its state (``pending`` while one caller is writing, ``done`` or
  ``failed`` after), plus an append-only log of every preview, write, skip, refusal and failure;
- follow-ups: reminders with a due time, pending until the escalation is de-escalated or closed.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from .domain import Decision, Record, Ref, UtcDateTime

EscalationStatus = Literal["open", "closed", "deescalated"]
HANDLED_IN_SUPPORT = "handled in support: no escalation"
"""The status reason of a support-handling decision, which is recorded closed."""
ActionState = Literal["pending", "done", "failed"]
Outcome = Literal["preview", "executed", "linked", "existing", "skipped", "failed", "refused"]
"""What happened to one action request:

- ``preview``: shown, nothing sent;
- ``executed``: written now;
- ``linked``: an existing record (an open tracker issue) was used instead of writing a new one;
- ``existing``: the target system already held this write (its own idempotency check), nothing new;
- ``skipped``: the history already had this action done, nothing sent;
- ``failed``: the write was tried and failed (the error is kept);
- ``refused``: blocked by configuration (read-only mode or an allowlist) before anything was sent.
"""
DONE_OUTCOMES: frozenset[Outcome] = frozenset({"executed", "linked", "existing"})
FollowUpKind = Literal["internal", "customer", "deadline"]
FollowUpStatus = Literal["pending", "cancelled"]


class EscalationEntry(Record):
    """One escalation (or support-handling decision) in the history."""

    id: str
    """``ESC-<n>``, the id `deescalate` and the write tools take."""
    fingerprint: str
    """Identifies the issue: a brief produced again for the same fingerprint updates this entry while open."""
    issue: str
    """The issue as it was described."""
    summary: str = ""
    """The brief's one-line summary."""
    decision: Decision = "escalate"
    severity: str | None = None
    target: str | None = None
    """The target team line, e.g. ``Engineering (Ingestion)``."""
    status: EscalationStatus = "open"
    created_at: UtcDateTime
    updated_at: UtcDateTime
    runs: int = 1
    """How many times a brief was produced for it."""
    account_ids: tuple[str, ...] = ()
    ticket_ids: tuple[str, ...] = ()
    brief: str = ""
    """The brief (or support-handling note) as markdown."""
    data: dict[str, Any] = Field(default_factory=dict)
    """What the action layer needs to act on it later (the brief as JSON, follow-up times...)."""
    status_reason: str | None = None
    status_changed_at: UtcDateTime | None = None
    learning: str | None = None
    """What was learned, recorded at de-escalation."""


class ActionRecord(Record):
    """The state of one action, by idempotency key."""

    idempotency_key: str
    escalation_id: str
    kind: str
    target: str
    state: ActionState
    attempts: int
    """How many times a write was started."""
    updated_at: UtcDateTime
    outcome: Outcome | None = None
    """How the last attempt ended (`executed`, `linked`, `existing` or `failed`)."""
    ref: Ref | None = None
    """What was written (or linked), once done."""
    detail: str = ""
    """The result in words, or the error of a failed attempt."""


class ActionEvent(Record):
    """One line of the action log."""

    n: int
    at: UtcDateTime
    escalation_id: str
    kind: str
    target: str
    idempotency_key: str
    outcome: Outcome
    detail: str = ""
    ref: Ref | None = None
    payload: dict[str, Any] | None = None
    """Exactly what was (or would be) sent, for previews and writes."""


class Reminder(Record):
    """A follow-up to schedule."""

    kind: FollowUpKind
    due_at: UtcDateTime
    note: str
    every: str | None = None
    """The cadence in words, e.g. ``every 4 hours``."""


class FollowUpEntry(Record):
    """A scheduled follow-up."""

    n: int
    escalation_id: str
    idempotency_key: str
    kind: FollowUpKind
    due_at: UtcDateTime
    note: str
    every: str | None = None
    status: FollowUpStatus = "pending"
    created_at: UtcDateTime


class Claim(Record):
    """The answer to a history store's `claim`."""

    owned: bool
    """True when the caller now holds the key and should write; False when someone else holds it or it is done."""
    record: ActionRecord


__all__ = [
    "DONE_OUTCOMES",
    "HANDLED_IN_SUPPORT",
    "ActionEvent",
    "ActionRecord",
    "ActionState",
    "Claim",
    "EscalationEntry",
    "EscalationStatus",
    "FollowUpEntry",
    "FollowUpKind",
    "FollowUpStatus",
    "Outcome",
    "Reminder",
]
