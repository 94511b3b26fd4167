"""SLA state of tickets: within, at risk, breached, met (or met late), paused.

Platform SLA metrics on the ticket win; when a ticket carries none, the policy's fallback targets for the
account's tier and the ticket's priority apply, in calendar or business hours.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..connectors.records import SlaMetric, SlaTarget, Ticket, Tier
from .policy_config import BusinessHours, PolicyConfig

SlaStatus = Literal["within", "at_risk", "breached", "met", "met_late", "paused"]
_STATUS_ORDER: dict[SlaStatus, int] = {
    "breached": 0,
    "at_risk": 1,
    "within": 2,
    "paused": 3,
    "met_late": 4,
    "met": 5,
}


class SlaState(BaseModel):
    """One SLA metric of one ticket, judged at `now`."""

    model_config = ConfigDict(frozen=True)

    ticket_id: str
    metric: SlaMetric
    policy: str | None
    status: SlaStatus
    breach_at: datetime | None
    minutes_left: int | None
    """Minutes until breach (negative once breached); None when met, paused or unknown."""
    source: Literal["platform", "policy"]
    """`platform` when the support platform reported the metric, `policy` when computed from fallback targets."""

    @property
    def is_live_breach(self) -> bool:
        return self.status == "breached"


def worst(states: list[SlaState]) -> SlaState | None:
    """The most urgent state; among equals, the earliest breach."""
    if not states:
        return None
    return min(
        states,
        key=lambda s: (_STATUS_ORDER[s.status], s.breach_at.timestamp() if s.breach_at else float("inf")),
    )


def add_business_minutes(start: datetime, minutes: int, hours: BusinessHours) -> datetime:
    """`start` plus `minutes` of working time."""
    zone = hours.zone
    current = start.astimezone(zone)
    remaining = timedelta(minutes=minutes)
    workdays = hours.weekday_numbers
    for _ in range(3_700):  # ten years of days: a bound, never reached with sane settings
        day_start = current.replace(hour=hours.start.hour, minute=hours.start.minute, second=0, microsecond=0)
        day_end = current.replace(hour=hours.end.hour, minute=hours.end.minute, second=0, microsecond=0)
        if current.weekday() in workdays and current < day_end:
            begin = max(current, day_start)
            available = day_end - begin
            if remaining <= available:
                return (begin + remaining).astimezone(start.tzinfo)
            remaining -= available
        current = (current + timedelta(days=1)).replace(
            hour=hours.start.hour, minute=hours.start.minute, second=0, microsecond=0
        )
    raise ValueError("business hours leave no working time")


def _due(start: datetime, minutes: int, business: bool, config: PolicyConfig) -> datetime:
    if business:
        return add_business_minutes(start, minutes, config.business_hours)
    return start + timedelta(minutes=minutes)


def _first_agent_reply(ticket: Ticket) -> datetime | None:
    times = [c.created_at for c in ticket.comments if c.public and c.author.role in {"agent", "internal"}]
    return min(times) if times else None


def fallback_targets(ticket: Ticket, tier: Tier | None, config: PolicyConfig) -> tuple[SlaTarget, ...]:
    """SLA metrics computed from the policy's targets for `tier`; empty when the tier has none."""
    if tier is None or tier not in config.sla_targets:
        return ()
    tier_sla = config.sla_targets[tier]
    pair = tier_sla.for_priority(ticket.priority)
    policy = f"{tier} ({'business hours' if tier_sla.business_hours else '24/7'}, policy default)"
    return (
        SlaTarget(
            policy=policy,
            metric="first_reply",
            target_minutes=pair.first_reply,
            breach_at=_due(ticket.created_at, pair.first_reply, tier_sla.business_hours, config),
            fulfilled_at=_first_agent_reply(ticket),
        ),
        SlaTarget(
            policy=policy,
            metric="resolution",
            target_minutes=pair.resolution,
            breach_at=_due(ticket.created_at, pair.resolution, tier_sla.business_hours, config),
            fulfilled_at=ticket.solved_at,
        ),
    )


def judge(target: SlaTarget, ticket_id: str, now: datetime, config: PolicyConfig, *, source: str) -> SlaState:
    """The state of one SLA metric at `now`."""
    status: SlaStatus
    minutes_left: int | None = None
    if target.fulfilled_at is not None:
        late = target.breach_at is not None and target.fulfilled_at > target.breach_at
        status = "met_late" if late else "met"
    elif target.paused:
        status = "paused"
    elif target.breach_at is None:
        status = "within"
    else:
        left = target.breach_at - now
        minutes_left = int(left.total_seconds() // 60)
        threshold = config.sla_at_risk_minimum_minutes
        if target.target_minutes:
            threshold = max(threshold, int(target.target_minutes * config.sla_at_risk_fraction))
        if left <= timedelta(0):
            status = "breached"
        elif minutes_left <= threshold:
            status = "at_risk"
        else:
            status = "within"
    return SlaState(
        ticket_id=ticket_id,
        metric=target.metric,
        policy=target.policy,
        status=status,
        breach_at=target.breach_at,
        minutes_left=minutes_left,
        source="platform" if source == "platform" else "policy",
    )


def ticket_sla_states(
    ticket: Ticket, tier: Tier | None, now: datetime, config: PolicyConfig
) -> list[SlaState]:
    """Every SLA metric of `ticket` judged at `now`: the platform's, else the policy fallback for `tier`."""
    if ticket.sla:
        return [judge(t, ticket.id, now, config, source="platform") for t in ticket.sla]
    return [judge(t, ticket.id, now, config, source="policy") for t in fallback_targets(ticket, tier, config)]


__all__ = [
    "SlaState",
    "SlaStatus",
    "add_business_minutes",
    "fallback_targets",
    "judge",
    "ticket_sla_states",
    "worst",
]
