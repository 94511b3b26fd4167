"""The ``JIRA_*`` settings: read once into `JiraSettings`, problems reported in one line."""

from __future__ import annotations

from typing import Any

from customer_escalation.connectors.jira import from_settings
from customer_escalation.connectors.jira.settings import JiraSettings
from customer_escalation.connectors.settings import load_settings
from tests.connectors.settings_checks import one_line_refusal
from tests.fakes.jira import API_TOKEN, SITE


def _settings(**values: str) -> Any:
    return load_settings({"CUSTOMER_ESCALATION_TRACKER": "jira", **values})


def test_config_problems_are_one_line_naming_each_variable_never_its_value() -> None:
    settings = _settings(
        JIRA_BASE_URL="http://acme.atlassian.net", JIRA_TIMEZONE="Mars/Olympus", JIRA_API_TOKEN=API_TOKEN
    )
    one_line_refusal(
        lambda: from_settings(settings, "tracker"),
        names=("JIRA_BASE_URL", "JIRA_TIMEZONE"),
        hides=("Mars/Olympus", "acme.atlassian.net"),
    )


def test_settings_read_lists_and_defaults_and_never_show_a_token() -> None:
    config = JiraSettings.from_settings(
        _settings(
            JIRA_BASE_URL=SITE + "/", JIRA_API_TOKEN=API_TOKEN, JIRA_PROJECTS="ENG; PROD", JIRA_BUG_TYPE=" , "
        )
    )
    assert config.base_url == SITE
    assert config.projects == ("ENG", "PROD")
    assert config.bug_types == ("Bug",)
    assert config.wont_fix_resolutions == ("Won't Do", "Won't Fix")
    assert API_TOKEN not in repr(config)
