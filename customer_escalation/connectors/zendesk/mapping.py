"""Zendesk response models to domain records. Nothing Zendesk-shaped leaves this module.

The models were validated where the response arrived, so mapping cannot fail on a response's shape;
it only translates Zendesk's vocabulary (``hold``, ``end-user``, ``voice`` ...) into the records'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from ..html_text import html_to_text, split_workaround
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
from ..text import clean_text, truncate
from . import models

SYSTEM = "zendesk"
COMPACT_TEXT_CHARS = 500
"""Search results carry at most this much of a description or article body; `get_*` has it all."""
SYSTEM_USER = "-1"
"""The author id Zendesk gives its own comments (triggers, automations)."""

_STATUSES: dict[models.ZendeskStatus, TicketStatus] = {
    "new": "new",
    "open": "open",
    "pending": "pending",
    "hold": "on_hold",
    "solved": "solved",
    "closed": "closed",
}
TicketType = Literal["problem", "incident", "question", "task"]
Role = Literal["customer", "agent", "internal", "bot", "system"]
_TYPES: dict[str, TicketType] = {
    "problem": "problem",
    "incident": "incident",
    "question": "question",
    "task": "task",
}
_PRIORITIES: dict[str, TicketPriority] = {
    "low": "low",
    "normal": "normal",
    "high": "high",
    "urgent": "urgent",
}
_ROLES: dict[str, Role] = {"end-user": "customer", "agent": "agent", "admin": "agent"}
_CHANNELS = {"voice": "phone", "any_channel": "api", "native_messaging": "chat", "messaging": "chat"}

_ARTICLE_KINDS: dict[str, ArticleKind] = {
    "known-issue": "known-issue",
    "known_issue": "known-issue",
    "knownissue": "known-issue",
    "how-to": "how-to",
    "how_to": "how-to",
    "howto": "how-to",
    "troubleshooting": "troubleshooting",
    "reference": "reference",
}
KIND_LABELS: dict[ArticleKind, str] = {
    "known-issue": "known-issue",
    "how-to": "how-to",
    "troubleshooting": "troubleshooting",
    "reference": "reference",
}
"""The Help Center label that marks each article kind."""
AREA_LABEL_PREFIX = "area:"
"""A label `area:<name>` names the article's product area."""

_JIRA_TAG = re.compile(r"^jira[_:-]([a-z][a-z0-9]*)[_-](\d+)$")


@dataclass
class Directory:
    """Users and organizations side-loaded with one or more responses, by id."""

    users: dict[str, models.User] = field(default_factory=dict)
    organizations: dict[str, models.Organization] = field(default_factory=dict)

    def add(self, loads: models.SideLoads) -> None:
        """Remember the `users` and `organizations` side-loads of a response."""
        self.users.update((user.id, user) for user in loads.users)
        self.organizations.update((org.id, org) for org in loads.organizations)

    def person(self, user_id: str | None, *, default_role: str | None = None) -> Person:
        if user_id is None:
            return Person()
        if user_id == SYSTEM_USER:
            return Person(role="system")
        user = self.users.get(user_id)
        if user is None:
            return Person(role=_role(default_role))
        return Person(
            name=clean_text(user.name) or None if user.name is not None else None,
            email=user.email,
            role=_role(user.role or default_role),
        )

    def organization(self, org_id: str | None) -> Organization | None:
        if org_id is None:
            return None
        org = self.organizations.get(org_id)
        if org is None:
            return Organization(id=org_id, name=f"Zendesk organization {org_id}")
        return to_organization(org)


def _role(role: str | None) -> Role | None:
    return _ROLES.get(role) if role is not None else None


def to_organization(org: models.Organization) -> Organization:
    domains = [domain for domain in org.domain_names if domain]
    return Organization(
        id=org.id,
        name=clean_text(org.name) or "(unnamed organization)",
        domain=domains[0].lower() if domains else None,
    )


def comment_text(comment: models.Comment) -> str:
    """A comment's text: `plain_body` when present, else `body`, else `html_body` converted."""
    for value in (comment.plain_body, comment.body):
        if value is not None and value.strip():
            return clean_text(value)
    if comment.html_body is not None:
        return html_to_text(comment.html_body)
    return ""


def to_comment(comment: models.Comment, directory: Directory) -> Comment:
    return Comment(
        id=comment.id,
        author=directory.person(comment.author_id),
        body=comment_text(comment),
        public=comment.public if comment.public is not None else True,
        created_at=comment.created_at,
    )


def linked_issue_keys(tags: tuple[str, ...]) -> tuple[str, ...]:
    """Tracker keys named by tags such as `jira_eng-42` (Zendesk tags are lower case)."""
    keys: list[str] = []
    for tag in tags:
        match = _JIRA_TAG.match(tag)
        if match:
            keys.append(f"{match.group(1).upper()}-{match.group(2)}")
    return tuple(dict.fromkeys(keys))


def agent_url(base_url: str, ticket_id: str) -> str:
    return f"{base_url}/agent/tickets/{ticket_id}"


def ticket_description(ticket: models.Ticket) -> str:
    return clean_text(ticket.description or "")


def to_ticket(
    ticket: models.Ticket,
    directory: Directory,
    *,
    base_url: str,
    comments: tuple[Comment, ...] = (),
    sla: tuple[SlaTarget, ...] = (),
    solved_at: datetime | None = None,
    compact: bool = False,
) -> Ticket:
    """A ticket record from a Zendesk ticket (from show, or a search result)."""
    status = _STATUSES[ticket.status]
    description = ticket_description(ticket)
    channel = ticket.via.channel if ticket.via is not None else None
    return Ticket(
        ref=Ref(system=SYSTEM, id=ticket.id, url=agent_url(base_url, ticket.id)),
        id=ticket.id,
        subject=clean_text(ticket.subject or ticket.raw_subject or "") or "(no subject)",
        description=truncate(description, COMPACT_TEXT_CHARS) if compact else description,
        status=status,
        priority=_PRIORITIES.get(ticket.priority) if ticket.priority is not None else None,
        type=_TYPES.get(ticket.type) if ticket.type is not None else None,
        channel=_CHANNELS.get(channel, channel) if channel else None,
        tags=ticket.tags,
        requester=directory.person(ticket.requester_id, default_role="end-user"),
        organization=directory.organization(ticket.organization_id),
        assignee=(
            directory.person(ticket.assignee_id, default_role="agent")
            if ticket.assignee_id is not None
            else None
        ),
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        solved_at=solved_at if status in {"solved", "closed"} else None,
        sla=sla,
        comments=comments,
        linked_issue_keys=linked_issue_keys(ticket.tags),
    )


def article_kind(labels: tuple[str, ...]) -> ArticleKind:
    for label in labels:
        kind = _ARTICLE_KINDS.get(label.strip().lower())
        if kind is not None:
            return kind
    return "how-to"


def to_article(article: models.Article, *, compact: bool = False) -> Article:
    """An article record from a Help Center article (show, or a search result)."""
    labels = article.label_names
    body, workaround = split_workaround(article.body or "")
    area = next(
        (label[len(AREA_LABEL_PREFIX) :].strip() for label in labels if label.startswith(AREA_LABEL_PREFIX)),
        None,
    )
    plain_labels = tuple(
        label
        for label in labels
        if label.strip().lower() not in _ARTICLE_KINDS and not label.startswith(AREA_LABEL_PREFIX)
    )
    return Article(
        ref=Ref(system=SYSTEM, id=article.id, url=article.html_url),
        id=article.id,
        title=clean_text(article.title) or "(untitled)",
        body=truncate(body, COMPACT_TEXT_CHARS) if compact else body,
        kind=article_kind(labels),
        workaround=workaround,
        product_area=area or None,
        labels=plain_labels,
        status="outdated" if article.outdated else "current",
        updated_at=article.changed_at,
    )


__all__ = [
    "AREA_LABEL_PREFIX",
    "COMPACT_TEXT_CHARS",
    "KIND_LABELS",
    "Directory",
    "agent_url",
    "article_kind",
    "comment_text",
    "linked_issue_keys",
    "ticket_description",
    "to_article",
    "to_comment",
    "to_organization",
    "to_ticket",
]
