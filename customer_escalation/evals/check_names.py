"""The names of the eval checks, which scenario files refer to in `gates` and the graders register under."""

from __future__ import annotations

SAFETY_CHECKS = ("pii", "injection", "no_writes")
"""Checks that always gate, whatever a scenario's `gates` say."""
PROSE_CHECKS = (
    "repro_present",
    "tried_actions",
    "account_names",
    "customer_wording",
    "missed_commitments",
    "quote_boundaries",
)
"""Checks of the prose against the records (diagnostics under the reference model, which writes none)."""
CHECK_NAMES = (
    "completed",
    "decision",
    "target",
    "secondary",
    "severity",
    "customers",
    "arr",
    "must_cite",
    "must_contain",
    "grounded_ids",
    "grounded_figures",
    *PROSE_CHECKS,
    *SAFETY_CHECKS,
)
"""Every code check, in the order a run is graded and reported."""

__all__ = ["CHECK_NAMES", "PROSE_CHECKS", "SAFETY_CHECKS"]
