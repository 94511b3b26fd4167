"""Records parsed from their stored JSON, kept while that JSON stays the same.

Every read of the workspace returns records as models validated from the JSON stored with them, and
validating a ticket with its conversation costs far more than reading it. Reads repeat (an assistant
searches, then reads what it found; several people look at the same outage), so the last parsed
records are kept, keyed by table and record number together with the JSON they were parsed from: a
record whose JSON changed is parsed again, so what a read returns is always what is stored. Records are
frozen models, safe to hand to several callers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TypeVar

from pydantic import BaseModel

from .indexing import Kind

M = TypeVar("M", bound=BaseModel)

KEPT_CHARS = 8_000_000
"""How much stored JSON the kept records came from, at most (the least recently read go first): a
bound on memory whether records are a few hundred characters or long conversations."""


class ParsedRecords:
    """The records last parsed, by (table, number), with the JSON each came from, up to `budget`
    characters of that JSON."""

    def __init__(self, budget: int = KEPT_CHARS) -> None:
        self._budget = budget
        self._chars = 0
        self._kept: OrderedDict[tuple[str, int], tuple[str, BaseModel]] = OrderedDict()
        self._lock = threading.Lock()

    def parse(self, kind: Kind[M], n: int, data: str) -> M:
        """The record stored as `data` at number `n` of `kind`'s table."""
        key = (kind.table, n)
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and kept[0] == data:
                self._kept.move_to_end(key)
                return kept[1]  # type: ignore[return-value]
        record = kind.model.model_validate_json(data)
        if len(data) > self._budget:
            return record
        with self._lock:
            replaced = self._kept.pop(key, None)
            if replaced is not None:
                self._chars -= len(replaced[0])
            self._kept[key] = (data, record)
            self._chars += len(data)
            while self._chars > self._budget:
                _, (dropped, _) = self._kept.popitem(last=False)
                self._chars -= len(dropped)
        return record


__all__ = ["KEPT_CHARS", "ParsedRecords"]
