"""Backends the contract suite runs against.

Each module in this package defines ``BACKENDS: list[Backend]``. A backend opens a connector for one
category, seeded with a `Dataset`, as an async context manager; vendor backends serve the dataset
from their fake API through `httpx2.ASGITransport`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

from customer_escalation.connectors.base import Category
from customer_escalation.connectors.records import Dataset

Opener = Callable[[Dataset, Category], AbstractAsyncContextManager[Any]]


@dataclass(frozen=True)
class Backend:
    name: str
    categories: frozenset[Category]
    open: Opener
    writes: frozenset[Category] = frozenset()
    """Categories whose write method this backend supports."""
    lacks: frozenset[str] = frozenset()
    """Contract features the vendor's API cannot offer (`comment_search`, `sla_deadlines`)."""


def all_backends() -> list[Backend]:
    found: list[Backend] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.extend(getattr(module, "BACKENDS", []))
    return found


def backends_for(category: Category) -> list[Backend]:
    return [b for b in all_backends() if category in b.categories]
