"""What the card shows of a previewed or executed step: where it goes, exactly what it sends (as the
actions layer planned it, redacted where it leaves the support platform), and what became of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from ...connectors.records import Ref
from ..actions import KIND_TITLES, ActionPlan, ActionResult
from ..brief import when


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class StepPreview(_Model):
    """The structured content of `escalation_step_preview`."""

    escalation_id: str
    step: str
    title: str
    where: str
    """The system and target the step writes to."""
    content: str
    """Exactly the text that would be sent."""
    redaction: str
    note: str | None = None
    detail: str
    refusal: str | None = None
    """Why executing would be refused by the configuration; no token is given then."""
    payload: dict[str, Any]
    """What the connector would receive."""
    preview_token: str | None = None
    """Executes exactly this preview, once, until `expires_at` (`escalation_step_execute`)."""
    expires_at: datetime | None = None


class StepDone(_Model):
    """The structured content of `escalation_step_execute`."""

    escalation_id: str
    step: str
    title: str
    where: str
    status: str
    detail: str
    ref: Ref | None = None


def plan_of(result: ActionResult) -> ActionPlan:
    """The plan a preview showed, field for field."""
    return ActionPlan.model_validate(result.model_dump(include=set(ActionPlan.model_fields)))


def where(plan: ActionPlan, system: str | None) -> str:
    """The system and target of `plan` in words."""
    on = f"{system} " if system else ""
    if plan.kind == "chat_post":
        return f"{on}channel {plan.target}"
    if plan.kind == "tracker_issue":
        linked = f", linking {plan.link_to.id} instead of filing" if plan.link_to is not None else ""
        return f"{on}project {plan.target}{linked}"
    if plan.kind == "followups":
        return "reminders in the local escalation history"
    return f"internal note on {on}ticket {plan.target} (never shown to the customer)"


def content(plan: ActionPlan) -> str:
    """The text `plan` would send."""
    payload = plan.payload
    if plan.kind == "tracker_issue":
        issue = payload.get("issue", {})
        return f"{issue.get('title', '')}\n\n{issue.get('body_markdown', '')}".strip()
    if plan.kind == "followups":
        lines = []
        for reminder in payload.get("reminders", []):
            due = datetime.fromisoformat(str(reminder["due_at"]))
            lines.append(f"{reminder['kind']} at {when(due)}: {reminder['note']}")
        return "\n".join(lines)
    return str(payload.get("text") or payload.get("body") or "")


def step_preview(
    result: ActionResult, system: str | None, token: str | None, expires_at: datetime | None
) -> StepPreview:
    """A preview as the card shows it."""
    return StepPreview(
        escalation_id=result.escalation_id,
        step=result.kind,
        title=KIND_TITLES[result.kind],
        where=where(result, system),
        content=content(result),
        redaction=result.redaction,
        note=result.note,
        detail=result.detail,
        refusal=result.refusal,
        payload=result.payload,
        preview_token=token,
        expires_at=expires_at,
    )


def step_done(result: ActionResult, system: str | None) -> StepDone:
    """An executed step as the card shows it."""
    return StepDone(
        escalation_id=result.escalation_id,
        step=result.kind,
        title=KIND_TITLES[result.kind],
        where=where(result, system),
        status=result.status,
        detail=result.detail,
        ref=result.ref,
    )


__all__ = ["StepDone", "StepPreview", "content", "plan_of", "step_done", "step_preview", "where"]
