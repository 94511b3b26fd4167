"""The official MCP Inspector (a client written by others, in TypeScript) against our server.

It runs in CLI mode through npx at the version pinned in `.ci/inspector-version`, over stdio (it starts
`customer-escalation serve` itself) and over streamable HTTP with the bearer token. Every method runs in
the Inspector's default protocol era for ad-hoc servers (legacy, the initialize handshake); the modern
era (2026-07-28, no fallback) runs for every method over HTTP and for a tool call over stdio.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest

from customer_escalation.skill.card import CARD_URI
from tests.interop.serving import TEST_TOKEN, HttpServer, hermetic_env, serve_command
from tests.interop.session_checks import (
    APP_MIME_TYPE,
    APP_ONLY_TOOLS,
    CANARY,
    CANARY_TICKET,
    CARD_TOOL,
    PROMPT,
    TEMPLATE_URI,
    TOOLS,
)

NPX = shutil.which("npx")
pytestmark = [
    pytest.mark.anyio,
    pytest.mark.slow,
    pytest.mark.skipif(NPX is None, reason="npx is not on PATH (Node.js is not installed)"),
]

VERSION = (Path(__file__).parents[2] / ".ci" / "inspector-version").read_text(encoding="utf-8").strip()
PACKAGE = f"@modelcontextprotocol/inspector@{VERSION}"
RUN_SECONDS = 120
"""Generous: the first run may still have to fetch the package into npx's cache."""
EXIT_AUTH_REQUIRED = 3
ISSUE = "Webhooks failing with 502 for Northwind"


@dataclass(frozen=True)
class Outcome:
    code: int
    result: dict[str, Any]
    stderr: str


def _method(method: str) -> list[str]:
    """The Inspector flags for one method. A variadic flag (`--prompt-args`) is followed by another flag
    so that it does not swallow the arguments after it."""
    if method == "tools/list":
        return ["--method", method, "--strict"]
    if method == "tools/call":
        arguments = json.dumps({"query": CANARY})
        return ["--method", method, "--tool-name", "support_search_tickets", "--tool-args-json", arguments]
    if method == "resources/read":
        return ["--method", method, "--uri", TEMPLATE_URI]
    if method == "resources/read card":
        return ["--method", "resources/read", "--uri", CARD_URI]
    if method == "prompts/get":
        return [
            "--prompt-args",
            f"issue={ISSUE}",
            "account=Northwind",
            "--method",
            method,
            "--prompt-name",
            PROMPT,
        ]
    raise ValueError(method)


async def _inspect(home: Path, era: str, flags: list[str], target: list[str] | None = None) -> Outcome:
    data = home / "inspector"
    data.mkdir(exist_ok=True)
    env = hermetic_env(
        home,
        MCP_INSPECTOR_SECRET_STORE="memory",
        MCP_STORAGE_DIR=str(data),
        MCP_CATALOG_PATH=str(data / "catalog.json"),
        MCP_CLIENT_CONFIG_PATH=str(data / "client.json"),
        NO_COLOR="1",
    )
    assert NPX is not None
    command = [NPX, "-y", PACKAGE, "--cli", "--format", "json", "--protocol-era", era, *flags]
    if target is not None:
        server_env = [f"{name}={env[name]}" for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME")]
        command += [part for pair in server_env for part in ("-e", pair)]
        command += ["--", *target]
    with anyio.fail_after(RUN_SECONDS):
        done = await anyio.run_process(command, env=env, cwd=home, check=False, stdin=subprocess.DEVNULL)
    stdout, stderr = done.stdout.decode(), done.stderr.decode()
    if done.returncode != 0:
        return Outcome(done.returncode, {}, stderr)
    try:
        payload = json.loads(stdout)
    except json.JSONDecodeError:
        pytest.fail(f"the Inspector printed no JSON result:\n{stdout}\n{stderr}")
    return Outcome(done.returncode, payload["result"], stderr)


def _check(method: str, outcome: Outcome) -> None:
    assert outcome.code == 0, outcome.stderr
    result = outcome.result
    if method == "tools/list":
        tools = {t["name"]: t for t in result["tools"]}
        assert set(tools) >= TOOLS
        assert tools["support_search_tickets"]["annotations"]["readOnlyHint"] is True
        assert "outputSchema" in tools["support_search_tickets"]
        card_uri = tools[CARD_TOOL]["_meta"]["ui"]["resourceUri"]
        assert card_uri.startswith("ui://")
        for name in APP_ONLY_TOOLS:
            assert tools[name]["_meta"]["ui"] == {"resourceUri": card_uri, "visibility": ["app"]}
    elif method == "tools/call":
        assert result["isError"] is False
        assert [t["id"] for t in result["structuredContent"]["tickets"]] == [CANARY_TICKET]
    elif method == "resources/read card":
        (card,) = result["contents"]
        assert (card["uri"], card["mimeType"]) == (CARD_URI, APP_MIME_TYPE)
        assert "connect-src 'none'" in card["text"]
    elif method == "resources/read":
        assert result["contents"][0]["uri"] == TEMPLATE_URI
        assert result["contents"][0]["text"].startswith("## ESCALATION:")
    elif method == "prompts/get":
        text = result["messages"][0]["content"]["text"]
        assert ISSUE in text
        assert "escalation_assess" in text


METHODS = ("tools/list", "tools/call", "resources/read", "prompts/get")
STDIO_CASES = [("legacy", m) for m in METHODS] + [("modern", "tools/call"), ("modern", "resources/read card")]
HTTP_CASES = [(era, m) for era in ("legacy", "modern") for m in METHODS]


@pytest.mark.parametrize(("era", "method"), STDIO_CASES)
async def test_the_inspector_over_stdio(workspace_file: Path, tmp_path: Path, era: str, method: str) -> None:
    outcome = await _inspect(tmp_path, era, _method(method), target=serve_command(workspace_file))
    _check(method, outcome)


@pytest.mark.parametrize(("era", "method"), HTTP_CASES)
async def test_the_inspector_over_http_with_the_token(
    token_server: HttpServer, tmp_path: Path, era: str, method: str
) -> None:
    flags = ["--header", f"Authorization: Bearer {TEST_TOKEN}", "--server-url", token_server.url]
    _check(method, await _inspect(tmp_path, era, flags + _method(method)))


async def test_the_inspector_with_a_wrong_token_is_refused(token_server: HttpServer, tmp_path: Path) -> None:
    flags = ["--header", "Authorization: Bearer not-the-token", "--server-url", token_server.url]
    outcome = await _inspect(tmp_path, "legacy", [*flags, "--stored-auth-only", "--method", "tools/list"])
    assert outcome.code == EXIT_AUTH_REQUIRED
    assert "invalid_token" in outcome.stderr
