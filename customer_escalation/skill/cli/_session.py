"""Open the MCP session the agent loop talks to: in memory over the configured connectors, or a server
given by `--server` (a command to start over stdio, or an http(s) URL). Also opens the connectors and
the escalation history themselves, for the commands that act."""

from __future__ import annotations

import shlex
import shutil
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._common import EXIT_FAILURE, EXIT_USAGE, CliError

if TYPE_CHECKING:
    from ...connectors.base import Registry
    from ...connectors.local.history_store import SqliteHistoryStore
    from ...connectors.postgres.history import PostgresHistoryStore
    from ...connectors.settings import Settings
    from ..actions import WriteRules
    from ..history import HistoryStore


def notify_created(registry: Registry) -> None:
    """Say once, on stderr, that a demo workspace was just created."""
    for connector in (registry.support, registry.crm, registry.chat, registry.tracker, registry.kb):
        if getattr(connector, "created_demo", False):
            path = getattr(connector, "path", "")
            print(f"customer-escalation: created a demo workspace at {path}", file=sys.stderr)
            return


@dataclass(frozen=True)
class Backends:
    """The configured connectors, the escalation history and the write rules."""

    registry: Registry
    history: HistoryStore
    writes: WriteRules


def open_history(settings: Settings) -> SqliteHistoryStore | PostgresHistoryStore:
    """The escalation history in the workspace file, created if missing (with the demo company when a
    category is served locally, so the file is the same one the connectors would create; only at the
    default location, like theirs); or in the database `CUSTOMER_ESCALATION_DATABASE_URL` names.

    Raises:
        WorkspaceError: a category is served locally and the workspace is missing outside the default
            location.
    """
    from ...connectors.factory import creates_demo, open_history_store
    from ...connectors.local import LocalWorkspace
    from ...connectors.settings import LOCAL

    if settings.database_url:
        return open_history_store(settings.workspace, database_url=settings.database_url)
    if not settings.workspace.exists() and LOCAL in settings.backends.values():
        workspace = LocalWorkspace.open(settings.workspace, create_demo=creates_demo(settings))
        workspace.close()
        if workspace.created_demo:
            print(f"customer-escalation: created a demo workspace at {settings.workspace}", file=sys.stderr)
    return open_history_store(settings.workspace)


@asynccontextmanager
async def open_backends(settings: Settings) -> AsyncIterator[Backends]:
    """The registry the settings describe and the history, closed on exit."""
    from ...connectors.factory import build_registry
    from ..actions import WriteRules

    registry = build_registry(settings)
    notify_created(registry)
    try:
        history = open_history(settings)
        try:
            yield Backends(registry=registry, history=history, writes=WriteRules.from_settings(settings))
        finally:
            history.close()
    finally:
        await registry.aclose()


@asynccontextmanager
async def open_session(
    settings: Settings, server: str | None, *, backends: Backends | None = None
) -> AsyncIterator[Any]:
    """An MCP client session (`mcp.Client`) for the agent loop.

    Args:
        backends: for the in-memory server, connectors and history already open (the caller closes
            them); opened and closed here when omitted.
    """
    from mcp import Client

    if server is None:
        from ..demo import serves_demo
        from ..policy_config import load_policy
        from ..server import build_server

        policy = load_policy(settings.policy_file)
        async with _backends(settings, backends) as opened:
            mcp_server = build_server(
                opened.registry,
                policy=policy,
                result_chars=settings.result_chars,
                history=opened.history,
                writes=opened.writes,
                demo=serves_demo(settings),
            )
            async with Client(mcp_server) as client:
                yield client
        return

    async with AsyncExitStack() as stack:
        try:
            client = await stack.enter_async_context(_remote_client(settings, server))
        except CliError:
            raise
        except Exception as exc:
            raise CliError(f"cannot reach the MCP server {server!r}: {_root_cause(exc)}") from exc
        yield client


def _remote_client(settings: Settings, server: str) -> Any:
    """A not yet entered `mcp.Client` for `--server` (an http(s) URL, or a command to run over stdio)."""
    from mcp import Client

    if server.startswith(("http://", "https://")):
        import httpx2
        from mcp.client.streamable_http import streamable_http_client

        @asynccontextmanager
        async def over_http() -> AsyncIterator[Any]:
            headers = {"Authorization": f"Bearer {settings.server_token}"} if settings.server_token else {}
            url = server.rstrip("/") + ("" if server.rstrip("/").endswith("/mcp") else "/mcp")
            refused: list[int] = []

            async def note_refusal(response: httpx2.Response) -> None:
                if response.status_code >= 400:
                    refused.append(response.status_code)

            async with httpx2.AsyncClient(
                headers=headers,
                timeout=httpx2.Timeout(60.0, connect=5.0),
                event_hooks={"response": [note_refusal]},
            ) as http:
                try:
                    async with Client(streamable_http_client(url, http_client=http)) as client:
                        yield client
                except Exception as exc:
                    if refused:
                        raise CliError(
                            http_refusal(url, refused[-1], token=bool(settings.server_token)),
                            EXIT_USAGE if refused[-1] in {401, 403} else EXIT_FAILURE,
                        ) from exc
                    raise

        return over_http()

    from mcp import StdioServerParameters

    parts = shlex.split(server)
    if not parts:
        raise CliError("--server needs a command or a URL", EXIT_USAGE)
    if shutil.which(parts[0]) is None:
        raise CliError(f"--server: no command {parts[0]!r} on PATH", EXIT_USAGE)
    return Client(StdioServerParameters(command=parts[0], args=parts[1:], env=server_environment(settings)))


def http_refusal(url: str, status: int, *, token: bool) -> str:
    """Why an MCP server over HTTP refused us, and what to do about it."""
    if status == 401:
        fix = (
            "CUSTOMER_ESCALATION_TOKEN does not match the server's token"
            if token
            else "set CUSTOMER_ESCALATION_TOKEN to the server's bearer token"
        )
        return f"the MCP server {url} answered 401 Unauthorized: {fix}"
    if status == 403:
        return (
            f"the MCP server {url} answered 403 Forbidden: it refuses this host name or origin; use the "
            "address it announced"
        )
    if status == 429:
        return f"the MCP server {url} answered 429 Too Many Requests after failed sign-ins; wait and retry"
    return f"the MCP server {url} answered HTTP {status}; check the URL (it serves MCP at /mcp)"


def _root_cause(exc: BaseException) -> str:
    """The innermost error of an exception group or chain, for a one-line message."""
    while True:
        if isinstance(exc, BaseExceptionGroup) and exc.exceptions:
            exc = exc.exceptions[0]
        elif exc.__cause__ is not None:
            exc = exc.__cause__
        else:
            return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


@asynccontextmanager
async def _backends(settings: Settings, given: Backends | None) -> AsyncIterator[Backends]:
    if given is not None:
        yield given
        return
    async with open_backends(settings) as opened:
        yield opened


def server_environment(settings: Settings) -> dict[str, str]:
    """The environment of a server started with `--server CMD`.

    The SDK passes a child only a few safe variables (PATH, HOME...), so a `customer-escalation serve`
    started that way would miss the connector configuration and quietly serve the demo workspace.
    This adds the variables the server reads: ours, each supported vendor's, the XDG directories, and
    the workspace and policy this command resolved (flags in CMD still win). Other secrets, such as
    the Anthropic key, are not passed on.
    """
    from mcp.client.stdio import get_default_environment

    from ...connectors.settings import KNOWN_SYSTEMS, LOCAL, NONE, PREFIX

    vendors = {system for systems in KNOWN_SYSTEMS.values() for system in systems} - {LOCAL, NONE}
    env = get_default_environment()
    for prefix in sorted({PREFIX, "XDG_", *(f"{vendor.upper()}_" for vendor in vendors)}):
        env.update(settings.vendor(prefix))
    env[f"{PREFIX}WORKSPACE"] = str(settings.workspace)
    if settings.policy_file is not None:
        env[f"{PREFIX}POLICY"] = str(settings.policy_file)
    return env


__all__ = [
    "Backends",
    "notify_created",
    "open_backends",
    "open_history",
    "open_session",
    "server_environment",
]
