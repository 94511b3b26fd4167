"""Salesforce records mapped to ours: typed values, custom fields, contacts, owners and opportunities."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from customer_escalation.connectors.errors import NotFoundError
from customer_escalation.connectors.records import Contact, Person, Ref
from customer_escalation.connectors.salesforce.mapping import FieldMap
from tests.contract.dataset import CONTRACT_DATASET
from tests.fakes.salesforce import BASE_URL, SalesforceFake

from .conftest import connected, one_account

pytestmark = pytest.mark.anyio


async def test_a_standard_org_without_custom_fields_reads_only_standard_ones() -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    async with connected(fake, fields=FieldMap()) as crm:
        account = await crm.get_account(fake.account_id("northwind"))
    soql = fake.queries()[0]
    assert "__c" not in soql and "AnnualRevenue" not in soql
    assert (account.arr, account.tier, account.renewal_date, account.health) == (None, None, None, None)
    assert account.name == "Northwind Traders" and account.industry == "Logistics"


async def test_the_account_links_to_lightning_and_carries_owner_domain_and_creation_time() -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    account_id = fake.account_id("northwind")
    async with connected(fake) as crm:
        account = await crm.get_account(account_id)
        deals = await crm.list_opportunities(account_id)
    assert account.ref == Ref(
        system="salesforce", id=account_id, url=f"{BASE_URL}/lightning/r/Account/{account_id}/view"
    )
    assert account.owner == Person(name="Priya Raman", email="priya.raman@vendor.example", role="internal")
    assert account.domains == ("northwind.example",)
    assert account.created_at == datetime(2024, 3, 4, 9, 30, tzinfo=UTC)
    assert all(d.ref.url == f"{BASE_URL}/lightning/r/Opportunity/{d.id}/view" for d in deals)


async def test_an_account_without_an_owner_maps_to_none() -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    async with connected(fake) as crm:
        account = await crm.get_account(fake.account_id("contoso"))
    assert account.owner is None


async def test_contacts_across_batches_are_read_and_capped() -> None:
    contacts = tuple(Contact(name=f"Person {n}", email=f"p{n}@wide.example") for n in range(12))
    fake = SalesforceFake(one_account("Wide World", *contacts), batch_size=5)
    async with connected(fake, max_contacts=8) as crm:
        account = await crm.get_account(fake.account_id("wide"))
    assert [c.email for c in account.contacts] == [f"p{n}@wide.example" for n in range(8)]
    assert "LIMIT 8" in fake.queries()[1]


async def test_opportunities_map_stage_amount_kind_and_come_open_first() -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    deals: dict[str, dict[str, Any]] = {
        "Later": {
            "StageName": "Prospecting",
            "IsClosed": False,
            "CloseDate": "2027-09-01",
            "Type": "New Customer",
        },
        "Sooner": {
            "StageName": "Qualification",
            "IsClosed": False,
            "CloseDate": "2026-12-01",
            "Amount": 12500.75,
        },
        "Lost recently": {
            "StageName": "Closed Lost",
            "IsClosed": True,
            "CloseDate": "2026-10-01",
            "Type": None,
        },
        "Undated": {
            "StageName": None,
            "IsClosed": False,
            "CloseDate": None,
            "Type": "Existing Customer - Replacement",
        },
    }
    for name, values in deals.items():
        fake.add_opportunity("northwind", {"Name": name, **values})
    async with connected(fake) as crm:
        found = await crm.list_opportunities(fake.account_id("northwind"))
    assert [d.name for d in found] == [
        "Sooner",
        "Northwind renewal 2027",
        "Later",
        "Undated",
        "Lost recently",
        "Northwind analytics add-on",
    ]
    by_name = {d.name: d for d in found}
    assert by_name["Sooner"].amount == pytest.approx(12_500.75) and by_name["Sooner"].kind == "other"
    assert by_name["Later"].kind == "new" and by_name["Undated"].stage == "unknown"
    assert (by_name["Lost recently"].is_open, by_name["Lost recently"].stage) == (False, "Closed Lost")
    assert by_name["Northwind renewal 2027"].kind == "renewal"
    assert by_name["Northwind analytics add-on"].kind == "expansion"


async def test_opportunities_read_the_configured_kind_field() -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    fake.add_opportunity("fabrikam", {"Name": "Fabrikam seats", "IsClosed": False, "Probability": "Upsell"})
    async with connected(fake, fields=FieldMap(deal_kind="Probability")) as crm:
        (deal,) = await crm.list_opportunities(fake.account_id("fabrikam"))
    assert deal.kind == "expansion"
    assert "Probability" in fake.queries()[0]


async def test_a_15_character_id_reads_the_same_account() -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    long_id = fake.account_id("northwind")
    async with connected(fake) as crm:
        account = await crm.get_account(long_id[:15])
    assert account.name == "Northwind Traders"


async def test_account_types_scope_every_read() -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    fake.set_field("Account", fake.account_id("northwind"), "Type", "Partner")
    async with connected(fake, account_types=["Customer - Direct", "Customer - Channel"]) as crm:
        assert [a.name for a in (await crm.search_accounts("")).items] == [
            "Fabrikam Studio",
            "Contoso Pharma",
        ]
        assert (await crm.search_accounts("Northwind")).items == ()
        with pytest.raises(NotFoundError):
            await crm.get_account(fake.account_id("northwind"))
        with pytest.raises(NotFoundError):
            await crm.list_opportunities(fake.account_id("northwind"))
    assert all("Type IN ('Customer - Direct', 'Customer - Channel')" in q for q in fake.queries())
