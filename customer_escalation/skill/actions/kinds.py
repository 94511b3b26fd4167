"""The vocabulary of the action layer: the kinds of action, what they are called, and the labels and
priorities the writes carry."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from ...connectors.records import IssueStatus
from ..policy_config import Severity

ActionKind = Literal[
    "chat_post",
    "tracker_issue",
    "internal_note",
    "customer_update",
    "followups",
    "deescalation_chat",
    "deescalation_note",
    "deescalation_customer",
]
KIND_TITLES: dict[ActionKind, str] = {
    "chat_post": "chat post",
    "tracker_issue": "tracker issue",
    "internal_note": "internal note",
    "customer_update": "customer update draft",
    "followups": "follow-up reminders",
    "deescalation_chat": "de-escalation note to the team",
    "deescalation_note": "de-escalation ticket update",
    "deescalation_customer": "de-escalation customer message draft",
}
CHAT_KINDS: frozenset[ActionKind] = frozenset({"chat_post", "deescalation_chat"})
"""The kinds that post to a chat channel."""
NOTE_KINDS: frozenset[ActionKind] = frozenset(
    {"internal_note", "customer_update", "deescalation_note", "deescalation_customer"}
)
"""The kinds that add an internal note to a ticket."""
HISTORY_TARGET = "history"
"""The target of follow-up reminders: they are kept in the history."""
ESCALATION_LABEL = "customer-escalation"
"""Label on every tracker issue this product files."""
OPEN_ISSUE_STATUSES: tuple[IssueStatus, ...] = ("open", "in_progress", "reopened")
PRIORITY_OF: dict[Severity, Literal["highest", "high", "medium"]] = {
    "Critical": "highest",
    "High": "high",
    "Medium": "medium",
}


class FrozenModel(BaseModel):
    """The base of the action layer's models: immutable, strict about fields, documented by docstrings."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


__all__ = [
    "CHAT_KINDS",
    "ESCALATION_LABEL",
    "HISTORY_TARGET",
    "KIND_TITLES",
    "NOTE_KINDS",
    "OPEN_ISSUE_STATUSES",
    "PRIORITY_OF",
    "ActionKind",
    "FrozenModel",
]
