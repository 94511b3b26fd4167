"""Preview tokens: a preview of one step hands out a token bound to its exact plan, and only that token
executes it, once, within a few minutes.

With a history (as `serve` has), previews are kept there: any server sharing it (replicas behind a
load balancer, a restarted process) executes a preview another one showed, and of two executing the
same token at once only one gets the plan. Without one they live in this server's memory. Only a
digest of each token is kept, so neither ever holds a token that could be replayed.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from ...connectors.base import Clock, utc_now
from ...connectors.blocking import off_loop
from ..actions import ActionPlan
from ..history import HistoryStore

PREVIEW_TTL = timedelta(minutes=10)
"""How long a preview may be executed after it was shown."""
MAX_OPEN = 256
"""Previews kept at once; the oldest is dropped beyond this."""


@dataclass(frozen=True)
class Previewed:
    """A plan as it was previewed, and until when it may be executed."""

    plan: ActionPlan
    expires_at: datetime


class TokenRefusedError(Exception):
    """The token is unknown, already used or expired."""


class PreviewTokens:
    """Single-use tokens for previewed plans.

    Args:
        clock: "now", for expiry.
        ttl: how long a token stays valid.
        store: the history to keep previews in; None keeps them in memory.
    """

    def __init__(
        self, *, clock: Clock = utc_now, ttl: timedelta = PREVIEW_TTL, store: HistoryStore | None = None
    ) -> None:
        self._clock = clock
        self._ttl = ttl
        self._store = store
        self._open: dict[str, Previewed] = {}

    async def issue(self, plan: ActionPlan) -> tuple[str, datetime]:
        """A new token for `plan`, and when it expires."""
        token = secrets.token_urlsafe(24)
        expires_at = self._clock() + self._ttl
        if self._store is not None:
            await off_loop(self._store.keep_preview, _digest(token), plan.model_dump(mode="json"), expires_at)
            return token, expires_at
        self._drop_expired()
        while len(self._open) >= MAX_OPEN:
            self._open.pop(next(iter(self._open)))
        self._open[_digest(token)] = Previewed(plan, expires_at)
        return token, expires_at

    async def redeem(self, token: str) -> ActionPlan:
        """The plan `token` was issued for; the token is spent whether or not the plan then runs.

        Raises:
            TokenRefusedError: the token was never issued, was used already, or has expired.
        """
        previewed = await self._take(_digest(token))
        if previewed is None:
            raise TokenRefusedError("this preview token is unknown or was used already")
        if self._clock() >= previewed.expires_at:
            raise TokenRefusedError("this preview has expired")
        return previewed.plan

    async def _take(self, digest: str) -> Previewed | None:
        if self._store is None:
            return self._open.pop(digest, None)
        kept = await off_loop(self._store.take_preview, digest)
        return None if kept is None else Previewed(ActionPlan.model_validate(kept[0]), kept[1])

    def _drop_expired(self) -> None:
        now = self._clock()
        for key in [k for k, p in self._open.items() if now >= p.expires_at]:
            del self._open[key]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


__all__ = ["MAX_OPEN", "PREVIEW_TTL", "PreviewTokens", "Previewed", "TokenRefusedError"]
