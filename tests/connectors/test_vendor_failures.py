"""Failures the Guru, Intercom and Notion connectors meet alike, each against its vendor's fake: a
rejected token, an outage that passes, one that does not, a rate limit that does not lift and a
spoiled body. (The CRMs have their
own suite, test_crm_failures.py.)"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from customer_escalation.connectors.errors import AuthError, RateLimitedError, UpstreamError
from tests.connectors.guru.conftest import connected as guru_connected
from tests.connectors.intercom.conftest import fake_on, support_on
from tests.connectors.notion.conftest import notion_on
from tests.contract.dataset import CONTRACT_DATASET
from tests.fakes.clock import VirtualClock
from tests.fakes.guru import GuruFake

pytestmark = pytest.mark.anyio

Opened = tuple[Any, Any]
"""A vendor's fake and a connector over it."""


@dataclass(frozen=True)
class FailingVendor:
    """One vendor, as these tests need it."""

    name: str
    opened: Callable[[VirtualClock], AbstractAsyncContextManager[Opened]]
    search: Callable[[Any], Awaitable[Any]]
    """A search that finds `found` in the contract dataset."""
    found: list[str]
    """What `search` finds, each named by `name_of`."""
    name_of: Callable[[Any], str]
    searches: Callable[[Any], int]
    """How many search requests the fake received."""
    requests_per_search: int
    """How many search requests a search that succeeds sends."""
    endpoint: str
    """The request `search` sends, as errors name it."""
    reject_token: Callable[[Any], str]
    """Make the fake refuse the connector's token; returns that token."""
    token_variable: str
    rejection: str
    """What the vendor's answer to a rejected token says, repeated in the error."""
    fail_next: Callable[[Any, list[int]], None]
    """Make the fake answer the next requests with these 5xx statuses."""
    limit_forever: Callable[[Any], None]
    """Make the fake rate-limit every request from now on."""
    limit_wait: float
    """The wait the vendor asks for when it rate-limits a search."""
    gives_up_within: tuple[float, float]
    """The least and the most time the connector waits before it gives up on a rate limit."""
    cut_short: Callable[[Any], None]
    """Make the fake spoil its next JSON body."""
    spoiled: str
    """How an error describes that body."""


@asynccontextmanager
async def _guru(clock: VirtualClock) -> AsyncIterator[Opened]:
    fake = GuruFake(CONTRACT_DATASET)
    async with guru_connected(fake, clock) as kb:
        yield fake, kb


@asynccontextmanager
async def _intercom(clock: VirtualClock) -> AsyncIterator[Opened]:
    fake = fake_on(clock)
    async with support_on(fake, clock) as support:
        yield fake, support


def _unauthorized(fake: Any) -> str:
    fake.unauthorized = True
    return str(fake.token)


def _another_token(fake: Any) -> str:
    sent, fake.token = fake.token, "ntn_another"
    return str(sent)


def _queue_failures(fake: Any, statuses: list[int]) -> None:
    fake.fail_next = statuses


def _notion_failures(fake: Any, statuses: list[int]) -> None:
    for status in statuses:
        fake.fail_next(status)


GURU = FailingVendor(
    name="guru",
    opened=_guru,
    search=lambda kb: kb.search_articles("webhook"),
    found=["Webhook delivery troubleshooting", "Webhook signature mismatch"],
    name_of=lambda article: article.title,
    searches=lambda fake: len(fake.searches()),
    requests_per_search=1,
    endpoint="GET /api/v1/search/query",
    reject_token=_unauthorized,
    token_variable="GURU_USER and GURU_API_TOKEN",
    rejection="Authentication is required",
    fail_next=_queue_failures,
    limit_forever=lambda fake: setattr(fake, "rate_limit_next", 10_000),
    limit_wait=1.0,
    gives_up_within=(0.0, 60.0),
    cut_short=lambda fake: setattr(fake, "malformed_next", ["html"]),
    spoiled="that is not JSON",
)
INTERCOM = FailingVendor(
    name="intercom",
    opened=_intercom,
    search=lambda support: support.search_tickets("CANARY_QUARTZ_FALCON"),
    found=["101"],
    name_of=lambda ticket: ticket.id,
    searches=lambda fake: len(fake.requests_to("/conversations/search", "POST")),
    requests_per_search=1,
    endpoint="POST /conversations/search",
    reject_token=_unauthorized,
    token_variable="INTERCOM_ACCESS_TOKEN",
    rejection="Access Token Invalid [unauthorized]",
    fail_next=_queue_failures,
    limit_forever=lambda fake: setattr(fake, "rate_limited_next", 1_000),
    limit_wait=10.0,
    gives_up_within=(55.0, 75.0),
    cut_short=lambda fake: setattr(fake, "malformed_next", 1),
    spoiled="that is not JSON",
)
NOTION = FailingVendor(
    name="notion",
    opened=notion_on,
    search=lambda kb: kb.search_articles("signature"),
    found=["Webhook signature mismatch"],
    name_of=lambda article: article.title,
    searches=lambda fake: len(fake.requests_to("/v1/search")),
    requests_per_search=2,
    endpoint="POST /v1/search",
    reject_token=_another_token,
    token_variable="NOTION_TOKEN",
    rejection="API token is invalid",
    fail_next=_notion_failures,
    limit_forever=lambda fake: fake.fail_next(429, count=1_000),
    limit_wait=1.0,
    gives_up_within=(0.0, 60.0),
    cut_short=lambda fake: fake.malformed_next(),
    spoiled="of an unexpected shape",
)
VENDORS = [
    pytest.param(GURU, id="guru"),
    pytest.param(INTERCOM, id="intercom"),
    pytest.param(NOTION, id="notion"),
]


@pytest.mark.parametrize("vendor", VENDORS)
async def test_a_rejected_token_is_an_auth_error_naming_the_variable_never_the_token(
    vendor: FailingVendor,
) -> None:
    async with vendor.opened(VirtualClock()) as (fake, connector):
        sent = vendor.reject_token(fake)
        with pytest.raises(AuthError, match=vendor.token_variable) as info:
            await connector.check()
    assert vendor.rejection in str(info.value) and sent not in str(info.value)
    assert info.value.system == vendor.name and len(fake.calls) == 1


@pytest.mark.parametrize("vendor", VENDORS)
async def test_a_5xx_is_retried_and_then_succeeds(vendor: FailingVendor) -> None:
    async with vendor.opened(VirtualClock()) as (fake, connector):
        vendor.fail_next(fake, [503, 500])
        page = await vendor.search(connector)
    assert [vendor.name_of(item) for item in page.items] == vendor.found
    assert vendor.searches(fake) == 2 + vendor.requests_per_search


@pytest.mark.parametrize("vendor", VENDORS)
async def test_5xx_after_retries_is_an_upstream_error_naming_the_endpoint(vendor: FailingVendor) -> None:
    async with vendor.opened(VirtualClock()) as (fake, connector):
        vendor.fail_next(fake, [502, 503, 500])
        with pytest.raises(UpstreamError, match=re.escape(f"{vendor.endpoint} failed with HTTP 500")) as info:
            await vendor.search(connector)
    assert info.value.status == 500 and vendor.searches(fake) == 3


@pytest.mark.parametrize("vendor", VENDORS)
async def test_a_spoiled_body_is_an_upstream_error_naming_the_endpoint(vendor: FailingVendor) -> None:
    async with vendor.opened(VirtualClock()) as (fake, connector):
        vendor.cut_short(fake)
        with pytest.raises(
            UpstreamError, match=re.escape(f"{vendor.endpoint} returned a body {vendor.spoiled}")
        ):
            await vendor.search(connector)


@pytest.mark.parametrize("vendor", VENDORS)
async def test_a_rate_limit_that_never_lifts_is_a_rate_limited_error_naming_the_endpoint(
    vendor: FailingVendor,
) -> None:
    clock = VirtualClock()
    async with vendor.opened(clock) as (fake, connector):
        vendor.limit_forever(fake)
        with pytest.raises(
            RateLimitedError, match=re.escape(f"{vendor.name} is rate limiting requests to {vendor.endpoint}")
        ) as info:
            await vendor.search(connector)
    assert info.value.retry_after == vendor.limit_wait and vendor.searches(fake) > 1
    least, most = vendor.gives_up_within
    assert least <= clock.elapsed <= most
