"""The eval's results: each trial, each scenario, and the suite's figures (pass rates, pass^k, per check,
per tag, safety, decisions, usage).

A trial passes when every gating check passes; across trials the suite reports
pass^k = C(c, k) / C(n, k) averaged over scenarios, as tau-bench does. A run the provider failed is
counted apart from the model's own failures.
"""

from __future__ import annotations

from collections import Counter
from math import comb
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..skill.models.base import ModelProviderError, TimeLimitError, TokenBudgetError, TurnLimitError
from ..skill.models.catalog import PRICES_CHECKED
from ..skill.run_result import TraceEntry, Usage
from .check_names import SAFETY_CHECKS
from .graders import CheckResult


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


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


__all__ = [
    "CheckStats",
    "ErrorKind",
    "ScenarioRecord",
    "SuiteReport",
    "TagStats",
    "TrialRecord",
    "error_kind",
    "pass_hat_k",
    "summarize",
]
