"""Open the MCP session the agent loop talks to: in memory over the configured connectors, or a server
given by `--server` (a command to start over stdio, or an http(s) URL)."""

from __future__ import annotations

import shlex
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from ._common import EXIT_USAGE, CliError

if TYPE_CHECKING:
    from customer_escalation.connectors.base import Registry
    from customer_escalation.connectors.settings import Settings


def notify_created(registry: Registry) -> None:
    """Say once, on stderr, that a demo workspace was just created."""
    for connector in (registry.support, registry.crm, registry.chat, registry.tracker, registry.kb):
        if getattr(connector, "created_demo", False):
            path = getattr(connector, "path", "")
            print(f"customer-escalation: created a demo workspace at {path}", file=sys.stderr)
            return


@asynccontextmanager
async def open_session(settings: Settings, server: str | None) -> AsyncIterator[Any]:
    """An MCP client session (`mcp.Client`) for the agent loop."""
    from mcp import Client

    if server is None:
        from customer_escalation.connectors.factory import build_registry
        from customer_escalation.skill.policy_config import load_policy
        from customer_escalation.skill.server import build_server

        policy = load_policy(settings.policy_file)
        registry = build_registry(settings)
        notify_created(registry)
        try:
            mcp_server = build_server(registry, policy=policy, result_chars=settings.result_chars)
            async with Client(mcp_server) as client:
                yield client
        finally:
            await registry.aclose()
        return

    if server.startswith(("http://", "https://")):
        import httpx2
        from mcp.client.streamable_http import streamable_http_client

        headers = {"Authorization": f"Bearer {settings.server_token}"} if settings.server_token else {}
        async with (
            httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(60.0, connect=5.0)) as http,
            Client(
                streamable_http_client(
                    server.rstrip("/") + ("" if server.rstrip("/").endswith("/mcp") else "/mcp"),
                    http_client=http,
                )
            ) as client,
        ):
            yield client
        return

    from mcp import StdioServerParameters

    parts = shlex.split(server)
    if not parts:
        raise CliError("--server needs a command or a URL", EXIT_USAGE)
    params = StdioServerParameters(command=parts[0], args=parts[1:])
    async with Client(params) as client:
        yield client


__all__ = ["notify_created", "open_session"]
