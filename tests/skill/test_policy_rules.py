"""The registry of policy rules: what `assess` reports is exactly what is registered, in the registered
order, with the registered text and weight; every registered rule can be met."""

from __future__ import annotations

from datetime import timedelta

import pytest

from customer_escalation.connectors.records import SlaTarget
from customer_escalation.skill.policy import RULES, Evidence, PastEscalation, rule_names
from customer_escalation.skill.policy.rules import registry, rules_for
from customer_escalation.skill.policy_config import load_policy

from .builders import NOW, POLICY, account, ago, article, bug, comment, evidence, judge, met, reported, ticket

ESCALATE_ORDER = [
    "security_concern",
    "data_loss",
    "production_down",
    "pattern_customers",
    "multiple_customers",
    "high_value_at_risk",
    "sla_breach",
    "sla_met_late",
    "executive_request",
    "long_wait",
    "recurring",
    "recurring_claim",
    "confirmed_bug",
    "customer_blocked",
    "beyond_support",
    "exception_to_policy",
    "feature_gap",
    "growing",
    "high_value_blocked",
    "key_customer_blocked_by_bug",
    "legal_or_pr_risk",
]
HANDLE_ORDER = [
    "documented_workaround",
    "documented_fix",
    "guidance_needed",
    "known_limitation",
    "already_escalated",
    "resolved_by_customer",
    "previously_solved",
]


def _key_customer(text: str) -> Evidence:
    return reported(text, account("big", tier="enterprise", arr=400_000.0), issues=(bug("ENG-1"),))


def _three_customers() -> Evidence:
    ts = tuple(
        ticket(str(i), "Webhooks delayed", account_id=f"co-{i}", created=ago(days=1)) for i in range(3)
    )
    return evidence(tickets=ts, accounts=tuple(account(f"co-{i}") for i in range(3)))


def _sla(breach_in: timedelta, fulfilled: bool = False) -> Evidence:
    sla = SlaTarget(
        metric="first_reply",
        target_minutes=60,
        breach_at=NOW + breach_in,
        fulfilled_at=NOW - timedelta(minutes=10) if fulfilled else None,
    )
    return evidence(tickets=(ticket("1", sla=(sla,)),), accounts=(account("pro-co"),))


def _already_escalated() -> Evidence:
    open_esc = PastEscalation(
        id="ESC-7", created_at=ago(hours=5), issue="exports", account_ids=("acme",), issue_keys=("ENG-4",)
    )
    ts = (ticket("1", "Exports failing with 403", account_id="initech"),)
    return evidence(tickets=ts, accounts=(account("initech"),), issues=(bug("ENG-4"),), history=(open_esc,))


WITNESSES: dict[str, Evidence] = {
    "security_concern": reported("If I change the id in the URL I can see another company's dashboards."),
    "data_loss": reported("Our scheduled export is missing rows since Monday."),
    "production_down": reported("Nobody can log in, we are stuck in a login loop."),
    "pattern_customers": _three_customers(),
    "multiple_customers": _three_customers(),
    "high_value_at_risk": _key_customer("Unless this is fixed we will not renew our contract."),
    "sla_breach": _sla(timedelta(minutes=20)),
    "sla_met_late": _sla(-timedelta(minutes=30), fulfilled=True),
    "executive_request": reported("I would like a call with your VP of Product this week."),
    "long_wait": evidence(tickets=(ticket("1", created=ago(days=6)),), accounts=(account("pro-co"),)),
    "recurring": reported("Exports fail", issues=(bug("ENG-9", status="reopened", reopened=ago(days=2)),)),
    "recurring_claim": reported("The export bug is back again after your fix."),
    "confirmed_bug": reported("Exports fail", issues=(bug("ENG-1"),)),
    "customer_blocked": reported("We are blocked and cannot deploy."),
    "beyond_support": evidence(
        tickets=(ticket("1", comments=(comment("We could not reproduce this on our side."),)),),
        accounts=(account("pro-co"),),
    ),
    "exception_to_policy": evidence(
        "Can we get a refund for this month?",
        tickets=(
            ticket(
                "1",
                "Can we get a refund for this month?",
                comments=(comment("Sorry, annual plans are not eligible for a refund."),),
            ),
        ),
        accounts=(account("pro-co"),),
    ),
    "feature_gap": reported("Exports fail", issues=(bug("PROD-1", kind="feature"),)),
    "growing": _three_customers(),
    "high_value_blocked": _key_customer("We are blocked and cannot deploy."),
    "key_customer_blocked_by_bug": _key_customer("We are blocked and cannot deploy."),
    "legal_or_pr_risk": reported("Our lawyer says this is a breach of contract."),
    "documented_workaround": reported("Exports fail", articles=(article("KB-1"),)),
    "documented_fix": reported(
        "Exports fail", articles=(article("KB-2", kind="troubleshooting", workaround=None),)
    ),
    "guidance_needed": evidence(
        "How do I rotate an API key without downtime?",
        tickets=(ticket("1", "How do I rotate an API key without downtime?", type_="question"),),
        accounts=(account("pro-co"),),
        articles=(article("KB-3", kind="how-to", workaround=None),),
    ),
    "known_limitation": reported("Exports fail", articles=(article("KB-4", kind="reference"),)),
    "already_escalated": _already_escalated(),
    "resolved_by_customer": reported("Exports failed yesterday; it works now after your fix, thanks."),
    "previously_solved": evidence(
        tickets=(ticket("1"), ticket("9", status="solved", created=ago(days=40), solved=ago(days=39))),
        accounts=(account("pro-co"),),
    ),
}
"""For each rule, records that meet it."""


def test_the_registry_lists_the_rules_in_the_order_findings_are_reported() -> None:
    assert [r.name for r in rules_for("escalate")] == ESCALATE_ORDER
    assert [r.name for r in rules_for("handle_in_support")] == HANDLE_ORDER
    assert rule_names() == (*ESCALATE_ORDER, *HANDLE_ORDER)


@pytest.mark.parametrize("name", list(WITNESSES))
def test_every_rule_the_policy_reports_is_registered(name: str) -> None:
    a = judge(WITNESSES[name])
    assert [f.rule for f in a.escalate_findings] == ESCALATE_ORDER
    assert [f.rule for f in a.handle_findings] == HANDLE_ORDER
    for finding in (*a.escalate_findings, *a.handle_findings):
        assert finding.criterion == RULES[finding.rule].criterion_for(POLICY)
        assert finding.rule == "production_down" or finding.strength == RULES[finding.rule].strength
    assert met(a, name)


def test_every_registered_rule_can_be_met() -> None:
    assert set(WITNESSES) == set(RULES)


@pytest.mark.parametrize("name", rule_names())
def test_each_rule_states_its_criterion(name: str) -> None:
    rule = RULES[name]
    text = rule.criterion_for(POLICY)
    assert text.strip()
    assert "{" not in text
    assert rule.strength in {"hard", "soft"}
    assert rule.side in {"escalate", "handle_in_support"}


def test_criteria_carry_the_thresholds_of_the_policy_file() -> None:
    config = load_policy().model_copy(update={"pattern_customer_count": 5, "long_wait_days": 2.5})
    a = judge(evidence("-"), config)
    criteria = {f.rule: f.criterion for f in a.escalate_findings}
    assert criteria["pattern_customers"] == "Same issue reported by 5+ customers"
    assert criteria["long_wait"] == "Open beyond 2.5 days; customer waiting unreasonably long"


def test_a_rule_that_names_its_target_sends_the_escalation_there() -> None:
    settling = {name: r.target for name, r in RULES.items() if r.target is not None}
    assert settling == {"security_concern": "Security"}
    for name, target in settling.items():
        assert judge(WITNESSES[name]).target == target


def test_a_soft_rule_that_only_corroborates_does_not_escalate_alone() -> None:
    corroborating = {name for name, r in RULES.items() if r.corroborating}
    assert corroborating == {"multiple_customers", "growing", "recurring_claim"}
    two = tuple(ticket(str(i), "Charts look odd", account_id=f"co-{i}") for i in range(2))
    a = judge(evidence(tickets=two, accounts=(account("co-0"), account("co-1"))))
    assert [f.rule for f in a.escalate_findings if f.met] == ["multiple_customers", "growing"]
    assert a.decision == "handle_in_support"


def test_a_soft_rule_that_does_not_corroborate_escalates_alone() -> None:
    a = judge(WITNESSES["customer_blocked"])
    assert [f.rule for f in a.escalate_findings if f.met] == ["customer_blocked"]
    assert a.decision == "escalate"


def test_the_registry_is_read_only() -> None:
    with pytest.raises(TypeError):
        RULES["extra"] = RULES["growing"]  # type: ignore[index]


def test_two_rules_of_one_name_are_refused() -> None:
    with pytest.raises(ValueError, match="growing"):
        registry(RULES["growing"], RULES["growing"])
