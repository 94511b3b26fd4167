"""The offline planner's draft: the brief's prose written from the related records and the assessment.

Every sentence is either a fact from a record (with its ticket, issue or message id) or a quote of what a
customer or agent wrote. Quotes are scrubbed of e-mail addresses and secrets, and sentences that read like
instructions are never quoted. When something is not in the records the draft says it is unknown and
where it looked.
"""

from __future__ import annotations

from typing import Any

from .draft_customer import CustomerWriter
from .draft_reproduction import ReproductionWriter
from .draft_shared import DraftInput
from .relevance import Candidate


class _Writer(ReproductionWriter, CustomerWriter):
    """The whole draft: the shared pieces, the reproduction section and the customer communication."""


def escalation_draft(given: DraftInput) -> dict[str, Any]:
    """The `submit_brief` arguments for an escalation."""
    w = _Writer(given)
    reproduction, note = w.reproduction()
    draft: dict[str, Any] = {
        "decision": "escalate",
        "summary": w.summary(),
        "cited_records": w.cited(),
        "workflow_impact": w.workflow_impact(),
        "issue_description": w.issue_description(),
        "whats_been_tried": w.whats_been_tried(),
        "last_update_to_customer": w.last_update(),
        "customer_expectation": w.customer_expectation(),
        "escalation_risk": w.escalation_risk(),
        "whats_needed": w.whats_needed(),
    }
    if reproduction is not None:
        draft["reproduction"] = reproduction
    else:
        draft["reproduction_note"] = note
    return draft


def handling_draft(given: DraftInput, article: Candidate | None) -> dict[str, Any]:
    """The `submit_brief` arguments when the issue stays in support."""
    w = _Writer(given)
    return {
        "decision": "handle_in_support",
        "summary": w.summary(),
        "cited_records": w.cited(),
        "why": w.why(),
        "suggested_reply": w.suggested_reply(article),
    }


__all__ = ["DraftInput", "escalation_draft", "handling_draft"]
