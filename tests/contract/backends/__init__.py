"""Backends the contract suite runs against.

Each module in this package defines ``BACKENDS: list[Backend]``. A backend opens a connector for one
category, seeded with a `Dataset`, as an async context manager; vendor backends serve the dataset
from their fake API through `httpx2.ASGITransport` (`over_fake`).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import httpx2

from customer_escalation.connectors.base import Category
from customer_escalation.connectors.records import Dataset
from customer_escalation.connectors.settings import Settings, load_settings

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


class ServedFake(Protocol):
    """A vendor fake: a Starlette app answering at the vendor's base URL."""

    @property
    def app(self) -> Any: ...

    @property
    def base_url(self) -> str: ...


class FromSettings(Protocol):
    """A vendor package's `from_settings`."""

    def __call__(self, settings: Settings, category: Category, *, client: httpx2.AsyncClient) -> Any: ...


F = TypeVar("F", bound=ServedFake)


def over_fake(
    make_fake: Callable[[Dataset], F],
    variables: Callable[[F], Mapping[str, str]],
    from_settings: FromSettings,
) -> Opener:
    """An opener that seeds a fake with the dataset, configures the vendor's connector from the
    variables that fake accepts, and sends its requests to the fake."""

    @asynccontextmanager
    async def _open(dataset: Dataset, category: Category) -> AsyncIterator[Any]:
        fake = make_fake(dataset)
        settings = load_settings(variables(fake))
        async with httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=fake.app), base_url=fake.base_url
        ) as client:
            connector = from_settings(settings, category, client=client)
            try:
                yield connector
            finally:
                await connector.aclose()

    return _open


def all_backends() -> list[Backend]:
    found: list[Backend] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.extend(getattr(module, "BACKENDS", []))
    return found


def backends_for(category: Category) -> list[Backend]:
    return [b for b in all_backends() if category in b.categories]
