"""The SALESFORCE_* settings and the factory for Salesforce (`connectors check`: test_connectors_check.py)."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from customer_escalation.connectors.base import CRM
from customer_escalation.connectors.errors import ConfigError
from customer_escalation.connectors.factory import build_vendor
from customer_escalation.connectors.salesforce import from_settings
from customer_escalation.connectors.settings import load_settings
from tests.connectors.settings_checks import one_line_refusal
from tests.contract.dataset import CONTRACT_DATASET
from tests.fakes.salesforce import SalesforceFake

REQUIRED = {
    "SALESFORCE_INSTANCE_URL": "https://acme.my.salesforce.com",
    "SALESFORCE_ACCESS_TOKEN": "00Dxx!token",
}


def _settings(**env: str) -> Any:
    return load_settings({"CUSTOMER_ESCALATION_CRM": "salesforce", **env})


def test_missing_instance_and_token_are_both_named() -> None:
    with pytest.raises(ConfigError) as info:
        from_settings(_settings(), "crm")
    assert "SALESFORCE_INSTANCE_URL: is not set" in str(info.value)
    assert "SALESFORCE_ACCESS_TOKEN: is not set" in str(info.value)


def test_salesforce_serves_only_the_crm_category_and_is_a_known_crm() -> None:
    with pytest.raises(ConfigError, match="crm"):
        from_settings(_settings(**REQUIRED), "support")
    with pytest.raises(ConfigError, match="salesforce"):
        load_settings({"CUSTOMER_ESCALATION_SUPPORT": "salesforce"})


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SALESFORCE_INSTANCE_URL", "http://acme.my.salesforce.com"),
        ("SALESFORCE_INSTANCE_URL", "https://acme.my.salesforce.com/services/data"),
        ("SALESFORCE_API_VERSION", "latest"),
        ("SALESFORCE_API_VERSION", "66.1"),
        ("SALESFORCE_ARR_FIELD", "ARR__c, Name"),
        ("SALESFORCE_RENEWAL_FIELD", "Renewal Date"),
        ("SALESFORCE_TIER_FIELD", "Owner.Name"),
        ("SALESFORCE_DEAL_KIND_FIELD", "Type) FROM User --"),
        ("SALESFORCE_ACCESS_TOKEN", "00Dxx!token\nX-Injected: 1"),
    ],
)
def test_an_invalid_setting_is_refused_naming_its_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        from_settings(_settings(**{**REQUIRED, variable: value}), "crm")


def test_every_invalid_setting_is_named_on_one_line_without_its_value() -> None:
    env = {
        "SALESFORCE_ACCESS_TOKEN": "00Dsecret!4417\nX-Injected: 1",
        "SALESFORCE_INSTANCE_URL": "ftp://acme-internal",
        "SALESFORCE_HEALTH_FIELD": "health score",
    }
    one_line_refusal(
        lambda: from_settings(_settings(**env), "crm"),
        names=env,
        hides=("00Dsecret!4417", "X-Injected", "acme-internal", "health score"),
    )


@pytest.mark.anyio
async def test_the_factory_builds_the_crm_from_settings_with_version_fields_and_scope() -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    settings = _settings(
        SALESFORCE_INSTANCE_URL="http://127.0.0.1:8765",
        SALESFORCE_ACCESS_TOKEN=fake.token,
        SALESFORCE_API_VERSION="v64.0",
        SALESFORCE_ARR_FIELD="ARR__c",
        SALESFORCE_TIER_FIELD="Support_Tier__c",
        SALESFORCE_ACCOUNT_TYPES="Customer - Direct; Customer - Channel",
    )
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app)) as client:
        crm = build_vendor("salesforce", settings, "crm", client=client)
        assert isinstance(crm, CRM) and crm.system == "salesforce"
        page = await crm.search_accounts("Fabrikam")
    assert [(a.name, a.arr, a.tier, a.renewal_date) for a in page.items] == [
        ("Fabrikam Studio", 9_600.0, "pro", None)
    ]
    assert page.items[0].ref.url is not None and page.items[0].ref.url.startswith(
        "http://127.0.0.1:8765/lightning/"
    )
    (call,) = fake.calls
    assert call.path == "/services/data/v64.0/query"
    assert call.soql is not None and "Type IN ('Customer - Direct', 'Customer - Channel')" in call.soql
