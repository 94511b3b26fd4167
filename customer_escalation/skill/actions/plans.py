"""What an action is before and after it runs: its plan (target, exact payload, key) and its result."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ...connectors.records import Outcome, Ref
from .kinds import ActionKind, FrozenModel


class ActionPlan(FrozenModel):
    """One action, ready to show or to execute."""

    escalation_id: str
    kind: ActionKind
    target: str
    """The channel, project key or ticket id; `history` for reminders."""
    idempotency_key: str
    payload: dict[str, Any]
    """Exactly what the connector receives (redacted where it leaves the support platform)."""
    redaction: str
    """What redaction took out, in words, or why the payload is not redacted."""
    redaction_counts: dict[str, int] = Field(default_factory=dict)
    note: str | None = None
    """What else to know, e.g. that an open issue would be linked instead of filing a new one."""
    link_to: Ref | None = None
    """For a tracker issue: the existing open issue that is used instead of filing a duplicate."""


class ActionResult(ActionPlan):
    """What became of a plan."""

    status: Outcome
    dry_run: bool
    ref: Ref | None = None
    """What was written or linked."""
    detail: str = ""
    refusal: str | None = None
    """On a preview: why executing it would be refused by the configuration."""


__all__ = ["ActionPlan", "ActionResult"]
