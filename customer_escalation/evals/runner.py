"""The eval runner: every scenario through the agent loop, graded and summed up.

Each trial gets a fresh world (`worlds`), an MCP server over it held in memory, and the scenario's fixed
clock; trials run concurrently up to a bound. Each trial records the drafter's usage and cost, and a run
that ends early is recorded with its error, never raised.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mcp import Client

from ..skill.agent import Limits, RunResult, run_escalation
from ..skill.models.base import MissingApiKeyError, Model, Usage
from ..skill.models.reference import REFERENCE, ReferenceModel, ReferenceRecords
from ..skill.policy_config import PolicyConfig, load_policy
from ..skill.server import build_server
from .check_names import PROSE_CHECKS
from .graders import Observation, RubricGrader, grade, passed
from .results import ErrorKind, ScenarioRecord, SuiteReport, TrialRecord, error_kind, summarize
from .scenario import Scenario, reference_ids
from .worlds import Worlds, registry_with_faults

OFFLINE = "offline"
ModelFactory = Callable[[Scenario], Model]
"""A fresh model for each trial of a scenario."""
_WRITE_TABLES = ("messages", "issues", "comments")


def _leaf(exc: BaseException) -> BaseException:
    """The one error inside the exception groups a task group wraps around it."""
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return exc


async def run_trial(
    scenario: Scenario,
    trial: int,
    *,
    worlds: Worlds,
    model: Model,
    policy: PolicyConfig,
    rubric: RubricGrader | None = None,
    limits: Limits | None = None,
) -> TrialRecord:
    """One trial: a fresh world, the agent loop over an in-memory MCP server, then the graders.

    A run that fails (a limit, a model error, a crash) is recorded with its error and scores zero.

    Raises:
        ScenarioError: the scenario's records are inconsistent.
    """
    workspace = worlds.open(scenario)
    try:
        before = dict(workspace.stats().counts)
        server = build_server(
            registry_with_faults(workspace, scenario.faults), policy=policy, clock=scenario.clock()
        )
        started = time.perf_counter()
        result: RunResult | None = None
        error: str | None = None
        kind: ErrorKind | None = None
        try:
            async with Client(server) as client:
                result = await run_escalation(
                    scenario.issue,
                    session=client,
                    model=model,
                    account=scenario.account,
                    clock=scenario.clock(),
                    limits=limits,
                )
        except Exception as exc:  # any way a run can end early scores zero and is reported, not raised
            cause = _leaf(exc)
            error = f"{type(cause).__name__}: {cause}"
            kind = error_kind(cause)
        seconds = time.perf_counter() - started
        after = workspace.stats().counts
    finally:
        worlds.discard(workspace)
    writes = {table: after[table] - before[table] for table in _WRITE_TABLES if after[table] != before[table]}
    observation = Observation(
        scenario=scenario, dataset=worlds.dataset(scenario), result=result, error=error, writes=writes
    )
    checks = grade(observation)
    if isinstance(model, ReferenceModel):
        # the reference drafter writes placeholder prose: it checks labels, so prose checks only inform
        checks = [c.model_copy(update={"gating": False}) if c.name in PROSE_CHECKS else c for c in checks]
    if rubric is not None:
        checks += await rubric.grade(observation)
    brief = result.brief if result else None
    assessment = observation.assessment
    rules_met = (
        [f.rule for f in (*assessment.criteria_met, *assessment.handle_criteria_met)] if assessment else []
    )
    return TrialRecord(
        scenario=scenario.id,
        trial=trial,
        passed=passed(checks),
        decision=observation.decision,
        severity=brief.severity if brief else None,
        target=brief.target_team if brief else None,
        seconds=round(seconds, 3),
        tool_calls=len(result.trace) if result else 0,
        context_chars=result.context_chars if result else 0,
        checks=checks,
        rules_met=rules_met,
        error=error,
        error_kind=kind,
        turns=result.turns if result else 0,
        usage=result.usage if result else _spent(model),
        markdown=result.markdown if result else "",
        trace=list(result.trace) if result else [],
    )


def _spent(model: Model) -> Usage:
    """What a model that failed mid-run had spent (models that keep a running total expose `spent`)."""
    spent = getattr(model, "spent", None)
    return spent.model_copy() if isinstance(spent, Usage) else Usage()


async def run_suite(
    scenarios: Sequence[Scenario],
    *,
    model_factory: ModelFactory,
    model_name: str,
    trials: int = 1,
    concurrency: int = 4,
    policy: PolicyConfig | None = None,
    rubric: RubricGrader | None = None,
    limits: Limits | None = None,
    workdir: Path | None = None,
    on_trial: Callable[[TrialRecord], None] | None = None,
) -> SuiteReport:
    """Run every scenario `trials` times, at most `concurrency` trials at once, and sum up.

    Raises:
        ValueError: `trials` or `concurrency` is below 1.
        ScenarioError: a scenario's records are inconsistent (found before anything runs).
    """
    if trials < 1 or concurrency < 1:
        raise ValueError("trials and concurrency must be at least 1")
    policy = policy or load_policy()
    worlds = Worlds(workdir)
    try:
        for scenario in scenarios:
            worlds.dataset(scenario)
        gate = asyncio.Semaphore(concurrency)

        async def one(scenario: Scenario, trial: int) -> TrialRecord:
            async with gate:
                record = await run_trial(
                    scenario,
                    trial,
                    worlds=worlds,
                    model=model_factory(scenario),
                    policy=policy,
                    rubric=rubric,
                    limits=limits,
                )
            if on_trial is not None:
                on_trial(record)
            return record

        started = time.perf_counter()
        jobs = [one(s, t) for s in scenarios for t in range(1, trials + 1)]
        records = await asyncio.gather(*jobs)
        seconds = time.perf_counter() - started
    finally:
        worlds.close()
    by_scenario: dict[str, list[TrialRecord]] = {}
    for record in records:
        by_scenario.setdefault(record.scenario, []).append(record)
    report = summarize(
        model_name,
        trials,
        seconds,
        [
            ScenarioRecord(
                id=s.id,
                purpose=s.purpose,
                rule=list(s.rule),
                tags=list(s.tags),
                expected_decision=s.expected.decision,
                known_issue=s.known_issue,
                trials=sorted(by_scenario[s.id], key=lambda r: r.trial),
            )
            for s in scenarios
        ],
    )
    if rubric is not None:
        report = report.model_copy(update={"judge_usage": rubric.usage.model_copy()})
    return report


def reference_model(scenario: Scenario) -> ReferenceModel:
    """The reference model for `scenario`: it reads the scenario's reference records.

    Raises:
        ScenarioError: `reference.demo` names no demo scenario.
    """
    ref = reference_ids(scenario)
    records = ReferenceRecords(
        ticket_ids=ref.ticket_ids,
        account_ids=ref.account_ids,
        issue_keys=ref.issue_keys,
        article_ids=ref.article_ids,
        message_ids=ref.message_ids,
    )
    return ReferenceModel(scenario.issue, records)


def model_factory(name: str, *, claude_client: Any | None = None) -> ModelFactory:
    """A factory of fresh models: `offline` (the planner), `reference` (the reference solution) or a
    Claude model id driven through `claude_client`.

    Raises:
        MissingApiKeyError: a Claude model was asked for without a client.
    """
    if name == OFFLINE:
        from ..skill.models.planner import OfflinePlanner

        return lambda scenario: OfflinePlanner()
    if name == REFERENCE:
        return reference_model
    if claude_client is None:
        raise MissingApiKeyError(
            f"model {name} needs ANTHROPIC_API_KEY; set it, or run the evals with --model offline"
        )
    from ..skill.models.anthropic import ClaudeModel

    return lambda scenario: ClaudeModel(model=name, client=claude_client)


__all__ = [
    "OFFLINE",
    "REFERENCE",
    "ModelFactory",
    "model_factory",
    "reference_model",
    "run_suite",
    "run_trial",
]
