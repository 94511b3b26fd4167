"""Salesforce as the ~~CRM: accounts, their contacts and opportunities, read through SOQL queries.

This connector never writes to Salesforce. The fields that carry ARR, renewal date, tier, health and
the like are custom fields specific to each org; `FieldMap` names them. Values that do not parse become
None (or False for flags); they never fail the call. Salesforce JSON stays inside this package: callers
get `Account` and `Opportunity` records.

    settings    the SALESFORCE_* variables (`SalesforceSettings`)
    policy      auth, the daily request limit and error bodies for the HTTP layer
    soql        escaped literals, allowlisted field names and query assembly
    models      the response shapes read, validated where a body arrives
    client      the queries (`SalesforceCRM`)
    mapping     response records to our records
    values      JSON field values to numbers, dates, flags and enumerations
"""

from __future__ import annotations

import httpx2

from .._http import HttpApi
from ..base import Category
from ..factory import VendorFactory
from ..settings import Settings
from .client import SalesforceCRM
from .policy import SYSTEM, SalesforcePolicy
from .settings import SalesforceSettings


def _connector(settings: Settings, _category: Category, client: httpx2.AsyncClient | None) -> SalesforceCRM:
    """The Salesforce connector for the ``crm`` category, configured from ``SALESFORCE_*`` variables."""
    config = SalesforceSettings.from_settings(settings)
    policy = SalesforcePolicy(config.access_token.get_secret_value())
    return SalesforceCRM(
        HttpApi(policy, base_url=config.instance_url, client=client),
        api_version=config.api_version,
        fields=config.field_map(),
        account_types=config.account_types,
    )


from_settings = VendorFactory(_connector, system=SYSTEM, serves={"crm"})


__all__ = ["from_settings"]
