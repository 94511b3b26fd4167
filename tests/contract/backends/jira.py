"""The Jira connector, configured from settings, over the Jira fake seeded with the dataset."""

from __future__ import annotations

from customer_escalation.connectors.jira import from_settings
from customer_escalation.connectors.records import Dataset
from tests.contract.dataset import NOW
from tests.fakes.jira import JiraFake

from . import Backend, over_fake


def _fake(dataset: Dataset) -> JiraFake:
    return JiraFake(dataset, now=lambda: NOW)


def _variables(fake: JiraFake) -> dict[str, str]:
    return {
        "CUSTOMER_ESCALATION_TRACKER": "jira",
        "JIRA_BASE_URL": fake.base_url,
        "JIRA_EMAIL": fake.email,
        "JIRA_API_TOKEN": fake.api_token,
    }


BACKENDS = [
    Backend(
        name="jira",
        categories=frozenset({"tracker"}),
        open=over_fake(_fake, _variables, from_settings),
        writes=frozenset({"tracker"}),
    )
]
