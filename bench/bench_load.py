"""Load on the HTTP server (run by hand; prints figures).

From the repository root:

    python -m bench.bench_load                              # 64 clients, 60 s, demo workspace
    python -m bench.bench_load --clients 16 --seconds 10    # shorter
    python -m bench.bench_load --dataset contract           # the small contract world

`customer-escalation serve --http 127.0.0.1:0` runs as its own process with the bearer token, over a
workspace file holding the demo company. `--clients` loopback clients, each with one connection, send
a mix of tool calls (every read tool and `escalation_assess`, over records of the workspace) as fast as
they are answered for `--seconds`, while `--intruders` more send requests without a token, with a wrong
token and with an oversized body (over the 1 MB limit). Printed: calls and calls per second, errors
(a good call not answered 200 with a non-error result), latency p50/p95/p99/max, calls per tool, the
server's resident memory at the start, middle and end, and how every intruder request was answered.
Targets: zero errors, every intruder request refused (401 or 413), memory flat after warm-up.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.local.demo import build_demo
from customer_escalation.connectors.records import Dataset
from tests.contract.dataset import CONTRACT_DATASET
from tests.hostile.attacks import NOW
from tests.hostile.load import LoadFigures, generate_load, mixed_calls
from tests.interop.serving import TEST_TOKEN, hermetic_env, http_server


def _dataset(name: str) -> Dataset:
    return build_demo(NOW) if name == "demo" else CONTRACT_DATASET


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def report(figures: LoadFigures, *, clients: int, intruders: int, dataset: str) -> None:
    calls = figures.calls
    print(f"load: {clients} clients + {intruders} intruders, {dataset} workspace, {figures.seconds:.1f} s")
    print(f"  calls answered: {calls:,} ({calls / figures.seconds:.0f} calls/s)   errors: {figures.errors}")
    for sample in figures.error_samples:
        print(f"    error: {sample}")
    print(
        f"  latency p50 {_ms(figures.percentile(50))}  p95 {_ms(figures.percentile(95))}  "
        f"p99 {_ms(figures.percentile(99))}  max {_ms(max(figures.latencies, default=0.0))}"
    )
    print(
        "  calls per tool: "
        + ", ".join(f"{name} {count:,}" for name, count in sorted(figures.by_tool.items()))
    )
    if len(figures.rss) >= 2:
        start, end = figures.rss[0], figures.rss[-1]
        middle = figures.rss[len(figures.rss) // 2]
        print(
            "  server RSS: "
            + ", ".join(
                f"{label} {kb / 1024:.1f} MB (after {n:,} calls)"
                for label, (n, kb) in (("start", start), ("middle", middle), ("end", end))
            )
        )
        warm = figures.rss[1] if len(figures.rss) > 2 else start
        print(
            f"  RSS growth from the first sample under load to the end: {(end[1] - warm[1]) / 1024:+.1f} MB"
        )
    refused = ", ".join(f"{kind} {count:,}" for kind, count in sorted(figures.refused.items())) or "none"
    print(f"  intruder requests refused as expected: {refused}")
    let_through = (
        ", ".join(f"{kind} {count:,}" for kind, count in sorted(figures.let_through.items())) or "none"
    )
    print(f"  intruder requests NOT refused: {let_through}")


async def main_async(args: argparse.Namespace) -> LoadFigures:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        dataset = _dataset(args.dataset)
        path = home / "workspace.sqlite"
        LocalWorkspace.create(path, dataset, clock=lambda: NOW).close()
        with http_server(path, hermetic_env(home), token=TEST_TOKEN) as server:
            return await generate_load(
                server.url,
                TEST_TOKEN,
                mixed_calls(dataset, per_tool=args.per_tool),
                clients=args.clients,
                seconds=args.seconds,
                intruders=args.intruders,
                pid=server.process.pid,
                rss_every=args.rss_every,
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--intruders", type=int, default=4)
    parser.add_argument("--dataset", choices=("demo", "contract"), default="demo")
    parser.add_argument("--per-tool", type=int, default=8, help="distinct records per tool in the call mix")
    parser.add_argument(
        "--rss-every", type=int, default=1_000, help="sample the server's memory every N calls"
    )
    args = parser.parse_args()
    figures = asyncio.run(main_async(args))
    report(figures, clients=args.clients, intruders=args.intruders, dataset=args.dataset)


if __name__ == "__main__":
    main()
