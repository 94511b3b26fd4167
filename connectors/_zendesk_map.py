"""Zendesk JSON to domain records. Nothing Zendesk-shaped leaves this module.

Every reader checks the shape it relies on and raises `MalformedError` when the vendor sent something
else; the connector turns that into an `UpstreamError` naming the endpoint (`reading`), so a changed or
broken response is reported, never mistaken for an empty result.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from ._zendesk_text import clean_text, html_to_text, split_workaround, truncate
from .errors import UpstreamError
from .records import (
    Article,
    ArticleKind,
    Comment,
    Organization,
    Person,
    Ref,
    SlaMetric,
    SlaTarget,
    Ticket,
    TicketPriority,
    TicketStatus,
)

SYSTEM = "zendesk"
COMPACT_TEXT_CHARS = 500
"""Search results carry at most this much of a description or article body; `get_*` has it all."""

_STATUSES: dict[str, TicketStatus] = {
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

SLA_METRICS: dict[str, SlaMetric] = {
    "first_reply_time": "first_reply",
    "next_reply_time": "next_reply",
    "periodic_update_time": "periodic_update",
    "pausable_update_time": "periodic_update",
    "requester_wait_time": "resolution",
    "total_resolution_time": "resolution",
    "first_resolution_time": "resolution",
}
"""Zendesk SLA policy metrics we report; `agent_work_time` measures the team, not a promise, so it is left out."""

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


class MalformedError(ValueError):
    """A vendor response did not have the shape this module relies on."""


@contextmanager
def reading(endpoint: str) -> Iterator[None]:
    """Turn shape errors while mapping one response into an `UpstreamError` naming `endpoint`.

    Raises:
        UpstreamError: the response could not be mapped.
    """
    try:
        yield
    except (MalformedError, KeyError, TypeError, ValueError) as exc:
        raise UpstreamError(
            f"zendesk: {endpoint} returned a response this connector cannot read ({exc})", system=SYSTEM
        ) from exc


def obj(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise MalformedError(f"{what} is not an object")
    return value


def items(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise MalformedError(f"{what} is not a list")
    return value


def text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise MalformedError(f"{what} is not a string")
    return value


def opt_text(value: Any, what: str) -> str | None:
    return None if value is None else text(value, what)


def ident(value: Any, what: str) -> str:
    """An id as a string; Zendesk sends numbers, and sometimes numbers in strings."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise MalformedError(f"{what} is not an id")
    result = str(value).strip()
    if not result:
        raise MalformedError(f"{what} is empty")
    return result


def opt_ident(value: Any, what: str) -> str | None:
    return None if value is None else ident(value, what)


def flag(value: Any, what: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise MalformedError(f"{what} is not true or false")
    return value


def parse_time(value: Any, what: str) -> datetime:
    """A Zendesk timestamp as an aware UTC datetime.

    Zendesk writes ISO 8601 with `Z` (`2026-11-20T07:00:00Z`); some endpoints add fractions or an
    offset, and older ones use `2026/11/20 07:00:00 -0800`. A time without an offset is refused rather
    than guessed.
    """
    raw = text(value, what).strip()
    moment: datetime | None = None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        try:
            moment = datetime.strptime(raw, "%Y/%m/%d %H:%M:%S %z")
        except ValueError:
            raise MalformedError(f"{what} is not a timestamp: {raw[:40]!r}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise MalformedError(f"{what} has no time zone: {raw[:40]!r}")
    return moment.astimezone(UTC)


def opt_time(value: Any, what: str) -> datetime | None:
    return None if value is None else parse_time(value, what)


@dataclass
class Directory:
    """Users and organizations side-loaded with a response, by id."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    organizations: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, body: Mapping[str, Any]) -> None:
        """Remember the `users` and `organizations` side-loads of a response body."""
        for raw in items(body.get("users") or [], "users"):
            user = obj(raw, "user")
            self.users[ident(user.get("id"), "user.id")] = user
        for raw in items(body.get("organizations") or [], "organizations"):
            org = obj(raw, "organization")
            self.organizations[ident(org.get("id"), "organization.id")] = org

    def person(self, user_id: Any, *, default_role: str | None = None) -> Person:
        if user_id is None or user_id == -1:
            return Person(role="system") if user_id == -1 else Person()
        user = self.users.get(ident(user_id, "user id"))
        if user is None:
            return Person(role=_role(default_role))
        return Person(
            name=_clean_opt(opt_text(user.get("name"), "user.name")),
            email=opt_text(user.get("email"), "user.email"),
            role=_role(opt_text(user.get("role"), "user.role") or default_role),
        )

    def organization(self, org_id: Any) -> Organization | None:
        if org_id is None:
            return None
        key = ident(org_id, "organization_id")
        org = self.organizations.get(key)
        if org is None:
            return Organization(id=key, name=f"Zendesk organization {key}")
        return to_organization(org)


def _role(role: str | None) -> Role | None:
    return _ROLES.get(role) if role is not None else None


def _clean_opt(value: str | None) -> str | None:
    return clean_text(value) or None if value is not None else None


def to_organization(org: Mapping[str, Any]) -> Organization:
    domains = [d for d in items(org.get("domain_names") or [], "domain_names") if isinstance(d, str) and d]
    return Organization(
        id=ident(org.get("id"), "organization.id"),
        name=clean_text(text(org.get("name"), "organization.name")) or "(unnamed organization)",
        domain=domains[0].lower() if domains else None,
    )


def comment_text(raw: Mapping[str, Any]) -> str:
    """A comment's text: `plain_body` when present, else `body`, else `html_body` converted."""
    for key in ("plain_body", "body"):
        value = raw.get(key)
        if isinstance(value, str) and value.strip():
            return clean_text(value)
    html = raw.get("html_body")
    if isinstance(html, str):
        return html_to_text(html)
    return ""


def to_comment(raw: Any, directory: Directory) -> Comment:
    comment = obj(raw, "comment")
    return Comment(
        id=ident(comment.get("id"), "comment.id"),
        author=directory.person(comment.get("author_id")),
        body=comment_text(comment),
        public=flag(comment.get("public"), "comment.public", True),
        created_at=parse_time(comment.get("created_at"), "comment.created_at"),
    )


def linked_issue_keys(tags: list[str]) -> tuple[str, ...]:
    """Tracker keys named by tags such as `jira_eng-42` (Zendesk tags are lower case)."""
    keys: list[str] = []
    for tag in tags:
        match = _JIRA_TAG.match(tag)
        if match:
            keys.append(f"{match.group(1).upper()}-{match.group(2)}")
    return tuple(dict.fromkeys(keys))


def agent_url(base_url: str, ticket_id: str) -> str:
    return f"{base_url}/agent/tickets/{ticket_id}"


def to_ticket(
    raw: Any,
    directory: Directory,
    *,
    base_url: str,
    comments: tuple[Comment, ...] = (),
    sla: tuple[SlaTarget, ...] = (),
    solved_at: datetime | None = None,
    compact: bool = False,
) -> Ticket:
    """A ticket record from a Zendesk ticket object (from show, or a search result)."""
    ticket = obj(raw, "ticket")
    ticket_id = ident(ticket.get("id"), "ticket.id")
    status_raw = text(ticket.get("status"), "ticket.status")
    status = _STATUSES.get(status_raw)
    if status is None:
        raise MalformedError(f"ticket.status {status_raw!r} is not a Zendesk status")
    priority = opt_text(ticket.get("priority"), "ticket.priority")
    kind = opt_text(ticket.get("type"), "ticket.type")
    via = ticket.get("via")
    channel = opt_text(obj(via, "ticket.via").get("channel"), "via.channel") if via is not None else None
    tags = [t for t in items(ticket.get("tags") or [], "ticket.tags") if isinstance(t, str)]
    description = clean_text(opt_text(ticket.get("description"), "ticket.description") or "")
    subject = opt_text(ticket.get("subject"), "ticket.subject") or opt_text(
        ticket.get("raw_subject"), "ticket.raw_subject"
    )
    return Ticket(
        ref=Ref(system=SYSTEM, id=ticket_id, url=agent_url(base_url, ticket_id)),
        id=ticket_id,
        subject=clean_text(subject or "") or "(no subject)",
        description=truncate(description, COMPACT_TEXT_CHARS) if compact else description,
        status=status,
        priority=_PRIORITIES.get(priority) if priority is not None else None,
        type=_TYPES.get(kind) if kind is not None else None,
        channel=_CHANNELS.get(channel, channel) if channel else None,
        tags=tuple(tags),
        requester=directory.person(ticket.get("requester_id"), default_role="end-user"),
        organization=directory.organization(ticket.get("organization_id")),
        assignee=(
            directory.person(ticket.get("assignee_id"), default_role="agent")
            if ticket.get("assignee_id") is not None
            else None
        ),
        created_at=parse_time(ticket.get("created_at"), "ticket.created_at"),
        updated_at=parse_time(ticket.get("updated_at"), "ticket.updated_at"),
        solved_at=solved_at if status in {"solved", "closed"} else None,
        sla=sla,
        comments=comments,
        linked_issue_keys=linked_issue_keys(tags),
    )


@dataclass(frozen=True)
class _Event:
    kind: str
    instance: int
    time: datetime
    policy: str | None = None
    target: int | None = None


def _events(raw: Any) -> dict[str, list[_Event]]:
    """The `metric_events` side-load (a map from metric to its events), oldest first per metric."""
    if raw is None:
        return {}
    found: dict[str, list[_Event]] = {}
    for metric, events in obj(raw, "metric_events").items():
        parsed: list[_Event] = []
        for item in items(events, f"metric_events.{metric}"):
            event = obj(item, "metric event")
            if event.get("deleted") is True:
                continue
            sla = event.get("sla")
            policy: str | None = None
            target: int | None = None
            if isinstance(sla, dict):
                policy_obj = sla.get("policy")
                if isinstance(policy_obj, dict):
                    policy = opt_text(policy_obj.get("title"), "sla.policy.title")
                minutes = sla.get("target")
                if isinstance(minutes, int | float) and not isinstance(minutes, bool):
                    target = int(minutes)
            instance = event.get("instance_id")
            parsed.append(
                _Event(
                    kind=text(event.get("type"), "metric event type"),
                    instance=instance if isinstance(instance, int) and not isinstance(instance, bool) else 1,
                    time=parse_time(event.get("time"), "metric event time"),
                    policy=policy,
                    target=target,
                )
            )
        found[str(metric)] = sorted(parsed, key=lambda e: e.time)
    return found


def _events_for(policy_metric: str, events: dict[str, list[_Event]]) -> list[_Event]:
    # Zendesk records both reply SLAs under `reply_time`: instance 1 is the first reply, later
    # instances are next replies.
    if policy_metric in {"first_reply_time", "next_reply_time"}:
        replies = events.get("reply_time", [])
        if policy_metric == "first_reply_time":
            return [e for e in replies if e.instance == 1]
        later = [e for e in replies if e.instance > 1]
        latest = max((e.instance for e in later), default=None)
        return [e for e in later if e.instance == latest]
    return events.get(policy_metric, [])


def sla_targets(ticket: Mapping[str, Any], *, fallback_fulfilled: datetime) -> tuple[SlaTarget, ...]:
    """SLA metrics from a ticket shown with `include=slas,metric_events`.

    `slas.policy_metrics` gives each metric's stage and breach time; the metric events add the policy
    title, the target and when the metric was fulfilled. An achieved metric without a fulfil event is
    dated `fallback_fulfilled` (the ticket's last update), the latest moment it can have been met.
    """
    slas = ticket.get("slas")
    if slas is None:
        return ()
    events = _events(ticket.get("metric_events"))
    chosen: dict[SlaMetric, SlaTarget] = {}
    for item in items(obj(slas, "slas").get("policy_metrics") or [], "slas.policy_metrics"):
        entry = obj(item, "policy metric")
        name = text(entry.get("metric"), "policy metric name")
        metric = SLA_METRICS.get(name)
        if metric is None:
            continue
        stage = opt_text(entry.get("stage"), "policy metric stage")
        history = _events_for(name, events)
        applied = [e for e in history if e.kind == "apply_sla"]
        fulfilled = [e for e in history if e.kind == "fulfill"]
        fulfilled_at: datetime | None = None
        if stage == "achieved":
            fulfilled_at = fulfilled[-1].time if fulfilled else fallback_fulfilled
        target = SlaTarget(
            policy=applied[-1].policy if applied else None,
            metric=metric,
            target_minutes=applied[-1].target if applied else None,
            breach_at=opt_time(entry.get("breach_at"), "policy metric breach_at"),
            fulfilled_at=fulfilled_at,
            paused=stage == "paused",
        )
        current = chosen.get(metric)
        if current is None or _more_urgent(target, current):
            chosen[metric] = target
    return tuple(chosen.values())


def _more_urgent(candidate: SlaTarget, current: SlaTarget) -> bool:
    if (candidate.fulfilled_at is None) != (current.fulfilled_at is None):
        return candidate.fulfilled_at is None
    far = datetime.max.replace(tzinfo=UTC)
    return (candidate.breach_at or far) < (current.breach_at or far)


def solved_time(ticket: Mapping[str, Any]) -> datetime | None:
    """When the ticket was last solved: solving fulfils `requester_wait_time`."""
    fulfils = [
        e for e in _events(ticket.get("metric_events")).get("requester_wait_time", []) if e.kind == "fulfill"
    ]
    return fulfils[-1].time if fulfils else None


def article_kind(labels: list[str]) -> ArticleKind:
    for label in labels:
        kind = _ARTICLE_KINDS.get(label.strip().lower())
        if kind is not None:
            return kind
    return "how-to"


def to_article(raw: Any, *, compact: bool = False) -> Article:
    """An article record from a Help Center article (show, or a search result)."""
    article = obj(raw, "article")
    article_id = ident(article.get("id"), "article.id")
    labels = [
        label for label in items(article.get("label_names") or [], "label_names") if isinstance(label, str)
    ]
    body, workaround = split_workaround(opt_text(article.get("body"), "article.body") or "")
    area = next(
        (label[len(AREA_LABEL_PREFIX) :].strip() for label in labels if label.startswith(AREA_LABEL_PREFIX)),
        None,
    )
    plain_labels = tuple(
        label
        for label in labels
        if label.strip().lower() not in _ARTICLE_KINDS and not label.startswith(AREA_LABEL_PREFIX)
    )
    edited = article.get("edited_at") or article.get("updated_at")
    return Article(
        ref=Ref(
            system=SYSTEM,
            id=article_id,
            url=opt_text(article.get("html_url"), "article.html_url"),
        ),
        id=article_id,
        title=clean_text(text(article.get("title"), "article.title")) or "(untitled)",
        body=truncate(body, COMPACT_TEXT_CHARS) if compact else body,
        kind=article_kind(labels),
        workaround=workaround,
        product_area=area or None,
        labels=plain_labels,
        status="outdated" if flag(article.get("outdated"), "article.outdated", False) else "current",
        updated_at=parse_time(edited, "article.edited_at"),
    )


__all__ = [
    "AREA_LABEL_PREFIX",
    "COMPACT_TEXT_CHARS",
    "KIND_LABELS",
    "SLA_METRICS",
    "Directory",
    "MalformedError",
    "agent_url",
    "article_kind",
    "comment_text",
    "ident",
    "items",
    "linked_issue_keys",
    "obj",
    "opt_text",
    "parse_time",
    "reading",
    "sla_targets",
    "solved_time",
    "text",
    "to_article",
    "to_comment",
    "to_organization",
    "to_ticket",
]
