"""SLA arithmetic: business hours and the at-risk threshold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from customer_escalation.connectors.records import SlaTarget
from customer_escalation.skill.sla import add_business_minutes, judge

from .builders import NOW, POLICY

HOURS = POLICY.business_hours


BUSINESS_MINUTES = {
    "inside-one-day": ((2026, 11, 18, 10, 0), 120, (2026, 11, 18, 12, 0)),  # a Wednesday
    "roll-over-the-evening": ((2026, 11, 18, 16, 0), 120, (2026, 11, 19, 10, 0)),
    "skip-the-weekend": ((2026, 11, 20, 16, 30), 60, (2026, 11, 23, 9, 30)),  # from a Friday
    "start-before-opening-counts-from-opening": ((2026, 11, 18, 6, 0), 30, (2026, 11, 18, 9, 30)),
}
"""A start (UTC), business minutes to add, and the time they end."""


@pytest.mark.parametrize(("start", "minutes", "end"), BUSINESS_MINUTES.values(), ids=BUSINESS_MINUTES.keys())
def test_business_minutes(start: tuple[int, ...], minutes: int, end: tuple[int, ...]) -> None:
    assert add_business_minutes(datetime(*start, tzinfo=UTC), minutes, HOURS) == datetime(*end, tzinfo=UTC)


def test_at_risk_when_less_than_a_quarter_of_the_target_is_left() -> None:
    target = SlaTarget(metric="resolution", target_minutes=2880, breach_at=NOW + timedelta(hours=10))
    assert judge(target, "1", NOW, POLICY, source="platform").status == "at_risk"


def test_within_when_plenty_of_time_is_left() -> None:
    target = SlaTarget(metric="resolution", target_minutes=2880, breach_at=NOW + timedelta(hours=20))
    state = judge(target, "1", NOW, POLICY, source="platform")
    assert state.status == "within"
    assert state.minutes_left == 1200


def test_breached_has_negative_minutes_left() -> None:
    target = SlaTarget(metric="first_reply", target_minutes=60, breach_at=NOW - timedelta(minutes=90))
    state = judge(target, "1", NOW, POLICY, source="platform")
    assert state.status == "breached"
    assert state.minutes_left == -90


def test_met_after_breach_is_met_late() -> None:
    target = SlaTarget(
        metric="first_reply",
        target_minutes=60,
        breach_at=NOW - timedelta(hours=5),
        fulfilled_at=NOW - timedelta(hours=1),
    )
    assert judge(target, "1", NOW, POLICY, source="platform").status == "met_late"


def test_paused_metric_is_paused() -> None:
    target = SlaTarget(metric="resolution", breach_at=NOW - timedelta(hours=1), paused=True)
    assert judge(target, "1", NOW, POLICY, source="platform").status == "paused"
