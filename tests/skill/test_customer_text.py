"""Customer-facing wording and recognising our own writes."""

from __future__ import annotations

import pytest

from customer_escalation.skill.customer_text import (
    about,
    asks_in,
    deescalation_message,
    greeting,
    suggested_reply,
)
from customer_escalation.skill.own_text import written_by_us


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Priya Natarajan", "Hi Priya,"),
        ("ravi", "Hi Ravi,"),
        ("user", "Hello,"),
        ("Customer", "Hello,"),
        ("orders@moss.example", "Hello,"),
        (None, "Hello,"),
        ("J.", "Hello,"),
    ],
)
def test_the_greeting_uses_a_real_first_name_or_none(name: str | None, expected: str) -> None:
    assert greeting(name) == expected


def test_explicit_requests_for_an_eta_a_call_and_a_credit_are_found() -> None:
    asks = asks_in(
        [
            "The sync failed again. What's the ETA on a fix?",
            "I would like a call with your leadership this week, and we expect a service credit.",
        ]
    )
    assert (asks.eta, asks.call, asks.credit) == (True, True, True)
    calm = asks_in(["We called the API and it failed. The credit card field is empty."])
    assert (calm.eta, calm.call, calm.credit) == (False, False, False)


def test_the_issue_is_named_in_the_customers_words() -> None:
    assert about("Export missing rows", "42") == "the issue you reported (\u201cExport missing rows\u201d)"
    assert about(None, "42") == "the issue you reported in ticket 42"


def test_the_deescalation_message_says_what_changed_without_our_title() -> None:
    text = deescalation_message(
        name="user",
        subject="Batch API errors",
        ticket_id="7",
        reason="workaround confirmed",
        reporter="Support",
    )
    assert "Hello," in text and "Hi user" not in text
    assert "An update on the issue you reported (\u201cBatch API errors\u201d): Workaround confirmed." in text


def test_a_reply_without_an_article_asks_for_details_and_claims_nothing() -> None:
    text = suggested_reply(name=None, asks=asks_in(["When will this work?"]))
    assert text.startswith("Hello,")
    assert "the exact steps you took" in text and "On timing:" in text
    assert "fault on our side" not in text


@pytest.mark.parametrize(
    ("text", "author", "ours"),
    [
        ("*ESCALATION: Export missing rows*\nSeverity: High", None, True),
        ("Escalation brief ESC-2 (customer-escalation; internal, not visible to the customer)", None, True),
        ("DRAFT customer update: not sent.", None, True),
        ("De-escalated ESC-1 on 2026-11-18 10:00 UTC", None, True),
        ("Any note at all", "customer-escalation", True),
        ("Resolution notes\n[customer-escalation:0a1b2c3d]", "Support Bot", True),
        ("Escalating this to engineering now, see ESC-2 in the tracker.", "Riley Chen", False),
        ("Our ESCALATION: team says hi", None, False),
    ],
)
def test_our_own_writes_are_recognised(text: str, author: str | None, ours: bool) -> None:
    assert written_by_us(text, author) is ours
