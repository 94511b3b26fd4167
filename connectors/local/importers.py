"""Read support-platform exports into a `Dataset` that `LocalWorkspace.load` stores in one transaction.

Two formats:

* Zendesk JSON, in the shapes Zendesk produces: an API response object with ``tickets`` (and
  side-loaded ``users`` and ``organizations``), a bare list of tickets, or NDJSON with one ticket (or
  one such response page) per line, as the incremental ticket export and the account data export
  write. A ticket may carry its conversation in ``comments``. Zendesk organizations also become CRM
  accounts (id, name, domains), so the workspace can answer "who is this customer" for them.
* CSV with a column mapping (our field name -> column header), given as a YAML or JSON file: tickets
  (`read_csv`, `CSV_FIELDS`) or CRM accounts (`read_accounts_csv`, `ACCOUNT_CSV_FIELDS`).

Every id must be a whole number or text of letters, digits and ``- _ . : # @ +`` (at most
`MAX_ID_LENGTH` characters); names, e-mails and bodies must be text. An import is merged into the
workspace (`LocalWorkspace.load` with ``merge=True``): it never erases a field it does not carry.

The whole file is read and checked before anything is written; every problem raises `ImportFileError`
naming the file and the line (CSV, NDJSON) or the ticket (JSON) at fault.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import ValidationError

from ..errors import ImportFileError
from ..records import (
    Account,
    Comment,
    Contact,
    Dataset,
    Health,
    Organization,
    Person,
    Ref,
    Ticket,
    TicketPriority,
    TicketStatus,
    Tier,
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

ACCOUNT_CSV_REQUIRED = ("name",)
ACCOUNT_CSV_FIELDS = (
    "id",
    "name",
    "domains",
    "tier",
    "plan",
    "arr",
    "renewal_date",
    "owner_name",
    "owner_email",
    "health",
    "reference_customer",
    "public_facing",
    "industry",
    "contact_name",
    "contact_email",
    "contact_title",
    "contact_executive",
)
"""Fields an accounts CSV mapping may name (`read_accounts_csv`)."""
_TIERS: tuple[str, ...] = get_args(Tier)
_HEALTHS: tuple[str, ...] = get_args(Health)


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
    except RecursionError:
        raise ImportFileError(f"{path}: the JSON is nested too deeply to be a Zendesk export") from None
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
        except RecursionError:
            raise ImportFileError(f"{path}: line {line_number}: the JSON is nested too deeply") from None


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
            for position, entry in enumerate(side, start=1):
                if not isinstance(entry, dict):
                    raise ImportFileError(f"{path}: {where}: {key} #{position} is not an object")
                if entry.get("id") is not None:
                    into[_record_id(path, f"{where}, {key} #{position}", "id", entry["id"])] = entry
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
    ticket_id = _record_id(path, label, "id", raw["id"])
    label = f"{label} (id {ticket_id})"
    try:
        return _zendesk_ticket_fields(path, label, ticket_id, raw, users, organizations)
    except ValidationError as exc:
        raise ImportFileError(f"{path}: {label}: {_first_problem(exc)}") from None


def _zendesk_ticket_fields(
    path: Path,
    label: str,
    ticket_id: str,
    raw: dict[str, Any],
    users: Mapping[str, dict[str, Any]],
    organizations: Mapping[str, dict[str, Any]],
) -> Ticket | None:
    status = str(raw.get("status") or "").strip().lower()
    if status == "deleted":
        return None
    status = _STATUS_ALIASES.get(status, status)
    if status not in _STATUSES:
        raise ImportFileError(f"{path}: {label}: status {raw.get('status')!r} is not a Zendesk ticket status")
    priority = raw.get("priority")
    if priority is not None and (not isinstance(priority, str) or priority not in _PRIORITIES):
        raise ImportFileError(
            f"{path}: {label}: priority {priority!r} is not one of {', '.join(_PRIORITIES)}"
        )
    created = _time(path, label, "created_at", raw.get("created_at"))
    updated = _time(path, label, "updated_at", raw.get("updated_at")) if raw.get("updated_at") else created
    description = _text(path, label, "description", raw.get("description"))
    raw_comments = raw.get("comments")
    if raw_comments is not None and not isinstance(raw_comments, list):
        raise ImportFileError(f"{path}: {label}: comments must be a list of comment objects")
    comments = []
    for position, entry in enumerate(raw_comments or [], start=1):
        if not isinstance(entry, dict):
            raise ImportFileError(f"{path}: {label}: comment #{position} is not an object")
        where = f"{label}, comment #{position}"
        body = _text(path, where, "body", entry.get("plain_body") or entry.get("body"))
        if position == 1 and body.strip() == description.strip():
            continue  # Zendesk lists the description again as the first comment
        comment_id = entry.get("id")
        comments.append(
            Comment(
                id=_record_id(path, where, "id", comment_id) if comment_id else f"{ticket_id}-{position}",
                author=_zendesk_person(path, where, users, entry.get("author_id"), default_role="customer"),
                body=body,
                public=bool(entry.get("public", True)),
                created_at=_time(path, where, "created_at", entry.get("created_at")),
            )
        )
    via = raw.get("via")
    channel = via.get("channel") if isinstance(via, dict) else None
    kind = raw.get("type") if isinstance(raw.get("type"), str) and raw.get("type") in _TYPES else None
    tags = raw.get("tags") or []
    subject = _text(path, label, "subject", raw.get("subject") or raw.get("raw_subject"))
    fields = {
        "ref": Ref(system=SYSTEM, id=ticket_id, url=_agent_url(raw.get("url"), ticket_id)),
        "id": ticket_id,
        "subject": subject or "(no subject)",
        "description": description,
        "status": status,
        "priority": priority,
        "type": kind,
        "channel": str(channel) if isinstance(channel, str | int) and channel else None,
        "tags": _strings(path, label, "tags", tags),
        "requester": _zendesk_person(
            path, label, users, raw.get("requester_id"), default_role="customer", raw=raw.get("requester")
        ),
        "organization": _zendesk_organization(path, label, organizations, raw.get("organization_id")),
        "assignee": (
            _zendesk_person(path, label, users, raw["assignee_id"], default_role="agent")
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
    path: Path,
    label: str,
    users: Mapping[str, dict[str, Any]],
    user_id: Any,
    *,
    default_role: _Role,
    raw: Any = None,
) -> Person:
    if user_id is not None:
        user_id = _record_id(path, label, "user id", user_id)
    user = users.get(user_id) if user_id is not None else None
    if user is None and isinstance(raw, dict):
        user = raw
    if user is None:
        placeholder = Person(name=f"user {user_id}" if user_id is not None else None, role=default_role)
        placeholder.model_fields_set.discard("name")  # not a name: a merge keeps the stored one
        return placeholder
    role = user.get("role")
    mapped: _Role = (
        "customer" if role == "end-user" else "agent" if role in ("agent", "admin") else default_role
    )
    who = f"{label}, user {user_id}" if user_id is not None else f"{label}, requester"
    return Person(
        name=_text(path, who, "name", user.get("name")) or None,
        email=_text(path, who, "email", user.get("email")) or None,
        role=mapped,
    )


def _zendesk_organization(
    path: Path, label: str, organizations: Mapping[str, dict[str, Any]], org_id: Any
) -> Organization | None:
    if org_id is None:
        return None
    org_id = _record_id(path, label, "organization_id", org_id)
    org = organizations.get(org_id)
    if org is None:
        placeholder = Organization(id=org_id, name=f"organization {org_id}")
        placeholder.model_fields_set.discard("name")  # not a name: a merge keeps the stored one
        return placeholder
    where = f"organization {org_id}"
    domains = _strings(path, where, "domain_names", org.get("domain_names") or [])
    return Organization(
        id=org_id,
        name=_text(path, where, "name", org.get("name")) or org_id,
        domain=domains[0] if domains else None,
    )


def _zendesk_account(path: Path, org: dict[str, Any]) -> Account:
    org_id = _record_id(path, "an organization", "id", org["id"])
    where = f"organization {org_id}"
    name = _text(path, where, "name", org.get("name"))
    fields: dict[str, Any] = {
        "ref": Ref(system=SYSTEM, id=org_id),
        "id": org_id,
        "name": name or org_id,
        "domains": _strings(path, where, "domain_names", org.get("domain_names") or []),
    }
    if org.get("created_at"):
        fields["created_at"] = _time(path, where, "created_at", org["created_at"])
    try:
        account = Account.model_validate(fields)
    except ValidationError as exc:
        raise ImportFileError(f"{path}: {where}: {_first_problem(exc)}") from None
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


# -- CSV ----------------------------------------------------------------------------------------


def read_mapping(path: Path, fields: Sequence[str] = CSV_FIELDS) -> dict[str, str]:
    """A CSV column mapping from a YAML or JSON file: ``{our_field: "Column header", ...}``.

    Args:
        fields: the field names the mapping may use (`CSV_FIELDS` for tickets, `ACCOUNT_CSV_FIELDS`
            for accounts).

    Raises:
        ImportFileError: the file cannot be read, is not YAML/JSON, or is not a mapping of names.
    """
    text = _read_text(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ImportFileError(f"{path}: not valid YAML or JSON ({exc})") from None
    except RecursionError:
        raise ImportFileError(f"{path}: nested too deeply to be a column mapping") from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ImportFileError(
            f"{path}: a mapping must pair field names with column headers, e.g. id: Ticket ID"
        )
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ImportFileError(f"{path}: unknown field {unknown[0]!r}; fields are: {', '.join(fields)}")
    return dict(data)


def read_csv(path: Path, mapping: Mapping[str, str] | None = None) -> Dataset:
    """Tickets from a CSV file, and each organization named in it as an account.

    Args:
        mapping: our field name -> column header. Without one, columns named like our fields are used.
            Required fields: id, subject, created_at. Times without a zone are taken as UTC.

    Raises:
        ImportFileError: the file cannot be read, a required column is missing, or a row is invalid.
    """
    tickets: dict[str, Ticket] = {}
    accounts: dict[str, Account] = {}
    for start, values in _csv_rows(path, mapping, CSV_FIELDS, CSV_REQUIRED):
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


def read_accounts_csv(path: Path, mapping: Mapping[str, str] | None = None) -> Dataset:
    """CRM accounts from a CSV file: one row per account, or several rows per account to list more
    contacts (the account fields may then be left empty on the extra rows).

    Args:
        mapping: our field name (`ACCOUNT_CSV_FIELDS`) -> column header. Without one, columns named
            like our fields are used. Required: name. Without an id column the id is made from the name
            (``Acme Corp`` -> ``acme-corp``), which is also how a ticket import names organizations.

    Raises:
        ImportFileError: the file cannot be read, a required column is missing, or a row is invalid.
    """
    accounts: dict[str, dict[str, Any]] = {}
    contacts: dict[str, list[Contact]] = {}
    for start, values in _csv_rows(path, mapping, ACCOUNT_CSV_FIELDS, ACCOUNT_CSV_REQUIRED):
        where = f"line {start}"
        account_id = _record_id(path, where, "id", values.get("id") or _slug(values["name"]))
        fields = accounts.setdefault(account_id, {"ref": Ref(system=SYSTEM, id=account_id), "id": account_id})
        fields.update(_csv_account_fields(path, where, values))
        contact = _csv_contact(path, where, values)
        if contact is not None:
            contacts.setdefault(account_id, []).append(contact)
    parsed = []
    for account_id, fields in accounts.items():
        if account_id in contacts:
            fields["contacts"] = tuple(contacts[account_id])
        try:
            parsed.append(Account.model_validate(fields))
        except ValidationError as exc:
            raise ImportFileError(f"{path}: account {account_id}: {_first_problem(exc)}") from None
    return Dataset(accounts=tuple(parsed))


def _csv_rows(
    path: Path, mapping: Mapping[str, str] | None, known: Sequence[str], required: Sequence[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, field -> cell) for every non-blank row, after checking the header against the mapping."""
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
    fields = dict(mapping) if mapping is not None else {f: f for f in known if f in columns}
    unknown = sorted(set(fields) - set(known))
    if unknown:
        raise ImportFileError(
            f"{path}: the mapping names unknown field {unknown[0]!r}; fields are: {', '.join(known)}"
        )
    for field in required:
        if field not in fields:
            raise ImportFileError(
                f"{path}: line 1: no column for required field {field!r}; add it to the mapping"
            )
    for field, column in fields.items():
        if column.strip() not in columns:
            raise ImportFileError(f"{path}: line 1: missing column {column!r} (mapped to {field})")
    positions = {field: columns[column.strip()] for field, column in fields.items()}
    line = reader.line_num
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFileError(f"{path}: line {start}: {exc}") from None
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        values = {f: (row[p].strip() if p < len(row) else "") for f, p in positions.items()}
        for field in required:
            if not values[field]:
                raise ImportFileError(f"{path}: line {start}: {field} is empty")
        yield start, values


_TRUE = frozenset({"true", "yes", "y", "1", "x"})
_FALSE = frozenset({"false", "no", "n", "0", ""})


def _csv_account_fields(path: Path, where: str, values: dict[str, str]) -> dict[str, Any]:
    """The account fields a row carries (empty cells carry nothing)."""
    fields: dict[str, Any] = {}
    if values.get("name"):
        fields["name"] = values["name"]
    if values.get("domains"):
        fields["domains"] = tuple(d for d in re.split(r"[,;\s]+", values["domains"].lower()) if d)
    tier = values.get("tier", "").lower()
    if tier:
        if tier not in _TIERS:
            raise ImportFileError(
                f"{path}: {where}: tier {values['tier']!r} is not one of {', '.join(_TIERS)}"
            )
        fields["tier"] = tier
    health = values.get("health", "").lower()
    if health:
        if health not in _HEALTHS:
            raise ImportFileError(
                f"{path}: {where}: health {values['health']!r} is not one of {', '.join(_HEALTHS)}"
            )
        fields["health"] = health
    for name in ("plan", "industry"):
        if values.get(name):
            fields[name] = values[name]
    if values.get("arr"):
        fields["arr"] = _amount(path, where, "arr", values["arr"])
    if values.get("renewal_date"):
        fields["renewal_date"] = _date(path, where, "renewal_date", values["renewal_date"])
    if values.get("owner_name") or values.get("owner_email"):
        fields["owner"] = Person(
            name=values.get("owner_name") or None, email=values.get("owner_email") or None, role="internal"
        )
    for name in ("reference_customer", "public_facing"):
        if values.get(name):
            fields[name] = _flag(path, where, name, values[name])
    return fields


def _csv_contact(path: Path, where: str, values: dict[str, str]) -> Contact | None:
    if not values.get("contact_name") and not values.get("contact_email"):
        return None
    return Contact(
        name=values.get("contact_name") or values["contact_email"],
        email=values.get("contact_email") or None,
        title=values.get("contact_title") or None,
        is_executive=_flag(path, where, "contact_executive", values.get("contact_executive", "")),
    )


def _amount(path: Path, where: str, field: str, text: str) -> float:
    """A sum of money: ``480000``, ``480,000``, ``$480,000.00``, ``480k``, ``1.2M``."""
    cleaned = re.sub(r"[\s$€£,_]|usd|eur|gbp", "", text.lower())
    scale = {"k": 1_000, "m": 1_000_000}.get(cleaned[-1:], 1)
    number = cleaned[:-1] if scale != 1 else cleaned
    try:
        value = float(number) * scale
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise ImportFileError(f"{path}: {where}: {field} {text!r} is not an amount (e.g. 480000 or 480k)")
    return value


def _date(path: Path, where: str, field: str, text: str) -> date:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise ImportFileError(f"{path}: {where}: {field} {text!r} is not a date (use 2027-02-20)") from None


def _flag(path: Path, where: str, field: str, text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImportFileError(f"{path}: {where}: {field} {text!r} is not yes or no")


def _csv_ticket(path: Path, line: int, values: dict[str, str]) -> Ticket:
    where = f"line {line}"
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
    ticket_id = _record_id(path, where, "id", values["id"])
    created = _time(path, where, "created_at", values["created_at"])
    updated = _time(path, where, "updated_at", values["updated_at"]) if values.get("updated_at") else created
    organization = None
    if values.get("organization") or values.get("organization_id"):
        name = values.get("organization") or values["organization_id"]
        organization = Organization(
            id=_record_id(path, where, "organization_id", values.get("organization_id") or _slug(name)),
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
        "ref": Ref(system=SYSTEM, id=ticket_id),
        "id": ticket_id,
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


MAX_ID_LENGTH = 128
_ID = re.compile(r"[^\W_][\w.:#@+-]*")
"""An id: letters, digits and ``_ . : # @ + -``, starting with a letter or digit (so never ``../``)."""


def _record_id(path: Path, where: str, field: str, value: Any) -> str:
    """A record id from a whole number or text; anything else (empty, true, a list, a path) is refused."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = value.strip() if isinstance(value, str) else None
    if text is None:
        raise ImportFileError(
            f"{path}: {where}: {field} must be a number or text, not {type(value).__name__} {_shown(value)}"
        )
    if not text:
        raise ImportFileError(f"{path}: {where}: {field} is empty")
    if len(text) > MAX_ID_LENGTH:
        raise ImportFileError(
            f"{path}: {where}: {field} is {len(text):,} characters; ids have at most {MAX_ID_LENGTH}"
        )
    if not _ID.fullmatch(text):
        raise ImportFileError(
            f"{path}: {where}: {field} {_shown(text)} is not an id (use letters, digits and - _ . : # @ +)"
        )
    return text


def _text(path: Path, where: str, field: str, value: Any) -> str:
    """Text from a string (numbers are written out); None is ""; anything else is refused."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ImportFileError(
        f"{path}: {where}: {field} must be text, not {type(value).__name__} {_shown(value)}"
    )


def _strings(path: Path, where: str, field: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ImportFileError(f"{path}: {where}: {field} must be a list of text, not {type(value).__name__}")
    return tuple(text for item in value if (text := _text(path, where, field, item).strip()))


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _time(path: Path, where: str, field: str, value: Any) -> datetime:
    """An aware UTC time from ISO 8601 text (zone-less means UTC) or Unix seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            raise ImportFileError(
                f"{path}: {where}: {field} {_shown(value)} is not a time (Unix seconds between 1970 and 9999)"
            ) from None
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
        f"{path}: {where}: {field} {_shown(value)} is not a date (use ISO 8601, e.g. 2026-01-31T09:30:00Z)"
    )


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or name


def _first_problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    location = ".".join(str(part) for part in error["loc"])
    return f"{location}: {error['msg']}" if location else str(error["msg"])


__all__ = [
    "ACCOUNT_CSV_FIELDS",
    "ACCOUNT_CSV_REQUIRED",
    "CSV_FIELDS",
    "CSV_OPTIONAL",
    "CSV_REQUIRED",
    "read_accounts_csv",
    "read_csv",
    "read_mapping",
    "read_zendesk_export",
]
