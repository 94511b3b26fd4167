"""The world format: records as a support lead writes them, before they become `Dataset` records.

Every field a record can do without has a default, times are relative to the world's clock (see
`times`), and people are named rather than spelled out: a bare name is looked up among the world's
staff (`WorldSettings.people`) and the ticket account's contacts.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, field_validator

from ...records import (
    ArticleKind,
    Health,
    IssueKind,
    IssuePriority,
    IssueStatus,
    OpportunityKind,
    SlaMetric,
    TicketPriority,
    TicketStatus,
    TicketType,
    Tier,
)
from .times import Day, Moment

Role = Literal["customer", "agent", "internal", "bot", "system"]


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PersonSpec(Spec):
    name: str
    email: str | None = None
    role: Role | None = None


def _person(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value


PersonField = Annotated[PersonSpec, BeforeValidator(_person)]
"""A person: a bare name, or ``{name, email, role}``."""


def _texts(value: Any) -> Any:
    return [str(v) for v in value] if isinstance(value, list) else value


TextIds = Annotated[tuple[str, ...], BeforeValidator(_texts)]
"""Ids that YAML may read as numbers (ticket ids): kept as text."""


class ContactSpec(Spec):
    name: str
    email: str | None = None
    title: str | None = None
    executive: bool = False


class AccountSpec(Spec):
    """A CRM account; only `id` is required."""

    id: str
    name: str | None = None
    """Defaults to the id in title case."""
    domains: tuple[str, ...] | None = None
    """Defaults to ``<id>.example``."""
    tier: Tier | None = "pro"
    plan: str | None = None
    arr: float | None = None
    renewal: Day | None = None
    owner: PersonField | None = None
    """The account owner: one of the world's staff, or a person as written."""
    contacts: tuple[ContactSpec, ...] = ()
    health: Health | None = None
    reference_customer: bool = False
    public_facing: bool = False
    industry: str | None = None
    created: Moment | None = timedelta(days=-400)
    """When the account became a customer; null when the CRM does not say."""


class OpportunitySpec(Spec):
    id: str
    account: str
    name: str | None = None
    stage: str = "Negotiation"
    amount: float | None = None
    close: Day | None = None
    open: bool = True
    kind: OpportunityKind = "renewal"


class CommentSpec(Spec):
    by: Literal["customer", "agent", "internal"] | PersonField = "agent"
    """``customer`` (the requester), ``agent``, ``internal``, or a person by name."""
    body: str
    at: Moment = timedelta(hours=-1)
    public: bool = True


class SlaSpec(Spec):
    metric: SlaMetric
    target: int | None = None
    """Target in minutes."""
    breach: Moment | None = None
    fulfilled: Moment | None = None
    paused: bool = False
    policy: str | None = None


class OrganizationSpec(Spec):
    id: str
    name: str
    domain: str | None = None


class TicketSpec(Spec):
    """A ticket; the organization follows from `account` unless `organization` is given."""

    id: str
    account: str | None = None
    organization: OrganizationSpec | None = None
    """An organization the CRM may not know (for unmatched tickets)."""
    subject: str
    body: str
    status: TicketStatus = "open"
    priority: TicketPriority | None = "normal"
    type: TicketType | None = "problem"
    channel: str | None = "email"
    tags: tuple[str, ...] = ()
    requester: PersonField | None = None
    """Defaults to the account's first contact; a bare name is looked up among its contacts."""
    assignee: PersonField | None = None
    area: str | None = None
    created: Moment = timedelta(hours=-2)
    updated: Moment | None = None
    solved: Moment | None = None
    sla: tuple[SlaSpec, ...] | Literal["tier"] = ()
    """Platform SLA metrics, or ``tier``: the world's SLA policy for the account's tier, fulfilled by
    the first public staff reply and the solve. Without either the policy's fallback targets apply."""
    comments: tuple[CommentSpec, ...] = ()
    links: tuple[str, ...] = ()
    """Tracker issue keys the ticket is linked to."""

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class IssueSpec(Spec):
    key: str
    title: str
    body: str = ""
    kind: IssueKind = "bug"
    status: IssueStatus = "open"
    priority: IssuePriority | None = None
    project: str | None = None
    """Defaults to the key's prefix."""
    labels: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    tickets: TextIds = ()
    accounts: tuple[str, ...] = ()
    fix_version: str | None = None
    created: Moment = timedelta(days=-7)
    updated: Moment | None = None
    resolved: Moment | None = None
    reopened: Moment | None = None


class ArticleSpec(Spec):
    id: str
    title: str
    body: str = ""
    kind: ArticleKind = "how-to"
    workaround: str | None = None
    area: str | None = None
    labels: tuple[str, ...] = ()
    status: Literal["current", "outdated"] = "current"
    updated: Moment = timedelta(days=-30)


class ChannelSpec(Spec):
    id: str
    name: str
    kind: Literal["internal", "shared"] = "internal"
    account: str | None = None


class MessageSpec(Spec):
    """A chat message; an unknown `channel` is created as an internal channel of that name."""

    channel: str
    id: str | None = None
    """Defaults to a Slack-like timestamp id derived from `at`."""
    text: str
    at: Moment = timedelta(hours=-1)
    author: PersonField = PersonSpec(name="Support", role="internal")
    thread: str | None = None
    """The id of the thread's root message, for replies."""


class Records(Spec):
    """Records of a world (layered over a base, the same id replaces the base's record)."""

    accounts: tuple[AccountSpec, ...] = ()
    opportunities: tuple[OpportunitySpec, ...] = ()
    tickets: tuple[TicketSpec, ...] = ()
    channels: tuple[ChannelSpec, ...] = ()
    messages: tuple[MessageSpec, ...] = ()
    issues: tuple[IssueSpec, ...] = ()
    articles: tuple[ArticleSpec, ...] = ()

    def __add__(self, other: Records) -> Records:
        """Both worlds' records, this one's first."""
        return Records.model_validate(
            {name: (*getattr(self, name), *getattr(other, name)) for name in Records.model_fields}
        )


class StaffSpec(Spec):
    """Someone who works at the company the world is about."""

    name: str
    email: str
    title: str
    role: Literal["agent", "internal"] = "internal"
    """``agent`` for support people (ticket authors and assignees), ``internal`` for everyone else."""


class SlaPolicySpec(Spec):
    """One tier's SLA: first-reply and resolution targets in minutes by ticket priority."""

    policy: str
    targets: dict[TicketPriority, tuple[int, int]]


class WorldSettings(Spec):
    """How a world's records become records of a system: who works there, its SLAs, its links."""

    people: tuple[StaffSpec, ...] = ()
    sla: dict[Tier, SlaPolicySpec] = {}
    """The SLA policy of each tier, for tickets with ``sla: tier``."""
    links: bool = True
    """Records carry web links (``https://support.example/tickets/<id>`` ...)."""
    templates: bool = False
    """Text is a template: ``{{ "-4d" | weekday }}`` names a moment (see `times.text_filters`)."""


__all__ = [
    "AccountSpec",
    "ArticleSpec",
    "ChannelSpec",
    "CommentSpec",
    "ContactSpec",
    "IssueSpec",
    "MessageSpec",
    "OpportunitySpec",
    "OrganizationSpec",
    "PersonField",
    "PersonSpec",
    "Records",
    "SlaPolicySpec",
    "SlaSpec",
    "Spec",
    "StaffSpec",
    "TicketSpec",
    "WorldSettings",
]
