"""Load on `customer-escalation serve --http`: many loopback clients sending a mix of tool calls, while
intruders send requests without a token, with a wrong one, and with oversized bodies.

Each client keeps one connection and sends its next call as soon as the last is answered, cycling
through the mix from its own starting point. A good call counts as an error unless it is answered 200
with a result that is not a tool error and carries structured content. Every intruder request must be
refused: 401 without or with a wrong token, 413 for an oversized body. The server's resident memory
is sampled from /proc as calls are answered.

Used by `test_load_short.py` (a few seconds in CI) and `bench/bench_load.py` (the full run).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
from mcp_types.version import LATEST_MODERN_VERSION

from customer_escalation.connectors.records import Dataset
from customer_escalation.skill.cli._serve import MAX_REQUEST_BYTES

Call = tuple[str, dict[str, Any]]


def mixed_calls(dataset: Dataset, *, per_tool: int = 5) -> list[Call]:
    """Read tool calls and policy assessments over records of `dataset`, interleaved tool by tool."""
    tickets = list(dataset.tickets[:per_tool])
    accounts = list(dataset.accounts[:per_tool])
    roots = [m for m in dataset.messages if m.reply_count > 0][:per_tool] or list(dataset.messages[:per_tool])
    issues = list(dataset.issues[:per_tool])
    articles = list(dataset.articles[:per_tool])

    def words(text: str) -> str:
        return " ".join(text.split()[:2])

    by_tool: list[list[Call]] = [
        [("support_search_tickets", {"query": words(t.subject), "limit": 10}) for t in tickets],
        [("support_get_ticket", {"ticket_id": t.id}) for t in tickets],
        [("crm_search_accounts", {"query": words(a.name)}) for a in accounts],
        [("crm_get_account", {"account_id": a.id}) for a in accounts],
        [("chat_search_messages", {"query": words(m.text)}) for m in roots],
        [("chat_get_thread", {"channel_id": m.channel_id, "thread_id": m.thread_id or m.id}) for m in roots],
        [("tracker_search_issues", {"query": words(i.title)}) for i in issues],
        [("tracker_get_issue", {"key": i.key}) for i in issues],
        [("kb_search_articles", {"query": words(a.title)}) for a in articles],
        [("kb_get_article", {"article_id": a.id}) for a in articles],
        [
            (
                "escalation_assess",
                {
                    "issue": t.subject,
                    "ticket_ids": [t.id],
                    **({"account_ids": [t.organization.id]} if t.organization else {}),
                },
            )
            for t in tickets
        ],
    ]
    return [call for group in itertools.zip_longest(*by_tool) for call in group if call is not None]


def call_body(number: int, name: str, arguments: dict[str, Any]) -> bytes:
    """A stateless `tools/call` request, as the mcp SDK client sends it."""
    meta = {
        "io.modelcontextprotocol/protocolVersion": LATEST_MODERN_VERSION,
        "io.modelcontextprotocol/clientInfo": {"name": "hostile-load", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {},
    }
    params = {"name": name, "arguments": arguments, "_meta": meta}
    return json.dumps({"jsonrpc": "2.0", "id": number, "method": "tools/call", "params": params}).encode()


def headers_for(name: str, token: str | None) -> dict[str, str]:
    headers = {
        "Accept": "application/json, text/event-stream",
        "Content-Type": "application/json",
        "MCP-Protocol-Version": LATEST_MODERN_VERSION,
        "Mcp-Method": "tools/call",
        "Mcp-Name": name,
    }
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def rss_kb(pid: int) -> int:
    """Resident memory of a process in kB (Linux), 0 when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class LoadFigures:
    """What a load run saw."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    """Seconds per good call, answered or not."""
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    by_tool: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    """Intruder requests refused as they should be, by kind."""
    let_through: Counter[str] = field(default_factory=Counter)
    """Intruder requests not refused as they should be, by kind (must stay empty)."""
    rss: list[tuple[int, int]] = field(default_factory=list)
    """(good calls so far, server resident memory in kB)."""

    @property
    def calls(self) -> int:
        return len(self.latencies)

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile of the latencies, in seconds."""
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
        return ordered[rank - 1]

    def error(self, text: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 10:
            self.error_samples.append(text[:300])


INTRUSIONS = ("no token", "wrong token", "oversized body")


async def generate_load(
    url: str,
    token: str,
    calls: list[Call],
    *,
    clients: int,
    seconds: float,
    intruders: int = 2,
    pid: int | None = None,
    rss_every: int = 500,
    request_timeout: float = 30.0,
) -> LoadFigures:
    """Run `clients` callers and `intruders` intruders against `url` for `seconds`."""
    figures = LoadFigures()
    numbers = itertools.count(1)
    oversized = json.dumps(
        {
            "jsonrpc": "2.0",
            "id": 0,
            "method": "tools/list",
            "params": {"_meta": {"x": "x" * MAX_REQUEST_BYTES}},
        }
    )
    oversized_body = oversized.encode()
    started = time.perf_counter()
    deadline = started + seconds
    if pid is not None:
        figures.rss.append((0, rss_kb(pid)))

    async def caller(index: int) -> None:
        limits = httpx2.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx2.AsyncClient(limits=limits, timeout=request_timeout) as http:
            for step in itertools.count(index):
                if time.perf_counter() >= deadline:
                    return
                name, arguments = calls[step % len(calls)]
                number = next(numbers)
                began = time.perf_counter()
                try:
                    response = await http.post(
                        url, content=call_body(number, name, arguments), headers=headers_for(name, token)
                    )
                except httpx2.HTTPError as exc:
                    figures.latencies.append(time.perf_counter() - began)
                    figures.error(f"{name}: {type(exc).__name__}: {exc}")
                    continue
                figures.latencies.append(time.perf_counter() - began)
                figures.by_tool[name] += 1
                problem = _problem(response)
                if problem is not None:
                    figures.error(f"{name} {arguments}: {problem}")
                if pid is not None and figures.calls % rss_every == 0:
                    figures.rss.append((figures.calls, rss_kb(pid)))

    async def intruder(index: int) -> None:
        async with httpx2.AsyncClient(timeout=request_timeout) as http:
            for step in itertools.count(index):
                if time.perf_counter() >= deadline:
                    return
                kind = INTRUSIONS[step % len(INTRUSIONS)]
                body = call_body(0, "support_search_tickets", {"query": "webhook"})
                wanted = 401
                if kind == "no token":
                    headers = headers_for("support_search_tickets", None)
                elif kind == "wrong token":
                    headers = headers_for("support_search_tickets", token[::-1])
                else:
                    headers, body, wanted = headers_for("tools/list", token), oversized_body, 413
                try:
                    response = await http.post(url, content=body, headers=headers)
                except httpx2.HTTPError as exc:
                    figures.let_through[f"{kind}: {type(exc).__name__}"] += 1
                    continue
                if response.status_code == wanted and "structuredContent" not in response.text:
                    figures.refused[kind] += 1
                else:
                    figures.let_through[f"{kind}: HTTP {response.status_code}"] += 1

    await asyncio.gather(*(caller(i) for i in range(clients)), *(intruder(i) for i in range(intruders)))
    figures.seconds = time.perf_counter() - started
    if pid is not None:
        figures.rss.append((figures.calls, rss_kb(pid)))
    return figures


def _problem(response: httpx2.Response) -> str | None:
    if response.status_code != 200:
        return f"HTTP {response.status_code}: {response.text[:200]}"
    try:
        result = response.json()["result"]
    except (ValueError, KeyError, TypeError):
        return f"not a JSON-RPC result: {response.text[:200]}"
    if result.get("isError"):
        return f"tool error: {json.dumps(result.get('content'))[:200]}"
    if not result.get("structuredContent"):
        return "no structured content"
    return None


__all__ = [
    "INTRUSIONS",
    "Call",
    "LoadFigures",
    "call_body",
    "generate_load",
    "headers_for",
    "mixed_calls",
    "rss_kb",
]
