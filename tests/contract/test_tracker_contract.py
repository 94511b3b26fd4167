"""Contract: every ProjectTracker backend maps issues the same way."""

from __future__ import annotations

from typing import Any

import pytest

from customer_escalation.connectors.base import IssueDraft, ProjectTracker
from customer_escalation.connectors.errors import InvalidQueryError, NotFoundError

from .conftest import require_writes, written_once

pytestmark = pytest.mark.anyio


async def test_backend_satisfies_the_protocol(tracker: Any) -> None:
    assert isinstance(tracker, ProjectTracker)


async def test_get_issue_maps_kind_status_and_links(tracker: Any) -> None:
    issue = await tracker.get_issue("ENG-42")
    assert issue.key == "ENG-42"
    assert issue.kind == "bug"
    assert issue.status == "in_progress"
    assert issue.priority == "high"
    assert "CANARY_TEAL_BADGER" in issue.body
    assert "101" in issue.linked_ticket_ids
    assert "webhooks" in issue.labels


async def test_reopened_issue_keeps_fix_version(tracker: Any) -> None:
    issue = await tracker.get_issue("ENG-17")
    assert issue.status == "reopened"
    assert issue.fix_version == "2026.10.2"


async def test_unknown_issue_raises_not_found(tracker: Any) -> None:
    with pytest.raises(NotFoundError):
        await tracker.get_issue("ENG-99999")


async def test_search_finds_issue_by_body_text(tracker: Any) -> None:
    page = await tracker.search_issues("CANARY_SAGE_WREN")
    assert [i.key for i in page.items] == ["PROD-7"]


async def test_search_filters_by_kind_and_status(tracker: Any) -> None:
    bugs = await tracker.search_issues("webhook", kind="bug")
    assert {i.key for i in bugs.items} == {"ENG-42", "ENG-17"}
    reopened = await tracker.search_issues("webhook", status=["reopened"])
    assert {i.key for i in reopened.items} == {"ENG-17"}


async def test_a_limit_below_one_is_rejected(tracker: Any) -> None:
    with pytest.raises(InvalidQueryError):
        await tracker.search_issues("webhook", limit=-3)


async def test_create_issue_then_read_it_back(tracker: Any, request: pytest.FixtureRequest) -> None:
    require_writes(request, "tracker")
    draft = IssueDraft(
        project="ENG",
        title="Escalation: webhook 502s CANARY_NEW_ISSUE",
        body_markdown="## Reproduction\n1. Send a webhook\n2. See a **502**",
        kind="bug",
        priority="high",
        labels=("escalation",),
        linked_ticket_ids=("101",),
    )
    receipt = await written_once(lambda: tracker.create_issue(draft, idempotency_key="i-1"))
    issue = await tracker.get_issue(receipt.ref.id)
    assert issue.title == draft.title
    assert issue.kind == "bug"
    assert "Send a webhook" in issue.body
