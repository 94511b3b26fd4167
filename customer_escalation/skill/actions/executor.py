"""Executing actions: each plan is previewed, or written at most once per idempotency key.

Executing a plan:

1. checks the configuration: `CUSTOMER_ESCALATION_READ_ONLY` refuses everything, and the target must be
   allowed by `CUSTOMER_ESCALATION_WRITE_CHANNELS`, `CUSTOMER_ESCALATION_WRITE_PROJECTS` or
   `CUSTOMER_ESCALATION_WRITE_TICKETS` (a refusal raises `WriteRefusedError` naming the setting);
2. claims the key in the history: of any number of callers asking for the same action at once, one
   writes and the others wait for its result; an action already done is skipped;
3. calls the connector (each is idempotent per key on its own side too);
4. records the outcome (executed, linked, failed with the error...) in the history.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from ...connectors.base import (
    CATEGORY_TITLES,
    Category,
    ChannelDirectory,
    Clock,
    IssueDraft,
    Registry,
    utc_now,
)
from ...connectors.blocking import off_loop
from ...connectors.errors import ConfigError, ConnectorError, CustomerEscalationError, WriteRefusedError
from ...connectors.records import ActionRecord, EscalationEntry, Ref, Reminder
from ..history import HistoryStore
from . import steps as _steps
from .case import EscalationCase
from .kinds import CHAT_KINDS, KIND_TITLES, NOTE_KINDS, ActionKind
from .ledger import DEFAULT_LEASE, Ledger, Sleep, Written, idempotency_key
from .messages import DeescalationDrafts
from .planner import Planner
from .plans import ActionPlan, ActionResult
from .rules import WriteRules


class Actions(Planner):
    """Plans, previews and executes actions over a registry, with the history as the record and the lock.

    Args:
        registry: the connectors that do the writes.
        history: where briefs, action outcomes and reminders are kept, and where keys are claimed.
        rules: what the configuration allows.
        clock: "now" for reminders and waits.
        sleep: waits between checks on a key another process is writing (tests pass a fake).
        lease: how old a claim may get before it is taken over.
    """

    def __init__(
        self,
        registry: Registry,
        history: HistoryStore,
        rules: WriteRules | None = None,
        *,
        clock: Clock = utc_now,
        sleep: Sleep = asyncio.sleep,
        lease: timedelta = DEFAULT_LEASE,
    ) -> None:
        super().__init__(registry, rules)
        self.history = history
        self._clock = clock
        self._ledger = Ledger(history, sleep=sleep, lease=lease)

    async def run(self, plan: ActionPlan, *, execute: bool) -> ActionResult:
        """Preview `plan`, or execute it at most once per idempotency key.

        A preview records itself in the history and sends nothing. Executing records the outcome,
        success or failure, before returning or raising.

        Raises:
            WriteRefusedError: (executing) read-only mode or an allowlist refuses the target.
            ConnectorError: (executing) the write failed, now or in the concurrent attempt this call
                waited for.
            ConfigError: (executing) the category has no connector.
            WorkspaceError: the history cannot be written.
        """
        aliases: tuple[str, ...] = ()
        if plan.kind in CHAT_KINDS:
            identity = await self._channel_identity(plan.target)
            if identity is not None:
                plan, aliases = await self._on_channel(plan, identity[0]), identity
        refusal = self.rules.refusal(plan.kind, plan.target, aliases=aliases)
        if not execute:
            detail = await self._ledger.previewed(plan, refusal)
            return ActionResult(
                **plan.model_dump(), status="preview", dry_run=True, detail=detail, refusal=refusal
            )
        if refusal is not None:
            await self._ledger.log(plan, "refused", refusal)
            raise WriteRefusedError(refusal, system=self._system(plan.kind))
        token, record = await self._ledger.acquire(plan)
        if token is None:
            return await self._settled(plan, record)
        outcome, ref, detail = await self._ledger.write(plan, token, lambda: self._write(plan))
        return ActionResult(**plan.model_dump(), status=outcome, dry_run=False, ref=ref, detail=detail)

    async def _settled(self, plan: ActionPlan, record: ActionRecord) -> ActionResult:
        """The result for a call that found the action done, or failed by the attempt it waited for."""
        if record.state == "failed":
            raise ConnectorError(
                f"the {KIND_TITLES[plan.kind]} to {plan.target} failed in a concurrent attempt: "
                f"{record.detail}; run it again to retry",
                system=self._system(plan.kind),
            )
        detail = await self._ledger.skipped(record, plan)
        return ActionResult(
            **plan.model_dump(), status="skipped", dry_run=False, ref=record.ref, detail=detail
        )

    async def _on_channel(self, plan: ActionPlan, channel_id: str) -> ActionPlan:
        """`plan` posting to the id the allowlist was checked against, keyed by that id: the same post
        typed as an id, a name or ``#Name`` (or after a rename) is one post."""
        update: dict[str, Any] = {"payload": {**plan.payload, "channel": channel_id}}
        try:
            escalation = await off_loop(self.history.escalation, plan.escalation_id)
        except CustomerEscalationError:
            pass
        else:
            update["idempotency_key"] = idempotency_key(escalation, plan.kind, channel_id)
        return plan.model_copy(update=update)

    async def _channel_identity(self, channel: str) -> tuple[str, str] | None:
        """The channel's (id, name) as the chat connector knows them; None when it cannot say."""
        chat = self.registry.chat
        if not isinstance(chat, ChannelDirectory):
            return None
        try:
            return await chat.channel_identity(channel)
        except ConnectorError:
            return None

    async def _write(self, plan: ActionPlan) -> Written:
        payload = plan.payload
        key = plan.idempotency_key
        if plan.kind in CHAT_KINDS:
            chat = self._connector("chat", self.registry.chat)
            receipt = await chat.post_message(
                payload["channel"], payload["text"], thread_id=payload.get("thread_id"), idempotency_key=key
            )
            what = f"posted to {plan.target}"
        elif plan.kind == "tracker_issue":
            tracker = self._connector("tracker", self.registry.tracker)
            draft = IssueDraft.model_validate(payload["issue"])
            existing = await self._open_issue(draft, payload.get("related_issue_keys", ()))
            if existing is not None:
                status = existing.status.replace("_", " ")
                return (
                    "linked",
                    existing.ref,
                    f"linked to {existing.key} ({status}) instead of filing a duplicate",
                )
            receipt = await tracker.create_issue(draft, idempotency_key=key)
            what = f"filed {receipt.ref.id} in {plan.target}"
        elif plan.kind in NOTE_KINDS:
            support = self._connector("support", self.registry.support)
            receipt = await support.add_internal_note(
                payload["ticket_id"], payload["body"], idempotency_key=key
            )
            what = f"added internal note {receipt.ref.id} to ticket {plan.target}"
        else:
            reminders = [Reminder.model_validate(r) for r in payload["reminders"]]
            added = await off_loop(self.history.add_followups, plan.escalation_id, key, reminders)
            ids = ", ".join(f"#{n}" for n in sorted(f.n for f in added))
            return "executed", Ref(system="local", id=f"followups {ids}"), f"scheduled {len(added)} reminders"
        if not receipt.created:
            return "existing", receipt.ref, f"{what} earlier (the target already had this write)"
        return "executed", receipt.ref, what

    def _connector(self, category: Category, connector: Any) -> Any:
        if connector is None:
            raise ConfigError(
                f"no {CATEGORY_TITLES[category]} is connected (CUSTOMER_ESCALATION_{category.upper()}=none); "
                "configure one to run this action"
            )
        return connector

    def _system(self, kind: ActionKind) -> str:
        """The system a refusal or failure is reported for."""
        if kind == "followups":
            return "local"
        category: Category = (
            "chat" if kind in CHAT_KINDS else "tracker" if kind == "tracker_issue" else "support"
        )
        connector = self.registry.get(category)
        return connector.system if connector is not None else "local"

    # -- what the CLI asks for ---------------------------------------------------------------------

    def now(self) -> datetime:
        """Now, by the clock the actions were given."""
        return self._clock()

    async def next_steps(
        self, escalation: EscalationEntry, case: EscalationCase, steps: _steps.NextSteps, *, execute: bool
    ) -> list[_steps.StepResult]:
        """Run the next steps a person asked for after a brief, in this order: chat post, tracker issue,
        internal note, customer update draft, reminders. A failure is recorded and reported, and the
        remaining steps still run.
        """
        return await _steps.next_steps(self, escalation, case, steps, execute=execute)

    async def deescalate(
        self, escalation_id: str, reason: str, *, execute: bool
    ) -> tuple[EscalationEntry, DeescalationDrafts, list[_steps.StepResult]]:
        """Record that an escalation is de-escalated and why, draft the notes, and preview or post them:
        the team note to every channel the escalation was posted to, the ticket update and the customer
        message as internal notes on its ticket. The learning is kept in the history.

        An escalation already de-escalated keeps its first reason; running this again completes notes
        that failed or were only previewed.

        Raises:
            NotFoundError: no escalation has this id.
            ConfigError: the reason is empty.
            WriteRefusedError: read-only mode is on (de-escalating changes the history).
            WorkspaceError: the history cannot be written.
        """
        return await _steps.deescalate(self, escalation_id, reason, execute=execute)


__all__ = ["Actions"]
