"""The Linear connector, configured from settings, over the Linear fake seeded with the dataset."""

from __future__ import annotations

from customer_escalation.connectors.linear import from_settings
from customer_escalation.connectors.records import Dataset
from tests.contract.dataset import NOW
from tests.fakes.linear import LinearFake

from . import Backend, over_fake


def _fake(dataset: Dataset) -> LinearFake:
    return LinearFake(dataset, now=lambda: NOW)


def _variables(fake: LinearFake) -> dict[str, str]:
    return {
        "CUSTOMER_ESCALATION_TRACKER": "linear",
        "LINEAR_API_KEY": fake.api_key,
        "LINEAR_TICKET_URL": fake.ticket_url,
        "LINEAR_ACCOUNT_URL": fake.account_url,
    }


BACKENDS = [
    Backend(
        name="linear",
        categories=frozenset({"tracker"}),
        open=over_fake(_fake, _variables, from_settings),
        writes=frozenset({"tracker"}),
    )
]
