"""What the primary ticket says for a customer-facing draft: who asked, in which words, for what, and a
workaround support already gave."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from ...connectors.base import SupportPlatform
from ...connectors.errors import ConnectorError
from .. import customer_text
from ..own_text import written_by_us
from .kinds import FrozenModel


class CustomerContext(FrozenModel):
    """What the primary ticket says for a customer-facing draft: who asked, in which words, for what."""

    name: str | None = None
    """The requester's name as the ticket holds it."""
    subject: str | None = None
    """The ticket's subject, in the customer's words."""
    asks: tuple[Literal["eta", "call", "credit"], ...] = ()
    """What the customer explicitly asked for."""
    workaround: str | None = None
    """A workaround support already gave the customer on the ticket (a public reply)."""


async def customer_context(support: SupportPlatform | None, ticket_id: str) -> CustomerContext:
    """What the ticket says for a customer draft; empty when it cannot be read."""
    if support is None:
        return CustomerContext()
    try:
        ticket = await support.get_ticket(ticket_id)
    except ConnectorError:
        return CustomerContext()
    said = [ticket.description] + [
        c.body for c in ticket.comments if c.author.role == "customer" and c.public
    ]
    ours = [
        c.body
        for c in ticket.comments
        if c.author.role == "agent" and c.public and not written_by_us(c.body, c.author.name)
    ]
    asks = customer_text.asks_in(said)
    return CustomerContext(
        name=customer_text.greeting_name(ticket.requester.name),
        subject=ticket.subject,
        asks=tuple(k for k in ("eta", "call", "credit") if getattr(asks, k)),
        workaround=_workaround(ours),
    )


_WORKAROUND = re.compile(
    r"(?i)\b(workaround|in the meantime|for now|until (?:then|it'?s fixed|the fix)|avoids? (?:it|the error))\b"
)


def _workaround(texts: Iterable[str]) -> str | None:
    """The sentence of our public replies that gives a workaround: the most concrete (with a figure),
    else the latest."""
    found = [
        sentence.strip()
        for text in texts
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", text)
        if 12 <= len(sentence.strip()) <= 300 and _WORKAROUND.search(sentence) and "?" not in sentence
    ]
    concrete = [s for s in found if re.search(r"\d", s)]
    chosen = concrete or found
    return chosen[-1] if chosen else None


__all__ = ["CustomerContext", "customer_context"]
