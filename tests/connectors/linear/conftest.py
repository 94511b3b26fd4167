"""A Linear connector over a fresh Linear fake, on virtual time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from customer_escalation.connectors.linear.policy import LinearPolicy
from customer_escalation.connectors.linear.tracker import LinearProjectTracker
from customer_escalation.connectors.records import Dataset
from tests.connectors.conftest import ClientTo
from tests.connectors.virtual_api import virtual_api
from tests.contract.dataset import CONTRACT_DATASET
from tests.fakes.clock import VirtualClock
from tests.fakes.linear import ACCOUNT_URL, API_KEY, BASE_URL, TICKET_URL, LinearFake

Make = Callable[..., tuple[LinearProjectTracker, LinearFake]]


@pytest.fixture
def make(clock: VirtualClock, client_to: ClientTo) -> Make:
    """Build a connector over a fresh fake (or over `fake`, to share one workspace between connectors)."""

    def build(
        dataset: Dataset = CONTRACT_DATASET,
        *,
        fake: LinearFake | None = None,
        authorization: str = API_KEY,
        fake_options: dict[str, Any] | None = None,
        **options: Any,
    ) -> tuple[LinearProjectTracker, LinearFake]:
        if fake is None:
            fake = LinearFake(dataset, clock=clock.monotonic, now=clock.wall, **(fake_options or {}))
        policy = LinearPolicy(authorization, variable="LINEAR_API_KEY", clock=clock.wall)
        api = virtual_api(policy, client_to(fake.app, BASE_URL), clock, base_url=BASE_URL)
        options = {"ticket_url": TICKET_URL, "account_url": ACCOUNT_URL, **options}
        return LinearProjectTracker(api, **options), fake

    return build
