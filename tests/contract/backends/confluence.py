"""The Confluence connector, configured from settings, over the Confluence fake seeded with the dataset."""

from __future__ import annotations

from customer_escalation.connectors.confluence import from_settings
from customer_escalation.connectors.records import Dataset
from tests.contract.dataset import NOW
from tests.fakes.confluence import ConfluenceFake

from . import Backend, over_fake


def _fake(dataset: Dataset) -> ConfluenceFake:
    return ConfluenceFake(dataset, now=lambda: NOW)


def _variables(fake: ConfluenceFake) -> dict[str, str]:
    return {
        "CUSTOMER_ESCALATION_KB": "confluence",
        "JIRA_BASE_URL": fake.base_url,
        "JIRA_EMAIL": fake.email,
        "JIRA_API_TOKEN": fake.api_token,
    }


BACKENDS = [
    Backend(name="confluence", categories=frozenset({"kb"}), open=over_fake(_fake, _variables, from_settings))
]
