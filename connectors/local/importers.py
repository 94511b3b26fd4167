"""Read support-platform exports into a `Dataset` that `LocalWorkspace.load` stores in one transaction.

Two formats:

* Zendesk JSON, in the shapes Zendesk produces: an API response object with ``tickets`` (and
  side-loaded ``users`` and ``organizations``), a bare list of tickets, or NDJSON with one ticket (or
  one such response page) per line, as the incremental ticket export and the account data export
  write. A ticket may carry its conversation in ``comments``. Zendesk organizations also become CRM
  accounts (id, name, domains), so the workspace can answer "who is this customer" for them.
* CSV with a column mapping (our field name -> column header), given as a YAML or JSON file.

The whole file is read and checked before anything is written; every problem raises `ImportFileError`
naming the file and the line (CSV, NDJSON) or the ticket (JSON) at fault.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import ValidationError

from ..errors import ImportFileError
from ..records import (
    Account,
    Comment,
    Dataset,
    Organization,
    Person,
    Ref,
    Ticket,
    TicketPriority,
    TicketStatus,
)

SYSTEM = "local"
_STATUSES: tuple[str, ...] = get_args(TicketStatus)
_PRIORITIES: tuple[str, ...] = get_args(TicketPriority)
_TYPES = ("problem", "incident", "question", "task")
_Role = Literal["customer", "agent"]
_STATUS_ALIASES = {"hold": "on_hold", "onhold": "on_hold", "on_hold": "on_hold"}

CSV_REQUIRED = ("id", "subject", "created_at")
CSV_OPTIONAL = (
    "description",
    "status",
    "priority",
    "type",
    "channel",
    "tags",
    "requester_name",
    "requester_email",
    "organization",
    "organization_id",
    "organization_domain",
    "assignee_name",
    "assignee_email",
    "product_area",
    "updated_at",
    "solved_at",
)
CSV_FIELDS = CSV_REQUIRED + CSV_OPTIONAL
"""Fields a CSV mapping may name; the mapping's values are column headers."""


# -- Zendesk ------------------------------------------------------------------------------------


def read_zendesk_export(path: Path) -> Dataset:
    """Tickets (with comments), and organizations as accounts, from a Zendesk JSON or NDJSON export.

    Tickets with status ``deleted`` are skipped; a ticket that appears twice keeps its last version.

    Raises:
        ImportFileError: the file cannot be read, is not JSON, or a ticket is malformed.
    """
    text = _read_text(path)
    pages: list[tuple[str, Any]] = []
    try:
        pages.append(("the file", json.loads(text)))
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise ImportFileError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
        pages.extend(_ndjson(path, text))
    users: dict[str, dict[str, Any]] = {}
    organizations: dict[str, dict[str, Any]] = {}
    raw_tickets: list[tuple[str, dict[str, Any]]] = []
    for where, page in pages:
        for ticket in _zendesk_page(path, where, page, users, organizations):
            raw_tickets.append((where, ticket))
    tickets: dict[str, Ticket] = {}
    for number, (where, raw) in enumerate(raw_tickets, start=1):
        label = f"{where}, ticket #{number}" if where == "the file" else where
        parsed = _zendesk_ticket(path, label, raw, users, organizations)
        if parsed is not None:
            tickets[parsed.id] = parsed
    accounts = [_zendesk_account(path, org) for org in organizations.values()]
    return Dataset(accounts=tuple(accounts), tickets=tuple(tickets.values()))


def _ndjson(path: Path, text: str) -> Iterator[tuple[str, Any]]:
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield f"line {line_number}", json.loads(line)
        except json.JSONDecodeError as exc:
            raise ImportFileError(f"{path}: line {line_number}: not valid JSON ({exc.msg})") from None


def _zendesk_page(
    path: Path,
    where: str,
    page: Any,
    users: dict[str, dict[str, Any]],
    organizations: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    """The tickets of one JSON value, collecting side-loaded users and organizations on the way."""
    if isinstance(page, list):
        items: list[Any] = page
    elif isinstance(page, dict) and isinstance(page.get("tickets"), list):
        items = page["tickets"]
        for key, into in (("users", users), ("organizations", organizations)):
            side = page.get(key, [])
            if not isinstance(side, list):
                raise ImportFileError(f"{path}: {where}: {key} must be a list")
            for entry in side:
                if isinstance(entry, dict) and entry.get("id") is not None:
                    into[str(entry["id"])] = entry
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


def _zendesk_ticket(
    path: Path,
    label: str,
    raw: dict[str, Any],
    users: Mapping[str, dict[str, Any]],
    organizations: Mapping[str, dict[str, Any]],
) -> Ticket | None:
    if raw.get("id") is None:
        raise ImportFileError(f"{path}: {label}: the ticket has no id")
    ticket_id = str(raw["id"])
    label = f"{label} (id {ticket_id})"
    status = str(raw.get("status") or "").strip().lower()
    if status == "deleted":
        return None
    status = _STATUS_ALIASES.get(status, status)
    if status not in _STATUSES:
        raise ImportFileError(f"{path}: {label}: status {raw.get('status')!r} is not a Zendesk ticket status")
    priority = raw.get("priority")
    if priority is not None and priority not in _PRIORITIES:
        raise ImportFileError(
            f"{path}: {label}: priority {priority!r} is not one of {', '.join(_PRIORITIES)}"
        )
    created = _time(path, label, "created_at", raw.get("created_at"))
    updated = _time(path, label, "updated_at", raw.get("updated_at")) if raw.get("updated_at") else created
    description = str(raw.get("description") or "")
    comments = []
    for position, entry in enumerate(raw.get("comments") or [], start=1):
        if not isinstance(entry, dict):
            raise ImportFileError(f"{path}: {label}: comment #{position} is not an object")
        body = str(entry.get("plain_body") or entry.get("body") or "")
        if position == 1 and body.strip() == description.strip():
            continue  # Zendesk lists the description again as the first comment
        comments.append(
            Comment(
                id=str(entry.get("id") or f"{ticket_id}-{position}"),
                author=_zendesk_person(users, entry.get("author_id"), default_role="customer"),
                body=body,
                public=bool(entry.get("public", True)),
                created_at=_time(
                    path, f"{label}, comment #{position}", "created_at", entry.get("created_at")
                ),
            )
        )
    via = raw.get("via")
    channel = via.get("channel") if isinstance(via, dict) else None
    kind = raw.get("type") if raw.get("type") in _TYPES else None
    tags = raw.get("tags") or []
    fields = {
        "ref": Ref(system=SYSTEM, id=ticket_id, url=_agent_url(raw.get("url"), ticket_id)),
        "id": ticket_id,
        "subject": str(raw.get("subject") or raw.get("raw_subject") or "(no subject)"),
        "description": description,
        "status": status,
        "priority": priority,
        "type": kind,
        "channel": str(channel) if channel else None,
        "tags": tuple(str(tag) for tag in tags) if isinstance(tags, list) else (),
        "requester": _zendesk_person(
            users, raw.get("requester_id"), default_role="customer", raw=raw.get("requester")
        ),
        "organization": _zendesk_organization(organizations, raw.get("organization_id")),
        "assignee": (
            _zendesk_person(users, raw["assignee_id"], default_role="agent")
            if raw.get("assignee_id") is not None
            else None
        ),
        "created_at": created,
        "updated_at": max(created, updated),
        "solved_at": _time(path, label, "solved_at", raw["solved_at"]) if raw.get("solved_at") else None,
        "comments": tuple(comments),
    }
    try:
        return Ticket.model_validate(fields)
    except ValidationError as exc:
        raise ImportFileError(f"{path}: {label}: {_first_problem(exc)}") from None


def _zendesk_person(
    users: Mapping[str, dict[str, Any]], user_id: Any, *, default_role: _Role, raw: Any = None
) -> Person:
    user = users.get(str(user_id)) if user_id is not None else None
    if user is None and isinstance(raw, dict):
        user = raw
    if user is None:
        return Person(name=f"user {user_id}" if user_id is not None else None, role=default_role)
    role = user.get("role")
    mapped: _Role = (
        "customer" if role == "end-user" else "agent" if role in ("agent", "admin") else default_role
    )
    return Person(name=user.get("name"), email=user.get("email"), role=mapped)


def _zendesk_organization(organizations: Mapping[str, dict[str, Any]], org_id: Any) -> Organization | None:
    if org_id is None:
        return None
    org = organizations.get(str(org_id))
    if org is None:
        return Organization(id=str(org_id), name=f"organization {org_id}")
    domains = org.get("domain_names") or []
    return Organization(
        id=str(org_id), name=str(org.get("name") or org_id), domain=domains[0] if domains else None
    )


def _zendesk_account(path: Path, org: dict[str, Any]) -> Account:
    org_id = str(org["id"])
    try:
        return Account(
            ref=Ref(system=SYSTEM, id=org_id),
            id=org_id,
            name=str(org.get("name") or org_id),
            domains=tuple(str(d) for d in org.get("domain_names") or ()),
            created_at=_time(path, f"organization {org_id}", "created_at", org["created_at"])
            if org.get("created_at")
            else None,
        )
    except ValidationError as exc:
        raise ImportFileError(f"{path}: organization {org_id}: {_first_problem(exc)}") from None


def _agent_url(api_url: Any, ticket_id: str) -> str | None:
    """The agent-facing link for a ticket whose API url is ``https://x.zendesk.com/api/v2/tickets/1.json``."""
    if not isinstance(api_url, str):
        return None
    match = re.match(r"(https://[^/]+)/api/v2/tickets/", api_url)
    return f"{match.group(1)}/agent/tickets/{ticket_id}" if match else None


# -- CSV ----------------------------------------------------------------------------------------


def read_mapping(path: Path) -> dict[str, str]:
    """A CSV column mapping from a YAML or JSON file: ``{our_field: "Column header", ...}``.

    Raises:
        ImportFileError: the file cannot be read, is not YAML/JSON, or is not a mapping of names.
    """
    text = _read_text(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ImportFileError(f"{path}: not valid YAML or JSON ({exc})") from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ImportFileError(
            f"{path}: a mapping must pair field names with column headers, e.g. id: Ticket ID"
        )
    unknown = sorted(set(data) - set(CSV_FIELDS))
    if unknown:
        raise ImportFileError(f"{path}: unknown field {unknown[0]!r}; fields are: {', '.join(CSV_FIELDS)}")
    return dict(data)


def read_csv(path: Path, mapping: Mapping[str, str] | None = None) -> Dataset:
    """Tickets from a CSV file, and each organization named in it as an account.

    Args:
        mapping: our field name -> column header. Without one, columns named like our fields are used.
            Required fields: id, subject, created_at. Times without a zone are taken as UTC.

    Raises:
        ImportFileError: the file cannot be read, a required column is missing, or a row is invalid.
    """
    text = _read_text(path)
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(f"{path}: the file is empty; expected a header line") from None
    except csv.Error as exc:
        raise ImportFileError(f"{path}: line 1: {exc}") from None
    columns = {name.strip(): position for position, name in enumerate(header)}
    fields = dict(mapping) if mapping is not None else {f: f for f in CSV_FIELDS if f in columns}
    unknown = sorted(set(fields) - set(CSV_FIELDS))
    if unknown:
        raise ImportFileError(
            f"{path}: the mapping names unknown field {unknown[0]!r}; fields are: {', '.join(CSV_FIELDS)}"
        )
    for field in CSV_REQUIRED:
        if field not in fields:
            raise ImportFileError(
                f"{path}: line 1: no column for required field {field!r}; add it to the mapping"
            )
    for field, column in fields.items():
        if column.strip() not in columns:
            raise ImportFileError(f"{path}: line 1: missing column {column!r} (mapped to {field})")
    positions = {field: columns[column.strip()] for field, column in fields.items()}

    tickets: dict[str, Ticket] = {}
    accounts: dict[str, Account] = {}
    line = reader.line_num
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ImportFileError(f"{path}: line {start}: {exc}") from None
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        values = {f: (row[p].strip() if p < len(row) else "") for f, p in positions.items()}
        ticket = _csv_ticket(path, start, values)
        tickets[ticket.id] = ticket
        if ticket.organization is not None and ticket.organization.id not in accounts:
            org = ticket.organization
            accounts[org.id] = Account(
                ref=Ref(system=SYSTEM, id=org.id),
                id=org.id,
                name=org.name,
                domains=(org.domain,) if org.domain else (),
            )
    return Dataset(accounts=tuple(accounts.values()), tickets=tuple(tickets.values()))


def _csv_ticket(path: Path, line: int, values: dict[str, str]) -> Ticket:
    where = f"line {line}"
    for field in CSV_REQUIRED:
        if not values[field]:
            raise ImportFileError(f"{path}: {where}: {field} is empty")
    status = re.sub(r"[\s-]+", "_", values.get("status", "").lower()) or "open"
    status = _STATUS_ALIASES.get(status, status)
    if status not in _STATUSES:
        raise ImportFileError(
            f"{path}: {where}: status {values['status']!r} is not one of {', '.join(_STATUSES)}"
        )
    priority = values.get("priority", "").lower() or None
    if priority is not None and priority not in _PRIORITIES:
        raise ImportFileError(
            f"{path}: {where}: priority {values['priority']!r} is not one of {', '.join(_PRIORITIES)}"
        )
    created = _time(path, where, "created_at", values["created_at"])
    updated = _time(path, where, "updated_at", values["updated_at"]) if values.get("updated_at") else created
    organization = None
    if values.get("organization") or values.get("organization_id"):
        name = values.get("organization") or values["organization_id"]
        organization = Organization(
            id=values.get("organization_id") or _slug(name),
            name=name,
            domain=values.get("organization_domain") or None,
        )
    assignee = None
    if values.get("assignee_name") or values.get("assignee_email"):
        assignee = Person(
            name=values.get("assignee_name") or None, email=values.get("assignee_email") or None, role="agent"
        )
    kind = values.get("type", "").lower()
    fields = {
        "ref": Ref(system=SYSTEM, id=values["id"]),
        "id": values["id"],
        "subject": values["subject"],
        "description": values.get("description", ""),
        "status": status,
        "priority": priority,
        "type": kind if kind in _TYPES else None,
        "channel": values.get("channel") or None,
        "tags": tuple(t for t in re.split(r"[,\s]+", values.get("tags", "")) if t),
        "requester": Person(
            name=values.get("requester_name") or None,
            email=values.get("requester_email") or None,
            role="customer",
        ),
        "organization": organization,
        "assignee": assignee,
        "product_area": values.get("product_area") or None,
        "created_at": created,
        "updated_at": max(created, updated),
        "solved_at": _time(path, where, "solved_at", values["solved_at"])
        if values.get("solved_at")
        else None,
    }
    try:
        return Ticket.model_validate(fields)
    except ValidationError as exc:
        raise ImportFileError(f"{path}: {where}: {_first_problem(exc)}") from None


# -- shared -------------------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot read the file ({exc.strerror or exc})") from None


def _time(path: Path, where: str, field: str, value: Any) -> datetime:
    """An aware UTC time from ISO 8601 text (zone-less means UTC) or Unix seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            pass
        else:
            return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if value is None or value == "":
        raise ImportFileError(f"{path}: {where}: {field} is missing")
    raise ImportFileError(
        f"{path}: {where}: {field} {value!r} is not a date (use ISO 8601, e.g. 2026-01-31T09:30:00Z)"
    )


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or name


def _first_problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    location = ".".join(str(part) for part in error["loc"])
    return f"{location}: {error['msg']}" if location else str(error["msg"])


__all__ = ["CSV_FIELDS", "CSV_OPTIONAL", "CSV_REQUIRED", "read_csv", "read_mapping", "read_zendesk_export"]
