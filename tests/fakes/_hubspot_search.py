"""HubSpot's CRM search semantics for the HubSpot fake: request limits, `query`, filters and sorts.

`query` matches word prefixes in a company's name, domain, website and phone; filter groups are ORed
and the filters inside one are ANDed; results come in record-creation order unless `sorts` says
otherwise. A request HubSpot would refuse raises `BadRequestError` with HubSpot's kind of message.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

SEARCH_CAP = 10_000
_SEARCHABLE = ("name", "domain", "website", "phone")


class BadRequestError(Exception):
    """HubSpot would answer 400 VALIDATION_ERROR with this message."""


@dataclass(frozen=True)
class Search:
    """A search request body, checked against HubSpot's limits."""

    limit: int
    offset: int
    groups: list[Any]
    query: str | None
    properties: list[str] | None
    sorts: list[Any]


def words(text: str | None) -> list[str]:
    return re.findall(r"[0-9a-z]+", (text or "").lower())


def read_search(body: Any) -> Search:
    """The search `body` asks for; raises `BadRequestError` where HubSpot answers 400."""
    if not isinstance(body, dict):
        raise BadRequestError("Invalid input JSON: expected an object.")
    limit = body.get("limit", 10)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 200:
        raise BadRequestError("limit must be between 1 and 200.")
    after = body.get("after", "0")
    if not isinstance(after, str) or not after.isdigit():
        raise BadRequestError("after must be a numeric string.")
    offset = int(after)
    if offset >= SEARCH_CAP:
        raise BadRequestError("Search results are capped at 10,000; narrow the search.")
    groups = body.get("filterGroups") or []
    if not isinstance(groups, list) or len(groups) > 5:
        raise BadRequestError("At most 5 filterGroups are allowed.")
    filter_count = 0
    for group in groups:
        filters = group.get("filters") if isinstance(group, dict) else None
        if not isinstance(filters, list) or len(filters) > 10:
            raise BadRequestError("Each filterGroup needs at most 10 filters.")
        filter_count += len(filters)
    if filter_count > 25:
        raise BadRequestError("At most 25 filters are allowed in total.")
    query = body.get("query")
    return Search(
        limit=limit,
        offset=offset,
        groups=groups,
        query=query if isinstance(query, str) else None,
        properties=body.get("properties"),
        sorts=body.get("sorts") or [],
    )


def _matches_filter(properties: Mapping[str, str | None], spec: Any) -> bool:
    if not isinstance(spec, dict) or not isinstance(spec.get("propertyName"), str):
        raise BadRequestError("Each filter needs a propertyName and an operator.")
    actual = properties.get(spec["propertyName"])
    operator = spec.get("operator")
    value = str(spec.get("value", "")).lower()
    if operator == "EQ":
        return actual is not None and actual.lower() == value
    if operator == "NEQ":
        return actual is None or actual.lower() != value
    if operator in {"CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"}:
        found_words = words(actual)
        wanted = re.findall(r"[0-9a-z*]+", value) or [""]
        found = all(any(fnmatch.fnmatchcase(word, token) for word in found_words) for token in wanted)
        return found if operator == "CONTAINS_TOKEN" else not found
    if operator == "HAS_PROPERTY":
        return bool(actual)
    if operator == "NOT_HAS_PROPERTY":
        return not actual
    if operator == "IN":
        values = spec.get("values")
        if not isinstance(values, list):
            raise BadRequestError("IN needs a list of values.")
        return actual is not None and actual.lower() in {str(v).lower() for v in values}
    raise BadRequestError(f"Unsupported operator: {operator!r}.")


def _matches(record: dict[str, Any], search: Search) -> bool:
    properties = record["properties"]
    if search.query:
        found = [w for name in _SEARCHABLE for w in words(properties.get(name))]
        if not all(any(w.startswith(token) for w in found) for token in words(search.query)):
            return False
    if not search.groups:
        return True
    return any(all(_matches_filter(properties, f) for f in group["filters"]) for group in search.groups)


def _sort_key(name: str) -> Callable[[dict[str, Any]], str]:
    def key(record: dict[str, Any]) -> str:
        return str(record["properties"].get(name) or "")

    return key


def find(records: Mapping[str, dict[str, Any]], search: Search) -> list[dict[str, Any]]:
    """Every record `search` matches, in HubSpot's order (creation order, then `sorts`)."""
    matches = [
        record
        for _, record in sorted(records.items(), key=lambda item: int(item[0]))
        if _matches(record, search)
    ]
    for sort in reversed(search.sorts):
        if not isinstance(sort, dict) or not isinstance(sort.get("propertyName"), str):
            raise BadRequestError("Each sort needs a propertyName.")
        matches.sort(key=_sort_key(sort["propertyName"]), reverse=sort.get("direction") == "DESCENDING")
    return matches


__all__ = ["SEARCH_CAP", "BadRequestError", "Search", "find", "read_search", "words"]
