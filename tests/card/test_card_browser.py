"""The brief card in a real browser: the distribution's Chromium, driven by Playwright, with the card in
a sandboxed iframe of a minimal MCP Apps host that relays its tool calls to the in-process server.

Skipped only when no Chromium is installed (`.ci/run` installs Debian's `chromium`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.async_playwright import Axe
from mcp import Client
from playwright.async_api import Browser, async_playwright, expect

from customer_escalation.skill.card import CARD_URI, PREVIEW_TTL
from tests.card.harness import Host, chromium_path, launch
from tests.card.world import HOSTILE, World, open_world

CHROMIUM = chromium_path()
pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt-get install -y chromium)"),
]


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    assert CHROMIUM is not None
    async with async_playwright() as playwright:
        browser = await launch(playwright, CHROMIUM)
        yield browser
        await browser.close()


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with open_world(tmp_path) as world:
        yield world


@pytest.fixture
async def host(browser: Browser, world: World) -> AsyncIterator[Host]:
    context = await browser.new_context()
    page = await context.new_page()
    async with Client(world.server()) as client:
        host = await Host.open(page, client, CARD_URI)
        yield host
    await context.close()
    # the card's own script and style run under its policy without a single violation
    expected = host.expected_violation
    assert [v for v in host.policy_violations if not (expected and expected in v)] == []


async def test_the_card_renders_the_figures_with_their_records(host: Host, world: World) -> None:
    entry = world.record()
    await host.show(entry.id)
    card = host.card
    await expect(card.locator("#summary")).to_have_text(entry.summary)
    await expect(card.locator("#figures")).to_contain_text("$240,000 ARR")
    await expect(card.locator("#facts")).to_contain_text("Engineering (Integrations)")
    await expect(card.locator("#facts")).to_contain_text("Breached: ticket 101")
    await expect(card.locator("#records")).to_contain_text("ticket:101")
    await expect(card.locator("#records")).to_contain_text("account:northwind")
    await expect(card.locator("#steps > li")).to_have_count(5)
    # the card's stylesheet applied under the hash policy
    assert await card.locator("main").evaluate("m => getComputedStyle(m).maxWidth") == "760px"
    # only the http(s) link gets an Open button, and it goes through the host
    await card.get_by_role("button", name="Open Ticket 101").click()
    await host.page.wait_for_function("window.links.length === 1")
    assert await host.page.evaluate("window.links") == ["https://support.example/t/101"]
    await expect(card.get_by_role("button", name="Open Pasted link")).to_have_count(0)


async def test_hostile_customer_text_is_literal_text_and_nothing_is_called_on_load(
    host: Host, world: World
) -> None:
    entry = world.record()
    await host.show(entry.id)
    card = host.card
    impact = card.locator("#figures dd", has_text="Blocked")
    await expect(impact).to_contain_text(HOSTILE)
    await expect(card.locator("img")).to_have_count(0)
    await expect(card.locator("strong, a")).to_have_count(0)
    # a later host notification is handled too; still not a single tool call, model update or link
    await host.page.evaluate("window.changeContext()")
    await host.page.evaluate("window.changeContext()")
    assert await host.calls() == []
    assert await host.model_context() == []
    assert await host.page.evaluate("window.refusedCalls") == []
    # even markup slipped into the page could not run: the policy refuses inline handlers
    host.expected_violation = "inline event handler"
    await host.frame.evaluate(
        "document.addEventListener('securitypolicyviolation', e => { window.refused = e.effectiveDirective; });"
        'document.body.insertAdjacentHTML(\'beforeend\', \'<img id="card-test-probe" src="x" '
        'onerror="window.probeRan = true">\')'
    )
    await host.frame.wait_for_function("window.refused === 'script-src-attr'")
    assert await host.frame.evaluate("window.probeRan === undefined")


async def test_preview_does_a_dry_run_and_execute_needs_the_confirmation_and_runs_once(
    host: Host, world: World
) -> None:
    entry = world.record()
    await host.show(entry.id)
    row = host.card.locator("#steps > li[data-step=chat_post]")
    await row.get_by_role("button", name="Preview").click()
    await expect(row.locator(".preview pre")).to_contain_text("[redacted email]")
    await expect(row.locator(".preview")).to_contain_text("Where: local channel support-escalations")
    await expect(host.card.locator("#status")).to_contain_text("Nothing was sent")
    assert await host.calls() == ["escalation_step_preview"]
    assert await world.posts() == []

    execute = row.get_by_role("button", name="Execute…")
    await execute.click()
    dialog = host.card.get_by_role("dialog")
    await expect(dialog).to_be_visible()
    await dialog.get_by_role("button", name="Cancel").click()
    await expect(dialog).to_be_hidden()
    await expect(execute).to_be_focused()
    assert await host.calls() == ["escalation_step_preview"]
    assert await world.posts() == []

    await execute.press("Enter")  # keyboard: open, then confirm
    await expect(dialog).to_be_visible()
    await dialog.get_by_role("button", name="Confirm and send").press("Enter")
    await expect(row.locator(".outcome")).to_contain_text("posted to support-escalations")
    await expect(row.get_by_role("button", name="Execute…")).to_have_count(0)
    assert await host.calls() == ["escalation_step_preview", "escalation_step_execute"]
    posts = await world.posts()
    assert len(posts) == 1 and "[redacted email]" in posts[0].text
    await host.page.wait_for_function("window.modelContext.length === 1")
    told = (await host.model_context())[0]["content"][0]["text"]
    assert entry.id in told and "executed" in told


async def test_execute_with_a_stale_preview_is_refused_and_sends_nothing(host: Host, world: World) -> None:
    entry = world.record()
    await host.show(entry.id)
    row = host.card.locator("#steps > li[data-step=internal_note]")
    await row.get_by_role("button", name="Preview").click()
    execute = row.get_by_role("button", name="Execute…")
    await expect(execute).to_be_visible()
    world.clock.advance(PREVIEW_TTL + timedelta(minutes=1))
    await execute.click()
    await host.card.get_by_role("button", name="Confirm and send").click()
    await expect(host.card.get_by_role("alert")).to_contain_text("expired")
    assert [a for a in world.history.actions(escalation_id=entry.id) if a.state == "done"] == []
    assert await host.model_context() == []


async def test_a_forged_token_from_the_page_is_refused(host: Host, world: World) -> None:
    world.record()
    await host.show(world.history.escalations()[0].id)
    result = await host.page.evaluate("relayTool('escalation_step_execute', {preview_token: 'forged'})")
    assert result["isError"] is True and "refused" in result["content"][0]["text"]
    assert await world.posts() == []


async def test_the_host_refuses_the_card_a_tool_that_is_not_for_apps(host: Host, world: World) -> None:
    entry = world.record()
    await host.show(entry.id)
    await host.page.evaluate("window.toolVisibility['escalation_step_preview'] = ['model']")
    row = host.card.locator("#steps > li[data-step=chat_post]")
    await row.get_by_role("button", name="Preview").click()
    await expect(host.card.get_by_role("alert")).to_contain_text("not available to apps")
    assert await host.page.evaluate("window.refusedCalls") == ["escalation_step_preview"]


async def test_the_card_passes_axe_with_a_preview_open(host: Host, world: World) -> None:
    entry = world.record()
    await host.show(entry.id)
    row = host.card.locator("#steps > li[data-step=tracker_issue]")
    await row.get_by_role("button", name="Preview").click()
    await expect(row.get_by_role("button", name="Execute…")).to_be_visible()
    results = await Axe().run(host.frame)
    assert results.violations_count == 0, results.generate_report()
