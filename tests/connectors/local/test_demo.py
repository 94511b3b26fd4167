"""The demo company: deterministic, consistent, realistic, and carrying every scenario as specified."""

from __future__ import annotations

import hashlib
import math
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from pydantic import BaseModel

from customer_escalation.connectors.local.demo import DEMO_SCENARIOS, DEMO_SEED, DemoScenario, build_demo
from customer_escalation.connectors.records import OPEN_TICKET_STATUSES, Dataset, Ticket

NOW = datetime(2026, 11, 20, 14, 37, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo() -> Dataset:
    return build_demo(NOW)


def _scenario(name: str) -> DemoScenario:
    return next(s for s in DEMO_SCENARIOS if s.name == name)


def _tickets(demo: Dataset, ids: tuple[str, ...]) -> list[Ticket]:
    by_id = {t.id: t for t in demo.tickets}
    return [by_id[i] for i in ids]


def _text(ticket: Ticket) -> str:
    return "\n".join((ticket.subject, ticket.description, *(c.body for c in ticket.comments)))


def _datetimes(value: object, path: str = "") -> Iterator[tuple[str, datetime]]:
    if isinstance(value, datetime):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _datetimes(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, tuple):
        for item in value:
            yield from _datetimes(item, path)


# -- determinism -------------------------------------------------------------------------------


def test_the_same_moment_and_seed_build_an_equal_dataset(demo: Dataset) -> None:
    assert build_demo(NOW) == demo


def test_a_moment_in_another_time_zone_builds_the_same_dataset_as_its_utc_equivalent(demo: Dataset) -> None:
    assert build_demo(NOW.astimezone(timezone(timedelta(hours=-5)))) == demo


def test_another_seed_changes_the_background_but_not_the_scenario_records(demo: Dataset) -> None:
    other = build_demo(NOW, seed=DEMO_SEED + 1)
    scenario_ids = {i for s in DEMO_SCENARIOS for i in s.ticket_ids}
    assert {t.id for t in other.tickets} != {t.id for t in demo.tickets}
    mine = {t.id: t for t in demo.tickets if t.id in scenario_ids}
    theirs = {t.id: t for t in other.tickets if t.id in scenario_ids}
    assert mine.keys() == scenario_ids
    assert {i: t.description for i, t in theirs.items()} == {i: t.description for i, t in mine.items()}


def test_scenario_ids_do_not_depend_on_the_moment_of_building() -> None:
    later = build_demo(NOW + timedelta(days=40, hours=3))
    ticket_ids = {t.id for t in later.tickets}
    message_ids = {m.id for m in later.messages}
    for scenario in DEMO_SCENARIOS:
        assert set(scenario.ticket_ids) <= ticket_ids
        assert set(scenario.message_ids) <= message_ids


def test_the_dataset_does_not_depend_on_the_interpreters_hash_seed(demo: Dataset) -> None:
    code = (
        "import hashlib, sys; from datetime import datetime, UTC; "
        "from customer_escalation.connectors.local.demo import build_demo; "
        f"d = build_demo(datetime.fromisoformat('{NOW.isoformat()}')); "
        "sys.stdout.write(hashlib.sha256(d.model_dump_json().encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert digests == {hashlib.sha256(demo.model_dump_json().encode()).hexdigest()}


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        build_demo(datetime(2026, 11, 20, 12, 0))


# -- size and shape ----------------------------------------------------------------------------


def test_counts_are_those_of_a_small_b2b_saas(demo: Dataset) -> None:
    tiers = Counter(a.tier for a in demo.accounts)
    assert 55 <= len(demo.accounts) <= 65
    assert tiers == {"enterprise": 8, "business": 14, "pro": 22, "free": 16}
    assert 1_400 <= len(demo.tickets) <= 1_600
    assert 250 <= len(demo.messages) <= 350
    assert 100 <= len(demo.issues) <= 140
    assert 35 <= len(demo.articles) <= 45
    assert len(demo.opportunities) >= 60


def test_account_figures_follow_their_tier(demo: Dataset) -> None:
    ranges = {"enterprise": (150_000, 900_000), "business": (30_000, 120_000), "pro": (3_000, 25_000)}
    for account in demo.accounts:
        if account.tier == "free":
            assert account.arr == 0 and account.renewal_date is None
        else:
            assert account.tier is not None and account.renewal_date is not None
            assert NOW.date() < account.renewal_date <= NOW.date() + timedelta(days=366)
            if account.arr is not None:
                low, high = ranges[account.tier]
                assert low <= account.arr <= high
    assert sum(1 for a in demo.accounts if a.tier != "free" and a.arr is None) == 2


def test_every_ticket_spans_one_to_eight_comments(demo: Dataset) -> None:
    counts = Counter(len(t.comments) for t in demo.tickets)
    assert min(counts) >= 1 and max(counts) <= 8
    assert any(not c.public for t in demo.tickets for c in t.comments)


def test_old_tickets_are_mostly_solved_and_the_last_ten_days_hold_an_open_backlog(demo: Dataset) -> None:
    old = [t for t in demo.tickets if NOW - t.created_at > timedelta(days=20)]
    recent = [t for t in demo.tickets if NOW - t.created_at <= timedelta(days=10)]
    assert sum(t.status in ("solved", "closed") for t in old) / len(old) > 0.9
    assert 30 <= sum(t.status in OPEN_TICKET_STATUSES for t in recent) <= 150


def test_sla_targets_follow_the_tier_table(demo: Dataset) -> None:
    table = {
        ("enterprise", "urgent"): (60, 1440),
        ("business", "high"): (240, 4320),
        ("pro", "low"): (2880, 28800),
    }
    accounts = {a.id: a for a in demo.accounts}
    seen = set()
    for ticket in demo.tickets:
        assert ticket.organization is not None
        tier = accounts[ticket.organization.id].tier
        if tier == "free":
            assert ticket.sla == ()
        key = (tier, ticket.priority)
        if key in table:
            targets = {s.metric: s.target_minutes for s in ticket.sla}
            assert (targets["first_reply"], targets["resolution"]) == table[key]
            seen.add(key)
        for sla in ticket.sla:
            if sla.breach_at is not None and sla.metric in ("first_reply", "resolution"):
                assert sla.breach_at == ticket.created_at + timedelta(minutes=sla.target_minutes or 0)
    assert seen == set(table)


def test_most_tickets_meet_their_sla_and_a_few_breach(demo: Dataset) -> None:
    def breached(ticket: Ticket) -> bool:
        return any(
            s.breach_at is not None and ((s.fulfilled_at or NOW) > s.breach_at if not s.paused else False)
            for s in ticket.sla
        )

    with_sla = [t for t in demo.tickets if t.sla]
    rate = sum(breached(t) for t in with_sla) / len(with_sla)
    assert 0.005 < rate < 0.1


# -- time --------------------------------------------------------------------------------------


def test_every_timestamp_is_aware_and_nothing_but_sla_deadlines_lies_in_the_future(demo: Dataset) -> None:
    for path, value in _datetimes(demo):
        assert value.tzinfo is not None, path
        if not path.endswith(".breach_at"):
            assert value <= NOW, path
    for opportunity in demo.opportunities:
        assert opportunity.is_open or (
            opportunity.close_date is not None and opportunity.close_date <= NOW.date()
        )


def test_ticket_timelines_are_in_order(demo: Dataset) -> None:
    for ticket in demo.tickets:
        assert NOW - timedelta(days=90) <= ticket.created_at
        times = [c.created_at for c in ticket.comments]
        assert times == sorted(times), ticket.id
        assert all(ticket.created_at <= t <= ticket.updated_at for t in times), ticket.id
        assert (ticket.solved_at is not None) == (ticket.status in ("solved", "closed")), ticket.id


# -- referential integrity ---------------------------------------------------------------------


def test_ids_are_unique_within_each_kind_of_record(demo: Dataset) -> None:
    for records, key in (
        (demo.accounts, "id"),
        (demo.opportunities, "id"),
        (demo.tickets, "id"),
        (demo.messages, "id"),
        (demo.issues, "key"),
        (demo.articles, "id"),
        (demo.channels, "id"),
        (tuple(c for t in demo.tickets for c in t.comments), "id"),
    ):
        ids = [getattr(r, key) for r in records]
        assert len(ids) == len(set(ids))


def test_every_reference_points_at_a_record_that_exists(demo: Dataset) -> None:
    accounts = {a.id: a for a in demo.accounts}
    tickets = {t.id: t for t in demo.tickets}
    issues = {i.key: i for i in demo.issues}
    for ticket in demo.tickets:
        assert ticket.organization is not None
        assert ticket.organization.name == accounts[ticket.organization.id].name
        for key in ticket.linked_issue_keys:
            assert ticket.id in issues[key].linked_ticket_ids, (ticket.id, key)
    for issue in demo.issues:
        assert set(issue.linked_account_ids) <= accounts.keys()
        for ticket_id in issue.linked_ticket_ids:
            assert issue.key in tickets[ticket_id].linked_issue_keys, (issue.key, ticket_id)
    for opportunity in demo.opportunities:
        assert opportunity.account_id in accounts
    for channel in demo.channels:
        assert channel.kind == ("shared" if channel.account_id else "internal")
        assert channel.account_id is None or channel.account_id in accounts


def test_threads_point_at_roots_in_the_same_channel(demo: Dataset) -> None:
    channels = {c.id: c.name for c in demo.channels}
    messages = {m.id: m for m in demo.messages}
    replies = Counter(m.thread_id for m in demo.messages if m.thread_id)
    for message in demo.messages:
        assert channels[message.channel_id] == message.channel_name
        assert message.ref.id == f"{message.channel_id}:{message.id}"
        assert re.fullmatch(r"\d{10}\.\d{6}", message.id)
        if message.thread_id:
            root = messages[message.thread_id]
            assert root.thread_id is None and root.channel_id == message.channel_id
            assert root.created_at <= message.created_at
        else:
            assert message.reply_count == replies[message.id]


def test_tracker_and_kb_records_are_well_formed(demo: Dataset) -> None:
    for issue in demo.issues:
        assert re.fullmatch(r"(ENG|PROD)-\d+", issue.key)
        assert (issue.key.startswith("PROD-")) == (issue.kind == "feature")
        if issue.status == "reopened":
            assert issue.reopened_at is not None and issue.resolved_at is not None
        if issue.kind == "bug" and issue.status in ("resolved", "closed"):
            assert issue.fix_version is not None
    assert {i.status for i in demo.issues} >= {
        "open",
        "in_progress",
        "resolved",
        "closed",
        "reopened",
        "wont_fix",
    }
    kinds = Counter(a.kind for a in demo.articles)
    assert set(kinds) == {"how-to", "troubleshooting", "known-issue", "reference"}
    assert all(a.workaround for a in demo.articles if a.kind == "known-issue")
    assert sum(a.status == "outdated" for a in demo.articles) >= 2


def test_every_email_address_uses_a_reserved_example_domain(demo: Dataset) -> None:
    emails = [c.email for a in demo.accounts for c in a.contacts]
    emails += [a.owner.email for a in demo.accounts if a.owner]
    emails += [t.requester.email for t in demo.tickets]
    emails += [c.author.email for t in demo.tickets for c in t.comments]
    emails += [m.author.email for m in demo.messages]
    assert all(e is None or e.endswith(".example") for e in emails)
    assert all(a.owner.email.endswith("@tessera.example") for a in demo.accounts if a.owner and a.owner.email)
    texts = "\n".join(_text(t) for t in demo.tickets)
    assert not re.findall(r"@[a-z0-9-]+\.(?:com|net|org|io)\b", texts)


# -- realism -----------------------------------------------------------------------------------


def test_few_ticket_descriptions_share_their_opening(demo: Dataset) -> None:
    openings = Counter(t.description[:40] for t in demo.tickets)
    shared = sum(count for count in openings.values() if count > 1)
    assert shared / len(demo.tickets) < 0.05
    assert len({t.description for t in demo.tickets}) == len(demo.tickets)


def test_tickets_quote_real_error_output(demo: Dataset) -> None:
    text = "\n".join(t.description for t in demo.tickets)
    for marker in (
        "HTTP/1.1 4",
        '{"error":"',
        "Traceback (most recent call last)",
        "urn:ietf:params:scim",
        "$ tessera",
    ):
        assert marker in text, marker
    quoting = [t for t in demo.tickets if re.search(r'"error"|Error|failed|rejected', t.description)]
    assert len(quoting) / len(demo.tickets) > 0.1


# -- scenarios ---------------------------------------------------------------------------------


def test_scenarios_are_the_ten_named_in_the_design() -> None:
    assert [s.name for s in DEMO_SCENARIOS] == [
        "api-500s",
        "export-missing-rows",
        "sso-login-loop",
        "audit-log-churn",
        "webhook-signature-handled",
        "security-cross-tenant",
        "acme-logistics-webhooks",
        "scim-sla-breach",
        "duplicate-alerts-recurring",
        "how-to-api-key",
    ]


@pytest.mark.parametrize("scenario", DEMO_SCENARIOS, ids=lambda s: s.name)
def test_every_scenario_record_exists_and_the_expectation_is_coherent(
    demo: Dataset, scenario: DemoScenario
) -> None:
    tickets = _tickets(demo, scenario.ticket_ids)
    assert tickets
    orgs = {t.organization.id for t in tickets if t.organization}
    assert set(scenario.account_ids) == orgs
    assert scenario.account_id is None or scenario.account_id in scenario.account_ids
    assert set(scenario.issue_keys) <= {i.key for i in demo.issues}
    assert set(scenario.article_ids) <= {a.id for a in demo.articles}
    roots = {m.id for m in demo.messages if m.thread_id is None}
    assert set(scenario.message_ids) <= roots
    if scenario.expected_decision == "handle_in_support":
        assert (scenario.expected_target, scenario.expected_severity) == (None, None)
    else:
        assert scenario.expected_target in ("Engineering", "Product", "Security", "Leadership", "L2 support")
        assert scenario.expected_severity in ("Critical", "High", "Medium")
    assert any(t.status in OPEN_TICKET_STATUSES for t in tickets)


def _tokens(text: str) -> list[str]:
    stop = {
        "a",
        "an",
        "and",
        "are",
        "by",
        "do",
        "for",
        "how",
        "i",
        "in",
        "is",
        "it",
        "of",
        "on",
        "the",
        "this",
    }
    words = [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in stop]
    return [re.sub(r"(?<=...)(ing|ed|ly|es|s)$", "", w) for w in words]


def _bm25_ranking(tickets: tuple[Ticket, ...], query: str) -> list[str]:
    docs = [Counter(_tokens(_text(t))) for t in tickets]
    lengths = [sum(d.values()) for d in docs]
    average = sum(lengths) / len(docs)
    terms = set(_tokens(query))
    frequency = {term: sum(1 for d in docs if term in d) for term in terms}

    def score(doc: Counter[str], length: int) -> float:
        total = 0.0
        for term in terms:
            if doc[term]:
                idf = math.log(1 + (len(docs) - frequency[term] + 0.5) / (frequency[term] + 0.5))
                total += idf * doc[term] * 2.2 / (doc[term] + 1.2 * (0.25 + 0.75 * length / average))
        return total

    scored = sorted(zip(tickets, docs, lengths, strict=True), key=lambda x: -score(x[1], x[2]))
    return [ticket.id for ticket, _, _ in scored]


@pytest.mark.parametrize("scenario", DEMO_SCENARIOS, ids=lambda s: s.name)
def test_the_issue_text_as_typed_finds_the_scenarios_tickets(demo: Dataset, scenario: DemoScenario) -> None:
    ranking = _bm25_ranking(demo.tickets, scenario.issue)
    top = set(ranking[: len(scenario.ticket_ids) + 10])
    assert set(scenario.ticket_ids) <= top


SYMPTOMS = {
    "api-500s": (r"events/batch", timedelta(days=30)),
    "export-missing-rows": (
        r"(?i)(missing|fewer) (rows|records)|exactly 100,?000|truncat",
        timedelta(days=30),
    ),
    "sso-login-loop": (r"(?i)login loop|redirect loop|samesite", timedelta(days=30)),
    "webhook-signature-handled": (r"(?i)tessera-signature|hmac", timedelta(days=30)),
    "security-cross-tenant": (r"(?i)another company|ws_4482", timedelta(days=90)),
    "acme-logistics-webhooks": (r"410 Gone", timedelta(days=90)),
    "scim-sla-breach": (r"emails\[0\]\.type", timedelta(days=90)),
    "duplicate-alerts-recurring": (r"(?i)(twice|duplicate|double).{0,40}(alert|notif)", timedelta(days=30)),
}


@pytest.mark.parametrize("name", SYMPTOMS)
def test_no_background_ticket_shares_a_scenarios_symptom_in_its_window(demo: Dataset, name: str) -> None:
    pattern, window = SYMPTOMS[name]
    matching = {t.id for t in demo.tickets if NOW - t.created_at <= window and re.search(pattern, _text(t))}
    assert matching == set(_scenario(name).ticket_ids)


def test_api_500s_is_one_reference_customer_with_a_reply_due_within_the_hour(demo: Dataset) -> None:
    scenario = _scenario("api-500s")
    acme = next(a for a in demo.accounts if a.id == "acme-corp")
    assert (acme.name, acme.tier, acme.arr, acme.health, acme.reference_customer) == (
        "Acme Corp",
        "enterprise",
        480_000,
        "yellow",
        True,
    )
    assert acme.renewal_date is not None and 70 <= (acme.renewal_date - NOW.date()).days <= 80
    assert any(c.is_executive and c.title == "CTO" for c in acme.contacts)
    tickets = _tickets(demo, scenario.ticket_ids)
    assert all(t.status in OPEN_TICKET_STATUSES and NOW - t.created_at < timedelta(days=4) for t in tickets)
    due = [
        s
        for t in tickets
        for s in t.sla
        if s.fulfilled_at is None and s.breach_at and NOW < s.breach_at <= NOW + timedelta(minutes=45)
    ]
    assert len(due) == 1
    urgent = tickets[0]
    assert (
        urgent.priority == "urgent"
        and "202 Accepted" in urgent.description
        and "tessera-python 4.2.1" in urgent.description
    )
    assert any("100" in c.body and "throughput" in c.body for c in urgent.comments)
    bug = next(i for i in demo.issues if i.key == "ENG-3412")
    assert (bug.status, bug.priority, bug.linked_account_ids) == ("in_progress", "high", ("acme-corp",))
    assert len(bug.linked_ticket_ids) == 2 and set(bug.linked_ticket_ids) <= set(scenario.ticket_ids)


def test_export_missing_rows_was_reported_by_exactly_three_accounts_this_week(demo: Dataset) -> None:
    scenario = _scenario("export-missing-rows")
    tickets = _tickets(demo, scenario.ticket_ids)
    assert all(NOW - t.created_at < timedelta(days=7) for t in tickets)
    assert len({t.organization.id for t in tickets if t.organization}) == 3
    bug = next(i for i in demo.issues if i.key == "ENG-3398")
    assert (bug.status, bug.priority, len(bug.linked_ticket_ids)) == ("open", "high", 2)
    assert "date range" in next(a.body for a in demo.articles if a.id == "KB-204")


def test_sso_loop_hits_five_enterprise_accounts_after_the_release(demo: Dataset) -> None:
    scenario = _scenario("sso-login-loop")
    tiers = {a.id: a.tier for a in demo.accounts}
    assert all(tiers[a] == "enterprise" for a in scenario.account_ids)
    assert not {"umbrella-health", "kestrel-bank", "acme-corp"} & set(scenario.account_ids)
    tickets = _tickets(demo, scenario.ticket_ids)
    assert all(t.priority == "urgent" and NOW - t.created_at <= timedelta(hours=18) for t in tickets)
    bug = next(i for i in demo.issues if i.key == "ENG-3430")
    assert (bug.status, bug.priority) == ("in_progress", "highest")
    assert set(bug.linked_ticket_ids) == set(scenario.ticket_ids)
    article = next(a for a in demo.articles if a.id == "KB-131")
    assert article.kind == "known-issue" and article.workaround


def test_audit_log_churn_is_a_red_high_value_account_asking_for_leadership(demo: Dataset) -> None:
    kestrel = next(a for a in demo.accounts if a.id == "kestrel-bank")
    assert (kestrel.tier, kestrel.arr, kestrel.health) == ("enterprise", 620_000, "red")
    assert kestrel.renewal_date is not None and (kestrel.renewal_date - NOW.date()).days == 28
    current, earlier = _tickets(demo, _scenario("audit-log-churn").ticket_ids)
    assert current.priority == "high" and NOW - current.created_at < timedelta(days=3)
    ciso = next(c for c in kestrel.contacts if c.email == current.requester.email)
    assert ciso.is_executive and "Security Officer" in (ciso.title or "")
    assert "VP of Product" in current.description and "renew" in current.description
    assert any(not c.public and "competitor" in c.body for c in current.comments)
    assert earlier.status == "closed" and timedelta(days=55) < NOW - earlier.created_at < timedelta(days=65)
    feature = next(i for i in demo.issues if i.key == "PROD-412")
    assert feature.kind == "feature" and feature.status == "open" and len(feature.linked_account_ids) == 5
    assert any(
        o.account_id == "kestrel-bank" and o.is_open and o.kind == "renewal" for o in demo.opportunities
    )


def test_webhook_signature_has_a_fitting_workaround_and_precedents_solved_in_support(demo: Dataset) -> None:
    article = next(a for a in demo.articles if a.id == "KB-162")
    assert article.kind == "known-issue" and "raw request body" in (article.workaround or "")
    precedents = [
        t
        for t in demo.tickets
        if "KB-162" in _text(t)
        and t.status in ("solved", "closed")
        and t.organization
        and t.organization.id != "orchid-retail"
    ]
    assert len({t.organization.id for t in precedents if t.organization}) == 2
    assert all(timedelta(days=30) < NOW - t.created_at < timedelta(days=80) for t in precedents)
    assert not [i for i in demo.issues if re.search(r"(?i)webhook.*signature|hmac", i.title + i.body)]


def test_acme_logistics_is_a_different_small_account_whose_own_endpoint_returns_410(demo: Dataset) -> None:
    account = next(a for a in demo.accounts if a.id == "acme-logistics")
    assert (account.name, account.tier, account.arr, account.domains) == (
        "Acme Logistics",
        "pro",
        3_600,
        ("acmelogistics.example",),
    )
    (ticket,) = _tickets(demo, _scenario("acme-logistics-webhooks").ticket_ids)
    assert any(
        c.author.role == "agent" and "410 Gone" in c.body and "disabled" in c.body for c in ticket.comments
    )


def test_security_report_is_polite_from_a_small_account_with_nothing_on_record(demo: Dataset) -> None:
    (ticket,) = _tickets(demo, _scenario("security-cross-tenant").ticket_ids)
    assert ticket.organization is not None and ticket.organization.id == "fernhill-studio"
    assert NOW - ticket.created_at <= timedelta(hours=6)
    assert "ws_4481" in ticket.description and "ws_4482" in ticket.description
    records = [i.title + i.body for i in demo.issues] + [a.title + a.body for a in demo.articles]
    assert not [r for r in records if "ws_448" in r or "another company" in r.lower()]


def test_scim_ticket_breached_both_slas_and_has_no_tracker_issue(demo: Dataset) -> None:
    (ticket,) = _tickets(demo, _scenario("scim-sla-breach").ticket_ids)
    sla = {s.metric: s for s in ticket.sla}
    first, resolution = sla["first_reply"], sla["resolution"]
    assert (
        first.fulfilled_at is not None
        and first.breach_at is not None
        and first.fulfilled_at > first.breach_at
    )
    assert resolution.fulfilled_at is None and resolution.breach_at is not None
    assert timedelta(hours=4) < NOW - resolution.breach_at < timedelta(hours=6)
    assert ticket.priority == "high" and ticket.linked_issue_keys == ()
    assert not [i for i in demo.issues if ticket.id in i.linked_ticket_ids or "emails[0]" in i.body]


def test_duplicate_alerts_came_back_after_the_fix_shipped(demo: Dataset) -> None:
    scenario = _scenario("duplicate-alerts-recurring")
    bug = next(i for i in demo.issues if i.key == "ENG-3120")
    assert (bug.status, bug.fix_version) == ("reopened", "2026.10.2")
    assert bug.resolved_at is not None and bug.reopened_at is not None
    assert timedelta(days=19) < NOW - bug.resolved_at < timedelta(days=23)
    assert timedelta(days=1) < NOW - bug.reopened_at < timedelta(days=3)
    recent = _tickets(demo, scenario.ticket_ids)
    assert all(NOW - t.created_at < timedelta(days=4) for t in recent)
    assert len({t.organization.id for t in recent if t.organization}) == 2
    before = [t for t in _tickets(demo, bug.linked_ticket_ids) if t.id not in scenario.ticket_ids]
    assert len({t.organization.id for t in before if t.organization}) >= 2
    assert all(t.solved_at and t.solved_at <= bug.resolved_at + timedelta(hours=3) for t in before)
    assert all(timedelta(days=40) <= NOW - t.created_at <= timedelta(days=60) for t in before)
    assert "2026.10.2" in next(a.body for a in demo.articles if a.id == "KB-173")


def test_how_to_api_key_has_an_article_and_solved_precedents(demo: Dataset) -> None:
    (ticket,) = _tickets(demo, _scenario("how-to-api-key").ticket_ids)
    assert ticket.type == "question" and ticket.priority == "normal"
    assert next(a for a in demo.articles if a.id == "KB-109").kind == "how-to"
    precedents = [t for t in demo.tickets if "KB-109" in _text(t) and t.status in ("solved", "closed")]
    assert len(precedents) >= 2


def test_renewal_dates_and_other_dates_sit_relative_to_the_moment_of_building() -> None:
    later = NOW + timedelta(days=10)
    dataset = build_demo(later)
    kestrel = next(a for a in dataset.accounts if a.id == "kestrel-bank")
    assert kestrel.renewal_date == (later + timedelta(days=28)).date()
    assert isinstance(kestrel.renewal_date, date)
    newest = max(t.created_at for t in dataset.tickets)
    assert later - timedelta(hours=4) < newest <= later


def test_scenario_accounts_carry_no_unrelated_recent_sla_breach(demo: Dataset) -> None:
    scenario_accounts = {a for s in DEMO_SCENARIOS for a in s.account_ids}
    scenario_tickets = {t for s in DEMO_SCENARIOS for t in s.ticket_ids}
    for ticket in demo.tickets:
        if (
            ticket.organization is None
            or ticket.organization.id not in scenario_accounts
            or ticket.id in scenario_tickets
            or NOW - ticket.created_at > timedelta(days=30)
        ):
            continue
        for sla in ticket.sla:
            if sla.breach_at is not None and not sla.paused:
                assert (sla.fulfilled_at or NOW) <= sla.breach_at, (ticket.id, sla.metric)
