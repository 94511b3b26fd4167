"""`assess`: the registered rules applied to the evidence, the decision, and for an escalation its
severity, target, deadline, follow-up cadence and asks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from ...connectors.records import Decision, Target
from ..policy_config import PolicyConfig, Severity
from . import cadence, impact, routing
from .facts import Facts
from .models import Assessment, Depth, Evidence, Finding, FollowUp
from .refs import record_ids
from .rules import RULES, findings
from .severity import severity as grade


@dataclass
class _Route:
    """What an escalation adds to the decision; empty when the issue stays in support."""

    severity: Severity | None = None
    severity_reasons: list[str] = field(default_factory=list)
    between: str | None = None
    target: Target | None = None
    secondary: Target | None = None
    target_reasons: list[str] = field(default_factory=list)
    follow_up: FollowUp | None = None
    deadline: datetime | None = None
    deadline_reason: str | None = None
    asks: list[str] = field(default_factory=list)


def assess(evidence: Evidence, config: PolicyConfig) -> Assessment:
    """Judge `evidence` by the policy in `config`. Never raises on absent data."""
    f = Facts(evidence, config)
    escalate = findings(f, "escalate")
    handle = findings(f, "handle_in_support")
    handled = [x for x in handle if x.met]
    decision, reason = _decide(escalate, handled)
    depth = impact.depth(f)
    effect = impact.impact(f, depth)
    route = _route(f, {x.rule: x for x in escalate}, depth) if decision == "escalate" else _Route()
    return Assessment(
        decision=decision,
        decision_reason=reason,
        escalate_findings=tuple(escalate),
        handle_findings=tuple(handle),
        severity=route.severity,
        severity_reasons=tuple(route.severity_reasons),
        severity_between=route.between,
        target=route.target,
        secondary_target=route.secondary,
        target_reasons=tuple(route.target_reasons),
        engineering_team=routing.team(f) if route.target in {"Engineering", "Security"} else None,
        impact=effect,
        follow_up=route.follow_up,
        deadline=route.deadline,
        deadline_reason=route.deadline_reason,
        priority=config.priority_scale[route.severity or "handle"],
        incident_level=config.incident_scale[route.severity or "handle"],
        suggested_asks=tuple(route.asks),
        resolving_records=tuple(dict.fromkeys(e for x in handled for e in x.evidence)),
        signals=tuple(f"{h.kind} @ {h.source}: {h.excerpt}" for h in f.hits),
        model_findings=tuple(f"{h.kind} @ {h.source}: {h.quote}" for h in evidence.claimed),
        refused_findings=evidence.refused_claims,
        signal_disagreements=tuple(f.disagreements),
        unknowns=tuple(impact.unknowns(f, effect)),
        missing=evidence.missing,
        unavailable=evidence.unavailable,
        record_ids=record_ids(evidence),
        now=f.now,
    )


def _decide(escalate: list[Finding], handled: list[Finding]) -> tuple[Decision, str]:
    """Escalate or handle in support, and why. An open escalation that covers the issue wins; then any
    hard criterion; then a documented answer; then a soft criterion that does not only corroborate."""
    hard = [x for x in escalate if x.met and x.strength == "hard"]
    soft = [x for x in escalate if x.met and x.strength == "soft"]
    duplicate = next((x for x in handled if x.rule == "already_escalated"), None)
    if duplicate is not None:
        return "handle_in_support", (
            f"handle in support: already escalated ({duplicate.reason}); link this report to it"
        )
    if hard:
        reason = "escalate: " + "; ".join(x.criterion for x in hard)
        if handled:
            reason += " (these outweigh: " + "; ".join(x.criterion.lower() for x in handled) + ")"
        return "escalate", reason
    if handled:
        return "handle_in_support", "handle in support: " + "; ".join(x.criterion for x in handled)
    if any(not RULES[x.rule].corroborating for x in soft):
        return "escalate", "escalate: " + "; ".join(x.criterion for x in soft)
    return (
        "handle_in_support",
        "handle in support: no escalation criterion is met; gather more details from the customer",
    )


def _route(f: Facts, found: Mapping[str, Finding], depth: Depth) -> _Route:
    severity, severity_reasons, between = grade(f, found, depth)
    target, secondary, target_reasons = routing.target(f, found, severity)
    deadline, deadline_reason = cadence.deadline(f, severity, target)
    return _Route(
        severity=severity,
        severity_reasons=severity_reasons,
        between=between,
        target=target,
        secondary=secondary,
        target_reasons=target_reasons,
        follow_up=cadence.follow_up_for(severity, f.config, f.now),
        deadline=deadline,
        deadline_reason=deadline_reason,
        asks=routing.suggested_asks(target, found, f),
    )
