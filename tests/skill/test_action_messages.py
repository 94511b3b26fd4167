"""What the actions say, pinned word for word: each message template under `prompts/` rendered for a
representative escalation, so that editing a template's wording is a visible change here."""

from __future__ import annotations

from datetime import timedelta

import pytest

from customer_escalation.connectors.records import EscalationEntry, Ref
from customer_escalation.skill.actions import EscalationCase
from customer_escalation.skill.actions.customer import CustomerContext
from customer_escalation.skill.actions.messages import (
    brief_note,
    chat_text,
    customer_update_text,
    deescalation_drafts,
    issue_draft,
    ticket_links_markdown,
)
from customer_escalation.skill.brief import ContextItem, SupportHandling
from tests.contract.dataset import NOW

from .test_actions import brief, case

LINKS = (
    ContextItem(kind="ticket", label="Ticket 101", ref="ticket:101", url="https://help.example/t/101"),
    ContextItem(kind="ticket", label="Ticket 102", ref="ticket:102"),
    ContextItem(kind="issue", label="ENG-42 (in progress)", ref="issue:ENG-42", url="https://eng.example/42"),
    ContextItem(kind="issue", label="ENG-43 (open)", ref="issue:ENG-43"),
)
IMPACT = """\
## Impact
- **Severity:** High
- **Customers affected:** 1 customer: Northwind Traders (Enterprise)
- **Workflow impact:** Blocked: every delivery fails (reported by sam.reed@northwind.example)
- **Revenue at risk:** $240,000 ARR
- **Time in queue:** 5 hours

## Issue Description
Every webhook delivery to Northwind's endpoint fails with HTTP 502 since 07:00.

## Reproduction Steps
"""


def entry(severity: str | None = "High", target: str | None = "Engineering") -> EscalationEntry:
    return EscalationEntry(
        id="ESC-7",
        fingerprint="f",
        issue="Webhook deliveries failing with 502 for Northwind",
        summary="Webhook deliveries fail with 502 for Northwind Traders",
        severity=severity,
        target=target,
        created_at=NOW - timedelta(hours=5),
        updated_at=NOW,
    )


def test_the_chat_post_carries_the_briefs_key_lines_and_links_to_the_records() -> None:
    assert chat_text(case(links=LINKS), "ESC-7") == (
        "*ESCALATION: Webhook deliveries fail with 502 for Northwind Traders*\n"
        "Severity: High | Target: Engineering (Integrations) | ESC-7\n"
        "Customers affected: 1 customer: Northwind Traders (Enterprise)\n"
        "Workflow impact: Blocked: every delivery fails (reported by sam.reed@northwind.example)\n"
        "Revenue at risk: $240,000 ARR\n"
        "SLA: Breached: ticket 101 next reply overdue by 1 hours\n"
        "What's needed:\n"
        "- investigate the 502s from the delivery workers\n"
        "- Deadline: 2026-11-20 16:00 UTC\n"
        "Tickets: 101 (https://help.example/t/101), 102\n"
        "Tracker: ENG-42 (https://eng.example/42), ENG-43"
    )


def test_a_chat_post_without_a_brief_or_links_is_its_headline_alone() -> None:
    assert chat_text(case(brief=None, links=()), "ESC-7") == (
        "*ESCALATION: Webhook deliveries fail with 502 for Northwind Traders*"
    )


def test_the_tracker_issue_body_has_impact_reproduction_needs_and_related_tickets() -> None:
    draft = issue_draft(case(links=LINKS), "ENG", "ESC-7")
    assert draft.body_markdown == IMPACT + (
        "1. Send a test delivery to the Northwind endpoint\n"
        "2. Read the delivery log\n"
        "\n"
        "**Expected:** HTTP 200 from the endpoint\n"
        "**Actual:** HTTP 502 Bad Gateway\n"
        "**Environment:** Enterprise plan, delivery workers after the 06:55 restart\n"
        "\n"
        "## What's Needed\n"
        "- investigate the 502s from the delivery workers\n"
        "- **Deadline:** 2026-11-20 16:00 UTC\n"
        "\n"
        "## Related Tickets\n"
        "- [Ticket 101](https://help.example/t/101)\n"
        "- Ticket 102\n"
        "\n"
        "Filed from escalation ESC-7 by customer-escalation.\n"
    )


def test_a_tracker_issue_without_reproduction_or_tickets_says_so_and_keeps_its_spacing() -> None:
    draft = issue_draft(case(brief=brief(reproduction=None), links=()), "ENG", "ESC-7")
    assert draft.body_markdown == IMPACT + (
        "Not applicable: this is not a bug report.\n"
        "\n"
        "## What's Needed\n"
        "- investigate the 502s from the delivery workers\n"
        "- **Deadline:** 2026-11-20 16:00 UTC\n"
        "\n"
        "\n"
        "Filed from escalation ESC-7 by customer-escalation.\n"
    )


def test_a_tracker_issue_without_a_brief_links_the_tickets_only() -> None:
    draft = issue_draft(case(brief=None), "ENG", "ESC-7")
    assert draft.body_markdown == (
        "## Related Tickets\n- Ticket 101\n\nFiled from escalation ESC-7 by customer-escalation.\n"
    )


def test_related_tickets_are_a_heading_and_one_line_per_ticket_and_nothing_without_tickets() -> None:
    assert ticket_links_markdown(LINKS) == [
        "## Related Tickets",
        "- [Ticket 101](https://help.example/t/101)",
        "- Ticket 102",
    ]
    assert ticket_links_markdown(LINKS[2:]) == []


def test_the_brief_note_names_what_it_is_above_the_brief() -> None:
    escalated = case()
    assert brief_note(escalated, "ESC-7") == (
        "Escalation brief ESC-7 (customer-escalation; internal, not visible to the customer)\n\n"
        + escalated.markdown
    )
    handled = case(decision="handle_in_support")
    assert brief_note(handled, "ESC-7").startswith("Support-handling note ESC-7 (customer-escalation;")


def test_the_customer_update_answers_with_what_we_know_what_is_next_and_the_workaround() -> None:
    context = CustomerContext(
        name="Priya Shah", subject="Webhooks down!", workaround="Resend from the log every 15 minutes."
    )
    assert customer_update_text(case(links=LINKS), name=None, now=NOW, context=context) == (
        "DRAFT customer update: not sent. Review it, then send it to the customer yourself (check that it "
        "names no other customer).\n"
        "\n"
        "Hi Priya,\n"
        "\n"
        "Thank you for your patience, and sorry for the trouble this is causing. Here is where things "
        "stand on the issue you reported (\u201cWebhooks down!\u201d).\n"
        "\n"
        "What we know: Our engineers are tracking it as a problem on our side and are working on a fix. "
        "Until it is fixed, the workaround from our earlier message still applies: Resend from the log "
        "every 15 minutes.\n"
        "\n"
        "What happens next: our engineering team is working on it as a high-priority issue, and I stay "
        "your point of contact until it is resolved.\n"
        "\n"
        "Next update: by 2026-11-20 16:00 UTC at the latest, even if there is no news yet (we will keep "
        "updating you every 4 hours-8 hours while this is open).\n"
        "\n"
        "Best regards,\n"
        "Jo Park\n"
    )


@pytest.mark.parametrize(
    ("overrides", "known", "next_step"),
    [
        (
            {"target": "Leadership", "target_line": "Leadership; also Engineering"},
            "Your message, with what you need and by when, is with our leadership team.",
            "our leadership and engineering teams are reviewing it as a high priority",
        ),
        (
            {"target": "Leadership", "target_line": "Leadership"},
            "Your message, with what you need and by when, is with our leadership team.",
            "our leadership team is reviewing it as a high priority",
        ),
        (
            {"target": "Product", "severity": "Medium"},
            "Our product team has your request, with the details you sent, and is reviewing it.",
            "our product team is reviewing your request as a medium priority",
        ),
        (
            {"target": "Security", "severity": "Critical"},
            "Our security team is investigating it with the details from your reports.",
            "our security team is investigating it as a critical-priority issue",
        ),
        (
            {"target": "L2 support"},
            "We have passed it to our senior support team, with the details from your reports.",
            "our senior support team is working on it as a high-priority issue",
        ),
        (
            {"target": None, "severity": None, "account_ids": ("a", "b")},
            "We have passed it to our engineering team, with the details from your reports. It is not "
            "specific to your account: other customers are affected too.",
            "our engineering team is working on it as a high-priority issue",
        ),
        (
            {"links": (LINKS[3],)},
            "Our engineers are tracking it as a problem on our side and are investigating it.",
            "our engineering team is working on it as a high-priority issue",
        ),
    ],
)
def test_the_customer_update_says_who_is_on_it_by_the_target_team(
    overrides: dict[str, object], known: str, next_step: str
) -> None:
    text = customer_update_text(case(**overrides), name="sam", now=NOW)
    assert f"\nWhat we know: {known}\n" in text
    assert (
        f"\nWhat happens next: {next_step}, and I stay your point of contact until it is resolved.\n" in text
    )


def test_a_case_handled_in_support_gets_its_suggested_reply_under_the_draft_header() -> None:
    handling = SupportHandling(
        summary="Password reset emails arrive late",
        reported_by="Jo Park",
        date=NOW.date(),
        why=["a documented delay"],
        suggested_reply="Hi Sam,\n\nThe reset email arrives within 10 minutes.\n\n",
    )
    handled: EscalationCase = case(decision="handle_in_support", brief=None, handling=handling)
    assert customer_update_text(handled, name=None, now=NOW) == (
        "DRAFT customer update: not sent. Review it, then send it to the customer yourself (check that it "
        "names no other customer).\n\nHi Sam,\n\nThe reset email arrives within 10 minutes.\n"
    )


def test_the_deescalation_notes_tell_the_team_the_ticket_and_the_history() -> None:
    tracker = (Ref(system="jira", id="ENG-42"), Ref(system="jira", id="ENG-50"))
    drafts = deescalation_drafts(entry(), case(), "  the  fix shipped in 4.2 ", now=NOW, tracker=tracker)
    assert drafts.team_note == (
        "De-escalating ESC-7: Webhook deliveries fail with 502 for Northwind Traders\n"
        "Why: the fix shipped in 4.2\n"
        "It was escalated to Engineering at High severity 5 hours ago. Nothing more is needed from you for "
        "it.\n"
        "Tracker: ENG-42, ENG-50; update or close it as fits the resolution.\n"
        "Thank you for the help.\n"
    )
    assert drafts.ticket_update == (
        "De-escalated ESC-7 on 2026-11-20 12:00 UTC (customer-escalation; internal note).\n"
        "Resolution: the fix shipped in 4.2\n"
        "Escalated 2026-11-20 07:00 UTC to Engineering at High severity; pending follow-up reminders are "
        "cancelled.\n"
        "Tracker: ENG-42, ENG-50\n"
    )
    assert drafts.learning == (
        "ESC-7 (Webhook deliveries fail with 502 for Northwind Traders): escalated to Engineering at High "
        "severity on 2026-11-20 07:00 UTC, de-escalated after 5 hours. Why: the fix shipped in 4.2. Record "
        "the root cause or workaround in the knowledge base so the next report of this can be handled in "
        "support."
    )


def test_deescalation_notes_without_severity_target_or_tracker_leave_those_parts_out() -> None:
    unknown = case(target=None, severity=None, target_line=None)
    drafts = deescalation_drafts(entry(severity=None, target=None), unknown, "fixed", now=NOW)
    assert drafts.team_note == (
        "De-escalating ESC-7: Webhook deliveries fail with 502 for Northwind Traders\n"
        "Why: fixed\n"
        "It was escalated to the receiving team 5 hours ago. Nothing more is needed from you for it.\n"
        "Thank you for the help.\n"
    )
    assert drafts.ticket_update == (
        "De-escalated ESC-7 on 2026-11-20 12:00 UTC (customer-escalation; internal note).\n"
        "Resolution: fixed\n"
        "Escalated 2026-11-20 07:00 UTC to the receiving team; pending follow-up reminders are cancelled.\n"
    )
