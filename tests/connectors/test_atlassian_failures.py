"""Failures the Jira and Confluence connectors meet alike on an Atlassian site, run against each
product's fake: rejected credentials, rate limits, outages, bodies that are not JSON or not of the
expected shape, and endpoints Atlassian removed."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from customer_escalation.connectors.confluence.knowledge_base import ConfluenceKnowledgeBase
from customer_escalation.connectors.errors import AuthError, EndpointGoneError, UpstreamError
from customer_escalation.connectors.jira.tracker import JiraProjectTracker
from customer_escalation.connectors.records import Page
from tests.connectors.conftest import ClientTo
from tests.connectors.virtual_api import atlassian_api
from tests.contract.dataset import CONTRACT_DATASET
from tests.fakes.clock import VirtualClock
from tests.fakes.confluence import ConfluenceFake
from tests.fakes.jira import SITE, JiraFake

pytestmark = pytest.mark.anyio

WIKI = f"{SITE}/wiki"

Search = Callable[[], Awaitable[Page[Any]]]
"""The connector's search for "webhook"."""


@dataclass(frozen=True)
class System:
    """One Atlassian product, as these tests need it."""

    name: str
    base_url: str
    search_request: str
    """The request a search sends, as errors name it."""
    hits: int
    """How many of the contract dataset's records a search for "webhook" finds."""
    removed: str
    """A request Atlassian removed from the product's API."""
    removed_params: dict[str, str]
    open: Callable[[VirtualClock, ClientTo], tuple[Search, Any]]
    """The connector's search over a fresh fake of the product, and the fake."""


def _jira(clock: VirtualClock, client_to: ClientTo) -> tuple[Search, Any]:
    fake = JiraFake(CONTRACT_DATASET, clock=clock.monotonic, now=clock.wall)
    tracker = JiraProjectTracker(atlassian_api("jira", client_to(fake.app, SITE), clock, base_url=SITE))
    return (lambda: tracker.search_issues("webhook")), fake


def _confluence(clock: VirtualClock, client_to: ClientTo) -> tuple[Search, Any]:
    fake = ConfluenceFake(CONTRACT_DATASET, clock=clock.monotonic, now=clock.wall)
    api = atlassian_api("confluence", client_to(fake.app, SITE), clock, base_url=WIKI)
    kb = ConfluenceKnowledgeBase(api)
    return (lambda: kb.search_articles("webhook")), fake


JIRA = System(
    name="jira",
    base_url=SITE,
    search_request="POST /rest/api/3/search/jql",
    hits=3,
    removed="/rest/api/3/search",
    removed_params={"jql": "project = ENG"},
    open=_jira,
)
CONFLUENCE = System(
    name="confluence",
    base_url=WIKI,
    search_request="GET /wiki/rest/api/search",
    hits=2,
    removed="/rest/api/content/131073",
    removed_params={"expand": "body.storage"},
    open=_confluence,
)
SYSTEMS = [pytest.param(JIRA, id="jira"), pytest.param(CONFLUENCE, id="confluence")]


@pytest.mark.parametrize("system", SYSTEMS)
async def test_401_names_the_connector_and_the_variables(
    system: System, clock: VirtualClock, client_to: ClientTo
) -> None:
    search, fake = system.open(clock, client_to)
    fake.reject_auth = True
    with pytest.raises(AuthError, match=rf"{system.name} rejected.*JIRA_EMAIL and JIRA_API_TOKEN"):
        await search()


@pytest.mark.parametrize("system", SYSTEMS)
async def test_429_waits_for_the_window_then_succeeds(
    system: System, clock: VirtualClock, client_to: ClientTo
) -> None:
    search, fake = system.open(clock, client_to)
    fake.faults.rate_limit = 1
    first = await search()
    second = await search()
    assert first.items == second.items and len(second.items) == system.hits
    assert fake.faults.rate_limited == 1
    assert clock.sleeps == [1.0]


@pytest.mark.parametrize("system", SYSTEMS)
async def test_5xx_after_retries_is_an_upstream_error(
    system: System, clock: VirtualClock, client_to: ClientTo
) -> None:
    search, fake = system.open(clock, client_to)
    fake.faults.fail_next(503, count=3)
    with pytest.raises(UpstreamError, match="HTTP 503") as info:
        await search()
    assert info.value.status == 503
    assert len(fake.searches()) == 3


@pytest.mark.parametrize("system", SYSTEMS)
@pytest.mark.parametrize(("kind", "message"), [("html", "not JSON"), ("shape", "unexpected shape")])
async def test_malformed_json_is_an_upstream_error_naming_the_endpoint(
    system: System, kind: Any, message: str, clock: VirtualClock, client_to: ClientTo
) -> None:
    search, fake = system.open(clock, client_to)
    fake.faults.malformed_next(kind)
    with pytest.raises(UpstreamError, match=message) as info:
        await search()
    assert system.search_request in str(info.value)


@pytest.mark.parametrize("system", SYSTEMS)
async def test_a_removed_endpoint_is_an_error_never_an_empty_result(
    system: System, clock: VirtualClock, client_to: ClientTo
) -> None:
    _, fake = system.open(clock, client_to)
    api = atlassian_api(system.name, client_to(fake.app, SITE), clock, base_url=system.base_url)
    removed = f"removed GET {system.base_url.removeprefix(SITE)}{system.removed}"
    with pytest.raises(EndpointGoneError, match=re.escape(removed)):
        await api.get(system.removed, params=system.removed_params)


@pytest.mark.parametrize("system", SYSTEMS)
async def test_a_search_endpoint_that_disappears_raises_endpoint_gone(
    system: System, clock: VirtualClock, client_to: ClientTo
) -> None:
    search, fake = system.open(clock, client_to)
    fake.search_removed = True
    with pytest.raises(EndpointGoneError):
        await search()
