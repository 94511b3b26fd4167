"""SLA targets of a Zendesk ticket, from its ``slas`` and ``metric_events`` side-loads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from ..records import SlaMetric, SlaTarget
from . import models

SLA_METRICS: dict[str, SlaMetric] = {
    "first_reply_time": "first_reply",
    "next_reply_time": "next_reply",
    "periodic_update_time": "periodic_update",
    "pausable_update_time": "periodic_update",
    "requester_wait_time": "resolution",
    "total_resolution_time": "resolution",
    "first_resolution_time": "resolution",
}
"""Zendesk SLA policy metrics we report; `agent_work_time` measures the team, not a promise, so it is left out."""


@dataclass(frozen=True)
class _Event:
    kind: str
    instance: int
    time: datetime
    policy: str | None = None
    target: int | None = None


def _event(raw: models.MetricEvent) -> _Event:
    sla = raw.sla
    policy = sla.policy.title if sla is not None and sla.policy is not None else None
    target = int(sla.target) if sla is not None and sla.target is not None else None
    instance = raw.instance_id if raw.instance_id is not None else 1
    return _Event(kind=raw.type, instance=instance, time=raw.time, policy=policy, target=target)


def _events(raw: Mapping[str, tuple[models.MetricEvent, ...]] | None) -> dict[str, list[_Event]]:
    """The `metric_events` side-load (a map from metric to its events), oldest first per metric."""
    return {
        metric: sorted((_event(e) for e in events if e.deleted is not True), key=lambda e: e.time)
        for metric, events in (raw or {}).items()
    }


def _events_for(policy_metric: str, events: dict[str, list[_Event]]) -> list[_Event]:
    # Zendesk records both reply SLAs under `reply_time`: instance 1 is the first reply, later
    # instances are next replies.
    if policy_metric in {"first_reply_time", "next_reply_time"}:
        replies = events.get("reply_time", [])
        if policy_metric == "first_reply_time":
            return [e for e in replies if e.instance == 1]
        later = [e for e in replies if e.instance > 1]
        latest = max((e.instance for e in later), default=None)
        return [e for e in later if e.instance == latest]
    return events.get(policy_metric, [])


def _target(
    entry: models.PolicyMetric, metric: SlaMetric, history: list[_Event], fallback_fulfilled: datetime
) -> SlaTarget:
    applied = [e for e in history if e.kind == "apply_sla"]
    fulfilled = [e for e in history if e.kind == "fulfill"]
    fulfilled_at: datetime | None = None
    if entry.stage == "achieved":
        fulfilled_at = fulfilled[-1].time if fulfilled else fallback_fulfilled
    return SlaTarget(
        policy=applied[-1].policy if applied else None,
        metric=metric,
        target_minutes=applied[-1].target if applied else None,
        breach_at=entry.breach_at,
        fulfilled_at=fulfilled_at,
        paused=entry.stage == "paused",
    )


def sla_targets(ticket: models.Ticket) -> tuple[SlaTarget, ...]:
    """SLA metrics from a ticket shown with `include=slas,metric_events`.

    `slas.policy_metrics` gives each metric's stage and breach time; the metric events add the policy
    title, the target and when the metric was fulfilled. An achieved metric without a fulfil event is
    dated at the ticket's last update, the latest moment it can have been met.
    """
    if ticket.slas is None:
        return ()
    events = _events(ticket.metric_events)
    chosen: dict[SlaMetric, SlaTarget] = {}
    for entry in ticket.slas.policy_metrics:
        metric = SLA_METRICS.get(entry.metric)
        if metric is None:
            continue
        target = _target(entry, metric, _events_for(entry.metric, events), ticket.updated_at)
        current = chosen.get(metric)
        if current is None or _more_urgent(target, current):
            chosen[metric] = target
    return tuple(chosen.values())


def _more_urgent(candidate: SlaTarget, current: SlaTarget) -> bool:
    if (candidate.fulfilled_at is None) != (current.fulfilled_at is None):
        return candidate.fulfilled_at is None
    far = datetime.max.replace(tzinfo=UTC)
    return (candidate.breach_at or far) < (current.breach_at or far)


def solved_time(ticket: models.Ticket) -> datetime | None:
    """When the ticket was last solved: solving fulfils `requester_wait_time`."""
    waits = _events(ticket.metric_events).get("requester_wait_time", [])
    fulfils = [e for e in waits if e.kind == "fulfill"]
    return fulfils[-1].time if fulfils else None


__all__ = ["SLA_METRICS", "sla_targets", "solved_time"]
