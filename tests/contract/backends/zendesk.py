"""The Zendesk connectors (Support and Help Center) over the fake Zendesk API."""

from __future__ import annotations

from customer_escalation.connectors.records import Dataset
from customer_escalation.connectors.zendesk import from_settings
from tests.contract.dataset import NOW
from tests.fakes.zendesk import ZendeskFake

from . import Backend, over_fake


def _fake(dataset: Dataset) -> ZendeskFake:
    return ZendeskFake(dataset, clock=lambda: NOW)


def _variables(fake: ZendeskFake) -> dict[str, str]:
    return {"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_EMAIL": fake.email, "ZENDESK_API_TOKEN": "zd-test-token"}


BACKENDS = [
    Backend(
        name="zendesk",
        categories=frozenset({"support", "kb"}),
        open=over_fake(_fake, _variables, from_settings),
        writes=frozenset({"support"}),
    )
]
