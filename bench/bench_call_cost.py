"""The server's own cost per call, against a floor (run by hand; prints medians and ratios).

From the repository root:

    python -m bench.bench_call_cost                      # 32 clients, 7 rounds of 3,000 calls each
    python -m bench.bench_call_cost --rounds 3 --calls 1000
    python -m bench.bench_call_cost --distinct           # no two calls the same search (see below)
    git archive HEAD~3 | tar -x -C /tmp/before           # an earlier version, to run beside this one:
    python -m bench.bench_call_cost --before /tmp/before
    python -m bench.bench_call_cost --hold 60            # then profile the printed pids (py-spy ...)

The servers run side by side as their own processes on loopback ports, with the bearer token:
`customer-escalation serve --http` over a workspace file holding the demo company (with `--before`,
a second one imported from that checkout), and the floor (`bench/_floor_server.py`: the same SDK and
HTTP mode, one tool answering a fixed ten-item result of the same shape and size). In each round
`--clients` clients, one connection each, send `support_search_tickets` calls as fast as they are
answered, to one server after the other (the order rotates by round). Per round and server: calls per
second at saturation and the server's CPU time per call (from /proc); printed as medians over the
rounds, with ratios taken round by round.

The ten queries repeat, as a support lead's searches do, so after the first round the workspace
answers them from the pages it remembers (until the file changes). `--distinct` adds a word of its
own to every call's query, a word no record holds: the same tickets match, but every call ranks them
afresh, which is the cost of a search nobody has run yet.

The machine's other work shows up as noise in calls per second far more than in CPU per call, which
is the figure to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from bench._harness import table
from bench._processes import Running, launched
from bench._server_http import http_load
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.local.demo import build_demo
from tests.contract.dataset import NOW
from tests.interop.serving import TEST_TOKEN, hermetic_env

ROOT = str(Path(__file__).resolve().parents[1])
"""This checkout: the server and the floor run its code."""


async def rounds(servers: list[Running], args: argparse.Namespace) -> dict[str, list[tuple[float, float]]]:
    """(calls per second, server CPU ms per call) per round, by server name."""
    figures: dict[str, list[tuple[float, float]]] = {s.name: [] for s in servers}
    for server in servers:  # warm-up: imports, caches, connection set-up
        await http_load(
            server.url, server.pid, clients=args.clients, calls=args.warmup, distinct=args.distinct
        )
    for number in range(args.rounds):
        order = servers[number % len(servers) :] + servers[: number % len(servers)]
        for server in order:
            load = await http_load(
                server.url, server.pid, clients=args.clients, calls=args.calls, distinct=args.distinct
            )
            if load.errors:
                raise RuntimeError(f"{server.name}: {load.errors} errors in round {number + 1}")
            answered = len(load.latencies)
            figures[server.name].append((answered / load.seconds, load.server_cpu / answered * 1000))
        print(
            f"  round {number + 1}: "
            + "  ".join(
                f"{name} {calls:.0f} calls/s {cpu:.2f} ms CPU" for name, [*_, (calls, cpu)] in figures.items()
            ),
            flush=True,
        )
    return figures


def report(figures: dict[str, list[tuple[float, float]]], args: argparse.Namespace) -> None:
    """Medians per server, and ratios to the floor (and to `before`) taken round by round."""
    floor = figures["floor"]

    def ratio(name: str, to: list[tuple[float, float]], column: int) -> str:
        # Per round (the servers were measured back to back), then the median.
        pairs = zip(figures[name], to, strict=True)
        return f"{statistics.median(a[column] / b[column] for a, b in pairs):.2f}x"

    rows = []
    for name in figures:
        cpu = statistics.median(c for _, c in figures[name])
        rate = statistics.median(r for r, _ in figures[name])
        row = [name, f"{cpu:.2f} ms", ratio(name, floor, 1), f"{rate:.0f}", ratio(name, floor, 0)]
        if "before" in figures:
            row += [ratio(name, figures["before"], 1), ratio(name, figures["before"], 0)]
        rows.append(tuple(row))
    headers = ["server", "CPU per call", "CPU / floor", "calls/s", "calls/s / floor"]
    if "before" in figures:
        headers += ["CPU / before", "calls/s / before"]
    queries = "a query of its own per call" if args.distinct else "ten repeated queries"
    print(
        f"\nsupport_search_tickets, demo workspace, {queries}, {args.clients} clients as fast as answered, "
        f"{args.rounds} rounds of {args.calls:,} calls per server (medians; ratios per round, then median)"
    )
    print(table(rows, headers=headers))


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        home = Path(tmp)
        path = home / "demo.sqlite"
        LocalWorkspace.create(path, build_demo(NOW), clock=lambda: NOW).close()
        env = hermetic_env(home, CUSTOMER_ESCALATION_TOKEN=TEST_TOKEN)
        python = sys.executable
        serve = [
            python,
            "-m",
            "customer_escalation",
            "serve",
            "--workspace",
            str(path),
            "--http",
            "127.0.0.1:0",
        ]
        servers = [stack.enter_context(launched("server", serve, env, cwd=ROOT))]
        if args.before:
            # The same command on an earlier checkout, started in its folder: `python -m` imports from
            # the working directory first, ahead of PYTHONPATH and of this checkout's editable install.
            before_env = {**env, "PYTHONPATH": args.before}
            servers.append(stack.enter_context(launched("before", serve, before_env, cwd=args.before)))
        floor_command = [python, "-m", "bench._floor_server", "127.0.0.1:0"]
        servers.append(stack.enter_context(launched("floor", floor_command, env, cwd=ROOT)))
        print("; ".join(f"{s.name} pid {s.pid} at {s.url}" for s in servers), flush=True)
        if args.hold:
            print(f"holding for {args.hold:g} s while loading every server", flush=True)
            deadline = time.monotonic() + args.hold
            while time.monotonic() < deadline:
                for server in servers:
                    await http_load(
                        server.url, server.pid, clients=args.clients, calls=args.calls, distinct=args.distinct
                    )
            return
        report(await rounds(servers, args), args)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=3_000, help="calls per server per round")
    parser.add_argument("--warmup", type=int, default=1_000, help="calls per server before the rounds")
    parser.add_argument(
        "--before",
        metavar="DIR",
        help="also run the server from this checkout of an earlier version (e.g. a `git archive` of it)",
    )
    parser.add_argument(
        "--distinct",
        action="store_true",
        help="give every call a query of its own, so that none is answered from a remembered page",
    )
    parser.add_argument(
        "--hold",
        type=float,
        default=0.0,
        help="only load both servers for this many seconds (to profile them)",
    )
    args = parser.parse_args()
    if args.before:
        args.before = os.path.abspath(args.before)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
