"""Zendesk JSON exports: API responses, bare ticket lists and NDJSON, with side-loaded users and
organizations (which also become CRM accounts)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ...errors import ImportFileError
from ...records import (
    Account,
    Comment,
    Dataset,
    Organization,
    Person,
    Ref,
    Ticket,
)
from .fields import (
    PRIORITIES,
    STATUS_ALIASES,
    STATUSES,
    SYSTEM,
    TICKET_TYPES,
    Role,
    first_problem,
    one_of,
    read_text,
    record_id,
    strings,
    text_value,
    time_value,
    validated,
)


def read_zendesk_export(path: Path) -> Dataset:
    """Tickets (with comments), and organizations as accounts, from a Zendesk JSON or NDJSON export.

    Tickets with status ``deleted`` are skipped; a ticket that appears twice keeps its last version.

    Raises:
        ImportFileError: the file cannot be read, is not JSON, or a ticket is malformed.
    """
    text = read_text(path)
    pages: list[tuple[str, Any]] = []
    try:
        pages.append(("the file", json.loads(text)))
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise ImportFileError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
        pages.extend(_ndjson(path, text))
    except RecursionError:
        raise ImportFileError(f"{path}: the JSON is nested too deeply to be a Zendesk export") from None
    side = _SideLoaded()
    raw_tickets: list[tuple[str, dict[str, Any]]] = []
    for where, page in pages:
        for ticket in _zendesk_page(path, where, page, side):
            raw_tickets.append((where, ticket))
    tickets: dict[str, Ticket] = {}
    for number, (where, raw) in enumerate(raw_tickets, start=1):
        label = f"{where}, ticket #{number}" if where == "the file" else where
        parsed = _zendesk_ticket(path, label, raw, side)
        if parsed is not None:
            tickets[parsed.id] = parsed
    accounts = [_zendesk_account(path, org) for org in side.organizations.values()]
    return Dataset(accounts=tuple(accounts), tickets=tuple(tickets.values()))


def _ndjson(path: Path, text: str) -> Iterator[tuple[str, Any]]:
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield f"line {line_number}", json.loads(line)
        except json.JSONDecodeError as exc:
            raise ImportFileError(f"{path}: line {line_number}: not valid JSON ({exc.msg})") from None
        except RecursionError:
            raise ImportFileError(f"{path}: line {line_number}: the JSON is nested too deeply") from None


@dataclass
class _SideLoaded:
    """The users and organizations an export carries beside its tickets, by id."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    organizations: dict[str, dict[str, Any]] = field(default_factory=dict)


def _zendesk_page(path: Path, where: str, page: Any, side: _SideLoaded) -> list[dict[str, Any]]:
    """The tickets of one JSON value, collecting side-loaded users and organizations on the way."""
    if isinstance(page, list):
        items: list[Any] = page
    elif isinstance(page, dict) and isinstance(page.get("tickets"), list):
        items = page["tickets"]
        for key, into in (("users", side.users), ("organizations", side.organizations)):
            side = page.get(key, [])
            if not isinstance(side, list):
                raise ImportFileError(f"{path}: {where}: {key} must be a list")
            for position, entry in enumerate(side, start=1):
                if not isinstance(entry, dict):
                    raise ImportFileError(f"{path}: {where}: {key} #{position} is not an object")
                if entry.get("id") is not None:
                    into[record_id(path, f"{where}, {key} #{position}", "id", entry["id"])] = entry
    elif isinstance(page, dict) and isinstance(page.get("ticket"), dict):
        items = [page["ticket"]]
    elif isinstance(page, dict) and "id" in page:
        items = [page]
    else:
        raise ImportFileError(
            f"{path}: {where}: expected Zendesk tickets (an object with a tickets list, a list of tickets, "
            "or one ticket per line)"
        )
    for item in items:
        if not isinstance(item, dict):
            raise ImportFileError(f"{path}: {where}: every ticket must be a JSON object")
    return items


def _zendesk_ticket(path: Path, label: str, raw: dict[str, Any], side: _SideLoaded) -> Ticket | None:
    if raw.get("id") is None:
        raise ImportFileError(f"{path}: {label}: the ticket has no id")
    ticket_id = record_id(path, label, "id", raw["id"])
    label = f"{label} (id {ticket_id})"
    try:
        return _zendesk_ticket_fields(path, label, ticket_id, raw, side)
    except ValidationError as exc:
        raise ImportFileError(f"{path}: {label}: {first_problem(exc)}") from None


def _zendesk_ticket_fields(
    path: Path, label: str, ticket_id: str, raw: dict[str, Any], side: _SideLoaded
) -> Ticket | None:
    """The ticket, or None for a deleted one; a record that does not validate raises `ValidationError`."""
    users = side.users
    status = str(raw.get("status") or "").strip().lower()
    if status == "deleted":
        return None
    status = STATUS_ALIASES.get(status, status)
    if status not in STATUSES:
        raise ImportFileError(f"{path}: {label}: status {raw.get('status')!r} is not a Zendesk ticket status")
    priority = raw.get("priority")
    if priority is not None:
        one_of(path, label, "priority", priority, PRIORITIES)
    created = time_value(path, label, "created_at", raw.get("created_at"))
    updated = (
        time_value(path, label, "updated_at", raw.get("updated_at")) if raw.get("updated_at") else created
    )
    description = text_value(path, label, "description", raw.get("description"))
    raw_comments = raw.get("comments")
    if raw_comments is not None and not isinstance(raw_comments, list):
        raise ImportFileError(f"{path}: {label}: comments must be a list of comment objects")
    comments = []
    for position, entry in enumerate(raw_comments or [], start=1):
        if not isinstance(entry, dict):
            raise ImportFileError(f"{path}: {label}: comment #{position} is not an object")
        where = f"{label}, comment #{position}"
        body = text_value(path, where, "body", entry.get("plain_body") or entry.get("body"))
        if position == 1 and body.strip() == description.strip():
            continue  # Zendesk lists the description again as the first comment
        comment_id = entry.get("id")
        comments.append(
            Comment(
                id=record_id(path, where, "id", comment_id) if comment_id else f"{ticket_id}-{position}",
                author=_zendesk_person(path, where, users, entry.get("author_id"), default_role="customer"),
                body=body,
                public=bool(entry.get("public", True)),
                created_at=time_value(path, where, "created_at", entry.get("created_at")),
            )
        )
    via = raw.get("via")
    channel = via.get("channel") if isinstance(via, dict) else None
    kind = raw.get("type") if isinstance(raw.get("type"), str) and raw.get("type") in TICKET_TYPES else None
    tags = raw.get("tags") or []
    subject = text_value(path, label, "subject", raw.get("subject") or raw.get("raw_subject"))
    fields = {
        "ref": Ref(system=SYSTEM, id=ticket_id, url=_agent_url(raw.get("url"), ticket_id)),
        "id": ticket_id,
        "subject": subject or "(no subject)",
        "description": description,
        "status": status,
        "priority": priority,
        "type": kind,
        "channel": str(channel) if isinstance(channel, str | int) and channel else None,
        "tags": strings(path, label, "tags", tags),
        "requester": _zendesk_person(
            path, label, users, raw.get("requester_id"), default_role="customer", raw=raw.get("requester")
        ),
        "organization": _zendesk_organization(path, label, side.organizations, raw.get("organization_id")),
        "assignee": (
            _zendesk_person(path, label, users, raw["assignee_id"], default_role="agent")
            if raw.get("assignee_id") is not None
            else None
        ),
        "created_at": created,
        "updated_at": max(created, updated),
        "solved_at": time_value(path, label, "solved_at", raw["solved_at"]) if raw.get("solved_at") else None,
        "comments": tuple(comments),
    }
    return Ticket.model_validate(fields)


def _zendesk_person(
    path: Path,
    label: str,
    users: Mapping[str, dict[str, Any]],
    user_id: Any,
    *,
    default_role: Role,
    raw: Any = None,
) -> Person:
    if user_id is not None:
        user_id = record_id(path, label, "user id", user_id)
    user = users.get(user_id) if user_id is not None else None
    if user is None and isinstance(raw, dict):
        user = raw
    if user is None:
        placeholder = Person(name=f"user {user_id}" if user_id is not None else None, role=default_role)
        placeholder.model_fields_set.discard("name")  # not a name: a merge keeps the stored one
        return placeholder
    role = user.get("role")
    mapped: Role = (
        "customer" if role == "end-user" else "agent" if role in ("agent", "admin") else default_role
    )
    who = f"{label}, user {user_id}" if user_id is not None else f"{label}, requester"
    return Person(
        name=text_value(path, who, "name", user.get("name")) or None,
        email=text_value(path, who, "email", user.get("email")) or None,
        role=mapped,
    )


def _zendesk_organization(
    path: Path, label: str, organizations: Mapping[str, dict[str, Any]], org_id: Any
) -> Organization | None:
    if org_id is None:
        return None
    org_id = record_id(path, label, "organization_id", org_id)
    org = organizations.get(org_id)
    if org is None:
        placeholder = Organization(id=org_id, name=f"organization {org_id}")
        placeholder.model_fields_set.discard("name")  # not a name: a merge keeps the stored one
        return placeholder
    where = f"organization {org_id}"
    domains = strings(path, where, "domain_names", org.get("domain_names") or [])
    return Organization(
        id=org_id,
        name=text_value(path, where, "name", org.get("name")) or org_id,
        domain=domains[0] if domains else None,
    )


def _zendesk_account(path: Path, org: dict[str, Any]) -> Account:
    org_id = record_id(path, "an organization", "id", org["id"])
    where = f"organization {org_id}"
    name = text_value(path, where, "name", org.get("name"))
    fields: dict[str, Any] = {
        "ref": Ref(system=SYSTEM, id=org_id),
        "id": org_id,
        "name": name or org_id,
        "domains": strings(path, where, "domain_names", org.get("domain_names") or []),
    }
    if org.get("created_at"):
        fields["created_at"] = time_value(path, where, "created_at", org["created_at"])
    account = validated(path, where, Account, fields)
    if not name:
        # The id stands in for a missing name; an import does not rename an account it has no name for.
        account.model_fields_set.discard("name")
    return account


def _agent_url(api_url: Any, ticket_id: str) -> str | None:
    """The agent-facing link for a ticket whose API url is ``https://x.zendesk.com/api/v2/tickets/1.json``."""
    if not isinstance(api_url, str):
        return None
    match = re.match(r"(https://[^/]+)/api/v2/tickets/", api_url)
    return f"{match.group(1)}/agent/tickets/{ticket_id}" if match else None
