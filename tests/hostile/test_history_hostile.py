"""The escalation history against what happens between runs and what users type: a related ticket
arriving, the issue reworded, a case handled in support, read-only mode, absurd `--since` values and
a closed pipe."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from customer_escalation.skill.cli import main
from tests.backends import command_line_history, read_command_line_workspace

ISSUE = "API returning 500 errors intermittently for Acme Corp"
REWORDED = "Acme Corp sees intermittent HTTP 500 errors from the events batch API"
HANDLED = "Webhook signature verification failing for Orchid Retail"
PRIMARY_TICKET = "58590"
REPOSITORY = Path(__file__).resolve().parents[2]
FLAGS = ["--post-to", "support-escalations", "--add-note", "--execute", "--model", "offline"]


@pytest.fixture
def workspace(demo_workspace: Path) -> Path:
    return demo_workspace


def _writes(path: Path) -> tuple[int, int]:
    """(internal notes by the product on the primary ticket, bot posts in #support-escalations)."""
    ticket = read_command_line_workspace(path, lambda workspace: workspace.get_ticket(PRIMARY_TICKET))
    page = read_command_line_workspace(
        path, lambda workspace: workspace.search_messages("", channel="support-escalations", limit=100)
    )
    notes = sum(1 for c in ticket.comments if c.author.name == "customer-escalation")
    return notes, sum(1 for m in page.items if m.author.role == "bot")


def _escalations(path: Path) -> list[tuple[str, str, str]]:
    with command_line_history(path) as history:
        return [(e.id, e.status, e.decision) for e in history.escalations()]


def test_a_related_ticket_or_a_rewording_updates_the_escalation_and_writes_nothing_twice(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["brief", ISSUE, *FLAGS]) == 0
    assert "recorded as ESC-1" in capsys.readouterr().err
    assert _writes(workspace) == (1, 1)

    new_ticket = tmp_path / "new.csv"
    new_ticket.write_text(
        "id,subject,description,created_at,status,organization\n"
        "70001,500 Internal Server Error on POST /v2/events/batch again,"
        "Batch API returning 500 errors intermittently since this morning,"
        f"{datetime.now(UTC).isoformat()},open,Acme Corp\n"
    )
    assert main(["workspace", "import", str(new_ticket), "--format", "csv"]) == 0
    capsys.readouterr()

    for issue in (ISSUE, REWORDED):
        assert main(["brief", issue, *FLAGS]) == 0
        err = capsys.readouterr().err
        assert "recorded as ESC-1" in err, err
        assert "[done]" not in err, err
    assert _writes(workspace) == (1, 1)
    assert [e[0] for e in _escalations(workspace)] == ["ESC-1"]


def test_a_case_handled_in_support_is_recorded_closed_and_does_not_count_as_recurring(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["brief", HANDLED, "--model", "offline"]) == 3
    assert main(["brief", HANDLED, "--model", "offline"]) == 3
    with command_line_history(workspace) as history:
        (entry,) = history.escalations()
        assert (entry.status, entry.decision, entry.runs) == ("closed", "handle_in_support", 2)
        assert entry.status_reason and "handled in support" in entry.status_reason
        assert history.escalations(status=("open",)) == ()


def test_deescalate_in_read_only_mode_changes_nothing(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["brief", ISSUE, "--model", "offline"]) == 0
    monkeypatch.setenv("CUSTOMER_ESCALATION_READ_ONLY", "true")
    capsys.readouterr()
    assert main(["deescalate", "ESC-1", "--reason", "fixed"]) == 1
    err = capsys.readouterr().err
    assert "CUSTOMER_ESCALATION_READ_ONLY" in err and "Traceback" not in err
    assert _escalations(workspace) == [("ESC-1", "open", "escalate")]


@pytest.mark.parametrize("since", ["99999999d", "999999999999w", "100000000000m", "9999-12-31", "0001-01-01"])
def test_history_since_any_value_is_an_answer_or_a_usage_error(
    since: str, workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["brief", ISSUE, "--model", "offline"]) == 0
    capsys.readouterr()
    code = main(["history", "--since", since])
    err = capsys.readouterr().err
    assert code in {0, 2}, err
    assert "Traceback" not in err


def test_history_whose_reader_goes_away_ends_quietly(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`history | head`: the reader closes the pipe; here it is closed before the first line is written."""
    for issue in (ISSUE, HANDLED):
        main(["brief", issue, "--model", "offline"])
    capsys.readouterr()
    process = subprocess.Popen(
        [sys.executable, "-m", "customer_escalation", "history"],
        cwd=REPOSITORY,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(timeout=120)
    assert "BrokenPipeError" not in err and "Traceback" not in err, err
    assert "Exception ignored" not in err, err
