"""The follow-ups of an escalation: the next internal check, the next customer update and the deadline."""

from __future__ import annotations

from datetime import datetime

from ...connectors.records import Reminder
from ..policy import FollowUp, duration_text
from .case import EscalationCase


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


__all__ = ["reminders_for"]
