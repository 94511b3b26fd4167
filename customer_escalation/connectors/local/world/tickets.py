"""What a ticket's account and conversation imply: its organization, last update and tier SLA metrics."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from ...records import Account, Comment, Organization, SlaTarget, TicketPriority
from .specs import SlaPolicySpec


def organization_of(account: Account) -> Organization:
    """The organization a ticket of `account` belongs to."""
    return Organization(
        id=account.id, name=account.name, domain=account.domains[0] if account.domains else None
    )


def last_update(created_at: datetime, comments: Iterable[Comment], solved_at: datetime | None) -> datetime:
    """When a ticket last changed: its newest comment, its solve, or its creation."""
    times = [created_at, *(c.created_at for c in comments)]
    if solved_at is not None:
        times.append(solved_at)
    return max(times)


def tier_sla(
    policy: SlaPolicySpec,
    priority: TicketPriority,
    created_at: datetime,
    comments: Iterable[Comment],
    solved_at: datetime | None,
) -> tuple[SlaTarget, ...]:
    """The first-reply and resolution metrics `policy` sets for a ticket of `priority`.

    First reply is fulfilled by the first public comment of a support agent, resolution by the solve.
    """
    first, resolution = policy.targets[priority]
    replied = next((c.created_at for c in comments if c.public and c.author.role == "agent"), None)
    return tuple(
        SlaTarget(
            policy=policy.policy,
            metric=metric,
            target_minutes=minutes,
            breach_at=created_at + timedelta(minutes=minutes),
            fulfilled_at=fulfilled,
        )
        for metric, minutes, fulfilled in (
            ("first_reply", first, replied),
            ("resolution", resolution, solved_at),
        )
    )


__all__ = ["last_update", "organization_of", "tier_sla"]
