"""What every import format shares: its columns, and reading ids, text, times and flags with errors that
name the file and the place at fault."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from ...errors import ImportFileError
from ...records import (
    Health,
    TicketPriority,
    TicketStatus,
    TicketType,
    Tier,
)

SYSTEM = "local"
STATUSES: tuple[str, ...] = get_args(TicketStatus)
PRIORITIES: tuple[str, ...] = get_args(TicketPriority)
TICKET_TYPES: tuple[str, ...] = get_args(TicketType)
Role = Literal["customer", "agent"]
STATUS_ALIASES = {"hold": "on_hold", "onhold": "on_hold", "on_hold": "on_hold"}

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
TIERS: tuple[str, ...] = get_args(Tier)
HEALTHS: tuple[str, ...] = get_args(Health)


def read_text(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot read the file ({exc.strerror or exc})") from None


MAX_ID_LENGTH = 128
ID_SHAPE = re.compile(r"[^\W_][\w.:#@+-]*")
"""An id: letters, digits and ``_ . : # @ + -``, starting with a letter or digit (so never ``../``)."""


def record_id(path: Path, where: str, field: str, value: Any) -> str:
    """A record id from a whole number or text; anything else (empty, true, a list, a path) is refused."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = value.strip() if isinstance(value, str) else None
    if text is None:
        raise ImportFileError(
            f"{path}: {where}: {field} must be a number or text, not {type(value).__name__} {shown(value)}"
        )
    if not text:
        raise ImportFileError(f"{path}: {where}: {field} is empty")
    if len(text) > MAX_ID_LENGTH:
        raise ImportFileError(
            f"{path}: {where}: {field} is {len(text):,} characters; ids have at most {MAX_ID_LENGTH}"
        )
    if not ID_SHAPE.fullmatch(text):
        raise ImportFileError(
            f"{path}: {where}: {field} {shown(text)} is not an id (use letters, digits and - _ . : # @ +)"
        )
    return text


def text_value(path: Path, where: str, field: str, value: Any) -> str:
    """Text from a string (numbers are written out); None is ""; anything else is refused."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ImportFileError(f"{path}: {where}: {field} must be text, not {type(value).__name__} {shown(value)}")


def strings(path: Path, where: str, field: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ImportFileError(f"{path}: {where}: {field} must be a list of text, not {type(value).__name__}")
    return tuple(text for item in value if (text := text_value(path, where, field, item).strip()))


def shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def time_value(path: Path, where: str, field: str, value: Any) -> datetime:
    """An aware UTC time from ISO 8601 text (zone-less means UTC) or Unix seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            raise ImportFileError(
                f"{path}: {where}: {field} {shown(value)} is not a time (Unix seconds between 1970 and 9999)"
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
        f"{path}: {where}: {field} {shown(value)} is not a date (use ISO 8601, e.g. 2026-01-31T09:30:00Z)"
    )


def one_of(
    path: Path, where: str, field: str, value: Any, choices: tuple[str, ...], written: Any = None
) -> str:
    """`value` when it is one of `choices`; refused naming it as `written` (by default, as it is)."""
    if value not in choices:
        shown_as = value if written is None else written
        raise ImportFileError(f"{path}: {where}: {field} {shown_as!r} is not one of {', '.join(choices)}")
    return str(value)


M = TypeVar("M", bound=BaseModel)


def validated(path: Path, where: str, model: type[M], fields: dict[str, Any]) -> M:
    """`fields` as a `model` record; refused naming the first field at fault."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        raise ImportFileError(f"{path}: {where}: {first_problem(exc)}") from None


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or name


def first_problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    location = ".".join(str(part) for part in error["loc"])
    return f"{location}: {error['msg']}" if location else str(error["msg"])
