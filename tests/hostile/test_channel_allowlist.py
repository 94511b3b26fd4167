"""`--post-to` with the channel written as people write it: another case, a leading `#`, or the
channel's id. The allowlist and the post agree on which channel that is, and it is posted once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.skill.cli import main
from tests.contract.dataset import CONTRACT_DATASET, NOW

ISSUE = "Webhooks failing with 502 for Northwind"
ESCALATIONS_ID = "C100"
"""The id of #support-escalations in the contract dataset."""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "w.sqlite"
    LocalWorkspace.create(path, CONTRACT_DATASET, clock=lambda: NOW).close()
    return path


def _posts(workspace: Path, channel_id: str) -> int:
    """Messages posted to the channel beyond the dataset's own."""
    seeded = sum(1 for m in CONTRACT_DATASET.messages if m.channel_id == channel_id)
    with sqlite3.connect(workspace) as conn:
        (count,) = conn.execute(
            "SELECT count(*) FROM messages WHERE channel_id = ?", (channel_id,)
        ).fetchone()
    return int(count) - seeded


def _post(workspace: Path, channel: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(
        [
            "brief",
            ISSUE,
            "--model",
            "offline",
            "--workspace",
            str(workspace),
            "--post-to",
            channel,
            "--execute",
        ]
    )
    return code, capsys.readouterr().err


@pytest.mark.parametrize("allowed", ["support-escalations", "#Support-Escalations", ESCALATIONS_ID])
@pytest.mark.parametrize("typed", ["Support-Escalations", "#SUPPORT-ESCALATIONS", ESCALATIONS_ID])
def test_the_allowed_channel_in_any_case_or_by_id_is_posted_to(
    workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    allowed: str,
    typed: str,
) -> None:
    monkeypatch.setenv("CUSTOMER_ESCALATION_WRITE_CHANNELS", allowed)
    code, err = _post(workspace, typed, capsys)
    assert code == 0, err
    assert "[done] chat post" in err
    assert _posts(workspace, ESCALATIONS_ID) == 1


def test_the_same_channel_typed_three_ways_is_posted_once(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CUSTOMER_ESCALATION_WRITE_CHANNELS", "support-escalations")
    results = [
        _post(workspace, typed, capsys) for typed in ("C100", "#Support-Escalations", "support-escalations")
    ]
    assert [code for code, _ in results] == [0, 0, 0]
    assert "[done]" in results[0][1]
    assert all("[skipped]" in err for _, err in results[1:])
    assert _posts(workspace, ESCALATIONS_ID) == 1


@pytest.mark.parametrize("typed", ["C200", "ext-northwind", "#EXT-NORTHWIND"])
def test_another_channel_by_id_or_name_is_still_refused(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typed: str
) -> None:
    monkeypatch.setenv("CUSTOMER_ESCALATION_WRITE_CHANNELS", "support-escalations")
    code, err = _post(workspace, typed, capsys)
    assert code == 1
    assert "[REFUSED]" in err
    assert _posts(workspace, "C200") == 0
