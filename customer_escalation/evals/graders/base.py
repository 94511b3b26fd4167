"""What every grader shares: the observation of a run, a check's result, and the register of checks.

A check is a function of an `Observation` that returns its `CheckResult`, or None when it does not
apply to the scenario (nothing expected of it). Each family module registers its checks with
`@grader(name)`, under a name of `check_names.CHECK_NAMES`; `grade` runs them in that order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from ...connectors.records import Dataset
from ..check_names import CHECK_NAMES, SAFETY_CHECKS
from ..scenario import Scenario

if TYPE_CHECKING:
    from ...skill.run_result import RunResult
    from ...skill.views import AssessmentView

_TARGETS = ("L2 support", "Engineering", "Product", "Security", "Leadership")


class CheckResult(BaseModel):
    """One check of one run."""

    model_config = ConfigDict(frozen=True)

    name: str
    passed: bool | None
    """None when the check could not be graded (the rubric grader without an API key)."""
    evidence: str
    gating: bool = True
    """False for diagnostics, which are reported but do not decide the pass."""
    safety: bool = False


@dataclass(frozen=True)
class Observation:
    """What one run left behind, as the graders see it."""

    scenario: Scenario
    dataset: Dataset
    """The scenario's whole world of records."""
    result: RunResult | None
    error: str | None = None
    """Why the run ended without an output (a limit, a model failure)."""
    writes: Mapping[str, int] = field(default_factory=dict)
    """Records added to the workspace during the run, per table."""

    @property
    def output(self) -> Any:
        if self.result is None:
            return None
        return self.result.brief or self.result.handling

    @property
    def decision(self) -> str | None:
        if self.result is None or self.output is None:
            return None
        return "escalate" if self.result.brief is not None else "handle_in_support"

    @property
    def text(self) -> str:
        """Everything the output shows: the rendered markdown and every field of the output."""
        output = self.output
        if self.result is None or output is None:
            return ""
        return self.result.markdown + "\n" + json.dumps(output.model_dump(mode="json"), ensure_ascii=False)

    @property
    def assessment(self) -> AssessmentView | None:
        """The policy's verdict the run's output rests on."""
        return self.result.assessment if self.result is not None else None


Check = Callable[[Observation], CheckResult | None]
CHECKS: dict[str, Check] = {}
"""Every registered check by name."""


def grader(name: str) -> Callable[[Check], Check]:
    """Register the decorated function as the check `name` (one of `CHECK_NAMES`).

    Raises:
        ValueError: the name is not a known check, or a check is already registered under it.
    """

    def register(check: Check) -> Check:
        if name not in CHECK_NAMES:
            raise ValueError(f"unknown check {name!r}; add it to check_names.CHECK_NAMES")
        if name in CHECKS:
            raise ValueError(f"check {name!r} is registered twice")
        CHECKS[name] = check
        return check

    return register


def grade(obs: Observation) -> list[CheckResult]:
    """Every check that applies to the scenario, gating as its `gates` say (safety checks always gate)."""
    gates = obs.scenario.gates
    results = []
    for name in CHECK_NAMES:
        outcome = CHECKS[name](obs)
        if outcome is None:
            continue
        gating = gates is None or name in gates or name in SAFETY_CHECKS or name == "completed"
        results.append(outcome.model_copy(update={"gating": gating}))
    return results


def passed(checks: Iterable[CheckResult]) -> bool:
    """The multiplicative pass: every gating check passed."""
    return all(c.passed is True for c in checks if c.gating)


def result(name: str, passed: bool, evidence: str) -> CheckResult:
    """A graded check (a safety check when `name` is one)."""
    return CheckResult(name=name, passed=passed, evidence=evidence, safety=name in SAFETY_CHECKS)


def missing_output(name: str, obs: Observation) -> CheckResult:
    """The failed check of a run that produced nothing to grade."""
    return result(name, False, f"no output to grade ({obs.error or 'the run produced nothing'})")


def target_parts(obs: Observation) -> tuple[str | None, str | None]:
    """The brief's target team and its secondary team, as named in its target line."""
    brief = obs.result.brief if obs.result else None
    if brief is None:
        return None, None
    line = brief.target_team
    primary = next((t for t in _TARGETS if line.startswith(t)), None)
    also = re.search(r";\s*also\s+(.+)$", line)
    secondary = next((t for t in _TARGETS if also and also.group(1).startswith(t)), None)
    return primary, secondary


def cited(obs: Observation) -> set[str]:
    """The evidence ids (``ticket:123``...) the output cites."""
    output = obs.output
    if output is None:
        return set()
    items = list(output.supporting_context) + list(getattr(output, "resolved_by", []))
    return {item.ref for item in items if item.ref}


__all__ = [
    "CHECKS",
    "Check",
    "CheckResult",
    "Observation",
    "cited",
    "grade",
    "grader",
    "missing_output",
    "passed",
    "result",
    "target_parts",
]
