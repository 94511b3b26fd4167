"""The row functions a history backend's SQL module provides to `HistoryStoreBase`.

Each backend keeps them as a module of plain functions (`_history_rows` for SQLite, the PostgreSQL
connector's `_history_sql`); the store passes that module, checked against `HistoryRows`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from ..records import (
    ActionEvent,
    ActionRecord,
    EscalationEntry,
    EscalationStatus,
    FollowUpEntry,
    FollowUpStatus,
)

C_contra = TypeVar("C_contra", contravariant=True)


class HistoryRows(Protocol[C_contra]):
    """The row functions a backend's SQL module has; each works inside the store's connection."""

    def updatable_with(self, conn: C_contra, fingerprint: str, /) -> EscalationEntry | None: ...

    def updatable_about(
        self,
        conn: C_contra,
        account_ids: Sequence[str],
        ticket_ids: Sequence[str],
        issue_keys: Sequence[str],
        /,
    ) -> EscalationEntry | None: ...

    def next_number(self, conn: C_contra, /) -> int: ...

    def escalation_row(
        self, conn: C_contra, escalation_id: str, /, *, lock: bool = ...
    ) -> EscalationEntry | None: ...

    def escalation_rows(
        self, conn: C_contra, since: datetime | None, status: Sequence[EscalationStatus], limit: int, /
    ) -> tuple[EscalationEntry, ...]: ...

    def related_rows(
        self,
        conn: C_contra,
        /,
        *,
        account_ids: Sequence[str],
        ticket_ids: Sequence[str],
        issue_keys: Sequence[str],
        status: Sequence[EscalationStatus],
        limit: int,
    ) -> tuple[EscalationEntry, ...]: ...

    def save_escalation(
        self, conn: C_contra, entry: EscalationEntry, /, *, number: int | None = ...
    ) -> None: ...

    def cancel_followups(self, conn: C_contra, escalation_id: str, /) -> None: ...

    def escalation_exists(self, conn: C_contra, escalation_id: str, /) -> bool: ...

    def action_row(
        self, conn: C_contra, key: str, /, *, lock: bool = ...
    ) -> tuple[ActionRecord, datetime, str | None] | None: ...

    def save_finished(self, conn: C_contra, record: ActionRecord, /) -> None: ...

    def action_rows(self, conn: C_contra, escalation_id: str | None, /) -> tuple[ActionRecord, ...]: ...

    def insert_event(self, conn: C_contra, event: ActionEvent, /) -> ActionEvent: ...

    def event_rows(
        self, conn: C_contra, escalation_id: str | None, since: datetime | None, limit: int, /
    ) -> tuple[ActionEvent, ...]: ...

    def insert_followup(self, conn: C_contra, entry: FollowUpEntry, /) -> None: ...

    def followups_of_key(self, conn: C_contra, idempotency_key: str, /) -> tuple[FollowUpEntry, ...]: ...

    def followup_rows(
        self,
        conn: C_contra,
        escalation_id: str | None,
        since: datetime | None,
        status: Sequence[FollowUpStatus],
        /,
    ) -> tuple[FollowUpEntry, ...]: ...

    def insert_assessment(self, conn: C_contra, at: datetime, data: dict[str, Any], /) -> int: ...

    def assessment_row(self, conn: C_contra, number: int, /) -> dict[str, Any] | None: ...

    def insert_preview(
        self, conn: C_contra, digest: str, plan: dict[str, Any], expires_at: datetime, now: datetime, /
    ) -> None: ...

    def take_preview(self, conn: C_contra, digest: str, /) -> tuple[dict[str, Any], datetime] | None: ...


__all__ = ["HistoryRows"]
