"""Team scale on PostgreSQL: several `serve --http` replicas over one database (run by hand).

From the repository root, with a PostgreSQL server (`scripts/postgres.sh start` prints its URL):

    CUSTOMER_ESCALATION_DATABASE_URL=$(scripts/postgres.sh url) python -m bench.bench_replicas
    ... python -m bench.bench_replicas --seconds 20 --kill        # SIGKILL one replica mid-run

The database named in the URL is only used to create a fresh one beside it (`ce_bench_replicas`),
which receives the demo company (`workspace migrate`'s copy) and is dropped at the end (`--keep` keeps
it). `--replicas` replicas of `customer-escalation serve --http 127.0.0.1:0` run as processes of their
own over it, with the bearer token and write allowlists (channel `support-escalations`, project
`ENG`, ticket notes).

1. Repeats: for each write tool, `--repeats` identical calls (same issue and tickets, so the same
   escalation and action, with `dry_run=false`) sent at once, spread round-robin over the replicas.
   Counted in the database: escalations opened, finished actions and records written for it; each
   must be exactly one.
2. Mixed load: `--clients` clients, one connection each and spread over the replicas, for `--seconds`,
   each sending its next call as soon as the last is answered, or with `--rate R` offering R calls per
   second at random (Poisson) moments, latency counted from the moment a call was due:
   a share (`--write-share`) of writes (each for a new escalation, tagged), the rest reads (the search
   and get tools over demo records). A client whose replica refuses the connection moves to the next
   one and sends the call again (as a load balancer would); a write is sent again with the same
   arguments, which the server promises never to write twice. Printed: errors, latency p50/p95/p99
   for reads and writes, calls per replica.
3. Lost writes: every write that was answered as done must have its record in the database, exactly
   one; no tagged record may exist twice.
4. `--kill`: one replica is SIGKILLed halfway through the mixed load. Afterwards the claims still
   pending are listed with their age (none may be older than the lease). The benchmark then ages them
   past the lease in the database (standing in for a ten-minute wait) and sends every write that was
   never answered again: no claim may stay pending and each of those writes must exist exactly once.

Every client draws its calls from a random generator seeded with `--seed` and its number.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from contextlib import AsyncExitStack, ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2

from bench._harness import percentile, table
from bench._processes import Running, launched
from bench._replicas_db import KINDS, drop_database, expire_claims, fresh_database, tally
from customer_escalation.connectors.local.demo import build_demo
from customer_escalation.skill.actions.ledger import DEFAULT_LEASE
from tests.contract.dataset import NOW
from tests.hostile.load import Call, call_body, headers_for, mixed_calls
from tests.interop.serving import TEST_TOKEN, hermetic_env, serve_command

CHANNEL = "support-escalations"
PROJECT = "ENG"
DONE = frozenset({"executed", "skipped", "existing"})
"""Statuses of a write that exists: written now, or found written by an earlier call."""


@dataclass
class Sent:
    """One write the benchmark asked for, and what became of it."""

    tool: str
    arguments: dict[str, Any]
    tag: str
    status: str | None = None
    """The action's status when the call was answered; None while unanswered."""


@dataclass
class Figures:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"read": [], "open": [], "write": []})
    """Per kind: reads, opening an escalation (assess, then compose) before a write, and the write."""
    errors: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    by_replica: Counter[str] = field(default_factory=Counter)
    moved: int = 0
    """Calls sent again to another replica after theirs refused the connection."""
    writes: list[Sent] = field(default_factory=list)

    def error(self, text: str) -> None:
        self.errors[text.split(":")[0]] += 1
        if len(self.samples) < 8:
            self.samples.append(text[:300])


class Pool:
    """The replicas' URLs, and which of them still answer."""

    def __init__(self, servers: list[Running]) -> None:
        self.servers = servers
        self.down: set[int] = set()

    def pick(self, preferred: int) -> int:
        for offset in range(len(self.servers)):
            index = (preferred + offset) % len(self.servers)
            if index not in self.down:
                return index
        raise RuntimeError("every replica is down")


def write_call(tool: str, tag: str, ticket: str | None, escalation_id: str) -> tuple[str, dict[str, Any]]:
    """A write for the escalation `escalation_id` opened for `tag` (see `opening_calls`), on `ticket`
    when one is given (an internal note needs one), with `dry_run=false`."""
    common: dict[str, Any] = {"escalation_id": escalation_id, "dry_run": False}
    if tool == "chat_post_message":
        return tool, {"channel": CHANNEL, "text": f"Escalation {tag}: batch API errors", **common}
    if tool == "tracker_create_issue":
        body = f"Batch API errors, escalation {tag}."
        return tool, {"project": PROJECT, "title": f"Batch API errors {tag}", "body": body, **common}
    if tool == "support_add_internal_note":
        return tool, {"ticket_id": ticket, "body": f"Escalation {tag} is with engineering.", **common}
    return tool, {"severity": "High", **common}


def assess_call(tag: str, ticket: str | None) -> Call:
    """The assessment that opens the escalation of `tag`: its issue text carries the tag, its tickets are
    `ticket` or none, and a customer's report read through another server (a snapshot) says production
    is down, so the policy escalates. An open escalation sharing a ticket takes in a new one (and a second write of the
    same kind to the same target for it is skipped as done), so escalations meant to differ need
    different tickets, or none."""
    issue = f"Replica check {tag}: batch API errors"
    words = "Since this morning our production is down: every batch upload fails with a 500."
    report = {"system": "intercom", "id": tag, "kind": "ticket", "author_role": "customer", "text": words}
    finding = {"kind": "production_down", "record": f"ticket:{tag}", "quote": "our production is down"}
    return "escalation_assess", {
        "issue": issue,
        "ticket_ids": [ticket] if ticket else [],
        "records": [report],
        "findings": [finding],
    }


def compose_call(tag: str, assessed: dict[str, Any]) -> Call:
    """The brief that records the escalation of `tag`, as an assistant would compose it."""
    draft = {
        "decision": assessed["decision"],
        "summary": f"Replica check {tag}: batch API errors",
        "workflow_impact": "Batch uploads fail, so the customer's nightly import stops.",
        "issue_description": "The batch endpoint answers 500 for some requests since this morning.",
        "whats_been_tried": ["Retried the batch: it fails again."],
        "reproduction_note": "Unknown: the tickets hold no steps.",
        "last_update_to_customer": "None yet.",
        "customer_expectation": "A fix today.",
        "escalation_risk": "Imports stay down.",
        "whats_needed": ["investigate the 500s"],
    }
    return "escalation_compose", {"assessment_id": assessed["assessment_id"], "draft": draft}


async def open_escalation(
    http: httpx2.AsyncClient, pool: Pool, preferred: int, tag: str, ticket: str | None, figures: Figures
) -> str | None:
    """Assess and compose the escalation of `tag`; its id, or None (an error, counted)."""
    assessed = await send(http, pool, preferred, assess_call(tag, ticket), figures, 0)
    if assessed is None:
        return None
    composed = await send(http, pool, preferred, compose_call(tag, assessed), figures, 0)
    return None if composed is None else str(composed["escalation_id"])


async def send(
    http: httpx2.AsyncClient, pool: Pool, preferred: int, call: Call, figures: Figures, number: int
) -> dict[str, Any] | None:
    """Send `call`, moving to the next replica while connections are refused; the structured result,
    or None (an error, counted)."""
    name, arguments = call
    replica = pool.pick(preferred)
    while True:
        server = pool.servers[replica]
        try:
            response = await http.post(
                server.url, content=call_body(number, name, arguments), headers=headers_for(name, TEST_TOKEN)
            )
        except (httpx2.ConnectError, httpx2.RemoteProtocolError, httpx2.ReadError):
            pool.down.add(replica)
            figures.moved += 1
            replica = pool.pick(replica + 1)
            continue
        except httpx2.TimeoutException:
            figures.error(f"timeout: {name} on {server.name}")
            return None
        figures.by_replica[server.name] += 1
        if response.status_code != 200:
            figures.error(f"HTTP {response.status_code}: {name}: {response.text[:200]}")
            return None
        result = response.json().get("result", {})
        if result.get("isError") or not result.get("structuredContent"):
            figures.error(f"tool error: {name}: {str(result.get('content'))[:200]}")
            return None
        structured: dict[str, Any] = result["structuredContent"]
        return structured


async def mixed_load(pool: Pool, args: argparse.Namespace, tickets: list[str]) -> Figures:
    """The mixed load; each internal note is about a ticket of its own (taken in turn from `tickets`;
    once they are used up, notes give way to the other writes), the other writes name no ticket."""
    figures = Figures()
    fresh = iter(tickets)
    reads = [c for c in mixed_calls(build_demo(NOW), per_tool=8) if "_search_" in c[0] or "_get_" in c[0]]
    numbers = itertools.count(1)
    deadline = 0.0

    async def client(index: int, http: httpx2.AsyncClient) -> None:
        rng = random.Random(f"{args.seed}-{index}")
        due = time.perf_counter()
        for step in itertools.count():
            if args.rate:
                # Poisson arrivals; latency counts from when the call was due, so a call that
                # waits behind a slow one is charged for the wait (no coordinated omission).
                due += rng.expovariate(args.rate)
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
            if time.perf_counter() >= deadline:
                return
            sent: Sent | None = None
            if rng.random() < args.write_share:
                tag = f"rbench{args.seed}t{index}x{step}"
                tool = rng.choice(list(KINDS))
                ticket = next(fresh, None) if tool == "support_add_internal_note" else None
                if tool == "support_add_internal_note" and ticket is None:
                    tool = rng.choice([k for k in KINDS if k != tool])
                began = due if args.rate else time.perf_counter()
                escalation_id = await open_escalation(http, pool, index, tag, ticket, figures)
                figures.latencies["open"].append(time.perf_counter() - began)
                if escalation_id is None:
                    continue
                name, arguments = write_call(tool, tag, ticket, escalation_id)
                sent = Sent(name, arguments, tag)
                figures.writes.append(sent)
                call: Call = (sent.tool, sent.arguments)
            else:
                call = rng.choice(reads)
            began = time.perf_counter() if sent else (due if args.rate else time.perf_counter())
            result = await send(http, pool, index, call, figures, next(numbers))
            figures.latencies["write" if sent else "read"].append(time.perf_counter() - began)
            if sent is not None and result is not None:
                sent.status = result.get("status")

    async def killer() -> None:
        await asyncio.sleep(args.seconds / 2)
        victim = pool.servers[0]
        os.kill(victim.pid, signal.SIGKILL)
        print(f"  killed {victim.name} (pid {victim.pid}) at {args.seconds / 2:g} s", flush=True)

    limits = httpx2.Limits(max_connections=len(pool.servers))
    async with AsyncExitStack() as stack:
        # Made before the clock starts: making a client loads TLS certificates, which holds up the
        # event loop of this process (over a second for 64 of them) and would count as server latency.
        https = [
            await stack.enter_async_context(httpx2.AsyncClient(limits=limits, timeout=args.timeout))
            for _ in range(args.clients)
        ]
        deadline = time.perf_counter() + args.seconds
        extra = [killer()] if args.kill else []
        await asyncio.gather(*(client(i, http) for i, http in enumerate(https)), *extra)
    return figures


async def repeats(pool: Pool, args: argparse.Namespace, tickets: list[str]) -> dict[str, Counter[str]]:
    """`--repeats` identical calls of each write tool at once, round-robin over the replicas (one
    ticket per tool from `tickets`): the statuses they were answered with, by tool."""
    figures = Figures()
    answers: dict[str, Counter[str]] = {}
    limits = httpx2.Limits(max_connections=args.repeats)
    async with httpx2.AsyncClient(limits=limits, timeout=args.timeout) as http:
        for number, tool in enumerate(KINDS):
            tag = f"rbench{args.seed}t{number}"
            escalation_id = await open_escalation(http, pool, number, tag, tickets[number], figures)
            if escalation_id is None:
                answers[tool] = Counter({"error": args.repeats})
                continue
            call = write_call(tool, tag, tickets[number], escalation_id)
            results = await asyncio.gather(
                *(send(http, pool, i, call, figures, i) for i in range(args.repeats))
            )
            answers[tool] = Counter(str(r.get("status")) if r else "error" for r in results)
    for sample in figures.samples:
        print(f"    error: {sample}")
    return answers


def report_repeats(url: str, args: argparse.Namespace, answers: dict[str, Counter[str]]) -> bool:
    counts = tally(url, args.seed)
    rows, good = [], True
    for number, (tool, kind) in enumerate(KINDS.items()):
        tag = f"rbench{args.seed}t{number}"
        opened, done, written = counts.escalations[tag], counts.actions[kind][tag], counts.records[kind][tag]
        good = good and opened == done == written == 1
        statuses = ", ".join(f"{s} {n}" for s, n in sorted(answers[tool].items()))
        rows.append((tool, str(args.repeats), statuses, str(opened), str(done), str(written)))
    print(
        f"\nrepeats: {args.repeats} identical calls of each write tool at once over {args.replicas} replicas"
    )
    print(table(rows, headers=("tool", "calls", "answered", "escalations", "actions done", "records")))
    print(f"  exactly one of each: {'yes' if good else 'NO'}")
    return good


def report_load(figures: Figures, args: argparse.Namespace) -> None:
    pace = f"{args.rate:g} calls/s each (Poisson)" if args.rate else "as fast as answered"
    print(
        f"\nmixed load: {args.clients} clients, {pace}, {args.seconds:g} s, write share {args.write_share:g}"
    )
    rows = []
    for kind, values in figures.latencies.items():
        if values:
            rows.append(
                (
                    kind,
                    f"{len(values):,}",
                    f"{len(values) / args.seconds:.0f}",
                    *(f"{percentile(values, q) * 1000:.1f} ms" for q in (50, 95, 99)),
                )
            )
    print(table(rows, headers=("calls", "count", "per s", "p50", "p95", "p99")))
    reads, writes = figures.latencies["read"], figures.latencies["write"]
    if reads and writes:
        ratio = percentile(writes, 50) / percentile(reads, 50)
        print(f"  write p50 / read p50: {ratio:.1f}x")
    spread = ", ".join(f"{name} {n:,}" for name, n in sorted(figures.by_replica.items()))
    print(f"  calls answered per replica: {spread}")
    print(
        f"  errors: {sum(figures.errors.values())} {dict(figures.errors)}; calls moved to another replica: {figures.moved}"
    )
    for sample in figures.samples:
        print(f"    error: {sample}")


def check_writes(url: str, args: argparse.Namespace, figures: Figures) -> bool:
    """Every answered write exists exactly once; no tagged record exists twice."""
    counts = tally(url, args.seed)
    mixed = [w for w in figures.writes if w.status in DONE]
    lost = [w for w in mixed if counts.records[KINDS[w.tool]][w.tag] == 0]
    doubled = [(kind, tag, n) for kind, found in counts.records.items() for tag, n in found.items() if n > 1]
    unanswered = [w for w in figures.writes if w.status is None]
    print(
        f"\nwrites: {len(figures.writes):,} asked, {len(mixed):,} answered as done "
        f"({dict(Counter(w.status for w in mixed))}), {len(unanswered)} unanswered"
    )
    print(f"  answered but not in the database: {len(lost)}; records written twice: {len(doubled)}")
    for item in [*(f"lost: {w.tool} {w.tag}" for w in lost[:3]), *(f"twice: {d}" for d in doubled[:3])]:
        print(f"    {item}")
    return not lost and not doubled


async def after_kill(url: str, pool: Pool, args: argparse.Namespace, figures: Figures) -> bool:
    counts = tally(url, args.seed)
    now = datetime.now(UTC)
    ages = [now - at for _, _, at in counts.pending]
    oldest = max(ages, default=None)
    stuck = [age for age in ages if age > DEFAULT_LEASE]
    print(
        f"\nafter the kill: {len(counts.pending)} claims pending"
        + (f", oldest {oldest.total_seconds():.1f} s" if oldest else "")
        + f"; lease {DEFAULT_LEASE.total_seconds():.0f} s; pending past the lease: {len(stuck)}"
    )
    aged = expire_claims(url, DEFAULT_LEASE)
    unanswered = [w for w in figures.writes if w.status is None]
    again = Figures()
    async with httpx2.AsyncClient(timeout=args.timeout) as http:
        for number, sent in enumerate(unanswered):
            result = await send(http, pool, number, (sent.tool, sent.arguments), again, number)
            sent.status = result.get("status") if result else None
    counts = tally(url, args.seed)
    exact = [w for w in unanswered if counts.records[KINDS[w.tool]][w.tag] == 1]
    print(
        f"  aged {aged} claims past the lease, sent the {len(unanswered)} unanswered writes again: "
        f"{len(exact)} exist exactly once, {sum(again.errors.values())} errors; "
        f"claims still pending: {len(counts.pending)}"
    )
    return not stuck and not counts.pending and len(exact) == len(unanswered)


async def main_async(args: argparse.Namespace, url: str) -> bool:
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        home = Path(tmp)
        env = hermetic_env(
            home,
            CUSTOMER_ESCALATION_TOKEN=TEST_TOKEN,
            CUSTOMER_ESCALATION_DATABASE_URL=url,
            CUSTOMER_ESCALATION_WRITE_CHANNELS=CHANNEL,
            CUSTOMER_ESCALATION_WRITE_PROJECTS=PROJECT,
        )
        command = serve_command(home / "unused.sqlite", "--http", "127.0.0.1:0")
        servers = [
            stack.enter_context(launched(f"replica-{n + 1}", command, env)) for n in range(args.replicas)
        ]
        print(", ".join(f"{s.name} pid {s.pid}" for s in servers), flush=True)
        pool = Pool(servers)
        tickets = [t.id for t in build_demo(NOW).tickets]
        good = report_repeats(url, args, await repeats(pool, args, tickets[: len(KINDS)]))
        figures = await mixed_load(pool, args, tickets[len(KINDS) :])
        report_load(figures, args)
        if args.kill:
            good = await after_kill(url, pool, args, figures) and good
        return check_writes(url, args, figures) and good


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="calls per second each client offers (Poisson arrivals); 0 sends each call as soon as the last is answered",
    )
    parser.add_argument("--write-share", type=float, default=0.2, help="share of the mixed calls that write")
    parser.add_argument("--repeats", type=int, default=50, help="identical calls per write tool at once")
    parser.add_argument("--kill", action="store_true", help="SIGKILL one replica halfway through")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds a call may take")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    admin = os.environ.get("CUSTOMER_ESCALATION_DATABASE_URL")
    if not admin:
        sys.exit("set CUSTOMER_ESCALATION_DATABASE_URL (scripts/postgres.sh start prints one)")
    url = fresh_database(admin)
    try:
        good = asyncio.run(main_async(args, url))
    finally:
        if not args.keep:
            drop_database(admin)
    print(f"\nverdict: {'every check passed' if good else 'A CHECK FAILED'}")
    sys.exit(0 if good else 1)


if __name__ == "__main__":
    main()
