"""The agent loop: the spec's seven steps over an MCP client session.

Every tool comes from the MCP server (in memory by default, or over stdio/HTTP), so the loop sees
exactly what an assistant sees. The model proposes tool calls, which run concurrently, until it submits
its draft through `submit_brief`; the policy's assessment supplies the figures and the decision. The
loop is bounded in turns, tokens and wall time, and traces every step.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from mcp.types import CallToolResult, TextContent
from pydantic import ValidationError

from ..connectors.base import Clock, utc_now
from .brief import EscalationBrief
from .compose import KnownRecords, compose_brief, grounded
from .draft import BriefDraft
from .models.base import (
    SUBMIT_TOOL,
    AssistantEntry,
    Entry,
    Model,
    ModelOutputError,
    TimeLimitError,
    TokenBudgetError,
    ToolCall,
    ToolResultEntry,
    ToolSpec,
    TurnLimitError,
    UserEntry,
)
from .prompt_files import render as prompt_render
from .prompt_files import text as prompt_text
from .run_options import Limits, RunOptions, Session
from .run_result import DecisionEvent, ModelTurnEvent, RunResult, StepEvent, TraceEntry, TraceEvent, Usage

STEPS = {
    1: "Understand the issue",
    2: "Gather context",
    3: "Assess business impact",
    4: "Determine escalation target",
    5: "Structure reproduction steps",
    6: "Generate the brief",
    7: "Offer next steps",
}
NO_TOOL_CALL = (
    "Your answer called no tool. Call the tools you still need, then submit_brief with your draft; the "
    "draft goes only through submit_brief."
)
CUT_OFF = (
    "Your answer was cut off at max_tokens, the output limit of one turn, before it finished, and its "
    "unfinished tool call was dropped. Make it again, shorter: fewer, tighter sentences in each field."
)
LAST_TURN = (
    "This is the last turn: call submit_brief now with the best draft the records support, and say in "
    "the draft what is still unknown."
)


def _step_of(tool: str) -> int:
    if tool == "escalation_assess":
        return 3
    if tool == SUBMIT_TOOL:
        return 6
    return 2


def _result_text(result: CallToolResult) -> str:
    if result.structured_content is not None and not result.is_error:
        return json.dumps(result.structured_content, separators=(",", ":"), default=str)
    return "\n".join(c.text for c in result.content if isinstance(c, TextContent))


def submit_tool_spec() -> ToolSpec:
    return ToolSpec(
        name=SUBMIT_TOOL,
        description=(
            "Submit the final draft once escalation_assess has decided. Write the prose; figures come from "
            "the assessment."
        ),
        input_schema=BriefDraft.model_json_schema(),
    )


async def run_escalation(
    issue: str,
    *,
    session: Session,
    model: Model,
    account: str | None = None,
    reporter: str = "Support",
    limits: Limits | None = None,
    clock: Clock = utc_now,
    on_step: Callable[[int, str], None] | None = None,
) -> RunResult:
    """Run the seven steps for `issue` and return the brief or the support-handling note.

    Raises:
        TurnLimitError, TimeLimitError, TokenBudgetError: a bound (turns, time, cost or tokens) was hit.
        ModelOutputError: the draft stayed invalid after one repair turn.
        EscalationRunError: the model failed in another way.
    """
    options = RunOptions(account, reporter, limits or Limits(), clock, on_step)
    try:
        async with asyncio.timeout(options.limits.max_seconds):
            return await _run(issue, session, model, options)
    except TimeoutError:
        raise TimeLimitError(f"the run took longer than {options.limits.max_seconds:g} seconds") from None


async def _run(issue: str, session: Session, model: Model, options: RunOptions) -> RunResult:
    limits, on_step = options.limits, options.on_step
    shown: set[int] = set()
    started = time.perf_counter()
    result = RunResult(
        issue=issue, account=options.account, model=model.name, drafted_without_llm=model.drafted_without_llm
    )

    def step(number: int) -> None:
        for n in range(1, number + 1):
            if n not in shown:
                shown.add(n)
                result.events.append(StepEvent(step=n, title=STEPS[n], elapsed_ms=_ms_since(started)))
                if on_step is not None:
                    on_step(n, STEPS[n])

    step(1)
    listed = await session.list_tools()
    tools = [
        ToolSpec(name=t.name, description=t.description or "", input_schema=t.input_schema)
        for t in listed.tools
        if not _is_write_tool(t)
    ]
    tools.append(submit_tool_spec())
    offered = {t.name for t in tools}
    conversation: list[Entry] = [UserEntry(text=task_prompt(issue, options.account, _today(options.clock)))]
    system = prompt_text("system.md")

    known = KnownRecords()
    assessment: dict[str, Any] | None = None
    repaired = False
    for turn_number in range(1, limits.max_turns + 1):
        if turn_number == limits.max_turns and limits.max_turns > 1:
            conversation.append(UserEntry(text=LAST_TURN, require=SUBMIT_TOOL))
        asked = time.perf_counter()
        turn = await model.respond(conversation, tools, system)
        result.events.append(
            ModelTurnEvent(
                turn=turn_number,
                model=model.name,
                stop_reason=turn.stop_reason,
                tool_calls=[c.name for c in turn.tool_calls],
                input_tokens=turn.usage.input_tokens,
                output_tokens=turn.usage.output_tokens,
                duration_ms=_ms_since(asked),
            )
        )
        result.turns = turn_number
        result.usage.add(turn.usage)
        _check_budget(result.usage, limits)
        conversation.append(AssistantEntry(turn=turn))
        calls = [c for c in turn.tool_calls if c.name != SUBMIT_TOOL]
        submits = [c for c in turn.tool_calls if c.name == SUBMIT_TOOL]
        if not turn.tool_calls:
            if turn.stop_reason == "pause_turn":
                continue  # the provider paused a long turn: send it back as it is to let it finish
            if turn.stop_reason == "max_tokens":
                conversation.append(UserEntry(text=CUT_OFF))
            else:
                conversation.append(
                    UserEntry(text=NO_TOOL_CALL, require=SUBMIT_TOOL if assessment is not None else None)
                )
            continue

        if calls:
            step(max(_step_of(c.name) for c in calls))
            answered = await asyncio.gather(*(_call(session, c, offered) for c in calls))
            for call, (entry, duration_ms) in zip(calls, answered, strict=True):
                # Recorded in the order the model asked, whichever call was answered first.
                _record(result, call, entry, turn_number, duration_ms)
                known.add_result(call.name, entry.structured)
                known.add_text(entry.text)
                if call.name == "escalation_assess" and entry.structured and not entry.is_error:
                    assessment = entry.structured
                    step(4)
                conversation.append(entry)

        for call in submits:
            step(5)
            outcome = await _accept(call, assessment, known, session, turn_number, result, options)
            if isinstance(outcome, str):
                if repaired:
                    raise ModelOutputError(f"the draft is still unusable after a repair turn: {outcome}")
                repaired = True
                conversation.append(
                    ToolResultEntry(call_id=call.id, name=SUBMIT_TOOL, text=outcome, is_error=True)
                )
                continue
            step(6)
            outcome.events.append(
                DecisionEvent(
                    decision="escalate" if outcome.brief is not None else "handle_in_support",
                    severity=outcome.assessment.severity if outcome.assessment else None,
                    target=outcome.assessment.target if outcome.assessment else None,
                    invented_ids=outcome.invented_ids,
                    unavailable=outcome.unavailable,
                    elapsed_ms=_ms_since(started),
                )
            )
            step(7)
            return outcome
    raise TurnLimitError(f"no draft was submitted within {limits.max_turns} turns")


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def _traced(
    result: RunResult, call: ToolCall, turn: int, *, duration_ms: float, text: str, is_error: bool
) -> None:
    """Record one tool call of turn `turn` in the run's trace and events."""
    entry = TraceEntry(
        turn=turn,
        step=_step_of(call.name),
        tool=call.name,
        arguments=call.arguments,
        duration_ms=duration_ms,
        result_chars=len(text),
        is_error=is_error,
    )
    result.trace.append(entry)
    result.events.append(entry)


def _is_write_tool(tool: Any) -> bool:
    annotations = getattr(tool, "annotations", None)
    return annotations is not None and annotations.read_only_hint is False


def _check_budget(usage: Usage, limits: Limits) -> None:
    """Stop a run that spent more than its limits allow.

    Raises:
        TokenBudgetError: the run cost or used more than its budget.
    """
    if usage.cost_usd > limits.max_cost_usd:
        raise TokenBudgetError(
            f"the run cost ${usage.cost_usd:.2f}, more than its budget of ${limits.max_cost_usd:.2f}"
        )
    if usage.total_tokens > limits.max_tokens:
        raise TokenBudgetError(
            f"the run used {usage.total_tokens:,} tokens (cache reads and writes included), more than its "
            f"budget of {limits.max_tokens:,}"
        )


def task_prompt(issue: str, account: str | None, today: date) -> str:
    """The first user turn of the command line's loop: the issue, the account and today's date."""
    return prompt_render("task.md.j2", issue=issue, account=account or "", today=today.isoformat())


async def _call(
    session: Session, call: ToolCall, offered: set[str] | None = None
) -> tuple[ToolResultEntry, float]:
    """The answer to one tool call, and how long it took in milliseconds."""
    if offered is not None and call.name not in offered:
        # A tool the model was not shown (a write tool) is refused here, never forwarded to the server.
        text = f"{call.name} is not available in this run; use the tools you were given, then submit_brief"
        return ToolResultEntry(call_id=call.id, name=call.name, text=text, is_error=True), 0.0
    started = time.perf_counter()
    outcome = await session.call_tool(call.name, call.arguments)
    entry = ToolResultEntry(
        call_id=call.id,
        name=call.name,
        text=_result_text(outcome),
        structured=outcome.structured_content if not outcome.is_error else None,
        is_error=bool(outcome.is_error),
    )
    return entry, _ms_since(started)


def _record(result: RunResult, call: ToolCall, entry: ToolResultEntry, turn: int, duration_ms: float) -> None:
    """Record an answered call in the trace, and a category it found unavailable."""
    _traced(result, call, turn, duration_ms=duration_ms, text=entry.text, is_error=entry.is_error)
    if call.name != "escalation_assess" and entry.is_error and "unavailable" in entry.text:
        reason = entry.text.removeprefix(f"Error executing tool {call.name}: ")
        result.unavailable.append(re.split("[:;]", reason, maxsplit=1)[0])


async def _accept(
    call: ToolCall,
    assessment: dict[str, Any] | None,
    known: KnownRecords,
    session: Session,
    turn: int,
    result: RunResult,
    options: RunOptions,
) -> RunResult | str:
    """The finished run, or a message telling the drafter what to fix."""
    try:
        draft = BriefDraft.model_validate(call.arguments)
    except ValidationError as exc:
        return f"submit_brief input is invalid: {exc.errors(include_url=False)}"
    problems = draft.problems()
    if problems:
        return "submit_brief is incomplete: " + "; ".join(problems)
    good, _ = grounded(draft, known)
    if assessment is None:
        # the user's words are the evidence; the drafter's summary travels apart and is never scanned
        request = _assessment_request(good, result.issue[:4_000] or draft.summary)
        request["summary"] = draft.summary[:4_000]
        assess = ToolCall(id="loop-assess", name="escalation_assess", arguments=request)
        entry, duration_ms = await _call(session, assess)
        _record(result, assess, entry, turn, duration_ms)
        if entry.is_error or entry.structured is None:
            return f"call escalation_assess with the related record ids first ({entry.text})"
        assessment = entry.structured
    try:
        composed = compose_brief(
            draft,
            assessment,
            known,
            reporter=options.reporter,
            today=_today(options.clock),
            unavailable=result.unavailable,
            drafted_without_llm=result.drafted_without_llm,
        )
    except (ValueError, ValidationError) as exc:
        return f"the draft cannot be used: {exc}"
    result.assessment = composed.assessment
    result.unavailable = composed.unavailable
    result.invented_ids = composed.invented
    if isinstance(composed.output, EscalationBrief):
        result.brief = composed.output
    else:
        result.handling = composed.output
    return result


def _today(clock: Clock) -> date:
    return clock().date()


def _assessment_request(refs: list[str], issue: str) -> dict[str, Any]:
    request: dict[str, Any] = {"issue": issue}
    keys = {
        "ticket": "ticket_ids",
        "account": "account_ids",
        "issue": "issue_keys",
        "article": "article_ids",
        "message": "message_ids",
    }
    for ref in refs:
        kind, _, ident = ref.partition(":")
        if kind in keys:
            request.setdefault(keys[kind], []).append(ident)
    return request


__all__ = [
    "STEPS",
    "DecisionEvent",
    "Limits",
    "ModelTurnEvent",
    "RunOptions",
    "RunResult",
    "Session",
    "StepEvent",
    "TraceEntry",
    "TraceEvent",
    "run_escalation",
    "task_prompt",
]
