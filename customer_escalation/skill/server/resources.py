"""The server's resources: the brief template, the configured policy, the brief's JSON schemas, and
tickets and accounts by URI."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult

from ...connectors.base import Category
from .. import prompt_files
from ..brief import schema_text
from .crm import get_account
from .shared import ServerState, resource_errors
from .support import get_ticket


@dataclass(frozen=True)
class _Document:
    """A resource whose text the server makes itself."""

    uri: str
    name: str
    title: str
    description: str
    mime_type: str
    text: Callable[[], str]


def _documents(state: ServerState) -> tuple[_Document, ...]:
    return (
        _Document(
            "customer-escalation://brief-template",
            "brief-template",
            "Escalation brief template",
            "The format every escalation brief follows.",
            "text/markdown",
            lambda: prompt_files.text("brief-template.md"),
        ),
        _Document(
            "customer-escalation://policy",
            "escalation-policy",
            "Escalation policy",
            "When to escalate, where to, how severe, SLA rules and follow-up cadence, as configured.",
            "text/markdown",
            lambda: prompt_files.render("policy.md.j2", c=state.policy),
        ),
        _Document(
            "customer-escalation://brief-schema",
            "brief-schema",
            "Brief JSON schema",
            "JSON schemas of the escalation brief and the support-handling note.",
            "application/json",
            schema_text,
        ),
    )


async def _record_json(
    ctx: Context[Any], uri: str, category: Category, read: Callable[[], Awaitable[CallToolResult]]
) -> str:
    """A record as its read tool returns it, as indented JSON; failures as resource errors."""
    with resource_errors(ctx, uri, category):
        result = await read()
    return json.dumps(result.structured_content, indent=2)


def register(server: MCPServer, state: ServerState) -> None:
    """Add the resources and the ticket and account resource templates to `server`."""
    for doc in _documents(state):
        server.resource(
            doc.uri, name=doc.name, title=doc.title, description=doc.description, mime_type=doc.mime_type
        )(doc.text)

    @server.resource(
        "ticket://{ticket_id}", name="ticket", title="Support ticket", mime_type="application/json"
    )
    async def ticket_resource(ticket_id: str, ctx: Context[Any]) -> str:
        return await _record_json(
            ctx, f"ticket://{ticket_id}", "support", lambda: get_ticket(state, ticket_id)
        )

    @server.resource(
        "account://{account_id}", name="account", title="Customer account", mime_type="application/json"
    )
    async def account_resource(account_id: str, ctx: Context[Any]) -> str:
        return await _record_json(
            ctx, f"account://{account_id}", "crm", lambda: get_account(state, account_id)
        )


__all__ = ["register"]
