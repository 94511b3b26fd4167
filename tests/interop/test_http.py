"""`customer-escalation serve --http` as a real process on a loopback port, with the bearer token.

Clients are the mcp SDK's `Client` over streamable HTTP and plain HTTP requests for what a load
balancer or an attacker would send.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from mcp.types import INTERNAL_ERROR

from customer_escalation.skill.cli import _serve, main
from tests.hostile.test_mcp_surface import MISTAKES
from tests.interop.serving import TEST_TOKEN, HttpServer
from tests.interop.session_checks import MODES, Mode, check_session

pytestmark = pytest.mark.anyio

LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "plain-http", "version": "1"},
    },
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
WAIT_SECONDS = 20


@pytest.fixture
async def http() -> AsyncIterator[httpx2.AsyncClient]:
    async with httpx2.AsyncClient(timeout=httpx2.Timeout(WAIT_SECONDS)) as client:
        yield client


async def _post(http: httpx2.AsyncClient, server: HttpServer, body: Any, **headers: str) -> httpx2.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    with anyio.fail_after(WAIT_SECONDS):
        return await http.post(server.url, content=content, headers={**MCP_HEADERS, **headers})


@pytest.mark.parametrize("mode", MODES)
async def test_the_sdk_client_with_the_token_gets_tools_resources_and_the_prompt(
    token_server: HttpServer, mode: Mode
) -> None:
    with anyio.fail_after(WAIT_SECONDS):
        async with (
            httpx2.AsyncClient(headers=token_server.auth_headers, timeout=WAIT_SECONDS) as authed,
            Client(streamable_http_client(token_server.url, http_client=authed), mode=mode) as client,
        ):
            await check_session(client, mode)


async def test_a_request_without_a_token_is_refused_with_a_bearer_challenge(
    token_server: HttpServer, http: httpx2.AsyncClient
) -> None:
    response = await _post(http, token_server, LIST_TOOLS)
    assert response.status_code == 401
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer ")
    assert 'error="invalid_token"' in challenge
    assert "tools" not in response.text


@pytest.mark.parametrize(
    "authorization",
    [
        f"Bearer {TEST_TOKEN[:-1]}",
        f"Bearer {TEST_TOKEN}x",
        f"Bearer {TEST_TOKEN.upper()}",
        "Bearer",
        f"Basic {TEST_TOKEN}",
        TEST_TOKEN,
    ],
    ids=["one-char-short", "one-char-long", "wrong-case", "empty", "basic-scheme", "no-scheme"],
)
async def test_a_wrong_token_is_refused_with_401(
    token_server: HttpServer, http: httpx2.AsyncClient, authorization: str
) -> None:
    response = await _post(http, token_server, LIST_TOOLS, Authorization=authorization)
    assert response.status_code == 401
    assert "support_search_tickets" not in response.text


async def test_the_right_token_on_a_plain_request_is_answered(
    token_server: HttpServer, http: httpx2.AsyncClient
) -> None:
    response = await _post(http, token_server, INITIALIZE, **token_server.auth_headers)
    assert response.status_code == 200
    assert response.json()["result"]["serverInfo"]["name"] == "customer-escalation"


async def test_the_health_route_answers_without_a_token(
    token_server: HttpServer, http: httpx2.AsyncClient
) -> None:
    with anyio.fail_after(WAIT_SECONDS):
        response = await http.get(f"{token_server.base_url}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_a_body_over_the_size_limit_is_refused(
    token_server: HttpServer, http: httpx2.AsyncClient
) -> None:
    padding = "x" * (_serve.MAX_REQUEST_BYTES + 1)
    oversized = json.dumps({**LIST_TOOLS, "params": {"_meta": {"padding": padding}}}).encode()
    response = await _post(http, token_server, oversized, **token_server.auth_headers)
    assert response.status_code == 413
    again = await _post(http, token_server, INITIALIZE, **token_server.auth_headers)
    assert again.status_code == 200


async def test_a_request_for_another_host_name_is_refused_as_dns_rebinding(
    token_server: HttpServer, http: httpx2.AsyncClient
) -> None:
    response = await _post(
        http, token_server, LIST_TOOLS, Host="escalations.attacker.example", **token_server.auth_headers
    )
    assert response.status_code == 421


@pytest.mark.parametrize("address", ["0.0.0.0:8765", "[::]:8765", "192.0.2.10:8765"])
def test_serving_beyond_loopback_without_a_token_is_refused(
    address: str, workspace_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_listen(host: str, port: int) -> None:
        raise AssertionError(f"the server tried to listen on {host}:{port}")

    monkeypatch.setattr(_serve, "listen", must_not_listen)
    code = main(["serve", "--http", address, "--workspace", str(workspace_file)])
    assert code == 2
    error = capsys.readouterr().err
    assert "refusing to serve" in error
    assert "CUSTOMER_ESCALATION_TOKEN" in error


async def test_connections_to_the_listening_socket_send_without_delay() -> None:
    # Without TCP_NODELAY each response waits out the client's delayed ACK: about 40 ms a call.
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    listening = _serve.listen("127.0.0.1", 0)
    server = await asyncio.get_running_loop().create_server(Probe, sock=listening)
    async with server:
        host, port = listening.getsockname()[:2]
        with anyio.fail_after(WAIT_SECONDS):
            _, writer = await asyncio.open_connection(host, port)
            nodelay = await accepted
        writer.close()
    assert nodelay != 0


@pytest.mark.parametrize("mode", MODES)
async def test_client_mistakes_over_http_get_protocol_errors_and_the_server_logs_no_traceback(
    token_server: HttpServer, mode: Mode
) -> None:
    codes: list[int] = []
    with anyio.fail_after(WAIT_SECONDS):
        async with (
            httpx2.AsyncClient(headers=token_server.auth_headers, timeout=WAIT_SECONDS) as authed,
            Client(streamable_http_client(token_server.url, http_client=authed), mode=mode) as client,
        ):
            for mistake in MISTAKES:
                try:
                    await mistake(client)
                except MCPError as exc:
                    codes.append(exc.code)
    assert codes
    assert INTERNAL_ERROR not in codes
    logged = "\n".join(token_server.stderr)
    assert "Traceback" not in logged
    assert "ERROR" not in logged
