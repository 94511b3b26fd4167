"""Builders for small local-workspace worlds used by the tests in this folder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from customer_escalation.connectors.records import (
    Account,
    ChatMessage,
    Comment,
    Organization,
    Person,
    Ref,
    Ticket,
)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def clock() -> datetime:
    return NOW


def ago(**kwargs: float) -> datetime:
    return NOW - timedelta(**kwargs)


def ticket(
    ticket_id: str,
    subject: str,
    description: str = "",
    *,
    status: str = "open",
    org: str | None = "acme",
    updated: datetime | None = None,
    comments: tuple[str, ...] = (),
) -> Ticket:
    created = updated or ago(days=1)
    return Ticket.model_validate(
        {
            "ref": Ref(system="local", id=ticket_id),
            "id": ticket_id,
            "subject": subject,
            "description": description,
            "status": status,
            "requester": Person(name="Ada", email="ada@acme.example", role="customer"),
            "organization": Organization(id=org, name=org.title()) if org else None,
            "created_at": created,
            "updated_at": created,
            "comments": tuple(
                Comment(
                    id=f"{ticket_id}-{k}",
                    author=Person(name="Jo", role="agent"),
                    body=body,
                    created_at=created,
                )
                for k, body in enumerate(comments, start=1)
            ),
        }
    )


def account(account_id: str, name: str, *domains: str) -> Account:
    return Account(ref=Ref(system="local", id=account_id), id=account_id, name=name, domains=domains)


def message(
    channel_id: str, channel_name: str, message_id: str, text: str, *, thread: str | None = None
) -> ChatMessage:
    return ChatMessage(
        ref=Ref(system="local", id=f"{channel_id}:{message_id}"),
        id=message_id,
        channel_id=channel_id,
        channel_name=channel_name,
        thread_id=thread,
        author=Person(name="Mia", role="internal"),
        text=text,
        created_at=ago(hours=1),
    )
