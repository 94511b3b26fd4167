"""Exposure rules: a security concern, and PR or legal risk."""

from __future__ import annotations

from ..facts import Facts, hit_refs, where_found
from .registry import Outcome, rule


@rule(
    "security_concern",
    "Security concern (data exposure, unauthorized access, vulnerability)",
    strength="hard",
    target="Security",
)
def security_concern(f: Facts) -> Outcome:
    security = f.hits_of("security")
    return Outcome(
        met=bool(security),
        reason=f"security signal: {where_found(security)}" if security else "no security signal",
        evidence=hit_refs(security),
        hits=security,
    )


@rule("legal_or_pr_risk", "PR or legal risk", strength="soft")
def legal_or_pr_risk(f: Facts) -> Outcome:
    legal = f.hits_of("legal") + f.hits_of("reputation")
    return Outcome(met=bool(legal), reason=where_found(legal) or "none", evidence=hit_refs(legal), hits=legal)
