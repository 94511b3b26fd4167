"""A vendor's `HttpApi` that waits and measures time on a virtual clock."""

from __future__ import annotations

import httpx2

from customer_escalation.connectors._http import HttpApi, VendorPolicy
from customer_escalation.connectors.atlassian import AtlassianAuth, AtlassianPolicy
from tests.fakes.clock import VirtualClock
from tests.fakes.jira import API_TOKEN, EMAIL


def virtual_api(
    policy: VendorPolicy, client: httpx2.AsyncClient, clock: VirtualClock, *, base_url: str
) -> HttpApi:
    """`policy`'s API at `base_url` through `client`; retries and rate-limit waits pass on `clock`."""
    return HttpApi(policy, base_url=base_url, client=client, sleep=clock.sleep, monotonic=clock.monotonic)


def atlassian_api(system: str, client: httpx2.AsyncClient, clock: VirtualClock, *, base_url: str) -> HttpApi:
    """Jira's or Confluence's API at the fake site, with the site's API token."""
    auth = AtlassianAuth.basic(EMAIL, API_TOKEN, variables="JIRA_EMAIL and JIRA_API_TOKEN")
    return virtual_api(
        AtlassianPolicy(system=system, auth=auth, clock=clock.wall), client, clock, base_url=base_url
    )
