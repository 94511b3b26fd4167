"""The prose graders accept the offline planner's brief of a world that holds every trap, and reject a
brief (or customer draft) that falls into each."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from customer_escalation.evals.graders import CHECKS, PROSE_CHECKS, CheckResult, Observation
from customer_escalation.skill.brief import Reproduction, SupportHandling
from customer_escalation.skill.models.planner import OfflinePlanner

from .conftest import observe, tiny_scenario

PROSE = """
id: prose-traps
purpose: Every prose trap at once.
rule: [confirmed_bug]
issue: "Invoice PDF download fails with 502 for Birchwood Dental and Calder Vets"
records:
  accounts:
    - {id: birchwood-dental, name: Birchwood Dental, tier: business, arr: 60000, renewal: +20d,
       contacts: [{name: Mira Holt, title: Office Manager}]}
    - {id: calder-vets, name: Calder Vets, tier: pro, arr: 15000, renewal: +200d,
       contacts: [{name: Owen Calder, title: Owner}]}
  opportunities:
    - {id: opp-bd, account: birchwood-dental, amount: 60000, close: +20d, kind: renewal}
  tickets:
    - id: 701
      account: birchwood-dental
      subject: "Invoice PDF download fails"
      area: billing
      created: -2d
      body: |
        Downloading any invoice PDF fails with "Error: 502 Bad Gateway" since Monday. We cannot send
        invoices to our patients' insurers.

        Steps:
        1. Open Billing > Invoices.
        2. Click Download PDF on any invoice.
        3. The page shows 502 Bad Gateway.

        Expected: the PDF downloads.
        Actual: 502 Bad Gateway every time.
      comments:
        - {by: agent, body: "Thanks Mira. I've shared your message with our billing team, and I'll come back to you today with an update.", at: -1d20h}
    - id: 702
      account: calder-vets
      subject: "502 on invoice download"
      area: billing
      created: -1d
      body: "Invoice PDFs give a 502 error for us too. We tried two browsers and cleared the cache; same result."
      comments:
        - {by: agent, body: "Thank you for the details, we are looking into it.", at: -20h}
  issues:
    - {key: ENG-88, title: "Invoice PDF renderer returns 502", status: in_progress, components: [billing],
       tickets: ["701"], created: -1d}
reference:
  ticket_ids: [701, 702]
  issue_keys: [ENG-88]
expected:
  decision: escalate
  target: Engineering
  severity: High
  customers: [birchwood-dental, calder-vets]
tags: [prose]
"""


@pytest.fixture(scope="module")
def brief_run(tmp_path_factory: pytest.TempPathFactory) -> Observation:
    scenario = tiny_scenario(PROSE, "prose-traps.yaml")
    planner = OfflinePlanner(clock=scenario.clock())
    return asyncio.run(observe(scenario, planner, tmp_path_factory.mktemp("prose")))


def _check(name: str, obs: Observation) -> CheckResult:
    result = CHECKS[name](obs)
    assert result is not None, f"{name} does not apply"
    return result


def _with_brief(obs: Observation, **changes: Any) -> Observation:
    assert obs.result is not None and obs.result.brief is not None
    brief = obs.result.brief.model_copy(update=changes)
    result = obs.result.model_copy(update={"brief": brief, "markdown": brief.render()})
    return Observation(scenario=obs.scenario, dataset=obs.dataset, result=result)


def test_the_offline_brief_of_the_traps_passes_every_prose_check(brief_run: Observation) -> None:
    assert brief_run.result is not None and brief_run.result.brief is not None
    results = {name: CHECKS[name](brief_run) for name in PROSE_CHECKS}
    assert all(r is not None for r in results.values()), results
    assert [r for r in results.values() if r is not None and not r.passed] == []
    brief = brief_run.result.brief
    assert "missed commitment" in brief.escalation_risk.lower() and "ticket 701" in brief.escalation_risk
    assert "Birchwood Dental" in brief.revenue_at_risk and "birchwood-dental" not in brief.revenue_at_risk


def test_reproduction_left_unknown_fails(brief_run: Observation) -> None:
    bad = _with_brief(brief_run, reproduction=None, reproduction_note="Unknown: no steps in ticket 701.")
    assert not _check("repro_present", bad).passed
    filled = Reproduction(steps=["Open it"], expected="Unknown", actual="Unknown", environment="Unknown")
    assert not _check("repro_present", _with_brief(brief_run, reproduction=filled)).passed


def test_an_acknowledgement_under_tried_fails(brief_run: Observation) -> None:
    bad = _with_brief(
        brief_run,
        whats_been_tried=[
            "2026-11-16, Riley (agent, ticket 701): I've shared your message with our billing team."
        ],
    )
    assert not _check("tried_actions", bad).passed


def test_an_account_slug_fails(brief_run: Observation) -> None:
    bad = _with_brief(brief_run, revenue_at_risk="$60,000 ARR; renewing soon: birchwood-dental on 2026-12-08")
    result = _check("account_names", bad)
    assert not result.passed and "Birchwood Dental" in result.evidence


def test_a_missed_promise_left_out_fails(brief_run: Observation) -> None:
    bad = _with_brief(brief_run, escalation_risk="Renewal of Birchwood Dental soon.")
    assert not _check("missed_commitments", bad).passed


def test_a_quote_cut_mid_word_or_a_stray_full_stop_fails(brief_run: Observation) -> None:
    cut = _with_brief(
        brief_run, workflow_impact="Blocked: \u201cWe cannot send invoices to our patients' insu\u201d."
    )
    assert not _check("quote_boundaries", cut).passed
    stray = _with_brief(brief_run, workflow_impact="Blocked: \u201cWe cannot send invoices.\u201d.")
    assert not _check("quote_boundaries", stray).passed


def test_a_reply_greeting_a_placeholder_or_pasting_our_title_fails(good: Observation) -> None:
    assert good.result is not None
    for reply in (
        "Hi user,\n\nThanks for the report; here is what to do next about your export.",
        f"Hello,\n\nAn update on {good.scenario.issue}: it is being worked on.",
        "Hello,\n\nNothing in our records points to a fault on our side; please send the steps.",
    ):
        handling = SupportHandling(
            summary="CSV export",
            reported_by="Support",
            date=good.scenario.now.date(),
            why=["x"],
            suggested_reply=reply,
        )
        bad = Observation(
            scenario=good.scenario,
            dataset=good.dataset,
            result=good.result.model_copy(update={"brief": None, "handling": handling}),
        )
        assert not _check("customer_wording", bad).passed, reply


def test_customer_drafts_of_an_escalation_pass(brief_run: Observation, tmp_path: Path) -> None:
    result = _check("customer_wording", brief_run)
    assert result.passed, result.evidence
