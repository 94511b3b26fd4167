"""Rules on breadth and time: several customers, the same issue coming back, reports growing."""

from __future__ import annotations

from ..facts import Facts
from ..models import PastEscalation
from ..refs import account_ref, issue_ref, ticket_ref
from .outcomes import signalled
from .registry import Outcome, rule


@rule(
    "pattern_customers",
    "Same issue reported by {config.pattern_customer_count}+ customers",
    strength="hard",
)
def pattern_customers(f: Facts) -> Outcome:
    """Only questions, however many, are not a pattern of failure."""
    return _customers(f, at_least=f.config.pattern_customer_count, questions_count=False)


@rule("multiple_customers", "Multiple customers affected", strength="soft", corroborating=True)
def multiple_customers(f: Facts) -> Outcome:
    return _customers(f, at_least=2, questions_count=True)


def _customers(f: Facts, *, at_least: int, questions_count: bool) -> Outcome:
    """Met when `at_least` distinct customers are affected (and, unless `questions_count`, not all of them
    only ask questions)."""
    customers = len(f.affected_ids)
    return Outcome(
        met=customers >= at_least and (questions_count or not f.only_questions),
        reason=f"{customers} distinct customers affected",
        evidence=[account_ref(a) for a in f.affected_ids],
    )


def _came_back(f: Facts) -> list[PastEscalation]:
    """Closed escalations of these accounts or tickets that a report arrived after (re-running the same
    brief is not a recurrence)."""
    ticket_ids = {t.id for t in f.ev.tickets}
    return [
        p
        for p in f.ev.history
        if p.status != "open"
        and (set(p.account_ids) & set(f.affected_ids) or set(p.ticket_ids) & ticket_ids)
        and any(t.created_at > p.created_at for t in f.current)
    ]


@rule("recurring", "Recurring issue that was supposedly fixed", strength="hard")
def recurring(f: Facts) -> Outcome:
    """A bug reopened, a resolved bug with new reports since, or an earlier escalation it came back after."""
    reopened = [i for i in f.bugs if i.status == "reopened" or i.reopened_at is not None]
    fixed_then_seen = [
        i
        for i in f.bugs
        if i.resolved_at is not None
        and i.status in {"resolved", "closed"}
        and any(t.created_at > i.resolved_at for t in f.current)
    ]
    past = _came_back(f)
    ids = [issue_ref(i.key) for i in reopened + fixed_then_seen] + [f"escalation:{p.id}" for p in past]
    reasons = [f"{i.key} reopened after fix {i.fix_version or '(no version)'}" for i in reopened]
    reasons += [f"{i.key} was resolved, new reports since" for i in fixed_then_seen]
    reasons += [f"escalated before as {p.id} ({p.status})" for p in past]
    return Outcome(met=bool(ids), reason="; ".join(reasons) or "no sign it was fixed before", evidence=ids)


@rule(
    "recurring_claim",
    "Customer says it happened again after a fix",
    strength="soft",
    corroborating=True,
)
def recurring_claim(f: Facts) -> Outcome:
    return signalled(f.hits_of("recurring"))


@rule(
    "growing",
    "Increasing severity over time (more reports week over week)",
    strength="soft",
    corroborating=True,
)
def growing(f: Facts) -> Outcome:
    this_week, previous = f.weekly_counts()
    return Outcome(
        met=this_week > previous and this_week >= 2,
        reason=f"{this_week} reports this week, {previous} the week before",
        evidence=[ticket_ref(t.id) for t in f.current],
    )
