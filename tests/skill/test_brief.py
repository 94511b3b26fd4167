"""The brief: the rendered markdown follows the spec's template heading for heading."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from importlib import resources

import pytest

from customer_escalation.connectors.records import SlaTarget
from customer_escalation.skill.brief import (
    ContextItem,
    EscalationBrief,
    Reproduction,
    SupportHandling,
    facts_from_assessment,
    json_schemas,
    schema_text,
)

from .builders import NOW, account, ago, article, bug, evidence, judge, reported, ticket

# The spec's step-6 template reduced to its skeleton: headings and bold labels, in order.
SPEC_SKELETON = [
    "## ESCALATION:",
    "**Severity:**",
    "**Target team:**",
    "**Reported by:**",
    "**Date:**",
    "### Impact",
    "- **Customers affected:**",
    "- **Workflow impact:**",
    "- **Revenue at risk:**",
    "- **Time in queue:**",
    "### Issue Description",
    "### What's Been Tried",
    "### Reproduction Steps",
    "Expected:",
    "Actual:",
    "Environment:",
    "### Customer Communication",
    "- **Last update to customer:**",
    "- **Customer expectation:**",
    "- **Escalation risk:**",
    "### What's Needed",
    "- **Deadline:**",
    "### Supporting Context",
]
SLA_LINE = "- **SLA status:**"
_SKELETON_LINE = re.compile(
    r"^(#{2,3} [^:\n]+:?|- \*\*[^*]+:\*\*|\*\*[^*]+:\*\*|Expected:|Actual:|Environment:)"
)


def _brief(**overrides: object) -> EscalationBrief:
    fields: dict[str, object] = {
        "summary": "Intermittent HTTP 500 from the batch events API for Acme Corp",
        "severity": "High",
        "target_team": "Engineering (API platform)",
        "reported_by": "Support (Jo Park)",
        "date": date(2026, 11, 18),
        "customers_affected": "1 customer: Acme Corp (Enterprise)",
        "workflow_impact": "Nightly sync misses its window",
        "revenue_at_risk": "$480,000 ARR",
        "time_in_queue": "4 days",
        "sla_status": "At risk: ticket 1 next reply due in 40 minutes",
        "issue_description": "Batches of 500 events fail with HTTP 500 about 4% of the time since Tuesday.",
        "whats_been_tried": [
            "Retried with backoff: most succeed",
            "Smaller batches: no errors, half throughput",
        ],
        "reproduction": Reproduction(
            steps=["POST 500 events", "Repeat 200 times"],
            expected="202",
            actual="500",
            environment="SDK 4.2.1",
        ),
        "last_update_to_customer": "2026-11-17: investigating",
        "customer_expectation": "A fix this week",
        "escalation_risk": "CTO may get involved",
        "whats_needed": ["prioritize the fix for ENG-3412"],
        "deadline": "2026-11-18 17:00 UTC",
        "supporting_context": [
            ContextItem(kind="ticket", label="Ticket 1", ref="ticket:1", url="https://x.example/1")
        ],
    }
    fields.update(overrides)
    return EscalationBrief.model_validate(fields)


def _skeleton(markdown: str) -> list[str]:
    return [m.group(1).rstrip() for line in markdown.splitlines() if (m := _SKELETON_LINE.match(line))]


def test_rendered_brief_matches_the_spec_template_heading_for_heading() -> None:
    skeleton = _skeleton(_brief().render())
    assert [line for line in skeleton if line != SLA_LINE] == SPEC_SKELETON
    assert skeleton.index(SLA_LINE) == SPEC_SKELETON.index("- **Time in queue:**") + 1


def test_sla_line_is_optional() -> None:
    assert _skeleton(_brief(sla_status=None).render()) == SPEC_SKELETON


def test_brief_without_reproduction_says_why_and_keeps_the_heading() -> None:
    text = _brief(
        reproduction=None, reproduction_note="Unknown: the tickets hold no steps (looked in 1, 2)"
    ).render()
    assert "### Reproduction Steps\nUnknown: the tickets hold no steps (looked in 1, 2)" in text
    assert "Expected:" not in text


def test_numbered_lists_and_links_render() -> None:
    text = _brief().render()
    assert "1. Retried with backoff: most succeed\n2. Smaller batches" in text
    assert (
        "1. POST 500 events\n2. Repeat 200 times\nExpected: 202\nActual: 500\nEnvironment: SDK 4.2.1" in text
    )
    assert "- [Ticket 1](https://x.example/1)" in text
    assert text.startswith("## ESCALATION: Intermittent HTTP 500")


def test_brief_requires_a_specific_ask() -> None:
    with pytest.raises(ValueError, match="whats_needed"):
        _brief(whats_needed=[])


def test_support_handling_renders_why_resolution_and_reply() -> None:
    note = SupportHandling(
        summary="Webhook signature mismatch for Orchid Retail",
        reported_by="Support",
        date=date(2026, 11, 18),
        why=["A known issue with a documented workaround (KB-7)"],
        resolved_by=[ContextItem(kind="article", label="KB-7: Webhook signatures do not match")],
        suggested_reply="Hi Sam, compute the HMAC over the raw request body before parsing it.",
    )
    text = note.render()
    assert text.startswith("## HANDLE IN SUPPORT: Webhook signature mismatch")
    assert "### Why\n- A known issue" in text
    assert "### What Resolves It\n- KB-7" in text
    assert "### Suggested Reply\nHi Sam" in text


def test_facts_come_from_the_assessment() -> None:
    sla = (SlaTarget(metric="next_reply", target_minutes=240, breach_at=NOW + timedelta(minutes=40)),)
    ts = (ticket("1", "We are blocked", account_id="acme", sla=sla, created=ago(days=4), product_area="api"),)
    accounts = (account("acme", tier="enterprise", arr=480_000.0, renewal_in_days=30),)
    a = judge(evidence(tickets=ts, accounts=accounts, issues=(bug("ENG-3412"),)))
    facts = facts_from_assessment(a)
    assert facts.severity == "High"
    assert facts.target_team == "Engineering (API platform)"
    assert facts.customers_affected.startswith("1 customer: Acme (Enterprise)")
    # ARR and pipeline are separate, labelled figures; accounts are named, not given by id
    assert facts.revenue_at_risk.startswith("ARR at risk: $480,000 (Acme)")
    assert "renewing soon: Acme on" in facts.revenue_at_risk
    assert "acme" not in facts.revenue_at_risk
    assert facts.sla_status == "At risk: ticket 1 next reply due in 40 minutes"
    assert "4 days" in facts.time_in_queue
    assert "SLA breach" in facts.deadline
    assert any("ENG-3412" in ask for ask in facts.whats_needed)


def test_a_higher_requested_severity_is_shown_beside_the_policys() -> None:
    a = judge(
        evidence(
            tickets=(ticket("1", "minor glitch, workaround exists"),),
            accounts=(account("pro-co", arr=1.0),),
            issues=(bug("ENG-1"),),
        )
    )
    assert a.severity == "Medium"
    raised = facts_from_assessment(a, requested_severity="High")
    assert raised.severity == "High"
    assert raised.severity_note == "raised from the policy's Medium: assume the worse"
    lowered = facts_from_assessment(a, requested_severity="Medium")
    assert lowered.severity == "Medium"


def test_a_lower_requested_severity_does_not_override_the_policy() -> None:
    text = "Export missing rows"
    a = judge(reported(text))
    assert facts_from_assessment(a, requested_severity="Medium").severity == "Critical"


def test_unknown_revenue_is_said_not_invented() -> None:
    a = judge(
        evidence(
            tickets=(ticket("1", "blocked"),), accounts=(account("pro-co", arr=None),), issues=(bug("ENG-1"),)
        )
    )
    facts = facts_from_assessment(a)
    assert "ARR unknown for Pro Co (no figure in the CRM)" in facts.revenue_at_risk
    assert "$" not in facts.revenue_at_risk


def test_facts_refuse_a_handle_in_support_assessment() -> None:
    a = judge(evidence(tickets=(ticket("1"),), accounts=(account("pro-co"),), articles=(article("KB-1"),)))
    with pytest.raises(ValueError, match="does not call for an escalation"):
        facts_from_assessment(a)


def test_published_schema_file_matches_the_models() -> None:
    published = resources.files("customer_escalation.prompts").joinpath("brief.schema.json").read_text()
    assert published == schema_text()
    assert set(json.loads(published)) == set(json_schemas())
