"""Ticket search for the fake Zendesk: the subset of Zendesk's search syntax the fake understands.

`type:`, `status:` (repeated values OR), `status<`/`>`, `updated>`/`<` and `created>`/`<` with a date or a
time, `organization:` (id or name), `tags:`, `priority:`, `requester:`, quoted phrases and bare words
(all ANDed, whole words, case-insensitive) over subject, description, comments and tags.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

_STATUS_ORDER = ["new", "open", "pending", "hold", "solved", "closed"]
_PRIORITY_ORDER = ["low", "normal", "high", "urgent"]
WORD = re.compile(r"\w+")
_TERM = re.compile(
    r'(?P<key>[a-z_]+)(?P<op><=|>=|:|<|>)(?P<val>"[^"]*"?|[^\s"]+)|"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+)'
)
_KEYWORDS = frozenset(
    {"type", "status", "updated", "created", "organization", "tags", "tag", "priority", "requester"}
)
_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
    "=": operator.eq,
}


class TicketMatching:
    """Matches the account's tickets against a search query."""

    users: dict[int, dict[str, Any]]
    organizations: dict[int, dict[str, Any]]
    tickets: dict[int, dict[str, Any]]
    comments: dict[int, list[dict[str, Any]]]

    def match_tickets(self, query: str) -> list[tuple[int, dict[str, Any]]]:
        filters: dict[str, list[tuple[str, str]]] = {}
        terms: list[list[str]] = []
        for match in _TERM.finditer(query):
            key = match.group("key")
            if key is not None and key in _KEYWORDS:
                value = match.group("val").strip('"')
                filters.setdefault("tags" if key == "tag" else key, []).append((match.group("op"), value))
                continue
            raw = match.group(0) if key is not None else (match.group("phrase") or match.group("word") or "")
            words = [w.lower() for w in WORD.findall(raw)]
            if words:
                terms.append(words)
        found: list[tuple[int, dict[str, Any]]] = []
        for number, ticket in self.tickets.items():
            if not all(self._passes(ticket, key, conditions) for key, conditions in filters.items()):
                continue
            tokens = self._tokens(number, ticket)
            score = 0
            for words in terms:
                hits = _phrase_hits(tokens, words)
                if not hits:
                    break
                score += hits
            else:
                found.append((score, ticket))
        return found

    def _tokens(self, number: int, ticket: dict[str, Any]) -> list[str]:
        parts = [ticket["subject"] or "", ticket["description"] or "", " ".join(ticket["tags"])]
        parts.extend(c["plain_body"] for c in self.comments.get(number, []))
        return [w.lower() for w in WORD.findall(" ".join(parts))]

    def _passes(self, ticket: dict[str, Any], key: str, conditions: list[tuple[str, str]]) -> bool:
        # The same keyword with ':' several times ORs its values; comparisons must all hold.
        equal = [value for op, value in conditions if op == ":"]
        compared = [(op, value) for op, value in conditions if op != ":"]
        if equal and not any(self._equals(ticket, key, value) for value in equal):
            return False
        return all(self._compare(ticket, key, op, value) for op, value in compared)

    def _equals(self, ticket: dict[str, Any], key: str, value: str) -> bool:
        value = value.lower()
        if key == "type":
            return value == "ticket" or value == (ticket["type"] or "")
        if key == "status":
            return bool(ticket["status"] == value)
        if key == "priority":
            return bool((ticket["priority"] or "") == value)
        if key == "tags":
            return value in ticket["tags"]
        if key == "organization":
            org = self.organizations.get(ticket["organization_id"] or -1)
            if value.isdigit():
                return bool(ticket["organization_id"] == int(value))
            return org is not None and org["name"].lower() == value
        if key == "requester":
            user = self.users.get(ticket["requester_id"])
            return user is not None and (user["email"] or "").lower() == value
        if key in {"updated", "created"}:
            return self._compare(ticket, key, "=", value)
        return False

    def _compare(self, ticket: dict[str, Any], key: str, op: str, value: str) -> bool:
        if key in {"status", "priority"}:
            order = _STATUS_ORDER if key == "status" else _PRIORITY_ORDER
            if value not in order or ticket[key] not in order:
                return False
            return _holds(order.index(ticket[key]), op, order.index(value))
        if key in {"updated", "created"}:
            stamp = datetime.fromisoformat(ticket[f"{key}_at"])
            bound = _search_time(value)
            if isinstance(bound, datetime):
                return _holds(stamp, op, bound)
            return _holds(stamp.date(), op, bound)
        return False


def _phrase_hits(tokens: list[str], words: list[str]) -> int:
    if len(words) == 1:
        return tokens.count(words[0])
    width = len(words)
    return sum(1 for i in range(len(tokens) - width + 1) if tokens[i : i + width] == words)


def _holds(left: Any, op: str, right: Any) -> bool:
    return bool(_OPERATORS[op](left, right))


def _search_time(value: str) -> datetime | date:
    if len(value) == 10:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value)


def neg_time(stamp: str) -> float:
    return -datetime.fromisoformat(stamp).timestamp()
