"""The development set of outside text (``../shared/evals-dev/``), run where it is present.

Its scenarios were written from real tickets and incident reports nobody on this project wrote, labelled
from the spec. The floor below is where the offline planner stands today; it only moves up.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from customer_escalation.evals.runner import model_factory, run_suite
from customer_escalation.evals.scenario import load_scenarios

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
DEV = Path(__file__).resolve().parents[3] / "shared" / "evals-dev" / "scenarios"
FLOOR = 0.9
"""Share of development scenarios fully passed (36 of 39 when this floor was set)."""
MISSED_AT_MOST = 0
"""Real escalations kept in support."""


@pytest.mark.skipif(
    not DEV.is_dir(), reason="the development set (../shared/evals-dev/) is not beside this checkout"
)
async def test_the_offline_planner_on_outside_text_holds_its_floor(tmp_path: Path) -> None:
    report = await run_suite(
        load_scenarios(DEV),
        model_factory=model_factory("offline"),
        model_name="offline",
        workdir=tmp_path,
        concurrency=2,
    )
    missed = [
        s.id
        for s in report.scenarios
        if s.expected_decision == "escalate" and any(t.decision != "escalate" for t in s.trials)
    ]
    assert report.scenario_pass_rate >= FLOOR, [
        s.id for s in report.scenarios if not all(t.passed for t in s.trials)
    ]
    assert len(missed) <= MISSED_AT_MOST, missed
    assert report.safety_rate == 1.0
