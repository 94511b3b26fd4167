"""`IntercomSupport`: the support platform protocol over Intercom conversations.

    POST /conversations/search              search_tickets (cursor pages: `pages.next.starting_after`)
    GET  /conversations/{id}                get_ticket, with its parts (`display_as=plaintext` not used:
                                            parts keep their HTML, read by the shared HTML reader)
    GET  /contacts/{id}                     the requester and their company id
    GET  /companies/{id}                    the organization
    GET  /companies/{id}/contacts           the contacts an organization filter searches for
    POST /conversations/{id}/reply          add_internal_note (`message_type: note`, `type: admin`)
    GET  /me                                check

Every request carries the `Intercom-Version` header. Reads may be scoped to teams: a conversation
assigned to another team is not found, and searches only see the configured teams.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from .._http import HttpApi
from ..base import MAX_PAGE_SIZE, WriteReceipt
from ..cursor import clamp_limit, decode_token, encode_cursor, query_fingerprint
from ..errors import AuthError, InvalidQueryError, NotFoundError
from ..records import Page, Ticket, TicketStatus
from . import models
from .api import IntercomApi, ModelT
from .mapping import Mapper, People, contact_person, organization
from .notes import NoteWriter
from .policy import SYSTEM
from .query import MAX_CONTACTS, conversation_query, states, words
from .settings import DEFAULT_API_VERSION


class IntercomSupport:
    """~~support platform on Intercom conversations.

    Args:
        api: the HTTP client with an `IntercomPolicy`, rooted at the region's API.
        version: the `Intercom-Version` header.
        mapper: the workspace's priority convention and inbox links.
        team_ids: teams whose conversations may be read; empty for all.
        admin_id: the admin who authors internal notes; without one, notes are refused.
        allow_writes: False refuses `add_internal_note` (read-only mode).
    """

    system = SYSTEM

    def __init__(
        self,
        api: HttpApi,
        *,
        version: str = DEFAULT_API_VERSION,
        mapper: Mapper | None = None,
        team_ids: Sequence[str] = (),
        admin_id: str | None = None,
        allow_writes: bool = True,
    ) -> None:
        self._api = IntercomApi(api, version)
        self._map = mapper or Mapper()
        self._teams = tuple(team_ids)
        self._notes = NoteWriter(
            self._api, self.get_ticket, link=self._map.link, admin_id=admin_id, allow_writes=allow_writes
        )

    async def check(self) -> None:
        """Read the admin the token acts as (`GET /me`).

        Raises:
            AuthError, PermissionDeniedError, UpstreamError: when the probe fails.
        """
        me = await self._api.get("/me", models.Admin, "GET /me")
        if me.type != "admin":
            raise AuthError(
                "intercom: the token does not act as an admin; use an access token of an Intercom app",
                system=SYSTEM,
            )

    async def aclose(self) -> None:
        await self._api.http.aclose()

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
        """Conversations whose opening message contains every word of `query`, in Intercom's order.

        Results are compact: descriptions are shortened and comments and SLA are left out
        (`get_ticket` has them). Intercom searches only the opening message (subject and body), not
        replies or notes. A cursor keeps the filters of the search that made it.

        Raises:
            InvalidQueryError: a bad limit, status, organization or cursor.
            ConnectorError: Intercom refused or failed the search.
        """
        size = clamp_limit(limit, maximum=MAX_PAGE_SIZE, system=SYSTEM)
        wanted = words(query)
        state_names = states(status)
        fingerprint = query_fingerprint(
            SYSTEM,
            "conversations",
            wanted,
            state_names,
            since.isoformat() if since else None,
            organization_id,
        )
        after = decode_token(cursor, fingerprint, system=SYSTEM, max_chars=500)
        contact_ids = await self._organization_contacts(organization_id) if organization_id else None
        if contact_ids == []:
            return Page[Ticket](items=(), total=0)
        body: dict[str, Any] = {
            "query": conversation_query(
                wanted, state_names=state_names, since=since, contact_ids=contact_ids, team_ids=self._teams
            ),
            "pagination": {"per_page": size, **({"starting_after": after} if after else {})},
        }
        found = await self._api.post(
            "/conversations/search",
            models.ConversationList,
            "POST /conversations/search",
            body,
            idempotent=True,
        )
        people = await self._people_of(found.conversations)
        tickets = tuple(
            self._map.ticket(c, people.get(c.id, People()), compact=True) for c in found.conversations
        )
        next_after = found.pages.after() if found.pages is not None and found.conversations else None
        return Page[Ticket](
            items=tickets,
            next_cursor=encode_cursor(fingerprint, next_after) if next_after else None,
            total=found.total_count,
        )

    async def get_ticket(self, ticket_id: str) -> Ticket:
        """One conversation with its comments and notes (oldest first) and its SLA status.

        Raises:
            NotFoundError: no such conversation, or one of a team outside `INTERCOM_TEAM_IDS`.
            ConnectorError: Intercom refused or failed a request.
        """
        number = conversation_id(ticket_id)
        try:
            conversation = await self._api.get(
                f"/conversations/{number}", models.Conversation, "GET /conversations/{id}"
            )
        except NotFoundError as exc:
            raise _no_conversation(number) from exc
        if self._teams and conversation.team_assignee_id not in self._teams:
            raise _no_conversation(number)
        people = await self._people_of([conversation])
        return self._map.ticket(conversation, people.get(conversation.id, People()))

    async def add_internal_note(self, ticket_id: str, body: str, *, idempotency_key: str) -> WriteReceipt:
        """Add a note (seen by teammates, never by the customer) to a conversation, once per key.

        Raises:
            WriteRefusedError: writes are turned off.
            NotFoundError: no such conversation (or one outside the readable teams).
            InvalidQueryError: an empty note or key, or Intercom refused the reply.
            ConnectorError: Intercom refused or failed a request.
        """
        return await self._notes.add(conversation_id(ticket_id), body, idempotency_key=idempotency_key)

    async def _organization_contacts(self, company_id: str) -> list[str]:
        company = company_id.strip()
        if not company or "/" in company or len(company) > 100:
            raise InvalidQueryError(f"{company_id!r} is not an Intercom company id", system=SYSTEM)
        try:
            page = await self._api.get(
                f"/companies/{company}/contacts",
                models.ContactPage,
                "GET /companies/{id}/contacts",
                per_page=MAX_CONTACTS,
            )
        except NotFoundError:
            raise InvalidQueryError(
                f"no Intercom company with id {company}; take the id from a ticket's organization",
                system=SYSTEM,
            ) from None
        return [c.id for c in page.data][:MAX_CONTACTS]

    async def _people_of(self, conversations: Sequence[models.Conversation]) -> dict[str, People]:
        """The requester and organization of each conversation, reading each contact and company once."""
        contact_ids = dict.fromkeys(ids[0] for c in conversations if (ids := c.contact_ids()))
        contacts = {
            i: await self._optional(f"/contacts/{i}", models.Contact, "GET /contacts/{id}")
            for i in contact_ids
        }
        company_ids = dict.fromkeys(
            ids[0] for c in contacts.values() if c is not None and (ids := c.company_ids())
        )
        companies = {
            i: await self._optional(f"/companies/{i}", models.Company, "GET /companies/{id}")
            for i in company_ids
        }
        return {c.id: _people(c, contacts, companies) for c in conversations}

    async def _optional(self, path: str, model: type[ModelT], endpoint: str) -> ModelT | None:
        """A record that may have been deleted since the conversation named it."""
        try:
            return await self._api.get(path, model, endpoint)
        except NotFoundError:
            return None


def _people(
    conversation: models.Conversation,
    contacts: dict[str, models.Contact | None],
    companies: dict[str, models.Company | None],
) -> People:
    ids = conversation.contact_ids()
    contact = contacts.get(ids[0]) if ids else None
    if contact is None:
        return People()
    company_ids = contact.company_ids()
    company = companies.get(company_ids[0]) if company_ids else None
    return People(
        requester=contact_person(contact), organization=organization(company) if company is not None else None
    )


def conversation_id(value: str) -> str:
    """A conversation id (digits) from `value`.

    Raises:
        NotFoundError: `value` cannot be an Intercom conversation id.
    """
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        raise NotFoundError(
            f"no Intercom conversation {value!r}: conversation ids are numbers; search tickets to find one",
            system=SYSTEM,
        )
    return text


def _no_conversation(number: str) -> NotFoundError:
    return NotFoundError(f"no Intercom conversation {number} that this connector may read", system=SYSTEM)


__all__ = ["IntercomSupport", "conversation_id"]
