"""The signal detector: quality on labelled lines and speed (run by hand, prints figures).

From the repository root:

    python -m bench.bench_signals [FILE.jsonl ...] [--repeat 5]

For each labelled file (default: the project's own `evals/signals/own.jsonl`, and the development set
`../shared/evals-dev/signals.jsonl` when it is beside the checkout): macro precision, recall and F1 and
the F1 of each kind. Then speed: the median time to read every line of the files once, per line, and on
one long ticket-like text (30,000 characters of prose with problems mentioned throughout).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

try:
    from ._harness import Timing, fmt, measure, table
except ImportError:  # run as a script
    from _harness import Timing, fmt, measure, table

from customer_escalation.skill.signals import detect
from customer_escalation.skill.signals.metrics import evaluate, read_lines

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS = (
    ROOT / "customer_escalation" / "evals" / "signals" / "own.jsonl",
    ROOT.parent / "shared" / "evals-dev" / "signals.jsonl",
)
LONG = (
    "Since the upgrade our nightly export drops rows and the dashboard shows wrong totals. We restarted the "
    "sync but it still fails. Nobody in finance can log in through SSO, and our CFO wants a call with your "
    "leadership. This is not a security issue as far as we know. "
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    files = [f for f in (args.files or DEFAULTS) if f.is_file()]
    if not files:
        print("no labelled file found", file=sys.stderr)
        return 2
    texts: list[str] = []
    for path in files:
        report = evaluate(read_lines(path))
        texts += [line.text for line in report.lines]
        print(
            f"{path.name}: {len(report.lines)} lines, macro P {report.macro_precision:.3f} "
            f"R {report.macro_recall:.3f} F1 {report.macro_f1:.3f}"
        )
        print("  " + ", ".join(f"{s.kind} {s.f1:.2f}" for s in report.scores))
    every = measure(lambda: [detect(t) for t in texts], repeat=args.repeat, label=f"all {len(texts)} lines")
    long_text = (LONG * (30_000 // len(LONG) + 1))[:30_000]
    long = measure(lambda: detect(long_text), repeat=args.repeat, label="one 30,000-character text")
    print()
    print(table([every.row(), long.row()], headers=Timing.HEADERS))
    print(f"\nper line: {fmt(every.median / len(texts))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
