"""Time: the deadline of an escalation, the follow-up cadence of each severity, durations in words."""

from __future__ import annotations

from datetime import datetime, timedelta

from ...connectors.records import Target
from ..policy_config import PolicyConfig, Severity
from ..sla import add_business_minutes
from .facts import Facts
from .models import FollowUp


def follow_up_for(severity: Severity, config: PolicyConfig, now: datetime) -> FollowUp:
    """When the next internal check and customer update are due for `severity`, from the policy's cadence."""
    cadence = config.cadence[severity]
    if cadence.customer_minutes is not None:
        low, high = cadence.customer_minutes
        every = f"every {duration_text(low)} to {duration_text(high)}"
        customer_due = now + timedelta(minutes=low)
    else:
        assert cadence.customer_business_days is not None
        low_days, high_days = cadence.customer_business_days
        hours = config.business_hours
        workday = (hours.end.hour * 60 + hours.end.minute) - (hours.start.hour * 60 + hours.start.minute)
        every = f"every {low_days}-{high_days} business days"
        customer_due = add_business_minutes(now, low_days * workday, hours)
    return FollowUp(
        internal_every_minutes=cadence.internal_minutes,
        customer_every=every,
        next_internal_due=now + timedelta(minutes=cadence.internal_minutes),
        next_customer_due=customer_due,
    )


def duration_text(minutes: int) -> str:
    """A number of minutes in words: `hour`, `4 hours`, `2 days`, `90 minutes`."""
    if minutes % 1440 == 0:
        days = minutes // 1440
        return "day" if days == 1 else f"{days} days"
    if minutes % 60 == 0:
        hours = minutes // 60
        return "hour" if hours == 1 else f"{hours} hours"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def deadline(f: Facts, severity: Severity, target: Target) -> tuple[datetime, str]:
    """The earliest of: the severity's response time, a running SLA's breach, and (for Leadership) a week
    before an affected account's renewal; with what it is."""
    options: list[tuple[datetime, str]] = [
        (f.now + timedelta(minutes=f.config.cadence[severity].deadline_minutes), f"{severity} response time")
    ]
    for state in f.sla:
        if state.status in {"at_risk", "within"} and state.breach_at is not None and state.breach_at > f.now:
            options.append(
                (state.breach_at, f"ticket {state.ticket_id} {state.metric.replace('_', ' ')} SLA breach")
            )
    if target == "Leadership":
        for account in f.affected_accounts:
            if f.renews_soon(account) and account.renewal_date is not None:
                renewal = datetime.combine(account.renewal_date, datetime.min.time(), tzinfo=f.now.tzinfo)
                options.append((renewal - timedelta(days=7), f"a week before {account.name}'s renewal"))
    return min(options, key=lambda o: o[0])
