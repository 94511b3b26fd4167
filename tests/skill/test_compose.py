"""Drafted prose keeps only links and ids that the run's tool results contain."""

from __future__ import annotations

from customer_escalation.skill.brief import Reproduction
from customer_escalation.skill.compose import KnownRecords, ground_prose
from customer_escalation.skill.models.base import BriefDraft


def _known() -> KnownRecords:
    known = KnownRecords()
    result = {
        "tickets": [
            {
                "id": "58590",
                "status": "open",
                "organization_name": "Acme Corp",
                "url": "https://acme.zendesk.example/agent/tickets/58590",
                "untrusted": {"subject": "500s", "snippet": "see https://app.tessera.example/sso/saml/acs"},
            }
        ],
        "issues": [{"key": "ENG-3412", "kind": "bug", "status": "open", "untrusted": {"title": "500s"}}],
    }
    known.add_result("support_search_tickets", result)
    known.add_text(
        '{"tickets":[{"id":"58590","untrusted":{"snippet":"see https://app.tessera.example/sso/saml/acs"}}]}'
    )
    known.add_text('{"issues":[{"key":"ENG-3412"}]}')
    return known


def _draft(text: str) -> BriefDraft:
    return BriefDraft(
        decision="escalate",
        summary="Batch API 500s for Acme",
        issue_description=text,
        whats_needed=[text],
        reproduction=Reproduction(steps=[text], expected="202", actual="500", environment="UTF-8 payloads"),
    )


def test_links_and_ids_from_the_records_stay() -> None:
    text = "Ticket 58590 and ENG-3412; the ACS URL https://app.tessera.example/sso/saml/acs loops."
    draft, removed = ground_prose(_draft(text), _known())
    assert removed == []
    assert draft.issue_description == text
    assert draft.reproduction is not None
    assert draft.reproduction.environment == "UTF-8 payloads"


def test_invented_links_keys_and_ticket_numbers_are_taken_out() -> None:
    text = "See https://evil.example/verify, ENG-9999 and ticket 77777 for details."
    draft, removed = ground_prose(_draft(text), _known())
    assert removed == ["https://evil.example/verify", "ENG-9999", "ticket 77777"]
    assert draft.issue_description == (
        "See [link removed: not in the records], [unverified id] and ticket [unverified number] for details."
    )
    assert draft.whats_needed == [draft.issue_description]
    assert draft.reproduction is not None
    assert "[unverified id]" in draft.reproduction.steps[0]
