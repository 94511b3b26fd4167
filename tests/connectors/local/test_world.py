"""The world format and builder: relative times, people by name, SLA by tier, templates, layering."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from customer_escalation.connectors.local.world import (
    Records,
    WorldBuilder,
    WorldError,
    WorldSettings,
    format_offset,
    layered,
    parse_offset,
    read_world,
)
from customer_escalation.connectors.records import Dataset

NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)  # a Wednesday

SETTINGS = WorldSettings.model_validate(
    {
        "links": False,
        "templates": True,
        "people": [
            {"name": "Riley Chen", "email": "riley@vendor.example", "title": "Support", "role": "agent"}
        ],
        "sla": {"enterprise": {"policy": "Enterprise 24/7", "targets": {"urgent": [60, 1440]}}},
    }
)


def records(**kinds: object) -> Records:
    return Records.model_validate(kinds)


def build(settings: WorldSettings | None = None, **kinds: object) -> Dataset:
    return WorldBuilder(NOW, Dataset(), settings).build(records(**kinds))


ACME = {
    "id": "acme",
    "tier": "enterprise",
    "contacts": [{"name": "Priya Natarajan"}, {"name": "Lena Voss", "email": "lena@acme.example"}],
}


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("-3h", timedelta(hours=-3)),
        ("+21d", timedelta(days=21)),
        ("-3d21h38m", -timedelta(days=3, hours=21, minutes=38)),
        ("-1w2d", timedelta(days=-9)),
        ("-1.5h", timedelta(minutes=-90)),
        ("+40m10s", timedelta(minutes=40, seconds=10)),
    ],
)
def test_relative_times_read_as_offsets_from_the_clock(text: str, delta: timedelta) -> None:
    assert parse_offset(text) == delta
    assert parse_offset(format_offset(delta)) == delta


def test_text_that_is_not_a_relative_time_is_not_read_as_one() -> None:
    assert parse_offset("2026-11-18") is None
    assert parse_offset("3h") is None


def test_a_bare_name_is_one_of_the_staff_or_a_contact_of_the_ticket_account() -> None:
    ticket = {
        "id": "7",
        "account": "acme",
        "subject": "s",
        "body": "b",
        "requester": "Lena Voss",
        "assignee": "Riley Chen",
        "comments": [
            {"by": "Riley Chen", "body": "hi", "at": "-1h"},
            {"by": "Priya Natarajan", "body": "me too", "at": "-30m"},
            {"by": "Someone Else", "body": "?", "at": "-10m"},
        ],
    }
    (built,) = build(SETTINGS, accounts=[ACME], tickets=[ticket]).tickets
    assert (built.requester.email, built.requester.role) == ("lena@acme.example", "customer")
    assert built.assignee is not None and built.assignee.email == "riley@vendor.example"
    authors = [(c.author.name, c.author.email, c.author.role) for c in built.comments]
    assert authors == [
        ("Riley Chen", "riley@vendor.example", "agent"),
        ("Priya Natarajan", "priya.natarajan@acme.example", "customer"),
        ("Someone Else", None, "customer"),
    ]


def test_sla_by_tier_is_met_by_the_first_public_staff_reply() -> None:
    ticket = {
        "id": "8",
        "account": "acme",
        "subject": "s",
        "body": "b",
        "priority": "urgent",
        "created": "-5h",
        "sla": "tier",
        "comments": [
            {"by": "Riley Chen", "body": "note", "at": "-4h50m", "public": False},
            {"by": "Riley Chen", "body": "reply", "at": "-3h"},
        ],
    }
    (built,) = build(SETTINGS, accounts=[ACME], tickets=[ticket]).tickets
    first, resolution = built.sla
    assert (first.metric, first.target_minutes, first.policy) == ("first_reply", 60, "Enterprise 24/7")
    assert first.breach_at == NOW - timedelta(hours=4)
    assert first.fulfilled_at == NOW - timedelta(hours=3)
    assert (resolution.metric, resolution.target_minutes, resolution.fulfilled_at) == (
        "resolution",
        1440,
        None,
    )


def test_templated_text_names_moments_relative_to_the_clock() -> None:
    article = {"id": "KB-1", "title": "t", "body": 'Since {{ "-1d" | weekday }} at {{ "-2h" | clock }}.'}
    (templated,) = build(SETTINGS, articles=[article]).articles
    (verbatim,) = build(None, articles=[article]).articles
    assert templated.body == "Since Tuesday at 13:00."
    assert verbatim.body == article["body"]


def test_links_follow_the_settings() -> None:
    issue = {"key": "ENG-1", "title": "t"}
    assert build(None, issues=[issue]).issues[0].ref.url == "https://tracker.example/browse/ENG-1"
    assert build(SETTINGS, issues=[issue]).issues[0].ref.url is None


def test_a_record_naming_an_unknown_account_is_refused_with_its_place() -> None:
    ticket = {"id": "9", "account": "nobody", "subject": "s", "body": "b"}
    with pytest.raises(WorldError, match=r"records\.tickets\[0\] \(9\)\.account: account 'nobody'"):
        build(None, tickets=[ticket])


def test_replies_count_on_their_thread_root() -> None:
    messages = [
        {"channel": "C1", "id": "1.000001", "text": "root", "at": "-2h"},
        {"channel": "C1", "id": "1.000002", "text": "reply", "at": "-1h", "thread": "1.000001"},
    ]
    root, reply = build(None, messages=messages).messages
    assert (root.reply_count, reply.reply_count, reply.thread_id) == (1, 0, "1.000001")


def test_layered_records_replace_the_base_records_with_the_same_id() -> None:
    base = build(None, accounts=[{"id": "acme", "arr": 1.0}, {"id": "globex"}])
    own = build(None, accounts=[{"id": "acme", "arr": 2.0}])
    merged = layered(base, own)
    assert [(a.id, a.arr) for a in merged.accounts] == [("acme", 2.0), ("globex", None)]


def test_a_world_file_with_a_bad_field_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "world.yaml"
    path.write_text("tickets:\n- id: 5\n  subject: s\n  body: b\n  created: yesterday\n", encoding="utf-8")
    with pytest.raises(WorldError, match=r"tickets\[0\] \(5\)\.created"):
        read_world(path)
