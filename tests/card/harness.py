"""A minimal MCP Apps host for the card, driven by Playwright on the distribution's Chromium.

The host page puts the card in a sandboxed iframe (``allow-scripts`` only, so the card has an opaque
origin), answers ``ui/initialize``, pushes the tool input and result, and relays the card's
``tools/call`` to an in-process MCP `Client(server)` after checking that the tool is visible to apps.
It records every call, model-context update and link the card asks for.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from mcp import Client
from playwright.async_api import Browser, ConsoleMessage, Frame, FrameLocator, Page, Playwright

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test host</title></head>
<body>
<iframe id="app" title="Escalation card" sandbox="allow-scripts" width="800" height="900"></iframe>
<script>
  window.calls = []; window.refusedCalls = []; window.modelContext = []; window.links = [];
  window.initialized = false;
  const frame = document.getElementById("app");
  const post = (message) => frame.contentWindow.postMessage({ jsonrpc: "2.0", ...message }, "*");
  window.addEventListener("message", async (event) => {
    if (event.source !== frame.contentWindow) return;
    const m = event.data;
    if (!m || m.jsonrpc !== "2.0") return;
    if (m.method === "ui/initialize") {
      post({ id: m.id, result: {
        protocolVersion: m.params.protocolVersion,
        hostInfo: { name: "test-host", version: "1" },
        hostCapabilities: { serverTools: {}, openLinks: {}, updateModelContext: { text: {} } },
        hostContext: { theme: "light", displayMode: "inline" },
      } });
    } else if (m.method === "ui/notifications/initialized") {
      window.initialized = true;
    } else if (m.method === "tools/call") {
      const visibility = window.toolVisibility[m.params.name];
      if (!visibility || !visibility.includes("app")) {
        window.refusedCalls.push(m.params.name);
        post({ id: m.id, error: { code: -32601, message: "tool not available to apps" } });
        return;
      }
      window.calls.push(m.params.name);
      post({ id: m.id, result: await window.relayTool(m.params.name, m.params.arguments || {}) });
    } else if (m.method === "ui/update-model-context") {
      window.modelContext.push(m.params);
      post({ id: m.id, result: {} });
    } else if (m.method === "ui/open-link") {
      window.links.push(m.params.url);
      post({ id: m.id, result: {} });
    } else if (m.id !== undefined) {
      post({ id: m.id, error: { code: -32601, message: "method not found" } });
    }
  });
  window.pushToolResult = (input, result) => {
    post({ method: "ui/notifications/tool-input", params: { arguments: input } });
    post({ method: "ui/notifications/tool-result", params: result });
  };
  window.changeContext = () => post({ method: "ui/notifications/host-context-changed", params: { theme: "dark" } });
</script>
</body></html>
"""


def chromium_path() -> str | None:
    """The distribution's Chromium, when installed."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


async def launch(playwright: Playwright, executable: str) -> Browser:
    return await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)


def wire(result: Any) -> dict[str, Any]:
    """A tool result as it travels in JSON-RPC."""
    data: dict[str, Any] = json.loads(result.model_dump_json(by_alias=True, exclude_none=True))
    return data


class Host:
    """One host page with the card loaded from the server, talking to `client`."""

    def __init__(self, page: Page, client: Client) -> None:
        self.page = page
        self.client = client
        self.policy_violations: list[str] = []
        """Content-security-policy violations the browser reported."""
        self.expected_violation: str | None = None
        """The violation a test provokes on purpose."""
        page.on("console", self._on_console)

    def _on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.policy_violations.append(message.text)

    @classmethod
    async def open(cls, page: Page, client: Client, card_uri: str) -> Host:
        host = cls(page, client)
        await page.expose_function("relayTool", host._relay)
        await page.set_content(HOST_PAGE)
        tools = (await client.list_tools()).tools
        visibility = {
            t.name: ((t.meta or {}).get("ui") or {}).get("visibility", ["model", "app"]) for t in tools
        }
        await page.evaluate("v => { window.toolVisibility = v; }", visibility)
        html = (await client.read_resource(card_uri)).contents[0]
        await page.evaluate(
            "html => { document.getElementById('app').srcdoc = html; }", getattr(html, "text", "")
        )
        await page.wait_for_function("window.initialized === true")
        return host

    async def _relay(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        return wire(await self.client.call_tool(name, arguments))

    async def show(self, escalation_id: str) -> None:
        """Call `escalation_brief_show` as the model would and push its result to the card."""
        arguments = {"escalation_id": escalation_id}
        result = wire(await self.client.call_tool("escalation_brief_show", arguments))
        await self.page.evaluate("([a, r]) => window.pushToolResult(a, r)", [arguments, result])

    @property
    def card(self) -> FrameLocator:
        """The card, for locating its elements."""
        return self.page.frame_locator("#app")

    @property
    def frame(self) -> Frame:
        """The card's frame, for evaluating in it."""
        return next(f for f in self.page.frames if f.parent_frame is not None)

    async def calls(self) -> list[str]:
        calls: list[str] = await self.page.evaluate("window.calls")
        return calls

    async def model_context(self) -> list[dict[str, Any]]:
        context: list[dict[str, Any]] = await self.page.evaluate("window.modelContext")
        return context
