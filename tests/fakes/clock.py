"""Virtual time for retry and rate-limit tests: sleeping advances it at once, so nothing waits."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.contract.dataset import NOW


class VirtualClock:
    """A monotonic clock that moves only when someone sleeps; pass `sleep` and `monotonic` to `HttpApi`
    and `monotonic` to a fake's rate limiter so both see the same time."""

    def __init__(self, start: datetime = NOW) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._start = start

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now

    @property
    def elapsed(self) -> float:
        return self.now

    def wall(self) -> datetime:
        """Wall-clock time: the start plus the time slept so far."""
        return self._start + timedelta(seconds=self.now)
