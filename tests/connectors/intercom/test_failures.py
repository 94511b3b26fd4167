"""Intercom's own failures mapped to the connector errors: plans, versions, rate limits, bad bodies
(rejected tokens, outages and limits that never lift are in test_vendor_failures.py)."""

from __future__ import annotations

import re

import httpx2
import pytest

from customer_escalation.connectors.errors import (
    InvalidQueryError,
    NotFoundError,
    PermissionDeniedError,
    UpstreamError,
)
from customer_escalation.connectors.intercom.policy import IntercomPolicy
from tests.fakes.clock import VirtualClock

from .conftest import fake_on, intercom_error, scripted, support_on

pytestmark = pytest.mark.anyio


async def test_a_plan_without_api_access_is_permission_denied() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    fake.plan_restricted = True
    async with support_on(fake, clock) as support:
        with pytest.raises(
            PermissionDeniedError, match=r"Active subscription needed. \[api_plan_restricted\]"
        ):
            await support.search_tickets("webhook")


async def test_an_unknown_api_version_is_an_invalid_query() -> None:
    clock = VirtualClock()
    async with support_on(fake_on(clock), clock, version="2.99") as support:
        with pytest.raises(InvalidQueryError, match="intercom_version_invalid"):
            await support.get_ticket("101")


async def test_a_rate_limit_waits_until_the_window_resets_then_succeeds() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    fake.rate_limit = 3
    async with support_on(fake, clock) as support:
        ticket = await support.get_ticket("101")  # conversation, contact, company: the window is full
        again = await support.get_ticket("101")
    assert ticket == again
    assert [c.path for c in fake.calls].count("/conversations/101") == 3  # one refused with 429
    assert len(fake.calls) == 7  # the only refusal: afterwards the client keeps to the window's pace
    assert clock.sleeps[0] == pytest.approx(10.0, abs=1.0)


def test_the_wait_is_the_reset_time_minus_now_and_never_retry_after() -> None:
    policy = IntercomPolicy("tok", wall_clock=lambda: 1_800_000_000.0)
    limited = httpx2.Response(429, headers={"X-RateLimit-Reset": "1800000007", "Retry-After": "1"})
    assert policy.retry_after(limited) == pytest.approx(7.0)
    past = httpx2.Response(429, headers={"X-RateLimit-Reset": "1799999990"})
    assert policy.retry_after(past) == 0.0
    skewed = httpx2.Response(429, headers={"X-RateLimit-Reset": "1800009999"})
    assert policy.retry_after(skewed) is None
    assert policy.retry_after(httpx2.Response(429)) is None


async def test_a_body_cut_short_is_an_upstream_error() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    fake.malformed_next = 1
    async with support_on(fake, clock) as support:
        with pytest.raises(
            UpstreamError, match=re.escape("GET /conversations/{id} returned a body that is not JSON")
        ):
            await support.get_ticket("101")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "conversation.list", "conversations": {"id": "1"}}, "conversations"),
        (
            {"type": "conversation.list", "conversations": [{"id": "1", "state": "open"}]},
            "conversations.0.created_at",
        ),
        ({"type": "conversation.list", "conversations": [{"id": True}]}, "conversations.0.id"),
        (["not", "an", "object"], "body"),
    ],
)
async def test_a_body_of_another_shape_is_an_upstream_error_naming_the_field(
    body: object, field: str
) -> None:
    async with scripted(lambda request: httpx2.Response(200, json=body)) as support:
        with pytest.raises(
            UpstreamError, match="POST /conversations/search returned a body of an unexpected shape"
        ) as info:
            await support.search_tickets("webhook")
    assert field in str(info.value)


async def test_a_missing_conversation_is_not_found_and_a_deleted_contact_is_no_requester() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    contact_id = fake.conversations["102"]["contacts"]["contacts"][0]["id"]
    del fake.contacts[contact_id]
    async with support_on(fake, clock) as support:
        with pytest.raises(NotFoundError, match="no Intercom conversation 999"):
            await support.get_ticket("999")
        ticket = await support.get_ticket("102")
    assert ticket.requester.email == "ada.chen@contoso.example"  # the opening message's author
    assert ticket.organization is None


async def test_a_server_error_body_gives_its_reason() -> None:
    answer = intercom_error(400, "parameter_invalid", "per_page must be at most 150")
    async with scripted(lambda request: answer) as support:
        with pytest.raises(InvalidQueryError, match=r"per_page must be at most 150 \[parameter_invalid\]"):
            await support.search_tickets("x")


async def test_an_error_body_that_echoes_the_token_is_scrubbed() -> None:
    def echo(request: httpx2.Request) -> httpx2.Response:
        said = f"Bad request from {request.headers['authorization']}"
        return intercom_error(400, "parameter_invalid", said)

    async with scripted(echo) as support:
        with pytest.raises(InvalidQueryError) as info:
            await support.search_tickets("x")
    assert "tok_test" not in str(info.value) and "[parameter_invalid]" in str(info.value)
