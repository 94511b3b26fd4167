"""The draft a drafter submits through `submit_brief`: the prose of the brief or support-handling note.

The figures (severity, target, customers, revenue, SLA, deadline) are not in it: they come from the
policy's assessment, and `compose` puts the two together.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .brief import Reproduction
from .policy_config import Severity


class BriefDraft(BaseModel):
    """What the drafter writes; the figures (severity, target, customers, revenue, SLA, deadline) come from
    the policy and are added by the loop."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    decision: Literal["escalate", "handle_in_support"]
    """Must match the decision of escalation_assess."""
    summary: str = Field(min_length=3, max_length=200)
    """One line: what is broken or needed, and for whom."""
    cited_records: list[str] = Field(default_factory=list, max_length=60)
    """Evidence ids of every record the draft rests on: `ticket:<id>`, `account:<id>`, `issue:<key>`,
    `article:<id>`, `message:<channel>:<id>`."""
    workflow_impact: str | None = None
    """Escalations: what the customers cannot do, in their words, and for how many users."""
    issue_description: str | None = None
    """Escalations: three to five sentences."""
    whats_been_tried: list[str] = Field(default_factory=list)
    """Escalations: each action someone took (retried, reproduced, rotated a key, split a file...) and its
    result. Not acknowledgements, hand-offs or promises ("I've shared your message", "I can confirm")."""
    reproduction: Reproduction | None = None
    """Escalations about a bug: steps, expected, actual and environment (with how often it happens),
    assembled from the tickets, internal notes and the tracker's analysis when no ticket numbers them."""
    reproduction_note: str | None = None
    """Escalations without steps: why (not a bug, or unknown and where you looked)."""
    last_update_to_customer: str | None = None
    customer_expectation: str | None = None
    escalation_risk: str | None = None
    """Escalations: what the customer will do if it is not solved, and every promise support made with a
    time that passed without a follow-up ("I'll come back to you today"), quoted with its date."""
    whats_needed: list[str] = Field(default_factory=list)
    """Specific asks: investigate, fix, decide, approve."""
    requested_severity: Severity | None = None
    """Only to argue for a higher severity than the policy's."""
    severity_argument: str | None = None
    why: list[str] = Field(default_factory=list)
    """Support handling: why no escalation is needed."""
    suggested_reply: str | None = None
    """Support handling: the reply to send the customer: greet them by name (a neutral greeting when the
    name is unknown), use their words for the issue, not our summary, and answer what they asked."""

    def problems(self) -> list[str]:
        """What is missing for this decision; empty when the draft is complete."""
        missing: list[str] = []
        if self.decision == "escalate":
            for name in (
                "workflow_impact",
                "issue_description",
                "last_update_to_customer",
                "customer_expectation",
                "escalation_risk",
            ):
                if not getattr(self, name):
                    missing.append(f"{name} is required for an escalation")
            if self.reproduction is None and not self.reproduction_note:
                missing.append("give reproduction steps, or reproduction_note saying why there are none")
        elif not self.suggested_reply:
            missing.append("suggested_reply is required when handling in support")
        return missing


__all__ = ["BriefDraft"]
