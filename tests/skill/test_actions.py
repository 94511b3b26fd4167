"""The action layer over the local workspace: previews, safety rules, idempotency, history, de-escalation,
and the write tools of the MCP server."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
import pytest
from mcp import Client

from customer_escalation.connectors.base import IssueDraft, Registry, WriteReceipt
from customer_escalation.connectors.errors import (
    ConnectorError,
    NotFoundError,
    UpstreamError,
    WriteRefusedError,
)
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.local.history_store import SqliteHistoryStore
from customer_escalation.connectors.records import ChatMessage, EscalationEntry
from customer_escalation.skill import redact as redact_package
from customer_escalation.skill.actions import (
    ActionKind,
    Actions,
    EscalationCase,
    NextSteps,
    WriteRules,
    fingerprint,
    idempotency_key,
    reminders_for,
)
from customer_escalation.skill.actions import planner as planner_module
from customer_escalation.skill.brief import ContextItem, EscalationBrief, Reproduction
from customer_escalation.skill.policy import FollowUp, follow_up_for
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.redact import OFF_LOOP_FROM, Redacted
from customer_escalation.skill.server import build_server
from tests.backends import Store, open_store
from tests.contract.dataset import CONTRACT_DATASET, NOW

pytestmark = pytest.mark.anyio

RULES = WriteRules(
    channels=("support-escalations",), projects=("ENG", "PROD"), staff_domains=("vendor.example",)
)
CUSTOMER_EMAIL = "sam.reed@northwind.example"
STAFF_EMAIL = "jo.park@vendor.example"
FOLLOW_UP = FollowUp(
    internal_every_minutes=240,
    customer_every="every 4 hours-8 hours",
    next_internal_due=NOW + timedelta(hours=4),
    next_customer_due=NOW + timedelta(hours=4),
)


def brief(**overrides: Any) -> EscalationBrief:
    fields: dict[str, Any] = {
        "summary": "Webhook deliveries fail with 502 for Northwind Traders",
        "severity": "High",
        "target_team": "Engineering (Integrations)",
        "reported_by": "Jo Park",
        "date": date(2026, 11, 20),
        "customers_affected": "1 customer: Northwind Traders (Enterprise)",
        "workflow_impact": f"Blocked: every delivery fails (reported by {CUSTOMER_EMAIL})",
        "revenue_at_risk": "$240,000 ARR",
        "time_in_queue": "5 hours",
        "sla_status": "Breached: ticket 101 next reply overdue by 1 hours",
        "issue_description": "Every webhook delivery to Northwind's endpoint fails with HTTP 502 since 07:00.",
        "whats_been_tried": ["Asked for a delivery id: dlv_8812"],
        "reproduction": Reproduction(
            steps=["Send a test delivery to the Northwind endpoint", "Read the delivery log"],
            expected="HTTP 200 from the endpoint",
            actual="HTTP 502 Bad Gateway",
            environment="Enterprise plan, delivery workers after the 06:55 restart",
        ),
        "last_update_to_customer": "2026-11-20: asked for a delivery id",
        "customer_expectation": "Working deliveries today",
        "escalation_risk": "Northwind's VP Engineering is asking",
        "whats_needed": ["investigate the 502s from the delivery workers"],
        "deadline": "2026-11-20 16:00 UTC",
        "supporting_context": [ContextItem(kind="ticket", label="Ticket 101", ref="ticket:101")],
    }
    fields.update(overrides)
    return EscalationBrief.model_validate(fields)


def case(**overrides: Any) -> EscalationCase:
    fields: dict[str, Any] = {
        "issue": "Webhook deliveries failing with 502 for Northwind",
        "summary": "Webhook deliveries fail with 502 for Northwind Traders",
        "brief": brief(),
        "severity": "High",
        "target": "Engineering",
        "target_line": "Engineering (Integrations)",
        "primary_ticket_id": "101",
        "ticket_ids": ("101",),
        "account_ids": ("northwind",),
        "issue_keys": ("ENG-42",),
        "links": (ContextItem(kind="ticket", label="Ticket 101", ref="ticket:101"),),
        "follow_up": FOLLOW_UP,
        "deadline": NOW + timedelta(hours=4, minutes=30),
        "deadline_reason": "High response time",
    }
    fields.update(overrides)
    return EscalationCase.model_validate(fields)


@dataclass
class World:
    workspace: LocalWorkspace
    history: SqliteHistoryStore
    store: Store

    def registry(self, **overrides: Any) -> Registry:
        parts: dict[str, Any] = {
            "support": self.workspace,
            "crm": self.workspace,
            "chat": self.workspace,
            "tracker": self.workspace,
            "kb": self.workspace,
        }
        parts.update(overrides)
        return Registry(**parts)

    def actions(self, rules: WriteRules = RULES, **overrides: Any) -> Actions:
        return Actions(self.registry(**overrides), self.history, rules, clock=lambda: NOW)

    def record(self, escalation: EscalationCase | None = None) -> EscalationEntry:
        return (escalation or case()).record(self.history)

    async def posts(self, channel: str = "C100") -> list[ChatMessage]:
        page = await self.workspace.search_messages("", channel=channel, limit=100)
        return [m for m in page.items if m.author.role == "bot"]


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with open_store(tmp_path, CONTRACT_DATASET, clock=lambda: NOW) as store:
        yield World(store.workspace, store.history, store)  # type: ignore[arg-type]


class GatedChat:
    """The workspace's chat, counting posts and holding each until the test opens the gate."""

    def __init__(self, inner: LocalWorkspace, *, fail: bool = False) -> None:
        self.inner = inner
        self.system = inner.system
        self.calls = 0
        self.gate = asyncio.Event()
        self.fail = fail

    async def post_message(
        self, channel: str, text: str, *, thread_id: str | None = None, idempotency_key: str
    ) -> WriteReceipt:
        self.calls += 1
        await self.gate.wait()
        if self.fail:
            raise UpstreamError("chat timed out", system="local")
        return await self.inner.post_message(
            channel, text, thread_id=thread_id, idempotency_key=idempotency_key
        )

    async def open_after_all_block(self, times: int, call: Callable[[], Awaitable[None]]) -> None:
        """Start `call` `times` at once, wait until every one is blocked, then open the gate."""
        async with anyio.create_task_group() as group:
            for _ in range(times):
                group.start_soon(call)
            await anyio.wait_all_tasks_blocked()
            self.gate.set()


class FlakyTracker:
    """The workspace's tracker whose first `failures` creates fail."""

    def __init__(self, inner: LocalWorkspace, failures: int = 1) -> None:
        self.inner = inner
        self.system = inner.system
        self.failures = failures
        self.creates = 0

    async def create_issue(self, draft: IssueDraft, *, idempotency_key: str) -> WriteReceipt:
        self.creates += 1
        if self.creates <= self.failures:
            raise UpstreamError("tracker answered 503", system="local", status=503)
        return await self.inner.create_issue(draft, idempotency_key=idempotency_key)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


# ---------------------------------------------------------------------------------------------------
# Keys


def test_the_fingerprint_ignores_case_spacing_punctuation_and_ticket_order() -> None:
    assert fingerprint("API 500s  for Acme!", ["2", "1"]) == fingerprint("api 500s for acme", ["1", "2", "1"])
    assert fingerprint("API 500s for Acme", ["1"]) != fingerprint("API 500s for Acme", ["1", "3"])
    assert fingerprint("API 500s", [], "Acme") != fingerprint("API 500s", [], "Globex")


async def test_idempotency_keys_differ_by_escalation_kind_and_target_but_not_by_channel_spelling(
    world: World,
) -> None:
    first = world.record()
    world.history.set_status(first.id, "closed", reason="fixed")
    recurrence = world.record()
    key = idempotency_key(first, "chat_post", "#Support-Escalations")
    assert key == idempotency_key(first, "chat_post", "support-escalations")
    assert key.startswith("ce-")
    others = {
        idempotency_key(recurrence, "chat_post", "support-escalations"),
        idempotency_key(first, "deescalation_chat", "support-escalations"),
        idempotency_key(first, "chat_post", "eng-incidents"),
    }
    assert key not in others and len(others) == 3


# ---------------------------------------------------------------------------------------------------
# Previews and redaction


async def test_a_preview_sends_nothing_and_records_the_exact_redacted_payload(world: World) -> None:
    escalation = world.record()
    actions = world.actions()
    text = f"Northwind Traders blocked; customer {CUSTOMER_EMAIL}, our contact {STAFF_EMAIL}"
    result = await actions.run(
        actions.plan_chat_post(escalation, "#support-escalations", text), execute=False
    )
    assert result.status == "preview" and result.dry_run
    assert result.payload["text"] == (
        f"Northwind Traders blocked; customer [redacted email], our contact {STAFF_EMAIL}"
    )
    assert result.redaction == "1 email address redacted"
    assert result.redaction_counts == {"email": 1}
    assert result.refusal is None
    assert await world.posts() == []
    (event,) = world.history.events()
    assert (event.outcome, event.payload, event.idempotency_key) == (
        "preview",
        result.payload,
        result.idempotency_key,
    )


async def test_a_tracker_issue_is_redacted_in_title_and_body_and_counted(world: World) -> None:
    escalation = world.record()
    actions = world.actions()
    draft = IssueDraft(
        project="ENG",
        title=f"Deliveries fail for {CUSTOMER_EMAIL}",
        body_markdown="Card 4111 1111 1111 1111 was charged twice; key sk_live_" + "a1B2c3D4e5F6g7H8i9J0k1L2",
    )
    plan = await actions.plan_issue(escalation, draft, look_up=False)
    issue = plan.payload["issue"]
    assert CUSTOMER_EMAIL not in issue["title"] and "4111 1111 1111 1111" not in issue["body_markdown"]
    assert "[redacted card ending 1111]" in issue["body_markdown"]
    assert plan.redaction_counts == {"email": 1, "card": 1, "api_key": 1}
    assert plan.redaction == "1 email address, 1 card number, 1 API key redacted"


async def test_a_preview_of_a_target_off_the_allowlist_says_it_would_be_refused(world: World) -> None:
    escalation = world.record()
    actions = world.actions()
    result = await actions.run(actions.plan_chat_post(escalation, "#random", "hello"), execute=False)
    assert result.status == "preview"
    assert result.refusal is not None and "CUSTOMER_ESCALATION_WRITE_CHANNELS" in result.refusal


async def test_a_preview_of_an_action_already_done_says_executing_sends_nothing(world: World) -> None:
    escalation = world.record()
    actions = world.actions()
    plan = actions.plan_chat_post(escalation, "support-escalations", "hello")
    await actions.run(plan, execute=True)
    result = await actions.run(plan, execute=False)
    assert "already done" in result.detail and "sends nothing" in result.detail


# ---------------------------------------------------------------------------------------------------
# Safety rules


async def test_a_channel_off_the_allowlist_is_refused_naming_the_setting_and_the_refusal_is_recorded(
    world: World,
) -> None:
    escalation = world.record()
    actions = world.actions()
    with pytest.raises(WriteRefusedError, match="CUSTOMER_ESCALATION_WRITE_CHANNELS"):
        await actions.run(actions.plan_chat_post(escalation, "#eng-incidents", "hello"), execute=True)
    assert await world.posts() == []
    assert [e.outcome for e in world.history.events()] == ["refused"]
    assert world.history.actions() == ()


async def test_a_project_off_the_allowlist_is_refused_naming_the_setting(world: World) -> None:
    escalation = world.record()
    actions = world.actions(WriteRules(projects=("PROD",)))
    plan = await actions.plan_issue(escalation, IssueDraft(project="ENG", title="x y z", body_markdown="b"))
    with pytest.raises(WriteRefusedError, match="CUSTOMER_ESCALATION_WRITE_PROJECTS"):
        await actions.run(plan, execute=True)


async def test_ticket_notes_are_refused_when_writing_to_tickets_is_off(world: World) -> None:
    escalation = world.record()
    actions = world.actions(WriteRules(tickets=False))
    with pytest.raises(WriteRefusedError, match="CUSTOMER_ESCALATION_WRITE_TICKETS"):
        await actions.run(actions.plan_note(escalation, "101", "note"), execute=True)
    ticket = await world.workspace.get_ticket("101")
    assert len(ticket.comments) == 2


@pytest.mark.parametrize(
    "kind", ["chat_post", "tracker_issue", "internal_note", "customer_update", "followups"]
)
async def test_read_only_mode_refuses_every_kind_of_write_naming_the_setting(
    world: World, kind: ActionKind
) -> None:
    escalation = world.record()
    actions = world.actions(WriteRules(read_only=True, channels=("support-escalations",), projects=("ENG",)))
    if kind == "chat_post":
        plan = actions.plan_chat_post(escalation, "support-escalations", "hello")
    elif kind == "tracker_issue":
        plan = await actions.plan_issue(
            escalation, IssueDraft(project="ENG", title="x y z", body_markdown="b")
        )
    elif kind == "followups":
        plan = actions.plan_followups(escalation, reminders_for(case(), FOLLOW_UP, now=NOW))
    else:
        plan = actions.plan_note(escalation, "101", "note", kind=kind)
    with pytest.raises(WriteRefusedError, match="CUSTOMER_ESCALATION_READ_ONLY"):
        await actions.run(plan, execute=True)
    assert world.history.actions() == ()
    assert [e.outcome for e in world.history.events()] == ["refused"]


# ---------------------------------------------------------------------------------------------------
# Idempotency


async def test_executing_posts_once_and_a_repeat_is_skipped_without_a_second_post(world: World) -> None:
    escalation = world.record()
    actions = world.actions()
    plan = actions.plan_chat_post(escalation, "#support-escalations", "Northwind deliveries down")
    first = await actions.run(plan, execute=True)
    second = await actions.run(plan, execute=True)
    assert (first.status, second.status) == ("executed", "skipped")
    assert second.ref == first.ref
    assert len(await world.posts()) == 1
    assert [e.outcome for e in world.history.events()] == ["executed", "skipped"]


async def test_fifty_concurrent_repeats_of_an_action_make_exactly_one_write(world: World) -> None:
    escalation = world.record()
    chat = GatedChat(world.workspace)
    actions = world.actions(chat=chat)
    plan = actions.plan_chat_post(escalation, "support-escalations", "Northwind deliveries down")
    results: list[Any] = []

    async def repeat() -> None:
        results.append(await actions.run(plan, execute=True))

    await chat.open_after_all_block(50, repeat)
    assert chat.calls == 1
    assert sorted(r.status for r in results) == ["executed"] + ["skipped"] * 49
    assert len({r.ref for r in results}) == 1
    assert len(await world.posts()) == 1
    outcomes = [e.outcome for e in world.history.events()]
    assert outcomes.count("executed") == 1 and outcomes.count("skipped") == 49


async def test_fifty_repeats_through_separate_history_connections_make_exactly_one_write(
    world: World,
) -> None:
    """As separate processes would: each repeat has its own connection and no shared in-process state."""
    escalation = world.record()
    chat = GatedChat(world.workspace)
    polls: list[float] = []

    async def sleep(seconds: float) -> None:
        polls.append(seconds)
        chat.gate.set()
        await anyio.lowlevel.checkpoint()

    stores = [world.store.open_history() for _ in range(50)]
    runners = [
        Actions(world.registry(chat=chat), store, RULES, clock=lambda: NOW, sleep=sleep) for store in stores
    ]
    plan = runners[0].plan_chat_post(escalation, "support-escalations", "Northwind deliveries down")
    try:
        results = await asyncio.gather(*(runner.run(plan, execute=True) for runner in runners))
    finally:
        for store in stores:
            store.close()
    assert chat.calls == 1
    assert sorted(r.status for r in results) == ["executed"] + ["skipped"] * 49
    # The waiters saw the key pending in the history and polled it (no in-process event is shared); a
    # repeat that claims only after the write is recorded finds it done without polling.
    assert polls
    assert len(await world.posts()) == 1


async def test_callers_that_waited_for_a_failing_write_get_its_failure_without_trying_again(
    world: World,
) -> None:
    escalation = world.record()
    chat = GatedChat(world.workspace, fail=True)
    actions = world.actions(chat=chat)
    plan = actions.plan_chat_post(escalation, "support-escalations", "hello")
    errors: list[BaseException] = []

    async def repeat() -> None:
        try:
            await actions.run(plan, execute=True)
        except ConnectorError as exc:
            errors.append(exc)

    await chat.open_after_all_block(5, repeat)
    assert chat.calls == 1
    assert len(errors) == 5
    assert sum("concurrent attempt" in str(e) for e in errors) == 4
    record = world.history.action(plan.idempotency_key)
    assert record is not None and record.state == "failed" and "chat timed out" in record.detail


async def test_a_write_cancelled_midway_is_recorded_as_failed_and_can_be_run_again(world: World) -> None:
    escalation = world.record()
    chat = GatedChat(world.workspace)
    actions = world.actions(chat=chat)
    plan = actions.plan_chat_post(escalation, "support-escalations", "hello")
    async with anyio.create_task_group() as group:
        group.start_soon(partial(actions.run, plan, execute=True))
        await anyio.wait_all_tasks_blocked()
        group.cancel_scope.cancel()
    record = world.history.action(plan.idempotency_key)
    assert record is not None and record.state == "failed" and "interrupted" in record.detail
    chat.gate.set()
    assert (await actions.run(plan, execute=True)).status == "executed"


async def test_a_post_that_succeeds_then_a_tracker_create_that_fails_is_completed_by_running_again(
    world: World,
) -> None:
    tracker = FlakyTracker(world.workspace)
    actions = world.actions(tracker=tracker)
    unrelated = case(issue_keys=(), summary="Webhook deliveries lose their signature header")
    escalation = world.record(unrelated)
    steps = NextSteps(post_to="support-escalations", create_issue="ENG")

    first = await actions.next_steps(escalation, unrelated, steps, execute=True)
    assert [(s.title, s.status) for s in first] == [
        ("chat post to support-escalations", "executed"),
        ("tracker issue in ENG", "failed"),
    ]
    assert "tracker answered 503" in first[1].detail
    states = {a.kind: (a.state, a.detail) for a in world.history.actions()}
    assert states["chat_post"][0] == "done"
    assert states["tracker_issue"] == ("failed", "UpstreamError: tracker answered 503")

    second = await actions.next_steps(escalation, unrelated, steps, execute=True)
    assert [s.status for s in second] == ["skipped", "executed"]
    assert len(await world.posts()) == 1
    assert tracker.creates == 2
    created = await world.workspace.get_issue("ENG-43")
    assert created.title == "Webhook deliveries lose their signature header"
    outcomes = [(e.kind, e.outcome) for e in world.history.events()]
    assert outcomes == [
        ("chat_post", "executed"),
        ("tracker_issue", "failed"),
        ("chat_post", "skipped"),
        ("tracker_issue", "executed"),
    ]


# ---------------------------------------------------------------------------------------------------
# What each action writes


async def test_a_tracker_issue_links_the_open_related_issue_instead_of_filing_a_duplicate(
    world: World,
) -> None:
    escalation = world.record()
    actions = world.actions()
    preview = await actions.next_steps(escalation, case(), NextSteps(create_issue="ENG"), execute=False)
    assert preview[0].result is not None and "would link to ENG-42" in (preview[0].result.note or "")
    (done,) = await actions.next_steps(escalation, case(), NextSteps(create_issue="ENG"), execute=True)
    assert done.status == "linked" and done.result is not None
    assert done.result.ref is not None and done.result.ref.id == "ENG-42"
    with pytest.raises(NotFoundError):
        await world.workspace.get_issue("ENG-43")


async def test_a_tracker_issue_carries_impact_reproduction_links_priority_and_the_label(world: World) -> None:
    fresh = case(issue_keys=())
    escalation = world.record(fresh)
    actions = world.actions()
    (step,) = await actions.next_steps(escalation, fresh, NextSteps(create_issue=""), execute=True)
    assert step.status == "executed" and step.result is not None and step.result.target == "ENG"
    issue = await world.workspace.get_issue("ENG-43")
    assert (issue.kind, issue.priority, issue.status) == ("bug", "high", "open")
    assert "customer-escalation" in issue.labels
    assert issue.linked_ticket_ids == ("101",) and issue.linked_account_ids == ("northwind",)
    for heading in ("## Impact", "## Reproduction Steps", "## Related Tickets", "**Expected:**"):
        assert heading in issue.body
    assert "Ticket 101" in issue.body and f"escalation {escalation.id}" in issue.body
    assert CUSTOMER_EMAIL not in issue.body


async def test_a_product_target_files_a_feature_request(world: World) -> None:
    product = case(issue_keys=(), target="Product", summary="Northwind needs webhook timeouts above 10 s")
    escalation = world.record(product)
    (step,) = await world.actions().next_steps(
        escalation, product, NextSteps(create_issue="PROD"), execute=True
    )
    assert step.result is not None and step.result.ref is not None
    assert (await world.workspace.get_issue(step.result.ref.id)).kind == "feature"


async def test_an_open_issue_this_product_filed_with_the_same_title_is_linked_not_duplicated(
    world: World,
) -> None:
    first_case = case(issue_keys=())
    await world.actions().next_steps(
        world.record(first_case), first_case, NextSteps(create_issue="ENG"), execute=True
    )
    # Another escalation (no ticket in common, so not an update of the first) with the same issue title.
    other = case(issue_keys=(), issue="Northwind webhooks broken again", ticket_ids=("105",))
    (step,) = await world.actions().next_steps(
        world.record(other), other, NextSteps(create_issue="ENG"), execute=True
    )
    assert step.status == "linked" and step.result is not None and step.result.ref is not None
    assert step.result.ref.id == "ENG-43"


async def test_the_brief_goes_on_the_ticket_as_a_private_note_unredacted(world: World) -> None:
    escalation = world.record()
    (step,) = await world.actions().next_steps(escalation, case(), NextSteps(add_note=True), execute=True)
    assert step.status == "executed"
    note = (await world.workspace.get_ticket("101")).comments[-1]
    assert note.public is False
    assert note.body.startswith(f"Escalation brief {escalation.id}")
    assert CUSTOMER_EMAIL in note.body and "## ESCALATION:" in note.body


async def test_the_customer_update_is_a_private_draft_with_the_next_update_from_the_cadence(
    world: World,
) -> None:
    escalation = world.record()
    (step,) = await world.actions().next_steps(escalation, case(), NextSteps(draft_update=True), execute=True)
    assert step.status == "executed"
    note = (await world.workspace.get_ticket("101")).comments[-1]
    assert note.public is False
    assert note.body.startswith("DRAFT customer update: not sent.")
    assert "Hi Sam," in note.body
    assert "engineering team is working on it as a high-priority issue" in note.body
    assert case().summary not in note.body  # the internal title is not the customer's wording
    assert "by 2026-11-20 16:00 UTC at the latest" in note.body
    assert "every 4 hours-8 hours" in note.body


async def test_reminders_are_scheduled_once_with_due_times_from_the_cadence(world: World) -> None:
    escalation = world.record()
    actions = world.actions()
    for _ in range(2):
        await actions.next_steps(escalation, case(), NextSteps(remind=True), execute=True)
    followups = world.history.followups(escalation_id=escalation.id)
    assert [(f.kind, f.due_at - NOW) for f in followups] == [
        ("internal", timedelta(hours=4)),
        ("customer", timedelta(hours=4)),
        ("deadline", timedelta(hours=4, minutes=30)),
    ]
    assert followups[0].every == "every 4 hours"


def test_follow_up_times_come_from_the_policy_cadence_with_business_days_for_medium() -> None:
    policy = load_policy()
    critical = follow_up_for("Critical", policy, NOW)
    assert critical.next_internal_due - NOW == timedelta(hours=2)
    assert critical.next_customer_due - NOW == timedelta(hours=2)
    assert critical.customer_every == "every 2 hours to 4 hours"
    friday_evening = NOW.replace(day=20, hour=18)  # 2026-11-20 is a Friday
    medium = follow_up_for("Medium", policy, friday_evening)
    assert medium.next_internal_due - friday_evening == timedelta(days=1)
    assert medium.next_customer_due.weekday() == 0  # a business day later: Monday
    assert medium.customer_every == "every 1-2 business days"


async def test_steps_that_need_an_escalation_are_not_applicable_when_handled_in_support(world: World) -> None:
    handled = case(decision="handle_in_support", brief=None, severity=None, target=None)
    escalation = world.record(handled)
    steps = NextSteps(post_to="support-escalations", create_issue="ENG", remind=True)
    results = await world.actions().next_steps(escalation, handled, steps, execute=True)
    assert {r.status for r in results} == {"not_applicable"}
    assert world.history.actions() == ()


async def test_a_missing_connector_fails_the_action_naming_the_category_setting(world: World) -> None:
    escalation = world.record()
    (step,) = await world.actions(chat=None).next_steps(
        escalation, case(), NextSteps(post_to="support-escalations"), execute=True
    )
    assert step.status == "failed" and "CUSTOMER_ESCALATION_CHAT=none" in step.detail


# ---------------------------------------------------------------------------------------------------
# De-escalation and the recurring rule


async def test_deescalation_records_why_cancels_reminders_and_posts_the_notes_where_it_was_escalated(
    world: World,
) -> None:
    escalation = world.record()
    actions = world.actions()
    steps = NextSteps(post_to="support-escalations", create_issue="ENG", remind=True)
    await actions.next_steps(escalation, case(), steps, execute=True)

    entry, drafts, previews = await actions.deescalate(
        escalation.id, "workaround found: resend from the dashboard", execute=False
    )
    assert (
        entry.status == "deescalated" and entry.status_reason == "workaround found: resend from the dashboard"
    )
    assert entry.learning == drafts.learning and "knowledge base" in drafts.learning
    assert [(p.title, p.status) for p in previews] == [
        ("team note to support-escalations", "preview"),
        ("ticket update on 101", "preview"),
        ("customer message draft on 101", "preview"),
    ]
    assert "Tracker: ENG-42" in drafts.team_note
    assert (
        drafts.customer_message.startswith("DRAFT customer message") and "Hi Sam," in drafts.customer_message
    )
    assert {f.status for f in world.history.followups(escalation_id=escalation.id)} == {"cancelled"}
    assert len(await world.posts()) == 1

    _, again, done = await actions.deescalate(escalation.id, "a different reason", execute=True)
    assert [d.status for d in done] == ["executed", "executed", "executed"]
    assert "workaround found" in again.ticket_update
    assert len(await world.posts()) == 2
    notes = [c for c in (await world.workspace.get_ticket("101")).comments if not c.public]
    assert [n.body.split("\n")[0] for n in notes][-2:] == [
        again.ticket_update.split("\n")[0],
        "DRAFT customer message: not sent. Review it, then send it to the customer yourself.",
    ]


async def test_deescalating_an_escalation_never_posted_drafts_the_team_note_for_a_person(
    world: World,
) -> None:
    escalation = world.record()
    _, drafts, results = await world.actions().deescalate(escalation.id, "not a bug", execute=True)
    assert results[0].status == "not_applicable" and "send the team note yourself" in results[0].detail
    assert drafts.team_note.startswith(f"De-escalating {escalation.id}")


async def test_escalation_assess_counts_an_earlier_deescalated_escalation_of_the_same_ticket_as_recurring(
    world: World,
) -> None:
    # escalated and de-escalated two days ago; ticket 101 arrived since: it came back
    before = dataclasses.replace(world.store, clock=lambda: NOW - timedelta(days=2)).open_history()
    earlier = case().record(before)
    before.set_status(earlier.id, "deescalated", reason="workaround")
    before.close()
    server = build_server(world.registry(), policy=load_policy(), clock=lambda: NOW, history=world.history)
    async with Client(server) as client:
        result = await client.call_tool(
            "escalation_assess", {"issue": "Webhooks failing", "ticket_ids": ["101"]}
        )
    assert result.structured_content is not None
    recurring = [c for c in result.structured_content["criteria_met"] if c["rule"] == "recurring"]
    assert recurring and f"escalated before as {earlier.id} (deescalated)" in recurring[0]["reason"]
    assert f"escalation:{earlier.id}" in recurring[0]["evidence"]


# ---------------------------------------------------------------------------------------------------
# The write tools of the MCP server


@pytest.fixture
async def client(world: World) -> AsyncIterator[Client]:
    server = build_server(
        world.registry(), policy=load_policy(), clock=lambda: NOW, history=world.history, writes=RULES
    )
    async with Client(server) as c:
        yield c


WRITE_TOOLS = {"chat_post_message", "tracker_create_issue", "support_add_internal_note", "followup_schedule"}


async def test_write_tools_are_listed_as_idempotent_non_destructive_writes_that_default_to_dry_run(
    client: Client,
) -> None:
    tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) >= WRITE_TOOLS
    for name in WRITE_TOOLS:
        tool = tools[name]
        assert tool.annotations is not None
        assert tool.annotations.read_only_hint is False
        assert tool.annotations.destructive_hint is False
        assert tool.annotations.idempotent_hint is True
        assert tool.input_schema["properties"]["dry_run"]["default"] is True
        assert tool.output_schema is not None


async def test_chat_post_message_previews_by_default_and_posts_once_with_dry_run_false(
    client: Client, world: World
) -> None:
    escalation = world.record()
    arguments = {
        "channel": "#support-escalations",
        "text": f"Northwind down, ask {CUSTOMER_EMAIL}",
        "escalation_id": escalation.id,
    }
    preview = await client.call_tool("chat_post_message", arguments)
    assert preview.structured_content is not None
    assert preview.structured_content["status"] == "preview"
    assert preview.structured_content["payload"]["text"] == "Northwind down, ask [redacted email]"
    escalation_id = preview.structured_content["escalation_id"]
    assert escalation_id == escalation.id
    assert await world.posts() == []
    for expected in ("executed", "skipped"):
        done = await client.call_tool("chat_post_message", {**arguments, "dry_run": False})
        assert done.structured_content is not None and done.structured_content["status"] == expected
        assert done.structured_content["escalation_id"] == escalation_id
    assert len(await world.posts()) == 1


async def test_a_refused_write_tool_call_is_a_tool_error_naming_the_setting(
    client: Client, world: World
) -> None:
    escalation = world.record()
    result = await client.call_tool(
        "chat_post_message",
        {"channel": "#random", "text": "hi", "escalation_id": escalation.id, "dry_run": False},
    )
    assert result.is_error is True
    assert "CUSTOMER_ESCALATION_WRITE_CHANNELS" in result.content[0].text  # type: ignore[union-attr]


async def test_a_write_tool_needs_the_escalation_id_of_a_recorded_escalation(client: Client) -> None:
    result = await client.call_tool("support_add_internal_note", {"ticket_id": "101", "body": "note"})
    assert result.is_error is True
    assert "escalation_id" in result.content[0].text  # type: ignore[union-attr]
    unknown = await client.call_tool(
        "support_add_internal_note", {"ticket_id": "101", "body": "note", "escalation_id": "ESC-77"}
    )
    text = unknown.content[0].text  # type: ignore[union-attr]
    assert unknown.is_error is True
    assert text.endswith("no escalation ESC-77 in the history; check the id and try again")


async def test_tracker_create_issue_adds_ticket_links_and_priority_from_the_escalation(
    client: Client, world: World
) -> None:
    escalation = world.record(case(issue_keys=()))
    result = await client.call_tool(
        "tracker_create_issue",
        {
            "project": "ENG",
            "title": "Signature header missing on retries",
            "body": "## Impact\nNorthwind blocked.",
            "escalation_id": escalation.id,
            "dry_run": False,
        },
    )
    assert result.structured_content is not None and result.structured_content["status"] == "executed"
    issue = await world.workspace.get_issue(result.structured_content["ref"]["id"])
    assert issue.priority == "high" and "## Related Tickets" in issue.body and "Ticket 101" in issue.body


async def test_support_add_internal_note_writes_a_customer_update_draft_as_a_private_note(
    client: Client, world: World
) -> None:
    result = await client.call_tool(
        "support_add_internal_note",
        {
            "ticket_id": "101",
            "body": "Hi Sam, an update...",
            "purpose": "customer_update",
            "escalation_id": world.record().id,
            "dry_run": False,
        },
    )
    assert result.structured_content is not None and result.structured_content["kind"] == "customer_update"
    note = (await world.workspace.get_ticket("101")).comments[-1]
    assert (note.public, note.body) == (False, "Hi Sam, an update...")


async def test_followup_schedule_uses_the_severity_cadence(client: Client, world: World) -> None:
    escalation = world.record()
    result = await client.call_tool(
        "followup_schedule", {"escalation_id": escalation.id, "severity": "Critical", "dry_run": False}
    )
    assert result.structured_content is not None and result.structured_content["status"] == "executed"
    due = {f.kind: f.due_at - NOW for f in world.history.followups(escalation_id=escalation.id)}
    assert due["internal"] == timedelta(hours=2) and due["customer"] == timedelta(hours=2)


async def test_write_tools_without_a_history_store_are_tool_errors(world: World) -> None:
    server = build_server(world.registry(), policy=load_policy(), clock=lambda: NOW)
    async with Client(server) as c:
        result = await c.call_tool(
            "chat_post_message", {"channel": "#x", "text": "hi", "escalation_id": "ESC-1"}
        )
    assert result.is_error is True
    assert "history" in result.content[0].text  # type: ignore[union-attr]


async def test_long_texts_are_redacted_off_the_event_loop_while_it_runs_other_tasks(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each redaction of a long text reports whether it ran off the loop's thread and, if so, waits
    # there until the loop has run a task: a redaction that blocked the loop could not see that.
    loop = asyncio.get_running_loop()
    loop_thread = threading.get_ident()
    seen: list[tuple[bool, bool]] = []

    async def task_on_the_loop() -> bool:
        return True

    def watched(redactor: Callable[..., Redacted]) -> Callable[..., Redacted]:
        def run(text: str, **keep: Any) -> Redacted:
            if len(text) >= OFF_LOOP_FROM:
                off_loop = threading.get_ident() != loop_thread
                loop_ran = off_loop and asyncio.run_coroutine_threadsafe(task_on_the_loop(), loop).result(60)
                seen.append((off_loop, loop_ran))
            return redactor(text, **keep)

        return run

    monkeypatch.setattr(redact_package, "redact", watched(redact_package.redact))
    monkeypatch.setattr(planner_module, "redact", watched(planner_module.redact))
    long_text = f"Northwind export, ask {CUSTOMER_EMAIL}. " + "sig=" * 2500
    common = {"escalation_id": world.record().id}
    post = await client.call_tool(
        "chat_post_message", {"channel": "#support-escalations", "text": long_text[:12_000], **common}
    )
    issue = await client.call_tool(
        "tracker_create_issue", {"project": "ENG", "title": "Export fails", "body": long_text, **common}
    )
    assert post.structured_content is not None and issue.structured_content is not None
    assert CUSTOMER_EMAIL not in json.dumps([post.structured_content, issue.structured_content])
    assert len(seen) >= 3
    assert seen == [(True, True)] * len(seen)


class _ToolsSeenError(Exception):
    pass


class _RecordTools:
    """A model that notes the tools it is offered on its first turn, then stops the run."""

    name = "record-tools"
    drafted_without_llm = True

    def __init__(self) -> None:
        self.tools: list[str] = []

    async def respond(self, conversation: list[Any], tools: list[Any], system: str) -> Any:
        self.tools = [t.name for t in tools]
        raise _ToolsSeenError


async def test_the_agent_loop_never_offers_the_write_tools_to_its_model(client: Client) -> None:
    from customer_escalation.skill.agent import run_escalation

    model = _RecordTools()
    with pytest.raises(_ToolsSeenError):
        await run_escalation("Webhooks failing for Northwind", session=client, model=model)
    assert "escalation_assess" in model.tools
    assert not WRITE_TOOLS & set(model.tools)
