"""The parts of Intercom's REST API responses this connector reads, as private pydantic models.

Field names are Intercom's own. A body is validated once, where it arrives (`HttpApi.request_model`);
one of another shape is an `UpstreamError` naming the endpoint there. Ids are strings (Intercom sends
some as numbers, which are read as their digits); times are UNIX seconds. Fields a record can do without
are lenient: a value of the wrong type reads as missing, as an absent one does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Self

from pydantic import BeforeValidator

from ..vendor import NullAsEmptyMapping, OrEmpty, OrNone, VendorErrorBody, VendorModel


def _id_text(value: object) -> str:
    match value:
        case bool():
            raise ValueError("not an id")
        case int():
            return str(value)
        case str() if value.strip():
            return value.strip()
    raise ValueError("not an id")


def _optional_id(value: object) -> str | None:
    try:
        return _id_text(value)
    except ValueError:
        return None


Id = Annotated[str, BeforeValidator(_id_text)]
"""An Intercom id: a string, or a number read as its digits."""
OptionalId = Annotated[str | None, BeforeValidator(_optional_id)]
"""An id that may be missing; a value that is not an id reads as None."""
OptionalText = Annotated[str | None, OrNone]
OptionalTime = Annotated[int | None, OrNone]
"""UNIX seconds, or None."""


class Tag(VendorModel):
    id: OptionalId = None
    name: OptionalText = None


class TagList(VendorModel):
    tags: Annotated[tuple[Tag, ...], OrEmpty] = ()


class Author(VendorModel):
    """Who wrote a message: `type` is `admin`, `user`, `lead`, `contact`, `bot` or `team`."""

    type: OptionalText = None
    id: OptionalId = None
    name: OptionalText = None
    email: OptionalText = None


class Source(VendorModel):
    """The message that opened the conversation; `body` is HTML."""

    type: OptionalText = None
    delivered_as: OptionalText = None
    subject: OptionalText = None
    body: OptionalText = None
    author: Annotated[Author | None, OrNone] = None
    url: OptionalText = None


class ContactRef(VendorModel):
    id: Id
    external_id: OptionalText = None


class ContactRefs(VendorModel):
    contacts: tuple[ContactRef, ...] = ()


class SlaApplied(VendorModel):
    """`sla_applied`: the SLA's name and one status for the whole conversation."""

    sla_name: OptionalText = None
    sla_status: OptionalText = None


class Statistics(VendorModel):
    first_admin_reply_at: OptionalTime = None
    last_admin_reply_at: OptionalTime = None
    last_close_at: OptionalTime = None


class Part(VendorModel):
    """One conversation part: a comment, a note, or an event (assignment, close, ...)."""

    id: Id
    part_type: OptionalText = None
    body: OptionalText = None
    created_at: int
    author: Annotated[Author | None, OrNone] = None
    redacted: bool = False


class Parts(VendorModel):
    conversation_parts: tuple[Part, ...] = ()
    total_count: Annotated[int | None, OrNone] = None


class Conversation(VendorModel):
    """A conversation, from `POST /conversations/search` (no parts) or `GET /conversations/{id}`."""

    id: Id
    title: OptionalText = None
    created_at: int
    updated_at: int
    state: str
    priority: OptionalText = None
    admin_assignee_id: OptionalId = None
    team_assignee_id: OptionalId = None
    source: Annotated[Source | None, OrNone] = None
    contacts: Annotated[ContactRefs | None, OrNone] = None
    tags: Annotated[TagList | None, OrNone] = None
    sla_applied: Annotated[SlaApplied | None, OrNone] = None
    statistics: Annotated[Statistics | None, OrNone] = None
    custom_attributes: Annotated[Mapping[str, Any], NullAsEmptyMapping] = {}
    conversation_parts: Annotated[Parts | None, OrNone] = None

    def contact_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.contacts.contacts) if self.contacts is not None else ()

    def tag_names(self) -> tuple[str, ...]:
        tags = self.tags.tags if self.tags is not None else ()
        return tuple(t.name for t in tags if t.name)

    def parts(self) -> tuple[Part, ...]:
        return self.conversation_parts.conversation_parts if self.conversation_parts is not None else ()


class NextPage(VendorModel):
    starting_after: OptionalText = None


class Pages(VendorModel):
    """`cursor_pages`: `next.starting_after` is there only when another page exists."""

    page: Annotated[int | None, OrNone] = None
    per_page: Annotated[int | None, OrNone] = None
    total_pages: Annotated[int | None, OrNone] = None
    next: Annotated[NextPage | None, OrNone] = None

    def after(self) -> str | None:
        return self.next.starting_after if self.next is not None else None


class ConversationList(VendorModel):
    """`POST /conversations/search`."""

    conversations: tuple[Conversation, ...]
    total_count: Annotated[int | None, OrNone] = None
    pages: Annotated[Pages | None, OrNone] = None


class CompanyRef(VendorModel):
    id: Id


class ContactCompanies(VendorModel):
    data: tuple[CompanyRef, ...] = ()


class Contact(VendorModel):
    """`GET /contacts/{id}`; also the items of `GET /companies/{id}/contacts`."""

    id: Id
    role: OptionalText = None
    name: OptionalText = None
    email: OptionalText = None
    companies: Annotated[ContactCompanies | None, OrNone] = None

    def company_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.companies.data) if self.companies is not None else ()


class ContactPage(VendorModel):
    """`GET /companies/{id}/contacts`."""

    data: tuple[Contact, ...] = ()
    total_count: Annotated[int | None, OrNone] = None
    pages: Annotated[Pages | None, OrNone] = None


class Company(VendorModel):
    """`GET /companies/{id}`."""

    id: Id
    name: OptionalText = None
    website: OptionalText = None


class Article(VendorModel):
    """An article of `GET /articles/{id}` or `GET /articles/search`; `body` is HTML."""

    id: Id
    title: OptionalText = None
    description: OptionalText = None
    body: OptionalText = None
    state: OptionalText = None
    updated_at: int
    url: OptionalText = None
    parent_id: OptionalId = None
    parent_ids: Annotated[tuple[Id, ...], OrEmpty] = ()
    tags: Annotated[TagList | None, OrNone] = None

    def tag_names(self) -> tuple[str, ...]:
        tags = self.tags.tags if self.tags is not None else ()
        return tuple(t.name for t in tags if t.name)

    def parents(self) -> frozenset[str]:
        """The collections and sections the article sits in."""
        return frozenset((*self.parent_ids, *((self.parent_id,) if self.parent_id else ())))


class ArticleResults(VendorModel):
    articles: tuple[Article, ...] = ()


class ArticleSearch(VendorModel):
    """`GET /articles/search`."""

    total_count: Annotated[int | None, OrNone] = None
    data: ArticleResults
    pages: Annotated[Pages | None, OrNone] = None


class ArticleList(VendorModel):
    """`GET /articles`."""

    data: tuple[Article, ...] = ()


class Admin(VendorModel):
    """`GET /me`: the admin the token acts as."""

    type: str
    id: Id
    email: OptionalText = None


class ErrorItem(VendorModel):
    code: OptionalText = None
    message: OptionalText = None
    field: OptionalText = None


class ErrorBody(VendorErrorBody):
    """Intercom's error body: `{"type": "error.list", "request_id", "errors": [{code, message}]}`."""

    type: OptionalText = None
    request_id: OptionalText = None
    errors: Annotated[tuple[ErrorItem, ...], OrEmpty] = ()

    @classmethod
    def read(cls, body: object) -> Self | None:
        """The error body, or None when the body is not one (an HTML page, say)."""
        if not isinstance(body, dict) or body.get("type") != "error.list":
            return None
        return super().read(body)

    def codes(self) -> set[str]:
        return {e.code for e in self.errors if e.code}


__all__ = [
    "Admin",
    "Article",
    "ArticleList",
    "ArticleSearch",
    "Author",
    "Company",
    "Contact",
    "ContactPage",
    "Conversation",
    "ConversationList",
    "ErrorBody",
    "Pages",
    "Part",
]
