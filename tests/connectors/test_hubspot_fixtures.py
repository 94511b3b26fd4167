"""HubSpot's documented response shapes, pinned: hand-written fixtures in the shape HubSpot's API
reference gives, read by our response models, and the fake held to the same models and keys.

The fixtures live in tests/fixtures/vendors/hubspot/; their names, ids and text are invented.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from functools import partial
from typing import Any

import httpx2
import pytest
from pydantic import BaseModel

from customer_escalation.connectors._http import HttpApi
from customer_escalation.connectors.hubspot.client import HubSpotCRM
from customer_escalation.connectors.hubspot.models import (
    AssociationPage,
    BatchRead,
    CrmObject,
    ObjectPage,
    Owner,
    Pipelines,
)
from customer_escalation.connectors.hubspot.policy import HubSpotPolicy
from customer_escalation.connectors.records import Contact, Person
from customer_escalation.connectors.vendor import parse_body
from tests.connectors.vendor_shapes import shape_differences, vendor_fixture
from tests.contract.dataset import CONTRACT_DATASET
from tests.fakes.hubspot import BASE_URL, HubSpotFake

pytestmark = pytest.mark.anyio

FREE_FORM = frozenset({"properties"})
"""Keys whose members are data (a record's property names), not part of the shape."""

_fixture = partial(vendor_fixture, "hubspot")
_shape_differences = partial(shape_differences, free_form=FREE_FORM)


def _parse(model: type[BaseModel], body: Any, endpoint: str) -> Any:
    return parse_body(model, body, system="hubspot", endpoint=endpoint)


# --- (a) the documented shapes read as we expect ----------------------------------------------------


def test_a_documented_search_page_reads_its_records_total_and_next_offset() -> None:
    page = _parse(ObjectPage, _fixture("companies-search.json"), "POST /crm/v3/objects/companies/search")
    assert page.total == 3 and page.next_after() == "2"
    assert [c.id for c in page.results] == ["31870022514", "31870022577"]
    assert page.results[0].properties["name"] == "Halvorsen Tiling"
    assert page.results[1].properties["arr"] is None


def test_documented_associations_read_numeric_target_ids_as_strings() -> None:
    page = _parse(AssociationPage, _fixture("company-contact-associations.json"), "GET associations")
    assert [link.to_object_id for link in page.results] == ["88120401", "88120437"]
    assert page.next_after() == "MjAw"


def test_a_documented_batch_read_and_owner_and_pipelines_parse() -> None:
    batch = _parse(BatchRead, _fixture("contacts-batch-read.json"), "POST batch read")
    assert [c.properties.get("email") for c in batch.results] == [
        "ingrid.halvorsen@halvorsen-tiling.example",
        "accounts@halvorsen-tiling.example",
    ]
    owner = _parse(Owner, _fixture("owner.json"), "GET owner")
    assert (owner.first_name, owner.last_name, owner.email) == ("Teodor", "Vik", "teodor.vik@vendor.example")
    pipelines = _parse(Pipelines, _fixture("deal-pipelines.json"), "GET pipelines")
    stages = [
        (s.id, s.metadata.is_closed if s.metadata else None) for p in pipelines.results for s in p.stages
    ]
    assert stages == [("qualifiedtobuy", "false"), ("closedwon", "true"), ("80443317", "true")]


def _documented_portal(request: httpx2.Request) -> httpx2.Response:
    path = request.url.path
    if path == "/crm/v3/objects/companies/31870022514":
        return httpx2.Response(200, json=_fixture("companies-search.json")["results"][0])
    if path == "/crm/v4/objects/companies/31870022514/associations/contacts":
        return httpx2.Response(200, json=_fixture("company-contact-associations.json"))
    if path == "/crm/v3/objects/contacts/batch/read":
        return httpx2.Response(200, json=_fixture("contacts-batch-read.json"))
    if path == "/crm/v3/owners/70214455":
        return httpx2.Response(200, json=_fixture("owner.json"))
    return httpx2.Response(
        404, json={"status": "error", "message": "not found", "category": "OBJECT_NOT_FOUND"}
    )


async def test_an_account_is_read_from_documented_responses() -> None:
    async with httpx2.AsyncClient(transport=httpx2.MockTransport(_documented_portal)) as client:
        crm = HubSpotCRM(HttpApi(HubSpotPolicy("pat-test"), base_url=BASE_URL, client=client), max_contacts=2)
        account = await crm.get_account("31870022514")
    assert (account.name, account.tier, account.health, account.arr) == (
        "Halvorsen Tiling",
        "business",
        "yellow",
        86_400.0,
    )
    assert account.domains == ("halvorsen-tiling.example", "halvorsen.example", "tiles.halvorsen.example")
    assert account.renewal_date == date(2026, 4, 30) and account.industry == "Construction"
    assert account.owner == Person(name="Teodor Vik", email="teodor.vik@vendor.example", role="internal")
    assert account.contacts == (
        Contact(
            name="Ingrid Halvorsen",
            email="ingrid.halvorsen@halvorsen-tiling.example",
            title="Chief Operating Officer",
            is_executive=True,
        ),
        Contact(name="accounts@halvorsen-tiling.example", email="accounts@halvorsen-tiling.example"),
    )


# --- (b) the fake answers in the same shapes --------------------------------------------------------


@asynccontextmanager
async def _fake_client() -> AsyncIterator[tuple[HubSpotFake, httpx2.AsyncClient]]:
    fake = HubSpotFake(CONTRACT_DATASET)
    headers = {"Authorization": f"Bearer {fake.token}"}
    transport = httpx2.ASGITransport(app=fake.app)
    async with httpx2.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers) as client:
        yield fake, client


async def _served(client: httpx2.AsyncClient, method: str, path: str, **kwargs: Any) -> Any:
    response = await client.request(method, path, **kwargs)
    assert response.is_success, response.text
    return response.json()


def _assert_same_shape(model: type[BaseModel], documented: Any, served: Any, endpoint: str) -> None:
    _parse(model, served, endpoint)
    assert _shape_differences(documented, served) == []


async def test_the_fakes_company_search_and_read_have_the_documented_shape() -> None:
    documented = _fixture("companies-search.json")
    async with _fake_client() as (fake, client):
        search = await _served(
            client,
            "POST",
            "/crm/v3/objects/companies/search",
            json={"query": "", "limit": 1, "properties": ["name"]},
        )
        company = await _served(
            client,
            "GET",
            f"/crm/v3/objects/companies/{fake.company_id('northwind')}",
            params={"properties": "name"},
        )
    _assert_same_shape(ObjectPage, documented, search, "POST /crm/v3/objects/companies/search")
    _assert_same_shape(CrmObject, documented["results"][0], company, "GET /crm/v3/objects/companies/{id}")


async def test_the_fakes_associations_and_batch_read_have_the_documented_shape() -> None:
    async with _fake_client() as (fake, client):
        company = fake.company_id("northwind")
        links = await _served(
            client, "GET", f"/crm/v4/objects/companies/{company}/associations/contacts", params={"limit": 1}
        )
        inputs = [{"id": i} for i in fake.contact_ids("northwind")]
        batch = await _served(
            client,
            "POST",
            "/crm/v3/objects/contacts/batch/read",
            json={"properties": ["firstname", "lastname", "email", "jobtitle"], "inputs": inputs},
        )
    _assert_same_shape(
        AssociationPage, _fixture("company-contact-associations.json"), links, "GET associations"
    )
    _assert_same_shape(BatchRead, _fixture("contacts-batch-read.json"), batch, "POST batch read")


async def test_the_fakes_owner_and_pipelines_have_the_documented_shape() -> None:
    async with _fake_client() as (fake, client):
        owner_id = fake.companies[fake.company_id("northwind")]["properties"]["hubspot_owner_id"]
        owner = await _served(client, "GET", f"/crm/v3/owners/{owner_id}")
        pipelines = await _served(client, "GET", "/crm/v3/pipelines/deals")
    _assert_same_shape(Owner, _fixture("owner.json"), owner, "GET /crm/v3/owners/{id}")
    _assert_same_shape(Pipelines, _fixture("deal-pipelines.json"), pipelines, "GET /crm/v3/pipelines/deals")


def test_the_shape_check_notices_a_renamed_key() -> None:
    documented = _fixture("companies-search.json")
    drifted = {**documented, "paging": {"next": {"offset": "2", "link": "?after=2"}}}
    assert _shape_differences(documented, drifted) == ["body.paging.next: keys differ by ['after', 'offset']"]
