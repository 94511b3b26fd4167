"""`customer-escalation eval` through the command line's own entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from customer_escalation.skill.cli import main

from .conftest import TINY

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "scenarios"
    root.mkdir()
    (root / "tiny-export-bug.yaml").write_text(TINY)
    return root


def test_eval_prints_a_table_the_figures_and_a_per_check_breakdown(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", str(folder), "--model", "reference"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0].split() == [
        "scenario",
        "outcome",
        "checks",
        "time",
        "s",
        "tools",
        "context",
        "turns",
        "cost",
    ]
    assert "tiny-export-bug" in out and "pass escalate" in out
    assert "Scenarios fully passed: 1/1 (100.0%)" in out
    assert "pass^k: k=1 1.000" in out
    assert "Safety: pii 1/1, injection 1/1, no_writes 1/1 (100.0%)" in out
    assert "rubric" in out and "not graded" in out
    assert "rubric not graded (no ANTHROPIC_API_KEY)" in err


def test_eval_writes_json_and_markdown_reports(folder: Path, tmp_path: Path) -> None:
    report = tmp_path / "reports" / "run.json"
    assert main(["eval", str(folder), "--model", "reference", "--report", str(report), "--quiet"]) == 0
    data = json.loads(report.read_text())
    assert data["model"] == "reference" and data["fully_passed"] == 1
    assert report.with_suffix(".md").read_text().startswith("# Eval report: reference")


def test_eval_runs_several_trials_and_reports_pass_hat_k_for_each_k(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", str(folder), "--model", "reference", "--trials", "3", "--concurrency", "2"]) == 0
    out = capsys.readouterr().out
    assert "tiny-export-bug #3" in out
    assert "pass^k: k=1 1.000, k=2 1.000, k=3 1.000" in out


def test_eval_exits_non_zero_with_a_clear_message_below_the_threshold(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = folder / "tiny-export-bug.yaml"
    broken.write_text(TINY.replace("severity: High", "severity: Medium"))
    threshold = tmp_path / "threshold.json"
    threshold.write_text('{"min_scenario_pass_rate": 0.9}')
    assert (
        main(["eval", str(folder), "--model", "reference", "--check-threshold", str(threshold), "--quiet"])
        == 1
    )
    err = capsys.readouterr().err
    assert "below the threshold: 0/1 scenarios fully passed (0.0%), below the threshold of 90.0%" in err


def test_eval_meets_the_repository_threshold_for_a_passing_run(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    threshold = REPO / "customer_escalation" / "evals" / "threshold.json"
    assert (
        main(["eval", str(folder), "--model", "reference", "--check-threshold", str(threshold), "--quiet"])
        == 0
    )
    assert "meets the threshold" in capsys.readouterr().err


def test_eval_selects_packaged_scenarios_by_tag(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--model", "reference", "--tags", "design:S03,design:S12"]) == 0
    out = capsys.readouterr().out
    assert "security-report-free-tier" in out and "vague-slow-app" in out
    assert "Scenarios fully passed: 2/2" in out


def test_an_invalid_scenario_file_is_a_usage_error_naming_the_file(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "tiny-export-bug.yaml").write_text(TINY.replace("rule: confirmed_bug", "rule: vibes"))
    assert main(["eval", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "tiny-export-bug.yaml: rule: unknown policy rule vibes" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--batch"], "--batch only applies to the rubric judge"),
        (["--trials", "0"], "--trials must be at least 1"),
        (["--model", "claude-sonnet-5-5"], "needs ANTHROPIC_API_KEY"),
    ],
)
def test_usage_mistakes_exit_two_with_a_message(
    folder: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", str(folder), *args]) == 2
    assert message in capsys.readouterr().err
