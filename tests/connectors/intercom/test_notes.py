"""Internal notes: Intercom's note reply, written once per idempotency key, refused when writes are off."""

from __future__ import annotations

from typing import Any

import pytest

from customer_escalation.connectors.errors import InvalidQueryError, UpstreamError, WriteRefusedError
from customer_escalation.connectors.intercom.notes import note_marker
from tests.fakes.clock import VirtualClock
from tests.fakes.intercom import DEFAULT_ADMIN_ID, IntercomFake

from .conftest import fake_on, support_on

pytestmark = pytest.mark.anyio
REPLY = "/conversations/102/reply"


async def test_a_note_is_an_admin_note_reply_with_its_marker() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    async with support_on(fake, clock) as support:
        receipt = await support.add_internal_note(
            "102", "Escalated <to> eng.\n\nSee ENG-42.", idempotency_key="k-1"
        )
        ticket = await support.get_ticket("102")
    (call,) = fake.requests_to(REPLY, "POST")
    marker = note_marker("k-1")
    assert call.body == {
        "message_type": "note",
        "type": "admin",
        "admin_id": DEFAULT_ADMIN_ID,
        "body": f"<p>Escalated &lt;to&gt; eng.</p><p>See ENG-42.</p><p>{marker}</p>",
    }
    assert receipt.created is True and receipt.ref.id == fake.notes("102")[0]["id"]
    (note,) = [c for c in ticket.comments if not c.public]
    assert note.body == f"Escalated <to> eng.\n\nSee ENG-42.\n\n{marker}"
    assert note.author.role == "agent" and note.id == receipt.ref.id


async def test_the_same_key_writes_once_and_another_key_writes_again() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    async with support_on(fake, clock) as support:
        first = await support.add_internal_note("102", "Escalated.", idempotency_key="k-1")
        again = await support.add_internal_note("102", "Escalated.", idempotency_key="k-1")
        other = await support.add_internal_note("102", "Escalated.", idempotency_key="k-2")
    assert (first.created, again.created, other.created) == (True, False, True)
    assert again.ref == first.ref and other.ref.id != first.ref.id
    assert len(fake.requests_to(REPLY, "POST")) == 2 and len(fake.notes("102")) == 2


async def test_a_restarted_process_finds_the_note_it_wrote_before() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    async with support_on(fake, clock) as support:
        first = await support.add_internal_note("102", "Escalated.", idempotency_key="k-1")
    async with support_on(fake, clock) as restarted:
        again = await restarted.add_internal_note("102", "Escalated.", idempotency_key="k-1")
    assert again.created is False and again.ref == first.ref


def _reply_fails(fake: IntercomFake, status: int, *, stored: bool) -> Any:
    """The fake's app, except that a reply is answered with `status`, after storing it when `stored`."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].endswith("/reply"):
            await fake.app(scope, receive, send)
            return

        async def swallow(message: Any) -> None:
            return None

        if stored:
            await fake.app(scope, receive, swallow)
        await send(
            {"type": "http.response.start", "status": status, "headers": [(b"content-type", b"text/html")]}
        )
        await send({"type": "http.response.body", "body": b"<html>Bad gateway</html>"})

    return app


async def test_a_note_stored_before_a_gateway_error_is_reported_written_once() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    async with support_on(fake, clock, app=_reply_fails(fake, 502, stored=True)) as support:
        receipt = await support.add_internal_note("102", "Escalated.", idempotency_key="k-1")
    assert receipt.created is True and receipt.ref.id == fake.notes("102")[0]["id"]
    assert len(fake.notes("102")) == 1  # a write is never repeated


async def test_a_note_that_failed_and_was_not_stored_is_an_upstream_error() -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    async with support_on(fake, clock, app=_reply_fails(fake, 503, stored=False)) as support:
        with pytest.raises(UpstreamError, match="HTTP 503"):
            await support.add_internal_note("102", "Escalated.", idempotency_key="k-1")
    assert fake.notes("102") == []
    assert [c.path for c in fake.calls].count("/conversations/102") == 2  # read before and after


@pytest.mark.parametrize(
    ("options", "pattern"),
    [
        ({"allow_writes": False}, "turned off"),
        ({"admin_id": None}, "INTERCOM_ADMIN_ID"),
    ],
)
async def test_writes_turned_off_or_without_an_author_are_refused_before_any_request(
    options: dict[str, Any], pattern: str
) -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    async with support_on(fake, clock, **options) as support:
        with pytest.raises(WriteRefusedError, match=pattern):
            await support.add_internal_note("102", "Escalated.", idempotency_key="k-1")
    assert fake.calls == []


@pytest.mark.parametrize(("body", "key"), [("", "k"), ("\u200b \n", "k"), ("text", "  ")])
async def test_an_empty_note_or_key_is_refused(body: str, key: str) -> None:
    clock = VirtualClock()
    fake = fake_on(clock)
    async with support_on(fake, clock) as support:
        with pytest.raises(InvalidQueryError):
            await support.add_internal_note("102", body, idempotency_key=key)
    assert fake.requests_to(REPLY, "POST") == []
