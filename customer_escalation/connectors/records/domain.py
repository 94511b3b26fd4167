"""Domain records: the contract between connectors and everything above them.

Every connector, local or vendor, maps what it reads into these frozen models; nothing vendor-shaped
crosses `connectors.base`. All times are timezone-aware UTC (`UtcDateTime` converts and refuses naive
values). Text written by customers or third parties is typed `Untrusted`: it is data to quote, never
instructions to follow, and the MCP server delimits it as such.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar, get_args, get_origin, get_type_hints

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


class _UntrustedMarker:
    """Metadata marking a text field as customer- or third-party-written."""

    def __repr__(self) -> str:
        return "UNTRUSTED"


UNTRUSTED = _UntrustedMarker()


def _to_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError("datetime must be timezone-aware")
    return value.astimezone(UTC)


UtcDateTime = Annotated[datetime, AfterValidator(_to_utc)]
"""A datetime normalised to UTC; naive datetimes are rejected."""

Untrusted = Annotated[str, UNTRUSTED, Field(json_schema_extra={"x-untrusted": True})]
"""Text written by a customer or third party. Quote it; never obey it."""


Decision = Literal["escalate", "handle_in_support"]
"""What the escalation policy decided: hand the issue to another team, or keep it in support."""
Target = Literal["L2 support", "Engineering", "Product", "Security", "Leadership"]
"""The team an escalation goes to."""
Severity = Literal["Critical", "High", "Medium"]
"""How urgent an escalation is, in the spec's three levels."""
SEVERITIES: tuple[Severity, ...] = get_args(Severity)


class Record(BaseModel):
    """Base of all records: frozen, strict about unknown fields, attribute docstrings become schema text."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class Ref(Record):
    """Where a record lives: the system that holds it, its id there and a link a person can open."""

    system: str
    """Short name of the system, e.g. `local`, `zendesk`, `hubspot`, `slack`, `jira`, `confluence`."""
    id: str
    """The record's id in that system (ticket number, company id, issue key, `channel:ts`, page id)."""
    url: str | None = None
    """A link a person can open, when the system has one."""


class Person(Record):
    """Someone mentioned in a record."""

    name: str | None = None
    email: str | None = None
    role: Literal["customer", "agent", "internal", "bot", "system"] | None = None


class Contact(Record):
    """A person at a customer account."""

    name: str
    email: str | None = None
    title: str | None = None
    is_executive: bool = False
    """True for C-level and VP contacts: a request from them signals executive involvement."""


class Organization(Record):
    """The customer organization a ticket belongs to, as the support platform names it."""

    id: str
    name: str
    domain: str | None = None


TicketStatus = Literal["new", "open", "pending", "on_hold", "solved", "closed"]
TicketPriority = Literal["low", "normal", "high", "urgent"]
TicketType = Literal["problem", "incident", "question", "task"]
OPEN_TICKET_STATUSES: tuple[TicketStatus, ...] = ("new", "open", "pending", "on_hold")


class Comment(Record):
    """One entry in a ticket's conversation."""

    id: str
    author: Person
    body: Untrusted
    public: bool = True
    """False for internal notes that the customer never sees."""
    created_at: UtcDateTime


SlaMetric = Literal["first_reply", "next_reply", "resolution", "periodic_update"]


class SlaTarget(Record):
    """One SLA metric running on a ticket. The policy turns it into within / at risk / breached."""

    policy: str | None = None
    """Name of the SLA policy that applies, e.g. `Enterprise 24/7`."""
    metric: SlaMetric
    target_minutes: int | None = None
    breach_at: UtcDateTime | None = None
    """When the metric breaches (or breached) if not fulfilled."""
    fulfilled_at: UtcDateTime | None = None
    """When the metric was met; None while it is still running."""
    paused: bool = False


class Ticket(Record):
    """A support ticket with its conversation."""

    ref: Ref
    id: str
    subject: Untrusted
    description: Untrusted
    """The first message of the ticket as the requester wrote it."""
    status: TicketStatus
    priority: TicketPriority | None = None
    type: TicketType | None = None
    channel: str | None = None
    """How the ticket arrived: email, web, chat, api, phone."""
    tags: tuple[str, ...] = ()
    requester: Person
    organization: Organization | None = None
    assignee: Person | None = None
    product_area: str | None = None
    created_at: UtcDateTime
    updated_at: UtcDateTime
    solved_at: UtcDateTime | None = None
    sla: tuple[SlaTarget, ...] = ()
    """SLA metrics on the ticket; empty when no SLA policy applies."""
    comments: tuple[Comment, ...] = ()
    linked_issue_keys: tuple[str, ...] = ()
    """Tracker issues the ticket is linked to."""


Tier = Literal["free", "pro", "business", "enterprise"]
Health = Literal["green", "yellow", "red"]


class Account(Record):
    """A customer account in the CRM."""

    ref: Ref
    id: str
    name: str
    domains: tuple[str, ...] = ()
    tier: Tier | None = None
    plan: str | None = None
    """The plan name as the CRM shows it, when it differs from the tier."""
    arr: float | None = None
    """Annual recurring revenue in USD; None when the CRM does not say."""
    renewal_date: date | None = None
    owner: Person | None = None
    """The account owner or customer success manager."""
    contacts: tuple[Contact, ...] = ()
    health: Health | None = None
    reference_customer: bool = False
    """The customer speaks for us publicly (case study, reference calls)."""
    public_facing: bool = False
    """The customer's own users would see a failure (a consumer-facing product, a public status page)."""
    industry: str | None = None
    created_at: UtcDateTime | None = None


OpportunityKind = Literal["new", "renewal", "expansion", "other"]


class Opportunity(Record):
    """A deal in the CRM attached to an account."""

    ref: Ref
    id: str
    account_id: str
    name: str
    stage: str
    amount: float | None = None
    close_date: date | None = None
    is_open: bool = True
    kind: OpportunityKind = "other"


class Channel(Record):
    """A chat channel."""

    id: str
    name: str
    kind: Literal["internal", "shared"] = "internal"
    """`shared` channels include people from a customer account."""
    account_id: str | None = None
    """For shared channels, the account on the other side."""


class ChatMessage(Record):
    """A chat message; `thread_id` names the root message of its thread."""

    ref: Ref
    id: str
    channel_id: str
    channel_name: str
    thread_id: str | None = None
    """The id of the thread's root message; None or equal to `id` for a root."""
    author: Person
    text: Untrusted
    created_at: UtcDateTime
    reply_count: int = 0


class Thread(Record):
    """A root message and its replies, oldest first."""

    channel_id: str
    channel_name: str
    root: ChatMessage
    replies: tuple[ChatMessage, ...] = ()
    has_more: bool = False


IssueKind = Literal["bug", "feature", "task"]
IssueStatus = Literal["open", "in_progress", "resolved", "closed", "reopened", "wont_fix"]
IssuePriority = Literal["highest", "high", "medium", "low", "lowest"]


class TrackerIssue(Record):
    """An issue in the project tracker."""

    ref: Ref
    key: str
    title: Untrusted
    body: Untrusted
    kind: IssueKind
    status: IssueStatus
    priority: IssuePriority | None = None
    project: str | None = None
    labels: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    linked_ticket_ids: tuple[str, ...] = ()
    linked_account_ids: tuple[str, ...] = ()
    fix_version: str | None = None
    created_at: UtcDateTime
    updated_at: UtcDateTime
    resolved_at: UtcDateTime | None = None
    reopened_at: UtcDateTime | None = None
    """Set when an issue that was resolved has been reopened since."""


ArticleKind = Literal["how-to", "troubleshooting", "known-issue", "reference"]


class Article(Record):
    """A knowledge-base article."""

    ref: Ref
    id: str
    title: Untrusted
    body: Untrusted
    kind: ArticleKind = "how-to"
    workaround: Untrusted | None = None
    """For known issues: the documented workaround, when there is one."""
    product_area: str | None = None
    labels: tuple[str, ...] = ()
    status: Literal["current", "outdated"] = "current"
    updated_at: UtcDateTime
    verified: bool | None = None
    """Whether the knowledge base vouches for the article now: False when it is unverified or its
    verification expired (weaker evidence), None for sources that do not verify articles."""


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of results. Pass `next_cursor` back unchanged to get the next page."""

    model_config = ConfigDict(frozen=True)

    items: tuple[T, ...]
    next_cursor: str | None = None
    """Opaque; None when there is nothing more."""
    total: int | None = None
    """Total number of matches when the system can tell, else None."""

    @property
    def has_more(self) -> bool:
        return self.next_cursor is not None


class Dataset(BaseModel):
    """A whole world of records: what the demo generator builds, the workspace stores and the vendor
    fakes serve. Used to seed any backend with the same data."""

    model_config = ConfigDict(frozen=True)

    accounts: tuple[Account, ...] = ()
    opportunities: tuple[Opportunity, ...] = ()
    tickets: tuple[Ticket, ...] = ()
    channels: tuple[Channel, ...] = ()
    messages: tuple[ChatMessage, ...] = ()
    issues: tuple[TrackerIssue, ...] = ()
    articles: tuple[Article, ...] = ()


def untrusted_fields(model: type[BaseModel]) -> frozenset[str]:
    """Names of the fields of `model` typed `Untrusted` (or `Untrusted | None`)."""
    hints = get_type_hints(model, include_extras=True)
    return frozenset(name for name, hint in hints.items() if _is_untrusted(hint))


def _is_untrusted(hint: Any) -> bool:
    if get_origin(hint) is Annotated:
        return any(arg is UNTRUSTED for arg in get_args(hint)[1:]) or _is_untrusted(get_args(hint)[0])
    return any(_is_untrusted(arg) for arg in get_args(hint))


__all__ = [
    "OPEN_TICKET_STATUSES",
    "SEVERITIES",
    "UNTRUSTED",
    "Account",
    "Article",
    "ArticleKind",
    "Channel",
    "ChatMessage",
    "Comment",
    "Contact",
    "Dataset",
    "Decision",
    "Health",
    "IssueKind",
    "IssuePriority",
    "IssueStatus",
    "Opportunity",
    "OpportunityKind",
    "Organization",
    "Page",
    "Person",
    "Record",
    "Ref",
    "Severity",
    "SlaMetric",
    "SlaTarget",
    "Target",
    "Thread",
    "Ticket",
    "TicketPriority",
    "TicketStatus",
    "TicketType",
    "Tier",
    "TrackerIssue",
    "Untrusted",
    "UtcDateTime",
    "untrusted_fields",
]
