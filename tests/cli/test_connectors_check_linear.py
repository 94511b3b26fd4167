"""`customer-escalation connectors check` with Linear as the tracker: one line per problem, no secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.skill.cli import main
from tests.contract.dataset import CONTRACT_DATASET, NOW

KEY = "lin_api_CliCheckSecret0123456789abcdefghij"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "w.sqlite"
    LocalWorkspace.create(path, CONTRACT_DATASET, clock=lambda: NOW).close()
    monkeypatch.setenv("CUSTOMER_ESCALATION_WORKSPACE", str(path))
    monkeypatch.setenv("CUSTOMER_ESCALATION_TRACKER", "linear")
    return path


def _tracker_line(out: str) -> str:
    [line] = [line for line in out.splitlines() if line.startswith("project tracker")]
    return line


def test_missing_and_malformed_variables_are_one_line(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LINEAR_TEAMS", "ENG,??")
    monkeypatch.setenv("LINEAR_ACCOUNT_URL", "ftp://crm.example/{id}")
    assert main(["connectors", "check"]) == 1
    line = _tracker_line(capsys.readouterr().out)
    assert "linear" in line and "misconfigured" in line
    assert "LINEAR_TEAMS" in line and "LINEAR_ACCOUNT_URL" in line and "LINEAR_API_KEY" in line
    assert "crm.example" not in line


def test_a_malformed_key_is_reported_without_printing_it(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LINEAR_API_KEY", f"Bearer {KEY}")
    assert main(["connectors", "check", "--json"]) == 1
    out = capsys.readouterr().out
    assert KEY not in out
    assert '"status": "misconfigured"' in out and "LINEAR_API_KEY" in out


def test_an_unreachable_api_is_reported_without_printing_the_key(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LINEAR_API_KEY", KEY)
    monkeypatch.setenv("LINEAR_BASE_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    assert main(["connectors", "check"]) == 1
    captured = capsys.readouterr()
    line = _tracker_line(captured.out)
    assert "unreachable" in line and "linear" in line
    assert KEY not in captured.out + captured.err
