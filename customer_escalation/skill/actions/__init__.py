"""Next steps that act: post the brief to chat, file a tracker issue, add internal notes, set follow-ups.

An action is first planned (`planner`): its target, the exact payload the connector would receive
(redacted when it leaves the support platform, i.e. chat posts and tracker issues), what redaction took
out, and an idempotency key derived from the escalation, the kind of action and the target (`ledger`). A
plan is only shown (a preview) unless it is executed (`executor`): the write rules of the configuration
are checked (`rules`), the key is claimed in the history so that the action is written at most once,
and the outcome is recorded.

The package, one module per job: `kinds` (the vocabulary), `rules`, `ledger` (keys, claims, leases),
`case` (the escalation the actions are about), `messages` and `customer` (what the actions say; the
wording is in `prompts/*.j2`), `reminders`, `plans`, `planner`, `executor` and `steps` (the next steps
a person asks for, and de-escalation).

Nothing here prints or reads the environment; the CLI and the MCP server build an `Actions` and call it.
"""

from __future__ import annotations

from .case import EscalationCase, past_escalations
from .executor import Actions
from .kinds import ESCALATION_LABEL, KIND_TITLES, PRIORITY_OF, ActionKind
from .ledger import fingerprint, idempotency_key
from .messages import (
    DeescalationDrafts,
    chat_text,
    customer_update_text,
    deescalation_drafts,
    issue_draft,
    ticket_links_markdown,
)
from .plans import ActionPlan, ActionResult
from .reminders import reminders_for
from .rules import WriteRules
from .steps import NextSteps, StepResult

__all__ = [
    "ESCALATION_LABEL",
    "KIND_TITLES",
    "PRIORITY_OF",
    "ActionKind",
    "ActionPlan",
    "ActionResult",
    "Actions",
    "DeescalationDrafts",
    "EscalationCase",
    "NextSteps",
    "StepResult",
    "WriteRules",
    "chat_text",
    "customer_update_text",
    "deescalation_drafts",
    "fingerprint",
    "idempotency_key",
    "issue_draft",
    "past_escalations",
    "reminders_for",
    "ticket_links_markdown",
]
