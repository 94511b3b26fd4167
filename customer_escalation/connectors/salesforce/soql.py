"""SOQL written safely: literals escaped, field names allowlisted, queries assembled from parts.

Every value that reaches a query passes through `literal` or `like_contains`; every field name through
`field_name`. A quote or backslash in a search term therefore stays inside its string literal, and a
`%` or `_` in it matches itself, never any text: a term can neither break a query nor widen it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_FIELD = re.compile(r"[A-Za-z](?:[A-Za-z0-9]|_(?!_{2,})){0,99}")
"""An API name: `Name`, `ARR__c`, `acme__Health__c`; no spaces, dots, quotes or other syntax."""
_ID = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")
_ESCAPES = {
    "\\": "\\\\",
    "'": "\\'",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}
_LIKE_ESCAPES = {"%": "\\%", "_": "\\_"}


def is_field_name(name: str) -> bool:
    return bool(_FIELD.fullmatch(name)) and not name.endswith("_")


def field_name(name: str) -> str:
    """`name` when it is a plain field API name.

    Raises:
        ValueError: anything else, so that no configured text is spliced into a query as syntax.
    """
    if not is_field_name(name):
        raise ValueError(f"{name!r} is not a Salesforce field API name")
    return name


def is_record_id(value: str) -> bool:
    """A 15- or 18-character Salesforce record id."""
    return bool(_ID.fullmatch(value))


def _escaped(text: str, table: dict[str, str]) -> str:
    return "".join(table.get(ch, ch) for ch in text if ch in table or ch.isprintable() or ch == " ")


def literal(value: str) -> str:
    """A SOQL string literal holding exactly `value` (control characters other than tab and line
    breaks are dropped)."""
    return f"'{_escaped(value, _ESCAPES)}'"


def like_contains(value: str) -> str:
    """A `LIKE` pattern matching text that contains `value` literally (`%` and `_` escaped)."""
    return f"'%{_escaped(value, {**_ESCAPES, **_LIKE_ESCAPES})}%'"


def like_literal(prefix: str, value: str, suffix: str) -> str:
    """A `LIKE` pattern: wildcard `prefix`/`suffix` (only `%` or text without wildcards) around a
    literal `value`."""
    return f"'{prefix}{_escaped(value, {**_ESCAPES, **_LIKE_ESCAPES})}{suffix}'"


def in_list(values: Iterable[str]) -> str:
    return "(" + ", ".join(literal(v) for v in values) + ")"


@dataclass(frozen=True)
class Select:
    """One SOQL query: `SELECT fields FROM sobject WHERE ... ORDER BY ... LIMIT n OFFSET m`.

    `where` holds conditions already built from `literal`/`like_contains` and allowlisted field names;
    they are ANDed, each in parentheses.
    """

    fields: Sequence[str]
    sobject: str
    where: Sequence[str] = ()
    order_by: Sequence[str] = ()
    limit: int | None = None
    offset: int | None = None

    def text(self) -> str:
        parts = [f"SELECT {', '.join(dict.fromkeys(self.fields))} FROM {self.sobject}"]
        if self.where:
            parts.append("WHERE " + " AND ".join(f"({clause})" for clause in self.where))
        if self.order_by:
            parts.append("ORDER BY " + ", ".join(self.order_by))
        if self.limit is not None:
            parts.append(f"LIMIT {int(self.limit)}")
        if self.offset:
            parts.append(f"OFFSET {int(self.offset)}")
        return " ".join(parts)


__all__ = [
    "Select",
    "field_name",
    "in_list",
    "is_field_name",
    "is_record_id",
    "like_contains",
    "like_literal",
    "literal",
]
