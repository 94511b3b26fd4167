"""The entries the escalation history writes: a new escalation, one updated by a later brief, a log line.

Pure functions of their inputs (the store passes its clock's time), kept apart from the SQL in
`_history_rows` and the transactions in `history_store`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypedDict, Unpack

from ..records import HANDLED_IN_SUPPORT, ActionEvent, Decision, EscalationEntry, Outcome, Ref


class BriefFields(TypedDict):
    """What a brief (or a write naming an escalation, with `brief` None) says of the escalation."""

    summary: str
    decision: Decision
    severity: str | None
    target: str | None
    brief: str | None
    data: dict[str, Any] | None


def updated(
    found: EscalationEntry,
    now: datetime,
    account_ids: Sequence[str],
    ticket_ids: Sequence[str],
    issue_keys: Sequence[str],
    **fields: Unpack[BriefFields],
) -> EscalationEntry:
    """`found` updated by a new brief about the same thing (or a write naming it, without a brief)."""
    brief, data = fields["brief"], fields["data"]
    keep_brief = brief is None
    keys = merged(keys_of(found.data), issue_keys)
    kept = found.data if data is None else data
    update: dict[str, Any] = {
        "summary": fields["summary"] or found.summary,
        "decision": fields["decision"] if not keep_brief else found.decision,
        "severity": fields["severity"] if not keep_brief else found.severity,
        "target": fields["target"] if not keep_brief else found.target,
        "account_ids": merged(found.account_ids, account_ids),
        "ticket_ids": merged(found.ticket_ids, ticket_ids),
        "brief": found.brief if brief is None else brief,
        "data": {**kept, "issue_keys": list(keys)} if keys else kept,
        "updated_at": now,
        "runs": found.runs + (0 if keep_brief else 1),
    }
    if found.status != "open" and brief is not None and fields["decision"] == "escalate":
        # Handled in support before, escalated now: it becomes an open escalation.
        update.update(status="open", status_reason=None, status_changed_at=now)
    return found.model_copy(update=update)


def new(
    number: int,
    fingerprint: str,
    issue: str,
    now: datetime,
    account_ids: Sequence[str],
    ticket_ids: Sequence[str],
    issue_keys: Sequence[str],
    **fields: Unpack[BriefFields],
) -> EscalationEntry:
    """Escalation `number`: open, or recorded closed when it is a support-handling decision."""
    brief, data = fields["brief"], fields["data"]
    handled = fields["decision"] == "handle_in_support" and brief is not None
    keys = tuple(dict.fromkeys(issue_keys))
    return EscalationEntry(
        id=f"ESC-{number}",
        fingerprint=fingerprint,
        issue=issue,
        summary=fields["summary"],
        decision=fields["decision"],
        severity=fields["severity"],
        target=fields["target"],
        status="closed" if handled else "open",
        status_reason=HANDLED_IN_SUPPORT if handled else None,
        status_changed_at=now if handled else None,
        created_at=now,
        updated_at=now,
        runs=0 if brief is None else 1,
        account_ids=tuple(dict.fromkeys(account_ids)),
        ticket_ids=tuple(dict.fromkeys(ticket_ids)),
        brief=brief or "",
        data={**(data or {}), "issue_keys": list(keys)} if keys else (data or {}),
    )


def event(
    at: datetime,
    escalation_id: str,
    kind: str,
    target: str,
    key: str,
    outcome: Outcome,
    detail: str,
    ref: Ref | None,
    payload: dict[str, Any] | None,
) -> ActionEvent:
    return ActionEvent(
        n=0,
        at=at,
        escalation_id=escalation_id,
        kind=kind,
        target=target,
        idempotency_key=key,
        outcome=outcome,
        detail=detail,
        ref=ref,
        payload=payload,
    )


# -- values --------------------------------------------------------------------------------------


def escalation_id(value: str) -> str:
    """``ESC-12`` from ``ESC-12``, ``esc-12`` or ``12``."""
    text = value.strip()
    head, _, tail = text.rpartition("-")
    if text.isdigit():
        return f"ESC-{text}"
    if head.lower() == "esc" and tail.isdigit():
        return f"ESC-{tail}"
    return text


def keys_of(data: dict[str, Any]) -> tuple[str, ...]:
    """The tracker issue keys kept in an entry's data."""
    keys = data.get("issue_keys")
    return tuple(k for k in keys if isinstance(k, str)) if isinstance(keys, list) else ()


def merged(old: Sequence[str], new: Sequence[str]) -> tuple[str, ...]:
    """Both, in order, without repeats."""
    return tuple(dict.fromkeys([*old, *new]))
