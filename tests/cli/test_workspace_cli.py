"""``customer-escalation workspace``: init, stats, import and generate through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.settings import default_workspace_path
from customer_escalation.skill.cli import main

EXPORT = {
    "tickets": [
        {
            "id": 4401,
            "subject": "Export missing rows",
            "description": "The CSV export lacks yesterday's rows.",
            "status": "open",
            "priority": "high",
            "requester_id": 1,
            "organization_id": 77,
            "created_at": "2026-11-18T10:00:00Z",
            "updated_at": "2026-11-19T10:00:00Z",
        }
    ],
    "users": [{"id": 1, "name": "Ana Lee", "email": "ana@contoso.example", "role": "end-user"}],
    "organizations": [{"id": 77, "name": "Contoso Pharma", "domain_names": ["contoso.example"]}],
}


def _counts(path: Path) -> dict[str, int]:
    with LocalWorkspace.open(path, create_demo=False) as workspace:
        return dict(workspace.stats().counts)


def test_init_creates_a_demo_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ws.sqlite"
    assert main(["workspace", "init", "--workspace", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"created a demo workspace at {path}" in out
    assert _counts(path)["tickets"] > 0


def test_init_refuses_an_existing_workspace_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ws.sqlite"
    assert main(["workspace", "init", "--empty", "--workspace", str(path)]) == 0
    assert main(["workspace", "init", "--workspace", str(path)]) == 1
    assert "already exists; use --force" in capsys.readouterr().err
    assert _counts(path)["tickets"] == 0
    assert main(["workspace", "init", "--force", "--workspace", str(path)]) == 0
    assert _counts(path)["tickets"] > 0


def test_forcing_init_keeps_refusing_while_the_file_holds_escalation_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from customer_escalation.connectors.local.history_store import SqliteHistoryStore

    path = tmp_path / "ws.sqlite"
    assert main(["workspace", "init", "--empty", "--workspace", str(path)]) == 0
    with SqliteHistoryStore.open(path) as history:
        history.record_escalation(fingerprint="fp", issue="Webhooks failing")
    capsys.readouterr()
    assert main(["workspace", "init", "--empty", "--force", "--workspace", str(path)]) == 1
    assert "--drop-history" in capsys.readouterr().err
    with SqliteHistoryStore.open(path) as history:
        assert len(history.escalations()) == 1
    assert main(["workspace", "init", "--empty", "--force", "--drop-history", "--workspace", str(path)]) == 0
    with SqliteHistoryStore.open(path) as history:
        assert history.escalations() == ()


def test_demo_and_empty_cannot_be_combined(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["workspace", "init", "--demo", "--empty", "--workspace", str(tmp_path / "ws.sqlite")])
    assert exit_info.value.code == 2


def test_stats_creates_the_demo_on_first_use_and_says_so_once(capsys: pytest.CaptureFixture[str]) -> None:
    path = default_workspace_path()  # only the default location gets a demo on its own
    assert main(["workspace", "stats"]) == 0
    first = capsys.readouterr()
    assert main(["workspace", "stats"]) == 0
    second = capsys.readouterr()
    assert first.err.count(f"created a demo workspace at {path}") == 1
    assert "created" not in second.err
    assert "tickets" in second.out


def test_stats_prints_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ws.sqlite"
    main(["workspace", "init", "--empty", "--workspace", str(path)])
    capsys.readouterr()
    assert main(["workspace", "stats", "--json", "--workspace", str(path)]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["path"] == str(path)
    assert payload["counts"]["tickets"] == 0
    assert payload["schema_version"] >= 1


def test_stats_on_a_corrupt_file_fails_with_its_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.sqlite"
    path.write_bytes(b"garbage" * 100)
    assert main(["workspace", "stats", "--workspace", str(path)]) == 1
    err = capsys.readouterr().err
    assert str(path) in err
    assert err.count("\n") == 1


def test_import_zendesk_json_into_a_new_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ws.sqlite"
    export = tmp_path / "export.json"
    export.write_text(json.dumps(EXPORT))
    assert (
        main(["workspace", "import", str(export), "--format", "zendesk-json", "--workspace", str(path)]) == 0
    )
    captured = capsys.readouterr()
    assert "imported 1 tickets" in captured.out
    assert f"created an empty workspace at {path}" in captured.err
    counts = _counts(path)
    assert (counts["tickets"], counts["accounts"]) == (1, 1)


def test_import_csv_with_a_mapping_file(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite"
    main(["workspace", "init", "--empty", "--workspace", str(path)])
    csv_file = tmp_path / "tickets.csv"
    csv_file.write_text("Number,Title,Opened\n1,Slow dashboard,2026-11-01\n2,Login loop,2026-11-02\n")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("id: Number\nsubject: Title\ncreated_at: Opened\n")
    code = main(
        [
            "workspace",
            "import",
            str(csv_file),
            "--format",
            "csv",
            "--mapping",
            str(mapping),
            "--workspace",
            str(path),
        ]
    )
    assert code == 0
    assert _counts(path)["tickets"] == 2


def test_a_bad_import_changes_nothing_and_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ws.sqlite"
    main(["workspace", "init", "--workspace", str(path)])
    before = _counts(path)
    bad = tmp_path / "bad.csv"
    bad.write_text("id,subject,created_at\n1,Fine,2026-11-01\n2,Broken,not a date\n")
    capsys.readouterr()
    assert main(["workspace", "import", str(bad), "--format", "csv", "--workspace", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: line 3: created_at 'not a date' is not a date" in err
    assert _counts(path) == before


def test_a_mapping_with_zendesk_json_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "export.json"
    export.write_text(json.dumps(EXPORT))
    code = main(
        [
            "workspace",
            "import",
            str(export),
            "--format",
            "zendesk-json",
            "--mapping",
            "m.yaml",
            "--workspace",
            str(tmp_path / "w"),
        ]
    )
    assert code == 2
    assert "--mapping only applies to --format csv" in capsys.readouterr().err


def test_generate_writes_a_workspace_of_the_requested_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bench.sqlite"
    assert main(["workspace", "generate", "--tickets", "1,500", "--seed", "2", "--out", str(out)]) == 0
    assert "generated 1,500 tickets" in capsys.readouterr().out
    assert _counts(out)["tickets"] == 1_500
    assert main(["workspace", "generate", "--tickets", "10", "--out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert _counts(out)["tickets"] == 1_500


def test_generate_rejects_a_negative_count(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["workspace", "generate", "--tickets", "-5", "--out", str(tmp_path / "x.sqlite")])
    assert exit_info.value.code == 2


def test_workspace_without_a_subcommand_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["workspace"]) == 2
    assert "init" in capsys.readouterr().err
