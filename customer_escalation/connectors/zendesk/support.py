"""~~support platform on Zendesk Support.

Tickets are read through the Search API (`GET /api/v2/search.json`, offset pages, at most 1,000 results
per query); one ticket is shown with its side-loads (`include=users,organizations,slas,metric_events`)
and its comments are walked with cursor pagination. The internal note is a ticket update with a private
comment; it carries a marker derived from the idempotency key, and the ticket's comments are checked for
that marker before writing, so a retried or repeated write (even from a restarted process) adds nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from .._http import HttpApi
from ..base import MAX_PAGE_SIZE, WriteReceipt
from ..cursor import clamp_limit, query_fingerprint
from ..errors import AuthError, PermissionDeniedError, UpstreamError, WriteRefusedError
from ..notes import NOTE_MARKER_PREFIX, marked_note, note_marker
from ..records import Comment, Page, Ref, Ticket, TicketStatus
from ..vendor import collect_pages, parse_body
from . import models
from .mapping import Directory, comment_text, ticket_description, to_comment, to_ticket
from .paging import next_cursor, numeric_id, page_position, total
from .policy import SYSTEM
from .query import ticket_query
from .sla import sla_targets, solved_time

MAX_COMMENT_PAGES = 50
"""With 100 comments a page this covers Zendesk's own limit of 5,000 comments per ticket."""

_ME = "/api/v2/users/me.json"
_SEARCH = "/api/v2/search.json"
_TICKET = "GET /api/v2/tickets/{id}.json"
_UPDATE = "PUT /api/v2/tickets/{id}.json"
_COMMENTS = "GET /api/v2/tickets/{id}/comments.json"


class ZendeskSupportPlatform:
    """~~support platform on Zendesk Support.

    Args:
        api: the HTTP client with a `ZendeskPolicy`; its base URL is the account's
            (``https://{subdomain}.zendesk.com``).
        allow_writes: False refuses `add_internal_note` (read-only mode).
    """

    system = SYSTEM

    def __init__(self, api: HttpApi, *, allow_writes: bool = True) -> None:
        self._api = api
        self._allow_writes = allow_writes
        self._write_lock = asyncio.Lock()

    async def check(self) -> None:
        """Read the token's own user (`GET /api/v2/users/me.json`).

        Zendesk answers this endpoint even without valid credentials, with an anonymous user, so the
        answer is checked too.

        Raises:
            AuthError: the credentials were rejected or did not reach Zendesk.
            PermissionDeniedError: the user is an end user, who cannot search tickets.
            UpstreamError: Zendesk failed or answered something unreadable.
        """
        me = await self._api.get_model(_ME, models.CurrentUserResponse, endpoint=f"GET {_ME}")
        if me.user.id is None:
            hint = self._api.policy.credentials_hint
            raise AuthError(
                f"zendesk treated the request as anonymous; check {hint} and the account URL", system=SYSTEM
            )
        if me.user.role == "end-user":
            raise PermissionDeniedError(
                "zendesk: the credentials belong to an end user; use an agent's token", system=SYSTEM
            )

    async def aclose(self) -> None:
        await self._api.aclose()

    async def search_tickets(
        self,
        query: str = "",
        *,
        status: Sequence[TicketStatus] | None = None,
        since: datetime | None = None,
        organization_id: str | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page[Ticket]:
        """Tickets matching free text, best match first; an empty query lists by latest update.

        Results are compact: descriptions are shortened and comments and SLA metrics are left out
        (`get_ticket` has them). A cursor keeps the page size of the search that made it. Zendesk
        returns at most 1,000 results of one search; the last cursor stops there.

        Raises:
            InvalidQueryError: a bad limit, filter or cursor.
            ConnectorError: Zendesk refused or failed the search.
        """
        per_page = clamp_limit(limit, maximum=MAX_PAGE_SIZE, system=SYSTEM)
        search = ticket_query(query, status=status, since=since, organization_id=organization_id)
        fingerprint = query_fingerprint("zendesk-tickets", search)
        page, per_page = page_position(cursor, fingerprint, per_page)
        params: dict[str, Any] = {
            "query": search,
            "page": page,
            "per_page": per_page,
            "include": "tickets(users,organizations)",
        }
        if not query.strip():
            params.update(sort_by="updated_at", sort_order="desc")
        found = await self._api.get_model(
            _SEARCH, models.TicketSearchResponse, params=params, endpoint=f"GET {_SEARCH}"
        )
        directory = Directory()
        directory.add(found)
        tickets = tuple(
            to_ticket(result, directory, base_url=self._api.base_url, compact=True)
            for result in found.results
            if isinstance(result, models.Ticket)
        )
        more = found.next_page is not None
        return Page[Ticket](
            items=tickets,
            next_cursor=next_cursor(fingerprint, page, per_page, more=more, count=found.count),
            total=total(found.count),
        )

    async def get_ticket(self, ticket_id: str) -> Ticket:
        """One ticket with all its comments (oldest first) and its SLA metrics.

        Raises:
            NotFoundError: no such ticket (or not visible to this user).
            ConnectorError: Zendesk refused or failed a request.
        """
        number = numeric_id(ticket_id, "ticket")
        shown = await self._api.get_model(
            f"/api/v2/tickets/{number}.json",
            models.TicketResponse,
            params={"include": "users,organizations,slas,metric_events"},
            endpoint=_TICKET,
        )
        raw_comments, directory = await self._comments(number)
        directory.add(shown)
        comments = [to_comment(comment, directory) for comment in raw_comments]
        return to_ticket(
            shown.ticket,
            directory,
            base_url=self._api.base_url,
            comments=_without_opening(comments, ticket_description(shown.ticket)),
            sla=sla_targets(shown.ticket),
            solved_at=solved_time(shown.ticket),
        )

    async def add_internal_note(self, ticket_id: str, body: str, *, idempotency_key: str) -> WriteReceipt:
        """Add a private comment (an internal note, never shown to the requester) to a ticket.

        The note ends with a marker line derived from `idempotency_key`; when a comment with that
        marker already exists, nothing is written and the receipt says `created=False`.

        Raises:
            WriteRefusedError: writes are turned off.
            NotFoundError: no such ticket.
            InvalidQueryError: an empty note or key, or Zendesk refused the update (a closed ticket).
            ConnectorError: Zendesk refused or failed a request.
        """
        if not self._allow_writes:
            raise WriteRefusedError(
                "writing to Zendesk tickets is turned off (read-only mode or "
                "CUSTOMER_ESCALATION_WRITE_TICKETS=false)",
                system=SYSTEM,
            )
        number = numeric_id(ticket_id, "ticket")
        text, marker = marked_note(body, idempotency_key, system=SYSTEM)
        async with self._write_lock:
            existing = await self._find_marked(number, marker)
            if existing is not None:
                return WriteReceipt(ref=self._note_ref(number, existing), created=False)
            comment_id = await self._write_note(number, f"{text}\n\n{marker}", marker)
            return WriteReceipt(ref=self._note_ref(number, comment_id), created=True)

    async def _write_note(self, ticket_id: str, note: str, marker: str) -> str:
        """Store the note and return its comment id; a note stored before a failure counts as written."""
        payload = {"ticket": {"comment": {"body": note, "public": False}}}
        try:
            answer = await self._api.request(
                "PUT",
                f"/api/v2/tickets/{ticket_id}.json",
                json_body=payload,
                endpoint=_UPDATE,
                idempotent=False,
            )
        except UpstreamError:
            landed = await self._find_marked(ticket_id, marker)
            if landed is None:
                raise
            return landed
        update = parse_body(models.TicketUpdateResponse, answer, system=SYSTEM, endpoint=_UPDATE)
        comment_id = _audit_comment_id(update) or await self._find_marked(ticket_id, marker)
        if comment_id is None:
            raise UpstreamError(
                f"zendesk accepted the note on ticket {ticket_id} but it cannot be found", system=SYSTEM
            )
        return comment_id

    def _note_ref(self, ticket_id: str, comment_id: str) -> Ref:
        return Ref(system=SYSTEM, id=comment_id, url=f"{self._api.base_url}/agent/tickets/{ticket_id}")

    async def _comments(self, ticket_id: str) -> tuple[list[models.Comment], Directory]:
        directory = Directory()

        async def fetch(after: Any) -> tuple[list[Any], Any]:
            params: dict[str, Any] = {"page[size]": 100, "include": "users", "page[after]": after}
            page = await self._api.get_model(
                f"/api/v2/tickets/{ticket_id}/comments.json",
                models.CommentsResponse,
                params=params,
                endpoint=_COMMENTS,
            )
            directory.add(page)
            meta = page.meta
            more = meta is not None and meta.has_more is True and bool(meta.after_cursor)
            return list(page.comments), meta.after_cursor if more and meta is not None else None

        found, _ = await collect_pages(fetch, max_items=100 * MAX_COMMENT_PAGES, max_pages=MAX_COMMENT_PAGES)
        return found, directory

    async def _find_marked(self, ticket_id: str, marker: str) -> str | None:
        comments, _ = await self._comments(ticket_id)
        for comment in comments:
            if marker in comment_text(comment) or marker in (comment.body or ""):
                return comment.id
        return None


def _without_opening(comments: list[Comment], description: str) -> tuple[Comment, ...]:
    """Comments without the opening one when it repeats the description (Zendesk stores both)."""
    if comments and description and _same_text(comments[0].body, description):
        return tuple(comments[1:])
    return tuple(comments)


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _audit_comment_id(update: models.TicketUpdateResponse) -> str | None:
    """The id of the comment an update created, from its audit's events."""
    if update.audit is None:
        return None
    return next((event.id for event in update.audit.events if event.type == "Comment"), None)


__all__ = ["MAX_COMMENT_PAGES", "NOTE_MARKER_PREFIX", "ZendeskSupportPlatform", "note_marker"]
