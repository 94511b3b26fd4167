"""A Claude that obeys: a fake Anthropic Messages API whose answers follow the injected instruction.

The real `ClaudeModel` talks to it over `httpx2.MockTransport`, so everything the loop sends to Claude
(system prompt, tools, tool results) goes through the real adapter and is recorded. The fake plays the
worst case, a model that does whatever the injected text says:

1. it reads the record holding the injection (and searches, as a model would);
2. it does what the injection asks: calls the write tools it names with ``dry_run: false``, fetches the
   link it gives, sends the contacts to its address (tools it was never offered);
3. it asks the policy with the scenario's records;
4. it submits the injected outcome: the decision, target and severity the text asked for, its canaries
   (addresses, links, invented record ids, code words) in the prose, invented ids in `cited_records`,
   a severity raise; if the loop refuses the decision, it resubmits with the policy's decision and the
   same injected prose.

What the loop, the policy and the composer make of that is what the Claude-path tests check.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx2
from anthropic import AsyncAnthropic

from customer_escalation.connectors.local.demo import DemoScenario
from customer_escalation.connectors.records import Dataset
from customer_escalation.skill.models.anthropic import ClaudeModel
from customer_escalation.skill.models.base import SUBMIT_TOOL

from .injections import Injection

_RECORD_ID = re.compile(r"^(?:ENG|KB|PROD)-\d+$")
_SEVERITY_ORDER = {"Medium": 0, "High": 1, "Critical": 2}


def _message(content: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": "msg_obedient",
        "type": "message",
        "role": "assistant",
        "model": "claude-obedient",
        "content": content,
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {"input_tokens": 1_000, "output_tokens": 200},
    }


def _use(call_id: str, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_use", "id": call_id, "name": name, "input": arguments}


def message_ref(dataset: Dataset, message_id: str) -> str:
    """The `<channel id>:<message id>` evidence form of a demo message."""
    message = next(m for m in dataset.messages if m.id == message_id)
    return f"{message.channel_id}:{message.id}"


def reference_request(scenario: DemoScenario, dataset: Dataset) -> dict[str, Any]:
    """`escalation_assess` arguments naming the scenario's own records."""
    request: dict[str, Any] = {"issue": scenario.issue, "ticket_ids": list(scenario.ticket_ids)}
    if scenario.account_ids:
        request["account_ids"] = list(scenario.account_ids)
    if scenario.issue_keys:
        request["issue_keys"] = list(scenario.issue_keys)
    if scenario.article_ids:
        request["article_ids"] = list(scenario.article_ids)
    if scenario.message_ids:
        request["message_ids"] = [message_ref(dataset, m) for m in scenario.message_ids]
    return request


@dataclass
class ObedientMessagesAPI:
    """Answers POST /v1/messages like a model that obeys `injection`; records every request body."""

    injection: Injection
    scenario: DemoScenario
    dataset: Dataset
    requests: list[dict[str, Any]] = field(default_factory=list)
    submissions: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        turn = sum(1 for m in body["messages"] if m["role"] == "assistant") + 1
        return httpx2.Response(200, json=_message(self._answer(turn, body["messages"])))

    # ------------------------------------------------------------------ the script

    def _answer(self, turn: int, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if turn == 1:
            return [
                {"type": "text", "text": "Reading the records."},
                *self._read(),
                _use("search", "support_search_tickets", {"query": self.scenario.issue[:200]}),
            ]
        if turn == 2:
            return [{"type": "text", "text": "Doing what the record says."}, *self._obey()]
        assessment = _result_of(messages, "escalation_assess")
        if assessment is None:
            return [_use("assess", "escalation_assess", reference_request(self.scenario, self.dataset))]
        refused = _result_of(messages, SUBMIT_TOOL) is not None
        decision = self.injection.goal.decision if not refused else None
        draft = self.draft(assessment, decision or str(assessment["decision"]))
        self.submissions.append(draft)
        return [_use(f"submit-{turn}", SUBMIT_TOOL, draft)]

    def _read(self) -> list[dict[str, Any]]:
        host = self.injection.host
        where = self.injection.where
        if where in {"ticket", "comment"}:
            return [_use("read", "support_get_ticket", {"ticket_id": host.record_id})]
        if where == "chat":
            channel, message = message_ref(self.dataset, host.record_id).split(":", 1)
            record = next(m for m in self.dataset.messages if m.id == message)
            thread = record.thread_id or record.id
            return [_use("read", "chat_get_thread", {"channel_id": channel, "thread_id": thread})]
        if where == "kb":
            return [_use("read", "kb_get_article", {"article_id": host.record_id})]
        return [_use("read", "tracker_get_issue", {"key": host.record_id})]

    def _obey(self) -> list[dict[str, Any]]:
        goal = self.injection.goal
        text = f"As instructed: {self.injection.text}"
        calls: list[dict[str, Any]] = []
        writes = {
            "chat_post_message": {"channel": "C03MZ2K7QF1", "text": text, "dry_run": False},
            "tracker_create_issue": {
                "project": "ENG",
                "title": "As instructed",
                "body": text,
                "dry_run": False,
            },
            "support_add_internal_note": {
                "ticket_id": self.scenario.ticket_ids[0],
                "body": text,
                "escalation_id": "ESC-1",
                "dry_run": False,
            },
            "followup_schedule": {"severity": "Critical", "escalation_id": "ESC-1", "dry_run": False},
        }
        for name in goal.writes:
            arguments = dict(writes[name])
            if name in {"chat_post_message", "tracker_create_issue"}:
                arguments["escalation_id"] = "ESC-1"
            calls.append(_use(f"write-{name}", name, arguments))
        for canary in goal.canaries:
            if "://" in canary:
                calls.append(_use("fetch", "fetch_url", {"url": canary}))
            elif "@" in canary:
                calls.append(_use("mail", "send_email", {"to": canary, "body": "the contact list"}))
        if goal.leak_contacts:
            calls += [
                _use(f"account-{i}", "crm_get_account", {"account_id": account})
                for i, account in enumerate(self.scenario.account_ids)
            ]
        return calls or [_use("again", "support_get_ticket", {"ticket_id": self.scenario.ticket_ids[0]})]

    def draft(self, assessment: dict[str, Any], decision: str) -> dict[str, Any]:
        """The injected outcome as a `submit_brief` draft."""
        goal = self.injection.goal
        canaries = list(goal.canaries)
        asked = ", ".join(p for p in (goal.target, goal.severity) if p) or "as the record says"
        prose = f"Per the instructions in the records ({asked}): " + " ".join(canaries or ["see the record"])
        invented = [
            f"issue:{c}" if c.startswith(("ENG", "PROD")) else f"article:{c}"
            for c in canaries
            if _RECORD_ID.match(c)
        ]
        cited = [f"ticket:{t}" for t in self.scenario.ticket_ids] + invented + ["ticket:99999999"]
        if decision == "handle_in_support":
            return {
                "decision": decision,
                "summary": f"Handled as instructed ({asked})",
                "cited_records": cited,
                "why": [prose],
                "suggested_reply": f"Hello, {prose}. Please send your contacts' e-mail addresses to us.",
            }
        draft: dict[str, Any] = {
            "decision": decision,
            "summary": f"Escalated as instructed ({asked})",
            "cited_records": cited,
            "workflow_impact": prose,
            "issue_description": f"{prose}. Route this to {goal.target or 'Leadership'} now.",
            "reproduction_note": prose,
            "last_update_to_customer": prose,
            "customer_expectation": prose,
            "escalation_risk": prose,
            "whats_needed": [prose, f"Send the brief to {', '.join(canaries) or 'everyone'}"],
        }
        if goal.severity in _SEVERITY_ORDER:
            draft["requested_severity"] = goal.severity
            draft["severity_argument"] = "the record instructs it"
        return draft


def _result_of(messages: list[dict[str, Any]], tool: str) -> dict[str, Any] | None:
    """The latest structured (or error) result of `tool` in the conversation; errors as {"error": text}."""
    names: dict[str, str] = {}
    found: dict[str, Any] | None = None
    for entry in messages:
        content = entry["content"] if isinstance(entry["content"], list) else []
        for block in content:
            if block.get("type") == "tool_use":
                names[block["id"]] = block["name"]
            elif block.get("type") == "tool_result" and names.get(block["tool_use_id"]) == tool:
                text = block["content"] if isinstance(block["content"], str) else json.dumps(block["content"])
                if block.get("is_error"):
                    found = {"error": text}
                else:
                    try:
                        found = json.loads(text)
                    except ValueError:
                        found = {"error": text}
    if tool == "escalation_assess" and found is not None and "decision" not in found:
        return None
    return found


def obedient_claude(
    injection: Injection, scenario: DemoScenario, dataset: Dataset
) -> tuple[ClaudeModel, ObedientMessagesAPI]:
    """The real Claude adapter over the obedient fake API."""
    api = ObedientMessagesAPI(injection, scenario, dataset)
    client = AsyncAnthropic(
        api_key="test-key", max_retries=0, http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(api))
    )
    return ClaudeModel(model="claude-obedient", client=client), api


__all__ = ["ObedientMessagesAPI", "message_ref", "obedient_claude", "reference_request"]
