"""The Salesforce connector's SOQL: what it asks, how it escapes, how it pages."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from customer_escalation.connectors.errors import UpstreamError
from customer_escalation.connectors.salesforce.mapping import FieldMap
from customer_escalation.connectors.salesforce.soql import Select, field_name, like_contains, literal
from tests.connectors.paging import every_page
from tests.contract.dataset import CONTRACT_DATASET
from tests.fakes.salesforce import SalesforceFake

from .conftest import QUERY, acme_accounts, connected, one_account, scripted

pytestmark = pytest.mark.anyio


# --- requests -----------------------------------------------------------------------------------


async def test_every_request_carries_the_access_token_as_bearer() -> None:
    fake = SalesforceFake(CONTRACT_DATASET, batch_size=1)
    async with connected(fake) as crm:
        await crm.get_account(fake.account_id("northwind"))
    assert len(fake.calls) >= 3
    assert {call.authorization for call in fake.calls} == {f"Bearer {fake.token}"}
    assert {call.path.rsplit("/", 1)[0] for call in fake.calls} <= {"/services/data/v66.0", QUERY}


async def test_a_name_search_matches_inside_the_name_and_selects_the_configured_fields() -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    async with connected(fake) as crm:
        page = await crm.search_accounts("  wind\u200b trad ", limit=500)
    (soql,) = fake.queries()
    assert "WHERE (Name LIKE '%wind trad%')" in soql
    assert soql.endswith("ORDER BY Name, Id LIMIT 101")
    for name in ("ARR__c", "Renewal_Date__c", "Support_Tier__c", "Health__c", "Owner.Name", "Website"):
        assert name in soql
    assert "AnnualRevenue" not in soql
    assert [a.name for a in page.items] == ["Northwind Traders"]


@pytest.mark.parametrize(
    "query", ["contoso.example", "https://www.Contoso.example/pricing", "ada.chen@contoso.example"]
)
async def test_a_domain_url_or_email_matches_the_website_on_that_domain(query: str) -> None:
    lookalike = one_account("Not Contoso", domain="notcontoso.example").accounts
    dataset = CONTRACT_DATASET.model_copy(update={"accounts": (*CONTRACT_DATASET.accounts, *lookalike)})
    fake = SalesforceFake(dataset)
    async with connected(fake) as crm:
        page = await crm.search_accounts(query)
    (soql,) = fake.queries()
    assert "Website LIKE '%://contoso.example/%'" in soql and "Name LIKE" not in soql
    assert [a.name for a in page.items] == ["Contoso Pharma"]


async def test_an_empty_query_lists_the_latest_changed_accounts() -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    async with connected(fake) as crm:
        page = await crm.search_accounts("")
    (soql,) = fake.queries()
    assert "WHERE" not in soql and "ORDER BY LastModifiedDate DESC, Id" in soql
    assert [a.name for a in page.items] == ["Fabrikam Studio", "Contoso Pharma", "Northwind Traders"]


async def test_search_results_are_compact_and_need_one_request() -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    async with connected(fake) as crm:
        (account,) = (await crm.search_accounts("Northwind")).items
    assert account.contacts == () and account.arr == pytest.approx(240_000.0)
    assert len(fake.calls) == 1


# --- escaping -----------------------------------------------------------------------------------


def test_literals_escape_quotes_backslashes_and_line_breaks() -> None:
    assert literal("O'Brien \\ Sons\n") == "'O\\'Brien \\\\ Sons\\n'"
    assert like_contains("100%_sure") == "'%100\\%\\_sure%'"
    assert literal("bell\x07") == "'bell'"


@pytest.mark.parametrize(
    "name", ["Name, (SELECT Id FROM Contacts)", "ARR__c FROM User", "Owner.Name", "a b", "x__"]
)
def test_a_field_name_that_is_not_an_api_name_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="field API name"):
        field_name(name)


def test_a_field_map_refuses_anything_but_api_names() -> None:
    with pytest.raises(ValueError, match="field API name"):
        FieldMap(arr="ARR__c FROM User WHERE Name != ''")


def test_a_select_is_assembled_from_its_parts() -> None:
    select = Select(
        ("Id", "Name", "Id"), "Account", where=("A = 'x'", "B = 'y'"), order_by=("Name",), limit=5, offset=10
    )
    assert (
        select.text()
        == "SELECT Id, Name FROM Account WHERE (A = 'x') AND (B = 'y') ORDER BY Name LIMIT 5 OFFSET 10"
    )


@pytest.mark.parametrize("term", ["O'Brien", "Brien \\ Sons", "o'brien \\ sons & co"])
async def test_a_quote_or_backslash_in_a_search_term_still_finds_the_account(term: str) -> None:
    fake = SalesforceFake(one_account("O'Brien \\ Sons & Co"))
    async with connected(fake) as crm:
        page = await crm.search_accounts(term)
    assert [a.name for a in page.items] == ["O'Brien \\ Sons & Co"]


@pytest.mark.parametrize(
    "term",
    ["%", "_", "' OR Name LIKE '%", "x\\' OR Name != '", "\\", "Northwind') OR (Name LIKE '%", "%' --"],
)
async def test_a_quote_backslash_or_wildcard_cannot_break_or_widen_the_query(term: str) -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    async with connected(fake) as crm:
        page = await crm.search_accounts(term)
    assert page.items == ()  # no name contains the term literally; the fake answers 400 to broken SOQL
    assert len(fake.queries()) == 1


async def test_a_quote_in_an_id_is_not_found_without_a_request() -> None:
    fake = SalesforceFake(CONTRACT_DATASET)
    async with connected(fake) as crm:
        for bad in ("001' OR Name != '", "northwind", "006Hs0000000001AAA", ""):
            with pytest.raises(Exception, match="account ids are 15 or 18"):
                await crm.get_account(bad)
    assert fake.calls == []


# --- paging -------------------------------------------------------------------------------------


async def test_batches_are_followed_through_next_records_url() -> None:
    fake = SalesforceFake(acme_accounts(12), batch_size=5)
    async with connected(fake) as crm:
        page = await crm.search_accounts("acme", limit=10)
    paths = [c.path for c in fake.calls]
    assert paths[0] == QUERY and len(paths) == 3
    assert all(p.startswith(f"{QUERY}/") for p in paths[1:])
    assert [a.name[-2:] for a in page.items] == [f"{n:02d}" for n in range(1, 11)]
    assert page.next_cursor is not None


async def test_paging_stops_at_salesforces_offset_limit_of_2000() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        soql = request.url.params["q"]
        limit = int(soql.split("LIMIT ")[1].split()[0])
        records = [
            {"attributes": {"type": "Account"}, "Id": f"001Hs0000{n:06d}", "Name": f"Acme {n}"}
            for n in range(limit)
        ]
        return httpx2.Response(200, json={"totalSize": limit, "done": True, "records": records})

    async with scripted(handler) as crm:
        pages = await every_page(
            lambda cursor: crm.search_accounts("acme", limit=100, cursor=cursor), most=100
        )
    assert len(pages) == 21  # offsets 0, 100, ..., 2000


async def test_a_next_records_url_to_another_host_is_never_followed() -> None:
    requested: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        requested.append(str(request.url))
        body: dict[str, Any] = {
            "totalSize": 3,
            "done": False,
            "nextRecordsUrl": "https://collector.example/services/data/v66.0/query/01g-1",
            "records": [{"attributes": {"type": "Account"}, "Id": "001Hs0000000001", "Name": "Acme"}],
        }
        return httpx2.Response(200, json=body)

    async with scripted(handler) as crm:
        with pytest.raises(UpstreamError, match="nextRecordsUrl"):
            await crm.search_accounts("acme")
    assert len(requested) == 1
