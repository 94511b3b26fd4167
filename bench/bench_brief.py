"""Figures for the offline brief end to end: the agent loop, the in-memory MCP server, the offline planner.

Run by hand from the repository root (not part of the test suite); it prints medians:

    python bench/bench_brief.py                      # demo, then a 1,000,000-ticket workspace
    python bench/bench_brief.py --tickets 100000     # a quicker large run
    python bench/bench_brief.py --skip large         # the demo workspace only

1. Demo: every demo scenario drafted in process on the demo workspace (fixed clock), each ``--runs``
   times after a warm-up run. Reported per scenario: median and 95th percentile wall time, the
   decision, the tool calls made, and the context handed to the model (the sum of tool-result
   characters, which is the same on every run). The first run of each scenario is shown apart. Target: median under 300 ms; the four examples of
   the spec under 24,000 characters each.
2. Large: a workspace of ``--tickets`` generated tickets with the demo company loaded on top, so the
   scenarios' records sit among a million others. The same issues, once cold and ``--runs`` times
   more. Target: under 1.5 s. (The generated tickets reuse the spec's issue lines as subjects, so there
   the planner finds more look-alikes than on the demo; decisions are shown, not checked.) Generating the workspace takes a few minutes and is not timed; ``--workspace PATH``
   reuses a generated file instead (it is opened as it is: the demo is not loaded into it).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

if __package__:
    from ._harness import Timing, fmt, measure_async, percentile, table
else:
    from _harness import Timing, fmt, measure_async, percentile, table

from mcp import Client

from customer_escalation.connectors.base import Registry
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.local.demo import DEMO_SCENARIOS, DemoScenario, build_demo
from customer_escalation.connectors.local.generate import generate_workspace
from customer_escalation.skill.agent import RunResult, run_escalation
from customer_escalation.skill.models.planner import OfflinePlanner
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
SPEC_EXAMPLES = ("api-500s", "export-missing-rows", "sso-login-loop", "audit-log-churn")
CONTEXT_LIMIT = 24_000
DEMO_TARGET_S = 0.300
LARGE_TARGET_S = 1.5


async def brief(client: Client, scenario: DemoScenario) -> RunResult:
    return await run_escalation(
        scenario.issue, session=client, model=OfflinePlanner(clock=lambda: NOW), clock=lambda: NOW
    )


def _decision(result: RunResult) -> str:
    assessment = result.assessment
    if assessment is None or assessment.decision != "escalate":
        return "handle in support"
    return f"{assessment.target}, {assessment.severity}"


async def run_scenarios(
    workspace: LocalWorkspace, scenarios: Sequence[DemoScenario], runs: int
) -> list[tuple[DemoScenario, float, Timing, RunResult]]:
    """Each scenario drafted once cold, then `runs` times, through one in-memory MCP session."""
    registry = Registry(support=workspace, crm=workspace, chat=workspace, tracker=workspace, kb=workspace)
    server = build_server(registry, policy=load_policy(), clock=lambda: NOW)
    measured: list[tuple[DemoScenario, float, Timing, RunResult]] = []
    async with Client(server) as client:
        for scenario in scenarios:
            last: list[RunResult] = []

            async def once(scenario: DemoScenario = scenario, last: list[RunResult] = last) -> None:
                last[:] = [await brief(client, scenario)]

            started = time.perf_counter()
            await once()
            first = time.perf_counter() - started
            timing = await measure_async(once, repeat=runs, warmup=0, label=scenario.name)
            measured.append((scenario, first, timing, last[0]))
    return measured


def report(
    title: str, measured: list[tuple[DemoScenario, float, Timing, RunResult]], target_s: float
) -> None:
    rows = []
    for scenario, first, timing, result in measured:
        context = result.context_chars
        flag = " *" if scenario.name in SPEC_EXAMPLES and context >= CONTEXT_LIMIT else ""
        rows.append(
            (
                scenario.name + (" (spec)" if scenario.name in SPEC_EXAMPLES else ""),
                fmt(first),
                str(len(timing.wall)),
                fmt(timing.median),
                fmt(timing.p95),
                str(len(result.trace)),
                f"{context:,}{flag}",
                _decision(result),
            )
        )
    print(f"\n{title}")
    print(
        table(
            rows,
            headers=(
                "scenario",
                "first run",
                "runs",
                "median",
                "p95",
                "tool calls",
                "context chars",
                "decision",
            ),
        )
    )
    samples = [s for _, _, timing, _ in measured for s in timing.wall]
    medians = [timing.median for _, _, timing, _ in measured]
    firsts = [first for _, first, _, _ in measured]
    overall = statistics.median(samples)
    verdict = "meets" if overall < target_s else "misses"
    print(
        f"all briefs: median {fmt(overall)}, p95 {fmt(percentile(samples, 95))}, slowest scenario median "
        f"{fmt(max(medians))}, slowest first run {fmt(max(firsts))} ({verdict} the {fmt(target_s)} target)"
    )
    spec = [result.context_chars for scenario, _, _, result in measured if scenario.name in SPEC_EXAMPLES]
    if spec:
        print(
            f"spec examples: context {min(spec):,}-{max(spec):,} characters "
            f"({'all under' if max(spec) < CONTEXT_LIMIT else 'NOT all under'} {CONTEXT_LIMIT:,})"
        )


async def demo(runs: int, directory: Path) -> None:
    started = time.perf_counter()
    workspace = LocalWorkspace.create(directory / "demo.sqlite", build_demo(NOW), clock=lambda: NOW)
    print(f"demo workspace built in {fmt(time.perf_counter() - started)}")
    try:
        measured = await run_scenarios(workspace, DEMO_SCENARIOS, runs)
    finally:
        await workspace.aclose()
    report("1. Demo workspace: offline brief end to end, in process", measured, DEMO_TARGET_S)


async def large(runs: int, tickets: int, directory: Path, existing: Path | None) -> None:
    if existing is not None:
        workspace = LocalWorkspace.open(existing, clock=lambda: NOW, create_demo=False)
        what = f"{existing} as it is"
    else:
        path = directory / "large.sqlite"
        started = time.perf_counter()
        generated = generate_workspace(path, tickets, seed=7, now=NOW)
        print(
            f"\ngenerated {generated.tickets:,} tickets in {time.perf_counter() - started:.0f} s (not timed)"
        )
        workspace = LocalWorkspace.open(path, clock=lambda: NOW, create_demo=False)
        workspace.load(build_demo(NOW))
        what = f"{generated.tickets:,} generated tickets plus the demo company"
    try:
        stats = workspace.stats()
        measured = await run_scenarios(workspace, DEMO_SCENARIOS, runs)
    finally:
        await workspace.aclose()
    report(f"2. Large workspace ({what}; {stats.counts['tickets']:,} tickets)", measured, LARGE_TARGET_S)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7, help="measured runs per scenario (default 7)")
    parser.add_argument("--tickets", type=int, default=1_000_000, help="tickets in the large workspace")
    parser.add_argument("--workspace", type=Path, help="use this generated workspace for the large figures")
    parser.add_argument("--skip", choices=("demo", "large"), action="append", default=[])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-brief-") as tmp:
        if "demo" not in args.skip:
            asyncio.run(demo(args.runs, Path(tmp)))
        if "large" not in args.skip:
            asyncio.run(large(args.runs, args.tickets, Path(tmp), args.workspace))


if __name__ == "__main__":
    main()
