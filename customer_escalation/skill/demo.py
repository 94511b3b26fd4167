"""The demo marker: a server with no configured source says so in every tool result.

With no vendor and no workspace configured, every category is served by the built-in demo workspace,
whose records belong to a fictional company. An assistant may have the user's real support platform,
CRM or tracker connected through other MCP servers at the same time; the marker (`"source": "demo"`
and a one-line notice in every result, success or error) keeps the fictional records from being
mistaken for, or mixed with, the real ones.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..connectors.base import CATEGORIES

if TYPE_CHECKING:
    from mcp.server.context import CallNext, HandlerResult, ServerRequestContext

    from ..connectors.settings import Settings

DEMO_SOURCE = "demo"
DEMO_NOTICE = (
    "Demo data: these records belong to a fictional company in the built-in demo workspace, not to any "
    "real customer. Records from the user's own systems win; never put demo records in a brief about a "
    "real customer."
)
_MARKER_SCHEMA = {
    "source": {"type": "string", "const": DEMO_SOURCE, "description": "Where the records come from."},
    "notice": {"type": "string", "description": "What `source` means for the records in this result."},
}


def serves_demo(settings: Settings) -> bool:
    """True when no source is configured: no category has a vendor and the workspace is the default one,
    which is created with the demo company."""
    from ..connectors.settings import LOCAL, NONE, default_workspace_path

    systems = [settings.backends.get(category, LOCAL) for category in CATEGORIES]
    if LOCAL not in systems or any(system not in (LOCAL, NONE) for system in systems):
        return False
    return settings.workspace.expanduser() == default_workspace_path().expanduser()


def _as_dict(result: Any) -> dict[str, Any] | None:
    if isinstance(result, dict):
        return dict(result)
    dump = getattr(result, "model_dump", None)
    if dump is None:
        return None
    data: dict[str, Any] = dump(by_alias=True, exclude_none=True, mode="json")
    return data


def mark_result(result: Any) -> Any:
    """A `tools/call` result with the demo marker: in the structured content (and its JSON text), or as
    a text line when there is no structured content (errors)."""
    data = _as_dict(result)
    if data is None or "content" not in data:
        return result
    content = [dict(block) for block in data.get("content") or []]
    structured = data.get("structuredContent")
    if isinstance(structured, dict):
        marked = {"source": DEMO_SOURCE, "notice": DEMO_NOTICE, **structured}
        for block in content:
            if block.get("type") == "text" and _json(block.get("text")) == structured:
                block["text"] = json.dumps(marked, separators=(",", ":"), ensure_ascii=False)
                break
        data["structuredContent"] = marked
    else:
        content.append({"type": "text", "text": f'source: "{DEMO_SOURCE}". {DEMO_NOTICE}'})
    data["content"] = content
    return data


def mark_tool_list(result: Any) -> Any:
    """A `tools/list` result whose output schemas allow the marker fields."""
    data = _as_dict(result)
    if data is None or not isinstance(data.get("tools"), list):
        return result
    tools = []
    for tool in data["tools"]:
        tool = dict(tool)
        schema = tool.get("outputSchema")
        if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
            tool["outputSchema"] = {**schema, "properties": {**_MARKER_SCHEMA, **schema["properties"]}}
        tools.append(tool)
    data["tools"] = tools
    return data


def _json(text: Any) -> Any:
    if not isinstance(text, str):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


class DemoMarker:
    """MCP server middleware that adds the demo marker to every tool result (and to the output schemas,
    so that clients validating structured content accept it)."""

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        result = await call_next(ctx)
        if ctx.method == "tools/call":
            return mark_result(result)  # type: ignore[no-any-return]
        if ctx.method == "tools/list":
            return mark_tool_list(result)  # type: ignore[no-any-return]
        return result


__all__ = ["DEMO_NOTICE", "DEMO_SOURCE", "DemoMarker", "mark_result", "mark_tool_list", "serves_demo"]
