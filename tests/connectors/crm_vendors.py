"""The two CRM vendors (HubSpot, Salesforce) as the shared CRM tests need them: how to open a connector
over each vendor's fake or scripted answers, how to write a raw value into the fake, and the vendor's
names for our fields."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest

from tests.connectors import hubspot_open
from tests.connectors.salesforce import conftest as salesforce_open
from tests.fakes.hubspot import HubSpotFake
from tests.fakes.salesforce import SalesforceFake

Handler = Callable[[httpx2.Request], httpx2.Response]


@dataclass(frozen=True)
class CrmVendor:
    """One CRM vendor, as the shared CRM tests need it."""

    name: str
    make_fake: Callable[[Any], Any]
    connected: Callable[..., AbstractAsyncContextManager[Any]]
    scripted: Callable[[Handler], AbstractAsyncContextManager[Any]]
    token_variable: str
    rejection: str
    """What the vendor's answer to a rejected token says, repeated in the error."""
    search: str
    """The request a search sends, as errors name it."""
    read: str
    """The request reading one account sends, as errors name it."""
    account_id: str
    """An id of the vendor's shape, for scripted reads."""
    unknown_id: str
    """An id of the vendor's shape that no account of the fakes has."""
    searches: Callable[[Any], int]
    """How many search requests a fake received."""
    checks: Callable[[Any], list[Any]]
    check_request: Any
    """What `checks` lists for one check."""
    account_of: Callable[[Any, str], str]
    """The id a fake gave the dataset's account of the given id."""
    set_field: Callable[[Any, str, str, Any], None]
    """Write a raw value into a field of an account of the fake, as a user of the CRM could."""
    fields: Mapping[str, str]
    """The vendor's names for our account fields."""
    checked: Any
    """A ticked checkbox, as the vendor writes it."""
    renewal_2027_01_15: str
    """The 15th of January 2027 as the vendor writes a date field."""
    unnamed: str
    """What an account without a name is called, with `{}` for its id."""
    page_requests: Callable[[Any], Any]
    """What the fake saw of the requests for the pages of a search."""
    acme_pages_of_five: Any
    """What `page_requests` shows for twelve accounts read five at a time."""


HUBSPOT = CrmVendor(
    name="hubspot",
    make_fake=HubSpotFake,
    connected=hubspot_open.connected,
    scripted=hubspot_open.scripted,
    token_variable="HUBSPOT_ACCESS_TOKEN",
    rejection="hubspot",
    search=f"POST {hubspot_open.SEARCH}",
    read="GET /crm/v3/objects/companies/{id}",
    account_id="9100000001",
    unknown_id="999999999",
    searches=lambda fake: len(fake.requests_to(hubspot_open.SEARCH)),
    checks=lambda fake: [(c.method, c.path, c.params.get("limit")) for c in fake.calls],
    check_request=("GET", "/crm/v3/objects/companies", "1"),
    account_of=lambda fake, our_id: fake.company_id(our_id),
    set_field=lambda fake, record, name, value: fake.set_property("companies", record, name, value),
    fields={
        "arr": "arr",
        "tier": "tier",
        "health": "health",
        "reference_customer": "reference_customer",
        "public_facing": "public_facing",
        "renewal_date": "renewal_date",
        "plan": "plan",
        "name": "name",
        "domain": "domain",
    },
    checked="true",
    renewal_2027_01_15="1800000000000",
    unnamed="HubSpot company {}",
    page_requests=lambda fake: len(fake.requests_to(hubspot_open.SEARCH)),
    acme_pages_of_five=3,
)
SALESFORCE = CrmVendor(
    name="salesforce",
    make_fake=SalesforceFake,
    connected=salesforce_open.connected,
    scripted=salesforce_open.scripted,
    token_variable="SALESFORCE_ACCESS_TOKEN",
    rejection="INVALID_SESSION_ID",
    search=f"GET {salesforce_open.QUERY}",
    read=f"GET {salesforce_open.QUERY}",
    account_id="001Hs0000000001",
    unknown_id="001Hs0000009999AAA",
    searches=lambda fake: len(fake.calls),
    checks=lambda fake: fake.queries(),
    check_request="SELECT Id FROM Account LIMIT 1",
    account_of=lambda fake, our_id: fake.account_id(our_id),
    set_field=lambda fake, record, name, value: fake.set_field("Account", record, name, value),
    fields={
        "arr": "ARR__c",
        "tier": "Support_Tier__c",
        "health": "Health__c",
        "reference_customer": "Reference_Customer__c",
        "public_facing": "Public_Facing__c",
        "renewal_date": "Renewal_Date__c",
        "plan": "Plan__c",
        "name": "Name",
        "domain": "Website",
    },
    checked=True,
    renewal_2027_01_15="2027-01-15T00:00:00.000+0000",
    unnamed="Salesforce account {}",
    page_requests=lambda fake: [q.rsplit("LIMIT ", 1)[1] for q in fake.queries()],
    acme_pages_of_five=["6", "6 OFFSET 5", "6 OFFSET 10"],
)
VENDORS = [pytest.param(HUBSPOT, id="hubspot"), pytest.param(SALESFORCE, id="salesforce")]
