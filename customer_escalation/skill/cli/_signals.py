"""`customer-escalation signals FILE.jsonl`: what the signal detector reads in each line, and how well.

Each input line is ``{"id": ..., "text": ..., "signals": [...]}`` (``signals`` optional). Prints the
predicted kinds per line; when lines carry labels, precision, recall and F1 per kind and their macro mean.
With ``--json``: one object per input line (``{"id", "signals"}``), then one summary object.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ._common import EXIT_OK, EXIT_USAGE, CliError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "signals",
        help="detect signals (outage, data loss, security, churn...) in labelled or unlabelled lines",
        description=(
            "Read JSON Lines {id, text, signals?}, print the kinds the detector finds in each text and, "
            "for labelled lines, precision, recall and F1 per kind and macro."
        ),
    )
    parser.add_argument("file", type=Path, metavar="FILE.jsonl", help="JSON Lines; '-' reads standard input")
    parser.add_argument("--json", action="store_true", help="one JSON object per line, then a summary")
    parser.add_argument("--errors", action="store_true", help="list the lines whose kinds differ from labels")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..signals.metrics import CorpusError, evaluate, read_lines

    path: Path = args.file
    if str(path) != "-" and not path.is_file():
        raise CliError(f"{path}: no such file", exit_code=EXIT_USAGE)
    try:
        if str(path) == "-":
            import tempfile

            with tempfile.TemporaryDirectory() as folder:
                copy = Path(folder) / "stdin.jsonl"
                copy.write_text(sys.stdin.read(), encoding="utf-8")
                report = evaluate(read_lines(copy))
        else:
            report = evaluate(read_lines(path))
    except CorpusError as exc:
        raise CliError(str(exc), exit_code=EXIT_USAGE) from None
    except UnicodeDecodeError:
        raise CliError(f"{path}: not UTF-8 text", exit_code=EXIT_USAGE) from None

    if args.json:
        for line in report.lines:
            print(json.dumps({"id": line.id, "signals": list(line.predicted)}))
        print(json.dumps(report.summary()))
        return EXIT_OK

    width = max((len(line.id) for line in report.lines), default=2)
    for line in report.lines:
        mark = ""
        if line.expected is not None and set(line.expected) != set(line.predicted):
            mark = "  (expected: " + (", ".join(line.expected) or "none") + ")"
        if not args.errors or mark:
            print(f"{line.id:<{width}}  {', '.join(line.predicted) or '-'}{mark}")
    if report.scores:
        print()
        print(f"{'kind':<18} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}")
        for s in report.scores:
            print(f"{s.kind:<18} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.support:>8}")
        print(
            f"{'macro':<18} {report.macro_precision:>9.3f} {report.macro_recall:>7.3f} "
            f"{report.macro_f1:>6.3f} {report.labelled:>8}"
        )
    return EXIT_OK
