"""HTTP figures for the MCP server: concurrent loopback clients, throughput, latency, CPU and memory."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp_types.version import LATEST_MODERN_VERSION

from bench._server_common import SEARCHES, dataset_named, percentile
from customer_escalation.connectors.local import LocalWorkspace
from tests.contract.dataset import NOW
from tests.interop.serving import TEST_TOKEN, hermetic_env, http_server


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
    url: str,
    pid: int,
    *,
    clients: int,
    calls: int,
    rate: float | None = None,
    sdk: bool = False,
    distinct: bool = False,
) -> Load:
    """`calls` tool calls from `clients` concurrent clients, each with one connection.

    Without `rate` every client sends its next call as soon as the last one is answered (the most the
    server can do). With `rate` (calls per second over all clients) call n is due at n / rate seconds,
    and its latency counts from then, so time spent waiting behind a slow server is not hidden.
    The queries repeat a support lead's searches; with `distinct`, each call's query adds a word of
    its own that no record holds (the same tickets match, but no two calls are the same search, so
    none is answered from a page the workspace remembers).
    """
    load = Load()
    searches = SEARCHES["support_search_tickets"]
    salt = secrets.token_hex(4)  # new words in every run, too
    repeated = searches * (calls // len(searches) + 1)
    queries = [f"{q} q{salt}n{n}" for n, q in enumerate(repeated)] if distinct else searches
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
        f"    latency p50 {percentile(load.latencies, 0.5) * 1000:.1f} ms  "
        f"p95 {percentile(load.latencies, 0.95) * 1000:.1f} ms  "
        f"p99 {percentile(load.latencies, 0.99) * 1000:.1f} ms  max {max(load.latencies) * 1000:.1f} ms  "
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
        LocalWorkspace.create(path, dataset_named(args.dataset), clock=lambda: NOW).close()
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
