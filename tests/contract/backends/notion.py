"""The Notion connector, configured from settings, over the Notion fake seeded with the dataset."""

from __future__ import annotations

from customer_escalation.connectors.notion import from_settings
from customer_escalation.connectors.records import Dataset
from tests.contract.dataset import NOW
from tests.fakes.notion import ROOT_PAGE, NotionFake

from . import Backend, over_fake


def _fake(dataset: Dataset) -> NotionFake:
    return NotionFake(dataset, now=lambda: NOW)


def _variables(fake: NotionFake) -> dict[str, str]:
    return {
        "CUSTOMER_ESCALATION_KB": "notion",
        "NOTION_TOKEN": fake.token,
        "NOTION_ROOT_PAGES": ROOT_PAGE,
        "NOTION_REQUESTS_PER_SECOND": "1000",
    }


BACKENDS = [
    Backend(name="notion", categories=frozenset({"kb"}), open=over_fake(_fake, _variables, from_settings))
]
