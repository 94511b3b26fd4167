"""Salesforce's failures mapped to the connector errors: sessions, malformed queries, the daily request
limit, concurrency limits, outages and bodies of the wrong shape."""

from __future__ import annotations

import httpx2
import pytest

from customer_escalation.connectors.errors import (
    InvalidQueryError,
    NotFoundError,
    RateLimitedError,
)
from customer_escalation.connectors.salesforce.mapping import FieldMap
from customer_escalation.connectors.salesforce.policy import ApiUsage
from tests.contract.dataset import CONTRACT_DATASET
from tests.fakes.clock import VirtualClock
from tests.fakes.salesforce import SalesforceFake

from .conftest import connected, scripted

pytestmark = pytest.mark.anyio


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


async def test_an_api_version_the_org_does_not_serve_names_the_setting() -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    async with connected(fake, api_version="99.0") as crm:
        with pytest.raises(NotFoundError, match="SALESFORCE_API_VERSION"):
            await crm.check()
