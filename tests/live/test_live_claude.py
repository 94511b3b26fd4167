"""Smoke test against the real Messages API: two scenarios, one that escalates and one that stays in support.

Runs only when ANTHROPIC_API_KEY is set (it is read before the test-wide fixture clears the
environment) and is marked `live`, which the default test run deselects (and CI has no key). Run it with
``ANTHROPIC_API_KEY=... pytest -m live tests/live``; the traffic is recorded (without the key) under the
test's temporary folder, a starting point for new replay fixtures.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from customer_escalation.evals.runner import run_trial
from customer_escalation.evals.scenario import load_scenarios
from customer_escalation.evals.worlds import Worlds
from customer_escalation.skill.models.anthropic import ClaudeModel
from customer_escalation.skill.models.catalog import DEFAULT_MODEL
from customer_escalation.skill.models.recording import anthropic_client
from customer_escalation.skill.policy_config import load_policy

_KEY = os.environ.get("ANTHROPIC_API_KEY")

pytestmark = [
    pytest.mark.live,
    pytest.mark.anyio,
    pytest.mark.skipif(not _KEY, reason="needs ANTHROPIC_API_KEY (a live call to the Messages API)"),
]


@pytest.mark.parametrize(
    ("scenario_id", "decision"), [("spec-api-500s", "escalate"), ("demo-how-to-api-key", "handle_in_support")]
)
async def test_claude_reaches_the_expected_decision(
    scenario_id: str, decision: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("customer_escalation.skill.models.anthropic.ALLOW_MODEL_REQUESTS", True)
    (scenario,) = load_scenarios(tags=[scenario_id])
    recording = tmp_path / f"{scenario_id}.jsonl"
    client = anthropic_client(_KEY, record=recording)
    worlds = Worlds(tmp_path / "worlds")
    try:
        record = await run_trial(
            scenario,
            1,
            worlds=worlds,
            model=ClaudeModel(model=DEFAULT_MODEL, client=client),
            policy=load_policy(),
        )
    finally:
        worlds.close()
        await client.close()
    assert record.error is None, record.error
    assert record.decision == decision
    assert record.usage.requests >= 2
    assert record.usage.cost_usd > 0
    assert _KEY is not None and _KEY not in recording.read_text(encoding="utf-8")
