"""Severity of an escalation: Critical, High or Medium, with the reasons, and a note when the evidence
sat between two levels and the higher one was taken."""

from __future__ import annotations

from collections.abc import Mapping

from ..policy_config import Severity
from .facts import Facts
from .models import Depth, Finding

Graded = tuple[Severity, list[str], str | None]
"""A severity, its reasons, and why the higher of two levels was taken (when it was)."""

_HIGH: tuple[tuple[str, str], ...] = (
    ("sla_breach", "SLA at risk or breached"),
    ("high_value_at_risk", "high-value customer at risk"),
    ("executive_request", "executive involvement requested"),
    ("recurring", "recurring after a fix"),
    ("pattern_customers", "several customers affected"),
    ("production_down", "production down"),
    ("long_wait", "customer waiting too long"),
)
"""Rules that make an issue High, with how the reason names them."""
_URGENT = ("sla_breach", "high_value_at_risk", "executive_request", "production_down")
"""High reasons a documented workaround does not soften to Medium."""


def severity(f: Facts, found: Mapping[str, Finding], depth: Depth) -> Graded:
    """The severity of an escalation with these findings (`found`, by rule name) and depth."""
    critical = _critical(f, found, depth)
    if critical:
        return "Critical", critical, None
    high = _high(f, found, depth)
    if high:
        return _graded_high(f, found, depth, high)
    return _below_high(found, depth)


def _critical(f: Facts, found: Mapping[str, Finding], depth: Depth) -> list[str]:
    hv = f.high_value_affected
    reasons: list[str] = []
    if found["security_concern"].met:
        reasons.append("security concern: " + found["security_concern"].reason)
    if found["data_loss"].met:
        reasons.append("data at risk: " + found["data_loss"].reason)
    if found["production_down"].met and found["production_down"].strength == "hard":
        reasons.append(
            f"production down for {len(f.affected_ids) or 'an unknown number of'} customer(s)"
            + (f" incl. high-value {', '.join(a.name for a in hv)}" if hv else "")
        )
    if len(hv) >= 2 and depth.level == "blocked":
        reasons.append(f"multiple high-value customers affected: {', '.join(a.name for a in hv)}")
    return reasons


def _high(f: Facts, found: Mapping[str, Finding], depth: Depth) -> list[str]:
    hv = f.high_value_affected
    reasons: list[str] = []
    if depth.level == "blocked":
        reasons.append("major functionality broken: " + depth.reason)
    if hv:
        reasons.append(f"key customer affected: {', '.join(a.name for a in hv)}")
    reasons += [f"{label}: {found[rule].reason}" for rule, label in _HIGH if found[rule].met]
    return reasons


def _graded_high(f: Facts, found: Mapping[str, Finding], depth: Depth, high: list[str]) -> Graded:
    """High, softened to Medium by a documented workaround when nothing urgent is met, or raised to
    Critical when reports grow week over week across a pattern of customers."""
    workaround = [
        a
        for a in f.ev.articles
        if a.status == "current"
        and a.kind == "known-issue"
        and a.workaround
        and not f.has("workaround_failed")
    ]
    urgent = any(found[r].met for r in _URGENT)
    if workaround and depth.level != "blocked" and not urgent:
        ids = ", ".join(a.id for a in workaround)
        return "Medium", [f"significant issue with a documented workaround ({ids})", *high], None
    if found["growing"].met and found["pattern_customers"].met:
        between = (
            "between High and Critical: reports are growing week over week across "
            f"{len(f.affected_ids)} customers; taking the higher level"
        )
        return "Critical", high, between
    return "High", high, None


def _below_high(found: Mapping[str, Finding], depth: Depth) -> Graded:
    several = found["multiple_customers"].met
    if depth.level == "unknown" and (several or found["confirmed_bug"].met):
        between = (
            "between Medium and High: no record says whether customers are blocked, and "
            + ("several customers are affected" if several else "the bug is confirmed")
            + "; taking the higher level"
        )
        return "High", ["significant issue; depth unknown"], between
    if depth.level == "inconvenienced":
        return "Medium", [f"significant issue with a workaround or partial impact: {depth.reason}"], None
    return "Medium", ["important but not urgent business impact"], None
