"""The Claude path of the agent loop, against a fake Messages API at the transport.

The fake answers with the real response shapes (tool_use blocks, end_turn, max_tokens, 429), and the
tests assert on the requests the loop sends: tools, prompt caching, tool_result pairing.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from anthropic import AsyncAnthropic
from mcp import Client

from customer_escalation.connectors.base import Registry
from customer_escalation.skill.agent import Limits, run_escalation
from customer_escalation.skill.models.anthropic import ClaudeModel
from customer_escalation.skill.models.base import (
    ContextWindowError,
    MissingApiKeyError,
    ModelOutputError,
    TokenBudgetError,
    TurnLimitError,
)
from customer_escalation.skill.models.catalog import DEFAULT_MODEL, cost_usd
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server
from tests.backends import open_store
from tests.contract.dataset import CONTRACT_DATASET, NOW

pytestmark = pytest.mark.anyio

ISSUE = "Webhooks failing with 502 for Northwind"


def message(
    content: list[dict[str, Any]],
    stop_reason: str,
    *,
    usage: tuple[int, int] = (100, 20),
    cache: tuple[int, int] = (0, 0),
) -> dict[str, Any]:
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-5-5",
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {
            "input_tokens": usage[0],
            "output_tokens": usage[1],
            "cache_read_input_tokens": cache[0],
            "cache_creation_input_tokens": cache[1],
        },
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


def claude(fake: FakeMessagesAPI, *, retries: int = 0, model: str = "claude-sonnet-5-5") -> ClaudeModel:
    client = AsyncAnthropic(
        api_key="test-key",
        max_retries=retries,
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(fake)),
    )
    return ClaudeModel(model=model, client=client)


@pytest.fixture
async def session(tmp_path: Path) -> AsyncIterator[Client]:
    async with open_store(tmp_path, CONTRACT_DATASET, clock=lambda: NOW) as store:
        ws = store.workspace
        server = build_server(Registry(ws, ws, ws, ws, ws), policy=load_policy(), clock=lambda: NOW)
        async with Client(server) as client:
            yield client


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


async def test_a_cut_off_answer_drops_the_partial_tool_call_and_says_it_was_cut_off(session: Client) -> None:
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
    nudge = after_cut[2]["content"][0]["text"]
    assert "cut off at max_tokens" in nudge
    assert "shorter" in nudge


async def test_an_empty_answer_is_never_sent_back_as_an_empty_assistant_message(session: Client) -> None:
    script = [
        message([], "end_turn"),
        message([{"type": "text", "text": "  "}], "end_turn"),
        *happy_script()[2:],
    ]
    fake = FakeMessagesAPI(script)
    result = await run_escalation(ISSUE, session=session, model=claude(fake), clock=lambda: NOW)
    assert result.brief is not None
    for request in fake.requests:
        roles = [m["role"] for m in request["messages"]]
        assert all(a != b for a, b in itertools.pairwise(roles)), roles
        for m in request["messages"]:
            assert m["content"], m
            assert all(b.get("text", "x").strip() for b in m["content"] if b["type"] == "text")
    second = fake.requests[1]["messages"]
    assert [m["role"] for m in second] == ["user"]
    assert "called no tool" in second[0]["content"][-1]["text"]


async def test_a_paused_turn_is_sent_back_as_it_is_without_a_nudge(session: Client) -> None:
    script = [
        message([{"type": "text", "text": "Looking through the tickets."}], "pause_turn"),
        *happy_script()[2:],
    ]
    fake = FakeMessagesAPI(script)
    result = await run_escalation(ISSUE, session=session, model=claude(fake), clock=lambda: NOW)
    assert result.brief is not None
    resumed = fake.requests[1]["messages"]
    assert [m["role"] for m in resumed] == ["user", "assistant"]
    assert resumed[-1]["content"][0]["text"] == "Looking through the tickets."


async def test_a_paused_turn_ending_in_thinking_puts_the_breakpoint_on_a_block_that_takes_it(
    session: Client,
) -> None:
    paused = [
        {"type": "text", "text": "Checking."},
        {"type": "thinking", "thinking": "", "signature": "sig-1"},
    ]
    script = [message(paused, "pause_turn"), *happy_script()[2:]]
    fake = FakeMessagesAPI(script)
    result = await run_escalation(ISSUE, session=session, model=claude(fake), clock=lambda: NOW)
    assert result.brief is not None
    resumed = fake.requests[1]["messages"][-1]["content"]
    assert resumed[-1] == {"type": "thinking", "thinking": "", "signature": "sig-1"}
    assert resumed[0]["cache_control"] == {"type": "ephemeral"}


async def test_a_full_context_window_is_a_typed_error(session: Client) -> None:
    script = [message([{"type": "text", "text": "I"}], "model_context_window_exceeded")]
    with pytest.raises(ContextWindowError, match="context window"):
        await run_escalation(ISSUE, session=session, model=claude(FakeMessagesAPI(script)), clock=lambda: NOW)


async def test_a_prompt_too_long_for_the_model_is_the_same_typed_error(session: Client) -> None:
    too_long = (
        400,
        {},
        {
            "type": "error",
            "error": {
                "type": "invalid_request_error",
                "message": "prompt is too long: 1000321 tokens > 1000000",
            },
        },
    )
    with pytest.raises(ContextWindowError, match="too long"):
        await run_escalation(
            ISSUE, session=session, model=claude(FakeMessagesAPI([too_long])), clock=lambda: NOW
        )


async def test_the_cache_breakpoint_moves_to_the_latest_message(session: Client) -> None:
    fake = FakeMessagesAPI(happy_script())
    await run_escalation(ISSUE, session=session, model=claude(fake, retries=1), clock=lambda: NOW)
    for request in fake.requests:
        marked = [
            (i, j)
            for i, m in enumerate(request["messages"])
            for j, b in enumerate(m["content"])
            if "cache_control" in b
        ]
        last = len(request["messages"]) - 1
        assert marked == [(last, len(request["messages"][last]["content"]) - 1)]


async def test_the_first_turn_states_today_and_leaves_next_steps_to_the_program(session: Client) -> None:
    fake = FakeMessagesAPI(happy_script())
    await run_escalation(ISSUE, session=session, model=claude(fake, retries=1), clock=lambda: NOW)
    first = fake.requests[0]["messages"][0]["content"][0]["text"]
    assert f"Today is {NOW.date().isoformat()}" in first
    assert f"Issue: {ISSUE}" in first
    assert "submit_brief" in first
    assert "brief-template" not in first
    assert "Offer next steps" not in first


async def test_submit_brief_is_strict_and_the_default_model_is_not_forced(session: Client) -> None:
    fake = FakeMessagesAPI(happy_script())
    await run_escalation(ISSUE, session=session, model=claude(fake, retries=1), clock=lambda: NOW)
    first = fake.requests[0]
    submit = first["tools"][-1]
    assert submit["strict"] is True
    assert submit["input_schema"]["additionalProperties"] is False
    assert all("strict" not in t for t in first["tools"][:-1])
    # the 5.5 models answer a forced tool choice or `thinking: disabled` with HTTP 400
    assert "tool_choice" not in first
    assert first["thinking"] == {"type": "between_tools"}
    assert first["max_tokens"] > 4_096


async def test_a_model_that_can_be_forced_must_call_a_tool_and_submit_on_request(session: Client) -> None:
    script = [
        happy_script()[2],
        message([{"type": "text", "text": "Done, I think."}], "end_turn"),
        message([tool_use("toolu_b", "submit_brief", GOOD_DRAFT)], "tool_use"),
    ]
    fake = FakeMessagesAPI(script)
    result = await run_escalation(
        ISSUE, session=session, model=claude(fake, model="claude-sonnet-5"), clock=lambda: NOW
    )
    assert result.brief is not None
    assert fake.requests[0]["thinking"] == {"type": "disabled"}
    assert fake.requests[0]["tool_choice"] == {"type": "any"}
    assert fake.requests[2]["tool_choice"] == {"type": "tool", "name": "submit_brief"}


async def test_the_last_turn_forces_submit_brief(session: Client) -> None:
    script = [happy_script()[2], message([tool_use("toolu_b", "submit_brief", GOOD_DRAFT)], "tool_use")]
    fake = FakeMessagesAPI(script)
    result = await run_escalation(
        ISSUE,
        session=session,
        model=claude(fake, model="claude-haiku-4-5"),
        limits=Limits(max_turns=2),
        clock=lambda: NOW,
    )
    assert result.brief is not None
    assert "thinking" not in fake.requests[0]
    assert fake.requests[1]["tool_choice"] == {"type": "tool", "name": "submit_brief"}
    assert "last turn" in fake.requests[1]["messages"][-1]["content"][-1]["text"]


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


async def test_the_budget_counts_cost_with_cache_reads_and_writes(session: Client) -> None:
    # 10k uncached input is $0.02 on Sonnet 5.5; 400k cache writes add $1.00 and 2M cache reads $0.20
    turn = message(
        [tool_use("toolu_1", "support_search_tickets", {"query": "x"})],
        "tool_use",
        usage=(10_000, 500),
        cache=(2_000_000, 400_000),
    )
    with pytest.raises(TokenBudgetError, match=r"cost \$1\.2"):
        await run_escalation(
            ISSUE,
            session=session,
            model=claude(FakeMessagesAPI([turn])),
            limits=Limits(max_cost_usd=1.0, max_tokens=10_000_000),
            clock=lambda: NOW,
        )


async def test_the_usage_of_a_run_carries_requests_and_cost(session: Client) -> None:
    fake = FakeMessagesAPI(happy_script())
    result = await run_escalation(ISSUE, session=session, model=claude(fake, retries=1), clock=lambda: NOW)
    assert result.usage.requests == 4
    per_turn = cost_usd("claude-sonnet-5-5", result.usage.model_copy(update={"requests": 1}))
    assert per_turn is not None
    assert result.usage.cost_usd == pytest.approx(per_turn)
    assert result.usage.cost_usd == pytest.approx((400 * 2.0 + 80 * 10.0) / 1e6)


async def test_a_model_the_price_table_does_not_know_is_bounded_by_tokens(session: Client) -> None:
    turn = message(
        [tool_use("toolu_1", "support_search_tickets", {"query": "x"})],
        "tool_use",
        usage=(9_000, 2_000),
        cache=(5_000, 0),
    )
    with pytest.raises(TokenBudgetError, match="16,000 tokens"):
        await run_escalation(
            ISSUE,
            session=session,
            model=claude(FakeMessagesAPI([turn]), model="claude-unknown-9"),
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


def test_the_default_model_is_pinned_and_overridable() -> None:
    assert DEFAULT_MODEL == "claude-sonnet-5-5"
    fake_client: Any = object()
    assert ClaudeModel(client=fake_client).name == DEFAULT_MODEL
    assert ClaudeModel(client=fake_client, model="claude-opus-5-5").name == "claude-opus-5-5"
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert DEFAULT_MODEL in readme
