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
import logging
import statistics
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

from mcp import Client

from bench._server_common import SEARCHES, demo_workspace, median_ms, server_over
from bench._server_http import http_figures
from bench._server_size import result_size
from customer_escalation.skill.agent import run_escalation
from customer_escalation.skill.models.base import Entry, ModelTurn
from customer_escalation.skill.models.scripted import ScriptedModel, call, submit, turn
from tests.contract.dataset import NOW
from tests.interop.slow import FIVE_SEARCHES, SlowConnector


async def overhead(rounds: int) -> None:
    queries = SEARCHES["support_search_tickets"]
    async with demo_workspace() as workspace, AsyncExitStack() as stack:
        server = server_over(workspace)
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

    base = median_ms(times["connector"])
    print(
        f"overhead: support_search_tickets over the demo workspace, {rounds} rounds of {len(queries)} queries"
    )
    for name, seconds in times.items():
        added = [t - c for t, c in zip(seconds, times["connector"], strict=True)]
        print(
            f"  {name:<24} median {median_ms(seconds):6.3f} ms  ratio {median_ms(seconds) / base:5.2f}  "
            f"added (median of paired differences) {median_ms(added):6.3f} ms"
        )


# ---------------------------------------------------------------------------------------------- 2


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
        async with Client(server_over(slow)) as client:
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
        f"  concurrent: median {median_ms(phases):.1f} ms  max {max(phases) * 1000:.1f} ms  "
        f"ratio to one call {statistics.median(phases) / delay:.2f}"
    )
    print(
        f"  serial on the same session: median {median_ms(serial):.1f} ms  "
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
