"""What a create sends: the fields of a new issue, and the label that makes creates idempotent.

A create carries the label ``esc-<idempotency key>``; before creating, the connector searches for that
label, so the same key never creates twice, even across restarts.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from ..atlassian import markdown_to_adf, truncate
from ..base import IssueDraft
from .mapping import ACCOUNT_LABEL, TICKET_LABEL, Vocabulary

IDEMPOTENCY_LABEL = "esc-"
_SAFE_LABEL = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")


def idempotency_label(key: str) -> str:
    """The label that marks an issue as written for `key` (hashed when `key` cannot be a label)."""
    key = key.strip()
    if _SAFE_LABEL.match(key):
        return IDEMPOTENCY_LABEL + key
    return IDEMPOTENCY_LABEL + hashlib.sha256(key.encode()).hexdigest()[:32]


def create_payload(draft: IssueDraft, project: str, marker: str, vocabulary: Vocabulary) -> dict[str, Any]:
    """The body of ``POST /rest/api/3/issue``: an ADF description, the kind's first issue type, the
    priority by name, and labels for the links and the idempotency `marker`."""
    kind_types = {
        "bug": vocabulary.bug_types,
        "feature": vocabulary.feature_types,
        "task": vocabulary.task_types,
    }
    labels = [
        *(_label(label) for label in draft.labels),
        *(TICKET_LABEL + _label(t) for t in draft.linked_ticket_ids),
        *(ACCOUNT_LABEL + _label(a) for a in draft.linked_account_ids),
        marker,
    ]
    fields: dict[str, Any] = {
        "project": {"key": project},
        "issuetype": {"name": kind_types[draft.kind][0]},
        "summary": truncate(" ".join(draft.title.split()), 255),
        "labels": [label for label in dict.fromkeys(labels) if label],
    }
    if draft.body_markdown.strip():
        fields["description"] = markdown_to_adf(draft.body_markdown)
    if draft.priority is not None:
        fields["priority"] = {"name": draft.priority.title()}
    return {"fields": fields}


def _label(value: str) -> str:
    return "_".join(value.split())[:200]


__all__ = ["create_payload", "idempotency_label"]
