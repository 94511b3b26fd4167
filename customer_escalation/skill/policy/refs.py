"""Evidence ids: how the policy names a record across systems.

``ticket:<id>``, ``account:<id>``, ``issue:<key>``, ``article:<id>``, ``message:<channel>:<id>``, or
``issue-text`` for the text the user typed.
"""

from __future__ import annotations

from ...connectors.records import ChatMessage
from .models import Evidence


def ticket_ref(ticket_id: str) -> str:
    return f"ticket:{ticket_id}"


def account_ref(account_id: str) -> str:
    return f"account:{account_id}"


def issue_ref(key: str) -> str:
    return f"issue:{key}"


def article_ref(article_id: str) -> str:
    return f"article:{article_id}"


def message_ref(message: ChatMessage) -> str:
    return f"message:{message.channel_id}:{message.id}"


def record_ids(ev: Evidence) -> tuple[str, ...]:
    """The evidence id of every record in `ev`, once each, in the order they were gathered."""
    ids = [ticket_ref(t.id) for t in ev.tickets]
    ids += [account_ref(a.id) for a in ev.accounts]
    ids += [issue_ref(i.key) for i in ev.issues]
    ids += [article_ref(a.id) for a in ev.articles]
    ids += [message_ref(m) for m in ev.messages]
    return tuple(dict.fromkeys(ids))
