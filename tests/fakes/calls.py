"""The request log the vendor fakes keep, and the sliding one-second window several of them limit
requests with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self

from starlette.requests import Request


@dataclass
class Call:
    """One request the fake received."""

    method: str
    path: str
    params: dict[str, str]
    body: Any = None
    authorization: str | None = None
    version: str | None = None
    """The API version the request asked for, for the vendors that take one in a header."""
    status: int = 0
    """The status the fake answered, for the fakes that record it."""

    @classmethod
    def of(cls, request: Request, body: Any = None, *, version_header: str | None = None) -> Self:
        """The call `request` makes, with its already-read `body`."""
        return cls(
            request.method,
            request.url.path,
            dict(request.query_params),
            body,
            request.headers.get("authorization"),
            request.headers.get(version_header) if version_header else None,
        )


class SlidingWindow:
    """Admits at most a given number of requests in any one second of `clock`."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._accepted: list[float] = []

    def admit(self, limit: int) -> float | None:
        """Count a request and return None, or, when `limit` requests came in the last second, the
        seconds until the oldest of them leaves the window (the request is not counted)."""
        now = self._clock()
        self._accepted = [t for t in self._accepted if t > now - 1.0]
        if len(self._accepted) >= limit:
            oldest = self._accepted[0] if self._accepted else now
            return oldest + 1.0 - now
        self._accepted.append(now)
        return None


__all__ = ["Call", "SlidingWindow"]
