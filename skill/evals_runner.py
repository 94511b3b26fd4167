"""The eval runner: every scenario through the agent loop, graded, summed up and written as reports.

Each scenario and trial gets a fresh local workspace (a copy of its base world with the scenario's
records loaded over it), an MCP server over that workspace held in memory, and the scenario's fixed
clock. Trials run concurrently up to a bound. A trial passes when every gating check passes; across
trials the suite reports pass^k = C(c, k) / C(n, k) averaged over scenarios, as tau-bench does.

For the rubric judge, `MessageBatcher` stands in for the Anthropic client and sends the calls that
arrive together through the Message Batches API (half the price, minutes to hours of latency). It is for
single-call work only: an agent's turns each depend on the last, so they always go directly. Each trial
records the drafter's usage and cost, and a run the provider failed is kept apart from model failures.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from math import comb
from pathlib import Path
from typing import Any, Literal

from mcp import Client
from pydantic import BaseModel, ConfigDict, Field

from ..connectors.base import CATEGORIES, CATEGORY_TITLES, Category, Registry
from ..connectors.errors import ConfigError, UpstreamError
from ..connectors.local import LocalWorkspace
from ..connectors.records import Dataset
from ..evals.graders import (
    PROSE_CHECKS,
    SAFETY_CHECKS,
    CheckResult,
    Observation,
    RubricGrader,
    grade,
    passed,
)
from ..evals.scenario import (
    Scenario,
    base_dataset,
    layered,
    own_records,
    reference_ids,
)
from .agent import Limits, RunResult, TraceEntry, run_escalation
from .models.base import (
    SUBMIT_TOOL,
    AssistantEntry,
    Entry,
    MissingApiKeyError,
    Model,
    ModelProviderError,
    ModelTurn,
    TimeLimitError,
    TokenBudgetError,
    ToolCall,
    ToolResultEntry,
    ToolSpec,
    TurnLimitError,
    Usage,
)
from .models.catalog import PRICES_CHECKED
from .policy_config import PolicyConfig, load_policy
from .server import build_server

OFFLINE = "offline"
REFERENCE = "reference"
ModelFactory = Callable[[Scenario], Model]
"""A fresh model for each trial of a scenario."""
_WRITE_TABLES = ("messages", "issues", "comments")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


# ------------------------------------------------------------------------------------------ results


ErrorKind = Literal["infrastructure", "limit", "model"]


def error_kind(exc: BaseException) -> ErrorKind:
    """How a run that ended early is counted: the provider's failure is not the model's."""
    if isinstance(exc, ModelProviderError):
        return "infrastructure"
    if isinstance(exc, TurnLimitError | TimeLimitError | TokenBudgetError):
        return "limit"
    return "model"


class TrialRecord(_Frozen):
    """One trial of one scenario."""

    scenario: str
    trial: int
    passed: bool
    decision: str | None
    severity: str | None
    target: str | None
    seconds: float
    tool_calls: int
    context_chars: int
    checks: list[CheckResult]
    rules_met: list[str] = Field(default_factory=list)
    """The policy findings met in the run's assessment, escalation criteria first."""
    error: str | None = None
    error_kind: ErrorKind | None = None
    """Why the run ended early: `infrastructure` (the provider failed after its retries: 5xx, 429,
    connection), `limit` (turns, time, cost) or `model` (refusal, unusable output, anything else)."""
    turns: int = 0
    usage: Usage = Field(default_factory=Usage)
    """The drafter's tokens, requests and cost for this trial (cache reads and writes included)."""
    markdown: str = ""
    trace: list[TraceEntry] = Field(default_factory=list)
    """Every tool call of the run, to read next to the output."""


class ScenarioRecord(_Frozen):
    """Every trial of one scenario."""

    id: str
    purpose: str
    rule: list[str]
    tags: list[str]
    expected_decision: str
    known_issue: str | None = None
    trials: list[TrialRecord]

    @property
    def successes(self) -> int:
        return sum(t.passed for t in self.trials)

    @property
    def fully_passed(self) -> bool:
        return all(t.passed for t in self.trials)


class CheckStats(_Frozen):
    passed: int = 0
    failed: int = 0
    not_graded: int = 0

    @property
    def rate(self) -> float | None:
        graded = self.passed + self.failed
        return self.passed / graded if graded else None


class TagStats(_Frozen):
    scenarios: int
    fully_passed: int
    pass_rate: float
    """Passed trials over all trials of the tag's scenarios."""


class SuiteReport(_Frozen):
    """A whole run of the suite."""

    model: str
    trials: int
    seconds: float
    scenarios: list[ScenarioRecord]
    pass_rate: float
    """Passed trials over all trials."""
    fully_passed: int
    """Scenarios whose every trial passed."""
    pass_hat_k: dict[int, float]
    per_check: dict[str, CheckStats]
    per_tag: dict[str, TagStats]
    safety: dict[str, CheckStats]
    safety_rate: float | None
    decisions: dict[str, dict[str, int]] = Field(default_factory=dict)
    """Expected decision -> actual decision (or `none`) -> trials."""
    usage: Usage = Field(default_factory=Usage)
    """The drafter's tokens, requests and cost over every trial."""
    judge_usage: Usage = Field(default_factory=Usage)
    """The rubric judge's tokens, requests and cost."""
    errors: dict[str, int] = Field(default_factory=dict)
    """Trials that ended early, by kind (`infrastructure`, `limit`, `model`)."""
    prices_checked: str | None = None
    """The date of the price table the costs come from."""

    @property
    def scenario_pass_rate(self) -> float:
        return self.fully_passed / len(self.scenarios) if self.scenarios else 0.0


def pass_hat_k(trials: int, successes: int, k: int) -> float:
    """The chance that k trials drawn from `trials` all succeed: C(successes, k) / C(trials, k).

    Raises:
        ValueError: k is not between 1 and `trials`, or `successes` exceeds `trials`.
    """
    if not 1 <= k <= trials or not 0 <= successes <= trials:
        raise ValueError(f"need 1 <= k <= trials and 0 <= successes <= trials (k={k}, trials={trials})")
    return comb(successes, k) / comb(trials, k)


def summarize(model: str, trials: int, seconds: float, scenarios: list[ScenarioRecord]) -> SuiteReport:
    """The suite's figures from its scenario records."""
    every = [t for s in scenarios for t in s.trials]
    per_check: dict[str, Counter[str]] = {}
    for trial in every:
        for check in trial.checks:
            state = "not_graded" if check.passed is None else ("passed" if check.passed else "failed")
            per_check.setdefault(check.name, Counter())[state] += 1
    checks = {name: CheckStats(**counts) for name, counts in sorted(per_check.items())}
    safety = {name: checks.get(name, CheckStats()) for name in SAFETY_CHECKS}
    graded = sum(s.passed + s.failed for s in safety.values())
    tags: dict[str, list[ScenarioRecord]] = {}
    for scenario in scenarios:
        for tag in scenario.tags:
            if not tag.startswith("paraphrase-of:"):
                tags.setdefault(tag, []).append(scenario)
    decisions: dict[str, Counter[str]] = {}
    for scenario in scenarios:
        for trial in scenario.trials:
            decisions.setdefault(scenario.expected_decision, Counter())[trial.decision or "none"] += 1
    usage = Usage()
    for trial in every:
        usage.add(trial.usage)
    return SuiteReport(
        usage=usage,
        errors=dict(Counter(t.error_kind for t in every if t.error_kind is not None)),
        prices_checked=PRICES_CHECKED.isoformat(),
        model=model,
        trials=trials,
        seconds=round(seconds, 2),
        scenarios=scenarios,
        pass_rate=sum(t.passed for t in every) / len(every) if every else 0.0,
        fully_passed=sum(s.fully_passed for s in scenarios),
        pass_hat_k={
            k: sum(pass_hat_k(len(s.trials), s.successes, k) for s in scenarios) / len(scenarios)
            for k in range(1, trials + 1)
        }
        if scenarios
        else {},
        per_check=checks,
        per_tag={
            tag: TagStats(
                scenarios=len(group),
                fully_passed=sum(s.fully_passed for s in group),
                pass_rate=sum(s.successes for s in group) / sum(len(s.trials) for s in group),
            )
            for tag, group in sorted(tags.items())
        },
        safety=safety,
        safety_rate=sum(s.passed for s in safety.values()) / graded if graded else None,
        decisions={k: dict(v) for k, v in sorted(decisions.items())},
    )


# ------------------------------------------------------------------------------------------- worlds


class _Unavailable:
    """A connector whose every call fails, as a timed-out vendor would."""

    def __init__(self, inner: Any, category: Category) -> None:
        self.system: str = inner.system
        self._title = CATEGORY_TITLES[category]

    async def aclose(self) -> None:
        return None

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        async def fail(*args: Any, **kwargs: Any) -> Any:
            raise UpstreamError(f"the {self._title} timed out", system=self.system)

        return fail


class Worlds:
    """Fresh workspaces for scenario trials, built from cached base files in a scratch folder.

    Args:
        workdir: where the workspace files go; a temporary folder (removed by `close`) when None.
    """

    def __init__(self, workdir: Path | None = None) -> None:
        self._own_dir = workdir is None
        self.root = Path(tempfile.mkdtemp(prefix="ce-evals-")) if workdir is None else workdir
        self.root.mkdir(parents=True, exist_ok=True)
        self._bases: dict[tuple[str, str], Path] = {}
        self._datasets: dict[str, tuple[Dataset, Dataset]] = {}
        self._counter = itertools.count()

    def _records(self, scenario: Scenario) -> tuple[Dataset, Dataset]:
        """(the scenario's own records, its whole world), cached."""
        if scenario.id not in self._datasets:
            base = base_dataset(scenario.base, scenario.now)
            own = own_records(scenario, base)
            self._datasets[scenario.id] = (own, layered(base, own))
        return self._datasets[scenario.id]

    def dataset(self, scenario: Scenario) -> Dataset:
        """The scenario's whole world of records.

        Raises:
            ScenarioError: a record refers to an account that does not exist.
        """
        return self._records(scenario)[1]

    def _base_file(self, scenario: Scenario) -> Path | None:
        if scenario.base == "empty":
            return None
        key = (scenario.base, scenario.now.isoformat())
        if key not in self._bases:
            path = self.root / f"base-{len(self._bases)}.sqlite"
            LocalWorkspace.create(
                path, base_dataset(scenario.base, scenario.now), clock=scenario.clock()
            ).close()
            self._bases[key] = path
        return self._bases[key]

    def open(self, scenario: Scenario) -> LocalWorkspace:
        """A new workspace holding the scenario's world; the caller closes it.

        Raises:
            ScenarioError: a record refers to an account that does not exist.
            WorkspaceError: the file cannot be written.
        """
        own, _ = self._records(scenario)
        path = self.root / f"{scenario.id}-{next(self._counter)}.sqlite"
        base = self._base_file(scenario)
        if base is None:
            return LocalWorkspace.create(path, own, clock=scenario.clock())
        shutil.copyfile(base, path)
        workspace = LocalWorkspace.open(path, clock=scenario.clock(), create_demo=False)
        workspace.load(own)
        return workspace

    def discard(self, workspace: LocalWorkspace) -> None:
        workspace.close()
        for suffix in ("", "-wal", "-shm"):
            workspace.path.with_name(workspace.path.name + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        if self._own_dir:
            shutil.rmtree(self.root, ignore_errors=True)


def _registry(workspace: LocalWorkspace, faults: Iterable[Category]) -> Registry:
    failing = set(faults)
    parts: dict[str, Any] = {
        c: (_Unavailable(workspace, c) if c in failing else workspace) for c in CATEGORIES
    }
    return Registry(**parts)


# ------------------------------------------------------------------------------------------- running


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
        server = build_server(_registry(workspace, scenario.faults), policy=policy, clock=scenario.clock())
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
    rules_met = [
        f["rule"] for key in ("criteria_met", "handle_criteria_met") for f in assessment.get(key, [])
    ]
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


# ----------------------------------------------------------------------------------------- thresholds


class Threshold(_Frozen):
    """The regression gate stored in the repository."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_scenario_pass_rate: float = Field(ge=0, le=1)
    """Share of scenarios whose every trial passed."""
    min_safety_rate: float = Field(default=1.0, ge=0, le=1)
    """Share of safety checks (PII, injection, writes) passed over all trials."""
    max_seconds: float | None = Field(default=None, gt=0)


def load_threshold(path: Path) -> Threshold:
    """The threshold file at `path`.

    Raises:
        ConfigError: the file cannot be read or holds invalid values.
    """
    try:
        return Threshold.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read threshold file {path}: {exc}") from exc
    except ValueError as exc:
        raise ConfigError(f"invalid threshold file {path}: {exc}") from exc


def below_threshold(report: SuiteReport, threshold: Threshold) -> list[str]:
    """What falls short of `threshold`, in words; empty when the run meets it."""
    problems = []
    if report.scenario_pass_rate < threshold.min_scenario_pass_rate:
        problems.append(
            f"{report.fully_passed}/{len(report.scenarios)} scenarios fully passed "
            f"({report.scenario_pass_rate:.1%}), below the threshold of {threshold.min_scenario_pass_rate:.1%}"
        )
    if report.safety_rate is not None and report.safety_rate < threshold.min_safety_rate:
        failed = ", ".join(f"{n} {s.failed}" for n, s in report.safety.items() if s.failed)
        problems.append(
            f"safety checks passed {report.safety_rate:.1%}, below {threshold.min_safety_rate:.1%} (failed: {failed})"
        )
    if threshold.max_seconds is not None and report.seconds > threshold.max_seconds:
        problems.append(
            f"the suite took {report.seconds:.1f} s, over the limit of {threshold.max_seconds:.0f} s"
        )
    return problems


# ------------------------------------------------------------------------------------------- reports


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def cost_text(usage: Usage) -> str:
    """`$0.0123`, `n/a` without requests, with a note when some requests could not be priced."""
    if not usage.requests:
        return "n/a"
    text = f"${usage.cost_usd:.4f}"
    return text + f" (+{usage.unpriced_requests} unpriced)" if usage.unpriced_requests else text


def usage_line(who: str, usage: Usage, prices_checked: str | None) -> str:
    """One line of tokens, requests and cost."""
    if not usage.requests:
        return f"{who}: no model requests"
    return (
        f"{who}: {usage.requests} requests, {usage.input_tokens:,} input, {usage.output_tokens:,} output, "
        f"{usage.cache_read_tokens:,} cache-read and {usage.cache_write_tokens:,} cache-write tokens, "
        f"{cost_text(usage)} at the prices of {prices_checked or 'unknown date'}"
    )


def markdown_report(report: SuiteReport) -> str:
    """The report as markdown: summary, per-check and per-tag breakdowns, then every failure."""
    lines = [
        f"# Eval report: {report.model}",
        "",
        f"- Scenarios: {len(report.scenarios)}, trials each: {report.trials}, wall time: {report.seconds:.1f} s",
        f"- Scenarios fully passed: {report.fully_passed}/{len(report.scenarios)} ({_rate(report.scenario_pass_rate)})",
        f"- Trials passed: {_rate(report.pass_rate)}",
        "- pass^k: " + ", ".join(f"k={k}: {v:.3f}" for k, v in report.pass_hat_k.items()),
        f"- Safety checks passed: {_rate(report.safety_rate)} "
        + "("
        + ", ".join(f"{n} {s.passed}/{s.passed + s.failed}" for n, s in report.safety.items())
        + ")",
        f"- {usage_line('Drafter', report.usage, report.prices_checked)}",
        f"- {usage_line('Judge', report.judge_usage, report.prices_checked)}",
        "- Ended early: "
        + (", ".join(f"{kind} {n}" for kind, n in sorted(report.errors.items())) or "none")
        + " (infrastructure: the provider failed after its retries; not a model failure)",
        "",
        "## Scenarios",
        "",
        "| Scenario | Expected | Outcome | Checks | Time (s) | Tool calls | Context chars | Turns | Tokens | Cost |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for scenario in report.scenarios:
        for trial in scenario.trials:
            gating = [c for c in trial.checks if c.gating]
            lines.append(
                f"| {scenario.id}{f' #{trial.trial}' if report.trials > 1 else ''} | {scenario.expected_decision} | "
                f"{'pass' if trial.passed else 'FAIL'}: {trial.decision or 'no output'} | "
                f"{sum(c.passed is True for c in gating)}/{len(gating)} | {trial.seconds:.2f} | {trial.tool_calls} | "
                f"{trial.context_chars:,} | {trial.turns} | {trial.usage.total_tokens:,} | {cost_text(trial.usage)} |"
            )
    lines += ["", "## Checks", "", "| Check | Passed | Failed | Not graded | Rate |", "|---|---|---|---|---|"]
    for name, stats in report.per_check.items():
        lines.append(
            f"| {name} | {stats.passed} | {stats.failed} | {stats.not_graded} | {_rate(stats.rate)} |"
        )
    lines += ["", "## Tags", "", "| Tag | Scenarios | Fully passed | Trial pass rate |", "|---|---|---|---|"]
    for tag, tag_stats in report.per_tag.items():
        lines.append(
            f"| {tag} | {tag_stats.scenarios} | {tag_stats.fully_passed} | {_rate(tag_stats.pass_rate)} |"
        )
    lines += ["", "## Decisions (expected -> actual, trials)", ""]
    for expected, actual in report.decisions.items():
        lines.append(f"- {expected}: " + ", ".join(f"{k} {v}" for k, v in sorted(actual.items())))
    failures = [(s, t) for s in report.scenarios for t in s.trials if not t.passed]
    lines += ["", "## Failures", ""]
    if not failures:
        lines.append("None.")
    for scenario, trial in failures:
        lines.append(f"### {scenario.id} (trial {trial.trial})")
        lines.append("")
        lines.append(f"Rule: {', '.join(scenario.rule)}. {scenario.purpose.strip()}")
        lines.append("")
        if scenario.known_issue:
            lines.append(f"Known issue: {' '.join(scenario.known_issue.split())}")
            lines.append("")
        if trial.error:
            lines.append(f"- run ended early ({trial.error_kind or 'model'}): {trial.error}")
        else:
            lines.append(f"- policy findings met: {', '.join(trial.rules_met) or 'none'}")
            lines.append(f"- tool calls: {', '.join(t.tool for t in trial.trace) or 'none'}")
        for check in trial.checks:
            if check.gating and check.passed is not True:
                lines.append(f"- **{check.name}**: {check.evidence}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_reports(report: SuiteReport, path: Path) -> tuple[Path, Path]:
    """Write the JSON report to `path` and the markdown report beside it (same name, `.md`).

    Raises:
        OSError: a file cannot be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    data = report.model_dump(mode="json")
    data["scenario_pass_rate"] = report.scenario_pass_rate
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    markdown = path.with_suffix(".md")
    markdown.write_text(markdown_report(report), encoding="utf-8")
    return path, markdown


# ------------------------------------------------------------------------------------ the reference


class ReferenceModel:
    """Reads a scenario's reference records, asks the policy, and drafts plainly from the verdict.

    It follows the reference solution, not its own search, so a failure under it means the scenario's
    labels do not follow from the policy (or a grader is wrong), never that retrieval missed something.
    """

    drafted_without_llm = True

    def __init__(self, scenario: Scenario) -> None:
        self.name = REFERENCE
        self._scenario = scenario
        self._ref = reference_ids(scenario)

    def _refs(self) -> list[str]:
        r = self._ref
        return (
            [f"ticket:{i}" for i in r.ticket_ids]
            + [f"account:{i}" for i in r.account_ids]
            + [f"issue:{i}" for i in r.issue_keys]
            + [f"article:{i}" for i in r.article_ids]
            + [f"message:{i}" for i in r.message_ids]
        )

    def _reads(self) -> list[ToolCall]:
        r = self._ref
        calls = [("support_get_ticket", {"ticket_id": i}) for i in r.ticket_ids]
        calls += [("crm_get_account", {"account_id": i}) for i in r.account_ids]
        calls += [("tracker_get_issue", {"key": i}) for i in r.issue_keys]
        calls += [("kb_get_article", {"article_id": i}) for i in r.article_ids]
        for ref in r.message_ids:
            channel, _, message = ref.rpartition(":")
            calls.append(("chat_get_thread", {"channel_id": channel, "thread_id": message}))
        return [ToolCall(id=f"ref-{n}", name=name, arguments=args) for n, (name, args) in enumerate(calls)]

    async def respond(self, conversation: list[Entry], tools: list[ToolSpec], system: str) -> ModelTurn:
        turns = sum(isinstance(e, AssistantEntry) for e in conversation)
        reads = self._reads()
        if turns == 0 and reads:
            return ModelTurn(tool_calls=reads)
        assessment = next(
            (
                e.structured
                for e in reversed(conversation)
                if isinstance(e, ToolResultEntry) and e.name == "escalation_assess" and e.structured
            ),
            None,
        )
        if assessment is None:
            r = self._ref
            arguments: dict[str, Any] = {"issue": self._scenario.issue}
            for key, values in (
                ("ticket_ids", r.ticket_ids),
                ("account_ids", r.account_ids),
                ("issue_keys", r.issue_keys),
                ("article_ids", r.article_ids),
                ("message_ids", r.message_ids),
            ):
                if values:
                    arguments[key] = list(values)
            return ModelTurn(
                tool_calls=[ToolCall(id="ref-assess", name="escalation_assess", arguments=arguments)]
            )
        return ModelTurn(
            tool_calls=[ToolCall(id="ref-submit", name=SUBMIT_TOOL, arguments=self._draft(assessment))]
        )

    def _draft(self, assessment: dict[str, Any]) -> dict[str, Any]:
        issue = self._scenario.issue
        summary = issue if len(issue) <= 200 else issue[:199].rstrip() + "…"
        draft: dict[str, Any] = {
            "decision": assessment["decision"],
            "summary": summary,
            "cited_records": self._refs(),
        }
        if assessment["decision"] == "handle_in_support":
            draft["suggested_reply"] = (
                "Thanks for the report. The linked article describes the steps that resolve this; please follow "
                "them and tell us if anything still fails."
            )
            return draft
        draft.update(
            workflow_impact="As described in the linked tickets.",
            issue_description=f"{issue.strip()} The related records are linked below.",
            reproduction_note="Not reproduced by the reference drafter; see the linked tickets.",
            last_update_to_customer="Acknowledged; investigating.",
            customer_expectation="An update at the next follow-up.",
            escalation_risk="As assessed by the policy.",
        )
        return draft


# ------------------------------------------------------------------------------- Message Batches


class MessageBatcher:
    """Sends `messages.create` calls through the Message Batches API.

    Calls that arrive within `window` seconds of the first pending one share a batch; each caller waits
    for its own result. It has the `messages.create` shape of `AsyncAnthropic`, so it can stand in for
    the client of the rubric grader (one call per graded run; never the agent loop, whose turns wait on
    each other).

    Args:
        client: an `AsyncAnthropic`.
        window: seconds to collect calls before sending a batch.
        poll_every: seconds between status checks of a sent batch.
        sleep: injected for tests.
    """

    def __init__(
        self,
        client: Any,
        *,
        window: float = 5.0,
        poll_every: float = 15.0,
        max_requests: int = 10_000,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._client = client
        self._window = window
        self._poll_every = poll_every
        self._max = max_requests
        self._sleep = sleep
        self._pending: list[tuple[str, dict[str, Any], asyncio.Future[Any]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._ids = itertools.count(1)
        self.batches_sent = 0
        self.messages = self

    async def create(self, **params: Any) -> Any:
        """Queue one Messages request and wait for its result from a batch.

        Raises:
            ModelProviderError: the request errored, expired or was canceled in the batch, or the batch
                could not be sent or read.
        """
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append((f"req-{next(self._ids)}", params, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        await self._sleep(self._window)
        while self._pending:
            batch, self._pending = self._pending[: self._max], self._pending[self._max :]
            await self._send(batch)

    async def _send(self, batch: list[tuple[str, dict[str, Any], asyncio.Future[Any]]]) -> None:
        futures = {custom_id: future for custom_id, _, future in batch}
        try:
            created = await self._client.messages.batches.create(
                requests=[{"custom_id": custom_id, "params": params} for custom_id, params, _ in batch]
            )
            self.batches_sent += 1
            status = created
            while status.processing_status != "ended":
                await self._sleep(self._poll_every)
                status = await self._client.messages.batches.retrieve(created.id)
            results = await self._client.messages.batches.results(created.id)
            async for item in results:
                future = futures.pop(item.custom_id, None)
                if future is None or future.done():
                    continue
                if item.result.type == "succeeded":
                    future.set_result(item.result.message)
                else:
                    detail = getattr(getattr(item.result, "error", None), "error", None)
                    future.set_exception(
                        ModelProviderError(
                            f"batch request {item.custom_id} {item.result.type}: {detail or ''}".rstrip(": ")
                        )
                    )
        except Exception as exc:  # whatever broke the batch fails every request still waiting on it
            for future in futures.values():
                if not future.done():
                    future.set_exception(ModelProviderError(f"the message batch failed: {exc}"))
            return
        for custom_id, future in futures.items():
            if not future.done():
                future.set_exception(ModelProviderError(f"batch request {custom_id} has no result"))


# ------------------------------------------------------------------------------------- model choice


def model_factory(name: str, *, claude_client: Any | None = None) -> ModelFactory:
    """A factory of fresh models: `offline` (the planner), `reference` (the reference solution) or a
    Claude model id driven through `claude_client`.

    Raises:
        MissingApiKeyError: a Claude model was asked for without a client.
    """
    if name == OFFLINE:
        from .models.planner import OfflinePlanner

        return lambda scenario: OfflinePlanner()
    if name == REFERENCE:
        return ReferenceModel
    if claude_client is None:
        raise MissingApiKeyError(
            f"model {name} needs ANTHROPIC_API_KEY; set it, or run the evals with --model offline"
        )
    from .models.anthropic import ClaudeModel

    return lambda scenario: ClaudeModel(model=name, client=claude_client)


__all__ = [
    "OFFLINE",
    "REFERENCE",
    "CheckStats",
    "MessageBatcher",
    "ModelFactory",
    "ReferenceModel",
    "ScenarioRecord",
    "SuiteReport",
    "TagStats",
    "Threshold",
    "TrialRecord",
    "Worlds",
    "below_threshold",
    "cost_text",
    "error_kind",
    "load_threshold",
    "markdown_report",
    "model_factory",
    "pass_hat_k",
    "run_suite",
    "run_trial",
    "summarize",
    "usage_line",
    "write_reports",
]
