"""Contract: every SupportPlatform backend answers the same questions the same way."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from customer_escalation.connectors.base import SupportPlatform
from customer_escalation.connectors.errors import InvalidQueryError, NotFoundError

from .conftest import require_feature, require_writes, written_once
from .dataset import NOW, TICKETS, WEBHOOK_TICKET_IDS

pytestmark = pytest.mark.anyio


def _same_instant(a: Any, b: Any) -> bool:
    return abs(a - b) < timedelta(seconds=1)


async def test_backend_satisfies_the_protocol(support: Any) -> None:
    assert isinstance(support, SupportPlatform)
    assert support.system


async def test_get_ticket_returns_the_record_with_its_conversation(support: Any) -> None:
    expected = TICKETS[0]
    ticket = await support.get_ticket("101")
    assert ticket.id == "101"
    assert ticket.subject == expected.subject
    assert "CANARY_QUARTZ_FALCON" in ticket.description
    assert ticket.status == "open"
    assert ticket.priority == "urgent"
    assert ticket.organization is not None
    assert ticket.organization.name == "Northwind Traders"
    assert ticket.requester.email == "sam.reed@northwind.example"
    assert _same_instant(ticket.created_at, expected.created_at)
    assert ticket.created_at.utcoffset() == timedelta(0)
    bodies = [c.body for c in ticket.comments]
    assert any("CANARY_COBALT_OTTER" in body for body in bodies)
    assert ticket.ref.id == "101"


async def test_get_ticket_carries_sla_metrics(support: Any, request: pytest.FixtureRequest) -> None:
    require_feature(request, "support", "sla_deadlines")
    ticket = await support.get_ticket("101")
    by_metric = {s.metric: s for s in ticket.sla}
    assert set(by_metric) >= {"first_reply", "next_reply"}
    assert by_metric["next_reply"].fulfilled_at is None
    assert _same_instant(by_metric["next_reply"].breach_at, NOW - timedelta(hours=1))
    assert by_metric["first_reply"].fulfilled_at is not None


async def test_unknown_ticket_raises_not_found(support: Any) -> None:
    with pytest.raises(NotFoundError):
        await support.get_ticket("999999")


async def test_search_finds_a_ticket_by_text_in_its_description(support: Any) -> None:
    page = await support.search_tickets("CANARY_QUARTZ_FALCON")
    assert "101" in [t.id for t in page.items]


async def test_search_finds_a_ticket_by_text_in_a_comment(
    support: Any, request: pytest.FixtureRequest
) -> None:
    require_feature(request, "support", "comment_search")
    page = await support.search_tickets("CANARY_COBALT_OTTER")
    assert [t.id for t in page.items] == ["101"]


async def test_search_without_a_match_is_empty_not_an_error(support: Any) -> None:
    page = await support.search_tickets("zzqqxx_no_such_word")
    assert page.items == ()
    assert page.next_cursor is None


async def test_search_filters_by_status(support: Any) -> None:
    page = await support.search_tickets("webhook", status=["solved", "closed"])
    ids = {t.id for t in page.items}
    assert ids == {"105"}


async def test_search_filters_by_updated_since(support: Any) -> None:
    page = await support.search_tickets("webhook", since=NOW - timedelta(days=3))
    assert {t.id for t in page.items} == {"101", "102", "104"}


async def test_search_filters_by_organization(support: Any) -> None:
    first = await support.get_ticket("101")
    assert first.organization is not None
    page = await support.search_tickets("webhook", organization_id=first.organization.id)
    assert {t.id for t in page.items} == {"101", "105"}


async def test_pagination_walks_every_match_once(support: Any) -> None:
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        page = await support.search_tickets("webhook", limit=2, cursor=cursor)
        assert len(page.items) <= 2
        seen.extend(t.id for t in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen))
    assert set(seen) >= WEBHOOK_TICKET_IDS


async def test_a_forged_cursor_is_rejected(support: Any) -> None:
    with pytest.raises(InvalidQueryError):
        await support.search_tickets("webhook", cursor="not-a-cursor")


async def test_a_cursor_from_another_query_is_rejected(support: Any) -> None:
    page = await support.search_tickets("webhook", limit=1)
    assert page.next_cursor is not None
    with pytest.raises(InvalidQueryError):
        await support.search_tickets("invoice", limit=1, cursor=page.next_cursor)


async def test_a_limit_below_one_is_rejected(support: Any) -> None:
    with pytest.raises(InvalidQueryError):
        await support.search_tickets("webhook", limit=0)


async def test_internal_note_is_private_and_written_once(
    support: Any, request: pytest.FixtureRequest
) -> None:
    require_writes(request, "support")
    await written_once(
        lambda: support.add_internal_note(
            "102", "Escalated to engineering. CANARY_NOTE_1", idempotency_key="k-1"
        )
    )
    ticket = await support.get_ticket("102")
    notes = [c for c in ticket.comments if "CANARY_NOTE_1" in c.body]
    assert len(notes) == 1
    assert notes[0].public is False


async def test_internal_note_on_unknown_ticket_raises_not_found(
    support: Any, request: pytest.FixtureRequest
) -> None:
    require_writes(request, "support")
    with pytest.raises(NotFoundError):
        await support.add_internal_note("999999", "x", idempotency_key="k-2")
