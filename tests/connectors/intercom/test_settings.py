"""The INTERCOM_* settings and the factory for Intercom (`connectors check`: test_connectors_check.py)."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from customer_escalation.connectors.base import KnowledgeBase, SupportPlatform
from customer_escalation.connectors.errors import ConfigError
from customer_escalation.connectors.factory import build_vendor
from customer_escalation.connectors.intercom import from_settings
from customer_escalation.connectors.intercom.settings import IntercomSettings
from customer_escalation.connectors.settings import load_settings
from tests.connectors.settings_checks import one_line_refusal
from tests.contract.dataset import CONTRACT_DATASET, NOW
from tests.fakes.intercom import DEFAULT_ADMIN_ID, IntercomFake

REQUIRED = {"INTERCOM_ACCESS_TOKEN": "tok_abc123", "INTERCOM_ADMIN_ID": "8120001"}


def _settings(**env: str) -> Any:
    return load_settings({"CUSTOMER_ESCALATION_SUPPORT": "intercom", **env})


def test_the_token_and_the_note_author_are_both_named_when_missing() -> None:
    one_line_refusal(
        lambda: from_settings(_settings(), "support"),
        names=(
            "INTERCOM_ACCESS_TOKEN: is not set (the app's access token",
            "INTERCOM_ADMIN_ID: is not set (the admin who authors internal notes",
        ),
    )


def test_no_note_author_is_needed_when_ticket_writes_are_off_or_for_the_knowledge_base() -> None:
    token = {"INTERCOM_ACCESS_TOKEN": "tok_abc123"}
    assert isinstance(
        from_settings(_settings(**token, CUSTOMER_ESCALATION_READ_ONLY="true"), "support"), SupportPlatform
    )
    assert isinstance(
        from_settings(_settings(**token, CUSTOMER_ESCALATION_WRITE_TICKETS="false"), "support"),
        SupportPlatform,
    )
    assert isinstance(from_settings(_settings(**token), "kb"), KnowledgeBase)


def test_intercom_serves_support_and_kb_only() -> None:
    with pytest.raises(ConfigError, match="support and kb"):
        from_settings(_settings(**REQUIRED), "crm")
    load_settings({"CUSTOMER_ESCALATION_SUPPORT": "intercom", "CUSTOMER_ESCALATION_KB": "intercom"})
    with pytest.raises(ConfigError, match="intercom"):
        load_settings({"CUSTOMER_ESCALATION_CRM": "intercom"})


@pytest.mark.parametrize(
    ("env", "root"),
    [
        ({}, "https://api.intercom.io"),
        ({"INTERCOM_REGION": "EU"}, "https://api.eu.intercom.io"),
        ({"INTERCOM_REGION": "au"}, "https://api.au.intercom.io"),
        ({"INTERCOM_REGION": "eu", "INTERCOM_BASE_URL": "http://127.0.0.1:9000/"}, "http://127.0.0.1:9000"),
    ],
)
def test_the_region_chooses_the_api_root(env: dict[str, str], root: str) -> None:
    config = IntercomSettings.from_settings(_settings(**REQUIRED, **env))
    assert config.api_root() == root and config.api_version == "2.14"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("INTERCOM_REGION", "apac"),
        ("INTERCOM_BASE_URL", "http://api.intercom.io"),
        ("INTERCOM_API_VERSION", "latest"),
        ("INTERCOM_API_VERSION", "3.0"),
        ("INTERCOM_ADMIN_ID", "rowan"),
        ("INTERCOM_TEAM_IDS", "5300001, support"),
        ("INTERCOM_COLLECTION_IDS", "410001;x"),
        ("INTERCOM_HELP_CENTER_ID", "-1"),
        ("INTERCOM_WORKSPACE_ID", "q7x2/../admin"),
        ("INTERCOM_PRIORITY_FLAG", "highest"),
        ("INTERCOM_PRIORITY_ATTRIBUTE", "Priority\nX: 1"),
        ("INTERCOM_ACCESS_TOKEN", "tok_abc\nX-Injected: 1"),
    ],
)
def test_an_invalid_setting_is_refused_naming_its_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        from_settings(_settings(**{**REQUIRED, variable: value}), "support")


def test_every_invalid_setting_is_named_on_one_line_without_its_value() -> None:
    env = {
        "INTERCOM_ACCESS_TOKEN": "tok_secret_4417 X-Injected",
        "INTERCOM_REGION": "mars-1",
        "INTERCOM_TEAM_IDS": "support-team",
    }
    one_line_refusal(
        lambda: from_settings(_settings(**env), "support"),
        names=(*env, "INTERCOM_ADMIN_ID"),
        hides=("tok_secret_4417", "X-Injected", "mars-1", "support-team"),
    )


@pytest.mark.anyio
async def test_the_factory_builds_scoped_connectors_with_the_configured_version() -> None:
    fake = IntercomFake(CONTRACT_DATASET, now=lambda: NOW)
    fake.set_team("101", "5300002")
    settings = _settings(
        INTERCOM_ACCESS_TOKEN=fake.token,
        INTERCOM_ADMIN_ID=DEFAULT_ADMIN_ID,
        INTERCOM_API_VERSION="2.11",
        INTERCOM_TEAM_IDS="5300002",
        INTERCOM_PRIORITY_FLAG="Urgent",
    )
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app)) as client:
        support = build_vendor("intercom", settings, "support", client=client)
        assert isinstance(support, SupportPlatform) and support.system == "intercom"
        page = await support.search_tickets("webhook")
    assert [(t.id, t.priority) for t in page.items] == [("101", "urgent")]
    call = fake.calls[0]
    assert (call.path, call.version) == ("/conversations/search", "2.11")
    assert call.authorization == f"Bearer {fake.token}"
    assert {c.version for c in fake.calls} == {"2.11"}
