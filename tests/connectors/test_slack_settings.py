"""The ``SLACK_*`` settings: read once into `SlackSettings`, every problem named on one line, no value shown."""

from __future__ import annotations

from customer_escalation.connectors.settings import load_settings
from customer_escalation.connectors.slack import from_settings
from customer_escalation.connectors.slack.settings import DEFAULT_BASE_URL, SlackSettings
from tests.connectors.settings_checks import one_line_refusal


def test_every_bad_variable_is_named_on_one_line_without_its_value() -> None:
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": "hunter2-not-a-token",
            "SLACK_USER_TOKEN": "xoxb-9876-bot-in-the-user-slot",
            "SLACK_BASE_URL": "http://slack.internal.example/api",
            "SLACK_SEARCH_REPLY_COUNTS": "sometimes",
        }
    )
    one_line_refusal(
        lambda: from_settings(settings, "chat"),
        names=("SLACK_BOT_TOKEN", "SLACK_USER_TOKEN", "SLACK_BASE_URL", "SLACK_SEARCH_REPLY_COUNTS"),
        hides=("hunter2", "xoxb-9876", "slack.internal.example", "sometimes"),
    )


def test_values_are_trimmed_listed_and_defaulted() -> None:
    config = SlackSettings.from_settings(
        load_settings(
            {
                "SLACK_BOT_TOKEN": "  xoxb-1-2-abc \n",
                "SLACK_CHANNELS": "#support-escalations; C200 ,",
                "SLACK_SEARCH_REPLY_COUNTS": " off ",
            }
        )
    )
    assert config.bot_token.get_secret_value() == "xoxb-1-2-abc"
    assert config.user_token is None
    assert config.channels == ("#support-escalations", "C200")
    assert config.reply_counts is False
    assert config.base_url == DEFAULT_BASE_URL


def test_a_rotating_token_and_a_loopback_base_url_are_accepted() -> None:
    config = SlackSettings.from_settings(
        load_settings(
            {
                "SLACK_BOT_TOKEN": "xoxe.xoxb-1-rotating",
                "SLACK_USER_TOKEN": "xoxe.xoxp-2-rotating",
                "SLACK_BASE_URL": "http://127.0.0.1:8080/api/",
            }
        )
    )
    assert config.base_url == "http://127.0.0.1:8080/api"
    assert config.reply_counts is True


def test_the_settings_never_show_a_token() -> None:
    config = SlackSettings.from_settings(
        load_settings({"SLACK_BOT_TOKEN": "xoxb-very-secret", "SLACK_USER_TOKEN": "xoxp-also-secret"})
    )
    assert "secret" not in repr(config)
    assert "secret" not in str(config.model_dump())
