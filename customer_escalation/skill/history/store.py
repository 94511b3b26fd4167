"""What the skill layer needs of the escalation history: the `HistoryStore` protocol.

The history remembers every brief as an escalation (one per issue while it is open), every action
taken or previewed about it, keyed so a write happens at most once, and the follow-ups it set. The
local workspace file keeps it (`connectors.local.history_store.SqliteHistoryStore` has this shape);
the skill layer types against the protocol and never opens a store itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from ...connectors.records import (
    ActionEvent,
    ActionRecord,
    Claim,
    Decision,
    EscalationEntry,
    EscalationStatus,
    FollowUpEntry,
    FollowUpStatus,
    Outcome,
    Ref,
    Reminder,
)


@runtime_checkable
class HistoryStore(Protocol):
    """The escalation history: escalations, the state and log of their actions, and follow-ups.

    Escalation ids are ``ESC-<n>``; ``<n>`` and ``esc-<n>`` are accepted wherever an id is taken.
    Failures raise `NotFoundError` (an unknown id or key), `InvalidQueryError` (an empty fingerprint,
    issue or key) and `WorkspaceError` (the history cannot be read or written).
    """

    def now(self) -> datetime:
        """The store's clock."""
        ...

    # -- escalations -----------------------------------------------------------------------------

    def record_escalation(
        self,
        *,
        fingerprint: str,
        issue: str,
        summary: str = "",
        decision: Decision = "escalate",
        severity: str | None = None,
        target: str | None = None,
        account_ids: Sequence[str] = (),
        ticket_ids: Sequence[str] = (),
        issue_keys: Sequence[str] = (),
        brief: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> EscalationEntry:
        """Record a brief: update the open escalation it is about (same fingerprint, a shared ticket,
        or a shared tracker issue and account), or start a new one. A support-handling decision is
        recorded closed; `brief` and `data` None keep what an open entry already holds."""
        ...

    def escalation(self, escalation_id: str) -> EscalationEntry:
        """One escalation by id."""
        ...

    def record_assessment(self, data: dict[str, Any]) -> str:
        """Keep an assessment `escalation_assess` made; its id (``ASM-<n>``)."""
        ...

    def assessment(self, assessment_id: str) -> dict[str, Any]:
        """An assessment kept by `record_assessment` (`NotFoundError` when there is none)."""
        ...

    def keep_preview(self, digest: str, plan: dict[str, Any], expires_at: datetime) -> None:
        """Keep the plan a card preview showed, under a digest of its token, until `expires_at`."""
        ...

    def take_preview(self, digest: str) -> tuple[dict[str, Any], datetime] | None:
        """The plan kept under `digest` and when it expires, removed as it is read (of two callers
        taking it at once, one gets it); None when there is none."""
        ...

    def escalations(
        self, *, since: datetime | None = None, status: Sequence[EscalationStatus] = (), limit: int = 100
    ) -> tuple[EscalationEntry, ...]:
        """Escalations updated at or after `since`, most recently updated first."""
        ...

    def related_escalations(
        self,
        *,
        account_ids: Sequence[str] = (),
        ticket_ids: Sequence[str] = (),
        issue_keys: Sequence[str] = (),
        status: Sequence[EscalationStatus] = ("closed", "deescalated"),
        limit: int = 50,
    ) -> tuple[EscalationEntry, ...]:
        """Escalations in `status` sharing an account, a ticket or a tracker issue, newest first."""
        ...

    def set_status(
        self,
        escalation_id: str,
        status: EscalationStatus,
        *,
        reason: str | None = None,
        learning: str | None = None,
    ) -> EscalationEntry:
        """Mark an escalation de-escalated, closed or open again; leaving ``open`` cancels its pending
        follow-ups."""
        ...

    # -- actions ---------------------------------------------------------------------------------

    def claim(
        self,
        idempotency_key: str,
        *,
        escalation_id: str,
        kind: str,
        target: str,
        token: str,
        stale_after: timedelta,
    ) -> Claim:
        """Try to take `idempotency_key` for writing: owned when nobody holds it, its last attempt
        failed, or its holder's claim is older than `stale_after`."""
        ...

    def complete(
        self,
        idempotency_key: str,
        *,
        token: str,
        outcome: Outcome,
        ref: Ref | None,
        detail: str = "",
        payload: dict[str, Any] | None = None,
    ) -> ActionRecord:
        """Mark a claimed action done and log it, in one step."""
        ...

    def fail(
        self, idempotency_key: str, *, token: str, error: str, payload: dict[str, Any] | None = None
    ) -> ActionRecord:
        """Mark a claimed action failed (unless another caller finished or took it) and log the error."""
        ...

    def log(
        self,
        *,
        escalation_id: str,
        kind: str,
        target: str,
        idempotency_key: str,
        outcome: Outcome,
        detail: str = "",
        ref: Ref | None = None,
        payload: dict[str, Any] | None = None,
    ) -> ActionEvent:
        """Add a line to the action log without changing any action's state."""
        ...

    def action(self, idempotency_key: str) -> ActionRecord | None:
        """The state of the action with this key, or None when it was never claimed."""
        ...

    def actions(self, *, escalation_id: str | None = None) -> tuple[ActionRecord, ...]:
        """Action states, oldest first (of one escalation when given)."""
        ...

    def events(
        self, *, escalation_id: str | None = None, since: datetime | None = None, limit: int = 1_000
    ) -> tuple[ActionEvent, ...]:
        """The action log, oldest first: of one escalation, and at or after `since`, when given."""
        ...

    # -- follow-ups ------------------------------------------------------------------------------

    def add_followups(
        self, escalation_id: str, idempotency_key: str, reminders: Sequence[Reminder]
    ) -> tuple[FollowUpEntry, ...]:
        """Schedule reminders; a kind already scheduled under this key is kept, not repeated."""
        ...

    def followups(
        self,
        *,
        escalation_id: str | None = None,
        since: datetime | None = None,
        status: Sequence[FollowUpStatus] = (),
    ) -> tuple[FollowUpEntry, ...]:
        """Follow-ups by due time: of one escalation, due at or after `since`, in `status`, when given."""
        ...


__all__ = ["HistoryStore"]
