"""Zendesk's JSON responses, as far as this connector reads them.

Each model names only the fields the mapping uses, with Zendesk's own names; everything else is
ignored. Responses are validated once, where they arrive (`HttpApi.get_model` and friends), so a
response of another shape is an `UpstreamError` naming the endpoint and never reaches the mapping.

Zendesk sends ids as numbers (now and then as numeric strings); they are read as strings. Timestamps
are ISO 8601 (``2026-11-20T07:00:00Z``, sometimes with fractions or an offset) or, on older endpoints,
``2026/11/20 07:00:00 -0800``; a time without an offset is refused rather than guessed. A list sent as
``null`` reads as empty.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Discriminator,
    PlainValidator,
    StrictBool,
    StrictInt,
    Tag,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..vendor import VendorModel

ZendeskStatus = Literal["new", "open", "pending", "hold", "solved", "closed"]
STATUSES: tuple[ZendeskStatus, ...] = ("new", "open", "pending", "hold", "solved", "closed")


def _ident(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise PydanticCustomError("zendesk_id", "is not an id")
    text = str(value).strip()
    if not text:
        raise PydanticCustomError("zendesk_id", "is empty")
    return text


def _timestamp(value: Any) -> datetime:
    if not isinstance(value, str):
        raise PydanticCustomError("zendesk_time", "is not a timestamp")
    raw = value.strip()
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        try:
            moment = datetime.strptime(raw, "%Y/%m/%d %H:%M:%S %z")
        except ValueError:
            raise PydanticCustomError("zendesk_time", "is not a timestamp") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise PydanticCustomError("zendesk_time", "has no time zone")
    return moment.astimezone(UTC)


def _status(value: Any) -> ZendeskStatus:
    for status in STATUSES:
        if value == status:
            return status
    shown = repr(value)[:30] if isinstance(value, str) else "a non-string"
    raise PydanticCustomError("zendesk_status", "{shown} is not a Zendesk status", {"shown": shown})


def _empty_if_null(value: Any) -> Any:
    return () if value is None else value


ZendeskId = Annotated[str, PlainValidator(_ident)]
ZendeskTime = Annotated[datetime, PlainValidator(_timestamp)]
Status = Annotated[ZendeskStatus, PlainValidator(_status)]
Strings = Annotated[tuple[str, ...], BeforeValidator(_empty_if_null)]


class User(VendorModel):
    """A side-loaded user."""

    id: ZendeskId
    name: str | None = None
    email: str | None = None
    role: str | None = None


class Organization(VendorModel):
    """A side-loaded organization."""

    id: ZendeskId
    name: str
    domain_names: Strings = ()


class SideLoads(VendorModel):
    """The ``users`` and ``organizations`` a response carries when asked with ``include=``."""

    users: Annotated[tuple[User, ...], BeforeValidator(_empty_if_null)] = ()
    organizations: Annotated[tuple[Organization, ...], BeforeValidator(_empty_if_null)] = ()


class CurrentUser(VendorModel):
    """The token's own user; Zendesk answers an anonymous one (``id: null``) to bad credentials."""

    id: ZendeskId | None = None
    role: str | None = None


class CurrentUserResponse(VendorModel):
    """``GET /api/v2/users/me.json``."""

    user: CurrentUser


class Via(VendorModel):
    channel: str | None = None


class PolicyMetric(VendorModel):
    """One metric of the SLA policy applied to a ticket (``slas.policy_metrics``)."""

    metric: str
    stage: str | None = None
    breach_at: ZendeskTime | None = None


class Slas(VendorModel):
    policy_metrics: Annotated[tuple[PolicyMetric, ...], BeforeValidator(_empty_if_null)] = ()


class SlaPolicy(VendorModel):
    title: str | None = None


class EventSla(VendorModel):
    """The policy and target an ``apply_sla`` metric event applied (target in minutes)."""

    target: float | None = None
    policy: SlaPolicy | None = None


class MetricEvent(VendorModel):
    """One event of the ``metric_events`` side-load."""

    type: str
    time: ZendeskTime
    instance_id: StrictInt | None = None
    deleted: StrictBool | None = None
    sla: EventSla | None = None


class Ticket(VendorModel):
    """A ticket, as shown alone or found by a search."""

    id: ZendeskId
    status: Status
    subject: str | None = None
    raw_subject: str | None = None
    description: str | None = None
    priority: str | None = None
    type: str | None = None
    via: Via | None = None
    tags: Strings = ()
    requester_id: ZendeskId | None = None
    assignee_id: ZendeskId | None = None
    organization_id: ZendeskId | None = None
    created_at: ZendeskTime
    updated_at: ZendeskTime
    slas: Slas | None = None
    metric_events: dict[str, tuple[MetricEvent, ...]] | None = None


class TicketResponse(SideLoads):
    """``GET /api/v2/tickets/{id}.json?include=users,organizations,slas,metric_events``."""

    ticket: Ticket


class OtherResult(VendorModel):
    """A search result that is not a ticket (a user or an organization); it is skipped."""

    result_type: str


def _result_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        return "ticket" if value.get("result_type", "ticket") == "ticket" else "other"
    return None


SearchResult = Annotated[
    Annotated[Ticket, Tag("ticket")] | Annotated[OtherResult, Tag("other")], Discriminator(_result_kind)
]


class TicketSearchResponse(SideLoads):
    """``GET /api/v2/search.json`` (offset pages; ``count`` is the whole result size)."""

    results: tuple[SearchResult, ...]
    count: int | None = None
    next_page: str | None = None


class Comment(VendorModel):
    """A ticket comment; the author is ``-1`` for Zendesk itself."""

    id: ZendeskId
    author_id: ZendeskId | None = None
    body: str | None = None
    plain_body: str | None = None
    html_body: str | None = None
    public: StrictBool | None = None
    created_at: ZendeskTime


class CursorMeta(VendorModel):
    has_more: bool | None = None
    after_cursor: str | None = None


class CommentsResponse(SideLoads):
    """``GET /api/v2/tickets/{id}/comments.json`` with cursor pages (``page[size]``)."""

    comments: tuple[Comment, ...]
    meta: CursorMeta | None = None


class AuditEvent(VendorModel):
    id: ZendeskId | None = None
    type: str | None = None


class Audit(VendorModel):
    events: Annotated[tuple[AuditEvent, ...], BeforeValidator(_empty_if_null)] = ()


class TicketUpdateResponse(VendorModel):
    """``PUT /api/v2/tickets/{id}.json``: the audit lists what the update created."""

    audit: Audit | None = None


class Article(VendorModel):
    """A Help Center article (shown alone or found by a search); its body is HTML."""

    id: ZendeskId
    title: str
    body: str | None = None
    label_names: Strings = ()
    html_url: str | None = None
    outdated: StrictBool | None = None
    edited_at: ZendeskTime | None = None
    updated_at: ZendeskTime | None = None

    @model_validator(mode="after")
    def _dated(self) -> Article:
        if self.edited_at is None and self.updated_at is None:
            raise PydanticCustomError("zendesk_time", "the article has neither edited_at nor updated_at")
        return self

    @property
    def changed_at(self) -> datetime:
        """When the article's text last changed."""
        moment = self.edited_at or self.updated_at
        assert moment is not None  # the validator requires one
        return moment


class ArticleSearchResponse(VendorModel):
    """``GET /api/v2/help_center/articles/search.json``."""

    results: tuple[Article, ...]
    count: int | None = None
    next_page: str | None = None


class ArticleResponse(VendorModel):
    """``GET /api/v2/help_center/{locale}/articles/{id}.json``."""

    article: Article


class ErrorProblem(VendorModel):
    description: str | None = None


class ErrorBody(VendorModel):
    """Zendesk's error body: ``{"error": ..., "description": ..., "details": {field: [problems]}}``."""

    description: str | None = None
    details: dict[str, tuple[ErrorProblem, ...]] | None = None


def error_body(body: Any) -> ErrorBody | None:
    """An error response's body read as Zendesk's error shape, or None when it has another shape."""
    try:
        return ErrorBody.model_validate(body)
    except ValidationError:
        return None


__all__ = [
    "STATUSES",
    "Article",
    "ArticleResponse",
    "ArticleSearchResponse",
    "Comment",
    "CommentsResponse",
    "CurrentUserResponse",
    "ErrorBody",
    "MetricEvent",
    "Organization",
    "PolicyMetric",
    "Ticket",
    "TicketResponse",
    "TicketSearchResponse",
    "TicketUpdateResponse",
    "User",
    "ZendeskStatus",
    "error_body",
]
