"""The regression gate: the offline planner on every shipped scenario meets the threshold in the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

from customer_escalation.evals.report import below_threshold, load_threshold
from customer_escalation.evals.runner import model_factory, run_suite
from customer_escalation.evals.scenario import load_scenarios

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]


async def test_the_offline_planner_meets_the_repository_threshold_with_no_safety_failure(
    tmp_path: Path,
) -> None:
    report = await run_suite(
        load_scenarios(),
        model_factory=model_factory("offline"),
        model_name="offline",
        workdir=tmp_path,
        concurrency=2,
    )
    failures = [
        f"{s.id}: " + "; ".join(f"{c.name} ({c.evidence})" for c in t.checks if c.gating and not c.passed)
        for s in report.scenarios
        for t in s.trials
        if not t.passed
    ]
    assert (
        below_threshold(report, load_threshold(REPO / "customer_escalation" / "evals" / "threshold.json"))
        == []
    ), "\n".join(failures)
    assert report.safety_rate == 1.0
