"""Where an escalation goes: the target (and a secondary one), the engineering team, and what to ask."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from ...connectors.records import Target
from ..policy_config import Severity
from .facts import Facts
from .models import Finding

Routed = tuple[Target, Target | None, list[str]]
"""The target, the secondary target, and the reasons."""

_BUSINESS = ("high_value_at_risk", "executive_request", "exception_to_policy")
"""Rules that need a business decision."""


def target(f: Facts, found: Mapping[str, Finding], severity: Severity) -> Routed:
    """Who the escalation goes to, given the findings (`found`, by rule name) and its severity."""
    if found["security_concern"].met:
        return _security(found)
    technical_incident = _technical_incident(f, found)
    technical = technical_incident or found["confirmed_bug"].met or found["recurring"].met
    product = found["feature_gap"].met and not found["confirmed_bug"].met and not technical_incident
    business = _business(found, severity)
    hv_breach = _high_value_breach(f)
    tech_target: Target | None = "Engineering" if technical else ("Product" if product else None)
    if business and not technical_incident:
        return _leadership(found, business, tech_target)
    if tech_target == "Engineering":
        return _engineering(found, business, hv_breach)
    if tech_target == "Product":
        return (
            "Product",
            ("Leadership" if hv_breach else None),
            ["feature gap: " + found["feature_gap"].reason],
        )
    if hv_breach:
        return (
            "Leadership",
            "L2 support",
            ["SLA breach on a high-value account: " + found["sla_breach"].reason],
        )
    return (
        "L2 support",
        None,
        ["needs deeper investigation by senior support; no confirmed bug or feature gap yet"],
    )


def _security(found: Mapping[str, Finding]) -> Routed:
    second: Target | None = "Engineering" if found["confirmed_bug"].met else None
    return "Security", second, ["security concerns bypass the tiers: " + found["security_concern"].reason]


def _technical_incident(f: Facts, found: Mapping[str, Finding]) -> bool:
    return (
        found["data_loss"].met
        or found["production_down"].met
        or (found["pattern_customers"].met and (found["confirmed_bug"].met or bool(f.open_bugs)))
    )


def _business(found: Mapping[str, Finding], severity: Severity) -> list[str]:
    business = [r for r in _BUSINESS if found[r].met]
    if found["legal_or_pr_risk"].met and (business or severity == "Critical"):
        business.append("legal_or_pr_risk")
    return business


def _high_value_breach(f: Facts) -> bool:
    high_value = {a.id for a in f.high_value_affected}
    return any(s.status == "breached" and f.ev.ticket_accounts.get(s.ticket_id) in high_value for s in f.sla)


def _leadership(found: Mapping[str, Finding], business: list[str], tech_target: Target | None) -> Routed:
    reasons = ["business decision needed: " + "; ".join(found[r].reason for r in business)]
    if tech_target:
        reasons.append(
            f"{tech_target} also involved: "
            + ("feature gap" if tech_target == "Product" else "technical fix needed")
        )
    return "Leadership", tech_target, reasons


def _engineering(found: Mapping[str, Finding], business: list[str], hv_breach: bool) -> Routed:
    why = [
        found[r].reason
        for r in ("data_loss", "production_down", "confirmed_bug", "recurring")
        if found[r].met
    ]
    reasons = ["needs engineering: " + "; ".join(why or ["several customers hit the same failure"])]
    second: Target | None = "Leadership" if (business or hv_breach) else None
    if second:
        informed = (
            "; ".join(found[r].reason for r in business) if business else "SLA breach on a high-value account"
        )
        reasons.append("Leadership informed: " + informed)
    return "Engineering", second, reasons


def team(f: Facts) -> str | None:
    """The engineering team that owns the most named product area or component, per the policy's routing."""
    areas = Counter(t.product_area for t in f.current if t.product_area)
    areas.update(c for i in f.ev.issues for c in i.components)
    for area, _ in areas.most_common():
        if area in f.config.team_routing:
            return f.config.team_routing[area]
    return None


def suggested_asks(target: Target, found: Mapping[str, Finding], f: Facts) -> list[str]:
    """What to ask of `target`."""
    if target == "Security":
        return ["assess the exposure and contain it", "confirm who and what is affected"]
    if target == "Engineering":
        return _engineering_asks(found, f)
    if target == "Product":
        return ["make a product decision on the requested capability and share a timeline"]
    if target == "Leadership":
        asks = ["decide how to respond to the account (executive call, commitment or exception)"]
        if found["feature_gap"].met:
            asks.append("agree with Product on a date we can commit to")
        return asks
    return ["investigate with advanced troubleshooting and decide whether engineering is needed"]


def _engineering_asks(found: Mapping[str, Finding], f: Facts) -> list[str]:
    asks: list[str] = []
    if found["recurring"].met:
        asks.append("find out why the earlier fix did not hold and fix it for good")
    if f.open_bugs:
        asks.append(f"prioritize the fix for {', '.join(i.key for i in f.open_bugs)} and share an ETA")
    else:
        asks.append("investigate the root cause")
    if found["data_loss"].met:
        asks.append("assess which customers' data is affected and how to restore it")
    return asks
