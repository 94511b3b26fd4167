"""Contract: every CRM backend maps accounts and deals the same way."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from customer_escalation.connectors.base import CRM
from customer_escalation.connectors.errors import InvalidQueryError, NotFoundError

pytestmark = pytest.mark.anyio


async def _northwind_id(crm: Any) -> str:
    page = await crm.search_accounts("Northwind")
    matches = [a for a in page.items if a.name == "Northwind Traders"]
    assert matches, "search by name must find the account"
    return str(matches[0].id)


async def test_backend_satisfies_the_protocol(crm: Any) -> None:
    assert isinstance(crm, CRM)


async def test_search_by_name_finds_the_account(crm: Any) -> None:
    await _northwind_id(crm)


async def test_search_by_domain_finds_the_account(crm: Any) -> None:
    page = await crm.search_accounts("contoso.example")
    assert [a.name for a in page.items] == ["Contoso Pharma"]


async def test_get_account_maps_revenue_tier_renewal_and_contacts(crm: Any) -> None:
    account = await crm.get_account(await _northwind_id(crm))
    assert account.arr == pytest.approx(240_000.0)
    assert account.tier == "enterprise"
    assert account.renewal_date == date(2027, 1, 15)
    assert account.health == "yellow"
    assert "northwind.example" in account.domains
    by_email = {c.email: c for c in account.contacts}
    assert by_email["lena.ortiz@northwind.example"].is_executive is True
    assert by_email["sam.reed@northwind.example"].is_executive is False


async def test_account_without_a_renewal_date_maps_it_to_none(crm: Any) -> None:
    page = await crm.search_accounts("Fabrikam")
    account = await crm.get_account(page.items[0].id)
    assert account.renewal_date is None


async def test_unknown_account_raises_not_found(crm: Any) -> None:
    with pytest.raises(NotFoundError):
        await crm.get_account("999999999")


async def test_opportunities_list_open_deals_first(crm: Any) -> None:
    deals = await crm.list_opportunities(await _northwind_id(crm))
    assert [d.name for d in deals] == ["Northwind renewal 2027", "Northwind analytics add-on"]
    assert deals[0].is_open is True
    assert deals[0].amount == pytest.approx(250_000.0)
    assert deals[0].kind == "renewal"
    assert deals[1].is_open is False


async def test_a_limit_below_one_is_rejected(crm: Any) -> None:
    with pytest.raises(InvalidQueryError):
        await crm.search_accounts("Northwind", limit=0)
