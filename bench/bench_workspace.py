"""Figures for the local workspace: demo creation, generating a large workspace, and ticket search.

Run by hand from the repository root (not part of the test suite); it prints medians:

    python bench/bench_workspace.py                      # 1,000,000 tickets: all three figures
    python bench/bench_workspace.py --tickets 100000     # a quicker run
    python bench/bench_workspace.py --skip generate      # search an existing workspace again

1. Demo: building the demo company and writing it to a new workspace, in process (median of runs),
   and ``customer-escalation workspace init`` end to end in a fresh interpreter.
2. Generate: ``generate_workspace`` for ``--tickets`` in a fresh interpreter: wall time, and the peak
   resident memory of the writer and of its text-generating child process.
3. Search: `SEARCH_QUERIES` (realistic support queries, some with filters, some second pages) as
   in-process ``await workspace.search_tickets(...)`` calls. *Cold* is each query's first call on a
   newly opened workspace (phrase frequencies not yet known); *warm* is the median of ``--rounds``
   later calls per query. Reported: median and 95th percentile over the queries.
4. Side by side, in the same run: the engine against the plain FTS5 way (every phrase OR-ed, ranked
   by bm25 over all matches) on a subset of the queries.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__:
    from ._harness import Timing, fmt, measure, measure_async, percentile, side_by_side, table
else:
    from _harness import Timing, fmt, measure, measure_async, percentile, side_by_side, table

from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.local.search import parse_query
from customer_escalation.connectors.records import Ticket

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DEFAULT_TICKETS = 1_000_000


@dataclass(frozen=True)
class Query:
    """One benchmark search: text, filters, and whether to time its second page."""

    text: str
    status: tuple[str, ...] = ()
    since_days: int | None = None
    organization: int | None = None
    """Index into the workspace's accounts (newest first), resolved when the benchmark starts."""
    second_page: bool = False

    @property
    def label(self) -> str:
        parts = [repr(self.text)]
        if self.status:
            parts.append("status=" + ",".join(self.status))
        if self.since_days is not None:
            parts.append(f"since={self.since_days}d")
        if self.organization is not None:
            parts.append("org")
        if self.second_page:
            parts.append("page 2")
        return " ".join(parts)


OPEN = ("new", "open", "pending", "on_hold")
SEARCH_QUERIES: tuple[Query, ...] = (
    Query("API returning 500 errors intermittently"),
    Query("webhook deliveries failing with 502"),
    Query("SSO login loop Okta"),
    Query("data export missing rows"),
    Query("SAML assertion rejected invalid audience"),
    Query("password reset email never arrives"),
    Query("charged twice this month"),
    Query("invoice VAT number missing"),
    Query("dashboard shows stale data"),
    Query("Salesforce sync stopped"),
    Query("iOS app crashes on launch"),
    Query("audit log export for auditors"),
    Query("rate limit 429 low volume"),
    Query("scheduled export to BigQuery not running"),
    Query("two-factor codes not accepted"),
    Query("slow page loads APAC"),
    Query("webhook signature mismatch HMAC"),
    Query("import creates duplicate contacts"),
    Query("GDPR deletion request"),
    Query("possible XSS in comment field"),
    Query("HubSpot OAuth token expired"),
    Query("guest invitations fail"),
    Query("account owner left the company"),
    Query("cannot upload large PDF"),
    Query("CSV export truncated"),
    Query("Retry-After header missing"),
    Query("just-in-time provisioning wrong role"),
    Query("how do I set up approval workflows"),
    Query("SCIM provisioning 409 conflict"),
    Query("push notifications stopped on Android"),
    Query("offline changes lost after sync"),
    Query("notifications going to spam"),
    Query("session expires every few minutes"),
    Query("refund for unused seats"),
    Query("custom role missing permissions"),
    Query("export dates wrong timezone UTC"),
    Query("pagination returns the same page twice"),
    Query("Zapier integration reconnect every day"),
    Query("domain verification TXT record"),
    Query("API token exposed in public repository"),
    Query("login"),
    Query("error"),
    Query("timeout"),
    Query("okta"),
    Query("dlv_8812 req_4f2a9c"),
    Query(""),
    Query("timeout", status=OPEN),
    Query("webhook", since_days=30),
    Query("payment failed renewal", status=("solved", "closed")),
    Query("push notifications android", since_days=7),
    Query("sso", organization=3),
    Query("export missing rows", organization=17),
    Query("", status=("on_hold",)),
    Query("", organization=42),
    Query("", status=OPEN, since_days=14),
    Query("", status=("open",), organization=42),
    Query("API 500 errors", second_page=True),
    Query("login", second_page=True),
    Query("SAML", status=OPEN, second_page=True),
)
NAIVE_SUBSET = 12
"""How many of the text queries the plain-FTS5 comparison runs (it is slow on large workspaces)."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--tickets", type=int, default=DEFAULT_TICKETS, help="tickets to generate (default 1,000,000)"
    )
    parser.add_argument(
        "--workspace", type=Path, help="where the generated workspace lives (default: a temp file)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=7, help="timed calls per search query (default 7)")
    parser.add_argument("--demo-runs", type=int, default=5, help="in-process demo creations (default 5)")
    parser.add_argument(
        "--skip", default="", help="comma-separated parts to skip: demo, generate, search, naive"
    )
    args = parser.parse_args(argv)
    skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    path = (
        args.workspace
        or Path(tempfile.gettempdir()) / f"customer-escalation-bench-{args.tickets}-{args.seed}.sqlite"
    )

    if "demo" not in skip:
        bench_demo(args.demo_runs)
    if "generate" not in skip:
        bench_generate(path, args.tickets, args.seed)
    if not path.exists():
        print(f"no workspace at {path}; run without --skip generate first", file=sys.stderr)
        return 1
    if "search" not in skip:
        asyncio.run(bench_search(path, args.rounds))
    if "naive" not in skip:
        asyncio.run(bench_naive(path, args.rounds))
    return 0


def bench_demo(runs: int) -> None:
    from customer_escalation.connectors.local.demo import build_demo

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "demo.sqlite"

        def create() -> None:
            LocalWorkspace.create(target, build_demo(NOW), clock=lambda: NOW, force=True).close()

        in_process = measure(create, repeat=runs, warmup=1, label="build_demo + LocalWorkspace.create")
        end_to_end: list[float] = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "customer_escalation",
                    "workspace",
                    "init",
                    "--force",
                    "--workspace",
                    str(target),
                ],
                check=True,
                capture_output=True,
            )
            end_to_end.append(time.perf_counter() - started)
    cli = Timing(label="`workspace init` (new interpreter)", wall=tuple(end_to_end))
    print("\n## Demo workspace creation (target: under 3 s)\n")
    print(table([in_process.row("s"), cli.row("s")], headers=Timing.HEADERS))


_GENERATE = """
import json, resource, sys, time
from datetime import datetime
from pathlib import Path
from customer_escalation.connectors.local.generate import generate_workspace
started = time.perf_counter()
result = generate_workspace(Path(sys.argv[1]), int(sys.argv[2]), seed=int(sys.argv[3]),
                            now=datetime.fromisoformat(sys.argv[4]), force=True)
seconds = time.perf_counter() - started
me, child = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "tickets": result.tickets, "comments": result.comments,
                  "writer_mb": me.ru_maxrss / 1024, "child_mb": child.ru_maxrss / 1024,
                  "writer_cpu": me.ru_utime + me.ru_stime, "child_cpu": child.ru_utime + child.ru_stime}))
"""


def bench_generate(path: Path, tickets: int, seed: int) -> None:
    command = [sys.executable, "-c", _GENERATE, str(path), str(tickets), str(seed), NOW.isoformat()]
    started = time.perf_counter()
    finished = subprocess.run(command, check=True, capture_output=True, text=True)
    total = time.perf_counter() - started
    figures = json.loads(finished.stdout.strip().splitlines()[-1])
    peak = figures["writer_mb"] + figures["child_mb"]
    print(f"\n## Generate {tickets:,} tickets (target: under 90 s, peak memory under 400 MB)\n")
    rows = [
        ("generate_workspace, wall time", f"{figures['seconds']:.1f} s"),
        ("whole process (interpreter start included)", f"{total:.1f} s"),
        ("CPU time, writer process", f"{figures['writer_cpu']:.1f} s"),
        ("CPU time, text-generating child", f"{figures['child_cpu']:.1f} s"),
        ("machine load average (1 min) at the end", f"{os.getloadavg()[0]:.2f}"),
        ("peak RSS, writer process", f"{figures['writer_mb']:.0f} MB"),
        ("peak RSS, text-generating child", f"{figures['child_mb']:.0f} MB"),
        ("peak RSS, both added", f"{peak:.0f} MB"),
        ("comments", f"{figures['comments']:,}"),
        ("file size", f"{path.stat().st_size / 1e9:.2f} GB"),
    ]
    print(table(rows, headers=("what", "figure")))


async def _resolved(workspace: LocalWorkspace) -> list[tuple[Query, dict[str, Any]]]:
    accounts = (await workspace.search_accounts("", limit=100)).items
    resolved = []
    for query in SEARCH_QUERIES:
        filters: dict[str, Any] = {}
        if query.status:
            filters["status"] = list(query.status)
        if query.since_days is not None:
            filters["since"] = NOW - timedelta(days=query.since_days)
        if query.organization is not None and accounts:
            filters["organization_id"] = accounts[query.organization % len(accounts)].id
        resolved.append((query, filters))
    return resolved


async def _run(workspace: LocalWorkspace, query: Query, filters: dict[str, Any]) -> int:
    page = await workspace.search_tickets(query.text, **filters)
    if query.second_page and page.next_cursor:
        page = await workspace.search_tickets(query.text, cursor=page.next_cursor, **filters)
    return len(page.items)


async def bench_search(path: Path, rounds: int) -> None:
    with LocalWorkspace.open(path, create_demo=False) as workspace:
        tickets = workspace.stats().counts["tickets"]
        resolved = await _resolved(workspace)
    cold: list[Timing] = []
    with LocalWorkspace.open(path, create_demo=False) as workspace:
        for query, filters in resolved:
            cold.append(
                await measure_async(
                    lambda q=query, f=filters: _run(workspace, q, f), repeat=1, warmup=0, label=query.label
                )
            )
        warm = [
            await measure_async(
                lambda q=query, f=filters: _run(workspace, q, f), repeat=rounds, warmup=0, label=query.label
            )
            for query, filters in resolved
        ]
        found = [await _run(workspace, query, filters) for query, filters in resolved]
    print(
        f"\n## Ticket search on {tickets:,} tickets: {len(resolved)} queries (target: median under 5 ms, p95 under 25 ms)\n"
    )
    rows = [(*w.row(), fmt(c.median), str(n)) for w, c, n in zip(warm, cold, found, strict=True)]
    print(table(rows, headers=(*Timing.HEADERS, "cold", "results")))
    summary = []
    for label, timings in (
        ("warm (median of each query's runs)", warm),
        ("cold (each query's first call)", cold),
    ):
        medians = [t.median for t in timings]
        cpu = [t.cpu_median or 0.0 for t in timings]
        summary.append(
            (
                label,
                fmt(statistics.median(medians)),
                fmt(percentile(medians, 95)),
                fmt(max(medians)),
                fmt(statistics.median(cpu)),
                fmt(percentile(cpu, 95)),
            )
        )
    print()
    print(table(summary, headers=("over the queries", "median", "p95", "max", "cpu median", "cpu p95")))


async def bench_naive(path: Path, rounds: int) -> None:
    """The engine against one plain FTS5 query per search, on the same workspace in the same run."""
    queries = [q for q in SEARCH_QUERIES if q.text and not (q.status or q.since_days or q.organization)]
    queries = queries[:NAIVE_SUBSET]
    conn = sqlite3.connect(path)

    def naive(text: str) -> int:
        phrases = parse_query(text)
        expr = "{subject body} : (" + " OR ".join(p.expression for p in phrases) + ")"
        rows = conn.execute(
            "SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH ? ORDER BY bm25(tickets_fts, 3.0, 1.0, 0.0) LIMIT 20",
            (expr,),
        ).fetchall()
        marks = ", ".join("?" * len(rows))
        data = conn.execute(f"SELECT data FROM tickets WHERE n IN ({marks})", [n for (n,) in rows]).fetchall()
        return len([Ticket.model_validate_json(d) for (d,) in data])

    pairs = []
    with LocalWorkspace.open(path, create_demo=False) as workspace:
        for query in queries:
            plain = measure(
                lambda t=query.text: naive(t), repeat=max(1, rounds // 3), warmup=1, label=query.label
            )
            engine = await measure_async(
                lambda t=query.text: workspace.search_tickets(t),
                repeat=max(1, rounds // 3),
                warmup=1,
                label=query.label,
            )
            pairs.append((query.label, plain, engine))
    conn.close()
    print("\n## Side by side: plain FTS5 (OR of phrases, bm25 over every match) vs the engine\n")
    print(side_by_side(pairs, names=("plain FTS5", "engine")))
    total_plain = sum(p.median for _, p, _ in pairs)
    total_engine = sum(e.median for _, _, e in pairs)
    print(f"\nsum of medians: plain {fmt(total_plain)}, engine {fmt(total_engine)}")


if __name__ == "__main__":
    sys.exit(main())
