"""A client-side pace for Notion's average of three requests per second per integration.

Each request reserves the next free slot before it awaits anything, so concurrent callers never share
one; a caller sleeps until its slot. The HTTP layer still waits out any 429 that gets through.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

REQUESTS_PER_SECOND = 3.0


class RateGate:
    """Spaces request starts at least `1 / rate` seconds apart.

    Args:
        rate: requests per second.
        sleep, monotonic: injected in tests.
    """

    def __init__(
        self,
        rate: float = REQUESTS_PER_SECOND,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.001 / rate  # a hair over, so float error never fits one request too many
        self._sleep = sleep
        self._monotonic = monotonic
        self._next_slot: float | None = None

    async def wait(self) -> None:
        """Return when the caller may start its request."""
        now = self._monotonic()
        start = now if self._next_slot is None else max(now, self._next_slot)
        self._next_slot = start + self.interval
        if start > now:
            await self._sleep(start - now)


__all__ = ["REQUESTS_PER_SECOND", "RateGate"]
