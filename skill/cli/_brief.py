"""`customer-escalation brief`: the main job from a terminal."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._common import (
    EXIT_HANDLED_IN_SUPPORT,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    CliError,
    add_policy_flag,
    add_workspace_flag,
    progress_stream,
    settings_from_args,
)

if TYPE_CHECKING:
    from customer_escalation.connectors.settings import Settings
    from customer_escalation.skill.agent import RunResult
    from customer_escalation.skill.models.base import Model

OFFLINE = "offline"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "brief",
        help="write an escalation brief for an issue (or decide it stays in support)",
        description=(
            "Gather context for ISSUE from the connected sources, assess it with the escalation policy and "
            "write the brief. Exit codes: 0 brief written, 3 handled in support, 4 brief written while a "
            "source was unavailable, 2 usage error, 1 failure."
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
    parser.add_argument(
        "--server",
        metavar="CMD|URL",
        help="use this MCP server instead of the in-process one: a command to start over stdio, or an http(s) URL",
    )
    add_workspace_flag(parser)
    add_policy_flag(parser)
    parser.set_defaults(handler=run)


def choose_model(settings: Settings, requested: str | None) -> Model:
    """The model to draft with: the planner offline, else Claude."""
    if requested == OFFLINE or (requested is None and not settings.anthropic_api_key):
        from customer_escalation.skill.models.planner import OfflinePlanner

        planner: Model = OfflinePlanner()
        return planner
    from customer_escalation.skill.models.anthropic import ClaudeModel

    return ClaudeModel(model=requested or settings.model, api_key=settings.anthropic_api_key)


def run(args: argparse.Namespace) -> int:
    if not args.issue.strip():
        raise CliError("the issue text is empty", EXIT_USAGE)
    settings = settings_from_args(args)
    model = choose_model(settings, args.model)
    reporter = args.reporter or settings.reporter or "Support"
    result = asyncio.run(_run(args, settings, model, reporter))
    return report(result, as_json=args.json, trace=args.trace)


async def _run(args: argparse.Namespace, settings: Settings, model: Model, reporter: str) -> RunResult:
    from customer_escalation.skill.agent import run_escalation

    from ._session import open_session

    stream = progress_stream()

    def on_step(number: int, title: str) -> None:
        if stream is not None:
            print(f"[{number}/7] {title}", file=stream, flush=True)

    async with open_session(settings, args.server) as session:
        return await run_escalation(
            args.issue, session=session, model=model, account=args.account, reporter=reporter, on_step=on_step
        )


def result_json(result: RunResult) -> dict[str, Any]:
    output = result.brief or result.handling
    return {
        "decision": "escalate" if result.brief else "handle_in_support",
        "output": output.model_dump(mode="json") if output else None,
        "markdown": result.markdown,
        "model": result.model,
        "drafted_without_llm": result.drafted_without_llm,
        "unavailable_sources": result.unavailable,
        "next_steps": result.offers,
        "assessment": result.assessment,
        "tool_calls": len(result.trace),
        "context_chars": result.context_chars,
    }


def report(result: RunResult, *, as_json: bool, trace: Path | None) -> int:
    if trace is not None:
        with trace.open("w", encoding="utf-8") as handle:
            for entry in result.trace:
                handle.write(entry.model_dump_json() + "\n")
    if as_json:
        print(json.dumps(result_json(result), indent=2, default=str))
    else:
        print(result.markdown, end="")
    if result.drafted_without_llm:
        print("customer-escalation: drafted without an LLM (offline planner)", file=sys.stderr)
    if result.unavailable:
        print("customer-escalation: sources unavailable: " + "; ".join(result.unavailable), file=sys.stderr)
    if not as_json and result.offers:
        print("\nNext steps:", file=sys.stderr)
        for offer in result.offers:
            print(f"  - {offer}", file=sys.stderr)
    if result.brief is None:
        return EXIT_HANDLED_IN_SUPPORT
    return EXIT_PARTIAL if result.unavailable else EXIT_OK


__all__ = ["choose_model", "register", "report", "result_json", "run"]
