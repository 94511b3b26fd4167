"""Jira and Confluence responses in the shape the vendors document (`tests/fixtures/vendors/`).

Each fixture is read by the connector's response models and mapped to a record, and the fakes answer
the same endpoint with a body the same models accept and whose keys match the fixture's two levels
down, so the fakes cannot drift from the documented shape unnoticed.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest
from pydantic import BaseModel

from customer_escalation.connectors.confluence.knowledge_base import SEARCH_EXPAND
from customer_escalation.connectors.confluence.mapping import ArticleMapping
from customer_escalation.connectors.confluence.models import PageV2, SearchPage, SpaceList
from customer_escalation.connectors.errors import UpstreamError
from customer_escalation.connectors.jira.mapping import IssueMapping, Vocabulary
from customer_escalation.connectors.jira.models import Issue, Myself, ResolutionPage
from customer_escalation.connectors.jira.models import SearchPage as JiraSearchPage
from customer_escalation.connectors.jira.tracker import ISSUE_FIELDS, SEARCH_FIELDS
from customer_escalation.connectors.vendor import parse_body
from tests.connectors.vendor_shapes import vendor_fixture
from tests.contract.dataset import CONTRACT_DATASET, NOW
from tests.fakes.confluence import ConfluenceFake
from tests.fakes.jira import API_TOKEN, EMAIL, SITE, JiraFake

pytestmark = pytest.mark.anyio

WIKI = "https://tundra-labs.atlassian.net/wiki"


def parse(model: type[BaseModel], vendor: str, name: str) -> Any:
    return parse_body(model, vendor_fixture(vendor, name), system=vendor, endpoint=name)


# (a) the documented shapes read as records ---------------------------------------------------------


def test_a_jira_search_page_maps_to_issues_and_a_next_token() -> None:
    page = parse(JiraSearchPage, "jira", "search_jql.json")
    [issue] = [IssueMapping(Vocabulary(), SITE).issue(raw, snippet=True) for raw in page.issues]
    assert page.following == "Ck9PUFMtMzExOjIwMjctMDItMDVUMDg6MDM6MTIuNjQwWg"
    assert (issue.key, issue.kind, issue.status, issue.priority) == ("OPS-311", "bug", "in_progress", "high")
    assert (issue.labels, issue.linked_ticket_ids, issue.linked_account_ids) == (
        ("billing",),
        ("5520",),
        ("harbor-foods",),
    )
    assert issue.components == ("exports",)
    assert issue.body == "Since the renderer upgrade, PDF exports come back as empty pages."
    assert issue.created_at == datetime(2027, 2, 3, 13, 22, 51, 118000, tzinfo=UTC)


def test_a_jira_issue_reads_its_reopening_from_the_changelog_and_its_comments() -> None:
    raw = parse(Issue, "jira", "issue.json")
    issue = IssueMapping(Vocabulary(), SITE).issue(raw, snippet=False)
    assert issue.status == "reopened"
    assert issue.resolved_at == datetime(2027, 1, 10, 17, tzinfo=UTC)
    assert issue.reopened_at == datetime(2027, 1, 30, 20, tzinfo=UTC)
    assert issue.fix_version == "2027.1"
    assert issue.body.startswith("### Steps\n\n1. Schedule a monthly report\n2. Wait for the 31st")
    assert "Comment by Ines Carvalho on 2027-01-30:\nStill happens on 2027.1 for February." in issue.body


def test_the_jira_account_and_resolutions_read_as_documented() -> None:
    assert parse(Myself, "jira", "myself.json").time_zone == "Europe/Lisbon"
    resolutions = parse(ResolutionPage, "jira", "resolution_search.json")
    assert ([r.name for r in resolutions.values], resolutions.is_last) == (["Done", "Won't Do"], False)


def test_a_confluence_search_page_maps_to_articles_and_a_cursor() -> None:
    page = parse(SearchPage, "confluence", "search.json")
    [article] = [ArticleMapping(WIKI).from_search(result, page.base) for result in page.results]
    assert page.links.next_cursor == "_sa_WyJcdDU1NzA1NjEiXQ=="
    assert page.total_size == 4
    assert article is not None
    assert (article.id, article.title, article.kind, article.product_area) == (
        "5570561",
        "Blank invoice PDFs",
        "known-issue",
        "billing",
    )
    assert article.workaround == "Export as CSV until the fix ships."
    assert article.ref.url == f"{WIKI}/spaces/HELP/pages/5570561/Blank+invoice+PDFs"


def test_a_confluence_page_and_its_space_read_as_documented() -> None:
    article = ArticleMapping("https://elsewhere.example/wiki").from_page(
        parse(PageV2, "confluence", "page.json")
    )
    spaces = parse(SpaceList, "confluence", "spaces.json")
    assert (article.kind, article.status, article.labels) == ("known-issue", "current", ())
    assert article.updated_at == datetime(2027, 2, 2, 16, 45, 9, 331000, tzinfo=UTC)
    assert article.ref.url == f"{WIKI}/spaces/HELP/pages/5570561/Blank+invoice+PDFs"
    assert [(s.id, s.key) for s in spaces.results] == [("5505024", "HELP")]


def test_a_fixture_missing_a_required_part_is_an_upstream_error() -> None:
    body = vendor_fixture("jira", "issue.json")
    del body["fields"]["created"]
    with pytest.raises(UpstreamError, match=r"issue\.json returned a body of an unexpected shape"):
        parse_body(Issue, body, system="jira", endpoint="issue.json")


# (b) the fakes answer in the same shapes --------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    vendor: str
    fixture: str
    model: type[BaseModel]
    request: Callable[[Any], httpx2.Request]


def _jira_search(fake: Any) -> httpx2.Request:
    body = {"jql": "project = ENG ORDER BY updated DESC", "fields": list(SEARCH_FIELDS), "maxResults": 1}
    return httpx2.Request("POST", f"{SITE}/rest/api/3/search/jql", json=body)


def _jira_issue(fake: Any) -> httpx2.Request:
    params = {"fields": ",".join(ISSUE_FIELDS), "expand": "changelog"}
    return httpx2.Request("GET", f"{SITE}/rest/api/3/issue/ENG-42", params=params)


def _confluence_search(fake: Any) -> httpx2.Request:
    params = {"cql": "type = page", "limit": 1, "expand": SEARCH_EXPAND}
    return httpx2.Request("GET", f"{SITE}/wiki/rest/api/search", params=params)


def _confluence_page(fake: Any) -> httpx2.Request:
    page_id = next(iter(fake.pages))
    params = {"body-format": "storage", "include-labels": "true"}
    return httpx2.Request("GET", f"{SITE}/wiki/api/v2/pages/{page_id}", params=params)


ENDPOINTS = [
    Endpoint("jira", "search_jql.json", JiraSearchPage, _jira_search),
    Endpoint("jira", "issue.json", Issue, _jira_issue),
    Endpoint("jira", "myself.json", Myself, lambda fake: httpx2.Request("GET", f"{SITE}/rest/api/3/myself")),
    Endpoint(
        "jira",
        "resolution_search.json",
        ResolutionPage,
        lambda fake: httpx2.Request(
            "GET", f"{SITE}/rest/api/3/resolution/search", params={"startAt": 0, "maxResults": 2}
        ),
    ),
    Endpoint("confluence", "search.json", SearchPage, _confluence_search),
    Endpoint("confluence", "page.json", PageV2, _confluence_page),
    Endpoint(
        "confluence",
        "spaces.json",
        SpaceList,
        lambda fake: httpx2.Request("GET", f"{SITE}/wiki/api/v2/spaces", params={"keys": "SUP"}),
    ),
]


def shape(body: dict[str, Any]) -> dict[str, set[str]]:
    """The keys of `body` and of each object directly below it (the first one, for a list of objects)."""
    keys = {"": set(body)}
    for name, value in body.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value = value[0]
        if isinstance(value, dict):
            keys[name] = set(value)
    return keys


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.vendor}/{e.fixture}")
async def test_the_fake_answers_in_the_documented_shape(endpoint: Endpoint) -> None:
    fake = (JiraFake if endpoint.vendor == "jira" else ConfluenceFake)(CONTRACT_DATASET, now=lambda: NOW)
    request = endpoint.request(fake)
    request.headers["Authorization"] = "Basic " + base64.b64encode(f"{EMAIL}:{API_TOKEN}".encode()).decode()
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app)) as client:
        response = await client.send(request)
    assert response.status_code == 200
    body = response.json()
    parse_body(endpoint.model, body, system=endpoint.vendor, endpoint=endpoint.fixture)
    assert shape(body) == shape(vendor_fixture(endpoint.vendor, endpoint.fixture))
