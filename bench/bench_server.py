"""Figures for the MCP server (run by hand; prints medians and ratios).

From the repository root:

    python -m bench.bench_server                    # every part
    python -m bench.bench_server --part overhead    # or http, size, parallel

1. overhead: one search through the in-memory MCP client against the same search on the connector,
   interleaved call by call. Also splits the added time into our server's share (the tool, its view
   and the size cap) and the SDK client's share (it checks every result against the tool's output
   schema). Target: under 1 ms added per call.
2. http: `customer-escalation serve --http` as its own process on a loopback port (demo workspace).
   32 clients, each with its own connection, send `support_search_tickets` calls in the SDK's
   2026-07-28 wire format with the bearer token: first 20,000 calls offered at 300 calls/s (call n is
   due at n/300 s and its latency counts from then), then as fast as they are answered, then the same
   with 32 mcp SDK clients. Prints calls per second, latency percentiles, errors, the server's CPU
   time per call and its resident memory along the way. Targets: at least 300 calls/s, p99 under
   100 ms, no errors, flat memory.
3. size: the search tools over the vendor connectors talking to the vendor fakes (Zendesk, HubSpot,
   Slack, Jira, Confluence; their real JSON shapes), seeded with the demo company. Compares the
   characters of each tool result with the characters of the vendor JSON the connector received for
   the same call. Target: the median result at least 5 times smaller.
4. parallel: the agent loop's first turn asks for five searches whose connector each takes 100 ms;
   the figure is the time from the model's answer to its next turn. Target: under 150 ms. Serial calls
   on the same session are shown for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.server.mcpserver import MCPServer
from mcp.types import TextContent
from mcp_types.version import LATEST_MODERN_VERSION

from customer_escalation.connectors import confluence, hubspot, jira, zendesk
from customer_escalation.connectors._http import HttpApi
from customer_escalation.connectors.base import Registry
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.local.demo import build_demo
from customer_escalation.connectors.records import Dataset
from customer_escalation.connectors.settings import load_settings
from customer_escalation.connectors.slack import (
    BOT_TOKEN_VAR,
    DEFAULT_BASE_URL,
    USER_TOKEN_VAR,
    SlackChat,
    SlackPolicy,
)
from customer_escalation.skill.agent import run_escalation
from customer_escalation.skill.models.base import Entry, ModelTurn
from customer_escalation.skill.models.scripted import ScriptedModel, call, submit, turn
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server
from tests.contract.dataset import CONTRACT_DATASET, NOW
from tests.fakes.confluence import ConfluenceFake
from tests.fakes.hubspot import HubSpotFake
from tests.fakes.jira import JiraFake
from tests.fakes.slack import BOT_TOKEN, USER_TOKEN, SlackFake
from tests.fakes.zendesk import ZendeskFake
from tests.interop.serving import TEST_TOKEN, hermetic_env, http_server
from tests.interop.slow import FIVE_SEARCHES, SlowConnector

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


def _median_ms(seconds: Sequence[float]) -> float:
    return statistics.median(seconds) * 1000


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _text(result: Any) -> str:
    return "".join(c.text for c in result.content if isinstance(c, TextContent))


@asynccontextmanager
async def demo_workspace() -> AsyncIterator[LocalWorkspace]:
    with tempfile.TemporaryDirectory() as tmp:
        workspace = LocalWorkspace.create(Path(tmp) / "demo.sqlite", build_demo(NOW), clock=lambda: NOW)
        try:
            yield workspace
        finally:
            await workspace.aclose()


def _dataset(name: str) -> Dataset:
    return build_demo(NOW) if name == "demo" else CONTRACT_DATASET


def _server(connector: Any) -> MCPServer:
    registry = Registry(support=connector, crm=connector, chat=connector, tracker=connector, kb=connector)
    return build_server(registry, policy=load_policy(), clock=lambda: NOW)


# ---------------------------------------------------------------------------------------------- 1


async def overhead(rounds: int) -> None:
    queries = SEARCHES["support_search_tickets"]
    async with demo_workspace() as workspace, AsyncExitStack() as stack:
        server = _server(workspace)
        modern = await stack.enter_async_context(Client(server))
        legacy = await stack.enter_async_context(Client(server, mode="legacy"))
        unchecked = await stack.enter_async_context(Client(server))

        async def no_check(name: str, result: Any) -> None:
            return None

        # Diagnostic only: the same client without the SDK's output-schema check, to split the cost.
        unchecked.session.validate_tool_result = no_check  # type: ignore[method-assign]

        tiers: dict[str, Callable[[str], Awaitable[Any]]] = {
            "connector": lambda q: workspace.search_tickets(q, limit=10),
            "server tool": lambda q: server.call_tool("support_search_tickets", {"query": q}),
            "client, no schema check": lambda q: unchecked.call_tool("support_search_tickets", {"query": q}),
            "client (2026-07-28)": lambda q: modern.call_tool("support_search_tickets", {"query": q}),
            "client (legacy)": lambda q: legacy.call_tool("support_search_tickets", {"query": q}),
        }
        times: dict[str, list[float]] = {name: [] for name in tiers}
        for number in range(rounds + 1):
            for query in queries:
                for name, run in tiers.items():
                    started = time.perf_counter()
                    await run(query)
                    if number:  # round 0 warms every cache
                        times[name].append(time.perf_counter() - started)

    base = _median_ms(times["connector"])
    print(
        f"overhead: support_search_tickets over the demo workspace, {rounds} rounds of {len(queries)} queries"
    )
    for name, seconds in times.items():
        added = [t - c for t, c in zip(seconds, times["connector"], strict=True)]
        print(
            f"  {name:<24} median {_median_ms(seconds):6.3f} ms  ratio {_median_ms(seconds) / base:5.2f}  "
            f"added (median of paired differences) {_median_ms(added):6.3f} ms"
        )


# ---------------------------------------------------------------------------------------------- 2


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    rss_kb: list[tuple[int, int]] = field(default_factory=list)
    """(calls answered, server resident set in kB) samples."""
    seconds: float = 0.0
    server_cpu: float = 0.0
    """CPU seconds the server process used during the run."""
    client_cpu: float = 0.0
    """CPU seconds this (load-generating) process used during the run."""


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _call_body(number: int, query: str) -> bytes:
    """A `tools/call` request in the stateless 2026-07-28 envelope, as the mcp SDK client sends it."""
    meta = {
        "io.modelcontextprotocol/protocolVersion": LATEST_MODERN_VERSION,
        "io.modelcontextprotocol/clientInfo": {"name": "bench", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {},
    }
    params = {"name": "support_search_tickets", "arguments": {"query": query}, "_meta": meta}
    return json.dumps({"jsonrpc": "2.0", "id": number, "method": "tools/call", "params": params}).encode()


def _answered(response: httpx2.Response) -> bool:
    if response.status_code != 200:
        return False
    result = response.json().get("result", {})
    return result.get("isError") is False and bool(result.get("structuredContent"))


async def http_load(
    url: str, pid: int, *, clients: int, calls: int, rate: float | None = None, sdk: bool = False
) -> Load:
    """`calls` tool calls from `clients` concurrent clients, each with one connection.

    Without `rate` every client sends its next call as soon as the last one is answered (the most the
    server can do). With `rate` (calls per second over all clients) call n is due at n / rate seconds,
    and its latency counts from then, so time spent waiting behind a slow server is not hidden.
    """
    load = Load()
    queries = SEARCHES["support_search_tickets"]
    counter = iter(range(calls))
    headers = {
        "Authorization": f"Bearer {TEST_TOKEN}",
        "Accept": "application/json, text/event-stream",
        "Content-Type": "application/json",
        "MCP-Protocol-Version": LATEST_MODERN_VERSION,
        "Mcp-Method": "tools/call",
        "Mcp-Name": "support_search_tickets",
    }
    began = time.perf_counter()

    async def due(number: int) -> float:
        if rate is None:
            return time.perf_counter()
        at = began + number / rate
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        return at

    def record(number: int, started: float, ok: bool) -> None:
        load.latencies.append(time.perf_counter() - started)
        load.errors += not ok
        if (number + 1) % 1_000 == 0:
            load.rss_kb.append((number + 1, _rss_kb(pid)))

    async def raw_client(http: httpx2.AsyncClient) -> None:
        for number in counter:
            started = await due(number)
            body = _call_body(number, queries[number % len(queries)])
            try:
                ok = _answered(await http.post(url, content=body, headers=headers))
            except httpx2.HTTPError:
                ok = False
            record(number, started, ok)

    async def sdk_client() -> None:
        auth = {"Authorization": f"Bearer {TEST_TOKEN}"}
        async with (
            httpx2.AsyncClient(headers=auth, timeout=30, limits=httpx2.Limits(max_connections=1)) as http,
            Client(streamable_http_client(url, http_client=http)) as client,
        ):
            for number in counter:
                started = await due(number)
                try:
                    result = await client.call_tool(
                        "support_search_tickets", {"query": queries[number % len(queries)]}
                    )
                    ok = not result.is_error
                except Exception:
                    ok = False
                record(number, started, ok)

    load.rss_kb.append((0, _rss_kb(pid)))
    # Build the raw clients before the clock starts: making 32 TLS-capable clients takes a good part of a
    # second, which would otherwise count as the server's latency for the first calls.
    https = [httpx2.AsyncClient(limits=httpx2.Limits(max_connections=1), timeout=30) for _ in range(clients)]
    server_cpu, client_cpu = _cpu_seconds(pid), time.process_time()
    began = time.perf_counter()
    try:
        if sdk:
            await asyncio.gather(*(sdk_client() for _ in range(clients)))
        else:
            await asyncio.gather(*(raw_client(http) for http in https))
    finally:
        for http in https:
            await http.aclose()
    load.seconds = time.perf_counter() - began
    load.server_cpu = _cpu_seconds(pid) - server_cpu
    load.client_cpu = time.process_time() - client_cpu
    return load


def _report_load(title: str, load: Load) -> None:
    answered = len(load.latencies)
    print(f"  {title}: {answered} calls in {load.seconds:.1f} s = {answered / load.seconds:.0f} calls/s")
    per_call = load.server_cpu / answered * 1000
    print(
        f"    server CPU {per_call:.2f} ms per call (one core would sustain {1000 / per_call:.0f} calls/s); "
        f"load generator CPU {load.client_cpu / answered * 1000:.2f} ms per call"
    )
    print(
        f"    latency p50 {_percentile(load.latencies, 0.5) * 1000:.1f} ms  "
        f"p95 {_percentile(load.latencies, 0.95) * 1000:.1f} ms  "
        f"p99 {_percentile(load.latencies, 0.99) * 1000:.1f} ms  max {max(load.latencies) * 1000:.1f} ms  "
        f"errors {load.errors}"
    )
    samples = sorted(load.rss_kb)
    if len(samples) > 2:
        step = max(1, len(samples) // 6)
        shown = ", ".join(f"{n / 1000:g}k {kb / 1024:.1f}" for n, kb in samples[::step])
        print(
            f"    server RSS (MB) by calls answered: {shown}, {samples[-1][0] / 1000:g}k {samples[-1][1] / 1024:.1f}"
        )
        (first_n, first_kb), (last_n, last_kb) = samples[1], samples[-1]
        print(f"    RSS growth from {first_n} to {last_n} calls: {(last_kb - first_kb) / 1024:+.1f} MB")


async def http_figures(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        path = home / "workspace.sqlite"
        LocalWorkspace.create(path, _dataset(args.dataset), clock=lambda: NOW).close()
        with http_server(path, hermetic_env(home), token=TEST_TOKEN) as server:
            pid = server.process.pid
            print(
                f"http: {args.clients} concurrent loopback clients, {args.dataset} workspace, "
                f"support_search_tickets over {server.url}"
            )
            await http_load(server.url, pid, clients=args.clients, calls=1_000)  # warm-up
            load = await http_load(server.url, pid, clients=args.clients, calls=args.calls, rate=args.rate)
            _report_load(f"raw JSON-RPC clients, {args.rate:g} calls/s offered", load)
            if args.saturation_calls:
                load = await http_load(server.url, pid, clients=args.clients, calls=args.saturation_calls)
                _report_load("raw JSON-RPC clients, each sending as fast as it is answered", load)
            if args.sdk_calls:
                load = await http_load(server.url, pid, clients=args.clients, calls=args.sdk_calls, sdk=True)
                _report_load("mcp SDK clients, each sending as fast as it is answered", load)


# ---------------------------------------------------------------------------------------------- 3


class RecordingTransport(httpx2.AsyncBaseTransport):
    """Passes requests to `inner` and keeps the text of every response body."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner
        self.bodies: list[tuple[str, str]] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        self.bodies.append((request.url.path, body.decode()))
        return httpx2.Response(response.status_code, headers=response.headers, content=body, request=request)


@dataclass
class Vendor:
    name: str
    tool: str
    recorder: RecordingTransport
    connector: Any


def _recording(app: Any, base_url: str = "") -> tuple[RecordingTransport, httpx2.AsyncClient]:
    recorder = RecordingTransport(httpx2.ASGITransport(app=app))
    return recorder, httpx2.AsyncClient(transport=recorder, base_url=base_url)


def vendors(dataset: Dataset) -> list[Vendor]:
    """Each category's first-choice vendor connector over its fake, recording the vendor's responses."""
    found: list[Vendor] = []
    zf = ZendeskFake(dataset, clock=lambda: NOW)
    recorder, client = _recording(zf.app, zf.base_url)
    zd = {"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_EMAIL": zf.email, "ZENDESK_API_TOKEN": "zd-test-token"}
    found.append(
        Vendor(
            "zendesk",
            "support_search_tickets",
            recorder,
            zendesk.from_settings(load_settings(zd), "support", client=client),
        )
    )
    hf = HubSpotFake(dataset)
    recorder, client = _recording(hf.app, hf.base_url)
    hs = {
        "CUSTOMER_ESCALATION_CRM": "hubspot",
        "HUBSPOT_ACCESS_TOKEN": hf.token,
        "HUBSPOT_PORTAL_ID": hf.portal_id,
    }
    found.append(
        Vendor(
            "hubspot",
            "crm_search_accounts",
            recorder,
            hubspot.from_settings(load_settings(hs), "crm", client=client),
        )
    )
    sf = SlackFake(dataset, now=lambda: NOW)
    recorder, client = _recording(sf.app)
    bot = HttpApi(SlackPolicy(BOT_TOKEN, variable=BOT_TOKEN_VAR), base_url=DEFAULT_BASE_URL, client=client)
    user = HttpApi(SlackPolicy(USER_TOKEN, variable=USER_TOKEN_VAR), base_url=DEFAULT_BASE_URL, client=client)
    found.append(
        Vendor("slack", "chat_search_messages", recorder, SlackChat(bot, search_api=user, clock=lambda: NOW))
    )
    jf = JiraFake(dataset, now=lambda: NOW)
    recorder, client = _recording(jf.app, jf.base_url)
    atlassian = {"JIRA_BASE_URL": jf.base_url, "JIRA_EMAIL": jf.email, "JIRA_API_TOKEN": jf.api_token}
    settings = load_settings({"CUSTOMER_ESCALATION_TRACKER": "jira", **atlassian})
    found.append(
        Vendor(
            "jira", "tracker_search_issues", recorder, jira.from_settings(settings, "tracker", client=client)
        )
    )
    cf = ConfluenceFake(dataset, now=lambda: NOW)
    recorder, client = _recording(cf.app, cf.base_url)
    atlassian = {"JIRA_BASE_URL": cf.base_url, "JIRA_EMAIL": cf.email, "JIRA_API_TOKEN": cf.api_token}
    settings = load_settings({"CUSTOMER_ESCALATION_KB": "confluence", **atlassian})
    found.append(
        Vendor(
            "confluence",
            "kb_search_articles",
            recorder,
            confluence.from_settings(settings, "kb", client=client),
        )
    )
    return found


def _without_empties(value: Any) -> Any:
    """`value` without null, empty and false fields: what a leaner view would send."""
    if isinstance(value, dict):
        kept = {k: _without_empties(v) for k, v in value.items() if v not in (None, "", [], {}, False)}
        return {k: v for k, v in kept.items() if v not in ("", [], {})}
    if isinstance(value, list):
        return [_without_empties(v) for v in value]
    return value


@dataclass(frozen=True)
class SizeRow:
    tool: str
    items: int
    vendor_search: int
    """Characters of the vendor's search response."""
    vendor_all: int
    """Characters of every vendor response the call needed."""
    text: int
    """Characters of the tool result's text content (what an MCP client hands the model)."""
    compact: int
    """Characters of the structured result as compact JSON (what our agent loop hands the model)."""
    lean: int
    """`compact` without null, empty and false fields and without the envelope's notice."""


def _size_row(tool: str, result: Any, bodies: list[tuple[str, str]]) -> SizeRow | None:
    data = result.structured_content
    items = next((v for v in data.values() if isinstance(v, list)), [])
    if not items:
        return None
    lean = _without_empties({k: v for k, v in data.items() if k != "untrusted_fields_notice"})
    return SizeRow(
        tool=tool,
        items=len(items),
        vendor_search=len(bodies[0][1]),
        vendor_all=sum(len(body) for _, body in bodies),
        text=len(_text(result)),
        compact=len(json.dumps(data, separators=(",", ":"))),
        lean=len(json.dumps(lean, separators=(",", ":"))),
    )


def _size_line(label: str, rows: Sequence[SizeRow]) -> str:
    def median(ratio: Callable[[SizeRow], float]) -> float:
        return statistics.median(ratio(r) for r in rows)

    return (
        f"  {label:<24} {len(rows):2} results, median items {median(lambda r: r.items):4.1f}  "
        f"search/text {median(lambda r: r.vendor_search / r.text):5.2f}  "
        f"all/text {median(lambda r: r.vendor_all / r.text):5.2f}  "
        f"search/compact {median(lambda r: r.vendor_search / r.compact):5.2f}  "
        f"search/lean {median(lambda r: r.vendor_search / r.lean):5.2f}"
    )


async def result_size() -> None:
    found = vendors(build_demo(NOW))
    by_tool = {vendor.tool: vendor for vendor in found}
    registry = Registry(
        support=by_tool["support_search_tickets"].connector,
        crm=by_tool["crm_search_accounts"].connector,
        chat=by_tool["chat_search_messages"].connector,
        tracker=by_tool["tracker_search_issues"].connector,
        kb=by_tool["kb_search_articles"].connector,
    )
    server = build_server(registry, policy=load_policy(), clock=lambda: NOW)
    rows: list[SizeRow] = []
    async with Client(server) as client:
        for vendor in found:
            for query in SEARCHES[vendor.tool]:
                vendor.recorder.bodies.clear()
                result = await client.call_tool(vendor.tool, {"query": query, "limit": 10})
                if result.is_error or not result.structured_content:
                    print(f"  {vendor.tool} {query!r} failed: {_text(result)[:200]}")
                    continue
                row = _size_row(vendor.tool, result, vendor.recorder.bodies)
                if row is not None:
                    rows.append(row)
    for vendor in found:
        await vendor.connector.aclose()

    print(
        "size: vendor JSON characters / tool result characters; demo company on the vendor fakes, limit 10 "
        "(search: the vendor's search response; all: every vendor response the call needed; text: the "
        "result as MCP clients get it; compact: as our agent loop passes it on; lean: compact without "
        "empty fields)"
    )
    for tool in SEARCHES:
        mine = [r for r in rows if r.tool == tool]
        if mine:
            print(_size_line(f"{by_tool[tool].name} {tool.split('_')[0]}", mine))
    print(_size_line("all searches", rows))


# ---------------------------------------------------------------------------------------------- 4

HANDLED = {
    "decision": "handle_in_support",
    "summary": "Webhook retries question",
    "why": ["The knowledge base documents the retry settings"],
    "suggested_reply": "Hello, the webhook troubleshooting guide explains how retries work and how to set them.",
}


async def parallel(runs: int, delay: float) -> None:
    async with demo_workspace() as workspace:
        slow = SlowConnector(workspace, delay)
        async with Client(_server(slow)) as client:
            phases: list[float] = []
            for number in range(runs + 1):
                marks: dict[str, float] = {}

                def asked(conversation: list[Entry], marks: dict[str, float] = marks) -> ModelTurn:
                    marks["asked"] = time.perf_counter()
                    return turn(*(call(name, arguments) for name, arguments in FIVE_SEARCHES))

                def answered(conversation: list[Entry], marks: dict[str, float] = marks) -> ModelTurn:
                    marks["answered"] = time.perf_counter()
                    return submit(HANDLED)

                slow.reset()
                model = ScriptedModel([asked, answered])
                await run_escalation(
                    "Webhook retries question", session=client, model=model, clock=lambda: NOW
                )
                if number:  # run 0 warms the caches
                    assert slow.peak == len(FIVE_SEARCHES)
                    phases.append(marks["answered"] - marks["asked"])
            serial: list[float] = []
            for _ in range(max(3, runs // 4)):
                started = time.perf_counter()
                for name, arguments in FIVE_SEARCHES:
                    await client.call_tool(name, arguments)
                serial.append(time.perf_counter() - started)
    print(f"parallel: five {delay * 1000:.0f} ms searches in one turn of the agent loop, {runs} runs")
    print(
        f"  concurrent: median {_median_ms(phases):.1f} ms  max {max(phases) * 1000:.1f} ms  "
        f"ratio to one call {statistics.median(phases) / delay:.2f}"
    )
    print(
        f"  serial on the same session: median {_median_ms(serial):.1f} ms  "
        f"ratio serial/concurrent {statistics.median(serial) / statistics.median(phases):.2f}"
    )


async def main(args: argparse.Namespace) -> None:
    # The SDK's server sets up INFO logging; one line per vendor request would bury the figures.
    logging.getLogger("httpx2").setLevel(logging.WARNING)
    parts = ("overhead", "http", "size", "parallel") if args.part == "all" else (args.part,)
    if "overhead" in parts:
        await overhead(args.rounds)
    if "size" in parts:
        await result_size()
    if "parallel" in parts:
        await parallel(args.runs, args.delay)
    if "http" in parts:
        await http_figures(args)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--part", choices=("all", "overhead", "http", "size", "parallel"), default="all")
    parser.add_argument("--rounds", type=int, default=100, help="overhead: rounds over the queries")
    parser.add_argument("--clients", type=int, default=32, help="http: concurrent clients")
    parser.add_argument("--rate", type=float, default=300.0, help="http: calls per second offered")
    parser.add_argument("--calls", type=int, default=20_000, help="http: calls at the offered rate")
    parser.add_argument(
        "--saturation-calls", type=int, default=5_000, help="http: calls sent as fast as answered (0 skips)"
    )
    parser.add_argument(
        "--sdk-calls", type=int, default=2_000, help="http: calls from mcp SDK clients (0 skips)"
    )
    parser.add_argument(
        "--dataset", choices=("demo", "contract"), default="demo", help="http: workspace data"
    )
    parser.add_argument("--runs", type=int, default=20, help="parallel: agent-loop runs")
    parser.add_argument("--delay", type=float, default=0.1, help="parallel: seconds each search takes")
    asyncio.run(main(parser.parse_args()))
