"""`customer-escalation serve`: the MCP server over stdio (default) or streamable HTTP."""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from contextlib import AsyncExitStack
from typing import Any

from ._common import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    add_policy_flag,
    add_workspace_flag,
    settings_from_args,
)

logger = logging.getLogger("customer_escalation.serve")
MAX_REQUEST_BYTES = 1_000_000


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the MCP server (stdio by default)",
        description=(
            "Serve the customer-escalation tools, resources and prompt over MCP. With --http the server "
            "speaks streamable HTTP (stateless, JSON responses) and requires the bearer token in "
            "CUSTOMER_ESCALATION_TOKEN; it refuses to listen beyond loopback without one."
        ),
    )
    parser.add_argument(
        "--http",
        metavar="HOST:PORT",
        help="serve streamable HTTP on HOST:PORT instead of stdio (port 0 picks a free port)",
    )
    add_workspace_flag(parser)
    add_policy_flag(parser)
    parser.set_defaults(handler=run)


def parse_address(value: str) -> tuple[str, int]:
    """HOST:PORT (IPv6 as [::1]:PORT) into its parts; port 0 asks the system for a free port.

    Raises:
        CliError: the value is not HOST:PORT with a port from 0 to 65535.
    """
    host, sep, port = value.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) < 65_536:
        raise CliError(f"--http needs HOST:PORT, e.g. 127.0.0.1:8765; got {value!r}", EXIT_USAGE)
    return host, int(port)


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on HOST:PORT, bound before the server starts so that the address it
    announces is already accepting connections (and port 0 resolves to the port it got).

    Raises:
        CliError: the address cannot be bound (in use, not local, not permitted).
    """

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # An explicit IPPROTO_TCP: asyncio turns on TCP_NODELAY only for sockets that say so, and without
    # it every response waits out the peer's delayed ACK (about 40 ms).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise CliError(f"cannot listen on {host}:{port}: {exc.strerror or exc}", EXIT_FAILURE) from exc
    return sock


def url_of(sock: socket.socket) -> str:
    """The MCP endpoint URL of a listening socket."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/mcp" if ":" in host else f"http://{host}:{port}/mcp"


def transport_security(host: str) -> Any:
    """DNS-rebinding protection for every loopback host (the SDK covers only three spellings of it).

    A page in a browser must not reach a server on this machine by pointing its own name at a
    loopback address; on other interfaces the bearer token is what keeps callers out.
    """
    from ...connectors.net import is_loopback

    if not is_loopback(host):
        return None
    from mcp.server.transport_security import TransportSecuritySettings

    named = f"[{host}]" if ":" in host else host
    hosts = sorted({named, "127.0.0.1", "localhost", "[::1]"})
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[f"{h}:*" for h in hosts],
        allowed_origins=[f"http://{h}:*" for h in hosts],
    )


def build_http_app(server: Any, host: str, *, token: str | None = None, **guard: Any) -> Any:
    """The ASGI app for streamable HTTP: the MCP app with a health route for load balancers, behind
    `HttpGuard` (body deadline, 405 for `GET /mcp`, slowed-down failed sign-ins when `token` is set).

    Args:
        guard: passed on to `HttpGuard` (tests shorten its deadlines).
    """
    from starlette.requests import Request
    from starlette.responses import JSONResponse

    from ._http_guard import HttpGuard

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    app = server.streamable_http_app(
        stateless_http=True,
        json_response=True,
        host=host,
        transport_security=transport_security(host),
        max_request_body_size=MAX_REQUEST_BYTES,
    )
    app.add_route("/healthz", healthz, methods=["GET"])
    return HttpGuard(app, token=token, max_body_bytes=MAX_REQUEST_BYTES, **guard)


def check_token(token: str | None) -> None:
    """Refuse a bearer token too weak to guard the server.

    Raises:
        CliError: the token is short, padded with whitespace or made of a few repeated characters.
    """
    from ._http_guard import TOKEN_ADVICE, weak_token_reason

    reason = weak_token_reason(token) if token is not None else None
    if reason is not None:
        raise CliError(f"CUSTOMER_ESCALATION_TOKEN is too weak: {reason}; {TOKEN_ADVICE}", EXIT_USAGE)


def uvicorn_config(app: Any, **overrides: Any) -> Any:
    """uvicorn's configuration for `serve --http`: deadlines for request heads and idle connections,
    and a limit on open connections."""
    import uvicorn

    from ._http_guard import HEADER_SECONDS, KEEP_ALIVE_SECONDS, MAX_CONNECTIONS, guarded_protocol

    header_seconds = overrides.pop("header_seconds", HEADER_SECONDS)
    options: dict[str, Any] = {
        "log_level": "warning",
        "access_log": False,
        "lifespan": "on",
        "http": guarded_protocol(header_seconds),
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        "limit_concurrency": MAX_CONNECTIONS,
        **overrides,
    }
    return uvicorn.Config(app, **options)


def run(args: argparse.Namespace) -> int:
    import anyio

    from ...connectors.net import is_loopback

    settings = settings_from_args(args)
    address = parse_address(args.http) if args.http else None
    if address is not None:
        check_token(settings.server_token)
    if address is not None and not is_loopback(address[0]) and not settings.server_token:
        raise CliError(
            f"refusing to serve on {address[0]} without a token: set CUSTOMER_ESCALATION_TOKEN, or listen on "
            "127.0.0.1",
            EXIT_USAGE,
        )

    from ...connectors.factory import build_registry
    from ..actions import WriteRules
    from ..demo import serves_demo
    from ..policy_config import load_policy
    from ..server import build_server
    from ._session import notify_created, open_history

    policy = load_policy(settings.policy_file)
    writes = WriteRules.from_settings(settings)
    sock = listen(*address) if address is not None else None
    demo = serves_demo(settings)
    if demo:
        print(
            "customer-escalation: no source is configured; serving the demo workspace (every result is "
            'marked "source": "demo")',
            file=sys.stderr,
        )

    async def main() -> None:
        async with AsyncExitStack() as stack:
            if sock is not None:
                stack.callback(sock.close)
            registry = build_registry(settings)
            stack.push_async_callback(registry.aclose)
            notify_created(registry)
            history = open_history(settings)
            stack.callback(history.close)
            server = build_server(
                registry,
                policy=policy,
                result_chars=settings.result_chars,
                token=settings.server_token if sock is not None else None,
                history=history,
                writes=writes,
                demo=demo,
            )
            if sock is None:
                await server.run_stdio_async()
                return
            import uvicorn

            assert address is not None
            app = build_http_app(server, address[0], token=settings.server_token)
            print(f"customer-escalation: serving MCP on {url_of(sock)}", file=sys.stderr, flush=True)
            await uvicorn.Server(uvicorn_config(app)).serve(sockets=[sock])

    anyio.run(main)
    return EXIT_OK


__all__ = [
    "build_http_app",
    "check_token",
    "listen",
    "parse_address",
    "register",
    "run",
    "transport_security",
    "url_of",
    "uvicorn_config",
]
