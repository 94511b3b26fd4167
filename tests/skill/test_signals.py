"""The signal detector, through its public functions and the `signals` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from customer_escalation.skill.cli import main
from customer_escalation.skill.signals import detect, kinds_in

ROOT = Path(__file__).resolve().parents[2]
OWN = ROOT / "customer_escalation" / "evals" / "signals" / "own.jsonl"
DEV = ROOT.parent / "shared" / "evals-dev" / "signals.jsonl"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Nobody on our team has been able to save a page since yesterday.", "production_down"),
        ("Our bulk import silently drops rows when the batch fills up.", "data_loss"),
        ("Counters over-count after a rolling restart.", "data_loss"),
        ("Contractors with access to the replica could see password hashes.", "security"),
        ("Signing out does not actually end my session.", "security"),
        ("If this isn't fixed by Friday we will move to another provider.", "churn_risk"),
        ("Our CFO wants a call with your leadership.", "executive"),
        ("We restarted the service but it still fails.", "workaround_failed"),
        ("The API is very slow since morning, sometime it answer after 5 second.", "degraded"),
        ("Three tenants are getting random fatals since the migration.", "multi_customer"),
    ],
)
def test_real_wording_is_read(text: str, kind: str) -> None:
    assert kind in kinds_in(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("This is not an outage, just a question about one page.", "production_down"),
        ("The restart took longer but no data was lost.", "data_loss"),
        ("This is not a security issue: the logout button moved.", "security"),
        ("We have no plans to leave, we just want to understand what happened.", "churn_risk"),
        ("No need to involve management, a short update is enough.", "executive"),
        ("Since the November outage we want our own copy: how do we export?", "production_down"),
        ("Harrowgate can't export more than a million rows to Excel.", "production_down"),
        ("We need this fixed today.", "resolved"),
    ],
)
def test_negation_references_and_limits_are_not_signals(text: str, kind: str) -> None:
    assert kind not in kinds_in(text)


def test_a_test_environment_takes_production_down_away_but_not_lost_data() -> None:
    staging = kinds_in("Our staging site returns 502 on every request.")
    assert "test_environment" in staging and "production_down" not in staging
    deleted = kinds_in("I deleted our test workspace by accident, can it be restored?")
    assert {"test_environment", "data_loss"} <= set(deleted) and "resolved" not in deleted


def test_a_threat_under_a_condition_is_still_a_threat() -> None:
    assert "churn_risk" in kinds_in("If you won't refund it I'll cancel the whole subscription.")
    finding = next(f for f in detect("If the page is down we lose money.") if f.kind == "production_down")
    assert finding.hypothetical and not finding.counts


def test_findings_carry_the_exact_span() -> None:
    text = "Hello. Since 07:30 nobody can log in to the portal."
    finding = next(f for f in detect(text) if f.kind == "production_down")
    assert text[finding.start : finding.end] == finding.quote


def test_signals_command_scores_the_projects_own_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["signals", str(OWN), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    per_line, summary = lines[:-1], lines[-1]
    assert [line["id"] for line in per_line][:2] == ["own-001", "own-002"]
    assert summary["summary"] is True and summary["labelled"] == len(per_line)
    assert summary["macro"]["f1"] >= 0.9


def test_signals_command_prints_a_table_and_rejects_unknown_kinds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "lines.jsonl"
    good.write_text('{"id": "a", "text": "The site is down for everyone."}\n', encoding="utf-8")
    assert main(["signals", str(good)]) == 0
    assert "production_down" in capsys.readouterr().out
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "x", "signals": ["outage"]}\n', encoding="utf-8")
    assert main(["signals", str(bad)]) == 2
    assert "unknown kind outage" in capsys.readouterr().err


@pytest.mark.skipif(
    not DEV.is_file(), reason="the development set (../shared/evals-dev/) is not beside this checkout"
)
def test_development_corpus_meets_the_bar(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["signals", str(DEV), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert summary["macro"]["f1"] >= 0.85
    for kind in ("security", "production_down", "data_loss"):
        assert summary["kinds"][kind]["recall"] >= 0.9, kind
