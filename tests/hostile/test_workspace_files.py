"""The workspace file under hostile conditions: processes racing to create it, a process killed while it
builds one, a trace pointed at it, permissions, a mistyped path and a folder that cannot be written.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.local.history_store import SqliteHistoryStore
from customer_escalation.connectors.settings import default_workspace_path
from customer_escalation.skill.cli import main

REPOSITORY = Path(__file__).resolve().parents[2]
WATCHDOG_SECONDS = 120
ISSUES = (
    "API returning 500 errors intermittently for Acme Corp",
    "Data export is missing rows — 3 customers reported this week",
    "SSO login loop affecting all Enterprise customers",
)
NOTE = re.compile(r"\[done\] internal note on ticket (\S+): added internal note (\S+) to ticket")


def _environment(home: Path) -> dict[str, str]:
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    env.update(XDG_DATA_HOME=str(home / "xdg-data"), XDG_CONFIG_HOME=str(home / "xdg-config"))
    return env


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "customer_escalation", *args]


def test_concurrent_first_runs_keep_every_note_they_report(tmp_path: Path) -> None:
    """Several `brief --add-note --execute` start at once where no workspace exists yet: one creates it,
    the others use that one, and every note reported `[done]` is in the file afterwards."""
    processes = [
        subprocess.Popen(
            _cli("brief", issue, "--add-note", "--execute", "--model", "offline"),
            cwd=REPOSITORY,
            env=_environment(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for issue in ISSUES
    ]
    outputs = [process.communicate(timeout=WATCHDOG_SECONDS) for process in processes]
    notes = []
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
        found = NOTE.search(out + err)
        assert found is not None, err
        notes.append((found.group(1), found.group(2)))
    path = tmp_path / "xdg-data" / "customer-escalation" / "workspace.sqlite"
    with LocalWorkspace.open(path, create_demo=False) as workspace:
        for ticket_id, note_id in notes:
            ticket = asyncio.run(workspace.get_ticket(ticket_id))
            assert note_id in {c.id for c in ticket.comments}, (ticket_id, note_id)
    with SqliteHistoryStore.open(path, create=False) as history:
        assert len(history.escalations()) == len(ISSUES)


def test_workspace_and_trace_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    trace = tmp_path / "trace.jsonl"
    assert main(["brief", ISSUES[0], "--model", "offline", "--trace", str(trace)]) == 0
    for path in (default_workspace_path(), trace):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    init = tmp_path / "other.sqlite"
    assert main(["workspace", "init", "--empty", "--workspace", str(init)]) == 0
    assert stat.S_IMODE(init.stat().st_mode) == 0o600


def test_a_trace_pointed_at_the_workspace_is_refused_and_the_workspace_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ws.sqlite"
    assert main(["workspace", "init", "--workspace", str(path)]) == 0
    size = path.stat().st_size
    for target in (path, Path(f"{path}-wal"), tmp_path / "." / "ws.sqlite"):
        capsys.readouterr()
        code = main(
            ["brief", ISSUES[0], "--workspace", str(path), "--model", "offline", "--trace", str(target)]
        )
        assert code == 2
        err = capsys.readouterr().err
        assert "--trace" in err and "workspace" in err and "Traceback" not in err
    assert path.stat().st_size == size
    with LocalWorkspace.open(path, create_demo=False) as workspace:
        assert workspace.stats().counts["tickets"] > 0


def test_a_mistyped_workspace_path_is_an_error_not_a_new_demo_company(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "typo" / "dir" / "ws.sqlite"
    for command in (
        ["brief", ISSUES[0], "--model", "offline", "--workspace", str(typo)],
        ["workspace", "stats", "--workspace", str(typo)],
    ):
        assert main(command) == 1
        err = capsys.readouterr().err
        assert f"no workspace at {typo}" in err and "workspace init" in err
    assert not typo.exists() and not typo.parent.exists()
    assert main(["workspace", "init", "--workspace", str(typo)]) == 0
    assert main(["workspace", "stats", "--workspace", str(typo)]) == 0


def test_a_generate_killed_midway_leaves_no_temporary_file_after_the_next_run(tmp_path: Path) -> None:
    out = tmp_path / "big.sqlite"
    process = subprocess.Popen(
        _cli("workspace", "generate", "--tickets", "2000000", "--out", str(out)),
        cwd=REPOSITORY,
        env=_environment(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + WATCHDOG_SECONDS
    leftovers: list[Path] = []
    while time.monotonic() < deadline and not leftovers:
        leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".big.sqlite.") and p.stat().st_size]
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(WATCHDOG_SECONDS)
    assert leftovers, "generate never started writing"
    assert not out.exists()

    assert main(["workspace", "generate", "--tickets", "10", "--out", str(out)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".big")) == []


UNPRIVILEGED = ["setpriv", "--inh-caps=-all", "--bounding-set=-all", "--"]


@pytest.mark.skipif(
    shutil.which("setpriv") is None or os.geteuid() != 0,
    reason="root without its capabilities (setpriv) is how this test meets file permissions",
)
def test_a_workspace_in_a_folder_that_cannot_be_written_says_so(tmp_path: Path) -> None:
    """The file can be read and written, but not its folder, where SQLite keeps the write-ahead log."""
    folder = tmp_path / "shared"
    path = folder / "ws.sqlite"
    assert main(["workspace", "init", "--workspace", str(path)]) == 0
    folder.chmod(0o555)
    try:
        done = subprocess.run(
            [*UNPRIVILEGED, *_cli("workspace", "stats", "--workspace", str(path))],
            cwd=REPOSITORY,
            env=_environment(tmp_path),
            capture_output=True,
            text=True,
            timeout=WATCHDOG_SECONDS,
            check=False,
        )
    finally:
        folder.chmod(0o755)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "not a workspace file" not in done.stderr
    assert f"folder {folder} is not writable" in done.stderr
