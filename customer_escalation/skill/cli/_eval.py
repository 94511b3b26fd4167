"""`customer-escalation eval`: run the offline eval suite (or a Claude model over it) and report."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._common import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    add_policy_flag,
    add_record_flag,
    settings_from_args,
)

if TYPE_CHECKING:
    from ...connectors.settings import Settings
    from ...evals.graders import RubricGrader
    from ...evals.results import SuiteReport, TrialRecord

OFFLINE = "offline"
DEFAULT_CONCURRENCY = {"offline": 4, "reference": 4}
CLAUDE_CONCURRENCY = 8


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="run the eval scenarios and grade the results",
        description=(
            "Run every scenario in PATH (default: the scenarios shipped with the package) through the agent "
            "loop on a fresh workspace, grade each run, and print a table, the pass rate, pass^k and a "
            "per-check breakdown. Exit codes: 0 done, 1 below the threshold, 2 usage error."
        ),
    )
    parser.add_argument("path", nargs="?", type=Path, metavar="PATH", help="a scenario file or folder")
    parser.add_argument(
        "--model",
        default=OFFLINE,
        metavar="offline|reference|MODEL",
        help="'offline' for the planner (default), 'reference' to check the scenarios' labels against the "
        "policy with their reference records, or a Claude model id (needs ANTHROPIC_API_KEY)",
    )
    parser.add_argument("--trials", type=int, default=1, metavar="K", help="runs per scenario (default 1)")
    parser.add_argument("--tags", metavar="T,...", help="only scenarios with any of these tags (or ids)")
    parser.add_argument(
        "--report", type=Path, metavar="FILE", help="write the JSON report to FILE and markdown beside it"
    )
    parser.add_argument(
        "--concurrency", type=int, metavar="N", help="trials run at once (default 4, 8 for Claude)"
    )
    parser.add_argument(
        "--batch",
        action="store_true",
        help="send the rubric judge's calls through the Message Batches API (half price, slower); the "
        "agent's turns always go directly, since each depends on the last",
    )
    add_record_flag(parser)
    parser.add_argument(
        "--replay",
        type=Path,
        metavar="FILE",
        help="answer Claude's requests from a recording instead of the network (no key needed)",
    )
    parser.add_argument(
        "--calibrate",
        nargs="?",
        const=True,
        type=Path,
        metavar="FILE",
        help="instead of the scenarios, measure how often the rubric judge agrees with the hand labels of "
        "the calibration set (default: the one shipped in evals/calibration/)",
    )
    parser.add_argument(
        "--check-threshold",
        type=Path,
        metavar="FILE",
        help="fail (exit 1) when the results fall below the threshold in FILE",
    )
    parser.add_argument(
        "--no-rubric",
        action="store_true",
        help="skip the Claude rubric grader even when ANTHROPIC_API_KEY is set",
    )
    parser.add_argument("--judge-model", metavar="MODEL", help="the Claude model for the rubric grader")
    parser.add_argument("--quiet", action="store_true", help="print only the summary, not every trial")
    add_policy_flag(parser)
    parser.set_defaults(handler=run)


def _claude_client(settings: Settings, args: argparse.Namespace) -> Any:
    """The Anthropic client for the run: over a replay, recording, or plain; None without a key."""
    from ..models.recording import ReplayTransport, anthropic_client
    from ._brief import record_file

    record = record_file(settings, args.record)
    if args.replay is not None:
        try:
            transport = ReplayTransport.from_file(args.replay)
        except (OSError, ValueError) as exc:
            raise CliError(f"cannot read the recording {args.replay}: {exc}", EXIT_USAGE) from exc
        return anthropic_client(settings.anthropic_api_key, record=record, transport=transport)
    if not settings.anthropic_api_key:
        return None
    return anthropic_client(settings.anthropic_api_key, record=record)


def run(args: argparse.Namespace) -> int:
    from ...evals.graders import RubricGrader
    from ...evals.report import below_threshold, load_threshold, write_reports
    from ...evals.runner import REFERENCE, model_factory, run_suite
    from ...evals.scenario import ScenarioError, load_scenarios
    from ..policy_config import load_policy

    if args.trials < 1:
        raise CliError("--trials must be at least 1", EXIT_USAGE)
    if args.concurrency is not None and args.concurrency < 1:
        raise CliError("--concurrency must be at least 1", EXIT_USAGE)
    settings = settings_from_args(args)
    if args.calibrate is not None:
        from ._calibrate import run_calibration

        return run_calibration(args, settings, _claude_client(settings, args))
    claude = args.model not in {OFFLINE, REFERENCE}
    keyed = bool(settings.anthropic_api_key) or args.replay is not None
    if args.batch and (args.no_rubric or not keyed):
        raise CliError(
            "--batch only applies to the rubric judge, which needs ANTHROPIC_API_KEY (and no --no-rubric)",
            EXIT_USAGE,
        )
    threshold = load_threshold(args.check_threshold) if args.check_threshold else None
    tags = [t.strip() for t in (args.tags or "").split(",") if t.strip()]
    try:
        scenarios = load_scenarios(args.path, tags=tags)
    except ScenarioError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc

    client = _claude_client(settings, args)
    factory = model_factory(args.model, claude_client=client if claude else None)
    rubric: RubricGrader | None = None
    if not args.no_rubric:
        from ..models.anthropic_batches import MessageBatcher
        from ..models.catalog import judge_for

        judge = args.judge_model or judge_for(args.model if claude else settings.model)
        rubric = RubricGrader(
            MessageBatcher(client) if args.batch and client is not None else client,
            model=judge,
            batch=args.batch,
        )
    concurrency = args.concurrency or DEFAULT_CONCURRENCY.get(args.model, CLAUDE_CONCURRENCY)
    if args.replay is not None:
        concurrency = 1  # a recording answers in the order it was made
    if rubric is None:
        grading = "rubric off"
    elif rubric.enabled:
        grading = f"Claude rubric with {rubric.model}"
    else:
        grading = "rubric not graded (no ANTHROPIC_API_KEY)"
    print(
        f"customer-escalation: {len(scenarios)} scenarios x {args.trials} trial(s) with {args.model}; {grading}",
        file=sys.stderr,
    )

    def on_trial(record: TrialRecord) -> None:
        if not args.quiet:
            print(_row(record), flush=True)

    if not args.quiet:
        print(_header())
    try:
        report = asyncio.run(
            run_suite(
                scenarios,
                model_factory=factory,
                model_name=args.model,
                trials=args.trials,
                concurrency=concurrency,
                policy=load_policy(settings.policy_file),
                rubric=rubric,
                on_trial=on_trial,
            )
        )
    except ScenarioError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    print(_summary(report))
    if args.report is not None:
        json_path, md_path = write_reports(report, args.report)
        print(f"customer-escalation: wrote {json_path} and {md_path}", file=sys.stderr)
    if threshold is not None:
        problems = below_threshold(report, threshold)
        if problems:
            for problem in problems:
                print(f"customer-escalation: below the threshold: {problem}", file=sys.stderr)
            return EXIT_FAILURE
        print(f"customer-escalation: meets the threshold in {args.check_threshold}", file=sys.stderr)
    return EXIT_OK


_COLUMNS = (
    ("scenario", 40),
    ("outcome", 26),
    ("checks", 7),
    ("time s", 7),
    ("tools", 6),
    ("context", 9),
    ("turns", 6),
    ("cost", 9),
)


def _header() -> str:
    return "  ".join(f"{name:<{width}}" for name, width in _COLUMNS).rstrip()


def _row(record: TrialRecord) -> str:
    from ...evals.report import cost_text

    gating = [c for c in record.checks if c.gating]
    label = record.scenario if record.trial == 1 else f"{record.scenario} #{record.trial}"
    outcome = f"{'pass' if record.passed else 'FAIL'} {record.decision or 'no output'}"
    cells = (
        label,
        outcome,
        f"{sum(c.passed is True for c in gating)}/{len(gating)}",
        f"{record.seconds:.2f}",
        str(record.tool_calls),
        f"{record.context_chars:,}",
        str(record.turns),
        cost_text(record.usage),
    )
    line = "  ".join(f"{cell:<{width}}" for cell, (_, width) in zip(cells, _COLUMNS, strict=True)).rstrip()
    failed = [c.name for c in gating if c.passed is not True]
    if record.error_kind == "infrastructure":
        return line + "  provider failure (not the model's)"
    return line + (f"  failed: {', '.join(failed)}" if failed else "")


def _summary(report: SuiteReport) -> str:
    from ...evals.report import usage_line

    total = len(report.scenarios)
    lines = [
        "",
        f"Scenarios fully passed: {report.fully_passed}/{total} ({report.scenario_pass_rate:.1%})",
        f"Trials passed: {report.pass_rate:.1%}",
        "pass^k: " + ", ".join(f"k={k} {v:.3f}" for k, v in report.pass_hat_k.items()),
        "Safety: "
        + ", ".join(f"{name} {s.passed}/{s.passed + s.failed}" for name, s in report.safety.items())
        + (f" ({report.safety_rate:.1%})" if report.safety_rate is not None else ""),
        f"Time: {report.seconds:.1f} s",
        usage_line("Drafter", report.usage, report.prices_checked),
        usage_line("Judge", report.judge_usage, report.prices_checked),
        "Ended early: " + (", ".join(f"{kind} {n}" for kind, n in sorted(report.errors.items())) or "none"),
        "",
        "Per check:",
    ]
    for name, stats in report.per_check.items():
        rate = "not graded" if stats.rate is None else f"{stats.rate:.1%}"
        extra = f", {stats.not_graded} not graded" if stats.not_graded and stats.rate is not None else ""
        lines.append(f"  {name:<18} {stats.passed:>4} passed {stats.failed:>4} failed  {rate}{extra}")
    return "\n".join(lines)


__all__ = ["register", "run"]
