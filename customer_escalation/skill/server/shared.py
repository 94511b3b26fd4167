"""What the server's tool, resource and prompt modules share: the tool annotations, the argument
types, the result helpers (`reply`, `ServerState.cap`), the translation of connector failures into
tool and resource errors, and the bearer-token check."""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from mcp.server.auth.provider import AccessToken, TokenVerifier
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS, CallToolResult, TextContent, ToolAnnotations
from pydantic import BeforeValidator, Field

from ...connectors.base import CATEGORY_TITLES, Category, Clock, Registry
from ...connectors.errors import (
    AuthError,
    ConnectorError,
    InvalidQueryError,
    NotFoundError,
    RateLimitedError,
    WorkspaceError,
)
from .. import views
from ..history import HistoryStore
from ..policy_config import PolicyConfig

MAX_LIMIT = 25
READ = ToolAnnotations(read_only_hint=True, open_world_hint=True)
POLICY_TOOL = ToolAnnotations(read_only_hint=True, open_world_hint=False)
WRITE = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=True
)
CONNECTOR_READ_TOOLS = (
    "support_search_tickets",
    "support_get_ticket",
    "crm_search_accounts",
    "crm_get_account",
    "chat_search_messages",
    "chat_get_thread",
    "tracker_search_issues",
    "tracker_get_issue",
    "kb_search_articles",
    "kb_get_article",
)
"""The read tools over the five connector categories, a search and a get each, in the order the server
registers them; each takes `detail`. The other read-only tools are `escalation_assess` and the card's."""
_SEARCH_TOOL = {
    "support": "support_search_tickets",
    "crm": "crm_search_accounts",
    "chat": "chat_search_messages",
    "tracker": "tracker_search_issues",
    "kb": "kb_search_articles",
}


def _number_as_text(value: Any) -> Any:
    """An integer id as its text: clients that parse `ticket_id=58590` as JSON send a number."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


AsText = BeforeValidator(_number_as_text)
Query = Annotated[
    str, Field(max_length=500, description="Words to look for; plain language, no query syntax.")
]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT, description=f"Results per page, 1-{MAX_LIMIT}.")]
Cursor = Annotated[
    str | None, Field(max_length=2048, description="`next_cursor` from the previous page, unchanged.")
]
Id = Annotated[str, Field(min_length=1, max_length=200), AsText]
IdList = Annotated[list[Id], Field(max_length=50)]
EscalationId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=40,
        description="ESC-<n>, the escalation_id escalation_compose returned for this brief.",
    ),
]
Detail = Annotated[
    views.Detail,
    Field(
        description="concise (default): what you need to judge whether a record is about the issue (ids, "
        "status, times, the organization, the text); full: every field (tags, labels, requester, SLA "
        "clocks, contacts, opportunities...)."
    ),
]
DryRun = Annotated[
    bool,
    Field(
        description="True (default): return a preview, send nothing. False: write, once per escalation and target."
    ),
]

C = TypeVar("C")

RESOURCE_NOT_FOUND = -32002
"""The resource-not-found code of MCP up to 2025-11-25; 2026-07-28 retired it for -32602."""
_CONNECTOR_HINT = re.compile(r"[;:]\s*(?:search|look|check|try|list)\b.*$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class ServerState:
    """What the tools of one server read: the connectors, the policy, the history, the clock and the
    size cap of a result."""

    registry: Registry
    policy: PolicyConfig
    result_chars: int
    clock: Clock
    history: HistoryStore | None

    def cap(self, result: views.View, more: str, *, detail: views.Detail = "full") -> CallToolResult:
        """`result` as a tool result (lean, times to the second, at `detail`), cut to the size cap with
        `more` saying how to get the rest."""
        data = views.to_wire(result, detail=detail)
        text = views.compact_json(data)
        # The text is the size `fit` measures: a result within the cap is serialised once, not thrice.
        if len(text) > self.result_chars:
            data = views.fit(data, self.result_chars, how_to_get_more=more)
            text = views.compact_json(data)
        return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data)


def reply(data: dict[str, Any]) -> CallToolResult:
    """A tool result: `data` as structured content and, compact, as text."""
    return CallToolResult(
        content=[TextContent(type="text", text=views.compact_json(data))], structured_content=data
    )


def as_utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def without_hint(message: str) -> str:
    """A connector's message without the advice it ends with ("; search for it instead", "; check the
    name"), so that the tool adds its own, once."""
    return _CONNECTOR_HINT.sub("", message.rstrip(" .")).rstrip(" .")


def not_found_text(exc: NotFoundError, category: Category) -> str:
    """The connector's not-found message with one hint, naming the search tool, instead of its own."""
    return f"{without_hint(str(exc))}; search with {_SEARCH_TOOL[category]} to find the right id"


def resource_not_found(ctx: Context[Any], uri: str, message: str) -> MCPError:
    """A not-found protocol error for a resource template whose id matches nothing."""
    legacy = (ctx.protocol_version or "") < "2026-07-28"
    return MCPError(code=RESOURCE_NOT_FOUND if legacy else INVALID_PARAMS, message=message, data={"uri": uri})


@contextmanager
def translated(category: Category) -> Iterator[None]:
    """A connector's failures as tool errors that tell the model what to do next."""
    title = CATEGORY_TITLES[category]
    try:
        yield
    except NotFoundError as exc:
        raise ToolError(not_found_text(exc, category)) from exc
    except InvalidQueryError as exc:
        raise ToolError(f"{exc}; correct the arguments and try again") from exc
    except AuthError as exc:
        raise ToolError(
            f"the {title} ({exc.system}) rejected its credentials: {exc}. Tell the user; continue with "
            f"the other sources and list the {title} as unavailable"
        ) from exc
    except RateLimitedError as exc:
        raise ToolError(
            f"the {title} ({exc.system}) is rate limiting requests: {exc}. Continue with the other "
            f"sources and list the {title} as unavailable"
        ) from exc
    except ConnectorError as exc:
        raise ToolError(
            f"the {title} ({exc.system}) is unavailable: {exc}. Continue with the other sources and "
            f"list the {title} as unavailable in the brief"
        ) from exc
    except WorkspaceError as exc:
        raise ToolError(
            f"the {title} (local workspace) is unavailable: {exc}. Continue with the other sources and "
            f"list the {title} as unavailable in the brief"
        ) from exc


@contextmanager
def reading(category: Category, value: C | None) -> Iterator[C]:
    """The category's connector, whose failures while it is read become tool errors (`translated`); with
    none connected, a tool error telling the model to go on without it."""
    if value is None:
        raise ToolError(
            f"no {CATEGORY_TITLES[category]} is connected; continue without it and list it as "
            "unavailable in the brief"
        )
    with translated(category):
        yield value


ErrorMessages = tuple[tuple[type[Exception] | tuple[type[Exception], ...], Callable[[Exception], str]], ...]
"""Kinds of failure, each with the message of the tool error it becomes; the first kind that matches
speaks."""


@contextmanager
def tool_errors(messages: ErrorMessages) -> Iterator[None]:
    """Failures of the kinds `messages` lists as tool errors with their messages; others pass unchanged."""
    try:
        yield
    except Exception as exc:
        for kinds, message in messages:
            if isinstance(exc, kinds):
                raise ToolError(message(exc)) from exc
        raise


@contextmanager
def resource_errors(ctx: Context[Any], uri: str, category: Category) -> Iterator[None]:
    """A resource read's failures as protocol errors: not found names the id, the rest say why."""
    try:
        with translated(category):
            yield
    except ToolError as exc:
        if isinstance(exc.__cause__, NotFoundError):
            raise resource_not_found(ctx, uri, not_found_text(exc.__cause__, category)) from None
        raise ResourceError(str(exc)) from None


class StaticTokenVerifier(TokenVerifier):
    """Accepts one bearer token, compared in constant time."""

    def __init__(self, token: str) -> None:
        self._token = token.encode()

    async def verify_token(self, token: str) -> AccessToken | None:
        if hmac.compare_digest(token.encode(), self._token):
            return AccessToken(
                token="redacted", client_id="customer-escalation-client", scopes=["escalation"]
            )
        return None


__all__ = [
    "MAX_LIMIT",
    "POLICY_TOOL",
    "READ",
    "RESOURCE_NOT_FOUND",
    "WRITE",
    "AsText",
    "Cursor",
    "Detail",
    "DryRun",
    "ErrorMessages",
    "EscalationId",
    "Id",
    "IdList",
    "Limit",
    "Query",
    "ServerState",
    "StaticTokenVerifier",
    "as_utc",
    "not_found_text",
    "reading",
    "reply",
    "resource_errors",
    "resource_not_found",
    "tool_errors",
    "translated",
    "without_hint",
]
