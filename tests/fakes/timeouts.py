"""A scripted transport handler under which no request is ever answered."""

from __future__ import annotations

import httpx2


class TimingOut:
    """An `httpx2.MockTransport` handler under which every request times out; counts the attempts."""

    def __init__(self) -> None:
        self.attempts = 0

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.attempts += 1
        raise httpx2.ReadTimeout("no answer", request=request)
