"""Salesforce's documented response shapes, pinned: hand-written fixtures in the shape Salesforce's REST
API reference gives, read by our response models, and the fake held to the same models and keys.

The fixtures live in tests/fixtures/vendors/salesforce/; their names, ids and text are invented.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

import httpx2
import pytest

from customer_escalation.connectors.errors import AuthError, InvalidQueryError, RateLimitedError
from customer_escalation.connectors.records import Contact, Person
from customer_escalation.connectors.salesforce.models import QueryResult, read_errors
from customer_escalation.connectors.vendor import parse_body
from tests.connectors.vendor_shapes import shape_differences, vendor_fixture
from tests.contract.dataset import CONTRACT_DATASET
from tests.fakes.salesforce import BASE_URL, SalesforceFake

from .conftest import QUERY, scripted

pytestmark = pytest.mark.anyio

ACCOUNT_ID = "001Qw00000R7kLmIAJ"

_fixture = partial(vendor_fixture, "salesforce")
_shape_differences = partial(shape_differences, depth=4)


def _result(body: Any) -> QueryResult:
    return parse_body(QueryResult, body, system="salesforce", endpoint=f"GET {QUERY}")


# --- (a) the documented shapes read as we expect ----------------------------------------------------


def test_documented_query_results_read_records_fields_and_the_next_batch() -> None:
    accounts = _result(_fixture("query-accounts.json"))
    (account,) = accounts.records
    assert (accounts.total_size, accounts.done, accounts.next_records_url) == (1, True, None)
    assert account.id == ACCOUNT_ID and account.value("ARR__c") == 132000.0
    assert account.owner is not None and account.owner.name == "Marisol Quenby"
    first = _result(_fixture("query-contacts-first-batch.json"))
    assert first.done is False and first.next_records_url == "/services/data/v66.0/query/0r8Qw00000FkTbNIAV-2"
    assert [c.value("Email") for c in first.records] == [
        "otso@brennholt-cartage.example",
        "DISPATCH@brennholt-cartage.example",
    ]


def test_documented_error_arrays_read_code_and_message() -> None:
    errors = _fixture("errors.json")
    assert [(e.error_code, e.message) for e in read_errors(errors["invalid_session"])] == [
        ("INVALID_SESSION_ID", "Session expired or invalid")
    ]
    assert [e.error_code for e in read_errors(errors["malformed_query"])] == ["MALFORMED_QUERY"]


def _documented_org(request: httpx2.Request) -> httpx2.Response:
    path, soql = request.url.path, request.url.params.get("q", "")
    if path == "/services/data/v66.0/query/0r8Qw00000FkTbNIAV-2":
        return httpx2.Response(200, json=_fixture("query-contacts-next-batch.json"))
    if " FROM Account " in soql:
        return httpx2.Response(200, json=_fixture("query-accounts.json"))
    if " FROM Contact " in soql:
        return httpx2.Response(200, json=_fixture("query-contacts-first-batch.json"))
    if " FROM Opportunity " in soql:
        return httpx2.Response(200, json=_fixture("query-opportunities.json"))
    return httpx2.Response(
        404, json=[{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]
    )


async def test_an_account_and_its_opportunities_are_read_from_documented_responses() -> None:
    async with scripted(_documented_org) as crm:
        account = await crm.get_account(ACCOUNT_ID)
        deals = await crm.list_opportunities(ACCOUNT_ID)
    assert (account.name, account.tier, account.health, account.arr) == (
        "Brennholt Cartage",
        "business",
        "red",
        132_000.0,
    )
    assert account.domains == ("brennholt-cartage.example",) and account.industry == "Transportation"
    assert account.renewal_date == date(2026, 9, 30)
    assert account.owner == Person(
        name="Marisol Quenby", email="marisol.quenby@vendor.example", role="internal"
    )
    assert account.contacts == (
        Contact(
            name="Otso Brennholt",
            email="otso@brennholt-cartage.example",
            title="Chief Executive Officer",
            is_executive=True,
        ),
        Contact(name="Dispatch desk", email="dispatch@brennholt-cartage.example"),
        Contact(
            name="Wenna Tarrow",
            email="wenna.tarrow@brennholt-cartage.example",
            title="Fleet systems coordinator",
        ),
    )
    assert [(d.name, d.is_open, d.kind, d.stage) for d in deals] == [
        ("Brennholt renewal FY27", True, "renewal", "Proposal/Price Quote"),
        ("Brennholt route optimiser", False, "expansion", "Closed Won"),
    ]


@pytest.mark.parametrize(
    ("status", "name", "error"),
    [
        (401, "invalid_session", AuthError),
        (400, "malformed_query", InvalidQueryError),
        (403, "request_limit", RateLimitedError),
    ],
)
async def test_documented_errors_map_to_connector_errors(
    status: int, name: str, error: type[Exception]
) -> None:
    body = _fixture("errors.json")[name]
    async with scripted(lambda request: httpx2.Response(status, json=body)) as crm:
        with pytest.raises(error):
            await crm.search_accounts("Brennholt")


# --- (b) the fake answers in the same shapes --------------------------------------------------------


async def _fake_query(fake: SalesforceFake, soql: str) -> tuple[Any, Any]:
    headers = {"Authorization": f"Bearer {fake.token}"}
    transport = httpx2.ASGITransport(app=fake.app)
    async with httpx2.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers) as client:
        first = await client.get(QUERY, params={"q": soql})
        assert first.is_success, first.text
        body = first.json()
        following = await client.get(body["nextRecordsUrl"]) if not body["done"] else None
    return body, following.json() if following is not None else None


async def test_the_fakes_account_query_has_the_documented_shape() -> None:
    fields = "Id, Name, Website, Industry, Type, CreatedDate, Owner.Name, Owner.Email, ARR__c, Renewal_Date__c, Support_Tier__c, Health__c"
    served, _ = await _fake_query(
        SalesforceFake(CONTRACT_DATASET), f"SELECT {fields} FROM Account WHERE Name LIKE 'North%'"
    )
    _result(served)
    assert _shape_differences(_fixture("query-accounts.json"), served) == []


async def test_the_fakes_batches_and_opportunities_have_the_documented_shape() -> None:
    fake = SalesforceFake(CONTRACT_DATASET, batch_size=2)  # three contacts: a batch of two, then the last
    contacts, following = await _fake_query(fake, "SELECT Id, FirstName, LastName, Email, Title FROM Contact")
    fields = "Id, AccountId, Name, StageName, Amount, CloseDate, IsClosed, IsWon, Type"
    deals, _ = await _fake_query(SalesforceFake(CONTRACT_DATASET), f"SELECT {fields} FROM Opportunity")
    for served, name in [
        (contacts, "query-contacts-first-batch.json"),
        (following, "query-contacts-next-batch.json"),
        (deals, "query-opportunities.json"),
    ]:
        _result(served)
        assert _shape_differences(_fixture(name), served) == [], name


def test_the_shape_check_notices_a_renamed_key() -> None:
    documented = _fixture("query-contacts-first-batch.json")
    drifted = {**documented, "nextRecordsURL": documented["nextRecordsUrl"]}
    del drifted["nextRecordsUrl"]
    assert _shape_differences(documented, drifted) == [
        "body: keys differ by ['nextRecordsURL', 'nextRecordsUrl']"
    ]
