"""Salesforce's failures mapped to the connector errors: sessions, malformed queries, the daily request
limit, concurrency limits, outages and bodies of the wrong shape."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from customer_escalation.connectors.errors import (
    AuthError,
    InvalidQueryError,
    NotFoundError,
    RateLimitedError,
    UpstreamError,
)
from customer_escalation.connectors.salesforce import ApiUsage, FieldMap
from tests.contract.dataset import CONTRACT_DATASET
from tests.fakes.clock import VirtualClock
from tests.fakes.salesforce import SalesforceFake
from tests.fakes.timeouts import TimingOut

from .conftest import QUERY, connected, scripted

pytestmark = pytest.mark.anyio


async def test_an_expired_session_is_an_auth_error_naming_the_variables() -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    fake.unauthorized = True
    async with connected(fake) as crm:
        with pytest.raises(AuthError, match="SALESFORCE_ACCESS_TOKEN") as info:
            await crm.search_accounts("Northwind")
    assert "INVALID_SESSION_ID" in str(info.value) and info.value.system == "salesforce"
    assert len(fake.calls) == 1


async def test_a_malformed_query_is_an_invalid_query_naming_salesforces_reason() -> None:
    body = [{"message": "line 1:42 no viable alternative at character '%'", "errorCode": "MALFORMED_QUERY"}]
    async with scripted(lambda request: httpx2.Response(400, json=body)) as crm:
        with pytest.raises(
            InvalidQueryError, match=r"no viable alternative at character '%' \[MALFORMED_QUERY\]"
        ):
            await crm.search_accounts("Northwind")


async def test_a_configured_field_the_org_lacks_points_at_the_field_settings() -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    async with connected(fake, fields=FieldMap(arr="Annual_Recurring_Revenue__c")) as crm:
        with pytest.raises(InvalidQueryError, match="SALESFORCE_\\*_FIELD") as info:
            await crm.search_accounts("Northwind")
    assert "Annual_Recurring_Revenue__c" in str(info.value) and "INVALID_FIELD" in str(info.value)


async def test_the_daily_request_limit_fails_at_once_with_the_usage_and_no_retry() -> None:
    fake = SalesforceFake(CONTRACT_DATASET, daily_allowance=2)
    clock = VirtualClock()
    async with connected(fake, clock) as crm:
        await crm.search_accounts("Northwind")
        assert crm.api_usage == ApiUsage(used=1, allowed=2)
        await crm.search_accounts("Contoso")
        with pytest.raises(RateLimitedError, match="daily API request limit") as info:
            await crm.search_accounts("Fabrikam")
    assert "2/2 API requests in the last 24 hours" in str(info.value)
    assert info.value.retry_after is None
    assert len(fake.calls) == 3 and clock.sleeps == []


async def test_too_many_concurrent_requests_is_retried_after_a_second() -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    fake.concurrent_limit_next = 2
    clock = VirtualClock()
    async with connected(fake, clock) as crm:
        page = await crm.search_accounts("Northwind")
    assert [a.name for a in page.items] == ["Northwind Traders"]
    assert len(fake.calls) == 3 and sum(clock.sleeps) == pytest.approx(2.0)


async def test_the_usage_header_is_tracked_on_every_answer() -> None:
    fake = SalesforceFake(CONTRACT_DATASET, daily_allowance=15_000)
    fake.api_used = 14_200
    async with connected(fake) as crm:
        assert crm.api_usage is None
        await crm.get_account(fake.account_id("northwind"))
    assert crm.api_usage == ApiUsage(used=14_202, allowed=15_000)


async def test_a_5xx_is_retried_and_then_succeeds() -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    fake.fail_next = [503]
    async with connected(fake) as crm:
        page = await crm.search_accounts("Northwind")
    assert len(page.items) == 1 and len(fake.calls) == 2


async def test_5xx_after_retries_is_an_upstream_error_naming_the_endpoint() -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    fake.fail_next = [502, 500, 503]
    async with connected(fake) as crm:
        with pytest.raises(UpstreamError, match=f"GET {QUERY}") as info:
            await crm.search_accounts("Northwind")
    assert info.value.status == 503 and len(fake.calls) == 3


async def test_malformed_json_is_an_upstream_error_naming_the_endpoint() -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    fake.malformed_next = 1
    async with connected(fake) as crm:
        with pytest.raises(UpstreamError, match=f"GET {QUERY} returned a body that is not JSON"):
            await crm.get_account(fake.account_id("northwind"))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"totalSize": 1, "done": True, "records": {"Id": "001Hs0000000001"}}, "records"),
        ({"totalSize": 1, "done": True, "records": [{"Name": "No id"}]}, "records.0.Id"),
        ({"totalSize": 1, "done": True, "records": [{"Id": "001' OR 1"}]}, "records.0.Id"),
        ({"totalSize": 1, "records": []}, "done"),
        (["not", "an", "object"], "body"),
    ],
)
async def test_json_of_an_unexpected_shape_is_an_upstream_error_naming_the_field(
    body: Any, field: str
) -> None:
    async with scripted(lambda request: httpx2.Response(200, json=body)) as crm:
        with pytest.raises(
            UpstreamError, match=f"GET {QUERY} returned a body of an unexpected shape"
        ) as info:
            await crm.search_accounts("anything")
    assert f"({field}: " in str(info.value)


async def test_an_api_version_the_org_does_not_serve_names_the_setting() -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    async with connected(fake, api_version="99.0") as crm:
        with pytest.raises(NotFoundError, match="SALESFORCE_API_VERSION"):
            await crm.check()


async def test_check_runs_one_tiny_query_and_reports_an_expired_session() -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    async with connected(fake) as crm:
        await crm.check()
        fake.unauthorized = True
        with pytest.raises(AuthError):
            await crm.check()
    assert fake.queries() == ["SELECT Id FROM Account LIMIT 1"] * 2


async def test_a_timeout_after_retries_is_an_upstream_error_naming_the_endpoint() -> None:
    handler = TimingOut()
    async with scripted(handler) as crm:
        with pytest.raises(UpstreamError, match=f"GET {QUERY} timed out"):
            await crm.get_account("001Hs0000000001")
    assert handler.attempts == 3
