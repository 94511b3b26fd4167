"""The ``LINEAR_*`` settings: read once into `LinearSettings`, problems reported in one line."""

from __future__ import annotations

from typing import Any

import pytest

from customer_escalation.connectors.errors import ConfigError
from customer_escalation.connectors.factory import build_vendor
from customer_escalation.connectors.linear import from_settings
from customer_escalation.connectors.linear.settings import LinearSettings
from customer_escalation.connectors.linear.tracker import LinearProjectTracker
from customer_escalation.connectors.settings import load_settings
from tests.connectors.settings_checks import one_line_refusal
from tests.fakes.linear import API_KEY


def _settings(**values: str) -> Any:
    return load_settings({"CUSTOMER_ESCALATION_TRACKER": "linear", **values})


def test_linear_is_a_known_tracker_and_built_by_the_factory() -> None:
    connector = build_vendor("linear", _settings(LINEAR_API_KEY=API_KEY), "tracker")
    assert isinstance(connector, LinearProjectTracker)
    with pytest.raises(ConfigError, match="only the project tracker"):
        from_settings(_settings(LINEAR_API_KEY=API_KEY), "kb")


def test_config_problems_are_one_line_naming_each_variable_never_its_value() -> None:
    settings = _settings(
        LINEAR_BASE_URL="http://api.linear.example",
        LINEAR_TEAMS="ENG, not a team",
        LINEAR_TICKET_URL="https://acme.zendesk.com/agent/tickets/",
    )
    one_line_refusal(
        lambda: from_settings(settings, "tracker"),
        names=(
            "LINEAR_BASE_URL",
            "LINEAR_TEAMS",
            "LINEAR_TICKET_URL",
            "LINEAR_API_KEY (or LINEAR_OAUTH_TOKEN)",
        ),
        hides=("api.linear.example", "not a team"),
    )


@pytest.mark.parametrize("key", ["Bearer lin_api_abc", "lin_api abc", "lin_api_abc\nX-Evil: 1"])
def test_a_malformed_key_is_refused_without_echoing_it(key: str) -> None:
    with pytest.raises(ConfigError, match="LINEAR_API_KEY") as info:
        from_settings(_settings(LINEAR_API_KEY=key), "tracker")
    assert "lin_api" not in str(info.value)


def test_settings_read_lists_and_defaults_and_never_show_a_secret() -> None:
    config = LinearSettings.load(
        _settings(
            LINEAR_API_KEY=API_KEY,
            LINEAR_TEAMS="eng; sup",
            LINEAR_BUG_LABELS=" , ",
            LINEAR_BASE_URL="http://127.0.0.1:8080/",
        )
    )
    assert config.teams == ("ENG", "SUP")
    assert config.bug_labels == ("Bug",) and config.feature_labels == ("Feature", "Improvement")
    assert config.base_url == "http://127.0.0.1:8080"
    assert config.authorization() == (API_KEY, "LINEAR_API_KEY")
    assert API_KEY not in repr(config)


def test_an_oauth_token_is_preferred_and_sent_as_a_bearer_token() -> None:
    config = LinearSettings.load(_settings(LINEAR_API_KEY=API_KEY, LINEAR_OAUTH_TOKEN="lin_oauth_xyz"))
    assert config.authorization() == ("Bearer lin_oauth_xyz", "LINEAR_OAUTH_TOKEN")
