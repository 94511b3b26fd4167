"""The Intercom connectors (conversations and Help Center) over the fake Intercom API."""

from __future__ import annotations

from customer_escalation.connectors.intercom import from_settings
from customer_escalation.connectors.records import Dataset
from tests.contract.dataset import NOW
from tests.fakes.intercom import DEFAULT_ADMIN_ID, PRIORITY_ATTRIBUTE, IntercomFake

from . import Backend, over_fake


def _fake(dataset: Dataset) -> IntercomFake:
    return IntercomFake(dataset, now=lambda: NOW)


def _variables(fake: IntercomFake) -> dict[str, str]:
    return {
        "INTERCOM_ACCESS_TOKEN": fake.token,
        "INTERCOM_ADMIN_ID": DEFAULT_ADMIN_ID,
        "INTERCOM_PRIORITY_ATTRIBUTE": PRIORITY_ATTRIBUTE,
        "INTERCOM_WORKSPACE_ID": fake.workspace_id,
    }


BACKENDS = [
    Backend(
        name="intercom",
        categories=frozenset({"support", "kb"}),
        open=over_fake(_fake, _variables, from_settings),
        writes=frozenset({"support"}),
        lacks=frozenset({"comment_search", "sla_deadlines"}),
    )
]
