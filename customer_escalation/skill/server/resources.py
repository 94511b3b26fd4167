"""The server's resources: the brief template, the configured policy, the brief's JSON schemas, and
tickets and accounts by URI."""

from __future__ import annotations

import json
from typing import Any

from mcp.server.mcpserver import Context, MCPServer

from .. import prompt_files
from ..brief import schema_text
from .crm import get_account
from .shared import ServerState, resource_errors
from .support import get_ticket


def register(server: MCPServer, state: ServerState) -> None:
    """Add the resources and the ticket and account resource templates to `server`."""

    @server.resource(
        "customer-escalation://brief-template",
        name="brief-template",
        title="Escalation brief template",
        description="The format every escalation brief follows.",
        mime_type="text/markdown",
    )
    def brief_template() -> str:
        return prompt_files.text("brief-template.md")

    @server.resource(
        "customer-escalation://policy",
        name="escalation-policy",
        title="Escalation policy",
        description="When to escalate, where to, how severe, SLA rules and follow-up cadence, as configured.",
        mime_type="text/markdown",
    )
    def policy_text() -> str:
        return prompt_files.render("policy.md.j2", c=state.policy)

    @server.resource(
        "customer-escalation://brief-schema",
        name="brief-schema",
        title="Brief JSON schema",
        description="JSON schemas of the escalation brief and the support-handling note.",
        mime_type="application/json",
    )
    def brief_schema() -> str:
        return schema_text()

    @server.resource(
        "ticket://{ticket_id}", name="ticket", title="Support ticket", mime_type="application/json"
    )
    async def ticket_resource(ticket_id: str, ctx: Context[Any]) -> str:
        with resource_errors(ctx, f"ticket://{ticket_id}", "support"):
            result = await get_ticket(state, ticket_id)
        return json.dumps(result.structured_content, indent=2)

    @server.resource(
        "account://{account_id}", name="account", title="Customer account", mime_type="application/json"
    )
    async def account_resource(account_id: str, ctx: Context[Any]) -> str:
        with resource_errors(ctx, f"account://{account_id}", "crm"):
            result = await get_account(state, account_id)
        return json.dumps(result.structured_content, indent=2)


__all__ = ["register"]
