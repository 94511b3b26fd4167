"""Records an assistant read through another MCP server (an Intercom conversation, a Jira issue on a site
this server is not configured for), passed to `escalation_assess` as snapshots.

A snapshot whose id our own connectors can read is verified: our copy is assessed and the snapshot set
aside. The rest become records of the assessment marked as supplied by the assistant: they count toward
the decision's signals like any record, a finding's quote must stand in the snapshot's own text (the
same grounding as for our records), and the figures a snapshot of an account states (ARR, tier,
renewal) are labelled as stated by the assistant, not read from the CRM.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..connectors.base import CATEGORY_TITLES, Category, Registry
from ..connectors.records import (
    Account,
    Article,
    ChatMessage,
    Comment,
    Person,
    Ref,
    Ticket,
    TrackerIssue,
)
from ..connectors.records.domain import Tier
from .evidence import EvidenceRequest
from .policy import Evidence

SnapshotKind = Literal["ticket", "message", "issue", "article", "account"]
_CATEGORY: dict[SnapshotKind, Category] = {
    "ticket": "support",
    "message": "chat",
    "issue": "tracker",
    "article": "kb",
    "account": "crm",
}
_REQUEST_FIELD: dict[SnapshotKind, str] = {
    "ticket": "ticket_ids",
    "message": "message_ids",
    "issue": "issue_keys",
    "article": "article_ids",
    "account": "account_ids",
}


class StatedFigures(BaseModel):
    """What a snapshot of an account says about it; used as stated, never as the CRM's figures."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str | None, Field(max_length=200)] = None
    tier: Tier | None = None
    arr: Annotated[float | None, Field(ge=0, description="Annual recurring revenue, in dollars.")] = None
    renewal_date: date | None = None


class RecordSnapshot(BaseModel):
    """One record as the assistant read it through another MCP server."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    system: Annotated[
        str, Field(min_length=1, max_length=50, description="Where it lives: intercom, jira, slack...")
    ]
    id: Annotated[
        str,
        Field(
            min_length=1,
            max_length=200,
            description="Its id in that system (a message as `<channel id>:<message id>`); cite it in "
            "findings as `<kind>:<id>`.",
        ),
    ]
    kind: SnapshotKind
    text: Annotated[str, Field(max_length=20_000, description="The record's text, copied as it reads.")] = ""
    link: Annotated[str | None, Field(max_length=2_000)] = None
    author_role: Annotated[
        Literal["customer", "agent", "internal"] | None,
        Field(description="Who wrote the text: only a customer's words ground a finding on a ticket."),
    ] = None
    time: Annotated[datetime | None, Field(description="When it was written or last updated.")] = None
    figures: Annotated[
        StatedFigures | None, Field(description="For an account: the figures the other server states.")
    ] = None

    @field_validator("system", "id")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        return value.strip()

    @property
    def ref(self) -> str:
        """The evidence id the assessment and findings use."""
        if self.kind == "message":
            channel, _, message = self.id.rpartition(":")
            return f"message:{channel or self.system}:{message}"
        return f"{self.kind}:{self.id}"


def with_snapshot_ids(
    request: EvidenceRequest, snapshots: list[RecordSnapshot], registry: Registry
) -> EvidenceRequest:
    """`request` also naming every snapshot's id that a configured connector could read, so that our
    connectors verify what they can."""
    update: dict[str, tuple[str, ...]] = {}
    for snapshot in snapshots:
        if not _ours_to_read(snapshot, registry):
            continue
        name = _REQUEST_FIELD[snapshot.kind]
        current = update.get(name, getattr(request, name))
        update[name] = tuple(dict.fromkeys([*current, snapshot.id]))
    return request.model_copy(update=update)


def _ours_to_read(snapshot: RecordSnapshot, registry: Registry) -> bool:
    """Whether a configured connector reads the system the snapshot comes from: the same system, or the
    local workspace (which holds records imported from any system, under their own ids). A record of
    another system is never swapped for one of ours that happens to share its id."""
    connector = registry.get(_CATEGORY[snapshot.kind])
    if connector is None:
        return False
    if snapshot.kind == "message" and ":" not in snapshot.id:
        return False  # not an id our chat connector can read
    system = str(getattr(connector, "system", "")).lower()
    return system in (snapshot.system.lower(), "local")


def _read_refs(evidence: Evidence) -> set[str]:
    refs = {f"ticket:{t.id}" for t in evidence.tickets} | {f"account:{a.id}" for a in evidence.accounts}
    refs |= {f"message:{m.channel_id}:{m.id}" for m in evidence.messages}
    refs |= {f"issue:{i.key}" for i in evidence.issues} | {f"article:{a.id}" for a in evidence.articles}
    return refs


def merged(
    evidence: Evidence, snapshots: list[RecordSnapshot], registry: Registry
) -> tuple[Evidence, list[str]]:
    """`evidence` with the snapshots our connectors could not read added as records, and the evidence
    ids of those (assistant-supplied) records. A snapshot is no longer reported missing.

    A snapshot our connector was asked to read counts as the assistant's own only when the connector
    found no such record or its category failed: a record read under the connector's own spelling of
    the id (a Salesforce 15-character id read back as the 18-character one) is ours, not a second copy."""
    read = _read_refs(evidence)
    failed = {
        c for c, title in CATEGORY_TITLES.items() if any(u.startswith(title) for u in evidence.unavailable)
    }

    def supplied_by_assistant(s: RecordSnapshot) -> bool:
        if s.ref in read:
            return False
        if not _ours_to_read(s, registry):
            return True
        return s.ref in evidence.missing or _CATEGORY[s.kind] in failed

    supplied = [s for s in {s.ref: s for s in snapshots}.values() if supplied_by_assistant(s)]
    refs = {s.ref for s in supplied}
    missing = tuple(m for m in evidence.missing if m not in refs)
    accounts = [_account(s) for s in supplied if s.kind == "account"]
    update = {
        "tickets": (*evidence.tickets, *(_ticket(s, evidence.now) for s in supplied if s.kind == "ticket")),
        "messages": (
            *evidence.messages,
            *(_message(s, evidence.now) for s in supplied if s.kind == "message"),
        ),
        "issues": (*evidence.issues, *(_issue(s, evidence.now) for s in supplied if s.kind == "issue")),
        "articles": (
            *evidence.articles,
            *(_article(s, evidence.now) for s in supplied if s.kind == "article"),
        ),
        "accounts": (*evidence.accounts, *accounts),
        "named_account_ids": (*evidence.named_account_ids, *(a.id for a in accounts)),
        "missing": missing,
    }
    return evidence.model_copy(update=update), [s.ref for s in supplied]


def _person(snapshot: RecordSnapshot) -> Person:
    return Person(role=snapshot.author_role)


def _ref(snapshot: RecordSnapshot, ident: str) -> Ref:
    return Ref(system=snapshot.system, id=ident, url=snapshot.link)


def _ticket(s: RecordSnapshot, now: datetime) -> Ticket:
    when = s.time or now
    customer = s.author_role in (None, "customer")
    comments = () if customer else (Comment(id=f"{s.id}-1", author=_person(s), body=s.text, created_at=when),)
    return Ticket(
        ref=_ref(s, s.id),
        id=s.id,
        subject="",
        description=s.text if customer else "",
        status="open",
        requester=_person(s) if customer else Person(),
        created_at=when,
        updated_at=when,
        comments=comments,
    )


def _message(s: RecordSnapshot, now: datetime) -> ChatMessage:
    channel, _, ident = s.id.rpartition(":")
    return ChatMessage(
        ref=_ref(s, ident),
        id=ident,
        channel_id=channel or s.system,
        channel_name=channel or s.system,
        author=_person(s),
        text=s.text,
        created_at=s.time or now,
    )


def _issue(s: RecordSnapshot, now: datetime) -> TrackerIssue:
    when = s.time or now
    title, _, body = s.text.partition("\n")
    return TrackerIssue(
        ref=_ref(s, s.id),
        key=s.id,
        title=title,
        body=body,
        kind="bug",
        status="open",
        created_at=when,
        updated_at=when,
    )


def _article(s: RecordSnapshot, now: datetime) -> Article:
    title, _, body = s.text.partition("\n")
    return Article(ref=_ref(s, s.id), id=s.id, title=title, body=body, updated_at=s.time or now)


def _account(s: RecordSnapshot) -> Account:
    figures = s.figures or StatedFigures()
    return Account(
        ref=_ref(s, s.id),
        id=s.id,
        name=figures.name or s.text[:200] or s.id,
        tier=figures.tier,
        arr=figures.arr,
        renewal_date=figures.renewal_date,
    )


__all__ = ["RecordSnapshot", "SnapshotKind", "StatedFigures", "merged", "with_snapshot_ids"]
