"""Preview tokens: a preview of one step hands out a token bound to its exact plan, and only that token
executes it, once, within a few minutes.

Tokens live in the server's memory: a restarted server has none, and the card asks for a new preview.
Only a digest of each token is kept, so the table never holds a token that could be replayed.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from ...connectors.base import Clock, utc_now
from ..actions import ActionPlan

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
    """

    def __init__(self, *, clock: Clock = utc_now, ttl: timedelta = PREVIEW_TTL) -> None:
        self._clock = clock
        self._ttl = ttl
        self._open: dict[str, Previewed] = {}

    def issue(self, plan: ActionPlan) -> tuple[str, datetime]:
        """A new token for `plan`, and when it expires."""
        self._drop_expired()
        while len(self._open) >= MAX_OPEN:
            self._open.pop(next(iter(self._open)))
        token = secrets.token_urlsafe(24)
        expires_at = self._clock() + self._ttl
        self._open[_digest(token)] = Previewed(plan, expires_at)
        return token, expires_at

    def redeem(self, token: str) -> ActionPlan:
        """The plan `token` was issued for; the token is spent whether or not the plan then runs.

        Raises:
            TokenRefusedError: the token was never issued, was used already, or has expired.
        """
        previewed = self._open.pop(_digest(token), None)
        if previewed is None:
            raise TokenRefusedError("this preview token is unknown or was used already")
        if self._clock() >= previewed.expires_at:
            raise TokenRefusedError("this preview has expired")
        return previewed.plan

    def _drop_expired(self) -> None:
        now = self._clock()
        for key in [k for k, p in self._open.items() if now >= p.expires_at]:
            del self._open[key]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


__all__ = ["MAX_OPEN", "PREVIEW_TTL", "PreviewTokens", "Previewed", "TokenRefusedError"]
