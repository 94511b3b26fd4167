"""Linear's rate limits and errors, as the connector meets them through the HTTP layer."""

from __future__ import annotations

import httpx2
import pytest

from customer_escalation.connectors._http import HttpApi
from customer_escalation.connectors.base import IssueDraft
from customer_escalation.connectors.errors import (
    AuthError,
    InvalidQueryError,
    PermissionDeniedError,
    RateLimitedError,
    UpstreamError,
)
from customer_escalation.connectors.linear.policy import LinearPolicy
from customer_escalation.connectors.linear.tracker import LinearProjectTracker
from tests.fakes.clock import VirtualClock
from tests.fakes.linear import API_KEY, BASE_URL

from .conftest import Make

pytestmark = pytest.mark.anyio


async def test_a_ratelimited_error_waits_for_retry_after_then_answers(
    make: Make, clock: VirtualClock
) -> None:
    tracker, fake = make(fake_options={"rate_limit": 2})
    for _ in range(3):
        await tracker.get_issue("ENG-42")
    assert fake.rate_limited == 1
    assert clock.sleeps and clock.sleeps[0] == 1.0
    assert [call.status for call in fake.calls] == [200, 200, 400, 200]


async def test_a_429_with_only_reset_headers_waits_until_the_bucket_refills(
    make: Make, clock: VirtualClock
) -> None:
    tracker, fake = make(fake_options={"rate_limit": 1, "rate_limit_status": 429, "reset_header_only": True})
    await tracker.get_issue("ENG-42")
    await tracker.get_issue("ENG-17")
    assert fake.rate_limited >= 1
    assert 0.9 <= clock.sleeps[0] <= 1.0  # from X-RateLimit-Requests-Reset (epoch ms), not a guess
    assert fake.calls[-1].status == 200


async def test_a_rate_limit_that_never_lifts_is_rate_limited_error(make: Make) -> None:
    tracker, _ = make(fake_options={"rate_limit": 0})
    with pytest.raises(RateLimitedError, match="linear is rate limiting"):
        await tracker.get_issue("ENG-42")


async def test_the_budget_and_the_query_complexity_are_read_from_every_answer(make: Make) -> None:
    tracker, fake = make()
    await tracker.get_issue("ENG-42")
    policy = tracker._client.api.policy
    assert isinstance(policy, LinearPolicy)
    assert policy.budget.complexity == fake.calls[-1].complexity
    assert 0 < fake.calls[-1].complexity < 10_000  # Linear refuses queries above 10,000
    assert policy.budget.requests_remaining == 4_999
    assert policy.budget.complexity_reset is not None


async def test_the_widest_search_stays_under_linears_complexity_cap(make: Make) -> None:
    tracker, fake = make()
    await tracker.search_issues("webhook", limit=100)
    assert all(call.status == 200 and call.complexity < 10_000 for call in fake.calls)


@pytest.mark.parametrize(
    ("kind", "error", "message"),
    [
        ("authentication error", AuthError, "check LINEAR_API_KEY"),
        ("forbidden", PermissionDeniedError, "refused"),
        ("feature not accessible", PermissionDeniedError, "refused"),
        ("usage limit exceeded", PermissionDeniedError, "limit of its plan"),
        ("invalid input", InvalidQueryError, "rejected the request"),
        ("graphql error", InvalidQueryError, "rejected the request"),
    ],
)
async def test_graphql_error_types_map_to_connector_errors(
    make: Make, kind: str, error: type[Exception], message: str
) -> None:
    tracker, fake = make()
    fake.error_next(kind, count=5)
    with pytest.raises(error, match=message):
        await tracker.get_issue("ENG-42")
    assert len(fake.calls) == 1  # none of these is worth repeating


async def test_a_key_sent_as_a_bearer_token_is_an_auth_error(make: Make) -> None:
    tracker, _ = make(authorization=f"Bearer {API_KEY}")
    with pytest.raises(AuthError, match="Remove the Bearer prefix"):
        await tracker.check()


async def test_transient_failures_of_reads_are_retried(make: Make) -> None:
    tracker, fake = make()
    fake.fail_next(502)
    fake.error_next("internal error")
    assert (await tracker.get_issue("ENG-42")).key == "ENG-42"
    assert [call.status for call in fake.calls] == [502, 500, 200]


async def test_a_failed_create_is_not_repeated(make: Make) -> None:
    tracker, fake = make()
    fake.fail_next(503, count=3, operation="IssueCreate")
    with pytest.raises(UpstreamError, match="HTTP 503"):
        await tracker.create_issue(
            IssueDraft(project="ENG", title="t", body_markdown="b"), idempotency_key="ce-9"
        )
    assert fake.operations() == ["Existing", "Teams", "Labels", "IssueCreate"]


@pytest.mark.parametrize("kind", ["html", "shape"])
async def test_a_body_of_another_shape_is_an_upstream_error_naming_the_operation(
    make: Make, kind: str
) -> None:
    tracker, fake = make()
    fake.malformed_next(kind)
    with pytest.raises(UpstreamError, match=r"POST /graphql \(Issue\)"):
        await tracker.get_issue("ENG-42")


async def test_check_names_scoped_teams_the_credentials_cannot_see(make: Make) -> None:
    tracker, fake = make(teams=["ENG", "OPS"])
    with pytest.raises(PermissionDeniedError, match=r"LINEAR_TEAMS names teams .*: OPS$"):
        await tracker.check()
    assert fake.operations() == ["Viewer", "Teams"]


async def test_an_echoed_key_never_leaves_in_an_error() -> None:
    def echo(request: httpx2.Request) -> httpx2.Response:
        message = f"bad key {request.headers['authorization']}"
        return httpx2.Response(
            400, json={"errors": [{"message": message, "extensions": {"type": "invalid input"}}]}
        )

    clock = VirtualClock()
    client = httpx2.AsyncClient(transport=httpx2.MockTransport(echo))
    api = HttpApi(
        LinearPolicy(API_KEY, variable="LINEAR_API_KEY"), base_url=BASE_URL, client=client, sleep=clock.sleep
    )
    with pytest.raises(InvalidQueryError) as raised:
        await LinearProjectTracker(api).get_issue("ENG-1")
    assert API_KEY not in str(raised.value)
    await client.aclose()
