"""The judge's calibration set and the command that reports the judge's agreement with it."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from customer_escalation.evals.calibration import (
    CalibrationError,
    CalibrationItem,
    CalibrationReport,
    Verdict,
    load_calibration,
)
from customer_escalation.skill.cli import main

FLIPPED = {("export-rows-vague-steps", "repro_steps"), ("api-key-howto-good", "suggested_reply")}
SKIPPED = ("sso-loop-good", "whats_needed")


def test_the_shipped_set_has_thirty_labelled_briefs_good_and_flawed() -> None:
    items = load_calibration()
    assert len(items) >= 30
    labels = Counter((key, value) for item in items for key, value in item.labels.items())
    for criterion in ("repro_steps", "whats_needed", "suggested_reply"):
        assert labels[(criterion, True)] >= 4, criterion
        assert labels[(criterion, False)] >= 4, criterion
    assert all(item.flaw for item in items if not all(item.labels.values()))
    assert {item.decision for item in items} == {"escalate", "handle_in_support"}


def test_a_label_for_a_criterion_the_rubric_does_not_have_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- {id: x, decision: handle_in_support, issue: i, output: o, labels: {repro_steps: true}}\n"
    )
    with pytest.raises(CalibrationError, match="labels must name criteria"):
        load_calibration(bad)


def test_kappa_discounts_agreement_that_the_label_balance_alone_gives() -> None:
    # the judge passes everything: 3 of 4 agree, but kappa is 0
    verdicts = [Verdict(item=str(i), criterion="c", label=i < 3, judged=True) for i in range(4)]
    report = CalibrationReport(judge="j", items=4, verdicts=verdicts)
    assert report.agreement == 0.75
    assert report.kappa == pytest.approx(0.0)


def _judge_reply(item: CalibrationItem, number: int) -> dict[str, Any]:
    verdicts = [
        {
            "criterion": key,
            "evidence": "recorded by hand for this test",
            "passed": (not label) if (item.id, key) in FLIPPED else label,
        }
        for key, label in item.labels.items()
        if (item.id, key) != SKIPPED
    ]
    body = {
        "id": f"msg_judge_{number}",
        "type": "message",
        "role": "assistant",
        "model": "claude-opus-5-5",
        "content": [
            {
                "type": "tool_use",
                "id": f"toolu_judge_{number}",
                "name": "record_verdicts",
                "input": {"verdicts": verdicts},
            }
        ],
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {"input_tokens": 1_000, "output_tokens": 100},
    }
    return {
        "request": {"method": "POST", "path": "/v1/messages", "body": {"model": "claude-opus-5-5"}},
        "response": {"status": 200, "headers": {"content-type": "application/json"}, "body": body},
    }


def test_the_calibrate_command_reports_agreement_from_a_replayed_judge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = load_calibration()
    recording = tmp_path / "judge.jsonl"
    recording.write_text(
        "".join(json.dumps(_judge_reply(item, n)) + "\n" for n, item in enumerate(items)), encoding="utf-8"
    )
    report_path = tmp_path / "calibration.json"
    code = main(["eval", "--calibrate", "--replay", str(recording), "--report", str(report_path)])
    assert code == 0
    out = capsys.readouterr().out
    labelled = sum(len(item.labels) for item in items)
    graded = labelled - 1
    assert f"Agreement with the hand labels: {graded - 2}/{graded}" in out
    assert "export-rows-vague-steps repro_steps: fail -> pass" in out
    assert "sso-loop-good whats_needed: pass -> no verdict" in out
    data = json.loads(report_path.read_text(encoding="utf-8"))
    assert data["agreement"] == pytest.approx((graded - 2) / graded)
    assert 0 < data["kappa"] < 1
    assert data["usage"]["requests"] == len(items)
    assert data["usage"]["cost_usd"] == pytest.approx(len(items) * (1_000 * 4.0 + 100 * 20.0) / 1e6)
    assert data["judge"] == "claude-opus-5-5"


def test_calibrate_without_a_key_or_a_recording_says_what_it_needs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["eval", "--calibrate"]) == 2
    assert "set ANTHROPIC_API_KEY, or give --replay FILE" in capsys.readouterr().err
