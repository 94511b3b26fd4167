"""Graders: each check of a scenario applied to one run, with pass or fail and the evidence for it.

Code graders read the `RunResult` (the brief or support-handling note, its markdown, the assessment, the
trace and the ids the drafter invented) together with the scenario's records. They grade the outcome, not
the path: which tools ran and how much context was read are diagnostics. A check that does not apply to
a scenario (nothing expected of it) is left out rather than passed.

Checks come in families, one module each, and register themselves by name (`base.grader`): decision,
brief content, grounding, safety and prose. `RubricGrader` asks Claude to judge the prose fields
criterion by criterion; without a client it reports "not graded", and it never gates a pass.
"""

from __future__ import annotations

from ..check_names import CHECK_NAMES, PROSE_CHECKS, SAFETY_CHECKS
from . import brief, decision, grounding, prose, safety
from .base import CHECKS, Check, CheckResult, Observation, grade, grader, passed
from .facts import id_tokens, money_amounts, record_text
from .rubric import ESCALATION_CRITERIA, HANDLING_CRITERIA, RubricGrader, judge_records, rubric_criteria
from .safety import find_pii

FAMILIES = (decision, brief, grounding, prose, safety)
"""The modules whose checks are registered in `CHECKS`."""

__all__ = [
    "CHECKS",
    "CHECK_NAMES",
    "ESCALATION_CRITERIA",
    "FAMILIES",
    "HANDLING_CRITERIA",
    "PROSE_CHECKS",
    "SAFETY_CHECKS",
    "Check",
    "CheckResult",
    "Observation",
    "RubricGrader",
    "find_pii",
    "grade",
    "grader",
    "id_tokens",
    "judge_records",
    "money_amounts",
    "passed",
    "record_text",
    "rubric_criteria",
]
