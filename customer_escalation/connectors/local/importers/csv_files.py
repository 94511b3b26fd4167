"""CSV files of tickets or CRM accounts, read through a column mapping given as YAML or JSON."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ...errors import ImportFileError
from ...records import (
    Account,
    Contact,
    Dataset,
    Organization,
    Person,
    Ref,
    Ticket,
)
from .fields import (
    ACCOUNT_CSV_FIELDS,
    ACCOUNT_CSV_REQUIRED,
    CSV_FIELDS,
    CSV_REQUIRED,
    HEALTHS,
    PRIORITIES,
    STATUS_ALIASES,
    STATUSES,
    SYSTEM,
    TICKET_TYPES,
    TIERS,
    one_of,
    read_text,
    record_id,
    slug,
    time_value,
    validated,
)


def read_mapping(path: Path, fields: Sequence[str] = CSV_FIELDS) -> dict[str, str]:
    """A CSV column mapping from a YAML or JSON file: ``{our_field: "Column header", ...}``.

    Args:
        fields: the field names the mapping may use (`CSV_FIELDS` for tickets, `ACCOUNT_CSV_FIELDS`
            for accounts).

    Raises:
        ImportFileError: the file cannot be read, is not YAML/JSON, or is not a mapping of names.
    """
    text = read_text(path)
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
        account_id = record_id(path, where, "id", values.get("id") or slug(values["name"]))
        fields = accounts.setdefault(account_id, {"ref": Ref(system=SYSTEM, id=account_id), "id": account_id})
        fields.update(_csv_account_fields(path, where, values))
        contact = _csv_contact(path, where, values)
        if contact is not None:
            contacts.setdefault(account_id, []).append(contact)
    parsed = []
    for account_id, fields in accounts.items():
        if account_id in contacts:
            fields["contacts"] = tuple(contacts[account_id])
        parsed.append(validated(path, f"account {account_id}", Account, fields))
    return Dataset(accounts=tuple(parsed))


def _csv_rows(
    path: Path, mapping: Mapping[str, str] | None, known: Sequence[str], required: Sequence[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, field -> cell) for every non-blank row, after checking the header against the mapping."""
    text = read_text(path)
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


TRUE_WORDS = frozenset({"true", "yes", "y", "1", "x"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", ""})


def _csv_account_fields(path: Path, where: str, values: dict[str, str]) -> dict[str, Any]:
    """The account fields a row carries (empty cells carry nothing)."""
    fields: dict[str, Any] = {}
    if values.get("name"):
        fields["name"] = values["name"]
    if values.get("domains"):
        fields["domains"] = tuple(d for d in re.split(r"[,;\s]+", values["domains"].lower()) if d)
    for name, choices in (("tier", TIERS), ("health", HEALTHS)):
        if values.get(name):
            fields[name] = one_of(path, where, name, values[name].lower(), choices, values[name])
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
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImportFileError(f"{path}: {where}: {field} {text!r} is not yes or no")


def _csv_ticket(path: Path, line: int, values: dict[str, str]) -> Ticket:
    where = f"line {line}"
    status = re.sub(r"[\s-]+", "_", values.get("status", "").lower()) or "open"
    status = one_of(path, where, "status", STATUS_ALIASES.get(status, status), STATUSES, values.get("status"))
    priority = values.get("priority", "").lower() or None
    if priority is not None:
        one_of(path, where, "priority", priority, PRIORITIES, values["priority"])
    ticket_id = record_id(path, where, "id", values["id"])
    created = time_value(path, where, "created_at", values["created_at"])
    updated = (
        time_value(path, where, "updated_at", values["updated_at"]) if values.get("updated_at") else created
    )
    organization = None
    if values.get("organization") or values.get("organization_id"):
        name = values.get("organization") or values["organization_id"]
        organization = Organization(
            id=record_id(path, where, "organization_id", values.get("organization_id") or slug(name)),
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
        "type": kind if kind in TICKET_TYPES else None,
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
        "solved_at": time_value(path, where, "solved_at", values["solved_at"])
        if values.get("solved_at")
        else None,
    }
    return validated(path, where, Ticket, fields)
