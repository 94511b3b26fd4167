"""Intercom's response models mapped to the records callers get (`Ticket`, `Comment`, `Article`).

Conversations become tickets: the opening message is the description, the conversation parts with text
are the comments (notes are internal), the first contact is the requester and that contact's company the
organization. Intercom reports one SLA status per conversation (`sla_applied`), without deadlines; see
`sla_targets`. Help Center articles take their kind and product area from their tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from ..records import (
    Article,
    ArticleKind,
    Comment,
    Organization,
    Person,
    Ref,
    SlaTarget,
    Ticket,
    TicketPriority,
    TicketStatus,
)
from . import models
from .policy import SYSTEM
from .text import COMPACT_TEXT_CHARS, message_text, single_line, split_workaround, truncate

Role = Literal["customer", "agent", "internal", "bot", "system"]

STATES: dict[str, TicketStatus] = {"open": "open", "snoozed": "pending", "closed": "closed"}
"""Intercom's conversation states as ticket statuses."""
STATUS_STATES: dict[TicketStatus, str] = {
    "new": "open",
    "open": "open",
    "pending": "snoozed",
    "on_hold": "snoozed",
    "solved": "closed",
    "closed": "closed",
}
"""The conversation state that holds each ticket status (Intercom has three states for our six)."""
_PRIORITIES: dict[str, TicketPriority] = {
    "low": "low",
    "normal": "normal",
    "medium": "normal",
    "high": "high",
    "urgent": "urgent",
    "critical": "urgent",
}
_ROLES: dict[str, Role] = {
    "admin": "agent",
    "team": "agent",
    "bot": "bot",
    "user": "customer",
    "lead": "customer",
    "contact": "customer",
}
_CHANNELS = {
    "conversation": "chat",
    "email": "email",
    "phone_call": "phone",
    "phone_switch": "phone",
    "push": "push",
}
KIND_TAGS: dict[ArticleKind, str] = {
    "known-issue": "known-issue",
    "how-to": "how-to",
    "troubleshooting": "troubleshooting",
    "reference": "reference",
}
"""The Help Center tag that marks each article kind; an article without one is a how-to."""
AREA_TAG_PREFIX = "area:"
"""A tag `area:<name>` names the article's product area."""
_KIND_ALIASES: dict[str, ArticleKind] = {re.sub(r"[\s_-]+", "", tag): kind for kind, tag in KIND_TAGS.items()}


def moment(seconds: int) -> datetime:
    """UNIX seconds as an aware UTC datetime."""
    return datetime.fromtimestamp(seconds, tz=UTC)


def optional_moment(seconds: int | None) -> datetime | None:
    return moment(seconds) if seconds else None


@dataclass(frozen=True)
class Priorities:
    """How a workspace marks priority: a conversation attribute, else Intercom's priority flag."""

    attribute: str | None = None
    flag: TicketPriority = "high"

    def of(self, conversation: models.Conversation) -> TicketPriority:
        if self.attribute is not None:
            value = conversation.custom_attributes.get(self.attribute)
            if isinstance(value, str) and (known := _PRIORITIES.get(single_line(value).lower())):
                return known
        return self.flag if conversation.priority == "priority" else "normal"


@dataclass(frozen=True)
class People:
    """What a conversation's people were found to be: its requester and their company."""

    requester: Person | None = None
    organization: Organization | None = None


def person(author: models.Author | None) -> Person:
    """The author of a message, with the role their Intercom type implies."""
    if author is None:
        return Person(role="system")
    name = single_line(author.name) or None
    email = single_line(author.email).lower() or None
    return Person(name=name, email=email, role=_ROLES.get(author.type or "", "system"))


def contact_person(contact: models.Contact) -> Person:
    return Person(
        name=single_line(contact.name) or None,
        email=single_line(contact.email).lower() or None,
        role="customer",
    )


def organization(company: models.Company) -> Organization:
    website = single_line(company.website).lower()
    domain = re.sub(r"^[a-z]+://", "", website).split("/", 1)[0].removeprefix("www.") or None
    return Organization(
        id=company.id, name=single_line(company.name) or f"Intercom company {company.id}", domain=domain
    )


def comment(part: models.Part) -> Comment | None:
    """A part with text as a comment (notes are internal); None for events without text."""
    text = message_text(part.body)
    if not text:
        return None
    return Comment(
        id=part.id,
        author=person(part.author),
        body=text,
        public="note" not in (part.part_type or ""),
        created_at=moment(part.created_at),
    )


def sla_targets(conversation: models.Conversation) -> tuple[SlaTarget, ...]:
    """The conversation's SLA as far as Intercom reports it: a status for the whole conversation.

    Intercom records an SLA event at the teammate reply that meets or misses a target, and says
    `missed` from then on; it gives no deadlines. So a `missed` SLA is a breached metric whose
    `breach_at` is the latest moment the miss can have happened (the last teammate reply), and a `hit`
    one a met metric. The metric is the first reply while teammates have replied once at most, else the
    next reply. An `active` SLA has no known deadline and is left out, as are cancelled ones, so the
    escalation policy's own targets apply to it.
    """
    applied = conversation.sla_applied
    if applied is None or applied.sla_status not in {"hit", "missed"}:
        return ()
    stats = conversation.statistics or models.Statistics()
    first, last = stats.first_admin_reply_at, stats.last_admin_reply_at
    metric: Literal["first_reply", "next_reply"] = (
        "next_reply" if first and last and last > first else "first_reply"
    )
    reply = optional_moment(last) or moment(conversation.updated_at)
    policy = single_line(applied.sla_name) or None
    if applied.sla_status == "missed":
        return (SlaTarget(policy=policy, metric=metric, breach_at=reply),)
    return (SlaTarget(policy=policy, metric=metric, fulfilled_at=reply),)


@dataclass(frozen=True)
class Mapper:
    """Turns Intercom conversations into tickets, reading the workspace's priority and links."""

    priorities: Priorities = Priorities()
    workspace_id: str | None = None

    def link(self, conversation_id: str) -> str | None:
        if self.workspace_id is None:
            return None
        return f"https://app.intercom.com/a/inbox/{self.workspace_id}/inbox/conversation/{conversation_id}"

    def ticket(self, conversation: models.Conversation, people: People, *, compact: bool = False) -> Ticket:
        source = conversation.source or models.Source()
        description = message_text(source.body)
        subject = single_line(conversation.title) or single_line(source.subject)
        subject = (
            subject or truncate(single_line(description), 120) or f"Intercom conversation {conversation.id}"
        )
        requester = people.requester or _opener(source)
        comments = () if compact else tuple(c for p in conversation.parts() if (c := comment(p)) is not None)
        status = STATES.get(conversation.state, "open")
        stats = conversation.statistics or models.Statistics()
        return Ticket(
            ref=Ref(system=SYSTEM, id=conversation.id, url=self.link(conversation.id)),
            id=conversation.id,
            subject=subject,
            description=truncate(description, COMPACT_TEXT_CHARS) if compact else description,
            status=status,
            priority=self.priorities.of(conversation),
            channel=_CHANNELS.get(source.type or "", source.type or None),
            tags=conversation.tag_names(),
            requester=requester,
            organization=people.organization,
            created_at=moment(conversation.created_at),
            updated_at=moment(conversation.updated_at),
            solved_at=optional_moment(stats.last_close_at) if status == "closed" else None,
            sla=() if compact else sla_targets(conversation),
            comments=comments,
        )


def _opener(source: models.Source) -> Person:
    author = person(source.author)
    return author if author.role == "customer" else Person(role="customer")


def article_kind(tags: tuple[str, ...]) -> ArticleKind:
    for tag in tags:
        kind = _KIND_ALIASES.get(re.sub(r"[\s_-]+", "", tag.lower()))
        if kind is not None:
            return kind
    return "how-to"


def article(raw: models.Article, *, compact: bool = False) -> Article:
    tags = tuple(single_line(t) for t in raw.tag_names() if single_line(t))
    text, workaround = split_workaround(raw.body or "")
    text = text or single_line(raw.description)
    kind = article_kind(tags)
    area = next(
        (t[len(AREA_TAG_PREFIX) :].strip() for t in tags if t.lower().startswith(AREA_TAG_PREFIX)), None
    )
    return Article(
        ref=Ref(system=SYSTEM, id=raw.id, url=single_line(raw.url) or None),
        id=raw.id,
        title=single_line(raw.title) or f"Intercom article {raw.id}",
        body=truncate(text, COMPACT_TEXT_CHARS) if compact else text,
        kind=kind,
        workaround=workaround,
        product_area=area or None,
        labels=tags,
        updated_at=moment(raw.updated_at),
    )


__all__ = [
    "AREA_TAG_PREFIX",
    "KIND_TAGS",
    "STATES",
    "STATUS_STATES",
    "Mapper",
    "People",
    "Priorities",
    "article",
    "article_kind",
    "comment",
    "contact_person",
    "moment",
    "organization",
    "person",
    "sla_targets",
]
