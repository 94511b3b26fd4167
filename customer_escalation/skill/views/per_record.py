"""Views remembered per record: the same record read again gets the same view, without building it again.

Records are frozen models, and a workspace hands out the very same instance while the stored record is
unchanged (see `connectors.local.parsed`), so a view built from an instance stays right for as long as
that instance is in use. Repeated searches (paging, several people looking into one outage) then build
each summary once. Views are frozen models too, safe to share between results.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

R = TypeVar("R")
V = TypeVar("V")

KEPT = 256
"""Views kept per function (the least recently used go first)."""


def per_record(build: Callable[[R], V]) -> Callable[[R], V]:
    """`build`, remembering its view of each record instance (by identity, holding the instance, so its
    identity cannot be taken by another)."""
    kept: OrderedDict[int, tuple[R, V]] = OrderedDict()
    lock = threading.Lock()

    @functools.wraps(build)
    def remembered(record: R) -> V:
        key = id(record)
        with lock:
            found = kept.get(key)
            if found is not None and found[0] is record:
                kept.move_to_end(key)
                return found[1]
        view = build(record)
        with lock:
            kept[key] = (record, view)
            if len(kept) > KEPT:
                kept.popitem(last=False)
        return view

    return remembered


__all__ = ["KEPT", "per_record"]
