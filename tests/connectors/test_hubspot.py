"""The HubSpot CRM connector against the HubSpot fake: mapping, paging, limits, failures, configuration."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import httpx2
import pytest

from customer_escalation.connectors.base import CRM
from customer_escalation.connectors.errors import (
    ConfigError,
    EndpointGoneError,
    InvalidQueryError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
)
from customer_escalation.connectors.factory import build_vendor
from customer_escalation.connectors.hubspot import from_settings
from customer_escalation.connectors.hubspot.mapping import PropertyMap
from customer_escalation.connectors.records import Account, Contact, Person, Ref
from customer_escalation.connectors.settings import load_settings
from tests.connectors.crm_datasets import acme_accounts, one_account
from tests.connectors.hubspot_open import SEARCH, connected, scripted
from tests.connectors.paging import every_page
from tests.connectors.settings_checks import one_line_refusal
from tests.contract.dataset import CONTRACT_DATASET
from tests.fakes.clock import VirtualClock as _Clock
from tests.fakes.hubspot import BASE_URL, HubSpotFake

pytestmark = pytest.mark.anyio

# --- requests -----------------------------------------------------------------------------------


async def test_every_request_carries_the_private_app_token_as_bearer() -> None:
    fake = HubSpotFake(CONTRACT_DATASET)
    async with connected(fake) as crm:
        await crm.get_account(fake.company_id("northwind"))
    assert len(fake.calls) >= 4
    assert {call.authorization for call in fake.calls} == {f"Bearer {fake.token}"}


async def test_name_search_sends_a_full_text_query_with_only_the_needed_properties() -> None:
    fake = HubSpotFake(CONTRACT_DATASET)
    async with connected(fake) as crm:
        page = await crm.search_accounts("  Northwind\u200b ", limit=500)
    (call,) = fake.requests_to(SEARCH)
    assert call.body["query"] == "Northwind"
    assert call.body["limit"] == 100
    assert "filterGroups" not in call.body
    assert {"name", "domain", "arr", "tier", "renewal_date", "health"} <= set(call.body["properties"])
    assert "annualrevenue" not in call.body["properties"]
    assert [a.name for a in page.items] == ["Northwind Traders"]
    assert page.total == 1


@pytest.mark.parametrize(
    "query", ["contoso.example", "https://www.Contoso.example/pricing", "ada.chen@contoso.example"]
)
async def test_a_domain_url_or_email_becomes_an_exact_domain_filter(query: str) -> None:
    fake = HubSpotFake(CONTRACT_DATASET)
    async with connected(fake) as crm:
        page = await crm.search_accounts(query)
    (call,) = fake.requests_to(SEARCH)
    assert call.body["filterGroups"] == [
        {"filters": [{"propertyName": "domain", "operator": "EQ", "value": "contoso.example"}]}
    ]
    assert "query" not in call.body
    assert [a.name for a in page.items] == ["Contoso Pharma"]


async def test_an_empty_query_lists_companies_by_latest_change() -> None:
    fake = HubSpotFake(CONTRACT_DATASET)
    async with connected(fake) as crm:
        page = await crm.search_accounts("")
    (call,) = fake.requests_to(SEARCH)
    assert call.body["sorts"] == [{"propertyName": "hs_lastmodifieddate", "direction": "DESCENDING"}]
    assert "query" not in call.body and "filterGroups" not in call.body
    assert len(page.items) == 3


async def test_search_results_are_compact_and_need_no_further_requests() -> None:
    fake = HubSpotFake(CONTRACT_DATASET)
    async with connected(fake) as crm:
        page = await crm.search_accounts("Northwind")
    (account,) = page.items
    assert account.contacts == () and account.owner is None
    assert account.arr == pytest.approx(240_000.0) and account.tier == "enterprise"
    assert len(fake.calls) == 1


# --- paging -------------------------------------------------------------------------------------


async def test_a_search_spanning_five_pages_fetches_exactly_five_pages() -> None:
    fake = HubSpotFake(acme_accounts(12))
    async with connected(fake, page_size=2) as crm:
        page = await crm.search_accounts("acme", limit=10)
    calls = fake.requests_to(SEARCH)
    assert len(calls) == 5
    assert [c.body.get("after") for c in calls] == [None, "2", "4", "6", "8"]
    assert [a.name for a in page.items] == [f"Acme Widgets {n:02d}" for n in range(1, 11)]
    assert page.total == 12 and page.next_cursor is not None


async def test_a_result_cap_stops_fetching_early_and_asks_only_for_what_is_missing() -> None:
    fake = HubSpotFake(acme_accounts(12))
    async with connected(fake, page_size=2) as crm:
        first = await crm.search_accounts("acme", limit=3)
        assert [c.body["limit"] for c in fake.requests_to(SEARCH)] == [2, 1]
        second = await crm.search_accounts("acme", limit=3, cursor=first.next_cursor)
    assert [a.name[-2:] for a in first.items + second.items] == ["01", "02", "03", "04", "05", "06"]
    assert len(fake.requests_to(SEARCH)) == 4


async def test_a_limit_below_one_is_rejected_before_any_request() -> None:
    fake = HubSpotFake(CONTRACT_DATASET)
    async with connected(fake) as crm:
        with pytest.raises(InvalidQueryError):
            await crm.search_accounts("Northwind", limit=0)
    assert fake.calls == []


async def test_search_never_pages_past_the_10000_result_cap() -> None:
    bodies: list[dict[str, Any]] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        bodies.append(body)
        after = int(body.get("after", "0")) + body["limit"]
        results = [{"id": str(500 + n), "properties": {"name": f"Acme {n}"}} for n in range(body["limit"])]
        return httpx2.Response(
            200, json={"total": 25_000, "results": results, "paging": {"next": {"after": str(after)}}}
        )

    async with scripted(handler) as crm:
        pages = await every_page(
            lambda cursor: crm.search_accounts("acme", limit=100, cursor=cursor), most=200
        )
    assert pages[0].next_cursor is not None and pages[0].total == 25_000
    assert len(pages) == 100
    assert int(bodies[-1]["after"]) + bodies[-1]["limit"] == 10_000


# --- mapping ------------------------------------------------------------------------------------


async def _company_after(our_id: str, **properties: str) -> Account:
    """The company seeded from `our_id` as the connector reads it once its `properties` hold these raw
    values."""
    fake = HubSpotFake(CONTRACT_DATASET)
    company = fake.company_id(our_id)
    for name, value in properties.items():
        fake.set_property("companies", company, name, value)
    async with connected(fake) as crm:
        account: Account = await crm.get_account(company)
    assert account.id == company
    return account


async def test_an_industry_code_reads_as_words_and_an_empty_plan_as_none() -> None:
    account = await _company_after("fabrikam", industry="COMPUTER_SOFTWARE", plan="")
    assert account.industry == "Computer software" and account.plan is None


@pytest.mark.parametrize(
    "value",
    [
        "2027-01-15",
        "2027-01-15T00:00:00Z",
        "2027-01-15T00:00:00.000+00:00",
        "2027-01-14T21:00:00-05:00",
        "1799971200000",
    ],
)
async def test_renewal_dates_parse_from_iso_dates_datetimes_and_epoch_milliseconds(value: str) -> None:
    account = await _company_after("contoso", renewal_date=value)
    assert account.renewal_date == date(2027, 1, 15)


async def test_created_at_is_an_aware_utc_datetime() -> None:
    fake = HubSpotFake(CONTRACT_DATASET)
    async with connected(fake) as crm:
        account = await crm.get_account(fake.company_id("northwind"))
    assert account.created_at == datetime(2024, 3, 4, 9, 30, tzinfo=UTC)


async def test_records_link_to_the_portal_when_its_id_is_known() -> None:
    fake = HubSpotFake(CONTRACT_DATASET)
    company = fake.company_id("northwind")
    async with connected(fake, portal_id=fake.portal_id) as crm:
        account = await crm.get_account(company)
        deals = await crm.list_opportunities(company)
    assert account.ref == Ref(
        system="hubspot",
        id=company,
        url=f"https://app.hubspot.com/contacts/{fake.portal_id}/record/0-2/{company}",
    )
    assert all(d.ref.url and f"/record/0-3/{d.id}" in d.ref.url for d in deals)


async def test_contacts_beyond_one_batch_are_read_100_at_a_time() -> None:
    contacts = tuple(Contact(name=f"Person {n}", email=f"p{n}@wide.example") for n in range(120))
    fake = HubSpotFake(one_account("Wide World Importers", *contacts, domain=None))
    async with connected(fake, max_contacts=150) as crm:
        account = await crm.get_account(fake.company_id("wide"))
    batches = fake.requests_to("/crm/v3/objects/contacts/batch/read")
    assert [len(c.body["inputs"]) for c in batches] == [100, 20]
    assert batches[0].body["properties"] == ["firstname", "lastname", "email", "jobtitle"]
    assert [c.email for c in account.contacts] == [f"p{n}@wide.example" for n in range(120)]


async def test_contacts_are_capped_for_very_large_companies() -> None:
    contacts = tuple(Contact(name=f"Person {n}", email=f"p{n}@wide.example") for n in range(120))
    fake = HubSpotFake(one_account("Wide World Importers", *contacts, domain=None))
    async with connected(fake, max_contacts=30) as crm:
        account = await crm.get_account(fake.company_id("wide"))
    assert len(account.contacts) == 30
    assert [len(c.body["inputs"]) for c in fake.requests_to("/crm/v3/objects/contacts/batch/read")] == [30]


async def test_a_contact_deleted_after_it_was_associated_is_skipped() -> None:
    fake = HubSpotFake(CONTRACT_DATASET)
    gone = fake.contact_ids("northwind")[0]
    del fake.contacts[gone]
    async with connected(fake) as crm:
        account = await crm.get_account(fake.company_id("northwind"))
    assert [c.email for c in account.contacts] == ["sam.reed@northwind.example"]


async def test_the_owner_is_looked_up_once_through_the_owners_api() -> None:
    fake = HubSpotFake(CONTRACT_DATASET)
    company = fake.company_id("northwind")
    async with connected(fake) as crm:
        first = await crm.get_account(company)
        second = await crm.get_account(company)
    assert first.owner == Person(name="Priya Raman", email="priya.raman@vendor.example", role="internal")
    assert second.owner == first.owner
    assert len([c for c in fake.calls if c.path.startswith("/crm/v3/owners/")]) == 1


@pytest.mark.parametrize("owner_id", ["61999999", "not-an-id"], ids=["no-longer-known", "not-an-id"])
async def test_an_owner_hubspot_does_not_know_leaves_the_owner_unknown(owner_id: str) -> None:
    account = await _company_after("northwind", hubspot_owner_id=owner_id)
    assert account.owner is None


async def test_deals_map_stage_labels_closed_stages_kinds_and_amounts() -> None:
    fake = HubSpotFake(CONTRACT_DATASET)
    fake.add_stage("1049999001", "Churned", closed=True)
    fake.add_stage("1049999002", "Lost to competitor", closed=False)  # closed in practice; see closed_stages
    deals = {
        "renewal": fake.add_deal(
            "northwind",
            {
                "dealname": "Northwind renewal FY28",
                "dealtype": "existingbusiness",
                "dealstage": "contractsent",
                "amount": "12,500.75",
                "closedate": "1830297600000",
            },
        ),
        "seats": fake.add_deal(
            "northwind",
            {"dealname": "Northwind seats", "dealtype": "existingbusiness", "dealstage": "qualifiedtobuy"},
        ),
        "upsell": fake.add_deal(
            "northwind",
            {"dealname": "Northwind SSO", "dealtype": "upsell", "dealstage": "1049999001", "amount": ""},
        ),
        "configured": fake.add_deal(
            "northwind",
            {"dealname": "Northwind EU", "dealtype": None, "dealstage": "1049999002", "amount": "n/a"},
        ),
        "flagged": fake.add_deal(
            "northwind", {"dealname": "Northwind pilot", "dealstage": "mystery", "hs_is_closed": "true"}
        ),
    }
    async with connected(fake, closed_stages=["1049999002"]) as crm:
        found = {d.id: d for d in await crm.list_opportunities(fake.company_id("northwind"))}
    renewal, seats, upsell = found[deals["renewal"]], found[deals["seats"]], found[deals["upsell"]]
    assert (renewal.kind, renewal.stage, renewal.is_open) == ("renewal", "Contract sent", True)
    assert renewal.amount == pytest.approx(12_500.75) and renewal.close_date == date(2028, 1, 1)
    assert (seats.kind, seats.is_open, seats.close_date) == ("other", True, None)
    assert (upsell.kind, upsell.stage, upsell.is_open, upsell.amount) == ("expansion", "Churned", False, None)
    configured = found[deals["configured"]]
    assert (configured.is_open, configured.kind, configured.amount) == (False, "other", None)
    flagged = found[deals["flagged"]]
    assert (flagged.is_open, flagged.stage) == (False, "mystery")


async def test_open_deals_come_first_soonest_close_first() -> None:
    fake = HubSpotFake(CONTRACT_DATASET)
    fake.add_deal(
        "northwind", {"dealname": "Later", "dealstage": "qualifiedtobuy", "closedate": "2027-09-01"}
    )
    fake.add_deal(
        "northwind", {"dealname": "Sooner", "dealstage": "qualifiedtobuy", "closedate": "2026-12-01"}
    )
    fake.add_deal(
        "northwind", {"dealname": "Lost recently", "dealstage": "closedlost", "closedate": "2026-10-01"}
    )
    async with connected(fake) as crm:
        deals = await crm.list_opportunities(fake.company_id("northwind"))
    assert [d.name for d in deals] == [
        "Sooner",
        "Northwind renewal 2027",
        "Later",
        "Lost recently",
        "Northwind analytics add-on",
    ]


async def test_deals_ask_for_the_configured_kind_property() -> None:
    fake = HubSpotFake(CONTRACT_DATASET, property_names={"deal_kind": "deal_category"})
    async with connected(fake, properties=PropertyMap(deal_kind="deal_category")) as crm:
        deals = await crm.list_opportunities(fake.company_id("northwind"))
    (batch,) = fake.requests_to("/crm/v3/objects/deals/batch/read")
    assert "deal_category" in batch.body["properties"] and "dealtype" not in batch.body["properties"]
    assert [d.kind for d in deals] == ["renewal", "expansion"]


# --- not found ----------------------------------------------------------------------------------


@pytest.mark.parametrize("bad_id", ["northwind", "../owners/1", "12 34", ""])
async def test_an_id_that_is_not_a_hubspot_id_is_not_found_without_a_request(bad_id: str) -> None:
    fake = HubSpotFake(CONTRACT_DATASET)
    async with connected(fake) as crm:
        with pytest.raises(NotFoundError, match="search by name or domain"):
            await crm.get_account(bad_id)
        with pytest.raises(NotFoundError):
            await crm.list_opportunities(bad_id)
    assert fake.calls == []


# --- failures -----------------------------------------------------------------------------------


async def test_a_missing_scope_is_permission_denied_naming_the_scope() -> None:
    fake = HubSpotFake(CONTRACT_DATASET)
    fake.missing_scopes = {"crm.objects.contacts.read"}
    async with connected(fake) as crm:
        with pytest.raises(PermissionDeniedError, match=r"crm\.objects\.contacts\.read"):
            await crm.get_account(fake.company_id("northwind"))


async def test_a_retired_endpoint_is_an_error_not_an_empty_result() -> None:
    fake = HubSpotFake(CONTRACT_DATASET)
    fake.removed_paths = {SEARCH}
    async with connected(fake) as crm:
        with pytest.raises(EndpointGoneError, match="410"):
            await crm.search_accounts("Northwind")
    assert len(fake.calls) == 1


@pytest.mark.parametrize("policy", ["SECONDLY", "TEN_SECONDLY_ROLLING"])
async def test_a_short_rate_limit_waits_about_a_second_then_succeeds(policy: str) -> None:
    fake = HubSpotFake(CONTRACT_DATASET)
    fake.rate_limit_next = [policy]
    clock = _Clock()
    async with connected(fake, clock) as crm:
        page = await crm.search_accounts("Northwind")
    assert [a.name for a in page.items] == ["Northwind Traders"]
    assert len(fake.requests_to(SEARCH)) == 2
    assert sum(clock.sleeps) == pytest.approx(1.0)


async def test_the_daily_limit_fails_at_once_without_retrying() -> None:
    fake = HubSpotFake(CONTRACT_DATASET)
    fake.daily_limit_reached = True
    clock = _Clock()
    async with connected(fake, clock) as crm:
        with pytest.raises(RateLimitedError, match="daily") as info:
            await crm.search_accounts("Northwind")
    assert info.value.retry_after is None
    assert len(fake.calls) == 1 and clock.sleeps == []


async def test_a_burst_against_a_ten_per_second_limit_completes_in_the_time_the_limit_allows() -> None:
    clock = _Clock()
    fake = HubSpotFake(acme_accounts(3), clock=clock.monotonic)
    fake.secondly_limit = 10
    async with connected(fake, clock) as crm:
        pages = [await crm.search_accounts("acme") for _ in range(35)]
    assert all(len(p.items) == 3 for p in pages)
    # 35 requests need four one-second windows (3 s at least); after the first 429 the client paces
    # itself at the observed rate rather than retrying in waves
    assert 3.0 <= clock.now <= 3.0 * 1.15
    assert fake.rate_limited <= 2


# --- configuration ------------------------------------------------------------------------------


def _settings(**env: str) -> Any:
    return load_settings({"CUSTOMER_ESCALATION_CRM": "hubspot", **env})


def test_a_missing_token_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="HUBSPOT_ACCESS_TOKEN: is not set"):
        from_settings(_settings(), "crm")


def test_hubspot_serves_only_the_crm_category() -> None:
    with pytest.raises(ConfigError, match="crm"):
        from_settings(_settings(HUBSPOT_ACCESS_TOKEN="pat-x"), "support")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("HUBSPOT_BASE_URL", "http://api.hubapi.com"),
        ("HUBSPOT_PROPERTY_ARR", "annual recurring revenue"),
        ("HUBSPOT_PROPERTY_TIER", "tier,plan"),
        ("HUBSPOT_PORTAL_ID", "acme"),
        ("HUBSPOT_UI_DOMAIN", "https://app.hubspot.com/"),
        ("HUBSPOT_ACCESS_TOKEN", "pat-x\nX-Injected: 1"),
    ],
)
def test_an_invalid_setting_is_refused_naming_its_variable(variable: str, value: str) -> None:
    env = {"HUBSPOT_ACCESS_TOKEN": "pat-x", variable: value}
    with pytest.raises(ConfigError, match=variable):
        from_settings(_settings(**env), "crm")


def test_every_invalid_setting_is_named_on_one_line_without_its_value() -> None:
    env = {
        "HUBSPOT_ACCESS_TOKEN": "pat-secret-4417\nX-Injected: 1",
        "HUBSPOT_PORTAL_ID": "acme-portal",
        "HUBSPOT_PROPERTY_HEALTH": "health score",
    }
    one_line_refusal(
        lambda: from_settings(_settings(**env), "crm"),
        names=env,
        hides=("pat-secret-4417", "X-Injected", "acme-portal", "health score"),
    )


async def test_configured_property_names_and_closed_stages_are_used() -> None:
    dataset = CONTRACT_DATASET
    fake = HubSpotFake(dataset, property_names={"arr": "annual_recurring_revenue", "tier": "support_tier"})
    fake.add_stage("9990001", "Cancelled", closed=False)
    deal = fake.add_deal("northwind", {"dealname": "Northwind cancelled", "dealstage": "9990001"})
    settings = _settings(
        HUBSPOT_ACCESS_TOKEN=fake.token,
        HUBSPOT_PROPERTY_ARR="annual_recurring_revenue",
        HUBSPOT_PROPERTY_TIER="support_tier",
        HUBSPOT_CLOSED_STAGES="9990001, 9990002",
        HUBSPOT_PORTAL_ID="4412345",
        HUBSPOT_UI_DOMAIN="app-eu1.hubspot.com",
    )
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), base_url=BASE_URL) as client:
        crm = from_settings(settings, "crm", client=client)
        page = await crm.search_accounts("Northwind")
        deals = {d.id: d for d in await crm.list_opportunities(page.items[0].id)}
    (call,) = fake.requests_to(SEARCH)
    assert {"annual_recurring_revenue", "support_tier"} <= set(call.body["properties"])
    assert "arr" not in call.body["properties"]
    assert page.items[0].arr == pytest.approx(240_000.0) and page.items[0].tier == "enterprise"
    assert page.items[0].ref.url is not None and page.items[0].ref.url.startswith(
        "https://app-eu1.hubspot.com/"
    )
    assert deals[deal].is_open is False


async def test_the_factory_builds_the_hubspot_crm_from_settings() -> None:
    fake = HubSpotFake(CONTRACT_DATASET)
    settings = _settings(HUBSPOT_ACCESS_TOKEN=fake.token, HUBSPOT_BASE_URL="http://127.0.0.1:8765")
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app)) as client:
        crm = build_vendor("hubspot", settings, "crm", client=client)
        assert isinstance(crm, CRM) and crm.system == "hubspot"
        page = await crm.search_accounts("Fabrikam")
    assert [a.name for a in page.items] == ["Fabrikam Studio"]
    assert fake.calls[0].path == SEARCH
