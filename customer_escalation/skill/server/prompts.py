"""The server's prompt: the whole escalation workflow for one issue."""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.prompts.base import UserMessage

from .. import prompt_files


def register(server: MCPServer) -> None:
    """Add the `customer-escalation` prompt to `server`."""

    @server.prompt(
        name="customer-escalation",
        title="Customer escalation",
        description="Package a support issue into an escalation brief, or decide it stays in support.",
    )
    def customer_escalation(issue: str, account: str = "") -> list[UserMessage]:
        return [UserMessage(prompt_files.render("workflow.md.j2", issue=issue, account=account))]


__all__ = ["register"]
