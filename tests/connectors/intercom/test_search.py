"""Conversation search: the query Intercom is sent, cursor pages, the organization filter and team scope."""

from __future__ import annotations

from datetime import timedelta

import pytest

from customer_escalation.connectors.errors import InvalidQueryError, NotFoundError
from tests.connectors.paging import every_page, ids_of
from tests.contract.dataset import NOW
from tests.fakes.clock import VirtualClock
from tests.fakes.intercom import DEFAULT_TEAM_ID

from .conftest import fake_on, support_on

pytestmark = pytest.mark.anyio
SEARCH = "/conversations/search"


def _word(word: str) -> dict[str, object]:
    return {
        "operator": "OR",
        "value": [
            {"field": "source.subject", "operator": "~", "value": word},
            {"field": "source.body", "operator": "~", "value": word},
        ],
    }


async def test_filters_become_one_intercom_query_with_the_version_header() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    async with support_on(fake, clock, version="2.13") as support:
        page = await support.search_tickets(
            "Webhook  webhook retries!",
            status=["pending", "on_hold", "open"],
            since=NOW - timedelta(days=3),
            limit=7,
        )
    (call,) = fake.requests_to(SEARCH, "POST")
    assert call.version == "2.13"
    assert call.body == {
        "query": {
            "operator": "AND",
            "value": [
                _word("webhook"),
                _word("retries"),
                {"field": "state", "operator": "IN", "value": ["snoozed", "open"]},
                {"field": "updated_at", "operator": ">", "value": int((NOW - timedelta(days=3)).timestamp())},
            ],
        },
        "pagination": {"per_page": 7},
    }
    assert [t.id for t in page.items] == ["102"]


async def test_an_empty_query_lists_every_conversation_latest_update_first() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    async with support_on(fake, clock) as support:
        page = await support.search_tickets()
    assert fake.requests_to(SEARCH, "POST")[0].body["query"] == {
        "field": "created_at",
        "operator": ">",
        "value": 0,
    }
    assert [t.id for t in page.items] == ["101", "104", "102", "103", "105", "106"]
    assert page.total == 6 and page.next_cursor is None


async def test_pages_follow_intercoms_starting_after_until_the_last_page() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    async with support_on(fake, clock) as support:
        pages = await every_page(
            lambda cursor: support.search_tickets("webhook", limit=3, cursor=cursor), most=10
        )
    assert ids_of(pages) == ["101", "104", "102", "105"]
    afters = [c.body["pagination"].get("starting_after") for c in fake.requests_to(SEARCH, "POST")]
    assert afters[0] is None and afters[1] is not None and len(afters) == 2


async def test_a_cursor_is_refused_for_another_query_or_when_edited() -> None:
    clock = VirtualClock()
    async with support_on(fake_on(clock), clock) as support:
        page = await support.search_tickets("webhook", limit=1)
        assert page.next_cursor is not None
        with pytest.raises(InvalidQueryError, match="different query"):
            await support.search_tickets("webhook", status=["open"], limit=1, cursor=page.next_cursor)
        with pytest.raises(InvalidQueryError):
            await support.search_tickets("webhook", cursor=page.next_cursor[:-4])


async def test_an_organization_filter_searches_the_companys_contacts() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    company = fake.company_id("contoso")
    async with support_on(fake, clock) as support:
        page = await support.search_tickets("webhook", organization_id=company)
        with pytest.raises(InvalidQueryError, match="no Intercom company"):
            await support.search_tickets("webhook", organization_id="0123456789abcdef01234567")
    assert {t.id for t in page.items} == {"102", "104"}
    contact_filter = fake.requests_to(SEARCH, "POST")[0].body["query"]["value"][-1]
    assert contact_filter["field"] == "contact_ids" and contact_filter["operator"] == "="


async def test_team_scope_narrows_searches_and_hides_other_teams_conversations() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    fake.set_team("104", "5300002")
    async with support_on(fake, clock, team_ids=(DEFAULT_TEAM_ID,)) as support:
        page = await support.search_tickets("webhook")
        with pytest.raises(NotFoundError):
            await support.get_ticket("104")
        with pytest.raises(NotFoundError):
            await support.add_internal_note("104", "x", idempotency_key="k")
    assert {t.id for t in page.items} == {"101", "102", "105"}
    team_filter = fake.requests_to(SEARCH, "POST")[0].body["query"]["value"][-1]
    assert team_filter == {"field": "team_assignee_id", "operator": "=", "value": int(DEFAULT_TEAM_ID)}
    assert fake.requests_to("/conversations/104/reply", "POST") == []


@pytest.mark.parametrize("ticket_id", ["abc", "12/../me", "", "１２"])
async def test_an_id_that_cannot_be_a_conversation_is_not_found_without_a_request(ticket_id: str) -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    async with support_on(fake, clock) as support:
        with pytest.raises(NotFoundError, match="conversation ids are numbers"):
            await support.get_ticket(ticket_id)
    assert fake.calls == []


async def test_an_unknown_status_is_refused() -> None:
    clock = VirtualClock()
    async with support_on(fake_on(clock), clock) as support:
        with pytest.raises(InvalidQueryError, match="unknown ticket status"):
            await support.search_tickets("x", status=["escalated"])  # type: ignore[list-item]
