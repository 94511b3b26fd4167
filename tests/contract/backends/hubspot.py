"""The HubSpot CRM connector, configured from settings, over the HubSpot fake seeded with the dataset."""

from __future__ import annotations

from customer_escalation.connectors.hubspot import from_settings
from tests.fakes.hubspot import HubSpotFake

from . import Backend, over_fake


def _variables(fake: HubSpotFake) -> dict[str, str]:
    return {
        "CUSTOMER_ESCALATION_CRM": "hubspot",
        "HUBSPOT_ACCESS_TOKEN": fake.token,
        "HUBSPOT_PORTAL_ID": fake.portal_id,
    }


BACKENDS = [
    Backend(
        name="hubspot", categories=frozenset({"crm"}), open=over_fake(HubSpotFake, _variables, from_settings)
    )
]
