"""Screenshots of the brief card for the documentation: the card, and the card with a preview open.

Builds the demo workspace, records the demo escalation with the offline model through the command
line, serves it with the MCP server in process, and shows the card in the distribution's Chromium
under the test host. Writes docs/card/card.png and docs/card/card-preview.png.

    .venv/bin/python scripts/card_screenshots.py
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mcp import Client  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402

from customer_escalation.connectors.base import Registry  # noqa: E402
from customer_escalation.connectors.local import LocalWorkspace  # noqa: E402
from customer_escalation.connectors.local.history_store import SqliteHistoryStore  # noqa: E402
from customer_escalation.skill.actions import WriteRules  # noqa: E402
from customer_escalation.skill.card import CARD_URI  # noqa: E402
from customer_escalation.skill.policy_config import load_policy  # noqa: E402
from customer_escalation.skill.server import build_server  # noqa: E402
from tests.card.harness import Host, chromium_path, launch  # noqa: E402

ISSUE = "SSO login loop affecting all Enterprise customers"
OUT = ROOT / "docs" / "card"
RULES = WriteRules(channels=("support-escalations",), projects=("ENG",))


def record_demo_escalation(workspace: Path) -> None:
    """The demo workspace, and the demo issue's brief recorded in its history by the command line."""
    cli = Path(sys.executable).with_name("customer-escalation")
    run = partial(subprocess.run, check=True, capture_output=True)
    run([cli, "workspace", "init", "--workspace", workspace])
    run([cli, "brief", ISSUE, "--workspace", workspace, "--model", "offline"])


async def screenshots(workspace: Path) -> None:
    chromium = chromium_path()
    if chromium is None:
        raise SystemExit("no Chromium: apt-get install -y chromium")
    local = LocalWorkspace.open(workspace, create_demo=False)
    history = SqliteHistoryStore.open(workspace)
    entry = history.escalations(limit=1)[0]
    server = build_server(
        Registry(local, local, local, local, local), policy=load_policy(), history=history, writes=RULES
    )
    OUT.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright, Client(server) as client:
        browser = await launch(playwright, chromium)
        page = await browser.new_page(viewport={"width": 820, "height": 940})
        host = await Host.open(page, client, CARD_URI)
        await host.show(entry.id)
        await host.card.locator("#steps > li").first.wait_for()
        await shoot(host, OUT / "card.png")
        row = host.card.locator("#steps > li[data-step=chat_post]")
        await row.get_by_role("button", name="Preview").click()
        await row.get_by_role("button", name="Execute…").wait_for()
        await shoot(host, OUT / "card-preview.png")
        await browser.close()
    history.close()
    await local.aclose()


async def shoot(host: Host, path: Path) -> None:
    """The whole card: the frame grown to its content's height first."""
    height = await host.frame.evaluate("document.documentElement.scrollHeight")
    await host.page.set_viewport_size({"width": 820, "height": height + 40})
    await host.page.evaluate("h => { document.getElementById('app').height = h; }", height + 4)
    await host.page.locator("#app").screenshot(path=path)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder) / "demo.sqlite"
        record_demo_escalation(workspace)
        asyncio.run(screenshots(workspace))
    print(f"wrote {OUT / 'card.png'} and {OUT / 'card-preview.png'}")


if __name__ == "__main__":
    main()
