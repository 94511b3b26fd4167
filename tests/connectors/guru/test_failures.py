"""Guru's own failures mapped to the connector errors: rate limits, missing cards, bad requests,
refusals and bodies of the wrong shape (rejected credentials, outages, limits that never lift and
bodies cut short are in test_vendor_failures.py)."""

from __future__ import annotations

import httpx2
import pytest

from customer_escalation.connectors.errors import (
    InvalidQueryError,
    NotFoundError,
    PermissionDeniedError,
    UpstreamError,
)
from tests.contract.dataset import CONTRACT_DATASET
from tests.fakes.clock import VirtualClock
from tests.fakes.guru import GuruFake

from .conftest import connected, numbered, scripted

pytestmark = pytest.mark.anyio


async def test_check_reads_the_team() -> None:
    fake = GuruFake(CONTRACT_DATASET)
    async with connected(fake) as kb:
        await kb.check()
    assert [call.path for call in fake.calls] == ["/api/v1/teams"]


async def test_a_rate_limit_waits_as_long_as_guru_says_then_paces_the_burst() -> None:
    clock = VirtualClock()
    fake = GuruFake(numbered(6), page_size=1, clock=clock.monotonic)
    fake.rate_limit = 2
    async with connected(fake, clock) as kb:
        page = await kb.search_articles("ledger", limit=6)
    assert len(page.items) == 6 and fake.rate_limited >= 1
    assert clock.sleeps and all(0 < s <= 1.0 for s in clock.sleeps)


async def test_a_429_without_a_delay_is_retried_after_a_second() -> None:
    clock = VirtualClock()
    fake = GuruFake(CONTRACT_DATASET)
    fake.rate_limit_next = 2
    async with connected(fake, clock) as kb:
        [hit] = (await kb.search_articles("CANARY_IVORY_MOTH")).items
    assert hit.title == "Webhook signature mismatch"
    assert clock.sleeps == [1.0, 1.0] and len(fake.calls) == 3


async def test_an_unknown_card_is_not_found_and_a_malformed_id_is_never_sent() -> None:
    fake = GuruFake(CONTRACT_DATASET)
    async with connected(fake) as kb:
        with pytest.raises(NotFoundError, match="search for it instead"):
            await kb.get_article("6f0e2a9b-0000-4c1d-9a7e-3b5c8d2f1e40")
        with pytest.raises(NotFoundError, match="not a Guru card id"):
            await kb.get_article("../teams")
    assert len(fake.calls) == 1


async def test_a_rejected_request_is_an_invalid_query_with_gurus_description() -> None:
    body = {"description": "Invalid search   terms"}
    async with scripted(lambda request: httpx2.Response(400, json=body)) as kb:
        with pytest.raises(InvalidQueryError, match="Invalid search terms"):
            await kb.search_articles("ledger")


async def test_a_refusal_is_permission_denied() -> None:
    fake = GuruFake(CONTRACT_DATASET)
    fake.fail_next = [403]
    async with connected(fake) as kb:
        with pytest.raises(PermissionDeniedError, match="could not be completed"):
            await kb.search_articles("ledger")


async def test_a_body_of_another_shape_is_an_upstream_error_naming_the_endpoint() -> None:
    fake = GuruFake(CONTRACT_DATASET)
    fake.malformed_next = ["shape"]
    async with connected(fake) as kb:
        with pytest.raises(UpstreamError, match="/api/v1/search/query"):
            await kb.search_articles("webhook")


async def test_a_card_without_its_date_is_an_upstream_error() -> None:
    card = {"id": "c1", "preferredPhrase": "No date", "content": "<p>x</p>"}
    async with scripted(lambda request: httpx2.Response(200, json=card)) as kb:
        with pytest.raises(UpstreamError, match=r"cards/\{id\}/extended.*lastModified"):
            await kb.get_article("c1")
