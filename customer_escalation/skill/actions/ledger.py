"""The history as the record and the lock of the writes: idempotency keys, claims and their leases,
waiting for a concurrent writer, and the outcome of every preview and write."""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta
from typing import Any

from ...connectors.blocking import off_loop
from ...connectors.records import ActionRecord, Claim, EscalationEntry, Outcome, Ref
from ..brief import when
from ..history import HistoryStore
from .kinds import ActionKind
from .plans import ActionPlan
from .rules import normalized_target

DEFAULT_LEASE = timedelta(minutes=10)
"""A claim older than this is taken over: its holder is assumed to have died mid-write."""
_FIRST_POLL = 0.05
_MAX_POLL = 2.0

Sleep = Callable[[float], Awaitable[None]]
Written = tuple[Outcome, Ref | None, str]
"""What a write did: its outcome, what it wrote or linked, and the detail in words."""


def fingerprint(issue: str, ticket_ids: Iterable[str] = (), account: str | None = None) -> str:
    """Identifies an issue across runs: its words (case, spacing and punctuation aside), the account it
    names and its sorted related ticket ids."""
    words = re.sub(r"[^\w]+", " ", f"{issue} {account or ''}".lower()).split()
    tickets = sorted({t.strip() for t in ticket_ids if t.strip()})
    raw = " ".join(words) + "|" + ",".join(tickets)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]


def idempotency_key(escalation: EscalationEntry, kind: ActionKind, target: str) -> str:
    """The key of one action: the escalation (its id and fingerprint), the kind and the target.

    The id keeps a recurrence (a new escalation of the same issue after the last one was closed) from
    being mistaken for a repeat; the fingerprint keeps a recreated workspace, which numbers escalations
    from 1 again, from matching writes made for another issue.
    """
    raw = "\n".join((escalation.id, escalation.fingerprint, kind, normalized_target(kind, target)))
    return "ce-" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def describe(exc: BaseException) -> str:
    """A failure as the history records it."""
    if isinstance(exc, asyncio.CancelledError):
        return "interrupted before the write was confirmed"
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


class Ledger:
    """Claims, waits and records over the history store.

    Args:
        history: where action outcomes are kept and keys are claimed.
        sleep: waits between checks on a key another process is writing (tests pass a fake).
        lease: how old a claim may get before it is taken over.
    """

    def __init__(self, history: HistoryStore, *, sleep: Sleep = asyncio.sleep, lease: timedelta) -> None:
        self.history = history
        self._sleep = sleep
        self._lease = lease
        self._inflight: dict[str, asyncio.Event] = {}

    async def log(
        self,
        plan: ActionPlan,
        outcome: Outcome,
        detail: str,
        *,
        ref: Ref | None = None,
        payload: dict[str, Any] | None = None,
    ) -> None:
        """Record one event about `plan`."""
        await off_loop(
            self.history.log,
            escalation_id=plan.escalation_id,
            kind=plan.kind,
            target=plan.target,
            idempotency_key=plan.idempotency_key,
            outcome=outcome,
            detail=detail,
            ref=ref,
            payload=payload,
        )

    async def previewed(self, plan: ActionPlan, refusal: str | None) -> str:
        """Record a preview of `plan` with its payload; what the preview says."""
        done = await off_loop(self.history.action, plan.idempotency_key)
        if done is not None and done.state == "done":
            where = f": {_ref_text(done.ref)}" if done.ref else ""
            detail = f"already done on {when(done.updated_at)}{where}; executing it again sends nothing"
        elif refusal is not None:
            detail = f"executing it would be refused: {refusal}"
        else:
            detail = "preview only: nothing was sent"
        await self.log(plan, "preview", detail, payload=plan.payload)
        return detail

    async def skipped(self, record: ActionRecord, plan: ActionPlan) -> str:
        """Record that `plan` was found done by another caller; what the result says."""
        detail = f"already done ({record.outcome or 'executed'}): {record.detail}".rstrip(": ")
        await self.log(plan, "skipped", detail, ref=record.ref)
        return detail

    async def acquire(self, plan: ActionPlan) -> tuple[str | None, ActionRecord]:
        """Claim the plan's key: (token, record) when this call is to write; (None, record) when another
        caller did (or failed) it. Waits while another caller holds the key."""
        key = plan.idempotency_key
        token = secrets.token_hex(12)
        claim = await self._claim(plan, token)
        delay = _FIRST_POLL
        while not claim.owned and claim.record.state == "pending":
            event = self._inflight.get(key)
            if event is not None:
                await event.wait()
            else:  # another process holds it
                await self._sleep(delay)
                delay = min(delay * 2, _MAX_POLL)
            record = await off_loop(self.history.action, key)
            if record is None or record.state != "pending":
                return None, record or claim.record
            claim = await self._claim(plan, token)  # owned only if the holder's claim has gone stale
        return (token if claim.owned else None), claim.record

    async def write(self, plan: ActionPlan, token: str, write: Callable[[], Awaitable[Written]]) -> Written:
        """Run `write` under the claim `token` holds and record its outcome, success or failure, before
        the callers waiting for the key wake."""
        key = plan.idempotency_key
        try:
            try:
                outcome, ref, detail = await write()
            except BaseException as exc:
                await off_loop(self.history.fail, key, token=token, error=describe(exc), payload=plan.payload)
                raise
            await off_loop(
                self.history.complete,
                key,
                token=token,
                outcome=outcome,
                ref=ref,
                detail=detail,
                payload=plan.payload,
            )
        finally:
            # Waiters wake only once the outcome is in the history.
            self._release(key)
        return outcome, ref, detail

    async def _claim(self, plan: ActionPlan, token: str) -> Claim:
        claim = await off_loop(
            self.history.claim,
            plan.idempotency_key,
            escalation_id=plan.escalation_id,
            kind=plan.kind,
            target=plan.target,
            token=token,
            stale_after=self._lease,
        )
        if claim.owned:
            # Registered before the next await, so every task in this process that finds the key
            # pending from now on waits for this event rather than polling the history.
            self._inflight[plan.idempotency_key] = asyncio.Event()
        return claim

    def _release(self, key: str) -> None:
        event = self._inflight.pop(key, None)
        if event is not None:
            event.set()


def _ref_text(ref: Ref) -> str:
    return f"{ref.id} ({ref.url})" if ref.url else ref.id


__all__ = ["DEFAULT_LEASE", "Ledger", "Sleep", "Written", "describe", "fingerprint", "idempotency_key"]
