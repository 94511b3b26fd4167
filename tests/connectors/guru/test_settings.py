"""The GURU_* settings and the factory for Guru (`connectors check` for it: test_connectors_check.py)."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from customer_escalation.connectors.base import KnowledgeBase
from customer_escalation.connectors.errors import ConfigError
from customer_escalation.connectors.factory import build_vendor
from customer_escalation.connectors.guru import from_settings
from customer_escalation.connectors.settings import KNOWN_SYSTEMS, load_settings
from tests.contract.dataset import CONTRACT_DATASET
from tests.fakes.guru import GuruFake

REQUIRED = {"GURU_USER": "escalations@vendor.example", "GURU_API_TOKEN": "guru-token-1"}


def _settings(**env: str) -> Any:
    return load_settings({"CUSTOMER_ESCALATION_KB": "guru", **env})


def test_guru_is_a_known_knowledge_base_and_serves_only_that() -> None:
    assert "guru" in KNOWN_SYSTEMS["kb"]
    with pytest.raises(ConfigError, match="knowledge base"):
        from_settings(_settings(**REQUIRED), "support")
    with pytest.raises(ConfigError, match="guru"):
        load_settings({"CUSTOMER_ESCALATION_TRACKER": "guru"})


def test_missing_user_and_token_are_both_named_with_what_they_are_for() -> None:
    with pytest.raises(ConfigError) as info:
        from_settings(_settings(), "kb")
    message = str(info.value)
    assert "GURU_USER: is not set (the Guru user name (email) the token belongs to" in message
    assert (
        "GURU_API_TOKEN: is not set (the Guru API token (user or collection token) that reads cards)"
        in message
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("GURU_BASE_URL", "http://api.getguru.com"),
        ("GURU_BASE_URL", "api.getguru.com"),
        ("GURU_APP_URL", "ftp://app.getguru.com"),
        ("GURU_USER", "two words"),
        ("GURU_API_TOKEN", "token\nX-Injected: 1"),
        ("GURU_COLLECTIONS", "x" * 201),
    ],
)
def test_an_invalid_setting_is_refused_naming_its_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        from_settings(_settings(**{**REQUIRED, variable: value}), "kb")


def test_every_invalid_setting_is_named_on_one_line_without_its_value() -> None:
    env = {
        "GURU_USER": "a b",
        "GURU_API_TOKEN": "s3cret-guru\nX-Injected: 1",
        "GURU_BASE_URL": "http://guru.internal",
    }
    with pytest.raises(ConfigError) as info:
        from_settings(_settings(**env), "kb")
    message = str(info.value)
    assert "\n" not in message and all(variable in message for variable in env)
    assert not any(part in message for part in ("s3cret-guru", "X-Injected", "guru.internal"))


@pytest.mark.anyio
async def test_the_factory_builds_the_knowledge_base_with_its_scope_and_links() -> None:
    fake = GuruFake(CONTRACT_DATASET)
    other = fake.add_collection("Engineering")
    fake.add_card(title="Webhook internals", content="<p>webhook queue</p>", collection_id=other)
    settings = _settings(
        GURU_USER=fake.user,
        GURU_API_TOKEN=fake.token,
        GURU_COLLECTIONS="Support Knowledge; ",
        GURU_APP_URL="https://app.guru.example/",
    )
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=fake.app), base_url=fake.base_url
    ) as client:
        kb = build_vendor("guru", settings, "kb", client=client)
        assert isinstance(kb, KnowledgeBase) and kb.system == "guru"
        page = await kb.search_articles("webhook")
    assert sorted(a.title for a in page.items) == [
        "Webhook delivery troubleshooting",
        "Webhook signature mismatch",
    ]
    assert all((a.ref.url or "").startswith("https://app.guru.example/card/") for a in page.items)
