"""Failures both CRM connectors (HubSpot, Salesforce) meet alike, run against each vendor's fake or
scripted answers in the vendor's own wire format: rejected tokens, outages, bodies that are not JSON or
not of the expected shape, timeouts, and the check a doctor runs."""

from __future__ import annotations

import re
from typing import Any

import httpx2
import pytest

from customer_escalation.connectors.errors import AuthError, UpstreamError
from tests.connectors.crm_vendors import HUBSPOT, SALESFORCE, VENDORS, CrmVendor
from tests.contract.dataset import CONTRACT_DATASET
from tests.fakes.timeouts import TimingOut

pytestmark = pytest.mark.anyio

UNEXPECTED_SHAPES = [
    pytest.param(HUBSPOT, {"results": {"id": "1"}}, "results", id="hubspot-results-not-a-list"),
    pytest.param(
        HUBSPOT, {"results": [{"properties": {"name": "No id"}}]}, "results.0.id", id="hubspot-no-id"
    ),
    pytest.param(
        HUBSPOT, {"results": [{"id": "12-a", "properties": {}}]}, "results.0.id", id="hubspot-id-not-numeric"
    ),
    pytest.param(
        HUBSPOT,
        {"results": [{"id": "12", "properties": ["name"]}]},
        "results.0.properties",
        id="hubspot-properties-not-an-object",
    ),
    pytest.param(
        HUBSPOT,
        {"results": [{"id": "12", "properties": {}}], "paging": {"next": {}}},
        "paging.next.after",
        id="hubspot-next-page-without-after",
    ),
    pytest.param(HUBSPOT, ["not", "an", "object"], "body", id="hubspot-body-not-an-object"),
    pytest.param(
        SALESFORCE,
        {"totalSize": 1, "done": True, "records": {"Id": "001Hs0000000001"}},
        "records",
        id="salesforce-records-not-a-list",
    ),
    pytest.param(
        SALESFORCE,
        {"totalSize": 1, "done": True, "records": [{"Name": "No id"}]},
        "records.0.Id",
        id="salesforce-no-id",
    ),
    pytest.param(
        SALESFORCE,
        {"totalSize": 1, "done": True, "records": [{"Id": "001' OR 1"}]},
        "records.0.Id",
        id="salesforce-id-not-an-id",
    ),
    pytest.param(SALESFORCE, {"totalSize": 1, "records": []}, "done", id="salesforce-no-done"),
    pytest.param(SALESFORCE, ["not", "an", "object"], "body", id="salesforce-body-not-an-object"),
]


@pytest.mark.parametrize("vendor", VENDORS)
async def test_a_rejected_token_is_an_auth_error_naming_the_variable(vendor: CrmVendor) -> None:
    fake = vendor.make_fake(CONTRACT_DATASET)
    fake.unauthorized = True
    async with vendor.connected(fake) as crm:
        with pytest.raises(AuthError, match=vendor.token_variable) as info:
            await crm.search_accounts("Northwind")
    assert vendor.rejection in str(info.value) and info.value.system == vendor.name
    assert len(fake.calls) == 1


@pytest.mark.parametrize("vendor", VENDORS)
async def test_check_runs_one_small_read_and_reports_a_rejected_token(vendor: CrmVendor) -> None:
    fake = vendor.make_fake(CONTRACT_DATASET)
    async with vendor.connected(fake) as crm:
        await crm.check()
        fake.unauthorized = True
        with pytest.raises(AuthError):
            await crm.check()
    assert vendor.checks(fake) == [vendor.check_request] * 2


@pytest.mark.parametrize("vendor", VENDORS)
async def test_a_5xx_is_retried_and_then_succeeds(vendor: CrmVendor) -> None:
    fake = vendor.make_fake(CONTRACT_DATASET)
    fake.fail_next = [503]
    async with vendor.connected(fake) as crm:
        page = await crm.search_accounts("Northwind")
    assert len(page.items) == 1 and vendor.searches(fake) == 2


@pytest.mark.parametrize("vendor", VENDORS)
async def test_5xx_after_retries_is_an_upstream_error_naming_the_endpoint(vendor: CrmVendor) -> None:
    fake = vendor.make_fake(CONTRACT_DATASET)
    fake.fail_next = [502, 500, 503]
    async with vendor.connected(fake) as crm:
        with pytest.raises(UpstreamError, match=re.escape(vendor.search)) as info:
            await crm.search_accounts("Northwind")
    assert info.value.status == 503 and vendor.searches(fake) == 3


@pytest.mark.parametrize("vendor", VENDORS)
async def test_malformed_json_is_an_upstream_error_naming_the_endpoint(vendor: CrmVendor) -> None:
    fake = vendor.make_fake(CONTRACT_DATASET)
    fake.malformed_next = 1
    async with vendor.connected(fake) as crm:
        with pytest.raises(UpstreamError, match=re.escape(f"{vendor.read} returned a body that is not JSON")):
            await crm.get_account(vendor.account_of(fake, "northwind"))


@pytest.mark.parametrize(("vendor", "body", "field"), UNEXPECTED_SHAPES)
async def test_json_of_an_unexpected_shape_is_an_upstream_error_naming_the_field(
    vendor: CrmVendor, body: Any, field: str
) -> None:
    async with vendor.scripted(lambda request: httpx2.Response(200, json=body)) as crm:
        with pytest.raises(
            UpstreamError, match=re.escape(f"{vendor.search} returned a body of an unexpected shape")
        ) as info:
            await crm.search_accounts("anything")
    assert f"({field}: " in str(info.value)


@pytest.mark.parametrize("vendor", VENDORS)
async def test_a_timeout_after_retries_is_an_upstream_error_naming_the_endpoint(vendor: CrmVendor) -> None:
    handler = TimingOut()
    async with vendor.scripted(handler) as crm:
        with pytest.raises(UpstreamError, match=re.escape(f"{vendor.read} timed out")):
            await crm.get_account(vendor.account_id)
    assert handler.attempts == 3
