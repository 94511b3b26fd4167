"""``customer-escalation workspace migrate --to postgresql://...``: the workspace and its history move
into PostgreSQL, and the commands then read them there."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.local.history_store import SqliteHistoryStore
from customer_escalation.connectors.records import Ref, Reminder
from customer_escalation.skill.cli import main
from tests.postgres import fresh_schema


def _with_history(path: Path) -> None:
    with SqliteHistoryStore.open(path, create=False) as history:
        first = history.record_escalation(fingerprint="fp-1", issue="Webhooks failing", ticket_ids=("101",))
        second = history.record_escalation(fingerprint="fp-2", issue="SSO loop", account_ids=("acme",))
        history.claim(
            "post-1",
            escalation_id=second.id,
            kind="chat_post",
            target="#ops",
            token="t",
            stale_after=timedelta(minutes=5),
        )
        history.complete("post-1", token="t", outcome="executed", ref=Ref(system="local", id="m-1"))
        history.add_followups(
            first.id, "fu-1", [Reminder(kind="internal", due_at=history.now(), note="check")]
        )


def test_migrate_copies_the_workspace_and_its_history_and_the_commands_then_read_the_database(
    demo_workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_history(demo_workspace)
    with LocalWorkspace.open(demo_workspace, create_demo=False) as workspace:
        tickets = workspace.stats().counts["tickets"]

    with fresh_schema() as url:
        assert main(["workspace", "migrate", "--to", url]) == 0
        out = capsys.readouterr().out
        assert "every count matches" in out
        counted = {line.split()[0]: int(line.split()[1].replace(",", "")) for line in out.splitlines()[1:]}
        assert counted["tickets"] == tickets
        assert (counted["escalations"], counted["actions"], counted["followups"]) == (2, 1, 1)
        assert url.split("@")[0].rsplit(":", 1)[-1] not in out  # the password is never printed

        assert main(["workspace", "migrate", "--to", url]) == 1
        assert "already holds" in capsys.readouterr().err

        monkeypatch.setenv("CUSTOMER_ESCALATION_DATABASE_URL", url)
        assert main(["history", "--json"]) == 0
        listed = json.loads(capsys.readouterr().out)["escalations"]
        assert [e["id"] for e in listed] == ["ESC-2", "ESC-1"]
        by_id = {e["id"]: e for e in listed}
        assert [a["state"] for a in by_id["ESC-2"]["actions"]] == ["done"]
        assert [f["note"] for f in by_id["ESC-1"]["followups"]] == ["check"]


def test_migrate_needs_a_postgresql_url(demo_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["workspace", "migrate", "--to", "mysql://db/x"]) == 2
    assert "postgresql://" in capsys.readouterr().err
