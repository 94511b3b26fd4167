"""The Slack response models against hand-written fixtures in the documented shape, and the fake against both.

Each fixture in ``tests/fixtures/vendors/slack`` is an answer of one Web API method, written in the shape
Slack's method documentation gives. The connector's models must read it, and the fake's answer to the
same method must read the same and carry the same keys in its top levels, so the fake cannot drift
from the documented shape. The connector also reads the documented answers end to end.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest
from pydantic import BaseModel

from customer_escalation.connectors._http import HttpApi
from customer_escalation.connectors.records import Channel, ChatMessage, Dataset
from customer_escalation.connectors.slack.connector import SlackChat
from customer_escalation.connectors.slack.models import (
    ChannelInfo,
    MessagePage,
    SearchAnswer,
    UserInfo,
)
from customer_escalation.connectors.slack.policy import SlackPolicy
from customer_escalation.connectors.slack.settings import BOT_TOKEN_VAR, DEFAULT_BASE_URL, USER_TOKEN_VAR
from customer_escalation.connectors.vendor import parse_body
from tests.connectors.builders import message
from tests.connectors.vendor_shapes import vendor_fixture
from tests.fakes.slack import BOT_TOKEN, USER_TOKEN, SlackFake

pytestmark = pytest.mark.anyio

MODELS: dict[str, type[BaseModel]] = {
    "search.messages": SearchAnswer,
    "conversations.replies": MessagePage,
    "conversations.history": MessagePage,
    "users.info": UserInfo,
    "conversations.info": ChannelInfo,
}
ONCALL = Channel(id="C5RT8PX2N", name="payments-oncall")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _fixture(method: str) -> Any:
    return vendor_fixture("slack", f"{method}.json")


def _parsed(method: str, body: Any) -> Any:
    return parse_body(MODELS[method], body, system="slack", endpoint=method)


def _shape(value: Any, depth: int = 3) -> Any:
    """The keys of `value` down to `depth` objects deep; a list stands for the shapes of its objects."""
    if isinstance(value, list):
        return [_shape(item, depth) for item in value if isinstance(item, dict)]
    if isinstance(value, dict) and depth > 0:
        return {key: _shape(item, depth - 1) for key, item in value.items()}
    return None


def _said(minutes: int, text: str, *, author: str, msg_id: str, thread: str | None = None) -> ChatMessage:
    return message(msg_id, ONCALL, text, at=START + timedelta(minutes=minutes), author=author, thread=thread)


def _world() -> Dataset:
    """Three top-level messages, the middle one a thread root with two replies."""
    return Dataset(
        channels=(ONCALL,),
        messages=(
            _said(0, "Morning handover done", author="Ines Varga", msg_id="m0"),
            _said(5, "Refund batch stuck in pending", author="Mira Okafor", msg_id="root"),
            _said(7, "Refund worker restarted twice", author="Tomas Reyes", msg_id="r1", thread="root"),
            _said(9, "Queue drained again", author="Mira Okafor", msg_id="r2", thread="root"),
            _said(12, "Status page updated", author="Tomas Reyes", msg_id="m4"),
        ),
    )


@pytest.fixture
async def fake_api() -> AsyncIterator[tuple[SlackFake, httpx2.AsyncClient]]:
    fake = SlackFake(_world())
    transport = httpx2.ASGITransport(app=fake.app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://127.0.0.1/api/") as client:
        yield fake, client


async def _fake_answer(fake: SlackFake, client: httpx2.AsyncClient, method: str) -> Any:
    """The fake's answer to `method`, asked so that it returns as many items as the fixture shows."""
    root_ts = fake.ts_of(ONCALL.id, "root")
    mira = next(user_id for user_id, user in fake.users.items() if user["name"] == "mira.okafor")
    params: dict[str, Any] = {
        "search.messages": {"query": "refund", "count": 20, "page": 1},
        "conversations.replies": {"channel": ONCALL.id, "ts": root_ts, "limit": 2},
        "conversations.history": {"channel": ONCALL.id, "limit": 2},
        "users.info": {"user": mira},
        "conversations.info": {"channel": ONCALL.id},
    }[method]
    token = USER_TOKEN if method == "search.messages" else BOT_TOKEN
    response = await client.get(method, params=params, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("method", sorted(MODELS))
def test_every_fixture_is_an_ok_answer_our_models_read(method: str) -> None:
    body = _fixture(method)
    assert body["ok"] is True
    assert isinstance(_parsed(method, body), MODELS[method])


def test_the_search_fixture_reads_paging_channels_and_a_bot_hit_without_a_user() -> None:
    answer = _parsed("search.messages", _fixture("search.messages"))
    assert (answer.messages.total, answer.messages.paging.pages) == (2, 1)
    first, bot = answer.messages.matches
    assert (first.channel.id, first.channel.name, first.user) == ("C5RT8PX2N", "payments-oncall", "U9KD3TQ7B")
    assert (bot.user, bot.username, bot.ts) == (None, "deploy-notifier", "1731413990.000300")


def test_the_thread_fixtures_read_reply_counts_and_cursors() -> None:
    replies = _parsed("conversations.replies", _fixture("conversations.replies"))
    assert [m.reply_count for m in replies.messages] == [2, None]
    assert replies.has_more is True
    assert replies.next_cursor == "bmV4dF90czoxNzMxNDEzMTAyMDAwODAw"
    history = _parsed("conversations.history", _fixture("conversations.history"))
    assert [m.thread_ts for m in history.messages] == [None, "1731412805.004200"]


def test_the_directory_fixtures_read_handles_and_channel_names() -> None:
    user = _parsed("users.info", _fixture("users.info")).user
    assert (user.name, user.real_name, user.profile.display_name) == ("mira.okafor", "Mira Okafor", "mira")
    assert _parsed("conversations.info", _fixture("conversations.info")).channel.name == "payments-oncall"


@pytest.mark.parametrize("method", sorted(MODELS))
async def test_the_fakes_answer_has_the_documented_shape(
    fake_api: tuple[SlackFake, httpx2.AsyncClient], method: str
) -> None:
    fake, client = fake_api
    answer = await _fake_answer(fake, client, method)
    _parsed(method, answer)
    assert _shape(answer) == _shape(_fixture(method))


def test_the_shape_comparison_notices_a_missing_or_extra_key() -> None:
    body = _fixture("conversations.history")
    assert _shape({**body, "latest": "1731414020.001100"}) != _shape(body)
    trimmed = {**body, "messages": [{k: v for k, v in m.items() if k != "team"} for m in body["messages"]]}
    assert _shape(trimmed) != _shape(body)


def _serving(answers: dict[str, Any]) -> httpx2.MockTransport:
    def handle(request: httpx2.Request) -> httpx2.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        return httpx2.Response(200, json=answers.get(method, {"ok": False, "error": "user_not_found"}))

    return httpx2.MockTransport(handle)


async def test_the_connector_maps_the_documented_search_answer() -> None:
    transport = _serving({"search.messages": _fixture("search.messages")})
    async with httpx2.AsyncClient(transport=transport) as client:
        chat = SlackChat(
            HttpApi(SlackPolicy(BOT_TOKEN, variable=BOT_TOKEN_VAR), base_url=DEFAULT_BASE_URL, client=client),
            search_api=HttpApi(
                SlackPolicy(USER_TOKEN, variable=USER_TOKEN_VAR), base_url=DEFAULT_BASE_URL, client=client
            ),
            reply_counts=False,
        )
        page = await chat.search_messages("gateway timeout")
    first, bot = page.items
    assert first.text == "Seeing a gateway timeout on refunds for @U4HN7ZC1E, retrying did not help"
    assert (first.author.name, first.channel_name, first.thread_id) == (
        "mira.okafor",
        "payments-oncall",
        None,
    )
    assert bot.text == "Rollback of the gateway finished & healthy"
    assert (bot.author.name, bot.thread_id) == ("deploy-notifier", "1731412805.004200")
    assert bot.created_at == datetime(2024, 11, 12, 12, 19, 50, 300, tzinfo=UTC)
    assert page.total == 2


async def test_blocks_of_unknown_shapes_are_left_out_and_the_rest_is_read() -> None:
    body = _fixture("conversations.replies")
    root = {
        **body["messages"][0],
        "text": "",
        "blocks": [
            "not a block",
            {
                "type": "actions",
                "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Ack"}}],
            },
            {"type": "section", "text": {"type": "mrkdwn", "text": "Refunds *paused*"}},
            {"type": "section", "text": "a string where an object belongs"},
        ],
    }
    transport = _serving(
        {
            "conversations.replies": {**body, "messages": [root], "has_more": False},
            "conversations.info": _fixture("conversations.info"),
            "auth.test": {"ok": True, "url": "https://lumenfield.slack.com/"},
        }
    )
    async with httpx2.AsyncClient(transport=transport) as client:
        chat = SlackChat(
            HttpApi(SlackPolicy(BOT_TOKEN, variable=BOT_TOKEN_VAR), base_url=DEFAULT_BASE_URL, client=client)
        )
        thread = await chat.get_thread("C5RT8PX2N", "1731412805.004200")
    assert thread.root.text == "Refunds *paused*"
    assert thread.root.reply_count == 2
    assert thread.root.ref.url == "https://lumenfield.slack.com/archives/C5RT8PX2N/p1731412805004200"
