"""Rules on the customers and the business: accounts at risk, SLAs, executives, waiting, blocked
customers, exceptions to policy."""

from __future__ import annotations

from datetime import timedelta

from ....connectors.records import OPEN_TICKET_STATUSES
from ..facts import Facts, hit_refs, where_found
from ..refs import account_ref, issue_ref, ticket_ref
from .outcomes import listed, signalled
from .registry import Outcome, rule


@rule("high_value_at_risk", "High-value customer at risk (churn threat)", strength="hard")
def high_value_at_risk(f: Facts) -> Outcome:
    churn = f.hits_of("churn")
    at_risk = [a for a in f.affected_accounts if f.is_high_value(a) or f.renews_soon(a)]
    if churn and at_risk:
        reason = f"churn signal {where_found(churn)} from high-value or renewing account(s): " + ", ".join(
            a.name for a in at_risk
        )
    else:
        reason = (
            "churn signal, but no high-value or renewing account affected" if churn else "no churn signal"
        )
    return Outcome(
        met=bool(churn) and bool(at_risk),
        reason=reason,
        evidence=hit_refs(churn) + tuple(account_ref(a.id) for a in at_risk),
        hits=churn,
    )


@rule("sla_breach", "SLA breach imminent or occurred", strength="hard")
def sla_breach(f: Facts) -> Outcome:
    return listed(
        [s for s in f.sla if s.status in {"breached", "at_risk"}],
        lambda s: f"ticket {s.ticket_id} {s.metric.replace('_', ' ')} {s.status.replace('_', ' ')}",
        lambda s: ticket_ref(s.ticket_id),
        absent="no running SLA metric is breached or at risk",
        sep="; ",
    )


@rule("sla_met_late", "SLA was breached earlier on this issue", strength="soft")
def sla_met_late(f: Facts) -> Outcome:
    return listed(
        [s for s in f.sla if s.status == "met_late"],
        lambda s: f"ticket {s.ticket_id} {s.metric.replace('_', ' ')} met late",
        lambda s: ticket_ref(s.ticket_id),
        sep="; ",
    )


@rule("executive_request", "Customer requesting executive involvement", strength="hard")
def executive_request(f: Facts) -> Outcome:
    return signalled(f.hits_of("executive"), label="executive request", absent="no request for executives")


@rule(
    "long_wait",
    "Open beyond {config.long_wait_days:g} days; customer waiting unreasonably long",
    strength="hard",
)
def long_wait(f: Facts) -> Outcome:
    limit = timedelta(days=f.config.long_wait_days)
    return listed(
        [t for t in f.current if t.status in OPEN_TICKET_STATUSES and f.now - t.created_at >= limit],
        lambda t: f"ticket {t.id} open {(f.now - t.created_at).days} days",
        lambda t: ticket_ref(t.id),
    )


@rule("customer_blocked", "Customer blocked with no working alternative", strength="soft")
def customer_blocked(f: Facts) -> Outcome:
    return signalled(f.hits_of("blocked"))


@rule("exception_to_policy", "Exception to policy required", strength="hard")
def exception_to_policy(f: Facts) -> Outcome:
    """An exception is asked for, and our policy or an agent has already declined it."""
    exception = f.hits_of("exception")
    met = bool(exception) and f.staff_refusal
    return Outcome(
        met=met,
        reason=f"an exception is asked for ({where_found(exception)}) and our policy or agent has declined it"
        if met
        else "none",
        evidence=hit_refs(exception),
        hits=exception,
    )


@rule("high_value_blocked", "High-value customer blocked", strength="soft")
def high_value_blocked(f: Facts) -> Outcome:
    met = bool(f.high_value_affected) and f.has("blocked")
    return Outcome(
        met=met,
        reason=", ".join(a.name for a in f.high_value_affected) if met else "none",
        evidence=[account_ref(a.id) for a in f.high_value_affected] if met else [],
    )


@rule("key_customer_blocked_by_bug", "High-value customer blocked by a confirmed bug", strength="hard")
def key_customer_blocked_by_bug(f: Facts) -> Outcome:
    key_customers = f.high_value_affected
    met = bool(key_customers) and f.has("blocked") and (bool(f.open_bugs) or f.has("reproduced"))
    if not met:
        return Outcome(met=False, reason="none")
    bugs = ", ".join(i.key for i in f.open_bugs) or "reproduced by support"
    return Outcome(
        met=True,
        reason=", ".join(a.name for a in key_customers) + " blocked; bug " + bugs,
        evidence=[account_ref(a.id) for a in key_customers] + [issue_ref(i.key) for i in f.open_bugs],
    )
