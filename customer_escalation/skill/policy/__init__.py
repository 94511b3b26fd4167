"""The escalation policy: escalate or handle in support, impact, target, severity, SLA, cadence.

`assess(evidence, config)` is a pure function of the records: the same records and the same clock always
give the same `Assessment`, whichever model (or none) gathered them. Every conclusion carries its reasons
and the ids of the records behind it. Absent data is reported as unknown, never guessed, and never raises.

Evidence ids name records across systems: ``ticket:<id>``, ``account:<id>``, ``issue:<key>``,
``article:<id>``, ``message:<channel>:<id>``, or ``issue-text`` for the text the user typed.

The parts: `models` (what goes in and comes out), `facts` (what every rule reads), `rules` (the registry
of criteria, `RULES`), `severity`, `routing` (target, team, asks), `impact`, `cadence` (deadlines and
follow-ups), and `assess`, which puts them together.
"""

from ...connectors.records import Decision, Target
from .assess import assess
from .cadence import duration_text, follow_up_for
from .models import (
    AffectedAccount,
    Assessment,
    Breadth,
    Contractual,
    Depth,
    Duration,
    Evidence,
    Finding,
    FollowUp,
    Impact,
    PastEscalation,
    Reputation,
    Revenue,
    Strength,
)
from .refs import account_ref, article_ref, issue_ref, message_ref, ticket_ref
from .rules import RULES, Rule, rule_names

__all__ = [
    "RULES",
    "AffectedAccount",
    "Assessment",
    "Breadth",
    "Contractual",
    "Decision",
    "Depth",
    "Duration",
    "Evidence",
    "Finding",
    "FollowUp",
    "Impact",
    "PastEscalation",
    "Reputation",
    "Revenue",
    "Rule",
    "Strength",
    "Target",
    "account_ref",
    "article_ref",
    "assess",
    "duration_text",
    "follow_up_for",
    "issue_ref",
    "message_ref",
    "rule_names",
    "ticket_ref",
]
