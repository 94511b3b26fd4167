"""The impact of an issue: breadth, depth, duration, revenue, reputation and contractual terms, and what
the records leave unknown about it."""

from __future__ import annotations

from ...connectors.records import OPEN_TICKET_STATUSES
from ..signals import mentioned_user_counts
from ..sla import worst
from .facts import Facts, hit_refs, where_found
from .models import (
    AffectedAccount,
    Breadth,
    Contractual,
    Depth,
    Duration,
    Impact,
    Reputation,
    Revenue,
)


def depth(f: Facts) -> Depth:
    """Whether customers are blocked (or production is down), only inconvenienced, or nobody says."""
    blocked = f.hits_of("blocked") + f.hits_of("production_down")
    if blocked:
        return Depth(
            level="blocked", reason=where_found(blocked), evidence=hit_refs(blocked), quote=blocked[0].excerpt
        )
    light = f.hits_of("inconvenienced")
    if light:
        return Depth(
            level="inconvenienced",
            reason=where_found(light),
            evidence=hit_refs(light),
            quote=light[0].excerpt,
        )
    return Depth(level="unknown", reason="no record says whether customers are blocked or inconvenienced")


def impact(f: Facts, depth: Depth) -> Impact:
    return Impact(
        breadth=_breadth(f),
        depth=depth,
        duration=_duration(f),
        revenue=_revenue(f),
        reputation=_reputation(f),
        contractual=_contractual(f),
    )


def _breadth(f: Facts) -> Breadth:
    reporters = {
        t.requester.email or t.requester.name for t in f.current if t.requester.email or t.requester.name
    }
    counts = [n for t in f.current for n in mentioned_user_counts(f"{t.subject}\n{t.description}")]
    counts += mentioned_user_counts(f.ev.issue)
    this_week, previous = f.weekly_counts()
    return Breadth(
        accounts=tuple(
            AffectedAccount(
                id=a.id,
                name=a.name,
                tier=a.tier,
                arr=a.arr,
                renewal_date=a.renewal_date.isoformat() if a.renewal_date else None,
                high_value=f.is_high_value(a),
            )
            for a in f.affected_accounts
        ),
        customers=len(f.affected_ids),
        reporters=len(reporters),
        users_mentioned=max(counts) if counts else None,
        this_week=this_week,
        previous_week=previous,
        growing=this_week > previous and this_week >= 2,
        requesting_account_ids=_requesting(f),
    )


def _requesting(f: Facts) -> tuple[str, ...]:
    """Accounts linked to the feature requests among the issues."""
    return tuple(dict.fromkeys(a for i in f.features for a in i.linked_account_ids))


def _duration(f: Facts) -> Duration:
    first = min((t.created_at for t in f.current), default=None) or min(
        (t.created_at for t in f.ev.tickets), default=None
    )
    open_tickets = [t for t in f.current if t.status in OPEN_TICKET_STATUSES]
    oldest = min(open_tickets, key=lambda t: t.created_at, default=None)
    return Duration(
        first_report_at=first,
        hours_since_first_report=round((f.now - first).total_seconds() / 3600, 1) if first else None,
        oldest_open_ticket_id=oldest.id if oldest else None,
        hours_in_queue=round((f.now - oldest.created_at).total_seconds() / 3600, 1) if oldest else None,
    )


def _revenue(f: Facts) -> Revenue:
    affected = f.affected_accounts
    with_arr = [a for a in affected if a.arr is not None]
    requesting = [f.accounts[a] for a in _requesting(f) if a in f.accounts]
    opps = [o for a in affected for o in f.ev.opportunities.get(a.id, ()) if o.is_open]
    return Revenue(
        arr_at_risk=sum(a.arr for a in with_arr if a.arr is not None) if with_arr else None,
        accounts_without_arr=tuple(a.id for a in affected if a.arr is None)
        + tuple(i for i in f.affected_ids if i not in f.accounts),
        renewals_in_window=tuple(
            (a.id, a.renewal_date.isoformat()) for a in affected if f.renews_soon(a) and a.renewal_date
        ),
        open_opportunity_amount=sum(o.amount or 0.0 for o in opps) if opps else None,
        open_opportunity_ids=tuple(o.id for o in opps),
        requesting_arr=sum(a.arr or 0.0 for a in requesting) if requesting else None,
    )


def _reputation(f: Facts) -> Reputation:
    affected = f.affected_accounts
    return Reputation(
        reference_accounts=tuple(a.id for a in affected if a.reference_customer),
        public_facing_accounts=tuple(a.id for a in affected if a.public_facing),
        public_mentions=tuple(f"{h.source}: {h.excerpt}" for h in f.hits_of("reputation")),
    )


def _contractual(f: Facts) -> Contractual:
    with_sla = {s.ticket_id for s in f.sla}
    return Contractual(
        states=tuple(f.sla),
        worst=worst(f.sla),
        tickets_without_sla=tuple(t.id for t in f.current if t.id not in with_sla),
    )


def unknowns(f: Facts, impact: Impact) -> list[str]:
    """What the records do not say about the impact, each with why."""
    found: list[str] = []
    if not f.affected_ids:
        found.append("affected customers: no ticket or account was matched to a CRM account")
    for account_id in impact.revenue.accounts_without_arr:
        where = "no ARR in the CRM record" if account_id in f.accounts else "account not found in the CRM"
        found.append(f"ARR of {account_id}: {where}")
    unmatched = [t.id for t in f.current if t.id not in f.ev.ticket_accounts]
    if unmatched:
        found.append("account of ticket(s) " + ", ".join(unmatched) + ": organization not found in the CRM")
    if impact.contractual.tickets_without_sla:
        found.append(
            "SLA of ticket(s) "
            + ", ".join(impact.contractual.tickets_without_sla)
            + ": no SLA policy applies"
        )
    if impact.depth.level == "unknown":
        found.append("depth: " + impact.depth.reason)
    for source in f.ev.unavailable:
        found.append(f"{source}: source unavailable, not searched")
    return found
