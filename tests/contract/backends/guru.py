"""The Guru connector, configured from settings, over the Guru fake seeded with the dataset."""

from __future__ import annotations

from customer_escalation.connectors.guru import from_settings
from customer_escalation.connectors.records import Dataset
from tests.contract.dataset import NOW
from tests.fakes.guru import GuruFake

from . import Backend, over_fake


def _fake(dataset: Dataset) -> GuruFake:
    return GuruFake(dataset, now=lambda: NOW)


def _variables(fake: GuruFake) -> dict[str, str]:
    return {"CUSTOMER_ESCALATION_KB": "guru", "GURU_USER": fake.user, "GURU_API_TOKEN": fake.token}


BACKENDS = [
    Backend(name="guru", categories=frozenset({"kb"}), open=over_fake(_fake, _variables, from_settings))
]
