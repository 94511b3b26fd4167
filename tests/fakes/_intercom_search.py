"""Intercom's conversation search semantics for the Intercom fake: the query tree and its limits.

A query is a filter (`field`, `operator`, `value`) or a group (`operator` AND/OR, `value` a list), at
most two levels deep, at most 15 filters in a group. String fields take `= != IN NIN ~ !~ ^ $`, date
fields only `= < >`, and `source.body` is compared word by word for `=` (a phrase never matches) and as
text for `~`. A request Intercom would refuse raises `SearchError` with Intercom's kind of message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

MAX_DEPTH = 2
MAX_GROUP = 15
MAX_PER_PAGE = 150

DATE_FIELDS = frozenset({"created_at", "updated_at", "waiting_since", "snoozed_until"})
INTEGER_FIELDS = frozenset({"admin_assignee_id", "team_assignee_id"})
STRING_FIELDS = frozenset(
    {
        "id",
        "state",
        "priority",
        "contact_ids",
        "tag_ids",
        "source.type",
        "source.subject",
        "source.body",
        "source.author.email",
        "source.author.type",
    }
)
BOOLEAN_FIELDS = frozenset({"open", "read"})
_DATE_OPERATORS = frozenset({"=", "<", ">"})
_STRING_OPERATORS = frozenset({"=", "!=", "IN", "NIN", "~", "!~", "^", "$"})
_INTEGER_OPERATORS = frozenset({"=", "!=", "IN", "NIN", "<", ">", "<=", ">="})


class SearchError(Exception):
    """Intercom would answer 400 with this `code` and message."""

    def __init__(self, message: str, code: str = "parameter_invalid") -> None:
        super().__init__(message)
        self.code = code


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


Values = Callable[[Mapping[str, Any], str], list[Any]]
"""The values a conversation has for a search field (lists for multi-valued fields)."""


def check(query: Any, depth: int = 1) -> None:
    """Raise `SearchError` where Intercom refuses the query tree."""
    if not isinstance(query, dict):
        raise SearchError("query must be an object")
    if "field" in query:
        _check_filter(query)
        return
    if query.get("operator") not in {"AND", "OR"} or not isinstance(query.get("value"), list):
        raise SearchError("A group needs an operator of AND or OR and a list of filters")
    if depth > MAX_DEPTH:
        raise SearchError("Nested filters are limited to two levels")
    if len(query["value"]) > MAX_GROUP:
        raise SearchError(f"A group is limited to {MAX_GROUP} filters")
    for item in query["value"]:
        check(item, depth + 1)


def _check_filter(spec: dict[str, Any]) -> None:
    field, operator = spec.get("field"), spec.get("operator")
    if field in DATE_FIELDS:
        allowed, kind = _DATE_OPERATORS, "date"
        if not isinstance(spec.get("value"), int | str) or not str(spec.get("value")).isdigit():
            raise SearchError(f"{field} needs a UNIX timestamp")
    elif field in INTEGER_FIELDS:
        allowed, kind = _INTEGER_OPERATORS, "integer"
    elif field in STRING_FIELDS or field in BOOLEAN_FIELDS:
        allowed, kind = _STRING_OPERATORS, "string"
    else:
        raise SearchError(f"{field} is not a searchable field", code="field_not_found")
    if operator not in allowed:
        raise SearchError(f"The operator {operator!r} is not supported for {kind} field {field}")
    if operator in {"IN", "NIN"} and not isinstance(spec.get("value"), list):
        raise SearchError(f"{operator} needs a list of values")


def matches(record: Mapping[str, Any], query: Mapping[str, Any], values: Values) -> bool:
    """Whether a conversation satisfies a checked query tree."""
    if "field" not in query:
        results = (matches(record, item, values) for item in query["value"])
        return all(results) if query["operator"] == "AND" else any(results)
    field, operator, wanted = query["field"], query["operator"], query.get("value")
    have = values(record, field)
    if field == "source.body" and operator == "=":
        return str(wanted).lower() in {w for v in have for w in words(str(v))}
    return _compare(have, operator, wanted)


def _text(value: Any) -> str:
    return str(value).lower() if value is not None else ""


def _compare(have: list[Any], operator: str, wanted: Any) -> bool:
    texts = [_text(v) for v in have]
    if operator in {"IN", "NIN"}:
        hit = any(t in {_text(w) for w in wanted} for t in texts)
        return hit if operator == "IN" else not hit
    target = _text(wanted)
    tests: dict[str, Callable[[str], bool]] = {
        "=": lambda t: t == target,
        "!=": lambda t: t != target,
        "~": lambda t: target in t,
        "!~": lambda t: target not in t,
        "^": lambda t: t.startswith(target),
        "$": lambda t: t.endswith(target),
    }
    if operator in tests:
        if operator in {"!=", "!~"}:
            return all(tests[operator](t) for t in texts)
        return any(tests[operator](t) for t in texts)
    numbers = [float(v) for v in have if v is not None]
    bound = float(wanted)
    compare: dict[str, Callable[[float], bool]] = {  # Intercom documents < and > as inclusive
        "<": lambda n: n <= bound,
        ">": lambda n: n >= bound,
        "<=": lambda n: n <= bound,
        ">=": lambda n: n >= bound,
    }
    return any(compare[operator](n) for n in numbers)


def read_pagination(body: Mapping[str, Any]) -> tuple[int, str | None]:
    """`per_page` and `starting_after` of a search request."""
    pagination = body.get("pagination") or {}
    if not isinstance(pagination, dict):
        raise SearchError("pagination must be an object")
    per_page = pagination.get("per_page", 20)
    if not isinstance(per_page, int) or isinstance(per_page, bool) or not 1 <= per_page <= MAX_PER_PAGE:
        raise SearchError(f"per_page must be between 1 and {MAX_PER_PAGE}")
    after = pagination.get("starting_after")
    if after is not None and not isinstance(after, str):
        raise SearchError("starting_after must be a string")
    return per_page, after


__all__ = ["MAX_PER_PAGE", "SearchError", "check", "matches", "read_pagination", "words"]
