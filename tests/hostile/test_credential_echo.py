"""Vendors and the Anthropic API that echo the request's credentials in their error bodies.

Each fake answers 400, 401 or 500 with the request headers in its body (as JSON, and as plain text),
the way some gateways and debug endpoints do. Whatever reaches a person or a model (the connector
error `connectors check` prints and MCP tools return, the model error the CLI prints with its
traceback, a `-v` log line) must not hold a configured secret, in any of the forms it travelled in.
"""

from __future__ import annotations

import base64
import json
import logging
import traceback
from collections.abc import Callable
from pathlib import Path

import httpx2
import pytest
from anthropic import AsyncAnthropic
from mcp import Client

from customer_escalation.connectors._http import HttpApi
from customer_escalation.connectors.base import Registry
from customer_escalation.connectors.errors import ConnectorError
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.scrub import ScrubFilter, remember_secret, scrub
from customer_escalation.connectors.slack.connector import SlackChat
from customer_escalation.connectors.slack.policy import SlackPolicy
from customer_escalation.connectors.slack.settings import BOT_TOKEN_VAR, DEFAULT_BASE_URL
from customer_escalation.connectors.zendesk.policy import ZendeskPolicy
from customer_escalation.connectors.zendesk.support import ZendeskSupportPlatform
from customer_escalation.skill.models.anthropic import ClaudeModel
from customer_escalation.skill.models.base import MissingApiKeyError, ModelProviderError, UserEntry
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server
from tests.contract.dataset import CONTRACT_DATASET, NOW
from tests.fakes.clock import VirtualClock

pytestmark = pytest.mark.anyio

ZENDESK_EMAIL = "ops-admin@acme.example"
ZENDESK_TOKEN = "zdTok3nEchoedBack9f8e7d6c"
SLACK_TOKEN = "xoxb-111122223333-444455556666-EchoedBackSlackBotT0ken"
ANTHROPIC_KEY = "sk-ant-api03-EchoedBackAnthropicKey0123456789abcdefXYZ"
ZENDESK_BASIC = base64.b64encode(f"{ZENDESK_EMAIL}/token:{ZENDESK_TOKEN}".encode()).decode()

# Every form a credential travels in: raw, the whole header value, Basic's base64 and decoded parts.
LEAKS = (ZENDESK_TOKEN, ZENDESK_BASIC, f"{ZENDESK_EMAIL}/token:{ZENDESK_TOKEN}", SLACK_TOKEN, ANTHROPIC_KEY)


def _echo(status: int, *, as_json: bool) -> Callable[[httpx2.Request], httpx2.Response]:
    def handler(request: httpx2.Request) -> httpx2.Response:
        headers = dict(request.headers)
        if as_json:
            body = {
                "error": "invalid_request",
                "message": f"could not authorise request with headers {headers}",
            }
            return httpx2.Response(status, json={**body, "request": {"headers": headers}})
        lines = "\n".join(f"{name}: {value}" for name, value in request.headers.items())
        return httpx2.Response(status, text=f"Bad gateway. Request was:\n{lines}\n")

    return handler


def _api(
    policy: ZendeskPolicy | SlackPolicy, base_url: str, handler: Callable[[httpx2.Request], httpx2.Response]
) -> HttpApi:
    clock = VirtualClock()
    client = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    return HttpApi(policy, base_url=base_url, client=client, sleep=clock.sleep, monotonic=clock.monotonic)


def _zendesk(handler: Callable[[httpx2.Request], httpx2.Response]) -> ZendeskSupportPlatform:
    policy = ZendeskPolicy(email=ZENDESK_EMAIL, api_token=ZENDESK_TOKEN)
    return ZendeskSupportPlatform(_api(policy, "https://acme.zendesk.com", handler))


def _slack(handler: Callable[[httpx2.Request], httpx2.Response]) -> SlackChat:
    return SlackChat(_api(SlackPolicy(SLACK_TOKEN, variable=BOT_TOKEN_VAR), DEFAULT_BASE_URL, handler))


def _assert_clean(text: str) -> None:
    for leak in LEAKS:
        assert leak not in text, f"{leak[:12]}... in {text[:300]!r}"
    assert "Bearer xox" not in text and "Basic " + ZENDESK_BASIC[:8] not in text


@pytest.mark.parametrize("status", [400, 401, 403, 500])
@pytest.mark.parametrize("as_json", [True, False], ids=["json", "text"])
@pytest.mark.parametrize("vendor", ["zendesk", "slack"])
async def test_connector_errors_from_an_echoing_vendor_hold_no_credential(
    status: int, as_json: bool, vendor: str
) -> None:
    handler = _echo(status, as_json=as_json)
    connector = _zendesk(handler) if vendor == "zendesk" else _slack(handler)
    with pytest.raises(ConnectorError) as raised:
        await connector.check()  # what `connectors check` runs and prints
    _assert_clean(str(raised.value))
    _assert_clean("".join(traceback.format_exception(raised.value)))
    assert vendor in str(raised.value)  # still says who failed


async def test_an_mcp_tool_error_from_an_echoing_vendor_holds_no_credential(tmp_path: Path) -> None:
    workspace = LocalWorkspace.create(tmp_path / "w.sqlite", CONTRACT_DATASET, clock=lambda: NOW)
    zendesk = _zendesk(_echo(400, as_json=True))
    registry = Registry(zendesk, workspace, workspace, workspace, workspace)
    server = build_server(registry, policy=load_policy(), clock=lambda: NOW)
    try:
        async with Client(server) as client:
            result = await client.call_tool("support_search_tickets", {"query": "webhook"})
    finally:
        await workspace.aclose()
    assert result.is_error is True
    text = json.dumps([c.model_dump() for c in result.content])
    assert "zendesk" in text
    _assert_clean(text)


def _claude(status: int) -> ClaudeModel:
    def handler(request: httpx2.Request) -> httpx2.Response:
        headers = dict(request.headers)
        message = f"request rejected; x-api-key was {headers.get('x-api-key')}"
        return httpx2.Response(
            status, json={"type": "error", "error": {"type": "invalid_request_error", "message": message}}
        )

    client = AsyncAnthropic(
        api_key=ANTHROPIC_KEY,
        max_retries=0,
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(handler)),
    )
    return ClaudeModel(model="claude-sonnet-5-5", client=client)


@pytest.mark.parametrize("status", [400, 401, 500])
async def test_anthropic_errors_that_echo_the_key_print_without_it(status: int) -> None:
    model = _claude(status)
    try:
        with pytest.raises((ModelProviderError, MissingApiKeyError)) as raised:
            await model.respond([UserEntry(text="hello")], [], "system")
    finally:
        await model.aclose()
    assert f"HTTP {status}" in str(raised.value) or "ANTHROPIC_API_KEY" in str(raised.value)
    _assert_clean(str(raised.value))
    _assert_clean("".join(traceback.format_exception(raised.value)))


def test_debug_log_lines_are_scrubbed_of_credentials(caplog: pytest.LogCaptureFixture) -> None:
    remember_secret(ZENDESK_TOKEN)
    logger = logging.getLogger("customer_escalation.tests.echo")
    scrubber = ScrubFilter()
    caplog.handler.addFilter(scrubber)
    try:
        with caplog.at_level(logging.DEBUG, logger=logger.name):
            logger.debug(
                "Request options: %s",
                {"headers": {"X-Api-Key": ANTHROPIC_KEY, "Authorization": f"Bearer {SLACK_TOKEN}"}},
            )
            logger.debug("zendesk said: token %s is invalid", ZENDESK_TOKEN)
            logger.debug("Authorization: Basic %s", ZENDESK_BASIC)
    finally:
        caplog.handler.removeFilter(scrubber)
    assert len(caplog.records) == 3
    _assert_clean(caplog.text)
    assert "[redacted]" in caplog.text


@pytest.mark.parametrize(
    "message",
    [
        "zendesk rejected the credentials (the token provided is invalid); check ZENDESK_API_TOKEN",
        "slack: not_authed: Bearer Authentication required",
        "jira refused GET /rest/api/3/search: the token may lack a scope",
        "hubspot: not found (GET /crm/v3/objects/companies/42)",
    ],
)
def test_error_prose_without_a_credential_reads_as_written(message: str) -> None:
    assert scrub(message) == message
