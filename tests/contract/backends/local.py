from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from customer_escalation.connectors.base import CATEGORIES, Category
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.records import Dataset
from tests.contract.dataset import NOW

from . import Backend


@asynccontextmanager
async def _open(dataset: Dataset, category: Category) -> AsyncIterator[Any]:
    with tempfile.TemporaryDirectory() as tmp:
        workspace = LocalWorkspace.create(Path(tmp) / "contract.sqlite", dataset, clock=lambda: NOW)
        try:
            yield workspace
        finally:
            await workspace.aclose()


BACKENDS = [
    Backend(
        name="local",
        categories=frozenset(CATEGORIES),
        open=_open,
        writes=frozenset({"support", "chat", "tracker"}),
    )
]
