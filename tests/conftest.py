"""Test-wide fixtures: a clean environment, asyncio for anyio tests, no real model requests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from customer_escalation.connectors.records import Dataset
from tests.backends import command_line_store  # reads the backend settings before any test clears them

_ENV_PREFIXES = (
    "CUSTOMER_ESCALATION_",
    "ANTHROPIC_",
    "ZENDESK_",
    "HUBSPOT_",
    "SLACK_",
    "JIRA_",
    "CONFLUENCE_",
    "SALESFORCE_",
    "LINEAR_",
    "NOTION_",
    "GURU_",
)


@pytest.fixture(autouse=True)
def clean_environ(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's credentials or configuration; each gets its own data dirs."""
    for name in list(os.environ):
        if name.startswith(_ENV_PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setattr("customer_escalation.skill.models.anthropic.ALLOW_MODEL_REQUESTS", False)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def demo_dataset() -> Dataset:
    """The demo company's records, built once per module."""
    from customer_escalation.connectors.local.demo import build_demo

    return build_demo(datetime.now(UTC))


@pytest.fixture(scope="module")
def demo_file(demo_dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo company in a workspace file, built once per module."""
    from customer_escalation.connectors.local import LocalWorkspace

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    LocalWorkspace.create(path, demo_dataset).close()
    return path


@pytest.fixture
def demo_workspace(
    demo_file: Path, demo_dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A fresh copy of the demo company as the command line's workspace (in PostgreSQL when the suite
    runs there, see `tests.backends`), with the demo's channel and project on the write allowlists."""
    import shutil

    path = tmp_path / "ws.sqlite"
    shutil.copy(demo_file, path)
    with command_line_store(path, demo_dataset) as environ:
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("CUSTOMER_ESCALATION_WRITE_CHANNELS", "support-escalations")
        monkeypatch.setenv("CUSTOMER_ESCALATION_WRITE_PROJECTS", "ENG")
        yield path
