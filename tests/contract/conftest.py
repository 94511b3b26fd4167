"""Fixtures that open each category's connector on every backend, seeded with the contract dataset."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from customer_escalation.connectors.base import Category

from .backends import Backend, backends_for
from .dataset import CONTRACT_DATASET


def _category_fixture(category: Category) -> Any:
    """A fixture named after `category` that yields its connector on each backend serving it."""

    @pytest.fixture(name=category, params=[pytest.param(b, id=b.name) for b in backends_for(category)])
    async def _connector(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
        async with request.param.open(CONTRACT_DATASET, category) as connector:
            yield connector

    return _connector


support = _category_fixture("support")
crm = _category_fixture("crm")
chat = _category_fixture("chat")
tracker = _category_fixture("tracker")
kb = _category_fixture("kb")


def _backend(request: pytest.FixtureRequest, fixture: Category) -> Backend:
    backend: Backend = request.node.callspec.params[fixture]
    return backend


def require_feature(request: pytest.FixtureRequest, fixture: Category, feature: str) -> None:
    """Skip a test on a backend whose vendor API cannot offer `feature`."""
    backend = _backend(request, fixture)
    if feature in backend.lacks:
        pytest.skip(f"{backend.name}'s API offers no {feature.replace('_', ' ')}")


def require_writes(request: pytest.FixtureRequest, fixture: Category) -> None:
    """Skip a write test on a backend that does not implement this category's write."""
    backend = _backend(request, fixture)
    if fixture not in backend.writes:
        pytest.skip(f"{backend.name} does not write to {fixture}")


async def written_once(write: Callable[[], Awaitable[Any]]) -> Any:
    """Make the same write twice (one idempotency key): the first creates, the second finds the first.

    Returns the first receipt.
    """
    first = await write()
    again = await write()
    assert first.created is True
    assert again.created is False
    assert again.ref.id == first.ref.id
    return first
