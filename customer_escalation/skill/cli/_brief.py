"""`customer-escalation brief`: the main job from a terminal, and the next steps asked for with flags."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ._common import (
    EXIT_FAILURE,
    EXIT_HANDLED_IN_SUPPORT,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    CliError,
    add_policy_flag,
    add_record_flag,
    add_workspace_flag,
    progress_stream,
    settings_from_args,
)
from ._history import print_steps

if TYPE_CHECKING:
    from ...connectors.records import EscalationEntry
    from ...connectors.settings import Settings
    from ..actions import NextSteps, StepResult
    from ..agent import RunResult
    from ..history import HistoryStore
    from ..models.base import Model
    from ._session import Backends

OFFLINE = "offline"
ESCALATION_OFFERS = (
    "Post this brief to the target team's chat channel (--post-to CHANNEL)",
    "Open a tracker issue with the reproduction steps (--create-issue PROJECT)",
    "Draft an interim update for the customer as an internal note (--draft-update)",
    "Set follow-up reminders at the severity's cadence (--remind)",
)
"""The next steps offered after a brief, with the flags that take them."""
HANDLING_OFFERS = (
    "Put the suggested reply on the ticket as an internal note for a person to send (--draft-update)",
    "Add this note to the ticket as an internal note (--add-note)",
)
"""The next steps offered after a support-handling note."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "brief",
        help="write an escalation brief for an issue (or decide it stays in support)",
        description=(
            "Gather context for ISSUE from the connected sources, assess it with the escalation policy and "
            "write the brief. Every brief is recorded in the escalation history. Next-step flags preview "
            "their action unless --execute is given. Exit codes: 0 brief written, 3 handled in support, "
            "4 brief or support note written while a source was unavailable, 2 usage error, 1 failure (also when a "
            "requested action failed or was refused)."
        ),
    )
    parser.add_argument(
        "issue", help='the issue in plain words, e.g. "API returning 500 errors for Acme Corp"'
    )
    parser.add_argument(
        "--account", metavar="NAME", help="the customer or account, if the issue does not name it"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    parser.add_argument(
        "--model",
        metavar="MODEL",
        help="a Claude model id, or 'offline' for the planner without an LLM "
        "(default: Claude when ANTHROPIC_API_KEY is set, else offline)",
    )
    parser.add_argument(
        "--reporter", metavar="NAME", help='the "Reported by" line (default: $CUSTOMER_ESCALATION_REPORTER)'
    )
    parser.add_argument("--trace", type=Path, metavar="FILE", help="write every step as JSON lines to FILE")
    add_record_flag(parser)
    parser.add_argument(
        "--server",
        metavar="CMD|URL",
        help="use this MCP server instead of the in-process one: a command to start over stdio, or an http(s) URL",
    )
    steps = parser.add_argument_group(
        "next steps", "act on the brief: each previews its action unless --execute is given"
    )
    steps.add_argument(
        "--post-to",
        metavar="CHANNEL",
        help="post the brief to a chat channel (CUSTOMER_ESCALATION_WRITE_CHANNELS)",
    )
    steps.add_argument(
        "--create-issue",
        nargs="?",
        const="",
        metavar="PROJECT",
        help="file a tracker issue with the reproduction steps, or link the open one that covers it "
        "(default project: the first in CUSTOMER_ESCALATION_WRITE_PROJECTS)",
    )
    steps.add_argument(
        "--add-note", action="store_true", help="add the brief to the ticket as an internal note"
    )
    steps.add_argument(
        "--draft-update",
        action="store_true",
        help="write a customer update for a person to send, as an internal note on the ticket",
    )
    steps.add_argument(
        "--remind", action="store_true", help="schedule follow-up reminders at the severity's cadence"
    )
    steps.add_argument(
        "--execute", action="store_true", help="carry the actions out instead of previewing them"
    )
    add_workspace_flag(parser)
    add_policy_flag(parser)
    parser.set_defaults(handler=run)


def record_file(settings: Settings, flag: Path | None) -> Path | None:
    """Where to record Claude's traffic: `--record`, else CUSTOMER_ESCALATION_RECORD, else nowhere."""
    if flag is not None:
        return flag
    value = settings.value("CUSTOMER_ESCALATION_RECORD")
    return Path(value).expanduser() if value else None


def choose_model(settings: Settings, requested: str | None, *, record: Path | None = None) -> Model:
    """The model to draft with: the planner offline, else Claude (recording its traffic to `record`)."""
    if requested == OFFLINE or (requested is None and not settings.anthropic_api_key):
        from ..models.planner import OfflinePlanner

        planner: Model = OfflinePlanner()
        return planner
    from ..models.anthropic import ClaudeModel

    model = requested or settings.model
    if record is None or not settings.anthropic_api_key:
        return ClaudeModel(model=model, api_key=settings.anthropic_api_key)
    from ..models.recording import anthropic_client

    return ClaudeModel(
        model=model, client=anthropic_client(settings.anthropic_api_key, record=record), owns_client=True
    )


def next_steps(args: argparse.Namespace) -> NextSteps:
    """The next steps the flags ask for."""
    from ..actions import NextSteps

    return NextSteps(
        post_to=getattr(args, "post_to", None),
        create_issue=getattr(args, "create_issue", None),
        add_note=bool(getattr(args, "add_note", False)),
        draft_update=bool(getattr(args, "draft_update", False)),
        remind=bool(getattr(args, "remind", False)),
    )


def run(args: argparse.Namespace) -> int:
    if not args.issue.strip():
        raise CliError("the issue text is empty", EXIT_USAGE)
    steps = next_steps(args)
    if args.server and steps.requested:
        raise CliError(
            "next-step flags act through the connectors configured for this command, so they cannot be "
            "combined with --server",
            EXIT_USAGE,
        )
    if args.execute and not steps.requested:
        raise CliError(
            "--execute carries out next steps: add --post-to, --create-issue, --add-note, --draft-update "
            "or --remind",
            EXIT_USAGE,
        )
    settings = settings_from_args(args)
    if args.trace is not None:
        _check_trace(args.trace, settings.workspace)
        try:
            open_private(args.trace).close()
        except OSError as exc:
            raise CliError(
                f"cannot write the trace to {args.trace}: {exc.strerror or exc}", EXIT_USAGE
            ) from exc
    model = choose_model(settings, args.model, record=record_file(settings, args.record))
    reporter = args.reporter or settings.reporter or "Support"
    outcome = asyncio.run(_run(args, settings, model, reporter, steps))
    return report(
        outcome.result,
        as_json=args.json,
        trace=args.trace,
        escalation=outcome.escalation,
        steps=outcome.steps,
        recorded_error=outcome.recorded_error,
        steps_requested=steps.requested,
    )


@dataclass
class _Outcome:
    """A run, where it was recorded and the results of the next steps."""

    result: RunResult
    escalation: EscalationEntry | None = None
    steps: list[StepResult] = field(default_factory=list)
    recorded_error: str | None = None


async def _run(
    args: argparse.Namespace, settings: Settings, model: Model, reporter: str, steps: NextSteps
) -> _Outcome:
    try:
        return await _run_with(args, settings, model, reporter, steps)
    finally:
        close = getattr(model, "aclose", None)
        if close is not None:
            await close()


async def _run_with(
    args: argparse.Namespace, settings: Settings, model: Model, reporter: str, steps: NextSteps
) -> _Outcome:
    from ...connectors.errors import WorkspaceError
    from ._session import open_backends, open_history

    if args.server:
        result = await _escalate(args, settings, model, reporter, None)
        outcome = _Outcome(result)
        try:
            with open_history(settings) as history:
                outcome.escalation = _record(result, history)
        except WorkspaceError as exc:
            outcome.recorded_error = str(exc)
        return outcome

    async with open_backends(settings) as backends:
        result = await _escalate(args, settings, model, reporter, backends)
        outcome = _Outcome(result)
        try:
            outcome.escalation = _record(result, backends.history)
        except WorkspaceError as exc:
            outcome.recorded_error = str(exc)
            return outcome
        if steps.requested:
            outcome.steps = await _take_steps(result, args, backends, steps, outcome.escalation)
        return outcome


async def _escalate(
    args: argparse.Namespace, settings: Settings, model: Model, reporter: str, backends: Backends | None
) -> RunResult:
    from ..agent import run_escalation
    from ._session import open_session

    stream = progress_stream()

    def on_step(number: int, title: str) -> None:
        if stream is not None:
            print(f"[{number}/7] {title}", file=stream, flush=True)

    async with open_session(settings, args.server, backends=backends) as session:
        return await run_escalation(
            args.issue, session=session, model=model, account=args.account, reporter=reporter, on_step=on_step
        )


def _record(result: RunResult, history: HistoryStore) -> EscalationEntry | None:
    from ..actions import EscalationCase

    if result.brief is None and result.handling is None:
        return None
    return EscalationCase.from_run(result, result.issue, result.account).record(history)


async def _take_steps(
    result: RunResult,
    args: argparse.Namespace,
    backends: Backends,
    steps: NextSteps,
    escalation: EscalationEntry | None,
) -> list[StepResult]:
    from ..actions import Actions, EscalationCase

    if escalation is None:
        return []
    case = EscalationCase.from_run(result, result.issue, result.account)
    actions = Actions(backends.registry, backends.history, backends.writes)
    return await actions.next_steps(escalation, case, steps, execute=args.execute)


def offers(result: RunResult) -> list[str]:
    """The next steps to offer after a run: none when it produced nothing."""
    if result.brief is not None:
        return list(ESCALATION_OFFERS)
    return list(HANDLING_OFFERS) if result.handling is not None else []


def result_json(
    result: RunResult, *, escalation: EscalationEntry | None = None, steps: Sequence[StepResult] = ()
) -> dict[str, Any]:
    from ..views import to_wire

    output = result.brief or result.handling
    return {
        "decision": "escalate" if result.brief else "handle_in_support",
        "output": output.model_dump(mode="json") if output else None,
        "markdown": result.markdown,
        "model": result.model,
        "drafted_without_llm": result.drafted_without_llm,
        "unavailable_sources": result.unavailable,
        "next_steps": offers(result),
        "assessment": to_wire(result.assessment, lean=False) if result.assessment is not None else None,
        "tool_calls": len(result.trace),
        "context_chars": result.context_chars,
        "turns": result.turns,
        "usage": result.usage.model_dump(mode="json"),
        "escalation_id": escalation.id if escalation is not None else None,
        "actions": [step.model_dump(mode="json", exclude_none=True) for step in steps],
    }


def _check_trace(trace: Path, workspace: Path) -> None:
    """Refuse a trace file that is the workspace (or its journal), or any SQLite database: writing the
    trace would truncate it.

    Raises:
        CliError: the trace would overwrite a database.
    """
    journals = [Path(f"{workspace}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
    target = trace.expanduser()
    same = any(target.resolve() == j.resolve() for j in journals)
    with contextlib.suppress(OSError):
        same = same or any(j.exists() and target.exists() and os.path.samefile(target, j) for j in journals)
    if not same:
        with contextlib.suppress(OSError), target.open("rb") as handle:
            same = handle.read(16) == b"SQLite format 3\x00"
    if same:
        raise CliError(
            f"--trace {trace} would overwrite the workspace (or another database); "
            "give the trace its own file, e.g. --trace brief-trace.jsonl",
            EXIT_USAGE,
        )


def open_private(path: Path) -> TextIO:
    """`path` opened for writing (truncated), created readable by its owner only: traces hold customer data."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return os.fdopen(handle, "w", encoding="utf-8")


def report(
    result: RunResult,
    *,
    as_json: bool,
    trace: Path | None,
    escalation: EscalationEntry | None = None,
    steps: Sequence[StepResult] = (),
    recorded_error: str | None = None,
    steps_requested: bool = False,
) -> int:
    """Print the brief (stdout) and what happened around it (stderr); return the exit code."""
    if trace is not None:
        with open_private(trace) as handle:
            for event in result.events:
                handle.write(event.model_dump_json() + "\n")
    if as_json:
        print(json.dumps(result_json(result, escalation=escalation, steps=steps), indent=2, default=str))
    else:
        print(result.markdown, end="")
    if result.drafted_without_llm:
        print("customer-escalation: drafted without an LLM (offline planner)", file=sys.stderr)
    if result.unavailable:
        print("customer-escalation: sources unavailable: " + "; ".join(result.unavailable), file=sys.stderr)
    if escalation is not None:
        runs = f" (brief {escalation.runs} of this escalation)" if escalation.runs > 1 else ""
        print(
            f"customer-escalation: recorded as {escalation.id} in the escalation history{runs}",
            file=sys.stderr,
        )
    if recorded_error is not None:
        print(f"customer-escalation: the brief could not be recorded: {recorded_error}", file=sys.stderr)
    if steps:
        print_steps(steps, show_payload=not as_json)
    elif not as_json and offers(result):
        print("\nNext steps:", file=sys.stderr)
        for offer in offers(result):
            print(f"  - {offer}", file=sys.stderr)
    if any(not step.ok for step in steps) or (recorded_error is not None and steps_requested):
        return EXIT_FAILURE
    if result.unavailable:
        return EXIT_PARTIAL  # whatever was decided, it was decided without every source
    return EXIT_OK if result.brief is not None else EXIT_HANDLED_IN_SUPPORT


__all__ = [
    "ESCALATION_OFFERS",
    "HANDLING_OFFERS",
    "choose_model",
    "offers",
    "register",
    "report",
    "result_json",
    "run",
]
