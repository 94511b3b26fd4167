"""Fixtures that open each category's connector on every backend, seeded with the contract dataset."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from customer_escalation.connectors.base import Category

from .backends import Backend, backends_for
from .dataset import CONTRACT_DATASET


def _params(category: Category) -> list[Any]:
    return [pytest.param(b, id=b.name) for b in backends_for(category)]


async def _opened(backend: Backend, category: Category) -> AsyncIterator[Any]:
    async with backend.open(CONTRACT_DATASET, category) as connector:
        yield connector


@pytest.fixture(params=_params("support"))
async def support(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    async for connector in _opened(request.param, "support"):
        yield connector


@pytest.fixture(params=_params("crm"))
async def crm(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    async for connector in _opened(request.param, "crm"):
        yield connector


@pytest.fixture(params=_params("chat"))
async def chat(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    async for connector in _opened(request.param, "chat"):
        yield connector


@pytest.fixture(params=_params("tracker"))
async def tracker(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    async for connector in _opened(request.param, "tracker"):
        yield connector


@pytest.fixture(params=_params("kb"))
async def kb(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    async for connector in _opened(request.param, "kb"):
        yield connector


def require_feature(request: pytest.FixtureRequest, fixture: Category, feature: str) -> None:
    """Skip a test on a backend whose vendor API cannot offer `feature`."""
    backend: Backend = request.node.callspec.params[fixture]
    if feature in backend.lacks:
        pytest.skip(f"{backend.name}'s API offers no {feature.replace('_', ' ')}")


def require_writes(request: pytest.FixtureRequest, fixture: Category) -> None:
    """Skip a write test on a backend that does not implement this category's write."""
    backend: Backend = request.node.callspec.params[fixture]
    if fixture not in backend.writes:
        pytest.skip(f"{backend.name} does not write to {fixture}")
