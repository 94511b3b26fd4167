"""The Intercom fake's workspace: our records stored in Intercom's JSON shapes (API 2.14).

Tickets become conversations with their contact, company and parts; articles become Help Center
articles. The endpoints of `intercom` serve what is stored here.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable
from datetime import datetime
from typing import Any

from customer_escalation.connectors.records import Article, Comment, Dataset, Organization, Person, Ticket

from ._intercom_search import words

WORKSPACE_ID = "q7x2m9kd"
DEFAULT_ADMIN_ID = "8120001"
DEFAULT_TEAM_ID = "5300001"
COLLECTION_ID = "410001"
PRIORITY_ATTRIBUTE = "Priority"
_STATES = {
    "new": "open",
    "open": "open",
    "pending": "snoozed",
    "on_hold": "snoozed",
    "solved": "closed",
    "closed": "closed",
}
_SOURCE_TYPES = {"email": "email", "chat": "conversation", "web": "conversation", "phone": "phone_call"}


def unix(moment: datetime | None) -> int | None:
    return int(moment.timestamp()) if moment is not None else None


def hex_id(*parts: str) -> str:
    return hashlib.sha256(":".join(parts).encode()).hexdigest()[:24]


def paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip())


class IntercomWorkspace:
    """Conversations, contacts, companies, admins and articles, seeded from a `Dataset`.

    Args:
        dataset: the tickets and articles to store.
        now: the wall-clock time (SLA status, new parts).
    """

    def __init__(self, dataset: Dataset, now: Callable[[], datetime]) -> None:
        self._now = now
        self.conversations: dict[str, dict[str, Any]] = {}
        self.contacts: dict[str, dict[str, Any]] = {}
        self.companies: dict[str, dict[str, Any]] = {}
        self.articles: dict[str, dict[str, Any]] = {}
        self.admins: dict[str, dict[str, Any]] = {}
        self._next = {
            "conversation": 2_150_000_001,
            "part": 6_700_000_001,
            "admin": int(DEFAULT_ADMIN_ID),
            "article": 9_100_001,
        }
        self._admin(Person(name="Rowan Hale", email="rowan.hale@vendor.example", role="agent"))
        for ticket in dataset.tickets:
            self._seed_ticket(ticket)
        for item in dataset.articles:
            self._seed_article(item)

    # --- seeding: our records in Intercom's shapes -------------------------------------------------

    def _new(self, kind: str) -> str:
        value = self._next[kind]
        self._next[kind] += 1
        return str(value)

    def _admin(self, person: Person) -> str:
        for admin_id, admin in self.admins.items():
            if admin["email"] == person.email and admin["name"] == person.name:
                return admin_id
        admin_id = self._new("admin")
        self.admins[admin_id] = {"type": "admin", "id": admin_id, "name": person.name, "email": person.email}
        return admin_id

    def _company(self, org: Organization) -> str:
        company_id = hex_id("company", org.id)
        stamp = 1_700_000_000
        self.companies.setdefault(
            company_id,
            {
                "type": "company",
                "id": company_id,
                "name": org.name,
                "app_id": WORKSPACE_ID,
                "plan": {"type": "plan", "id": "3300", "name": "Standard"},
                "company_id": org.id,
                "remote_created_at": stamp,
                "created_at": stamp,
                "updated_at": stamp,
                "last_request_at": stamp,
                "size": 0,
                "website": f"https://www.{org.domain}" if org.domain else None,
                "industry": None,
                "monthly_spend": 0,
                "session_count": 0,
                "user_count": 0,
                "custom_attributes": {},
                "tags": {"type": "tag.list", "tags": []},
                "segments": {"type": "segment.list", "segments": []},
            },
        )
        return company_id

    def _contact(self, person: Person, org: Organization | None) -> str:
        contact_id = hex_id("contact", person.email or person.name or "anonymous")
        if contact_id in self.contacts:
            return contact_id
        company_id = self._company(org) if org is not None else None
        companies = (
            [{"type": "company", "id": company_id, "url": f"/companies/{company_id}"}] if company_id else []
        )
        self.contacts[contact_id] = {
            "type": "contact",
            "id": contact_id,
            "workspace_id": WORKSPACE_ID,
            "external_id": None,
            "role": "user",
            "email": person.email,
            "name": person.name,
            "created_at": 1_700_000_000,
            "updated_at": 1_700_000_000,
            "companies": {
                "type": "list",
                "data": companies,
                "url": f"/contacts/{contact_id}/companies",
                "total_count": len(companies),
                "has_more": False,
            },
        }
        return contact_id

    def _author(self, person: Person, contact_id: str) -> dict[str, Any]:
        if person.role in {"agent", "internal"}:
            admin_id = self._admin(person)
            return {"type": "admin", "id": admin_id, "name": person.name, "email": person.email}
        if person.role == "bot":
            return {"type": "bot", "id": "1", "name": person.name or "Fin", "email": None}
        return {"type": "user", "id": contact_id, "name": person.name, "email": person.email}

    def _part(self, item: Comment, contact_id: str, state: str) -> dict[str, Any]:
        stamp = unix(item.created_at)
        return {
            "type": "conversation_part",
            "id": self._new("part"),
            "part_type": "comment" if item.public else "note",
            "body": paragraphs(item.body),
            "created_at": stamp,
            "updated_at": stamp,
            "notified_at": stamp,
            "assigned_to": None,
            "author": self._author(item.author, contact_id),
            "attachments": [],
            "external_id": None,
            "redacted": False,
            "email_message_metadata": None,
            "state": state,
            "tags": [],
            "event_details": None,
            "app_package_code": None,
        }

    def _sla(self, ticket: Ticket) -> dict[str, Any] | None:
        if not ticket.sla:
            return None
        now = self._now()
        missed = any(
            (s.fulfilled_at is None and s.breach_at is not None and s.breach_at <= now)
            or (s.fulfilled_at is not None and s.breach_at is not None and s.fulfilled_at > s.breach_at)
            for s in ticket.sla
        )
        done = all(s.fulfilled_at is not None for s in ticket.sla)
        status = "missed" if missed else "hit" if done else "active"
        return {
            "type": "conversation_sla_summary",
            "sla_name": ticket.sla[0].policy or "",
            "sla_status": status,
        }

    def _statistics(self, ticket: Ticket) -> dict[str, Any]:
        replies = [
            c.created_at for c in ticket.comments if c.public and c.author.role in {"agent", "internal"}
        ]
        first, last = (unix(min(replies)), unix(max(replies))) if replies else (None, None)
        created = unix(ticket.created_at) or 0
        closed = unix(ticket.solved_at)
        return {
            "type": "conversation_statistics",
            "time_to_assignment": 0,
            "time_to_admin_reply": first - created if first else None,
            "time_to_first_close": closed - created if closed else None,
            "time_to_last_close": closed - created if closed else None,
            "median_time_to_reply": None,
            "first_contact_reply_at": created,
            "first_assignment_at": created,
            "first_admin_reply_at": first,
            "first_close_at": closed,
            "last_assignment_at": created,
            "last_assignment_admin_reply_at": first,
            "last_contact_reply_at": created,
            "last_admin_reply_at": last,
            "last_close_at": closed,
            "last_closed_by_id": DEFAULT_ADMIN_ID if closed else None,
            "count_reopens": 0,
            "count_assignments": 1,
            "count_conversation_parts": len(ticket.comments),
        }

    def _seed_ticket(self, ticket: Ticket) -> None:
        conversation_id = ticket.id if ticket.id.isdigit() else self._new("conversation")
        contact_id = self._contact(ticket.requester, ticket.organization)
        state = _STATES[ticket.status]
        created, updated = unix(ticket.created_at), unix(ticket.updated_at)
        source_type = _SOURCE_TYPES.get(ticket.channel or "", "conversation")
        tags = [
            {
                "type": "tag",
                "id": str(int(hex_id("tag", t)[:8], 16)),
                "name": t,
                "applied_at": created,
                "applied_by": {"type": "admin", "id": DEFAULT_ADMIN_ID},
            }
            for t in ticket.tags
        ]
        self.conversations[conversation_id] = {
            "type": "conversation",
            "id": conversation_id,
            "created_at": created,
            "updated_at": updated,
            "waiting_since": None,
            "snoozed_until": (updated or 0) + 86_400 if state == "snoozed" else None,
            "source": {
                "type": source_type,
                "id": str(400_000_000 + len(self.conversations)),
                "delivered_as": "customer_initiated",
                "subject": ticket.subject if source_type == "email" else "",
                "body": paragraphs(ticket.description),
                "author": self._author(ticket.requester, contact_id),
                "attachments": [],
                "url": None,
                "redacted": False,
            },
            "contacts": {
                "type": "contact.list",
                "contacts": [{"type": "contact", "id": contact_id, "external_id": None}],
            },
            "first_contact_reply": {"created_at": created, "type": source_type, "url": None},
            "admin_assignee_id": int(DEFAULT_ADMIN_ID),
            "team_assignee_id": int(DEFAULT_TEAM_ID),
            "open": state != "closed",
            "state": state,
            "read": True,
            "tags": {"type": "tag.list", "tags": tags},
            "priority": "priority" if ticket.priority in {"urgent", "high"} else "not_priority",
            "sla_applied": self._sla(ticket),
            "statistics": self._statistics(ticket),
            "conversation_rating": None,
            "teammates": {"type": "admin.list", "admins": [{"type": "admin", "id": DEFAULT_ADMIN_ID}]},
            "title": ticket.subject if source_type != "email" else None,
            "custom_attributes": {PRIORITY_ATTRIBUTE: ticket.priority.capitalize()}
            if ticket.priority
            else {},
            "topics": {},
            "ticket": None,
            "linked_objects": {"type": "list", "data": [], "total_count": 0, "has_more": False},
            "ai_agent": None,
            "ai_agent_participated": False,
            "conversation_parts": {
                "type": "conversation_part.list",
                "conversation_parts": [self._part(c, contact_id, state) for c in ticket.comments],
                "total_count": len(ticket.comments),
            },
        }

    def _seed_article(self, item: Article) -> None:
        article_id = item.id if item.id.isdigit() else self._new("article")
        tags = [item.kind, *(f"area:{a}" for a in [item.product_area] if a), *item.labels]
        body = paragraphs(item.body)
        if item.workaround:
            body += f"<h2>Workaround</h2>{paragraphs(item.workaround)}"
        stamp = unix(item.updated_at)
        slug = "-".join(words(item.title))
        self.articles[article_id] = {
            "id": article_id,
            "type": "article",
            "workspace_id": WORKSPACE_ID,
            "parent_id": int(COLLECTION_ID),
            "parent_type": "collection",
            "parent_ids": [int(COLLECTION_ID)],
            "tags": {
                "type": "tag.list",
                "tags": [
                    {"type": "tag", "id": str(int(hex_id("tag", t)[:8], 16)), "name": t}
                    for t in dict.fromkeys(tags)
                ],
            },
            "title": item.title,
            "description": "",
            "body": body,
            "author_id": int(DEFAULT_ADMIN_ID),
            "state": "published",
            "created_at": stamp,
            "updated_at": stamp,
            "url": f"https://help.vendor.example/en/articles/{article_id}-{slug}",
        }

    # --- helpers for tests -----------------------------------------------------------------------

    def set_team(self, conversation_id: str, team_id: str | None) -> None:
        self.conversations[conversation_id]["team_assignee_id"] = int(team_id) if team_id else None

    def company_id(self, org_id: str) -> str:
        return hex_id("company", org_id)

    def notes(self, conversation_id: str) -> list[dict[str, Any]]:
        parts = self.conversations[conversation_id]["conversation_parts"]["conversation_parts"]
        return [p for p in parts if p["part_type"] == "note"]


__all__ = [
    "COLLECTION_ID",
    "DEFAULT_ADMIN_ID",
    "DEFAULT_TEAM_ID",
    "PRIORITY_ATTRIBUTE",
    "WORKSPACE_ID",
    "IntercomWorkspace",
    "hex_id",
    "paragraphs",
    "unix",
]
