"""The eval's reports and regression gate: the markdown and JSON reports, the usage lines, the threshold."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ConfigDict, Field

from ..connectors.errors import ConfigError
from ..skill.run_result import Usage
from .results import SuiteReport, _Frozen


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


__all__ = [
    "Threshold",
    "below_threshold",
    "cost_text",
    "load_threshold",
    "markdown_report",
    "usage_line",
    "write_reports",
]
