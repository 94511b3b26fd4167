"""The registry of the policy's rules, in the order their findings are reported.

Each rule is a criterion of the spec with its name, its text, its strength (`hard` escalates on its own),
the side it argues for (escalate, or handle in support) and, where it settles it alone, its target.
The order below is the order of `Assessment.escalate_findings` and `handle_findings`, and of the criteria
a decision's reason lists.
"""

from __future__ import annotations

from collections.abc import Mapping

from ....connectors.records import Decision
from ..facts import Facts
from ..models import Finding
from . import handle, outage, people, recurrence, security
from .registry import Check, Outcome, Rule, registry, rule

RULES: Mapping[str, Rule] = registry(
    # escalate
    security.security_concern,
    outage.data_loss,
    outage.production_down,
    recurrence.pattern_customers,
    recurrence.multiple_customers,
    people.high_value_at_risk,
    people.sla_breach,
    people.sla_met_late,
    people.executive_request,
    people.long_wait,
    recurrence.recurring,
    recurrence.recurring_claim,
    outage.confirmed_bug,
    people.customer_blocked,
    outage.beyond_support,
    people.exception_to_policy,
    outage.feature_gap,
    recurrence.growing,
    people.high_value_blocked,
    people.key_customer_blocked_by_bug,
    security.legal_or_pr_risk,
    # handle in support
    handle.documented_workaround,
    handle.documented_fix,
    handle.guidance_needed,
    handle.known_limitation,
    handle.already_escalated,
    handle.resolved_by_customer,
    handle.previously_solved,
)
"""Every rule by name: a read-only mapping."""


def rule_names() -> tuple[str, ...]:
    """The names of every registered rule, in order."""
    return tuple(RULES)


def rules_for(side: Decision) -> tuple[Rule, ...]:
    """The registered rules that argue for `side`, in order."""
    return tuple(r for r in RULES.values() if r.side == side)


def findings(facts: Facts, side: Decision) -> list[Finding]:
    """Every rule for `side` applied to `facts`, in order (met or not)."""
    return [r.apply(facts) for r in rules_for(side)]


__all__ = ["RULES", "Check", "Outcome", "Rule", "findings", "registry", "rule", "rule_names", "rules_for"]
