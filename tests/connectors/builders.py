"""Records for the vendor connectors' tests, dated against the contract world's clock: the defaults a
test does not care about, and keyword overrides for the fields it does."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from customer_escalation.connectors.records import (
    Article,
    ArticleKind,
    Channel,
    ChatMessage,
    Person,
    Ref,
    TrackerIssue,
)
from tests.contract.dataset import ago


def article(title: str, body: str, *, kind: ArticleKind = "how-to", **fields: Any) -> Article:
    """A local article titled `title`, its id the title too, updated five days ago."""
    values: dict[str, Any] = {
        "ref": Ref(system="local", id=title),
        "id": title,
        "title": title,
        "body": body,
        "kind": kind,
        "updated_at": ago(days=5),
    }
    values.update(fields)
    return Article.model_validate(values)


def issue(key: str, title: str, **fields: Any) -> TrackerIssue:
    """An open local bug `key` in the project its key names, created three days ago."""
    values: dict[str, Any] = {
        "ref": Ref(system="local", id=key),
        "key": key,
        "title": title,
        "body": f"Body of {key}.",
        "kind": "bug",
        "status": "open",
        "project": key.split("-")[0],
        "created_at": ago(days=3),
        "updated_at": ago(days=1),
    }
    values.update(fields)
    return TrackerIssue.model_validate(values)


def message(
    msg_id: str,
    channel: Channel,
    text: str,
    *,
    at: datetime,
    author: str = "Jo Park",
    thread: str | None = None,
) -> ChatMessage:
    """A local chat message `msg_id` in `channel`, said by `author` at `at` (in `thread`, if given)."""
    return ChatMessage(
        ref=Ref(system="local", id=f"{channel.id}:{msg_id}"),
        id=msg_id,
        channel_id=channel.id,
        channel_name=channel.name,
        thread_id=thread,
        author=Person(name=author),
        text=text,
        created_at=at,
    )
