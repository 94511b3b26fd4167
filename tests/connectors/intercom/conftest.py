"""Connections to the Intercom fake and to scripted Intercom answers, for the connector's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx2

from customer_escalation.connectors._http import HttpApi
from customer_escalation.connectors.intercom.help_center import IntercomHelpCenter
from customer_escalation.connectors.intercom.mapping import Mapper, Priorities
from customer_escalation.connectors.intercom.policy import IntercomPolicy
from customer_escalation.connectors.intercom.support import IntercomSupport
from tests.connectors.virtual_api import virtual_api
from tests.contract.dataset import CONTRACT_DATASET
from tests.fakes.clock import VirtualClock
from tests.fakes.intercom import BASE_URL, DEFAULT_ADMIN_ID, PRIORITY_ATTRIBUTE, WORKSPACE_ID, IntercomFake

WORKSPACE_MAPPER = Mapper(Priorities(PRIORITY_ATTRIBUTE), WORKSPACE_ID)
"""The fake workspace's conventions, as an administrator would configure them."""


def fake_on(clock: VirtualClock, **options: Any) -> IntercomFake:
    """The contract dataset's Intercom, on `clock`'s time."""
    return IntercomFake(
        options.pop("dataset", CONTRACT_DATASET), clock=clock.monotonic, now=clock.wall, **options
    )


def _api(client: httpx2.AsyncClient, clock: VirtualClock, token: str) -> HttpApi:
    policy = IntercomPolicy(token, wall_clock=lambda: clock.wall().timestamp())
    return virtual_api(policy, client, clock, base_url=BASE_URL)


@asynccontextmanager
async def support_on(
    fake: IntercomFake, clock: VirtualClock, *, app: Any = None, **options: Any
) -> AsyncIterator[IntercomSupport]:
    """The support connector over `fake` (or over `app`, a wrapper of the fake's app)."""
    options.setdefault("mapper", WORKSPACE_MAPPER)
    options.setdefault("admin_id", DEFAULT_ADMIN_ID)
    transport = httpx2.ASGITransport(app=app or fake.app)
    async with httpx2.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield IntercomSupport(_api(client, clock, fake.token), **options)


@asynccontextmanager
async def help_center_on(
    fake: IntercomFake, clock: VirtualClock, **options: Any
) -> AsyncIterator[IntercomHelpCenter]:
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), base_url=BASE_URL) as client:
        yield IntercomHelpCenter(_api(client, clock, fake.token), **options)


@asynccontextmanager
async def scripted(
    handler: Callable[[httpx2.Request], httpx2.Response], clock: VirtualClock | None = None
) -> AsyncIterator[IntercomSupport]:
    clock = clock or VirtualClock()
    async with httpx2.AsyncClient(transport=httpx2.MockTransport(handler)) as client:
        yield IntercomSupport(
            _api(client, clock, "tok_test"), mapper=WORKSPACE_MAPPER, admin_id=DEFAULT_ADMIN_ID
        )


def intercom_error(status: int, code: str, message: str, **headers: str) -> httpx2.Response:
    body = {"type": "error.list", "request_id": "req-1", "errors": [{"code": code, "message": message}]}
    return httpx2.Response(status, json=body, headers=headers)
