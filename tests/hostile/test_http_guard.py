"""`serve --http` against slow and guessing clients: weak tokens are refused at start, failed sign-ins
are slowed down per client, slow request heads and bodies are cut off, and `GET /mcp` is answered
at once instead of holding a stream open."""

from __future__ import annotations

import socket
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
import uvicorn

from customer_escalation.connectors.base import Registry
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.skill.cli import _http_guard, _serve, main
from customer_escalation.skill.cli._http_guard import HttpGuard
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server
from tests.contract.dataset import CONTRACT_DATASET, NOW

pytestmark = pytest.mark.anyio

TOKEN = "ce-test-0123456789abcdef-ghijklmnopqrstuv"
SAFETY_SECONDS = 30
"""Only so that a regression fails instead of hanging; nothing here is timed."""


@pytest.mark.parametrize(
    "token",
    ["x", " ", "   padded-token-0123456789abcdefghijklmnop   ", "a" * 64, "ab" * 20, "short-token-123"],
)
def test_serve_http_refuses_a_weak_token(
    token: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CUSTOMER_ESCALATION_TOKEN", token)
    code = main(["serve", "--http", "127.0.0.1:0", "--workspace", str(tmp_path / "w.sqlite")])
    err = capsys.readouterr().err
    assert code == 2
    assert "CUSTOMER_ESCALATION_TOKEN is too weak" in err
    assert "secrets.token_urlsafe" in err


@pytest.mark.parametrize("token", [TOKEN, "0123456789abcdef0123456789abcdef"])
def test_a_random_token_of_32_characters_is_strong_enough(token: str) -> None:
    _serve.check_token(token)


# ------------------------------------------------------------------------------ failed sign-ins


class Recorder:
    """The guard's sleep: records each delay; holds every sleeper while `hold` is set."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self.hold = False
        self.held = 0
        self.all_held = anyio.Event()
        self.release = anyio.Event()

    async def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)
        if self.hold:
            self.held += 1
            if self.held == _http_guard.MAX_WAITING:
                self.all_held.set()
            await self.release.wait()


async def _inner(scope: Any, receive: Any, send: Any) -> None:
    """Stands in for the MCP app's own bearer check: 401 unless the token is right."""
    authorized = (b"authorization", f"Bearer {TOKEN}".encode()) in scope["headers"]
    await send({"type": "http.response.start", "status": 200 if authorized else 401, "headers": []})
    await send({"type": "http.response.body", "body": b""})


@asynccontextmanager
async def guarded(recorder: Recorder, client: str = "192.0.2.7") -> AsyncIterator[httpx2.AsyncClient]:
    guard = HttpGuard(_inner, token=TOKEN, max_body_bytes=1000, sleep=recorder.sleep)
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=guard, client=(client, 5000)), base_url="http://127.0.0.1"
    ) as http:
        yield http


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_repeated_failed_sign_ins_are_slowed_down_more_and_more_and_the_right_token_is_not() -> None:
    recorder = Recorder()
    async with guarded(recorder) as http:
        for guess in range(10):
            response = await http.post("/mcp", headers=_bearer(f"guess-{guess}"), content=b"{}")
            assert response.status_code == 401
        assert recorder.delays == [0.25, 0.5, 1.0, 2.0, 4.0]
        for _ in range(3):
            await http.post("/mcp", content=b"{}")
        assert recorder.delays[-1] == _http_guard.MAX_DELAY
        before = len(recorder.delays)
        assert (await http.post("/mcp", headers=_bearer(TOKEN), content=b"{}")).status_code == 200
        assert len(recorder.delays) == before


async def test_one_clients_failures_do_not_slow_down_another_client() -> None:
    recorder = Recorder()
    async with guarded(recorder, "192.0.2.7") as guesser:
        for guess in range(8):
            await guesser.post("/mcp", headers=_bearer(f"guess-{guess}"), content=b"{}")
    slowed = len(recorder.delays)
    async with guarded(recorder, "192.0.2.8") as other:
        assert (await other.post("/mcp", headers=_bearer("typo"), content=b"{}")).status_code == 401
    assert slowed == 3
    assert len(recorder.delays) == slowed


async def test_a_client_guessing_in_parallel_gets_429_without_its_guesses_being_checked() -> None:
    recorder = Recorder()
    guard = HttpGuard(_inner, token=TOKEN, max_body_bytes=1000, sleep=recorder.sleep)
    statuses: list[int] = []
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=guard, client=("192.0.2.9", 1)), base_url="http://127.0.0.1"
    ) as http:
        for guess in range(_http_guard.FREE_FAILURES):
            await http.post("/mcp", headers=_bearer(f"free-{guess}"), content=b"{}")
        recorder.hold = True

        async def guess(number: int) -> None:
            response = await http.post("/mcp", headers=_bearer(f"held-{number}"), content=b"{}")
            statuses.append(response.status_code)

        with anyio.fail_after(SAFETY_SECONDS):
            async with anyio.create_task_group() as group:
                for number in range(_http_guard.MAX_WAITING):
                    group.start_soon(guess, number)
                await recorder.all_held.wait()
                refused = await http.post("/mcp", headers=_bearer(TOKEN), content=b"{}")
                recorder.release.set()
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == str(int(_http_guard.MAX_DELAY))
    assert statuses == [401] * _http_guard.MAX_WAITING


# ------------------------------------------------------------------------------ the MCP app behind it


@pytest.fixture
async def mcp_app(tmp_path: Path) -> AsyncIterator[Any]:
    workspace = LocalWorkspace.create(tmp_path / "w.sqlite", CONTRACT_DATASET, clock=lambda: NOW)
    registry = Registry(support=workspace, crm=workspace, chat=workspace, tracker=workspace, kb=workspace)
    server = build_server(registry, policy=load_policy(), clock=lambda: NOW, token=TOKEN)
    yield _serve.build_http_app(server, "127.0.0.1", token=TOKEN, body_seconds=0.05)
    await workspace.aclose()


async def test_get_on_the_stateless_endpoint_is_405_instead_of_a_stream_held_open(mcp_app: Any) -> None:
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=mcp_app), base_url="http://127.0.0.1"
    ) as http:
        with anyio.fail_after(SAFETY_SECONDS):
            response = await http.get("/mcp", headers={**_bearer(TOKEN), "Accept": "text/event-stream"})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


async def test_a_body_that_stops_arriving_is_answered_408(mcp_app: Any) -> None:
    sent: list[dict[str, Any]] = []
    first = True

    async def receive() -> dict[str, Any]:
        nonlocal first
        if first:
            first = False
            return {"type": "http.request", "body": b'{"jsonrpc":', "more_body": True}
        await anyio.sleep_forever()
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/mcp",
        "raw_path": b"/mcp",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {TOKEN}".encode())],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "scheme": "http",
        "http_version": "1.1",
        "root_path": "",
    }
    with anyio.fail_after(SAFETY_SECONDS):
        await mcp_app(scope, receive, send)
    assert sent[0]["status"] == 408


# ------------------------------------------------------------------------------ request heads


@contextmanager
def served(app: Any, **config: Any) -> Iterator[tuple[str, int]]:
    sock = _serve.listen("127.0.0.1", 0)
    server = uvicorn.Server(_serve.uvicorn_config(app, lifespan="off", **config))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[:2]
    finally:
        server.should_exit = True
        thread.join(SAFETY_SECONDS)
        sock.close()


def _closed_by_server(connection: socket.socket) -> bool:
    """Reads until the server closes the connection (True) or the safety timeout (False)."""
    connection.settimeout(SAFETY_SECONDS)
    try:
        while connection.recv(1024):
            pass
    except TimeoutError:
        return False
    return True


def test_a_request_head_sent_a_byte_at_a_time_is_cut_off_and_a_prompt_one_is_answered() -> None:
    guard = HttpGuard(_inner, token=TOKEN, max_body_bytes=1000)
    with served(guard, header_seconds=0.2) as (host, port):
        with socket.create_connection((host, port)) as slow:
            slow.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            assert _closed_by_server(slow)
        with socket.create_connection((host, port)) as prompt:
            prompt.settimeout(SAFETY_SECONDS)
            prompt.sendall(
                f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n\r\n".encode()
            )
            assert prompt.recv(64).startswith(b"HTTP/1.1 200")


def test_the_server_is_configured_with_keep_alive_and_connection_limits() -> None:
    config = _serve.uvicorn_config(_inner)
    assert config.timeout_keep_alive == _http_guard.KEEP_ALIVE_SECONDS
    assert config.limit_concurrency == _http_guard.MAX_CONNECTIONS
