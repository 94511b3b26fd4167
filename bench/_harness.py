"""Shared helpers for the benchmark scripts: timing with medians, percentiles and side-by-side tables.

Machines are noisy (other work shares the cores), so every figure is a median of several runs, and
comparisons are measured in the same run, interleaved, and shown as ratios. CPU time is recorded
next to wall time: when the two differ a lot, the machine was busy, not the code slow.

    from _harness import measure, Timing, table

    timing = measure(lambda: work(), repeat=7, label="work")
    print(table([timing.row()], headers=Timing.HEADERS))
"""

from __future__ import annotations

import asyncio
import math
import resource
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Timing:
    """Samples of one measured thing, in seconds of wall time and of this process's CPU time."""

    label: str
    wall: tuple[float, ...]
    cpu: tuple[float, ...] = field(default=())

    HEADERS = ("what", "runs", "median", "p95", "min", "max", "cpu median")

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def p95(self) -> float:
        return percentile(self.wall, 95)

    @property
    def minimum(self) -> float:
        return min(self.wall)

    @property
    def maximum(self) -> float:
        return max(self.wall)

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu else None

    def row(self, unit: str = "ms") -> tuple[str, ...]:
        """The figures as table cells: label, runs, median, p95, min, max, CPU median."""
        cpu = self.cpu_median
        return (
            self.label,
            str(len(self.wall)),
            fmt(self.median, unit),
            fmt(self.p95, unit),
            fmt(self.minimum, unit),
            fmt(self.maximum, unit),
            fmt(cpu, unit) if cpu is not None else "-",
        )


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile `q` (0-100) of `values`."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def measure(fn: Callable[[], object], *, repeat: int = 7, warmup: int = 1, label: str = "") -> Timing:
    """Run `fn` `warmup` times unmeasured, then `repeat` times measured."""
    for _ in range(warmup):
        fn()
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return Timing(label=label, wall=tuple(wall), cpu=tuple(cpu))


async def measure_async(
    fn: Callable[[], Awaitable[object]], *, repeat: int = 7, warmup: int = 1, label: str = ""
) -> Timing:
    """`measure` for a coroutine function, awaited in the running loop."""
    for _ in range(warmup):
        await fn()
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        await fn()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return Timing(label=label, wall=tuple(wall), cpu=tuple(cpu))


def run_async(
    fn: Callable[[], Awaitable[object]], *, repeat: int = 7, warmup: int = 1, label: str = ""
) -> Timing:
    """`measure_async` from synchronous code."""
    return asyncio.run(measure_async(fn, repeat=repeat, warmup=warmup, label=label))


def fmt(seconds: float, unit: str = "ms") -> str:
    """Seconds shown in `unit` (``ms`` or ``s``)."""
    return f"{seconds * 1000:.2f} ms" if unit == "ms" else f"{seconds:.2f} s"


def ratio(slow: float, fast: float) -> str:
    """How many times `fast` beats `slow`, as text."""
    return f"{slow / fast:.1f}x" if fast > 0 else "-"


def table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    """A plain fixed-width table: first column left-aligned, the others right-aligned."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]

    def line(cells: Sequence[str]) -> str:
        parts = [str(cells[0]).ljust(widths[0])] + [
            str(c).rjust(w) for c, w in zip(cells[1:], widths[1:], strict=False)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def side_by_side(
    pairs: Sequence[tuple[str, Timing, Timing]], *, names: tuple[str, str], unit: str = "ms"
) -> str:
    """Two ways of doing the same things, measured in one run: medians and the ratio per row."""
    rows = [
        (label, fmt(a.median, unit), fmt(b.median, unit), ratio(a.median, b.median)) for label, a, b in pairs
    ]
    return table(rows, headers=("what", f"{names[0]} median", f"{names[1]} median", f"{names[1]} is"))


def peak_rss_mb(*, children: bool = False) -> float:
    """Peak resident memory in MB of this process, or of the largest waited-for child process."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF)
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    return usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


__all__ = [
    "Timing",
    "fmt",
    "measure",
    "measure_async",
    "peak_rss_mb",
    "percentile",
    "ratio",
    "run_async",
    "side_by_side",
    "table",
]
