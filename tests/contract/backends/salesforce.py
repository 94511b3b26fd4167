"""The Salesforce CRM connector, configured from settings, over the Salesforce fake seeded with the
dataset (its org keeps ARR, renewal date, tier and health in custom fields)."""

from __future__ import annotations

from customer_escalation.connectors.records import Dataset
from customer_escalation.connectors.salesforce import from_settings
from customer_escalation.connectors.salesforce.settings import FIELD_VARIABLES
from tests.fakes.salesforce import ORG_FIELDS, SalesforceFake

from . import Backend, over_fake


def _fake(dataset: Dataset) -> SalesforceFake:
    return SalesforceFake(dataset, batch_size=1)  # every query crosses batches: nextRecordsUrl is followed


def _variables(fake: SalesforceFake) -> dict[str, str]:
    fields = {FIELD_VARIABLES[fact]: name for fact, name in ORG_FIELDS.items()}
    return {
        "CUSTOMER_ESCALATION_CRM": "salesforce",
        "SALESFORCE_INSTANCE_URL": fake.base_url,
        "SALESFORCE_ACCESS_TOKEN": fake.token,
        **fields,
    }


BACKENDS = [
    Backend(
        name="salesforce", categories=frozenset({"crm"}), open=over_fake(_fake, _variables, from_settings)
    )
]
