"""Findings a model claims, checked against the records before the policy may use them.

A model that reads a ticket may understand it better than the phrase detector ("the analytics copy shows
outsiders our hashed credentials" is a security exposure whatever words it uses). It says so as a finding:
a kind, the record, and the customer's exact words. A finding is kept only when those words stand, after
normalisation, in what a person sees of that record's customer-written text; not in text hidden by the
platform's rendering or addressed to an automated reader, not in text our staff or this product wrote,
and not in a tracker issue or an article (our own records). Everything refused is reported with why.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from .own_text import written_by_us
from .policy import Evidence, message_ref, ticket_ref
from .policy_config import SignalKind
from .signals import Hit, prepare
from .signals.detect import PublicKind
from .visible_text import for_people

FindingKind = PublicKind
_POLICY_KIND: dict[str, SignalKind] = {"churn_risk": "churn", "feature_request": "feature_gap"}
_STAFF = frozenset({"agent", "internal", "bot", "system"})
_SPACE = re.compile(r"\s+")


class ClaimedFinding(BaseModel):
    """What a model read in one record, with the customer's own words."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: FindingKind
    record: Annotated[
        str,
        Field(
            min_length=1,
            max_length=220,
            description="The record it is in: `ticket:<id>`, `message:<channel id>:<message id>`, or "
            "`issue-text` for the user's own words.",
        ),
    ]
    quote: Annotated[
        str,
        Field(
            min_length=3,
            max_length=500,
            description="The customer's exact words that show it, copied from the record (not paraphrased).",
        ),
    ]


class Grounded(BaseModel):
    """The findings kept (as hits the policy reads) and the ones refused, with the reason."""

    model_config = ConfigDict(frozen=True)

    kept: tuple[Hit, ...] = ()
    refused: tuple[str, ...] = ()


def _plain(text: str) -> str:
    return _SPACE.sub(" ", prepare(text)).strip().casefold()


def _texts(evidence: Evidence) -> dict[str, tuple[list[str], list[str]]]:
    """Per record id: (customer-written texts, texts written by our staff or this product)."""
    found: dict[str, tuple[list[str], list[str]]] = {"issue-text": ([evidence.issue], [])}
    for ticket in evidence.tickets:
        customer = [ticket.subject, ticket.description]
        staff: list[str] = []
        for comment in ticket.comments:
            ours = comment.author.role in _STAFF or written_by_us(comment.body, comment.author.name)
            (staff if ours else customer).append(comment.body)
        found[ticket_ref(ticket.id)] = (customer, staff)
    for message in evidence.messages:
        ours = written_by_us(message.text, message.author.name) or message.author.role in {"bot", "system"}
        found[message_ref(message)] = ([], [message.text]) if ours else ([message.text], [])
    return found


def ground(claims: list[ClaimedFinding], evidence: Evidence) -> Grounded:
    """Keep each claim whose quote a person can read in that record's customer-written text."""
    texts = _texts(evidence)
    kept: list[Hit] = []
    refused: list[str] = []
    for claim in claims:
        label = f"{claim.kind} @ {claim.record}"
        quote = _plain(claim.quote)
        if claim.record.startswith(("issue:", "article:")):
            refused.append(f"{label}: tracker issues and articles are our own records, not customer evidence")
            continue
        if claim.record not in texts:
            refused.append(f"{label}: no such record among those assessed")
            continue
        customer, staff = texts[claim.record]
        if any(quote in _plain(for_people(text)) for text in customer):
            kind = _POLICY_KIND.get(claim.kind, claim.kind)
            kept.append(Hit(kind=kind, source=claim.record, excerpt=claim.quote, quote=claim.quote))  # type: ignore[arg-type]
        elif any(quote in _plain(text) for text in customer):
            refused.append(f"{label}: the quote is hidden from readers or addressed to an automated reader")
        elif any(quote in _plain(text) for text in staff):
            refused.append(f"{label}: the quote is from text our staff or this product wrote")
        else:
            refused.append(f"{label}: the quote is not in the record's text")
    return Grounded(kept=tuple(kept), refused=tuple(refused))


__all__ = ["ClaimedFinding", "FindingKind", "Grounded", "ground"]
