"""Planning actions: the target, the exact payload the connector would receive (redacted when it leaves
the support platform), what redaction took out, and the idempotency key. Planning sends nothing."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Sequence
from typing import Any

from ...connectors.base import IssueDraft, Registry
from ...connectors.errors import ConfigError, ConnectorError, NotFoundError
from ...connectors.records import EscalationEntry, Reminder, TrackerIssue
from ..brief import ContextItem
from ..redact import redact, redact_off_loop
from .kinds import ESCALATION_LABEL, HISTORY_TARGET, NOTE_KINDS, OPEN_ISSUE_STATUSES, ActionKind
from .ledger import idempotency_key
from .plans import ActionPlan
from .rules import WriteRules

_NOT_REDACTED = "not redacted: the note stays on the support platform"
_LOCAL_ONLY = "not redacted: reminders stay in the local history"


class Planner:
    """Plans actions over a registry under the configuration's write rules.

    Args:
        registry: the connectors that do the writes (read here to find an open issue to link).
        rules: what the configuration allows; its staff domains are kept out of redaction.
    """

    def __init__(self, registry: Registry, rules: WriteRules | None = None) -> None:
        self.registry = registry
        self.rules = rules or WriteRules()

    def plan_chat_post(
        self,
        escalation: EscalationEntry,
        channel: str,
        text: str,
        *,
        thread_id: str | None = None,
        kind: ActionKind = "chat_post",
    ) -> ActionPlan:
        """A chat post of `text` to `channel`, redacted.

        Raises:
            ConfigError: the channel or text is empty.
        """
        channel = required("channel", channel)
        redacted = redact(required("text", text), keep_domains=self.rules.staff_domains)
        payload: dict[str, Any] = {"channel": channel, "text": redacted.text}
        if thread_id:
            payload["thread_id"] = thread_id
        return ActionPlan(
            escalation_id=escalation.id,
            kind=kind,
            target=channel,
            idempotency_key=idempotency_key(escalation, kind, channel),
            payload=payload,
            redaction=redacted.summary,
            redaction_counts=dict(redacted.counts),
        )

    async def plan_issue(
        self,
        escalation: EscalationEntry,
        draft: IssueDraft,
        *,
        related_issue_keys: Sequence[str] = (),
        look_up: bool = True,
    ) -> ActionPlan:
        """A tracker issue from `draft`, redacted, noting an open issue that would be linked instead.

        Args:
            related_issue_keys: issues already known to be about this (the brief's tracker links).
            look_up: read the tracker now for an open issue to link (a preview); executing reads it again.

        Raises:
            ConfigError: the project or title is empty.
        """
        project = required("project", draft.project)
        keep = self.rules.staff_domains
        # A body can be long: it is redacted off the event loop, which keeps serving other requests.
        title = redact(required("title", draft.title), keep_domains=keep).text
        body = (await redact_off_loop(draft.body_markdown, keep_domains=keep)).text
        redacted = draft.model_copy(update={"project": project, "title": title, "body_markdown": body})
        whole = await redact_off_loop(f"{draft.title}\n\n{draft.body_markdown}", keep_domains=keep)
        note: str | None = None
        link: TrackerIssue | None = None
        if look_up:
            try:
                link = await self._open_issue(redacted, related_issue_keys)
            except ConnectorError as exc:
                note = f"could not check the tracker for an open issue to link instead: {exc}"
        if link is not None:
            note = f"would link to {link.key} ({link.status.replace('_', ' ')}) instead of filing a duplicate"
        return ActionPlan(
            escalation_id=escalation.id,
            kind="tracker_issue",
            target=project,
            idempotency_key=idempotency_key(escalation, "tracker_issue", project),
            payload={
                "issue": redacted.model_dump(mode="json"),
                "related_issue_keys": list(related_issue_keys),
            },
            redaction=whole.summary,
            redaction_counts=dict(whole.counts),
            note=note,
            link_to=link.ref if link is not None else None,
        )

    def plan_note(
        self, escalation: EscalationEntry, ticket_id: str, body: str, *, kind: ActionKind = "internal_note"
    ) -> ActionPlan:
        """An internal note on a ticket (never public). It stays on the support platform: not redacted.

        Raises:
            ConfigError: the ticket id or body is empty, or `kind` is not a note.
        """
        if kind not in NOTE_KINDS:
            raise ConfigError(f"{kind} is not an internal note")
        ticket_id = required("ticket id", ticket_id)
        return ActionPlan(
            escalation_id=escalation.id,
            kind=kind,
            target=ticket_id,
            idempotency_key=idempotency_key(escalation, kind, ticket_id),
            payload={"ticket_id": ticket_id, "body": required("body", body), "public": False},
            redaction=_NOT_REDACTED,
        )

    def plan_followups(self, escalation: EscalationEntry, reminders: Sequence[Reminder]) -> ActionPlan:
        """Follow-up reminders, kept in the history.

        Raises:
            ConfigError: there is no reminder.
        """
        if not reminders:
            raise ConfigError("there is no follow-up to schedule")
        return ActionPlan(
            escalation_id=escalation.id,
            kind="followups",
            target=HISTORY_TARGET,
            idempotency_key=idempotency_key(escalation, "followups", HISTORY_TARGET),
            payload={"reminders": [r.model_dump(mode="json") for r in reminders]},
            redaction=_LOCAL_ONLY,
        )

    async def _open_issue(self, draft: IssueDraft, related: Iterable[str]) -> TrackerIssue | None:
        """An open issue to link instead of filing `draft`: a related one, or one this product filed with
        the same title."""
        tracker = self.registry.tracker
        if tracker is None:
            return None
        for key in dict.fromkeys(related):
            try:
                issue = await tracker.get_issue(key)
            except NotFoundError:
                continue
            if issue.status in OPEN_ISSUE_STATUSES:
                return issue
        page = await tracker.search_issues(draft.title, status=OPEN_ISSUE_STATUSES, limit=10)
        title = _comparable(draft.title)
        for issue in page.items:
            if ESCALATION_LABEL in issue.labels and _comparable(issue.title) == title:
                return issue
        return None

    async def ticket_links(self, ticket_ids: Sequence[str]) -> tuple[ContextItem, ...]:
        """Links back to tickets, with the support platform's URLs where it gives them (a ticket that
        cannot be read is listed by id)."""
        support = self.registry.support

        async def link(ticket_id: str) -> ContextItem:
            url: str | None = None
            if support is not None:
                try:
                    url = (await support.get_ticket(ticket_id)).ref.url
                except ConnectorError:
                    url = None
            return ContextItem(kind="ticket", label=f"Ticket {ticket_id}", ref=f"ticket:{ticket_id}", url=url)

        return tuple(await asyncio.gather(*(link(t) for t in dict.fromkeys(ticket_ids))))


def required(name: str, value: str | None) -> str:
    """`value` without surrounding spaces.

    Raises:
        ConfigError: it is empty.
    """
    text = (value or "").strip()
    if not text:
        raise ConfigError(f"the {name} is empty")
    return text


def _comparable(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


__all__ = ["Planner", "required"]
