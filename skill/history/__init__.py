"""The escalation history as the skill sees it: the store protocol and the entries it keeps.

The entries are records (`connectors.records.history`); the store behind the protocol is chosen by
whoever starts the skill (the command line opens the one in the workspace file).
"""

from __future__ import annotations

from ...connectors.records import (
    DONE_OUTCOMES,
    HANDLED_IN_SUPPORT,
    ActionEvent,
    ActionRecord,
    ActionState,
    Claim,
    EscalationEntry,
    EscalationStatus,
    FollowUpEntry,
    FollowUpKind,
    FollowUpStatus,
    Outcome,
    Reminder,
)
from .store import HistoryStore

__all__ = [
    "DONE_OUTCOMES",
    "HANDLED_IN_SUPPORT",
    "ActionEvent",
    "ActionRecord",
    "ActionState",
    "Claim",
    "EscalationEntry",
    "EscalationStatus",
    "FollowUpEntry",
    "FollowUpKind",
    "FollowUpStatus",
    "HistoryStore",
    "Outcome",
    "Reminder",
]
