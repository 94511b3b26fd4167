"""A connector whose searches take a fixed time, recording how many are in flight at once."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

SEARCHES = frozenset(
    {"search_tickets", "search_accounts", "search_messages", "search_issues", "search_articles"}
)

FIVE_SEARCHES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("support_search_tickets", {"query": "webhook"}),
    ("crm_search_accounts", {"query": "Northwind"}),
    ("chat_search_messages", {"query": "webhook"}),
    ("tracker_search_issues", {"query": "webhook"}),
    ("kb_search_articles", {"query": "webhook"}),
)
"""One search per category: the first turn of a typical escalation."""


@dataclass
class SlowConnector:
    """Wraps a connector (for every category); each search waits `delay` seconds before answering."""

    inner: Any
    delay: float
    in_flight: int = 0
    peak: int = 0
    """The most searches that were waiting at the same time."""
    calls: int = 0
    spans: list[tuple[float, float]] = field(default_factory=list)
    """(start, end) of every search, in `time.perf_counter` seconds."""

    def __getattr__(self, name: str) -> Any:
        target = getattr(self.inner, name)
        if name not in SEARCHES:
            return target

        async def slow(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            self.calls += 1
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            try:
                await asyncio.sleep(self.delay)
                return await target(*args, **kwargs)
            finally:
                self.in_flight -= 1
                self.spans.append((start, time.perf_counter()))

        return slow

    def reset(self) -> None:
        self.in_flight = self.peak = self.calls = 0
        self.spans.clear()
