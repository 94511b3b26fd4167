"""Linear responses in the documented shape (`tests/fixtures/vendors/linear/`).

Each fixture is read by the connector's response models and mapped to a record, and the fake answers
the same operation (the connector's own query) with a body the same models accept and whose keys
match the fixture's at every depth, so the fake cannot drift from the documented shape unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest
from pydantic import BaseModel

from customer_escalation.connectors.errors import UpstreamError
from customer_escalation.connectors.linear import queries
from customer_escalation.connectors.linear.mapping import IssueMapping, Links, Vocabulary
from customer_escalation.connectors.linear.models import (
    CreateData,
    Envelope,
    ErrorBody,
    IssueData,
    SearchData,
    TeamsData,
)
from customer_escalation.connectors.vendor import parse_body
from tests.connectors.vendor_shapes import vendor_fixture
from tests.contract.dataset import CONTRACT_DATASET, NOW
from tests.fakes.linear import API_KEY, BASE_URL, LinearFake

pytestmark = pytest.mark.anyio

LINKS = Links("https://tundra.zendesk.com/agent/tickets/{id}", None)


def fixture(name: str) -> Any:
    return vendor_fixture("linear", name)


def parse(model: type[BaseModel], name: str) -> Any:
    return parse_body(model, fixture(name), system="linear", endpoint=name)


# (a) the documented shapes read as records ---------------------------------------------------------


def test_a_search_page_maps_to_issues_a_cursor_and_a_total() -> None:
    page = parse(Envelope[SearchData], "search_issues.json").data.search_issues
    [issue] = [IssueMapping(Vocabulary(), LINKS).issue(raw, snippet=True) for raw in page.nodes]
    assert (page.page_info.following, page.total_count) == ("6f1c2a9e-4b7d-4e21-9c3a-0d5e8b7f1a24", 3)
    assert (issue.key, issue.kind, issue.status, issue.priority) == ("OPS-311", "bug", "in_progress", "high")
    assert (issue.project, issue.labels, issue.components) == ("OPS", ("billing",), ("Billing exports",))
    assert issue.linked_ticket_ids == ("5520",)  # read from the address
    assert issue.linked_account_ids == ("harbor-foods",)  # read from the metadata
    assert (
        issue.body
        == "Since the renderer upgrade, **PDF exports** come back as empty pages.\n\nSeen on three accounts."
    )
    assert issue.created_at == datetime(2027, 2, 3, 13, 22, 51, 118000, tzinfo=UTC)
    assert issue.ref.url == "https://linear.app/tundra-labs/issue/OPS-311/invoice-pdfs-render-blank"


def test_an_issue_reads_its_reopening_from_the_history_and_its_comments() -> None:
    raw = parse(Envelope[IssueData], "issue.json").data.issue
    issue = IssueMapping(Vocabulary(), LINKS).issue(raw, snippet=False)
    assert (issue.status, issue.fix_version, issue.priority) == ("reopened", "2027.1", "medium")
    assert issue.resolved_at == datetime(2027, 1, 10, 17, tzinfo=UTC)
    assert issue.reopened_at == datetime(2027, 1, 30, 20, tzinfo=UTC)
    assert issue.body.startswith("### Steps\n\n1. Schedule a monthly report")
    assert "## Comments (newest 2 of 2)" in issue.body
    assert issue.body.endswith(
        "Comment by Ines Carvalho on 2027-01-30:\nStill happens on 2027.1 for February."
    )


def test_teams_a_create_and_a_rate_limit_error_read_as_documented() -> None:
    [team] = parse(Envelope[TeamsData], "teams.json").data.teams.nodes
    created = parse(Envelope[CreateData], "issue_create.json").data.issue_create
    error = ErrorBody.read(fixture("ratelimited.json"))
    assert (team.key, team.name) == ("OPS", "Operations")
    assert created.success is True and created.issue is not None and created.issue.identifier == "OPS-312"
    assert error is not None and error.errors[0].kind == "ratelimited"
    assert error.errors[0].text == "Too many requests. Please try again in a minute."


def test_a_fixture_missing_a_required_part_is_an_upstream_error() -> None:
    body = fixture("issue.json")
    del body["data"]["issue"]["createdAt"]
    with pytest.raises(UpstreamError, match=r"issue\.json returned a body of an unexpected shape"):
        parse_body(Envelope[IssueData], body, system="linear", endpoint="issue.json")


# (b) the fake answers in the same shapes --------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    fixture: str
    model: type[BaseModel]
    name: str
    query: str
    variables: dict[str, Any]


OPERATIONS = [
    Operation("search_issues.json", Envelope[SearchData], "IssueSearch", queries.SEARCH_ISSUES, {"term": "webhook", "first": 1}),
    Operation("issue.json", Envelope[IssueData], "Issue", queries.ISSUE, {"id": "ENG-17"}),
    Operation("teams.json", Envelope[TeamsData], "Teams", queries.TEAMS, {"keys": ["ENG"]}),
]  # fmt: skip


def shape(value: Any) -> Any:
    """The keys of `value` at every depth (a list by its first entry; an empty list says nothing).
    An attachment's ``metadata`` is whatever its creator stored, so only its presence counts."""
    if isinstance(value, dict):
        return {key: None if key == "metadata" else shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return None


def same_keys(left: Any, right: Any) -> bool:
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same_keys(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return not left or not right or same_keys(left[0], right[0])
    return True


async def _post(fake: LinearFake, query: str, variables: dict[str, Any], name: str) -> httpx2.Response:
    body = {"query": query, "variables": variables, "operationName": name}
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app)) as client:
        return await client.post(f"{BASE_URL}/graphql", json=body, headers={"Authorization": API_KEY})


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.fixture)
async def test_the_fake_answers_in_the_documented_shape(operation: Operation) -> None:
    response = await _post(
        LinearFake(CONTRACT_DATASET, now=lambda: NOW), operation.query, operation.variables, operation.name
    )
    assert response.status_code == 200
    body = response.json()
    parse_body(operation.model, body, system="linear", endpoint=operation.fixture)
    assert same_keys(shape(body), shape(fixture(operation.fixture)))


async def test_the_fake_creates_in_the_documented_shape() -> None:
    fake = LinearFake(CONTRACT_DATASET, now=lambda: NOW)
    attachment = {
        "issueId": "8d0f8a43-0c1e-4d5b-9e2f-7a6b5c4d3e21",
        "url": "https://x.example/1",
        "title": "t",
    }
    variables = {
        "input": {
            "id": attachment["issueId"],
            "teamId": fake.team_by_key["ENG"]["id"],
            "title": "Blank PDFs",
        },
        "a0": attachment,
    }
    response = await _post(fake, queries.create_mutation(1), variables, "IssueCreate")
    body = response.json()
    parse_body(Envelope[CreateData], body, system="linear", endpoint="issue_create.json")
    assert same_keys(shape(body), shape(fixture("issue_create.json")))


async def test_the_fake_answers_a_rate_limit_in_the_documented_shape() -> None:
    fake = LinearFake(CONTRACT_DATASET, now=lambda: NOW, rate_limit=0)
    response = await _post(fake, queries.VIEWER, {}, "Viewer")
    assert response.status_code == 400
    assert response.headers["x-ratelimit-requests-remaining"] == "0"
    assert (
        shape(response.json())["errors"][0].keys() == shape(fixture("ratelimited.json"))["errors"][0].keys()
    )
    assert ErrorBody.read(response.json()) is not None
