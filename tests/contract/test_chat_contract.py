"""Contract: every Chat backend finds messages and threads the same way."""

from __future__ import annotations

from typing import Any

import pytest

from customer_escalation.connectors.base import Chat
from customer_escalation.connectors.errors import InvalidQueryError, NotFoundError

from .conftest import require_writes, written_once
from .dataset import THREAD_ROOT

pytestmark = pytest.mark.anyio


async def test_backend_satisfies_the_protocol(chat: Any) -> None:
    assert isinstance(chat, Chat)


async def test_search_finds_a_message_with_its_channel(chat: Any) -> None:
    page = await chat.search_messages("CANARY_AMBER_LYNX")
    assert len(page.items) == 1
    message = page.items[0]
    assert message.channel_name == "support-escalations"
    assert message.reply_count == 2
    assert message.text.startswith("Northwind webhooks failing")


async def test_search_can_be_limited_to_one_channel(chat: Any) -> None:
    everywhere = await chat.search_messages("webhooks")
    assert {m.channel_name for m in everywhere.items} == {"support-escalations", "ext-northwind"}
    shared = await chat.search_messages("webhooks", channel="ext-northwind")
    assert {m.channel_name for m in shared.items} == {"ext-northwind"}


async def test_get_thread_returns_root_and_replies_in_order(chat: Any) -> None:
    found = (await chat.search_messages("CANARY_AMBER_LYNX")).items[0]
    thread = await chat.get_thread(found.channel_id, found.thread_id or found.id)
    assert thread.root.text == THREAD_ROOT.text
    assert [r.text for r in thread.replies] == [
        "Yes, the delivery workers restarted at 06:55; looking.",
        "Rolled back the worker image, watching.",
    ]


async def test_unknown_thread_raises_not_found(chat: Any) -> None:
    found = (await chat.search_messages("CANARY_AMBER_LYNX")).items[0]
    with pytest.raises(NotFoundError):
        await chat.get_thread(found.channel_id, "1111111111.000000")


async def test_a_forged_cursor_is_rejected(chat: Any) -> None:
    with pytest.raises(InvalidQueryError):
        await chat.search_messages("webhooks", cursor="%%%")


async def test_post_message_is_written_once_per_idempotency_key(
    chat: Any, request: pytest.FixtureRequest
) -> None:
    require_writes(request, "chat")
    await written_once(
        lambda: chat.post_message(
            "support-escalations", "Escalation posted CANARY_POST_1", idempotency_key="p-1"
        )
    )


async def test_post_to_unknown_channel_raises_not_found(chat: Any, request: pytest.FixtureRequest) -> None:
    require_writes(request, "chat")
    with pytest.raises(NotFoundError):
        await chat.post_message("no-such-channel", "hello", idempotency_key="p-2")
