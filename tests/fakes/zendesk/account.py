"""The state of a fake Zendesk account, seeded from a `Dataset` in Zendesk's own JSON.

Numeric ids, `hold` for on-hold, `null` priorities, users and organizations to side-load, the SLA
policy metrics and metric events of each ticket, and Help Center articles with HTML bodies.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from customer_escalation.connectors.records import (
    Article,
    Comment,
    Dataset,
    Organization,
    Person,
    Ref,
    SlaTarget,
    Ticket,
)

SLA_NAMES = {
    "first_reply": "first_reply_time",
    "next_reply": "next_reply_time",
    "resolution": "requester_wait_time",
    "periodic_update": "periodic_update_time",
}


def iso(moment: datetime | None) -> str | None:
    """Zendesk's timestamp format: UTC, whole seconds, `Z`."""
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ZendeskAccount:
    """Users, organizations, tickets with their comments and SLA events, and articles, by Zendesk id.

    Args:
        dataset: the world to hold; ticket, comment and article ids that are numbers keep them.
        subdomain: the account, for URLs in the JSON.
        email: the API agent's address (the author of notes written through the API).
        clock: "now", for SLA remaining times and the time of new comments.
    """

    def __init__(
        self,
        dataset: Dataset,
        *,
        subdomain: str,
        email: str,
        clock: Callable[[], datetime] | None,
    ) -> None:
        self.base_url = f"https://{subdomain}.zendesk.com"
        self.email = email
        self._clock = clock or (lambda: datetime.now(UTC))
        self._ids = itertools.count(900_000_001)
        self.users: dict[int, dict[str, Any]] = {}
        self.organizations: dict[int, dict[str, Any]] = {}
        self.tickets: dict[int, dict[str, Any]] = {}
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.articles: dict[int, dict[str, Any]] = {}
        self._slas: dict[int, tuple[SlaTarget, ...]] = {}
        self._events: dict[int, dict[str, list[dict[str, Any]]]] = {}
        self._user_keys: dict[str, int] = {}
        self._org_keys: dict[str, int] = {}
        self.ticket_ids: dict[str, int] = {}
        """Dataset ticket id -> Zendesk ticket id."""
        self.article_ids: dict[str, int] = {}
        """Dataset article id -> Help Center article id."""
        self.agent_id = self._user(Person(name="API Agent", email=email, role="agent"), None)
        self._seed(dataset)

    def _seed(self, dataset: Dataset) -> None:
        for account in dataset.accounts:
            self._organization(
                Organization(
                    id=account.id, name=account.name, domain=account.domains[0] if account.domains else None
                ),
                domains=list(account.domains),
            )
        next_ticket = itertools.count(50_001)
        for ticket in dataset.tickets:
            number = int(ticket.id) if ticket.id.isdigit() else next(next_ticket)
            self.ticket_ids[ticket.id] = number
            self._add_ticket(number, ticket)
        next_article = itertools.count(360_000_200_001)
        for article in dataset.articles:
            number = int(article.id) if article.id.isdigit() else next(next_article)
            self.article_ids[article.id] = number
            self.articles[number] = self._article_json(number, article)

    def _organization(self, org: Organization, domains: list[str] | None = None) -> int:
        if org.id in self._org_keys:
            return self._org_keys[org.id]
        number = 360_000_100_001 + len(self.organizations)
        self._org_keys[org.id] = number
        self.organizations[number] = {
            "url": f"{self.base_url}/api/v2/organizations/{number}.json",
            "id": number,
            "name": org.name,
            "shared_tickets": False,
            "shared_comments": False,
            "external_id": org.id,
            "created_at": "2024-01-15T09:00:00Z",
            "updated_at": "2024-01-15T09:00:00Z",
            "domain_names": domains if domains is not None else ([org.domain] if org.domain else []),
            "details": "",
            "notes": "",
            "group_id": None,
            "tags": [],
            "organization_fields": {},
        }
        return number

    def _user(self, person: Person, org_id: int | None) -> int:
        key = (person.email or person.name or "").lower()
        if key and key in self._user_keys:
            return self._user_keys[key]
        number = 361_000_000_001 + len(self.users)
        role = "agent" if person.role in {"agent", "internal"} else "end-user"
        self.users[number] = {
            "id": number,
            "url": f"{self.base_url}/api/v2/users/{number}.json",
            "name": person.name or (person.email or "Unknown").split("@")[0],
            "email": person.email,
            "created_at": "2024-01-15T09:00:00Z",
            "updated_at": "2024-01-15T09:00:00Z",
            "time_zone": "UTC",
            "phone": None,
            "photo": None,
            "locale": "en-US",
            "organization_id": org_id if role == "end-user" else None,
            "role": role,
            "verified": True,
            "external_id": None,
            "tags": [],
            "active": True,
            "suspended": False,
        }
        if key:
            self._user_keys[key] = number
        return number

    def _add_ticket(self, number: int, ticket: Ticket) -> None:
        org_id = self._organization(ticket.organization) if ticket.organization else None
        requester = self._user(ticket.requester, org_id)
        assignee = self._user(ticket.assignee, None) if ticket.assignee else None
        tags = list(ticket.tags) + [f"jira_{key.lower()}" for key in ticket.linked_issue_keys]
        self.tickets[number] = {
            "url": f"{self.base_url}/api/v2/tickets/{number}.json",
            "id": number,
            "external_id": None,
            "via": {"channel": ticket.channel or "web", "source": {"from": {}, "to": {}, "rel": None}},
            "created_at": iso(ticket.created_at),
            "updated_at": iso(ticket.updated_at),
            "generated_timestamp": int(ticket.updated_at.timestamp()),
            "type": ticket.type,
            "subject": ticket.subject,
            "raw_subject": ticket.subject,
            "description": ticket.description,
            "priority": ticket.priority,
            "status": "hold" if ticket.status == "on_hold" else ticket.status,
            "recipient": None,
            "requester_id": requester,
            "submitter_id": requester,
            "assignee_id": assignee,
            "organization_id": org_id,
            "group_id": None,
            "collaborator_ids": [],
            "follower_ids": [],
            "email_cc_ids": [],
            "forum_topic_id": None,
            "problem_id": None,
            "has_incidents": False,
            "is_public": True,
            "due_at": None,
            "tags": tags,
            "custom_fields": [],
            "satisfaction_rating": None,
            "sharing_agreement_ids": [],
            "custom_status_id": None,
            "fields": [],
            "followup_ids": [],
            "ticket_form_id": None,
            "brand_id": 360_000_000_001,
            "allow_channelback": False,
            "allow_attachments": True,
            "from_messaging_channel": False,
        }
        opening = self._comment_json(next(self._ids), requester, ticket.description, True, ticket.created_at)
        self.comments[number] = [opening]
        for comment in ticket.comments:
            comment_id = int(comment.id) if comment.id.isdigit() else next(self._ids)
            author = -1 if comment.author.role == "system" else self._user(comment.author, org_id)
            self.comments[number].append(
                self._comment_json(comment_id, author, comment.body, comment.public, comment.created_at)
            )
        self._slas[number] = ticket.sla
        self._events[number] = self._metric_events(number, ticket)

    def _comment_json(
        self, number: int, author: int, body: str, public: bool, at: datetime
    ) -> dict[str, Any]:
        paragraphs = "".join(
            f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>" for part in body.split("\n\n") if part
        )
        return {
            "id": number,
            "type": "Comment",
            "author_id": author,
            "body": body,
            "html_body": f'<div class="zd-comment" dir="auto">{paragraphs}</div>',
            "plain_body": body,
            "public": public,
            "attachments": [],
            "audit_id": number + 1,
            "via": {"channel": "web", "source": {"from": {}, "to": {}, "rel": None}},
            "metadata": {"system": {"client": "fake", "ip_address": "127.0.0.1"}, "custom": {}},
            "created_at": iso(at),
        }

    def _metric_events(self, number: int, ticket: Ticket) -> dict[str, list[dict[str, Any]]]:
        events: dict[str, list[dict[str, Any]]] = {
            "reply_time": [],
            "requester_wait_time": [],
            "agent_work_time": [],
            "periodic_update_time": [],
        }

        def add(metric: str, kind: str, at: datetime, instance: int = 1, **extra: Any) -> None:
            events.setdefault(metric, []).append(
                {
                    "id": next(self._ids),
                    "ticket_id": number,
                    "metric": metric,
                    "instance_id": instance,
                    "type": kind,
                    "time": iso(at),
                    **extra,
                }
            )

        for metric in ("reply_time", "requester_wait_time", "agent_work_time"):
            add(metric, "activate", ticket.created_at)
        for target in ticket.sla:
            name = SLA_NAMES[target.metric]
            metric = "reply_time" if name.endswith("reply_time") else name
            instance = 2 if target.metric == "next_reply" else 1
            applied = ticket.created_at
            if instance == 2:
                add(metric, "activate", applied, instance)
            sla = {
                "target": target.target_minutes,
                "target_in_seconds": target.target_minutes * 60 if target.target_minutes else None,
                "business_hours": False,
                "policy": {"id": 360_000_300_001, "title": target.policy, "description": None},
            }
            add(metric, "apply_sla", applied, instance, sla=sla)
            if target.paused:
                add(metric, "pause", applied, instance)
            breach = target.breach_at
            missed = target.fulfilled_at is None or (breach is not None and target.fulfilled_at > breach)
            if breach is not None and breach <= self._clock() and missed:
                add(metric, "breach", breach, instance, deleted=False)
            if target.fulfilled_at is not None:
                add(metric, "fulfill", target.fulfilled_at, instance)
        if ticket.solved_at is not None:
            add("requester_wait_time", "fulfill", ticket.solved_at)
        return events

    def _article_json(self, number: int, article: Article) -> dict[str, Any]:
        body = "".join(f"<p>{html.escape(part)}</p>" for part in article.body.split("\n\n") if part)
        if article.workaround:
            body += f"<h2>Workaround</h2><p>{html.escape(article.workaround)}</p>"
        labels = [article.kind, *article.labels]
        if article.product_area:
            labels.append(f"area:{article.product_area}")
        stamp = iso(article.updated_at)
        return {
            "id": number,
            "url": f"{self.base_url}/api/v2/help_center/en-us/articles/{number}.json",
            "html_url": f"{self.base_url}/hc/en-us/articles/{number}",
            "author_id": self.agent_id,
            "comments_disabled": False,
            "draft": False,
            "promoted": False,
            "position": 0,
            "vote_sum": 0,
            "vote_count": 0,
            "section_id": 360_000_400_001,
            "created_at": stamp,
            "updated_at": stamp,
            "edited_at": stamp,
            "name": article.title,
            "title": article.title,
            "source_locale": "en-us",
            "locale": "en-us",
            "outdated": article.status == "outdated",
            "outdated_locales": [],
            "user_segment_id": None,
            "permission_group_id": 360_000_500_001,
            "content_tag_ids": [],
            "label_names": labels,
            "body": body,
        }

    def _side_loads(self, wanted: set[str], tickets: list[dict[str, Any]]) -> dict[str, Any]:
        loads: dict[str, Any] = {}
        if "users" in wanted:
            ids = {t[k] for t in tickets for k in ("requester_id", "submitter_id", "assignee_id") if t[k]}
            loads["users"] = [self.users[i] for i in sorted(ids) if i in self.users]
        if "organizations" in wanted:
            ids = {t["organization_id"] for t in tickets if t["organization_id"]}
            loads["organizations"] = [self.organizations[i] for i in sorted(ids)]
        return loads

    def _policy_metric(self, target: SlaTarget) -> dict[str, Any]:
        stage = "achieved" if target.fulfilled_at else "paused" if target.paused else "active"
        entry: dict[str, Any] = {
            "breach_at": iso(target.breach_at),
            "stage": stage,
            "metric": SLA_NAMES[target.metric],
        }
        if target.breach_at is not None:
            # Zendesk states the time left in whichever unit fits: days, else hours, else minutes.
            minutes = int((target.breach_at - self._clock()).total_seconds() // 60)
            if abs(minutes) >= 1440:
                entry["days"] = int(minutes / 1440)
            elif abs(minutes) >= 60:
                entry["hours"] = int(minutes / 60)
            else:
                entry["minutes"] = minutes
        return entry


def bulk_tickets(
    count: int, phrase: str, *, start: int = 10_001, now: datetime | None = None
) -> tuple[Ticket, ...]:
    """`count` small open tickets whose subject contains `phrase`, for paging and burst tests."""
    moment = now or datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    requester = Person(name="Pat Example", email="pat@example.org", role="customer")
    return tuple(
        Ticket(
            ref=Ref(system="local", id=str(start + i)),
            id=str(start + i),
            subject=f"{phrase} report {i}",
            description=f"Ticket number {i} about {phrase}.",
            status="open",
            requester=requester,
            organization=Organization(id="bulk", name="Bulk Corp", domain="bulk.example"),
            created_at=moment - timedelta(minutes=count - i),
            updated_at=moment - timedelta(minutes=count - i),
            comments=(
                Comment(
                    id=str(900 + i),
                    author=requester,
                    body="Any news?",
                    created_at=moment - timedelta(minutes=1),
                ),
            )
            if i == 0
            else (),
        )
        for i in range(count)
    )
