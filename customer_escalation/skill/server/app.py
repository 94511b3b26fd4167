"""The MCP server itself: `build_server` creates it and registers each category's tools, the
resources and the prompt; `EscalationServer` answers a client's mistakes in words it can act on."""

from __future__ import annotations

import logging
from typing import Any

from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS
from pydantic import ValidationError

from ... import __version__
from ...connectors.base import Clock, Registry, utc_now
from .. import views
from ..actions import WriteRules
from ..history import HistoryStore
from ..policy_config import PolicyConfig
from . import briefs, card, chat, crm, escalation, kb, prompts, resources, support, tracker
from . import writes as write_tools
from .shared import ServerState, StaticTokenVerifier

logger = logging.getLogger("customer_escalation.server")

SERVER_NAME = "customer-escalation"
INSTRUCTIONS = (
    "Tools to package a support issue into an escalation brief: search and read tickets (support_*), "
    "accounts (crm_*), chat (chat_*), tracker issues (tracker_*) and knowledge-base articles (kb_*), then "
    "call escalation_assess with the ids of the related records (and, in `records`, what you read through "
    "other servers) for the decision, impact, severity and target, then escalation_compose with its "
    "assessment_id and your draft for the brief and its escalation_id. The `customer-escalation` prompt walks "
    "through the whole workflow. Write tools (chat_post_message, tracker_create_issue, "
    "support_add_internal_note, followup_schedule) take that escalation_id and return a preview unless "
    "dry_run=false; write only what the user asked for. escalation_brief_show shows a recorded "
    "escalation (ESC-<n>) as its brief, and as a card where a person previews and sends next steps. "
    + views.UNTRUSTED_NOTE
)


class EscalationServer(MCPServer):
    """`MCPServer` that answers a client's mistakes in words the client can act on: an unknown prompt or
    a missing prompt argument is an invalid-params error naming it (not an internal error and a logged
    traceback), and tool arguments that fail validation are named field by field (not a raw dump)."""

    async def get_prompt(
        self, name: str, arguments: dict[str, Any] | None = None, context: Context[Any, Any] | None = None
    ) -> Any:
        prompts = {prompt.name: prompt for prompt in await self.list_prompts()}
        if name not in prompts:
            known = ", ".join(sorted(prompts)) or "none"
            raise MCPError(INVALID_PARAMS, f"no prompt {name!r}; prompts: {known}", {"name": name})
        given = arguments or {}
        for argument in prompts[name].arguments or []:
            value = given.get(argument.name)
            if argument.required and not (isinstance(value, str) and value.strip()):
                raise MCPError(
                    INVALID_PARAMS,
                    f"prompt {name!r} needs the argument {argument.name!r}"
                    + (f": {argument.description}" if argument.description else ""),
                    {"name": name, "argument": argument.name},
                )
        return await super().get_prompt(name, arguments, context)

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> Any:
        try:
            return await super().call_tool(name, arguments, context)
        except UnexpectedToolError:
            raise
        except ToolError as exc:
            if isinstance(exc.__cause__, ValidationError):
                raise ToolError(invalid_arguments_text(name, exc.__cause__)) from exc.__cause__
            raise


def invalid_arguments_text(tool: str, error: ValidationError) -> str:
    """What is wrong with a tool's arguments, one clause per field, without echoing the values."""
    problems = []
    for item in error.errors(include_url=False, include_input=False):
        field = ".".join(str(part) for part in item["loc"]) or "arguments"
        problems.append(f"{field}: {item['msg']}")
    # The same prefix as the SDK's other tool errors.
    return (
        f"Error executing tool {tool}: invalid arguments: "
        + "; ".join(problems)
        + "; correct them and call again"
    )


def build_server(
    registry: Registry,
    *,
    policy: PolicyConfig,
    result_chars: int = 8_000,
    clock: Clock = utc_now,
    token: str | None = None,
    history: HistoryStore | None = None,
    writes: WriteRules | None = None,
    demo: bool = False,
) -> MCPServer:
    """The MCP server over `registry`.

    Args:
        policy: the escalation policy `escalation_assess` applies.
        result_chars: hard cap on the JSON text of any one tool result.
        clock: "now" for SLA and duration figures.
        token: when set, HTTP requests must carry ``Authorization: Bearer <token>``.
        history: the escalation history: past escalations for the policy's recurring rule, and the
            record and idempotency claims of the write tools (which fail without it).
        writes: what the write tools may write where (default: no channel, no project, ticket notes).
        demo: every category is the built-in demo workspace: mark every tool result as demo data
            (`skill.demo`).
    """
    auth: dict[str, Any] = {}
    if token:
        auth = {
            "token_verifier": StaticTokenVerifier(token),
            "auth": AuthSettings(
                issuer_url="http://127.0.0.1/", resource_server_url=None, required_scopes=[]
            ),
        }
    if demo:
        from ..demo import DEMO_NOTICE, DemoMarker

        auth["middleware"] = [DemoMarker()]
    state = ServerState(registry, policy, result_chars, clock, history)
    server = EscalationServer(
        SERVER_NAME,
        instructions=INSTRUCTIONS + (" " + DEMO_NOTICE if demo else ""),
        version=__version__,
        log_level="WARNING",
        extensions=[card.extension(state, writes)],
        **auth,
    )
    for category in (support, crm, chat, tracker, kb, escalation, briefs):
        category.register(server, state)
    write_tools.register(server, state, writes)
    resources.register(server, state)
    prompts.register(server)
    return server


__all__ = ["INSTRUCTIONS", "SERVER_NAME", "EscalationServer", "build_server", "invalid_arguments_text"]
