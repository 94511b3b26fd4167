"""What the server benchmarks share: the queries, the demo workspace, a server over a connector, and
summary figures."""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.types import TextContent

from customer_escalation.connectors.base import Registry
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.local.demo import build_demo
from customer_escalation.connectors.records import Dataset
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server
from tests.contract.dataset import CONTRACT_DATASET, NOW

SEARCHES: dict[str, tuple[str, ...]] = {
    "support_search_tickets": (
        "500 errors",
        "export missing rows",
        "SSO login loop",
        "audit log",
        "webhook signature",
        "workspace id",
        "webhooks",
        "bulk user import",
        "duplicate alert",
        "API key",
    ),
    "crm_search_accounts": ("Acme", "Orchid", "Bluefin", "Brightline", "Sable", "Northwind", "Health"),
    "chat_search_messages": ("500", "export", "SSO", "audit log", "webhook", "import", "alerts"),
    "tracker_search_issues": ("500", "export", "SSO", "audit log", "webhook", "import", "duplicate alerts"),
    "kb_search_articles": ("export", "SSO", "webhook", "API key", "import", "alerts", "audit log"),
}
"""Queries a support lead would run for the demo company's stories, per search tool."""


def median_ms(seconds: Sequence[float]) -> float:
    return statistics.median(seconds) * 1000


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def text_of(result: Any) -> str:
    return "".join(c.text for c in result.content if isinstance(c, TextContent))


@asynccontextmanager
async def demo_workspace() -> AsyncIterator[LocalWorkspace]:
    with tempfile.TemporaryDirectory() as tmp:
        workspace = LocalWorkspace.create(Path(tmp) / "demo.sqlite", build_demo(NOW), clock=lambda: NOW)
        try:
            yield workspace
        finally:
            await workspace.aclose()


def dataset_named(name: str) -> Dataset:
    return build_demo(NOW) if name == "demo" else CONTRACT_DATASET


def server_over(connector: Any) -> MCPServer:
    registry = Registry(support=connector, crm=connector, chat=connector, tracker=connector, kb=connector)
    return build_server(registry, policy=load_policy(), clock=lambda: NOW)


# ---------------------------------------------------------------------------------------------- 1
