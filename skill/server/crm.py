"""The CRM's read tools: search accounts, read one with its deals."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult

from .. import views
from .shared import READ, Cursor, Id, Limit, Query, ServerState, connector, translated


def register(server: MCPServer, state: ServerState) -> None:
    """Add `crm_search_accounts` and `crm_get_account` to `server`."""

    @server.tool(annotations=READ, title="Search customer accounts")
    async def crm_search_accounts(
        query: Query, limit: Limit = 10, cursor: Cursor = None
    ) -> Annotated[CallToolResult, views.AccountSearchResult]:
        """Find customer accounts by name or domain; check domains when names are alike."""
        crm = connector("crm", state.registry.crm)
        with translated("crm"):
            page = await crm.search_accounts(query, limit=limit, cursor=cursor)
        result = views.AccountSearchResult(
            accounts=[views.account_summary(a) for a in page.items], **views.page_fields(page)
        )
        return state.cap(result, "Search with a lower limit or a more specific name.")

    @server.tool(annotations=READ, title="Read a customer account")
    async def crm_get_account(account_id: Id) -> Annotated[CallToolResult, views.AccountResult]:
        """Read an account: tier, ARR, renewal date, owner, health, contacts and open deals."""
        return await get_account(state, account_id)


async def get_account(state: ServerState, account_id: str) -> CallToolResult:
    """One account as `crm_get_account` returns it (the `account://` resource reads the same)."""
    crm = connector("crm", state.registry.crm)
    with translated("crm"):
        account = await crm.get_account(account_id)
        opportunities = await crm.list_opportunities(account_id)
    return state.cap(
        views.AccountResult(account=views.account_detail(account, opportunities)),
        "Open the account link in the CRM for the full list of contacts and deals.",
    )


__all__ = ["get_account", "register"]
