"""Test-wide fixtures: a clean environment, asyncio for anyio tests, no real model requests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_ENV_PREFIXES = (
    "CUSTOMER_ESCALATION_",
    "ANTHROPIC_",
    "ZENDESK_",
    "HUBSPOT_",
    "SLACK_",
    "JIRA_",
    "CONFLUENCE_",
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
