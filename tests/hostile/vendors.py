"""Vendor connectors over their fakes, with a switch that makes every later request fail one way.

Each category is served by its first-choice vendor (Zendesk, HubSpot, Slack, Jira, Confluence) talking
to the fake of that vendor's API through `httpx2.ASGITransport`. `FaultyVendor.fail(fault)` flips the
fake into a failure from then on, in the vendor's own wire format where the fake has a knob for it:

- ``timeout``: the transport raises a read timeout (no response at all);
- ``server-error``: the vendor's 5xx (Zendesk's and HubSpot's JSON error, Slack's 503 page, Atlassian's
  proxy page);
- ``malformed``: a 200 whose body is cut off or not JSON;
- ``auth-expired``: the vendor refuses the credentials (401, or Slack's ``invalid_auth``).

Connectors get a sleep that does not wait, so retries run at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx2

from customer_escalation.connectors._http import HttpApi
from customer_escalation.connectors.atlassian import AtlassianAuth, AtlassianPolicy
from customer_escalation.connectors.base import Category
from customer_escalation.connectors.confluence.knowledge_base import ConfluenceKnowledgeBase
from customer_escalation.connectors.hubspot.client import HubSpotCRM
from customer_escalation.connectors.hubspot.policy import HubSpotPolicy
from customer_escalation.connectors.jira.tracker import JiraProjectTracker
from customer_escalation.connectors.records import Dataset
from customer_escalation.connectors.slack.connector import SlackChat
from customer_escalation.connectors.slack.policy import SlackPolicy
from customer_escalation.connectors.slack.settings import BOT_TOKEN_VAR, DEFAULT_BASE_URL, USER_TOKEN_VAR
from customer_escalation.connectors.zendesk.policy import ZendeskPolicy
from customer_escalation.connectors.zendesk.support import ZendeskSupportPlatform
from tests.contract.dataset import NOW
from tests.fakes.confluence import ConfluenceFake
from tests.fakes.hubspot import HubSpotFake
from tests.fakes.jira import JiraFake
from tests.fakes.slack import BOT_TOKEN, USER_TOKEN, SlackFake
from tests.fakes.zendesk import ZendeskFake

Fault = Literal["timeout", "server-error", "malformed", "auth-expired"]
FAULTS: tuple[Fault, ...] = ("timeout", "server-error", "malformed", "auth-expired")
ALWAYS = 10_000
"""Failures queued on a fake: more than any run sends."""


async def no_wait(seconds: float) -> None:
    """The connectors' sleep: retries happen at once."""


class Switch(httpx2.AsyncBaseTransport):
    """Passes requests to the fake; once `timing_out`, raises a read timeout instead. Counts requests."""

    def __init__(self, app: Any) -> None:
        self._inner = httpx2.ASGITransport(app=app)
        self.timing_out = False
        self.requests = 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.requests += 1
        if self.timing_out:
            raise httpx2.ReadTimeout("the fake vendor did not answer in time", request=request)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass
class FaultyVendor:
    """One category's vendor connector over its fake, with the fake's fault knobs."""

    category: Category
    system: str
    connector: Any
    switch: Switch
    client: httpx2.AsyncClient
    knobs: dict[Fault, Callable[[], None]] = field(default_factory=dict)
    failing_since: int | None = None
    """`switch.requests` when the fault was switched on."""

    def fail(self, fault: Fault) -> None:
        """Every request from now on fails with `fault`."""
        self.failing_since = self.switch.requests
        if fault == "timeout":
            self.switch.timing_out = True
        else:
            self.knobs[fault]()

    @property
    def failed_requests(self) -> int:
        """Requests sent since the fault was switched on."""
        return 0 if self.failing_since is None else self.switch.requests - self.failing_since

    async def aclose(self) -> None:
        await self.connector.aclose()
        await self.client.aclose()


def _zendesk(dataset: Dataset) -> FaultyVendor:
    fake = ZendeskFake(dataset, clock=lambda: NOW)
    switch = Switch(fake.app)
    client = httpx2.AsyncClient(transport=switch, base_url=fake.base_url)
    policy = ZendeskPolicy(email=fake.email, api_token="zd-test-token")
    api = HttpApi(policy, base_url=fake.base_url, client=client, sleep=no_wait)

    def server_error() -> None:
        fake.fail_next(500, times=ALWAYS)

    def malformed() -> None:
        fake.corrupt_next("not-json", times=ALWAYS)

    return FaultyVendor(
        "support",
        "zendesk",
        ZendeskSupportPlatform(api),
        switch,
        client,
        {"server-error": server_error, "malformed": malformed, "auth-expired": fake.revoke_credentials},
    )


def _hubspot(dataset: Dataset) -> FaultyVendor:
    fake = HubSpotFake(dataset)
    switch = Switch(fake.app)
    client = httpx2.AsyncClient(transport=switch, base_url=fake.base_url)
    api = HttpApi(HubSpotPolicy(fake.token), base_url=fake.base_url, client=client, sleep=no_wait)

    def server_error() -> None:
        fake.fail_next[:] = [500] * ALWAYS

    def malformed() -> None:
        fake.malformed_next = ALWAYS

    def auth_expired() -> None:
        fake.unauthorized = True

    return FaultyVendor(
        "crm",
        "hubspot",
        HubSpotCRM(api, portal_id=fake.portal_id),
        switch,
        client,
        {"server-error": server_error, "malformed": malformed, "auth-expired": auth_expired},
    )


def _slack(dataset: Dataset) -> FaultyVendor:
    fake = SlackFake(dataset, now=lambda: NOW)
    switch = Switch(fake.app)
    client = httpx2.AsyncClient(transport=switch)
    bot = HttpApi(
        SlackPolicy(BOT_TOKEN, variable=BOT_TOKEN_VAR),
        base_url=DEFAULT_BASE_URL,
        client=client,
        sleep=no_wait,
    )
    user = HttpApi(
        SlackPolicy(USER_TOKEN, variable=USER_TOKEN_VAR),
        base_url=DEFAULT_BASE_URL,
        client=client,
        sleep=no_wait,
    )

    def server_error() -> None:
        fake.fail_next = ALWAYS

    def malformed() -> None:
        fake.malformed_next = ALWAYS

    def auth_expired() -> None:
        fake.revoked = True

    return FaultyVendor(
        "chat",
        "slack",
        SlackChat(bot, search_api=user, clock=lambda: NOW),
        switch,
        client,
        {"server-error": server_error, "malformed": malformed, "auth-expired": auth_expired},
    )


def _atlassian(
    fake: JiraFake | ConfluenceFake,
    category: Category,
    system: str,
    api_path: str,
    connector: Callable[[HttpApi], Any],
) -> FaultyVendor:
    """Jira or Confluence: the same Atlassian auth, fault knobs and proxy error page."""
    switch = Switch(fake.app)
    client = httpx2.AsyncClient(transport=switch, base_url=fake.base_url)
    auth = AtlassianAuth.basic(fake.email, fake.api_token, variables="JIRA_EMAIL and JIRA_API_TOKEN")
    policy = AtlassianPolicy(system=system, auth=auth)
    api = HttpApi(policy, base_url=fake.base_url + api_path, client=client, sleep=no_wait)

    def server_error() -> None:
        fake.faults.fail_next(500, ALWAYS)

    def malformed() -> None:
        fake.faults.malformed_next("html", ALWAYS)

    def auth_expired() -> None:
        fake.reject_auth = True

    return FaultyVendor(
        category,
        system,
        connector(api),
        switch,
        client,
        {"server-error": server_error, "malformed": malformed, "auth-expired": auth_expired},
    )


def _jira(dataset: Dataset) -> FaultyVendor:
    return _atlassian(JiraFake(dataset, now=lambda: NOW), "tracker", "jira", "", JiraProjectTracker)


def _confluence(dataset: Dataset) -> FaultyVendor:
    return _atlassian(
        ConfluenceFake(dataset, now=lambda: NOW), "kb", "confluence", "/wiki", ConfluenceKnowledgeBase
    )


VENDORS: dict[Category, Callable[[Dataset], FaultyVendor]] = {
    "support": _zendesk,
    "crm": _hubspot,
    "chat": _slack,
    "tracker": _jira,
    "kb": _confluence,
}
"""A faulty vendor connector per category, seeded with a dataset."""

__all__ = ["ALWAYS", "FAULTS", "VENDORS", "Fault", "FaultyVendor", "Switch", "no_wait"]
