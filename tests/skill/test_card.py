"""The brief card's tools and resource through the SDK's in-memory client: the card is linked and
served as MCP Apps expects, showing it writes nothing, and only a fresh preview token executes, once,
exactly the previewed plan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from mcp import Client

from customer_escalation.skill.actions import WriteRules
from customer_escalation.skill.card import CARD_URI, PREVIEW_TTL, card_bundle, csp_hash
from customer_escalation.skill.card.build import build
from tests.card.world import CHANNEL_ID, CUSTOMER_EMAIL, RULES, World, open_world

pytestmark = pytest.mark.anyio

APP_MIME = "text/html;profile=mcp-app"


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with open_world(tmp_path) as world:
        yield world


@pytest.fixture
async def client(world: World) -> AsyncIterator[Client]:
    async with Client(world.server()) as c:
        yield c


async def _preview(client: Client, escalation_id: str, step: str = "chat_post") -> dict[str, object]:
    result = await client.call_tool("escalation_step_preview", {"escalation_id": escalation_id, "step": step})
    assert result.is_error is False, result.content
    assert result.structured_content is not None
    return result.structured_content


def _error(result: object) -> str:
    assert getattr(result, "is_error", False) is True
    return str(getattr(result, "content", [None])[0].text)  # type: ignore[union-attr]


async def test_the_show_tool_links_the_card_and_the_buttons_are_app_only(client: Client) -> None:
    tools = {t.name: t for t in (await client.list_tools()).tools}
    show = tools["escalation_brief_show"].meta or {}
    assert show["ui"] == {"resourceUri": CARD_URI}
    for name in ("escalation_step_preview", "escalation_step_execute"):
        assert (tools[name].meta or {})["ui"] == {"resourceUri": CARD_URI, "visibility": ["app"]}
    assert tools["escalation_brief_show"].annotations is not None
    assert tools["escalation_brief_show"].annotations.read_only_hint is True


async def test_the_card_is_served_as_an_app_with_no_network_destination(client: Client) -> None:
    listed = {str(r.uri): r for r in (await client.list_resources()).resources}
    assert listed[CARD_URI].mime_type == APP_MIME
    content = (await client.read_resource(CARD_URI)).contents[0]
    assert content.mime_type == APP_MIME
    html = getattr(content, "text", "")
    bundle = card_bundle()
    assert html == bundle.html
    assert f"script-src '{bundle.script_hash}'" in html and "connect-src 'none'" in html
    assert "unsafe-inline" not in html and "unsafe-eval" not in html
    csp = (content.meta or {})["ui"]["csp"]
    assert csp["connectDomains"] == [] and csp["resourceDomains"] == []


def test_the_build_hashes_exactly_the_inlined_script() -> None:
    bundle = build('<meta content="{csp}"><style>{style}</style><script>{script}</script>', "p{}", "go()")
    assert bundle.html.endswith("<script>go()</script>")
    assert bundle.script_hash == csp_hash("go()") != csp_hash("go() ")
    with pytest.raises(ValueError, match="closes its own element"):
        build("{csp}{style}{script}", "", "x('</script>')")


async def test_show_returns_the_whole_brief_as_text_and_the_card_view(client: Client, world: World) -> None:
    entry = world.record()
    result = await client.call_tool("escalation_brief_show", {"escalation_id": entry.id})
    assert result.is_error is False
    assert result.content[0].text == entry.brief.strip()  # type: ignore[union-attr]
    view = result.structured_content
    assert view is not None
    assert (view["escalation_id"], view["severity"], view["target"]) == (
        entry.id,
        "High",
        "Engineering (Integrations)",
    )
    figures = {f["label"]: f["value"] for f in view["figures"]}
    assert figures["Revenue at risk"] == "$240,000 ARR"
    records = {r["ref"]: r for r in view["records"] if "ref" in r}
    assert records["ticket:101"]["url"] == "https://support.example/t/101"
    assert "account:northwind" in records
    assert all(not r.get("url", "https:").startswith("javascript") for r in view["records"])
    assert [s["step"] for s in view["steps"] if s["available"]] == [
        "chat_post",
        "tracker_issue",
        "internal_note",
        "customer_update",
        "followups",
    ]
    labels = {s["step"]: s["label"] for s in view["steps"]}
    assert labels["chat_post"] == "chat post to support-escalations"
    assert labels["internal_note"] == "internal note on ticket 101"
    assert world.history.events(escalation_id=entry.id) == ()


async def test_show_offers_no_step_the_configuration_leaves_no_target_for(world: World) -> None:
    entry = world.record()
    async with Client(world.server(WriteRules())) as client:
        view = (
            await client.call_tool("escalation_brief_show", {"escalation_id": entry.id})
        ).structured_content
    assert view is not None
    steps = {s["step"]: s for s in view["steps"]}
    assert steps["chat_post"]["available"] is False
    assert "CUSTOMER_ESCALATION_WRITE_CHANNELS" in steps["chat_post"]["reason"]


async def test_an_unknown_escalation_is_a_tool_error(client: Client) -> None:
    text = _error(await client.call_tool("escalation_brief_show", {"escalation_id": "ESC-404"}))
    assert "ESC-404" in text


async def test_preview_sends_nothing_shows_the_redacted_text_and_where(client: Client, world: World) -> None:
    entry = world.record()
    shown = await _preview(client, entry.id)
    assert shown["where"] == "local channel support-escalations"
    assert CUSTOMER_EMAIL not in str(shown["content"]) and "[redacted email]" in str(shown["content"])
    assert shown["payload"] == {"channel": CHANNEL_ID, "text": shown["content"]}
    assert shown["preview_token"] and shown["expires_at"]
    assert await world.posts() == []
    assert [e.outcome for e in world.history.events(escalation_id=entry.id)] == ["preview"]


async def test_execute_runs_the_previewed_plan_once_and_refuses_the_token_after(
    client: Client, world: World
) -> None:
    entry = world.record()
    shown = await _preview(client, entry.id)
    done = await client.call_tool("escalation_step_execute", {"preview_token": shown["preview_token"]})
    assert done.is_error is False
    assert done.structured_content is not None and done.structured_content["status"] == "executed"
    posts = await world.posts()
    assert [p.text for p in posts] == [shown["content"]]
    again = _error(
        await client.call_tool("escalation_step_execute", {"preview_token": shown["preview_token"]})
    )
    assert "unknown or was used already" in again
    assert len(await world.posts()) == 1


async def test_a_second_preview_of_a_done_step_executes_as_a_skip(client: Client, world: World) -> None:
    entry = world.record()
    first = await _preview(client, entry.id, "internal_note")
    await client.call_tool("escalation_step_execute", {"preview_token": first["preview_token"]})
    second = await _preview(client, entry.id, "internal_note")
    assert "already done" in str(second["detail"])
    done = await client.call_tool("escalation_step_execute", {"preview_token": second["preview_token"]})
    assert done.structured_content is not None and done.structured_content["status"] == "skipped"


async def test_a_forged_token_is_refused(client: Client, world: World) -> None:
    world.record()
    text = _error(await client.call_tool("escalation_step_execute", {"preview_token": "forged-token"}))
    assert "refused" in text
    assert await world.posts() == []


async def test_a_stale_token_is_refused(client: Client, world: World) -> None:
    entry = world.record()
    shown = await _preview(client, entry.id)
    world.clock.advance(PREVIEW_TTL + timedelta(seconds=1))
    text = _error(
        await client.call_tool("escalation_step_execute", {"preview_token": shown["preview_token"]})
    )
    assert "expired" in text
    assert await world.posts() == []


async def test_a_preview_the_configuration_would_refuse_gets_no_token(world: World) -> None:
    entry = world.record()
    async with Client(world.server(WriteRules(channels=RULES.channels, read_only=True))) as client:
        shown = await _preview(client, entry.id)
    assert "CUSTOMER_ESCALATION_READ_ONLY" in str(shown["refusal"])
    assert "preview_token" not in shown


async def test_a_step_with_no_target_cannot_be_previewed(world: World) -> None:
    entry = world.record()
    async with Client(world.server(WriteRules())) as client:
        result = await client.call_tool(
            "escalation_step_preview", {"escalation_id": entry.id, "step": "tracker_issue"}
        )
    assert "CUSTOMER_ESCALATION_WRITE_PROJECTS" in _error(result)


async def test_a_deescalated_escalation_sends_nothing_from_an_earlier_preview(
    client: Client, world: World
) -> None:
    entry = world.record()
    shown = await _preview(client, entry.id)
    world.history.set_status(entry.id, "deescalated", reason="workaround")
    text = _error(
        await client.call_tool("escalation_step_execute", {"preview_token": shown["preview_token"]})
    )
    assert "deescalated" in text
    assert await world.posts() == []


async def test_follow_ups_preview_lists_the_reminders_and_execute_schedules_them(
    client: Client, world: World
) -> None:
    entry = world.record()
    shown = await _preview(client, entry.id, "followups")
    assert "internal at" in str(shown["content"])
    await client.call_tool("escalation_step_execute", {"preview_token": shown["preview_token"]})
    assert world.history.followups(escalation_id=entry.id)
