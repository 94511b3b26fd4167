"""The assistant's path through the MCP server: records read through other servers as snapshots,
`escalation_compose` for the brief, and the escalation id the write tools take."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from customer_escalation.connectors.base import Registry
from customer_escalation.connectors.local.history_store import SqliteHistoryStore
from customer_escalation.skill.actions import WriteRules
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server
from tests.backends import open_store
from tests.contract.dataset import CONTRACT_DATASET, NOW

pytestmark = pytest.mark.anyio

ISSUE = "Webhooks failing with 502 for Northwind"
INTERCOM = {
    "system": "intercom",
    "id": "conv-88",
    "kind": "ticket",
    "author_role": "customer",
    "link": "https://app.intercom.example/conversations/88",
    "text": "Since this morning every webhook returns 502 and our production is down.",
}
GLOBEX = {
    "system": "salesforce",
    "id": "001GLOBEX",
    "kind": "account",
    "figures": {"name": "Globex", "tier": "enterprise", "arr": 90_000},
}


class _Server:
    def __init__(self, client: Client, history: SqliteHistoryStore) -> None:
        self.client = client
        self.history = history

    async def call(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        result = await self.client.call_tool(tool, arguments)
        assert result.is_error is False, result.content
        assert result.structured_content is not None
        return result.structured_content

    async def error(self, tool: str, arguments: dict[str, Any]) -> str:
        result = await self.client.call_tool(tool, arguments)
        assert result.is_error is True
        return result.content[0].text  # type: ignore[union-attr]


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[_Server]:
    async with open_store(tmp_path, CONTRACT_DATASET, clock=lambda: NOW) as store:
        ws = store.workspace
        registry = Registry(support=ws, crm=ws, chat=ws, tracker=ws, kb=ws)
        rules = WriteRules(channels=("support-escalations",), projects=("ENG",))
        built = build_server(
            registry, policy=load_policy(), clock=lambda: NOW, history=store.history, writes=rules
        )
        async with Client(built) as client:
            yield _Server(client, store.history)


def _draft(decision: str, **fields: Any) -> dict[str, Any]:
    return {
        "decision": decision,
        "summary": ISSUE,
        "cited_records": ["ticket:101", "ticket:conv-88", "ticket:4040"],
        "workflow_impact": "Webhook deliveries fail, so orders are not synced.",
        "issue_description": "Every webhook delivery returns 502 since this morning.",
        "whats_been_tried": ["Retried the deliveries: they fail again."],
        "reproduction_note": "Unknown: the tickets hold no steps.",
        "last_update_to_customer": "None yet.",
        "customer_expectation": "A fix today.",
        "escalation_risk": "Production stays down.",
        "whats_needed": ["investigate the 502s"],
        **fields,
    }


async def test_snapshots_from_other_servers_count_and_are_labelled(server: _Server) -> None:
    quote = "our production is down"
    data = await server.call(
        "escalation_assess",
        {
            "issue": ISSUE,
            "ticket_ids": ["101"],
            "records": [INTERCOM, GLOBEX],
            "findings": [
                {"kind": "production_down", "record": "ticket:conv-88", "quote": quote},
                {"kind": "data_loss", "record": "ticket:conv-88", "quote": "we lost every order"},
            ],
        },
    )
    assert data["assistant_supplied"] == ["ticket:conv-88", "account:001GLOBEX"]
    assert "missing" not in data
    assert data["breadth"]["customers"] == 2
    globex = next(a for a in data["breadth"]["accounts"] if a["id"] == "001GLOBEX")
    assert globex["stated_by_assistant"] is True and globex["arr"] == 90_000
    assert "Globex as stated by the assistant, not from the CRM" in data["brief_lines"]["revenue_at_risk"]
    assert any(quote in finding for finding in data["model_findings"])
    assert "data_loss @ ticket:conv-88: the quote is not in the record's text" in data["refused_findings"]


@pytest.mark.parametrize("ident", ["101", " 101 "])
async def test_a_snapshot_our_connectors_can_read_is_verified_and_ours_wins(
    server: _Server, ident: str
) -> None:
    forged = {
        **INTERCOM,
        "system": "zendesk",
        "id": ident,
        "text": "Everything is on fire, we lost all data.",
    }
    data = await server.call(
        "escalation_assess",
        {
            "issue": ISSUE,
            "records": [forged],
            "findings": [{"kind": "data_loss", "record": "ticket:101", "quote": "we lost all data"}],
        },
    )
    assert "assistant_supplied" not in data
    assert any("ticket:101" in f["evidence"] for f in data["criteria_met"])
    assert data["refused_findings"] and "model_findings" not in data


async def test_only_unknown_ids_and_no_snapshot_is_an_error(server: _Server) -> None:
    text = await server.error("escalation_assess", {"issue": ISSUE, "ticket_ids": ["4040", "4041"]})
    assert "none of the records passed exists here: ticket:4040, ticket:4041" in text
    assert "`records`" in text


async def test_compose_renders_the_template_and_records_an_escalation_the_writes_take(
    server: _Server,
) -> None:
    assessed = await server.call(
        "escalation_assess", {"issue": ISSUE, "ticket_ids": ["101"], "records": [INTERCOM]}
    )
    composed = await server.call(
        "escalation_compose",
        {
            "assessment_id": assessed["assessment_id"],
            "draft": _draft(assessed["decision"]),
            "reporter": "Tier 2",
        },
    )
    brief = composed["markdown"]
    template = (await server.client.read_resource("customer-escalation://brief-template")).contents[0]
    headings = re.findall(r"^#{2,3} [^\[\n]*", template.text, re.MULTILINE)  # type: ignore[union-attr]
    assert re.findall(r"^#{2,3} [^\[\n]*", brief, re.MULTILINE)[1:] == headings[1:]
    assert brief.startswith(f"## ESCALATION: {ISSUE}\n")
    assert f"**Severity:** {composed['severity']}" in brief and "**Reported by:** Tier 2" in brief
    assert composed["left_out"] == ["ticket:4040"] and "4040" not in brief
    assert "Ticket conv-88 in intercom (as the assistant read it)" in brief
    escalation_id = composed["escalation_id"]
    assert re.fullmatch(r"ESC-\d+", escalation_id)
    assert server.history.escalation(escalation_id).brief == brief

    preview = await server.call(
        "chat_post_message",
        {"channel": "support-escalations", "text": brief, "escalation_id": escalation_id},
    )
    assert preview["status"] == "preview" and preview["escalation_id"] == escalation_id
    assert [e.id for e in server.history.escalations()] == [escalation_id]
    assert server.history.actions(escalation_id=escalation_id) == ()


async def test_a_reworded_issue_with_the_same_escalation_id_updates_that_escalation(server: _Server) -> None:
    first = await server.call("escalation_assess", {"issue": ISSUE, "ticket_ids": ["101"]})
    made = await server.call(
        "escalation_compose", {"assessment_id": first["assessment_id"], "draft": _draft(first["decision"])}
    )
    reworded = "Northwind's integrations broke: 502 Bad Gateway on every callback"
    second = await server.call(
        "escalation_assess", {"issue": reworded, "ticket_ids": ["101"], "records": [INTERCOM]}
    )
    again = await server.call(
        "escalation_compose",
        {
            "assessment_id": second["assessment_id"],
            "draft": _draft(second["decision"], summary=reworded),
            "escalation_id": made["escalation_id"],
        },
    )
    assert again["escalation_id"] == made["escalation_id"]
    entry = server.history.escalation(made["escalation_id"])
    assert entry.runs == 2 and entry.summary == reworded
    assert len(server.history.escalations()) == 1


async def test_an_assessment_of_other_records_cannot_rewrite_an_escalation(server: _Server) -> None:
    first = await server.call("escalation_assess", {"issue": ISSUE, "ticket_ids": ["101"]})
    made = await server.call(
        "escalation_compose", {"assessment_id": first["assessment_id"], "draft": _draft(first["decision"])}
    )
    other = await server.call("escalation_assess", {"issue": "Exports are late", "records": [INTERCOM]})
    text = await server.error(
        "escalation_compose",
        {
            "assessment_id": other["assessment_id"],
            "draft": _draft(other["decision"], summary="Exports are late"),
            "escalation_id": made["escalation_id"],
        },
    )
    assert f"{made['escalation_id']} is about other records" in text
    assert server.history.escalation(made["escalation_id"]).runs == 1


async def test_compose_refuses_a_draft_that_contradicts_the_assessment(server: _Server) -> None:
    assessed = await server.call("escalation_assess", {"issue": ISSUE, "ticket_ids": ["101"]})
    text = await server.error(
        "escalation_compose",
        {"assessment_id": assessed["assessment_id"], "draft": _draft("handle_in_support")},
    )
    assert "the draft cannot be used" in text
    missing = await server.error(
        "escalation_compose", {"assessment_id": "ASM-999", "draft": _draft("escalate")}
    )
    assert "no assessment ASM-999" in missing
    assert server.history.escalations() == ()
