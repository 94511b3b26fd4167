"""`customer-escalation serve`: the MCP server over stdio (default) or streamable HTTP."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import sys
from typing import Any

from ._common import EXIT_OK, EXIT_USAGE, CliError, add_policy_flag, add_workspace_flag, settings_from_args

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
        "--http", metavar="HOST:PORT", help="serve streamable HTTP on HOST:PORT instead of stdio"
    )
    add_workspace_flag(parser)
    add_policy_flag(parser)
    parser.set_defaults(handler=run)


def parse_address(value: str) -> tuple[str, int]:
    """HOST:PORT (IPv6 as [::1]:PORT) into its parts.

    Raises:
        CliError: the value is not HOST:PORT with a port from 1 to 65535.
    """
    host, sep, port = value.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65_536:
        raise CliError(f"--http needs HOST:PORT, e.g. 127.0.0.1:8765; got {value!r}", EXIT_USAGE)
    return host, int(port)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def build_http_app(server: Any, host: str) -> Any:
    """The Starlette app for streamable HTTP, with a health route for load balancers."""
    from starlette.requests import Request
    from starlette.responses import JSONResponse

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    app = server.streamable_http_app(
        stateless_http=True, json_response=True, host=host, max_request_body_size=MAX_REQUEST_BYTES
    )
    app.add_route("/healthz", healthz, methods=["GET"])
    return app


def run(args: argparse.Namespace) -> int:
    import anyio

    settings = settings_from_args(args)
    address = parse_address(args.http) if args.http else None
    if address is not None and not is_loopback(address[0]) and not settings.server_token:
        raise CliError(
            f"refusing to serve on {address[0]} without a token: set CUSTOMER_ESCALATION_TOKEN, or listen on "
            "127.0.0.1",
            EXIT_USAGE,
        )

    from customer_escalation.connectors.factory import build_registry
    from customer_escalation.skill.policy_config import load_policy
    from customer_escalation.skill.server import build_server

    from ._session import notify_created

    policy = load_policy(settings.policy_file)
    registry = build_registry(settings)
    notify_created(registry)
    token = settings.server_token if address is not None else None
    server = build_server(registry, policy=policy, result_chars=settings.result_chars, token=token)

    async def main() -> None:
        try:
            if address is None:
                await server.run_stdio_async()
            else:
                import uvicorn

                app = build_http_app(server, address[0])
                print(f"customer-escalation: serving MCP on http://{args.http}/mcp", file=sys.stderr)
                config = uvicorn.Config(
                    app, host=address[0], port=address[1], log_level="warning", lifespan="on"
                )
                await uvicorn.Server(config).serve()
        finally:
            await registry.aclose()

    anyio.run(main)
    return EXIT_OK


__all__ = ["build_http_app", "is_loopback", "parse_address", "register", "run"]
