"""HubSpot as the ~~CRM: companies, their contacts and deals, read through HubSpot's CRM REST API.

This connector never writes to HubSpot. HubSpot sends every property value as a string or null,
whatever the property's type, and the properties that carry ARR, tier, plan, renewal date, health and
the like are specific to each portal; `PropertyMap` names them. Values that do not parse become None
(or False for flags); they never fail the call. HubSpot JSON stays inside this package: callers get
`Account` and `Opportunity` records.

    settings    the HUBSPOT_* variables (`HubSpotSettings`)
    policy      auth, rate limits and error bodies for the HTTP layer
    models      the response shapes read, validated where a body arrives
    client      the HTTP calls (`HubSpotCRM`)
    mapping     response models to records

String property values are read by `connectors.crm_values`, shared with the Salesforce connector.
"""

from __future__ import annotations

import httpx2

from .._http import HttpApi
from ..base import Category
from ..factory import VendorFactory
from ..settings import Settings
from .client import HubSpotCRM
from .policy import SYSTEM, HubSpotPolicy
from .settings import HubSpotSettings


def _connector(settings: Settings, _category: Category, client: httpx2.AsyncClient | None) -> HubSpotCRM:
    """The HubSpot connector for the ``crm`` category, configured from ``HUBSPOT_*`` variables."""
    config = HubSpotSettings.from_settings(settings)
    policy = HubSpotPolicy(config.access_token.get_secret_value())
    return HubSpotCRM(
        HttpApi(policy, base_url=config.base_url, client=client),
        properties=config.property_map(),
        closed_stages=config.closed_stages,
        portal_id=config.portal_id,
        ui_domain=config.ui_domain,
    )


from_settings = VendorFactory(_connector, system=SYSTEM, serves={"crm"})


__all__ = ["from_settings"]
