"""The escalation history in the workspace file: escalations, action claims and their log, follow-ups."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from customer_escalation.connectors.errors import InvalidQueryError, NotFoundError, WorkspaceError
from customer_escalation.connectors.local import LocalWorkspace, schema
from customer_escalation.connectors.local.history_store import SqliteHistoryStore
from customer_escalation.connectors.postgres.history import PostgresHistoryStore
from customer_escalation.connectors.records import Ref, Reminder
from tests.contract.dataset import CONTRACT_DATASET
from tests.postgres import fresh_schema

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=10)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["sqlite", "postgres"])
def history(request: pytest.FixtureRequest, tmp_path: Path, clock: Clock) -> Iterator[SqliteHistoryStore]:
    """The history in a workspace file, and in a PostgreSQL database (which answers the same way)."""
    if request.param == "postgres":
        with fresh_schema() as url, PostgresHistoryStore.open(url, clock=clock) as pg_store:
            yield pg_store
        return
    with SqliteHistoryStore.open(tmp_path / "ws.sqlite", clock=clock) as store:
        yield store


def _record(history: SqliteHistoryStore, fingerprint: str = "fp-1", **fields: object) -> str:
    values: dict[str, object] = {
        "issue": "Webhooks failing for Northwind",
        "severity": "High",
        "target": "Engineering",
        "account_ids": ("northwind",),
        "ticket_ids": ("101",),
        "brief": "## ESCALATION: Webhooks failing",
    }
    values.update(fields)
    return history.record_escalation(fingerprint=fingerprint, **values).id  # type: ignore[arg-type]


def _claim(
    history: SqliteHistoryStore, key: str = "k-1", token: str = "t-1", escalation: str = "ESC-1"
) -> bool:
    return history.claim(
        key, escalation_id=escalation, kind="chat_post", target="#ops", token=token, stale_after=LEASE
    ).owned


def test_a_brief_for_the_same_open_issue_updates_its_escalation_instead_of_starting_another(
    history: SqliteHistoryStore, clock: Clock
) -> None:
    first = _record(history)
    clock.advance(hours=1)
    again = history.record_escalation(
        fingerprint="fp-1", issue="Webhooks failing for Northwind", severity="Critical", brief="second"
    )
    assert again.id == first == "ESC-1"
    assert (again.runs, again.severity, again.brief) == (2, "Critical", "second")
    assert again.updated_at == NOW + timedelta(hours=1)
    assert again.created_at == NOW
    assert len(history.escalations()) == 1


def test_a_write_tool_naming_an_issue_keeps_the_brief_already_recorded(history: SqliteHistoryStore) -> None:
    _record(history)
    same = history.record_escalation(fingerprint="fp-1", issue="Webhooks failing", ticket_ids=("102",))
    assert (same.brief, same.runs, same.severity) == ("## ESCALATION: Webhooks failing", 1, "High")
    assert same.ticket_ids == ("101", "102")


def test_a_new_escalation_starts_when_the_earlier_one_of_the_issue_is_no_longer_open(
    history: SqliteHistoryStore,
) -> None:
    first = _record(history)
    history.set_status(first, "deescalated", reason="workaround found")
    second = _record(history)
    assert second == "ESC-2"
    assert [e.id for e in history.escalations()] == ["ESC-2", "ESC-1"]


@pytest.mark.parametrize("spelling", ["ESC-1", "esc-1", "1", " ESC-1 "])
def test_escalation_ids_are_accepted_in_any_case_or_as_a_number(
    history: SqliteHistoryStore, spelling: str
) -> None:
    _record(history)
    assert history.escalation(spelling).id == "ESC-1"


def test_an_unknown_escalation_is_not_found_pointing_to_the_history_command(
    history: SqliteHistoryStore,
) -> None:
    with pytest.raises(NotFoundError, match="customer-escalation history"):
        history.escalation("ESC-9")


def test_an_escalation_needs_an_issue_and_a_fingerprint(history: SqliteHistoryStore) -> None:
    with pytest.raises(InvalidQueryError):
        history.record_escalation(fingerprint=" ", issue="x")


def test_related_escalations_are_the_closed_ones_sharing_an_account_or_a_ticket(
    history: SqliteHistoryStore,
) -> None:
    shared_account = _record(history, "a", account_ids=("northwind",), ticket_ids=("900",))
    shared_ticket = _record(history, "b", account_ids=("contoso",), ticket_ids=("101",))
    unrelated = _record(history, "c", account_ids=("fabrikam",), ticket_ids=("103",))
    for escalation_id in (shared_account, shared_ticket, unrelated):
        history.set_status(escalation_id, "closed", reason="fixed")
    # Recorded after the others closed: an open escalation sharing ticket 101 would be updated instead.
    still_open = _record(history, "d", account_ids=("northwind",), ticket_ids=("101",))
    found = history.related_escalations(account_ids=["northwind"], ticket_ids=["101"])
    assert {e.id for e in found} == {shared_account, shared_ticket}
    assert still_open not in {e.id for e in found}
    assert history.related_escalations() == ()


def test_related_escalations_can_be_found_by_a_shared_tracker_issue_and_include_open_ones(
    history: SqliteHistoryStore,
) -> None:
    open_incident = _record(
        history, "a", account_ids=("acme",), ticket_ids=("201",), data={"issue_keys": ["ENG-4521"]}
    )
    other = _record(
        history, "b", account_ids=("globex",), ticket_ids=("202",), data={"issue_keys": ["ENG-1"]}
    )
    found = history.related_escalations(issue_keys=["ENG-4521"], status=("open",))
    assert [e.id for e in found] == [open_incident]
    assert other not in {e.id for e in found}


def test_setting_the_same_status_again_keeps_the_first_reason_and_time(
    history: SqliteHistoryStore, clock: Clock
) -> None:
    escalation_id = _record(history)
    history.set_status(escalation_id, "deescalated", reason="workaround found", learning="document it")
    clock.advance(hours=2)
    again = history.set_status(escalation_id, "deescalated", reason="something else")
    assert (again.status_reason, again.status_changed_at, again.learning) == (
        "workaround found",
        NOW,
        "document it",
    )


def test_one_claimant_owns_a_key_and_the_others_find_it_pending_then_done(
    history: SqliteHistoryStore,
) -> None:
    _record(history)
    assert _claim(history, token="first") is True
    second = history.claim(
        "k-1", escalation_id="ESC-1", kind="chat_post", target="#ops", token="second", stale_after=LEASE
    )
    assert (second.owned, second.record.state) == (False, "pending")
    history.complete(
        "k-1", token="first", outcome="executed", ref=Ref(system="local", id="C1:1"), detail="posted"
    )
    third = history.claim(
        "k-1", escalation_id="ESC-1", kind="chat_post", target="#ops", token="third", stale_after=LEASE
    )
    assert (third.owned, third.record.state, third.record.ref) == (
        False,
        "done",
        Ref(system="local", id="C1:1"),
    )


def test_a_failed_action_can_be_claimed_again_and_its_attempts_are_counted(
    history: SqliteHistoryStore,
) -> None:
    _record(history)
    _claim(history, token="a")
    failed = history.fail("k-1", token="a", error="UpstreamError: 503")
    assert (failed.state, failed.detail) == ("failed", "UpstreamError: 503")
    assert _claim(history, token="b") is True
    assert history.action("k-1").attempts == 2  # type: ignore[union-attr]


def test_a_claim_older_than_the_lease_is_taken_over(history: SqliteHistoryStore, clock: Clock) -> None:
    _record(history)
    _claim(history, token="died")
    clock.advance(minutes=9)
    assert _claim(history, token="early") is False
    clock.advance(minutes=1)
    assert _claim(history, token="late") is True


def test_a_late_failure_leaves_an_action_that_a_new_holder_completed_or_holds(
    history: SqliteHistoryStore, clock: Clock
) -> None:
    _record(history)
    _claim(history, token="slow")
    clock.advance(minutes=11)
    _claim(history, token="fresh")
    history.fail("k-1", token="slow", error="timed out")
    assert history.action("k-1").state == "pending"  # type: ignore[union-attr]
    history.complete("k-1", token="fresh", outcome="executed", ref=None)
    history.fail("k-1", token="slow", error="timed out again")
    assert history.action("k-1").state == "done"  # type: ignore[union-attr]
    assert [e.outcome for e in history.events()] == ["failed", "executed", "failed"]


def test_completing_an_action_logs_its_outcome_and_payload_in_the_same_step(
    history: SqliteHistoryStore,
) -> None:
    _record(history)
    _claim(history)
    history.complete(
        "k-1",
        token="t-1",
        outcome="linked",
        ref=Ref(system="local", id="ENG-42"),
        detail="linked",
        payload={"issue": {"title": "x"}},
    )
    (event,) = history.events(escalation_id="esc-1")
    assert (event.outcome, event.ref, event.payload, event.kind, event.target) == (
        "linked",
        Ref(system="local", id="ENG-42"),
        {"issue": {"title": "x"}},
        "chat_post",
        "#ops",
    )


def test_only_writes_complete_an_action(history: SqliteHistoryStore) -> None:
    _record(history)
    _claim(history)
    with pytest.raises(InvalidQueryError):
        history.complete("k-1", token="t-1", outcome="preview", ref=None)
    with pytest.raises(NotFoundError):
        history.complete("never-claimed", token="t-1", outcome="executed", ref=None)


def test_log_lines_are_listed_oldest_first_and_filtered_by_time(
    history: SqliteHistoryStore, clock: Clock
) -> None:
    _record(history)
    for outcome in ("preview", "refused"):
        history.log(
            escalation_id="ESC-1", kind="chat_post", target="#ops", idempotency_key="k-1", outcome=outcome
        )
        clock.advance(hours=1)
    assert [e.outcome for e in history.events()] == ["preview", "refused"]
    assert [e.outcome for e in history.events(since=NOW + timedelta(minutes=30))] == ["refused"]
    assert history.action("k-1") is None


def test_followups_are_kept_once_per_key_and_kind_and_cancelled_when_the_escalation_is_closed(
    history: SqliteHistoryStore,
) -> None:
    escalation_id = _record(history)
    reminders = [
        Reminder(kind="internal", due_at=NOW + timedelta(hours=4), note="check", every="every 4 hours"),
        Reminder(kind="customer", due_at=NOW + timedelta(hours=2), note="update"),
    ]
    first = history.add_followups(escalation_id, "k-f", reminders)
    again = history.add_followups(escalation_id, "k-f", reminders)
    assert [f.kind for f in first] == ["customer", "internal"]
    assert [f.n for f in again] == [f.n for f in first]
    assert len(history.followups()) == 2
    history.set_status(escalation_id, "closed", reason="fixed in 4.2")
    assert {f.status for f in history.followups(escalation_id=escalation_id)} == {"cancelled"}
    assert history.followups(status=["pending"]) == ()


def test_followups_need_a_known_escalation(history: SqliteHistoryStore) -> None:
    with pytest.raises(NotFoundError):
        history.add_followups("ESC-7", "k", [Reminder(kind="internal", due_at=NOW, note="x")])


def test_the_history_lives_in_the_workspace_file_beside_the_records(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite"
    with (
        LocalWorkspace.create(path, CONTRACT_DATASET),
        SqliteHistoryStore.open(path, create=False) as history,
    ):
        _record(history)
    with LocalWorkspace.open(path, create_demo=False) as workspace, SqliteHistoryStore.open(path) as history:
        assert workspace.stats().counts["tickets"] == len(CONTRACT_DATASET.tickets)
        assert history.escalation("ESC-1").ticket_ids == ("101",)


def test_an_empty_workspace_is_created_for_the_history_unless_told_not_to(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no history yet"):
        SqliteHistoryStore.open(tmp_path / "missing.sqlite", create=False)
    assert not (tmp_path / "missing.sqlite").exists()
    with SqliteHistoryStore.open(tmp_path / "new.sqlite") as history:
        assert history.escalations() == ()
    with LocalWorkspace.open(tmp_path / "new.sqlite", create_demo=False) as workspace:
        assert workspace.stats().counts["tickets"] == 0


def test_a_workspace_from_before_the_history_gains_it_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    schema.initialize(conn, schema.MIGRATIONS[:1])
    conn.close()
    with SqliteHistoryStore.open(path) as history:
        _record(history)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS)
    finally:
        conn.close()


def test_fifty_connections_in_fifty_threads_claim_a_key_exactly_once(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite"
    with SqliteHistoryStore.open(path) as history:
        _record(history)
    stores = [SqliteHistoryStore.open(path) for _ in range(50)]
    start = threading.Barrier(50)
    owners: list[int] = []

    def claim(number: int) -> None:
        start.wait()
        if _claim(stores[number], token=f"t-{number}"):
            owners.append(number)

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in stores:
        store.close()
    assert len(owners) == 1


def test_a_closed_history_raises_instead_of_answering(history: SqliteHistoryStore) -> None:
    history.close()
    history.close()
    with pytest.raises(WorkspaceError, match="closed"):
        history.escalations()


def test_a_brief_about_the_same_thing_in_other_words_updates_the_open_escalation(
    history: SqliteHistoryStore,
) -> None:
    first = _record(history, "fp-1", ticket_ids=("101",), issue_keys=("ENG-7",))
    # A new related ticket and other words: the shared ticket makes it the same escalation.
    assert _record(history, "fp-2", issue="Northwind webhooks down", ticket_ids=("101", "102")) == first
    # No ticket in common, but the same tracker issue for the same account.
    assert _record(history, "fp-3", ticket_ids=("103",), issue_keys=("ENG-7",)) == first
    entry = history.escalation(first)
    assert entry.fingerprint == "fp-1" and entry.runs == 3
    assert entry.ticket_ids == ("101", "102", "103") and entry.data["issue_keys"] == ["ENG-7"]
    # The same tracker issue for another account is another escalation; so is another problem.
    assert (
        _record(history, "fp-4", account_ids=("globex",), ticket_ids=("300",), issue_keys=("ENG-7",)) != first
    )
    assert _record(history, "fp-5", ticket_ids=("104",)) != first


def test_a_support_handling_decision_is_recorded_closed_and_an_escalation_reopens_it(
    history: SqliteHistoryStore,
) -> None:
    handled = _record(history, "fp-h", decision="handle_in_support", severity=None, target=None)
    entry = history.escalation(handled)
    assert (entry.status, entry.status_reason) == ("closed", "handled in support: no escalation")
    assert _record(history, "fp-h", decision="handle_in_support") == handled
    assert history.escalation(handled).status == "closed"
    assert _record(history, "fp-other", decision="escalate") == handled  # shares ticket 101
    reopened = history.escalation(handled)
    assert (reopened.status, reopened.decision, reopened.status_reason) == ("open", "escalate", None)
    history.set_status(handled, "deescalated", reason="fixed")
    assert _record(history, "fp-h", decision="handle_in_support") != handled


def test_the_store_has_every_method_of_the_skill_layers_history_protocol_with_its_signature(
    history: SqliteHistoryStore,
) -> None:
    import inspect

    from customer_escalation.skill.history import HistoryStore

    assert isinstance(history, HistoryStore)
    wanted = [n for n, v in vars(HistoryStore).items() if inspect.isfunction(v) and not n.startswith("_")]
    assert "record_escalation" in wanted and "claim" in wanted
    differing = {
        name: (
            str(inspect.signature(getattr(HistoryStore, name))),
            str(inspect.signature(getattr(history, name).__func__)),
        )
        for name in wanted
        if inspect.signature(getattr(HistoryStore, name))
        != inspect.signature(getattr(history, name).__func__)
    }
    assert differing == {}


def test_an_assessment_is_kept_under_its_own_id_and_read_back_whole(history: SqliteHistoryStore) -> None:
    first = history.record_assessment({"decision": "escalate", "criteria": ["data_loss"]})
    second = history.record_assessment({"decision": "handle_in_support"})

    assert (first, second) == ("ASM-1", "ASM-2")
    assert history.assessment("asm-1") == {"decision": "escalate", "criteria": ["data_loss"]}
    for unknown in ("ASM-3", "ESC-1", "ASM-x"):
        with pytest.raises(NotFoundError, match="no assessment"):
            history.assessment(unknown)
