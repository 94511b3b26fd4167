"""Exposure rules: a security concern, and PR or legal risk."""

from __future__ import annotations

from ..facts import Facts
from .outcomes import signalled
from .registry import Outcome, rule


@rule(
    "security_concern",
    "Security concern (data exposure, unauthorized access, vulnerability)",
    strength="hard",
    target="Security",
)
def security_concern(f: Facts) -> Outcome:
    return signalled(f.hits_of("security"), label="security signal", absent="no security signal")


@rule("legal_or_pr_risk", "PR or legal risk", strength="soft")
def legal_or_pr_risk(f: Facts) -> Outcome:
    return signalled(f.hits_of("legal") + f.hits_of("reputation"))
