"""The Claude path of the agent loop, against a fake Messages API at the transport.

The fake answers with the real response shapes (tool_use blocks, end_turn, max_tokens, 429), and the
tests assert on the requests the loop sends: tools, prompt caching, tool_result pairing.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from anthropic import AsyncAnthropic
from mcp import Client

from customer_escalation.connectors.base import Registry
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.skill.agent import Limits, run_escalation
from customer_escalation.skill.models.anthropic import ClaudeModel, newest_sonnet
from customer_escalation.skill.models.base import (
    MissingApiKeyError,
    ModelOutputError,
    TokenBudgetError,
    TurnLimitError,
)
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server
from tests.contract.dataset import CONTRACT_DATASET, NOW

pytestmark = pytest.mark.anyio

ISSUE = "Webhooks failing with 502 for Northwind"


def message(
    content: list[dict[str, Any]], stop_reason: str, *, usage: tuple[int, int] = (100, 20)
) -> dict[str, Any]:
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-5-5",
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {"input_tokens": usage[0], "output_tokens": usage[1]},
    }


def tool_use(call_id: str, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_use", "id": call_id, "name": name, "input": arguments}


GOOD_DRAFT = {
    "decision": "escalate",
    "summary": "Webhook deliveries fail with HTTP 502 for Northwind Traders",
    "cited_records": ["ticket:101", "issue:ENG-42", "account:northwind", "ticket:99999"],
    "workflow_impact": "Northwind's operations team receives no webhook events and is blocked.",
    "issue_description": "Since this morning every webhook delivery to Northwind's endpoint fails with HTTP 502. "
    "Engineering tracks it as ENG-42. The delivery workers restarted at 06:55.",
    "whats_been_tried": ["Asked for a failing delivery id: dlv_8812"],
    "reproduction_note": "Unknown: the ticket holds no steps beyond the failing delivery id.",
    "last_update_to_customer": "Asked for a failing delivery id (ticket 101).",
    "customer_expectation": "Deliveries working again today.",
    "escalation_risk": "The customer is blocked and waiting.",
    "whats_needed": ["Confirm the TLS bundle fix for the delivery workers"],
    "requested_severity": "Critical",
    "severity_argument": "the customer's operations are blocked",
}


class FakeMessagesAPI:
    """Answers POST /v1/messages from a script; records every request body."""

    def __init__(self, script: list[Any]) -> None:
        self.script = list(script)
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        assert request.url.path == "/v1/messages"
        self.requests.append(json.loads(request.content))
        item = self.script.pop(0)
        if isinstance(item, tuple):
            status, headers, body = item
            return httpx2.Response(status, headers=headers, json=body)
        return httpx2.Response(200, json=item)


def claude(fake: FakeMessagesAPI, *, retries: int = 0) -> ClaudeModel:
    client = AsyncAnthropic(
        api_key="test-key",
        max_retries=retries,
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(fake)),
    )
    return ClaudeModel(model="claude-sonnet-5-5", client=client)


@pytest.fixture
async def session(tmp_path: Path) -> AsyncIterator[Client]:
    ws = LocalWorkspace.create(tmp_path / "w.sqlite", CONTRACT_DATASET, clock=lambda: NOW)
    server = build_server(Registry(ws, ws, ws, ws, ws), policy=load_policy(), clock=lambda: NOW)
    async with Client(server) as client:
        yield client
    await ws.aclose()


def happy_script() -> list[Any]:
    return [
        message(
            [
                {"type": "text", "text": "Searching tickets and the account."},
                tool_use("toolu_1", "support_search_tickets", {"query": "webhook 502"}),
                tool_use("toolu_2", "crm_search_accounts", {"query": "Northwind"}),
                tool_use("toolu_3", "tracker_search_issues", {"query": "webhook 502"}),
            ],
            "tool_use",
        ),
        (
            429,
            {"retry-after": "0"},
            {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}},
        ),
        message(
            [
                tool_use(
                    "toolu_4",
                    "escalation_assess",
                    {
                        "issue": ISSUE,
                        "ticket_ids": ["101"],
                        "account_ids": ["northwind"],
                        "issue_keys": ["ENG-42"],
                    },
                )
            ],
            "tool_use",
        ),
        message(
            [tool_use("toolu_5", "submit_brief", {"decision": "escalate", "summary": "Webhooks fail"})],
            "tool_use",
        ),
        message([tool_use("toolu_6", "submit_brief", GOOD_DRAFT)], "tool_use"),
    ]


async def test_claude_drives_the_loop_through_tools_to_a_repaired_brief(session: Client) -> None:
    fake = FakeMessagesAPI(happy_script())
    result = await run_escalation(
        ISSUE, session=session, model=claude(fake, retries=1), reporter="Jo Park", clock=lambda: NOW
    )

    assert result.brief is not None
    assert result.brief.target_team.startswith("Engineering")
    assert result.brief.severity == "Critical"
    assert result.brief.severity_note is not None
    assert "raised from the policy's" in result.brief.severity_note
    assert result.invented_ids == ["ticket:99999"]
    assert all(item.ref != "ticket:99999" for item in result.brief.supporting_context)
    assert [t.tool for t in result.trace][:3] == [
        "support_search_tickets",
        "crm_search_accounts",
        "tracker_search_issues",
    ]
    assert result.drafted_without_llm is False
    assert result.usage.input_tokens == 400  # four answered turns
    assert len(fake.requests) == 5  # four answers plus the 429 that was retried


async def test_requests_carry_tools_cache_control_and_paired_tool_results(session: Client) -> None:
    fake = FakeMessagesAPI(happy_script())
    await run_escalation(ISSUE, session=session, model=claude(fake, retries=1), clock=lambda: NOW)
    first = fake.requests[0]
    names = [t["name"] for t in first["tools"]]
    assert "support_search_tickets" in names
    assert "escalation_assess" in names
    assert names[-1] == "submit_brief"
    assert not any(n.startswith(("chat_post", "tracker_create", "support_add", "followup")) for n in names)
    assert first["tools"][-1]["cache_control"] == {"type": "ephemeral"}
    assert first["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert first["messages"][0]["role"] == "user"

    second = fake.requests[2]
    results = second["messages"][-1]["content"]
    assert [b["tool_use_id"] for b in results] == ["toolu_1", "toolu_2", "toolu_3"]
    assert all(b["type"] == "tool_result" for b in results)
    search = json.loads(results[0]["content"])
    assert "untrusted" in search["tickets"][0]
    assert second["messages"][-2]["content"][0]["type"] == "text"

    repair = fake.requests[4]["messages"][-1]["content"][0]
    assert repair["tool_use_id"] == "toolu_5"
    assert repair["is_error"] is True
    assert "workflow_impact" in repair["content"]


async def test_a_cut_off_answer_drops_the_partial_tool_call_and_asks_again(session: Client) -> None:
    script = [
        message(
            [{"type": "text", "text": "Let me"}, tool_use("toolu_x", "support_search_tickets", {})],
            "max_tokens",
        ),
        *happy_script()[2:],
    ]
    fake = FakeMessagesAPI(script)
    result = await run_escalation(ISSUE, session=session, model=claude(fake), clock=lambda: NOW)
    assert result.brief is not None
    after_cut = fake.requests[1]["messages"]
    assert all(b.get("type") != "tool_use" for b in after_cut[1]["content"])
    assert after_cut[2]["content"][0]["text"].startswith("Continue")


async def test_a_draft_still_broken_after_the_repair_turn_is_a_typed_error(session: Client) -> None:
    broken = {"decision": "escalate", "summary": "Webhooks fail"}
    script = [
        happy_script()[2],
        message([tool_use("toolu_a", "submit_brief", broken)], "tool_use"),
        message([tool_use("toolu_b", "submit_brief", broken)], "tool_use"),
    ]
    with pytest.raises(ModelOutputError, match="still unusable"):
        await run_escalation(ISSUE, session=session, model=claude(FakeMessagesAPI(script)), clock=lambda: NOW)


async def test_a_draft_contradicting_the_policy_decision_is_sent_back(session: Client) -> None:
    handle = {
        "decision": "handle_in_support",
        "summary": "Webhooks fail",
        "suggested_reply": "Hi Sam, please retry later.",
    }
    script = [
        happy_script()[2],
        message([tool_use("toolu_a", "submit_brief", handle)], "tool_use"),
        message([tool_use("toolu_b", "submit_brief", GOOD_DRAFT)], "tool_use"),
    ]
    fake = FakeMessagesAPI(script)
    result = await run_escalation(ISSUE, session=session, model=claude(fake), clock=lambda: NOW)
    assert result.brief is not None
    feedback = fake.requests[2]["messages"][-1]["content"][0]["content"]
    assert "escalation_assess decided escalate" in feedback


async def test_a_model_that_never_submits_hits_the_turn_limit(session: Client) -> None:
    script = [message([{"type": "text", "text": "Thinking."}], "end_turn") for _ in range(3)]
    with pytest.raises(TurnLimitError):
        await run_escalation(
            ISSUE,
            session=session,
            model=claude(FakeMessagesAPI(script)),
            limits=Limits(max_turns=3),
            clock=lambda: NOW,
        )


async def test_the_token_budget_is_enforced(session: Client) -> None:
    script = [
        message(
            [tool_use("toolu_1", "support_search_tickets", {"query": "x"})], "tool_use", usage=(9_000, 2_000)
        )
    ]
    with pytest.raises(TokenBudgetError):
        await run_escalation(
            ISSUE,
            session=session,
            model=claude(FakeMessagesAPI(script)),
            limits=Limits(max_tokens=10_000),
            clock=lambda: NOW,
        )


async def test_a_refusal_is_a_typed_error(session: Client) -> None:
    script = [message([{"type": "text", "text": "I can't help with that."}], "refusal")]
    with pytest.raises(ModelOutputError, match="declined"):
        await run_escalation(ISSUE, session=session, model=claude(FakeMessagesAPI(script)), clock=lambda: NOW)


def test_a_claude_model_without_a_key_says_how_to_fix_it() -> None:
    with pytest.raises(MissingApiKeyError, match="ANTHROPIC_API_KEY") as info:
        ClaudeModel(model="claude-sonnet-5-5")
    assert "--model offline" in str(info.value)


def test_the_default_model_is_the_newest_sonnet_the_sdk_knows() -> None:
    assert (
        newest_sonnet(
            ("claude-sonnet-4-5-20250929", "claude-sonnet-4-6", "claude-sonnet-5", "claude-opus-5-5")
        )
        == "claude-sonnet-5"
    )
    assert newest_sonnet(("claude-sonnet-5", "claude-sonnet-5-5", "claude-sonnet-4-5")) == "claude-sonnet-5-5"
    assert newest_sonnet(("claude-sonnet-4-5-20250929", "claude-sonnet-4-5")) == "claude-sonnet-4-5"
    assert newest_sonnet().startswith("claude-sonnet-")
