"""Internal notes on Intercom conversations, written at most once per idempotency key.

A note is an admin reply with `message_type: note`. It ends with a marker line derived from the key;
before writing, the conversation's parts are read for that marker, so a retried or repeated write (even
from a restarted process) adds nothing. A write that failed with a 5xx or a timeout is looked for again
before the failure is reported, since Intercom may have stored it.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Awaitable, Callable

from ..base import WriteReceipt
from ..errors import UpstreamError, WriteRefusedError
from ..notes import NOTE_MARKER_PREFIX, marked_note, note_marker
from ..records import Ref, Ticket
from . import models
from .api import IntercomApi
from .policy import SYSTEM


def note_html(text: str, marker: str) -> str:
    """The note's text as Intercom note HTML: one paragraph per paragraph, line breaks kept."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    rendered = ["<p>" + html.escape(p.strip()).replace("\n", "<br>") + "</p>" for p in paragraphs]
    return "".join([*rendered, f"<p>{html.escape(marker)}</p>"])


class NoteWriter:
    """Writes notes for `IntercomSupport`, reading the conversation through `read` (team scope applies)."""

    def __init__(
        self,
        api: IntercomApi,
        read: Callable[[str], Awaitable[Ticket]],
        *,
        link: Callable[[str], str | None],
        admin_id: str | None,
        allow_writes: bool,
    ) -> None:
        self._api = api
        self._read = read
        self._link = link
        self._admin_id = admin_id
        self._allow_writes = allow_writes
        self._lock = asyncio.Lock()

    async def add(self, conversation_id: str, body: str, *, idempotency_key: str) -> WriteReceipt:
        admin_id = self._writer()
        text, marker = marked_note(body, idempotency_key, system=SYSTEM)
        async with self._lock:
            existing = await self._find(conversation_id, marker)
            if existing is not None:
                return WriteReceipt(ref=existing, created=False)
            payload = {
                "message_type": "note",
                "type": "admin",
                "admin_id": admin_id,
                "body": note_html(text, marker),
            }
            path = f"/conversations/{conversation_id}/reply"
            endpoint = "POST /conversations/{id}/reply"
            try:
                answer = await self._api.post(path, models.Conversation, endpoint, payload, idempotent=False)
            except UpstreamError:
                landed = await self._find(conversation_id, marker)
                if landed is None:
                    raise
                return WriteReceipt(ref=landed, created=True)
            part = next((p for p in reversed(answer.parts()) if marker in (p.body or "")), None)
            ref = (
                self._ref(conversation_id, part.id)
                if part is not None
                else await self._find(conversation_id, marker)
            )
            if ref is None:
                raise UpstreamError(
                    f"intercom accepted the note on conversation {conversation_id} but it cannot be found",
                    system=SYSTEM,
                )
            return WriteReceipt(ref=ref, created=True)

    def _writer(self) -> str:
        if not self._allow_writes:
            raise WriteRefusedError(
                "writing to Intercom conversations is turned off (read-only mode or "
                "CUSTOMER_ESCALATION_WRITE_TICKETS=false)",
                system=SYSTEM,
            )
        if self._admin_id is None:
            raise WriteRefusedError(
                "INTERCOM_ADMIN_ID is not set; notes need an admin to author them", system=SYSTEM
            )
        return self._admin_id

    async def _find(self, conversation_id: str, marker: str) -> Ref | None:
        ticket = await self._read(conversation_id)
        for comment in ticket.comments:
            if not comment.public and marker in comment.body:
                return self._ref(conversation_id, comment.id)
        return None

    def _ref(self, conversation_id: str, part_id: str) -> Ref:
        return Ref(system=SYSTEM, id=part_id, url=self._link(conversation_id))


__all__ = ["NOTE_MARKER_PREFIX", "NoteWriter", "note_html", "note_marker"]
