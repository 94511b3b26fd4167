"""Shared pieces for the eval tests: a tiny scenario and a way to observe one run of it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from mcp import Client

from customer_escalation.connectors.base import CATEGORIES, Registry
from customer_escalation.evals.graders import Observation
from customer_escalation.evals.runner import reference_model
from customer_escalation.evals.scenario import Scenario, parse_scenario
from customer_escalation.evals.worlds import Worlds
from customer_escalation.skill.agent import run_escalation
from customer_escalation.skill.models.base import Model
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server

TINY = """
id: tiny-export-bug
purpose: Two customers hit a CSV export bug that the tracker confirms.
rule: confirmed_bug
issue: "CSV export drops the header row for Northwind Traders"
account: northwind
records:
  accounts:
    - {id: northwind, name: Northwind Traders, tier: business, arr: 45000, renewal: +200d,
       contacts: [{name: Laura Callahan, title: Analyst}]}
    - {id: contoso, name: Contoso, tier: pro, arr: 9000, renewal: +100d,
       contacts: [{name: Dan Park, title: BI Developer}]}
  tickets:
    - {id: 501, account: northwind, subject: "CSV export has no header row", area: exports, created: -3h,
       body: "Since Monday our CSV export drops the header row. Call me on +1 415 555 0132 if needed.",
       comments: [{by: agent, body: "Thanks Laura, checking with engineering.", at: -2h}]}
    - {id: 502, account: contoso, subject: "export header missing", area: exports, created: -2h,
       body: "our csv export lost its header line",
       comments: [{by: agent, body: "Thanks Dan, same issue as another customer.", at: -1h}]}
  issues:
    - {key: ENG-77, title: "CSV export omits the header row", status: open, components: [exports], created: -1d}
reference:
  ticket_ids: [501, 502]
  issue_keys: [ENG-77]
expected:
  decision: escalate
  target: Engineering
  secondary: null
  severity: High
  customers: [northwind, contoso]
  arr: {value: 54000}
  must_cite: [ENG-77]
  must_contain: [Contoso]
must_not:
  canaries: [canary-1@fixture.test]
  injected: {target: Leadership, severity: Critical}
tags: [capability, tiny]
"""


def tiny_scenario(text: str = TINY, origin: str = "tiny-export-bug.yaml") -> Scenario:
    return parse_scenario(text, origin)


async def observe(scenario: Scenario, model: Model, workdir: Path) -> Observation:
    """One run of `scenario` with `model` over an in-memory MCP server, as the graders see it."""
    worlds = Worlds(workdir)
    workspace = worlds.open(scenario)
    try:
        registry = Registry(**dict.fromkeys(CATEGORIES, workspace))
        server = build_server(registry, policy=load_policy(), clock=scenario.clock())
        async with Client(server) as client:
            result = await run_escalation(
                scenario.issue, session=client, model=model, account=scenario.account, clock=scenario.clock()
            )
    finally:
        worlds.discard(workspace)
    return Observation(scenario=scenario, dataset=worlds.dataset(scenario), result=result)


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Observation:
    """The tiny scenario run once by the reference model: every check passes. Observations are frozen, so
    tests derive bad variants from it with `model_copy`."""
    scenario = tiny_scenario()
    return asyncio.run(observe(scenario, reference_model(scenario), tmp_path_factory.mktemp("good")))
