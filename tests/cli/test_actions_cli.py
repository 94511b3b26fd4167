"""The next-step flags of `brief`, and `history` and `deescalate`, through the real entry point."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from customer_escalation.skill.cli import main
from customer_escalation.skill.cli._history import parse_since
from tests.backends import command_line_history, read_command_line_workspace

ISSUE = "API returning 500 errors intermittently for Acme Corp"
PRIMARY_TICKET = "58590"


@pytest.fixture
def workspace(demo_workspace: Path) -> Path:
    return demo_workspace


def _notes(path: Path) -> int:
    ticket = read_command_line_workspace(path, lambda workspace: workspace.get_ticket(PRIMARY_TICKET))
    return sum(1 for c in ticket.comments if not c.public)


def _posts(path: Path) -> int:
    page = read_command_line_workspace(
        path, lambda workspace: workspace.search_messages("", channel="support-escalations", limit=100)
    )
    return sum(1 for m in page.items if m.author.role == "bot")


def test_a_brief_is_recorded_and_its_next_steps_are_previews_until_executed(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = _notes(workspace)
    code = main(["brief", ISSUE, "--post-to", "#support-escalations", "--add-note", "--draft-update"])
    out, err = capsys.readouterr()
    assert code == 0
    assert out.startswith("## ESCALATION:")
    assert "recorded as ESC-1 in the escalation history" in err
    assert err.count("[preview]") == 3
    assert "| *ESCALATION:" in err and "| Hi Priya," in err
    assert "run the same command with --execute" in err
    assert (_notes(workspace), _posts(workspace)) == (notes, 0)


def test_execute_carries_the_steps_out_once_and_running_again_skips_them(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = _notes(workspace)
    flags = ["--post-to", "support-escalations", "--create-issue", "--add-note", "--remind", "--execute"]
    assert main(["brief", ISSUE, *flags]) == 0
    first = capsys.readouterr().err
    assert "[done] chat post to support-escalations" in first
    assert "[linked] tracker issue in ENG: linked to ENG-3412" in first
    assert "[done] follow-up reminders: scheduled 3 reminders" in first
    assert main(["brief", ISSUE, *flags]) == 0
    second = capsys.readouterr().err
    assert second.count("[skipped]") == 4
    assert "brief 2 of this escalation" in second
    assert (_notes(workspace), _posts(workspace)) == (notes + 1, 1)


def test_json_output_carries_the_escalation_id_and_the_action_results(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["brief", ISSUE, "--json", "--add-note"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["escalation_id"] == "ESC-1"
    (action,) = data["actions"]
    assert action["status"] == "preview"
    assert action["result"]["kind"] == "internal_note" and action["result"]["target"] == PRIMARY_TICKET


def test_a_channel_off_the_allowlist_is_refused_naming_the_setting_and_exits_1(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["brief", ISSUE, "--post-to", "#eng-incidents", "--execute"]) == 1
    err = capsys.readouterr().err
    assert "[REFUSED] chat post to #eng-incidents" in err
    assert "CUSTOMER_ESCALATION_WRITE_CHANNELS" in err


def test_read_only_mode_refuses_every_step_naming_the_setting(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CUSTOMER_ESCALATION_READ_ONLY", "true")
    notes = _notes(workspace)
    assert main(["brief", ISSUE, "--add-note", "--remind", "--execute"]) == 1
    err = capsys.readouterr().err
    assert err.count("CUSTOMER_ESCALATION_READ_ONLY=true") == 2
    assert _notes(workspace) == notes


def test_a_failed_tracker_step_after_a_post_exits_1_and_running_again_completes_only_it(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    flags = ["--post-to", "support-escalations", "--create-issue", "ENG", "--execute"]
    monkeypatch.setenv("CUSTOMER_ESCALATION_TRACKER", "none")
    assert main(["brief", ISSUE, *flags]) == 1
    err = capsys.readouterr().err
    assert "[done] chat post" in err
    assert "[FAILED] tracker issue in ENG" in err and "CUSTOMER_ESCALATION_TRACKER=none" in err
    assert main(["history", "--json"]) == 0
    (escalation,) = json.loads(capsys.readouterr().out)["escalations"]
    assert {a["kind"]: a["state"] for a in escalation["actions"]} == {
        "chat_post": "done",
        "tracker_issue": "failed",
    }

    monkeypatch.delenv("CUSTOMER_ESCALATION_TRACKER")
    assert main(["brief", ISSUE, *flags]) == 0
    err = capsys.readouterr().err
    assert "[skipped] chat post" in err and "[linked] tracker issue in ENG" in err
    assert _posts(workspace) == 1


def test_history_lists_escalations_with_their_actions_and_followups(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["brief", ISSUE, "--remind", "--post-to", "support-escalations", "--execute"])
    capsys.readouterr()
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ESC-1  open  escalated  High  Engineering")
    assert "done         chat_post to support-escalations" in out
    assert "key ce-" in out
    assert "follow-ups:" in out and "pending   internal (every 4 hours)" in out
    assert main(["history", "ESC-1"]) == 0
    assert "## ESCALATION:" in capsys.readouterr().out
    assert main(["history", "--since", "2099-01-01"]) == 0
    assert "No escalations recorded since 2099-01-01." in capsys.readouterr().out


def test_history_without_a_workspace_says_so_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "none.sqlite"
    monkeypatch.setenv("CUSTOMER_ESCALATION_WORKSPACE", str(path))
    assert main(["history"]) == 0
    assert "No escalations recorded yet." in capsys.readouterr().out
    assert not path.exists()


def test_deescalate_records_the_reason_prints_the_drafts_and_posts_them_only_when_executed(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["brief", ISSUE, "--post-to", "support-escalations", "--remind", "--execute"])
    capsys.readouterr()
    reason = "workaround confirmed: batches of 100 events"
    assert main(["deescalate", "ESC-1", "--reason", reason]) == 0
    out, err = capsys.readouterr()
    for heading in ("## Note to the team", "## Ticket update", "## Customer message", "## Learning"):
        assert heading in out
    assert "ESC-1 is de-escalated" in out and reason in out
    assert err.count("[preview]") == 3
    assert _posts(workspace) == 1

    notes = _notes(workspace)
    assert main(["deescalate", "esc-1", "--reason", reason, "--execute"]) == 0
    assert capsys.readouterr().err.count("[done]") == 3
    assert (_posts(workspace), _notes(workspace)) == (2, notes + 2)
    with command_line_history(workspace) as history:
        entry = history.escalation("ESC-1")
        assert (entry.status, entry.status_reason) == ("deescalated", reason)
        assert {f.status for f in history.followups(escalation_id="ESC-1")} == {"cancelled"}


def test_deescalating_an_unknown_escalation_exits_1(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["brief", ISSUE])
    capsys.readouterr()
    assert main(["deescalate", "ESC-9", "--reason", "duplicate"]) == 1
    assert "no escalation ESC-9" in capsys.readouterr().err


def test_a_new_brief_after_deescalation_starts_a_new_escalation_not_yet_recurring(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # recurring means it came back: the same records read again, with no report since ESC-1, are not a
    # recurrence (a report after it is; see the policy tests)
    main(["brief", ISSUE])
    main(["deescalate", "ESC-1", "--reason", "workaround"])
    capsys.readouterr()
    assert main(["brief", ISSUE, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["escalation_id"] == "ESC-2"
    rules = {c["rule"]: c["reason"] for c in data["assessment"]["criteria_met"]}
    assert "escalated before as ESC-1" not in rules.get("recurring", "")


@pytest.mark.parametrize(
    "argv",
    [
        ["brief", ISSUE, "--execute"],
        ["brief", ISSUE, "--post-to", "x", "--server", "http://127.0.0.1:1/mcp"],
        ["deescalate", "ESC-1", "--reason", " "],
        ["history", "--since", "yesterday-ish"],
    ],
)
def test_usage_mistakes_exit_2_without_doing_anything(
    workspace: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("customer-escalation:")


def test_since_takes_durations_dates_and_times() -> None:
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert parse_since("24h", now) == now - timedelta(hours=24)
    assert parse_since("2w", now) == now - timedelta(weeks=2)
    assert parse_since("2026-11-19", now) == datetime(2026, 11, 19, tzinfo=UTC)
    assert parse_since("2026-11-19T08:30:00+01:00", now) == datetime(2026, 11, 19, 7, 30, tzinfo=UTC)
