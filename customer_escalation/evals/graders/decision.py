"""Decision graders: the run finished, and decided, targeted and rated severity as the labels say."""

from __future__ import annotations

from .base import CheckResult, Observation, grader, missing_output, result, target_parts


@grader("completed")
def check_completed(obs: Observation) -> CheckResult:
    """The run ended with a brief or a support-handling note (any other end scores zero)."""
    if obs.output is None:
        return missing_output("completed", obs)
    kind = "escalation brief" if obs.decision == "escalate" else "support-handling note"
    return result("completed", True, f"{kind}, {len(obs.result.markdown) if obs.result else 0} characters")


@grader("decision")
def check_decision(obs: Observation) -> CheckResult:
    expected = obs.scenario.expected.decision
    if obs.output is None:
        return missing_output("decision", obs)
    reason = obs.assessment.decision_reason if obs.assessment is not None else ""
    return result(
        "decision", obs.decision == expected, f"expected {expected}, got {obs.decision} ({reason})".strip()
    )


@grader("target")
def check_target(obs: Observation) -> CheckResult | None:
    expected = obs.scenario.expected.target
    if expected is None:
        return None
    if obs.output is None:
        return missing_output("target", obs)
    primary, _ = target_parts(obs)
    line = obs.result.brief.target_team if obs.result and obs.result.brief else "no brief"
    return result("target", primary == expected, f"expected {expected}, got {primary} ({line})")


@grader("secondary")
def check_secondary(obs: Observation) -> CheckResult | None:
    if "secondary" not in obs.scenario.expected.model_fields_set:
        return None
    expected = obs.scenario.expected.secondary
    if obs.output is None:
        return missing_output("secondary", obs)
    _, secondary = target_parts(obs)
    return result(
        "secondary", secondary == expected, f"expected {expected or 'none'}, got {secondary or 'none'}"
    )


@grader("severity")
def check_severity(obs: Observation) -> CheckResult | None:
    expected = obs.scenario.expected.severity
    if expected is None:
        return None
    if obs.output is None:
        return missing_output("severity", obs)
    brief = obs.result.brief if obs.result else None
    actual = brief.severity if brief else None
    note = f" ({brief.severity_note})" if brief and brief.severity_note else ""
    return result("severity", actual == expected, f"expected {expected}, got {actual}{note}")


__all__ = ["check_completed", "check_decision", "check_secondary", "check_severity", "check_target"]
