"""Faults: a connector failing in the middle of a run, and a process killed in the middle of a write.

A source that times out, answers 5xx, sends a malformed body or refuses expired credentials part-way
through a run must not stop the brief: it is still written, names the source that was unavailable, and
the command line exits with 4. The vendor connectors talk to their fakes (see `tests.hostile.vendors`);
the fault is switched on after the model's first turn, so the first searches work and what follows
fails.

A process killed (SIGKILL) while it imports into the workspace or writes the escalation history leaves
the previous state readable; one killed after a connector wrote but before the history recorded the
outcome leaves a pending record of that write, and running again finishes it without writing twice.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from customer_escalation.connectors.base import CATEGORIES, CATEGORY_TITLES, Category, Registry
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.local.history_store import SqliteHistoryStore
from customer_escalation.skill.actions import Actions, EscalationCase, WriteRules, chat_text
from customer_escalation.skill.agent import RunResult, run_escalation
from customer_escalation.skill.cli import main
from customer_escalation.skill.cli._brief import report
from customer_escalation.skill.cli._common import EXIT_PARTIAL
from customer_escalation.skill.models.base import (
    SUBMIT_TOOL,
    AssistantEntry,
    Entry,
    Model,
    ModelTurn,
    ToolCall,
    ToolResultEntry,
    ToolSpec,
)
from customer_escalation.skill.models.planner import OfflinePlanner
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server
from tests.contract.dataset import CONTRACT_DATASET, NOW
from tests.fakes.hubspot import HubSpotFake
from tests.fakes.loopback import served
from tests.hostile.paused import PAUSED_MARKER
from tests.hostile.vendors import FAULTS, VENDORS, Fault, FaultyVendor

pytestmark = pytest.mark.anyio

ISSUE = "Webhook deliveries failing with 502 for Northwind Traders"
CASES = [(category, fault) for category in CATEGORIES for fault in FAULTS]


def clock() -> Any:
    return NOW


# ---------------------------------------------------------------------------------------------- models


class FailsAfterFirstTurn:
    """Wraps a model; switches the vendor's fault on when the model is asked for its second turn."""

    def __init__(self, inner: Model, vendor: FaultyVendor, fault: Fault) -> None:
        self.inner = inner
        self.name = inner.name
        self.drafted_without_llm = inner.drafted_without_llm
        self._vendor = vendor
        self._fault = fault
        self._turns = 0

    async def respond(self, conversation: list[Entry], tools: list[ToolSpec], system: str) -> ModelTurn:
        self._turns += 1
        if self._turns == 2:
            self._vendor.fail(self._fault)
        return await self.inner.respond(conversation, tools, system)


def _results(conversation: list[Entry]) -> list[dict[str, Any]]:
    return [e.structured for e in conversation if isinstance(e, ToolResultEntry) and e.structured]


def _first(results: list[dict[str, Any]], key: str) -> dict[str, Any] | None:
    return next((item for r in results for item in r.get(key, [])), None)


class EveryCategory:
    """A scripted model that searches every category, reads one record of each, asks the policy and
    submits a draft for whatever the policy decided: it touches every connector before and after the
    fault, whatever a planner would choose."""

    name = "scripted: every category"
    drafted_without_llm = False

    async def respond(self, conversation: list[Entry], tools: list[ToolSpec], system: str) -> ModelTurn:
        turn = sum(isinstance(e, AssistantEntry) for e in conversation) + 1
        results = _results(conversation)
        if turn == 1:
            return _turn(
                ("support_search_tickets", {"query": "webhook 502"}),
                ("crm_search_accounts", {"query": "Northwind"}),
                ("chat_search_messages", {"query": "webhooks"}),
                ("tracker_search_issues", {"query": "webhook delivery"}),
                ("kb_search_articles", {"query": "webhook"}),
            )
        ticket = _first(results, "tickets")
        account = _first(results, "accounts")
        message = _first(results, "messages")
        issue = _first(results, "issues")
        article = _first(results, "articles")
        if turn == 2:
            return _turn(
                ("support_get_ticket", {"ticket_id": ticket["id"] if ticket else "101"}),
                ("crm_get_account", {"account_id": account["id"] if account else "northwind"}),
                (
                    "chat_get_thread",
                    {
                        "channel_id": message["channel_id"] if message else "C100",
                        "thread_id": (message.get("thread_id") or message["id"])
                        if message
                        else "1700000000.000100",
                    },
                ),
                ("tracker_get_issue", {"key": issue["key"] if issue else "ENG-42"}),
                ("kb_get_article", {"article_id": article["id"] if article else "KB-1"}),
            )
        assessment = next((r for r in results if "decision" in r and "decision_reason" in r), None)
        if assessment is None:
            request: dict[str, Any] = {"issue": ISSUE}
            # The troubleshooting article is read but not passed: it is not a fix for this bug, and
            # with the support platform down (no SLA finding) the policy would take it as one.
            for key, found, field in (
                ("ticket_ids", ticket, "id"),
                ("account_ids", account, "id"),
                ("issue_keys", issue, "key"),
            ):
                if found is not None:
                    request[key] = [found[field]]
            if message is not None:
                request["message_ids"] = [f"{message['channel_id']}:{message['id']}"]
            return _turn(("escalation_assess", request))
        return ModelTurn(tool_calls=[ToolCall(id="submit", name=SUBMIT_TOOL, arguments=_draft(assessment))])


def _turn(*calls: tuple[str, dict[str, Any]]) -> ModelTurn:
    return ModelTurn(tool_calls=[ToolCall(id=f"c{i}", name=n, arguments=a) for i, (n, a) in enumerate(calls)])


def _draft(assessment: dict[str, Any]) -> dict[str, Any]:
    if assessment["decision"] == "handle_in_support":
        return {
            "decision": "handle_in_support",
            "summary": "Webhook 502s for Northwind Traders",
            "suggested_reply": "Thanks for the report; we are looking into the failing webhook deliveries.",
        }
    return {
        "decision": "escalate",
        "summary": "Webhook deliveries fail with 502 for Northwind Traders",
        "workflow_impact": "Webhook deliveries to the customer's endpoint fail.",
        "issue_description": "Every webhook delivery fails with HTTP 502 since this morning.",
        "reproduction_note": "Unknown: no reproduction steps in the records read.",
        "last_update_to_customer": "We asked for a failing delivery id.",
        "customer_expectation": "Deliveries resume today.",
        "escalation_risk": "The customer's operations team is blocked.",
    }


# ---------------------------------------------------------------------------------------------- runs


@pytest.fixture
async def workspace(tmp_path: Path) -> AsyncIterator[LocalWorkspace]:
    opened = LocalWorkspace.create(tmp_path / "contract.sqlite", CONTRACT_DATASET, clock=clock)
    yield opened
    await opened.aclose()


@dataclass
class Faulted:
    result: RunResult
    vendor: FaultyVendor


async def run_with_fault(
    workspace: LocalWorkspace, category: Category, fault: Fault, model: Model
) -> Faulted:
    """One run with `category` served by its vendor's fake, failing with `fault` after the first turn."""
    vendor = VENDORS[category](CONTRACT_DATASET)
    connectors: dict[str, Any] = dict.fromkeys(CATEGORIES, workspace)
    connectors[category] = vendor.connector
    server = build_server(Registry(**connectors), policy=load_policy(), clock=clock)
    try:
        async with Client(server) as client:
            result = await run_escalation(
                ISSUE, session=client, model=FailsAfterFirstTurn(model, vendor, fault), clock=clock
            )
    finally:
        await vendor.aclose()
    return Faulted(result, vendor)


def _names(category: Category, unavailable: list[str]) -> bool:
    title = CATEGORY_TITLES[category].casefold()
    return any(title in entry.casefold() for entry in unavailable)


def _check_partial_brief(category: Category, faulted: Faulted, capsys: pytest.CaptureFixture[str]) -> None:
    result = faulted.result
    assert faulted.vendor.failed_requests > 0, "the fault never bit: nothing was asked of the source after it"
    assert result.brief is not None
    assert _names(category, result.unavailable), result.unavailable
    assert not any(entry.startswith("Error executing tool") for entry in result.unavailable), (
        result.unavailable
    )
    notes = [item.label for item in result.brief.supporting_context if item.kind == "note"]
    assert any(
        "unavailable" in note and CATEGORY_TITLES[category].casefold() in note.casefold() for note in notes
    )
    assert report(result, as_json=False, trace=None) == EXIT_PARTIAL
    assert "sources unavailable" in capsys.readouterr().err


@pytest.mark.parametrize(("category", "fault"), CASES, ids=[f"{c}-{f}" for c, f in CASES])
async def test_a_source_failing_mid_run_still_gives_a_brief_that_names_it_and_exits_4(
    workspace: LocalWorkspace, category: Category, fault: Fault, capsys: pytest.CaptureFixture[str]
) -> None:
    faulted = await run_with_fault(workspace, category, fault, EveryCategory())

    _check_partial_brief(category, faulted, capsys)
    failed = [t for t in faulted.result.trace if t.is_error]
    assert failed, "no tool call reported the failure"


@pytest.mark.parametrize("fault", FAULTS)
async def test_with_the_crm_down_the_revenue_at_risk_is_unknown_rather_than_invented(
    workspace: LocalWorkspace, fault: Fault
) -> None:
    faulted = await run_with_fault(workspace, "crm", fault, EveryCategory())

    brief = faulted.result.brief
    assert brief is not None
    assert "240" not in brief.revenue_at_risk
    assert "unknown" in brief.revenue_at_risk.casefold()


PLANNER_CASES = [(category, fault) for category in ("support", "crm", "chat") for fault in FAULTS]


@pytest.mark.parametrize(("category", "fault"), PLANNER_CASES, ids=[f"{c}-{f}" for c, f in PLANNER_CASES])
async def test_the_offline_planner_still_writes_the_brief_when_a_source_fails_mid_run(
    workspace: LocalWorkspace, category: Category, fault: Fault, capsys: pytest.CaptureFixture[str]
) -> None:
    faulted = await run_with_fault(workspace, category, fault, OfflinePlanner(clock=clock))

    _check_partial_brief(category, faulted, capsys)
    assert faulted.result.assessment is not None
    assert faulted.result.assessment.decision == "escalate"
    json.dumps(faulted.result.model_dump(mode="json"))


# ---------------------------------------------------------------------------------------------- the CLI


class RevokeAfter:
    """ASGI middleware over the HubSpot fake: the first `allowed` requests work, then credentials expire."""

    def __init__(self, fake: HubSpotFake, allowed: int) -> None:
        self.fake = fake
        self.allowed = allowed
        self.requests = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.requests += 1
            if self.requests > self.allowed:
                self.fake.unauthorized = True
        await self.fake.app(scope, receive, send)


def test_the_command_line_exits_4_when_the_crm_credentials_expire_mid_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "contract.sqlite"
    LocalWorkspace.create(path, CONTRACT_DATASET, clock=clock).close()
    fake = HubSpotFake(CONTRACT_DATASET)
    gate = RevokeAfter(fake, allowed=1)
    with served(gate) as base_url:
        monkeypatch.setenv("CUSTOMER_ESCALATION_CRM", "hubspot")
        monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", fake.token)
        monkeypatch.setenv("HUBSPOT_PORTAL_ID", fake.portal_id)
        monkeypatch.setenv("HUBSPOT_BASE_URL", base_url)
        code = main(["brief", ISSUE, "--workspace", str(path), "--model", "offline"])
    captured = capsys.readouterr()

    assert gate.requests > gate.allowed, "the CRM was not asked anything after its credentials expired"
    assert code == EXIT_PARTIAL
    assert captured.out.startswith("## ESCALATION: ")
    assert "sources unavailable" in captured.err
    assert "crm" in captured.err.casefold().split("sources unavailable", 1)[1]


# ---------------------------------------------------------------------------------------------- kills

REPOSITORY = Path(__file__).resolve().parents[2]
WATCHDOG_SECONDS = 60.0


@dataclass
class Paused:
    """A `customer-escalation` process stopped in the middle of a write."""

    process: subprocess.Popen[str]
    watchdog: threading.Timer
    stderr: Path

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(WATCHDOG_SECONDS)
        self.watchdog.cancel()
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.stdout.close()


def _environment(home: Path, **extra: str) -> dict[str, str]:
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    env.update(XDG_DATA_HOME=str(home / "xdg-data"), XDG_CONFIG_HOME=str(home / "xdg-config"), **extra)
    return env


def pause(home: Path, pause_at: str, command: list[str], *, min_changes: int = 1, **env: str) -> Paused:
    """Start `customer-escalation COMMAND` in a new process and return once it has stopped mid-write.

    Raises:
        AssertionError: the process ended (or hung) without reaching the write.
    """
    stderr = home / f"stderr-{pause_at}.txt"
    with stderr.open("w") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.hostile.paused",
                "--pause-at",
                pause_at,
                "--min-changes",
                str(min_changes),
                "--",
                *command,
            ],
            cwd=REPOSITORY,
            env=_environment(home, **env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=sink,
            text=True,
        )
    watchdog = threading.Timer(WATCHDOG_SECONDS, process.kill)
    watchdog.start()
    assert process.stdout is not None
    for line in process.stdout:
        if PAUSED_MARKER in line:
            return Paused(process, watchdog, stderr)
    watchdog.cancel()
    process.wait(WATCHDOG_SECONDS)
    raise AssertionError(
        f"the process never reached the write (exit {process.returncode}):\n{stderr.read_text()}"
    )


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def _tickets_csv(path: Path, count: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "subject", "description", "created_at", "status", "organization"])
        for number in range(count):
            writer.writerow(
                [
                    f"imp-{number}",
                    f"Imported ticket {number}",
                    "Exports time out again.",
                    "2026-11-01T10:00:00Z",
                    "open",
                    "Imported Org",
                ]
            )
    return path


async def test_a_process_killed_during_an_import_leaves_the_previous_workspace_readable(
    tmp_path: Path,
) -> None:
    path = tmp_path / "workspace.sqlite"
    LocalWorkspace.create(path, CONTRACT_DATASET, clock=clock).close()
    with LocalWorkspace.open(path, clock=clock, create_demo=False) as before:
        counts = dict(before.stats().counts)
        found = [t.id for t in (await before.search_tickets("webhook", limit=10)).items]
    export = _tickets_csv(tmp_path / "tickets.csv", 2_000)
    command = ["workspace", "import", str(export), "--format", "csv", "--workspace", str(path)]

    paused = pause(tmp_path, "commit", command, min_changes=500)
    with LocalWorkspace.open(path, clock=clock, create_demo=False) as meanwhile:
        assert dict(meanwhile.stats().counts) == counts
    paused.kill()

    assert _integrity(path) == "ok"
    with LocalWorkspace.open(path, clock=clock, create_demo=False) as after:
        assert dict(after.stats().counts) == counts
        assert [t.id for t in (await after.search_tickets("webhook", limit=10)).items] == found
    assert main(command) == 0
    with LocalWorkspace.open(path, clock=clock, create_demo=False) as again:
        assert again.stats().counts["tickets"] == counts["tickets"] + 2_000


def test_a_process_killed_while_recording_a_brief_leaves_the_history_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "workspace.sqlite"
    LocalWorkspace.create(path, CONTRACT_DATASET, clock=clock).close()
    assert main(["brief", ISSUE, "--workspace", str(path), "--model", "offline"]) == 0
    with SqliteHistoryStore.open(path, create=False) as history:
        earlier = [(e.id, e.issue) for e in history.escalations()]
    assert len(earlier) == 1
    other = "Webhook signature mismatch for Contoso Pharma"

    paused = pause(tmp_path, "commit", ["brief", other, "--workspace", str(path), "--model", "offline"])
    paused.kill()

    assert _integrity(path) == "ok"
    with SqliteHistoryStore.open(path, create=False) as history:
        assert [(e.id, e.issue) for e in history.escalations()] == earlier
    capsys.readouterr()
    assert main(["brief", other, "--workspace", str(path), "--model", "offline"]) in {0, 3}
    with SqliteHistoryStore.open(path, create=False) as history:
        assert len(history.escalations()) == 2


async def test_a_process_killed_after_posting_but_before_recording_leaves_a_pending_record_and_no_duplicate(
    tmp_path: Path,
) -> None:
    path = tmp_path / "workspace.sqlite"
    LocalWorkspace.create(path, CONTRACT_DATASET, clock=clock).close()
    command = [
        "brief",
        ISSUE,
        "--workspace",
        str(path),
        "--model",
        "offline",
        "--post-to",
        "C100",
        "--execute",
    ]

    paused = pause(tmp_path, "record", command, CUSTOMER_ESCALATION_WRITE_CHANNELS="C100")
    paused.kill()

    assert _integrity(path) == "ok"
    with (
        SqliteHistoryStore.open(path, create=False) as history,
        LocalWorkspace.open(path, clock=clock, create_demo=False) as workspace,
    ):
        posted = workspace.stats().counts["messages"] - len(CONTRACT_DATASET.messages)
        assert posted == 1, "the post itself went through before the kill"
        [action] = history.actions()
        assert (action.kind, action.target, action.state) == ("chat_post", "C100", "pending")

        # Once the lease runs out, running the action again finds the post and writes nothing new.
        escalation = history.escalation(action.escalation_id)
        registry = Registry(support=workspace, crm=workspace, chat=workspace, tracker=workspace, kb=workspace)
        actions = Actions(registry, history, WriteRules(channels=("C100",)), lease=timedelta(0))
        plan = actions.plan_chat_post(
            escalation, "C100", chat_text(EscalationCase.from_entry(escalation), escalation.id)
        )
        result = await actions.run(plan, execute=True)

        assert result.status == "existing"
        assert workspace.stats().counts["messages"] - len(CONTRACT_DATASET.messages) == 1
        [settled] = history.actions()
        assert (settled.state, settled.outcome) == ("done", "existing")
