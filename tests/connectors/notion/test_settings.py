"""The ``NOTION_*`` settings: read once, every problem named on one line without its value, and
reported that way by ``customer-escalation connectors check``."""

from __future__ import annotations

import json

import pytest

from customer_escalation.connectors.errors import ConfigError
from customer_escalation.connectors.factory import build_vendor
from customer_escalation.connectors.notion import from_settings
from customer_escalation.connectors.notion.knowledge_base import NotionKnowledgeBase
from customer_escalation.connectors.notion.settings import DEFAULT_BASE_URL, DEFAULT_VERSION, NotionSettings
from customer_escalation.connectors.settings import load_settings
from customer_escalation.skill.cli import main
from tests.connectors.settings_checks import one_line_refusal


def test_defaults_and_root_pages_given_as_ids_or_urls() -> None:
    config = NotionSettings.from_settings(
        load_settings(
            {
                "NOTION_TOKEN": " ntn_123abc \n",
                "NOTION_ROOT_PAGES": "https://www.notion.so/acme/Support-Handbook-0C6F3A529D414E7B8F2051A3C9D7E4B6?pvs=4;"
                " 1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
            }
        )
    )
    assert config.token.get_secret_value() == "ntn_123abc"
    assert (config.base_url, config.version, config.scan_pages) == (DEFAULT_BASE_URL, DEFAULT_VERSION, 20)
    assert config.requests_per_second == 3.0
    assert config.root_pages == (
        "0c6f3a52-9d41-4e7b-8f20-51a3c9d7e4b6",
        "1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
    )


def test_every_bad_variable_is_named_on_one_line_without_its_value() -> None:
    settings = load_settings(
        {
            "NOTION_TOKEN": "ntn_secret value",
            "NOTION_BASE_URL": "http://notion.internal.example",
            "NOTION_VERSION": "latest-and-greatest",
            "NOTION_ROOT_PAGES": "Support handbook",
            "NOTION_SCAN_PAGES": "plenty",
        }
    )
    one_line_refusal(
        lambda: from_settings(settings, "kb"),
        names=("NOTION_TOKEN", "NOTION_BASE_URL", "NOTION_VERSION", "NOTION_ROOT_PAGES", "NOTION_SCAN_PAGES"),
        hides=("ntn_secret", "notion.internal", "latest-and-greatest", "Support handbook", "plenty"),
    )


def test_a_missing_token_is_named() -> None:
    with pytest.raises(ConfigError, match="NOTION_TOKEN: is not set"):
        from_settings(load_settings({}), "kb")


def test_notion_serves_only_the_knowledge_base() -> None:
    settings = load_settings({"NOTION_TOKEN": "ntn_abc"})
    with pytest.raises(ConfigError, match="only the knowledge base"):
        from_settings(settings, "tracker")


def test_the_registry_builds_notion_for_the_knowledge_base() -> None:
    settings = load_settings({"CUSTOMER_ESCALATION_KB": "notion", "NOTION_TOKEN": "ntn_abc"})
    assert settings.backends["kb"] == "notion"
    assert isinstance(build_vendor("notion", settings, "kb"), NotionKnowledgeBase)


def test_the_token_never_shows_in_the_settings() -> None:
    config = NotionSettings.from_settings(load_settings({"NOTION_TOKEN": "ntn_very_secret"}))
    assert "very_secret" not in repr(config) and "very_secret" not in str(config.model_dump())


def _only_kb(monkeypatch: pytest.MonkeyPatch) -> None:
    for category in ("SUPPORT", "CRM", "CHAT", "TRACKER"):
        monkeypatch.setenv(f"CUSTOMER_ESCALATION_{category}", "none")
    monkeypatch.setenv("CUSTOMER_ESCALATION_KB", "notion")


def test_connectors_check_reports_each_problem_on_one_line_without_secrets(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _only_kb(monkeypatch)
    monkeypatch.setenv("NOTION_TOKEN", "ntn_hidden token")
    monkeypatch.setenv("NOTION_VERSION", "v2")
    assert main(["connectors", "check"]) == 1
    lines = capsys.readouterr().out.splitlines()
    kb_lines = [line for line in lines if line.startswith("knowledge base")]
    assert len(kb_lines) == 1
    assert "notion" in kb_lines[0] and "misconfigured" in kb_lines[0]
    assert "NOTION_TOKEN" in kb_lines[0] and "NOTION_VERSION" in kb_lines[0]
    assert "ntn_hidden" not in "\n".join(lines)


def test_connectors_check_json_names_the_missing_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _only_kb(monkeypatch)
    assert main(["connectors", "check", "--json"]) == 1
    rows = {row["category"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["kb"]["status"] == "misconfigured"
    assert rows["kb"]["detail"] == "NOTION_TOKEN: is not set"
