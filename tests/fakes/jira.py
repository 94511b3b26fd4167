"""A fake of Jira Cloud's REST API v3, seeded from a `Dataset`, plus the Atlassian query language
subset it evaluates (the Confluence fake reuses that for CQL).

It serves what the Jira connector reads and writes, at Jira's paths and in Jira's JSON:

* ``POST|GET /rest/api/3/search/jql``: ``nextPageToken`` pagination with no ``total``; the token key is
  absent on the last page and ``isLast`` is true; only the requested ``fields`` come back (just the
  id without ``fields``); ``maxResults`` defaults to 50 and is capped; unbounded JQL is refused.
* ``GET /rest/api/3/status``, ``/rest/api/3/resolution/search`` and ``/rest/api/3/issuetype``: the
  site's own names. JQL naming a status, resolution, issue type, priority or project the site does not
  have is refused with 400, as Jira does.
* ``GET /rest/api/3/issue/{key}`` with ``fields`` and ``expand=changelog``; ``POST /rest/api/3/issue``
  (validates the ADF description, issue type, priority and labels, answers 201 ``{id, key, self}``;
  the new issue is visible to later reads); ``GET /rest/api/3/myself`` (with the user's time zone).
* The removed ``/rest/api/{2,3}/search`` answers 410 with Atlassian's migration message.

Timestamps come in the user's time zone with a colon-less offset (``2026-11-20T07:00:00.000-0500``),
descriptions are ADF, priorities may be null, a reopened issue has its resolution cleared and its
history only in the changelog. JQL dates are read in the user's time zone, as Jira does.

Fault knobs (set on the instance): `reject_auth`, `rate_limit` (requests per second on the injected
clock; 429 with ``Retry-After`` and ``X-RateLimit-Reset``, or only the reset header when
`reset_header_only`), `fail_next(status, count)`, `malformed_next(kind, count)`,
`search_removed` (the current search answers 410 too). `calls` logs every request.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from customer_escalation.connectors.records import Dataset, TrackerIssue

SITE = "https://acme.atlassian.net"
EMAIL = "escalations@vendor.example"
API_TOKEN = "ATATT3xFfGF0-fake-jira-token"

# ---------------------------------------------------------------------------------------------------
# The Atlassian query language subset (JQL here, CQL in the Confluence fake)


class QueryError(Exception):
    """The query cannot be parsed or uses a field or operator the fake does not know."""


@dataclass(frozen=True)
class FieldSpec:
    """How one query field reads a record.

    `kind` is ``value`` (exact, case-insensitive; `get` returns a list of strings, empty when the
    field is empty), ``text`` (`~` clauses; `get` returns the searchable text) or ``date``
    (`get` returns a datetime or None). `negation_matches_empty`: whether ``!=`` and ``NOT IN`` match
    a record whose field is empty (JQL: no; CQL labels: yes). `known`, when given, lists the values
    the site has: naming any other value is an error, as Jira reports for statuses, resolutions,
    issue types, priorities and projects.
    """

    kind: Literal["value", "text", "date"]
    get: Callable[[Any], Any]
    negation_matches_empty: bool = False
    known: Callable[[], set[str]] | None = None


@dataclass(frozen=True)
class Clause:
    field: str
    op: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class BoolNode:
    op: Literal["and", "or", "not"]
    children: tuple[Node, ...]


Node = Clause | BoolNode


@dataclass(frozen=True)
class ParsedQuery:
    where: Node | None
    order: tuple[tuple[str, bool], ...]
    """(field, descending) pairs."""


_TOKEN = re.compile(
    r"""\s*(?:(?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<op>!=|!~|>=|<=|=|~|>|<|\(|\)|,)"""
    r"""|(?P<word>[^\s"'=!~<>(),]+)|(?P<bad>\S))"""
)
_JQL_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "n": "\n", "t": "\t", "r": "\r", " ": " "}
_KEYWORDS = frozenset({"and", "or", "not", "in", "is", "empty", "null", "order", "by", "asc", "desc"})


def _unescape(literal: str) -> str:
    body = literal[1:-1]
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\":
            nxt = body[index + 1]
            if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", body[index + 2 : index + 6]):
                out.append(chr(int(body[index + 2 : index + 6], 16)))
                index += 6
                continue
            if nxt not in _JQL_ESCAPES:
                raise QueryError(f"'\\{nxt}' is an illegal escape sequence in the string {literal}")
            out.append(_JQL_ESCAPES[nxt])
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            break
        position = match.end()
        if match.group("bad"):
            raise QueryError(f"the character '{match.group('bad')}' is a reserved JQL character")
        if match.group("string") is not None:
            tokens.append(("string", _unescape(match.group("string"))))
        elif match.group("op") is not None:
            tokens.append(("op", match.group("op")))
        elif match.group("word") is not None:
            tokens.append(("word", match.group("word")))
    if text[position:].strip():
        raise QueryError("the quoted string is not terminated")
    return tokens


class _Parser:
    def __init__(self, text: str, fields: Mapping[str, FieldSpec]) -> None:
        self.tokens = _tokenize(text)
        self.position = 0
        self.fields = fields

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def keyword(self, *words: str) -> bool:
        token = self.peek()
        if token and token[0] == "word" and token[1].lower() in words:
            self.position += 1
            return True
        return False

    def symbol(self, *symbols: str) -> str | None:
        token = self.peek()
        if token and token[0] == "op" and token[1] in symbols:
            self.position += 1
            return token[1]
        return None

    def parse(self) -> ParsedQuery:
        where = None
        token = self.peek()
        if token is not None and not (token[0] == "word" and token[1].lower() == "order"):
            where = self.expression()
        order: list[tuple[str, bool]] = []
        if self.keyword("order"):
            if not self.keyword("by"):
                raise QueryError("expecting 'by' after 'order'")
            while True:
                name = self.word("a field to order by")
                descending = self.keyword("desc")
                if not descending:
                    self.keyword("asc")
                order.append((name.lower(), descending))
                if not self.symbol(","):
                    break
        if (extra := self.peek()) is not None:
            raise QueryError(f"expecting either 'OR' or 'AND' but got '{extra[1]}'")
        return ParsedQuery(where, tuple(order))

    def word(self, what: str) -> str:
        token = self.peek()
        if token is None or token[0] == "op":
            raise QueryError(f"expecting {what} before the end of the query")
        self.position += 1
        return token[1]

    def expression(self) -> Node:
        children = [self.conjunction()]
        while self.keyword("or"):
            children.append(self.conjunction())
        return children[0] if len(children) == 1 else BoolNode("or", tuple(children))

    def conjunction(self) -> Node:
        children = [self.unary()]
        while self.keyword("and"):
            children.append(self.unary())
        return children[0] if len(children) == 1 else BoolNode("and", tuple(children))

    def unary(self) -> Node:
        if self.keyword("not"):
            return BoolNode("not", (self.unary(),))
        if self.symbol("("):
            inner = self.expression()
            if not self.symbol(")"):
                raise QueryError("expecting ')' before the end of the query")
            return inner
        return self.clause()

    def clause(self) -> Clause:
        name = self.word("a field name").lower()
        spec = self.fields.get(name)
        if spec is None:
            raise QueryError(f"Field '{name}' does not exist or you do not have permission to view it.")
        if self.keyword("is"):
            negated = self.keyword("not")
            if not self.keyword("empty", "null"):
                raise QueryError("expecting EMPTY after IS")
            return Clause(name, "is not empty" if negated else "is empty")
        negated = self.keyword("not")
        if self.keyword("in"):
            if not self.symbol("("):
                raise QueryError("expecting '(' after IN")
            values = [self.value()]
            while self.symbol(","):
                values.append(self.value())
            if not self.symbol(")"):
                raise QueryError("expecting ')' to close the IN list")
            self._check(spec, "in", name, values)
            return Clause(name, "not in" if negated else "in", tuple(values))
        if negated:
            raise QueryError("expecting IN after NOT")
        op = self.symbol("=", "!=", "~", "!~", ">", ">=", "<", "<=")
        if op is None:
            raise QueryError(f"expecting an operator after the field '{name}'")
        if op in {"=", "!="} and self.keyword("empty", "null"):
            return Clause(name, "is empty" if op == "=" else "is not empty")
        value = self.value()
        self._check(spec, op, name, [value])
        return Clause(name, op, (value,))

    def value(self) -> str:
        token = self.peek()
        if token is None or token[0] == "op":
            raise QueryError("expecting a value before the end of the query")
        if token[0] == "word" and token[1].lower() in _KEYWORDS:
            raise QueryError(f"'{token[1]}' is a reserved word and must be quoted")
        self.position += 1
        return token[1]

    @staticmethod
    def _check(spec: FieldSpec, op: str, name: str, values: Sequence[str]) -> None:
        allowed = {
            "value": {"=", "!=", "in"},
            "text": {"~", "!~"},
            "date": {"=", "!=", ">", ">=", "<", "<=", "in"},
        }[spec.kind]
        if op not in allowed:
            raise QueryError(f"The operator '{op}' is not supported by the '{name}' field.")
        if spec.known is not None:
            known = {k.casefold() for k in spec.known()}
            for value in values:
                if value.casefold() not in known:
                    raise QueryError(f"The value '{value}' does not exist for the field '{name}'.")


def parse_query(text: str, fields: Mapping[str, FieldSpec]) -> ParsedQuery:
    """Parse JQL or CQL (the subset both fakes understand).

    Raises:
        QueryError: a syntax error, an unknown field or an operator the field does not support.
    """
    return _Parser(text, fields).parse()


# Lucene text queries, as JQL/CQL `~` clauses read them -----------------------------------------------

_LUCENE_RESERVED = frozenset("+-&|!(){}[]^~:\\/")
_WORDS = re.compile(r"\w+")
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "if",
        "in",
        "into",
        "is",
        "it",
        "no",
        "not",
        "of",
        "on",
        "or",
        "such",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "will",
        "with",
    ]
)
"""Lucene's English stop words: the index drops them, so queries ignore them too."""


@dataclass(frozen=True)
class TextQuery:
    """Every term (a word, a `prefix*` or a phrase of words) must occur; words are lightly stemmed."""

    terms: tuple[tuple[str, ...], ...]

    @classmethod
    def parse(cls, query: str) -> TextQuery:
        """Read a Lucene query: ``\\x`` escapes a reserved character, ``"..."`` is a phrase and a
        trailing ``*`` a prefix. Unescaped reserved characters and the boolean operators (which this
        fake does not implement) are refused.

        Raises:
            QueryError: the query uses Lucene syntax the fake does not implement.
        """
        terms: list[tuple[str, ...]] = []
        phrase: list[str] | None = None
        word: list[str] = []
        wildcard = False

        def end_word() -> None:
            nonlocal wildcard
            text = "".join(word)
            word.clear()
            if phrase is None and text in {"AND", "OR", "NOT"}:
                raise QueryError(f"the text query '{query}' uses {text}, which this fake does not support")
            words = [w for w in _WORDS.findall(text) if w.lower() not in _STOP_WORDS]
            parts = [_stem(w) for w in words]
            if wildcard and parts:
                parts[-1] = words[-1].lower() + "*"
            wildcard = False
            if phrase is not None:
                phrase.extend(parts)
            else:
                terms.extend((part,) for part in parts)

        index = 0
        while index < len(query):
            char = query[index]
            if wildcard and not char.isspace() and char != '"':
                raise QueryError(f"the text query '{query}' has a wildcard inside a word")
            if char == "\\" and index + 1 < len(query):
                word.append(query[index + 1])
                index += 2
                continue
            if char == '"':
                end_word()
                if phrase is None:
                    phrase = []
                else:
                    if phrase:
                        terms.append(tuple(phrase))
                    phrase = None
            elif char in "*?":
                if char == "?" or phrase is not None or not word:
                    raise QueryError(f"the text query '{query}' uses a wildcard this fake does not support")
                wildcard = True
            elif char in _LUCENE_RESERVED:
                raise QueryError(f"the text query '{query}' is not valid: '{char}' must be escaped")
            elif char.isspace():
                end_word()
            else:
                word.append(char)
            index += 1
        end_word()
        if phrase is not None:
            raise QueryError(f"the text query '{query}' has an unterminated phrase")
        return cls(tuple(terms))

    def score(self, text: str) -> int:
        """How often the terms occur in `text`; 0 when any term is missing."""
        words = [_stem(w) for w in _WORDS.findall(text.lower()) if w not in _STOP_WORDS]
        total = 0
        for term in self.terms:
            hits = _count(term, words)
            if hits == 0:
                return 0
            total += hits
        return total


def _count(term: tuple[str, ...], words: list[str]) -> int:
    if len(term) == 1 and term[0].endswith("*"):
        prefix = term[0][:-1]
        return sum(1 for w in words if w.startswith(prefix))
    size = len(term)
    return sum(1 for i in range(len(words) - size + 1) if tuple(words[i : i + size]) == term)


def _stem(word: str) -> str:
    word = word.lower()
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def evaluate(
    node: Node | None,
    record: Any,
    fields: Mapping[str, FieldSpec],
    *,
    parse_date: Callable[[str], datetime],
) -> int:
    """0 when `record` does not match; otherwise a relevance score (at least 1)."""
    if node is None:
        return 1
    if isinstance(node, BoolNode):
        if node.op == "not":
            return 0 if evaluate(node.children[0], record, fields, parse_date=parse_date) else 1
        scores = [evaluate(child, record, fields, parse_date=parse_date) for child in node.children]
        if node.op == "and":
            return sum(scores) if all(scores) else 0
        return sum(scores)
    spec = fields[node.field]
    value = spec.get(record)
    if node.op in {"is empty", "is not empty"}:
        empty = value is None or value == [] or value == ""
        return int(empty == (node.op == "is empty"))
    if spec.kind == "text":
        score = TextQuery.parse(node.values[0]).score(value or "")
        return score if node.op == "~" else int(score == 0)
    if spec.kind == "date":
        if value is None:
            return 0
        moments = [parse_date(v) for v in node.values]
        checks: dict[str, Callable[[datetime], bool]] = {
            "=": lambda m: value == m,
            "in": lambda m: value == m,
            "!=": lambda m: value != m,
            ">": lambda m: value > m,
            ">=": lambda m: value >= m,
            "<": lambda m: value < m,
            "<=": lambda m: value <= m,
        }
        return int(any(checks[node.op](m) for m in moments))
    have = {v.lower() for v in value}
    wanted = {v.lower() for v in node.values}
    if node.op in {"=", "in"}:
        return int(bool(have & wanted))
    if not have:
        return int(spec.negation_matches_empty)
    return int(not (have & wanted))


def sort_records(
    records: list[tuple[int, Any]], order: Sequence[tuple[str, bool]], key: Callable[[Any, str], Any]
) -> list[Any]:
    """Records ordered by the ORDER BY fields, or by relevance (then the given order) without one."""
    if not order:
        return [record for _, record in sorted(records, key=lambda pair: -pair[0])]
    result = [record for _, record in records]
    for name, descending in reversed(order):
        result.sort(key=lambda r: key(r, name), reverse=descending)
    return result


# ---------------------------------------------------------------------------------------------------
# Jira's shapes

_STATUS_CATEGORIES = {
    "new": {"id": 2, "key": "new", "colorName": "blue-gray", "name": "To Do"},
    "indeterminate": {"id": 4, "key": "indeterminate", "colorName": "yellow", "name": "In Progress"},
    "done": {"id": 3, "key": "done", "colorName": "green", "name": "Done"},
}
STATUSES: dict[str, tuple[str, str]] = {
    "To Do": ("10000", "new"),
    "In Progress": ("3", "indeterminate"),
    "In Review": ("10001", "indeterminate"),
    "Done": ("10002", "done"),
    "Closed": ("6", "done"),
    "Reopened": ("4", "new"),
}
RESOLUTIONS = {"Done": "10000", "Won't Do": "10001", "Duplicate": "10002", "Cannot Reproduce": "10003"}
PRIORITIES = {"Highest": "1", "High": "2", "Medium": "3", "Low": "4", "Lowest": "5"}
ISSUE_TYPES = {"Bug": "10004", "Story": "10001", "Task": "10002", "Epic": "10000", "Subtask": "10003"}
_OUR_STATUS = {
    "open": ("To Do", None),
    "in_progress": ("In Progress", None),
    "resolved": ("Done", "Done"),
    "closed": ("Closed", "Done"),
    "reopened": ("Reopened", None),
    "wont_fix": ("Done", "Won't Do"),
}
_OUR_KIND = {"bug": "Bug", "feature": "Story", "task": "Task"}
_RELATIVE = re.compile(r"^([-+]?)(\d+)([wdhm])$")
_ADF_NODES = frozenset(
    {
        "doc", "paragraph", "text", "hardBreak", "heading", "bulletList", "orderedList", "listItem",
        "codeBlock", "blockquote", "rule", "panel", "table", "tableRow", "tableHeader", "tableCell",
        "mention", "emoji", "inlineCard", "date", "status", "mediaSingle", "media",
    }
)  # fmt: skip
_ADF_MARKS = frozenset({"strong", "em", "code", "link", "strike", "underline", "subsup", "textColor"})
_GONE = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)


def jira_time(moment: datetime, zone: ZoneInfo) -> str:
    """Jira's timestamp format: milliseconds and a colon-less offset, in the user's time zone."""
    local = moment.astimezone(zone)
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}" + local.strftime("%z")


def text_to_adf(text: str) -> dict[str, Any]:
    """ADF for plain text: one paragraph per blank-line-separated block, line breaks kept."""
    content: list[dict[str, Any]] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        nodes: list[dict[str, Any]] = []
        for number, line in enumerate(block.split("\n")):
            if number:
                nodes.append({"type": "hardBreak"})
            if line:
                nodes.append({"type": "text", "text": line})
        content.append({"type": "paragraph", "content": nodes})
    return {"type": "doc", "version": 1, "content": content if text.strip() else []}


def adf_plain(node: Any) -> str:
    """Every text in an ADF tree, space-separated: what Jira's index sees."""
    if isinstance(node, dict):
        own = [node["text"]] if isinstance(node.get("text"), str) else []
        attrs = node.get("attrs") if isinstance(node.get("attrs"), dict) else {}
        if node.get("type") == "mention" and isinstance(attrs.get("text"), str):
            own.append(attrs["text"])
        return " ".join(own + [adf_plain(child) for child in node.get("content") or []])
    return ""


def adf_problem(node: Any, *, top: bool = True) -> str | None:
    """Why `node` is not a valid ADF document, or None."""
    if not isinstance(node, dict):
        return "an ADF node must be an object"
    kind = node.get("type")
    if top and (kind != "doc" or node.get("version") != 1):
        return "the top node must be a doc of version 1"
    if kind not in _ADF_NODES:
        return f"unknown node type {kind!r}"
    if kind == "text":
        if not isinstance(node.get("text"), str) or not node["text"]:
            return "text nodes must have non-empty text"
        marks = node.get("marks", [])
        kinds = [m.get("type") for m in marks if isinstance(m, dict)]
        if len(kinds) != len(marks) or any(k not in _ADF_MARKS for k in kinds):
            return "unknown mark"
        if "code" in kinds and set(kinds) - {"code", "link"}:
            return "the code mark combines only with link"
        for mark in marks:
            if mark["type"] == "link" and not str(mark.get("attrs", {}).get("href", "")):
                return "a link mark needs an href"
    if kind == "heading" and node.get("attrs", {}).get("level") not in range(1, 7):
        return "a heading needs a level from 1 to 6"
    content = node.get("content", [])
    if not isinstance(content, list):
        return "content must be an array"
    if kind == "listItem" and (not content or content[0].get("type") not in {"paragraph", "codeBlock"}):
        return "a list item starts with a paragraph"
    for child in content:
        problem = adf_problem(child, top=False)
        if problem:
            return problem
    return None


@dataclass
class Call:
    """One request the fake received."""

    method: str
    path: str
    params: dict[str, str]
    body: Any
    authorization: str | None
    status: int = 0


@dataclass
class _Fault:
    status: int
    remaining: int
    path: str | None


@dataclass
class AtlassianFaults:
    """Fault injection shared by the Atlassian fakes.

    `rate_limit` allows that many requests per second (sliding window on `clock`); past it the answer
    is 429 with ``Retry-After`` (whole seconds) and ``X-RateLimit-Reset`` (ISO), or only the reset
    header when `reset_header_only`. `fail_next` and `malformed_next` queue failures.
    """

    clock: Callable[[], float]
    now: Callable[[], datetime]
    rate_limit: int | None = None
    reset_header_only: bool = False
    rate_limited: int = 0
    """How many requests were answered 429."""
    _faults: list[_Fault] = field(default_factory=list)
    _malformed: list[str] = field(default_factory=list)
    _accepted: list[float] = field(default_factory=list)

    def fail_next(self, status: int, count: int = 1, *, path: str | None = None) -> None:
        """Answer the next `count` requests (to `path`, when given) with `status`: 5xx as an HTML
        proxy page, 4xx as the product's error body."""
        self._faults.append(_Fault(status, count, path))

    def malformed_next(self, kind: Literal["html", "shape"] = "html", count: int = 1) -> None:
        """Answer the next `count` requests 200 with an HTML page or with JSON of the wrong shape."""
        self._malformed.extend([kind] * count)

    def check(self, path: str, error: Callable[[int], Response]) -> Response | None:
        """The response standing in for the real one, or None to answer normally."""
        if self.rate_limit is not None:
            now = self.clock()
            self._accepted = [t for t in self._accepted if t > now - 1.0]
            if len(self._accepted) >= self.rate_limit:
                self.rate_limited += 1
                wait = max(self._accepted[0] + 1.0 - now, 0.001)
                reset = self.now() + timedelta(seconds=wait)
                headers = {
                    "X-RateLimit-Limit": str(self.rate_limit),
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%M:%S.")
                    + f"{reset.microsecond // 1000:03d}Z",
                    "RateLimit-Reason": "jira-burst-based",
                }
                if not self.reset_header_only:
                    headers["Retry-After"] = str(math.ceil(wait))
                return JSONResponse(
                    {"errorMessages": ["Rate limit exceeded."], "errors": {}}, 429, headers=headers
                )
            self._accepted.append(now)
        fault = next((f for f in self._faults if f.path in {None, path}), None)
        if fault is not None:
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
            if fault.status >= 500:
                page = "<html><body><h1>Service Unavailable</h1></body></html>"
                return Response(page, fault.status, media_type="text/html")
            return error(fault.status)
        if self._malformed:
            if self._malformed.pop(0) == "html":
                page = "<html><head><title>Atlassian</title></head><body>Down for maintenance</body></html>"
                return Response(page, 200, media_type="text/html")
            return JSONResponse({"values": "not what you asked for", "isLast": "maybe"})
        return None


@dataclass
class JiraFake:
    """A stateful Jira Cloud site. Drive it through ``httpx2.ASGITransport(app=fake.app)``."""

    dataset: Dataset
    email: str = EMAIL
    api_token: str = API_TOKEN
    oauth_token: str | None = None
    base_url: str = SITE
    user_timezone: str = "America/New_York"
    max_results_cap: int = 100
    projects: Mapping[str, str] = field(default_factory=dict)
    """Extra projects (key -> name) besides those of the dataset's issues."""
    statuses: Mapping[str, tuple[str, str]] = field(default_factory=lambda: dict(STATUSES))
    """The site's statuses: name -> (id, status category key)."""
    resolutions: Mapping[str, str] = field(default_factory=lambda: dict(RESOLUTIONS))
    """The site's resolutions: name -> id (Jira Cloud's defaults have no "Won't Fix")."""
    clock: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = lambda: datetime.now(UTC)

    reject_auth: bool = False
    search_removed: bool = False
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.zone = ZoneInfo(self.user_timezone)
        self.issues: dict[str, dict[str, Any]] = {}
        self.changelogs: dict[str, list[dict[str, Any]]] = {}
        self._project_names: dict[str, str] = {"ENG": "Engineering", "PROD": "Product", **self.projects}
        self.faults = AtlassianFaults(clock=self.clock, now=self.now)
        self._next_id = 10000
        for issue in self.dataset.issues:
            self._seed(issue)
        self.app = Starlette(
            routes=[
                Route("/rest/api/3/search/jql", self._search, methods=["GET", "POST"]),
                Route("/rest/api/{version:int}/search", self._legacy_search, methods=["GET", "POST"]),
                Route("/rest/api/3/issue", self._create, methods=["POST"]),
                Route("/rest/api/3/issue/{key}", self._get_issue, methods=["GET"]),
                Route("/rest/api/3/myself", self._myself, methods=["GET"]),
                Route("/rest/api/3/status", self._all_statuses, methods=["GET"]),
                Route("/rest/api/3/resolution/search", self._all_resolutions, methods=["GET"]),
                Route("/rest/api/3/issuetype", self._all_issue_types, methods=["GET"]),
            ]
        )

    # -- knobs ------------------------------------------------------------------------------------

    def put_issue(self, raw: dict[str, Any], changelog: Sequence[dict[str, Any]] = ()) -> None:
        """Store an issue given in Jira's own JSON (for mapping edge cases)."""
        self.issues[raw["key"]] = raw
        self.changelogs[raw["key"]] = list(changelog)

    def searches(self) -> list[Call]:
        """The calls to the current search endpoint."""
        return [c for c in self.calls if c.path == "/rest/api/3/search/jql"]

    # -- seeding ----------------------------------------------------------------------------------

    def _new_id(self) -> str:
        self._next_id += 1
        return str(self._next_id)

    def _status(self, name: str) -> dict[str, Any]:
        status_id, category = self.statuses[name]
        cat = _STATUS_CATEGORIES[category]
        return {
            "self": f"{self.base_url}/rest/api/3/status/{status_id}",
            "description": "",
            "iconUrl": f"{self.base_url}/images/icons/statuses/generic.png",
            "name": name,
            "id": status_id,
            "statusCategory": {"self": f"{self.base_url}/rest/api/3/statuscategory/{cat['id']}", **cat},
        }

    def _named(self, kind: str, name: str, ident: str) -> dict[str, Any]:
        return {"self": f"{self.base_url}/rest/api/3/{kind}/{ident}", "id": ident, "name": name}

    def _project(self, key: str) -> dict[str, Any]:
        return {
            "self": f"{self.base_url}/rest/api/3/project/{key}",
            "id": str(10000 + zlib.crc32(key.encode()) % 9000),
            "key": key,
            "name": self._project_names[key],
            "projectTypeKey": "software",
            "simplified": False,
            "avatarUrls": {
                "48x48": f"{self.base_url}/rest/api/3/universal_avatar/view/type/project/avatar/10400"
            },
        }

    def _versions(self, name: str | None, released: datetime) -> list[dict[str, Any]]:
        if name is None:
            return []
        version = self._named("version", name, "10100")
        return [
            {
                **version,
                "archived": False,
                "released": True,
                "description": "",
                "releaseDate": released.date().isoformat(),
            }
        ]

    def _seed(self, issue: TrackerIssue) -> None:
        project = issue.project or issue.key.split("-")[0]
        self._project_names.setdefault(project, project.title())
        status_name, resolution = _OUR_STATUS[issue.status]
        resolved = issue.resolved_at or (issue.updated_at if resolution else None)
        labels = [
            *issue.labels,
            *(f"ticket-{t}" for t in issue.linked_ticket_ids),
            *(f"account-{a}" for a in issue.linked_account_ids),
        ]
        category_change = issue.reopened_at or (resolved if resolution else issue.created_at)
        fields: dict[str, Any] = {
            "summary": issue.title,
            "description": text_to_adf(issue.body) if issue.body else None,
            "issuetype": self._issue_type(_OUR_KIND[issue.kind]),
            "status": self._status(status_name),
            "resolution": self._named("resolution", resolution, self.resolutions[resolution])
            if resolution
            else None,
            "resolutiondate": jira_time(resolved, self.zone) if resolution and resolved else None,
            "priority": self._priority(issue.priority.title()) if issue.priority else None,
            "project": self._project(project),
            "labels": labels,
            "components": [
                self._named("component", c, str(11000 + i)) for i, c in enumerate(issue.components)
            ],
            "fixVersions": self._versions(issue.fix_version, issue.created_at),
            "created": jira_time(issue.created_at, self.zone),
            "updated": jira_time(issue.updated_at, self.zone),
            "statuscategorychangedate": jira_time(category_change, self.zone),
            "comment": {"comments": [], "self": "", "maxResults": 0, "total": 0, "startAt": 0},
            "assignee": None,
            "reporter": self._user(),
        }
        issue_id = self._new_id()
        fields["comment"]["self"] = f"{self.base_url}/rest/api/3/issue/{issue_id}/comment"
        self.issues[issue.key] = {
            "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
            "id": issue_id,
            "self": f"{self.base_url}/rest/api/3/issue/{issue_id}",
            "key": issue.key,
            "fields": fields,
        }
        history: list[dict[str, Any]] = []
        if issue.status == "reopened" and issue.resolved_at and issue.reopened_at:
            history = [
                self._history(issue.resolved_at, "In Progress", "Done", resolution="Done"),
                self._history(issue.reopened_at, "Done", "Reopened", resolution=None),
            ]
        self.changelogs[issue.key] = history

    def _history(self, at: datetime, before: str, after: str, *, resolution: str | None) -> dict[str, Any]:
        items = [
            {
                "field": "resolution",
                "fieldtype": "jira",
                "from": None if resolution else "10000",
                "fromString": None if resolution else "Done",
                "to": self.resolutions[resolution] if resolution else None,
                "toString": resolution,
            },
            {
                "field": "status",
                "fieldtype": "jira",
                "fieldId": "status",
                "from": self.statuses[before][0],
                "fromString": before,
                "to": self.statuses[after][0],
                "toString": after,
            },
        ]
        return {
            "id": self._new_id(),
            "author": self._user(),
            "created": jira_time(at, self.zone),
            "items": items,
        }

    def _user(self) -> dict[str, Any]:
        return {
            "self": f"{self.base_url}/rest/api/3/user?accountId=5b10a2844c20165700ede21g",
            "accountId": "5b10a2844c20165700ede21g",
            "emailAddress": self.email,
            "displayName": "Escalation Bot",
            "active": True,
            "timeZone": self.user_timezone,
            "accountType": "atlassian",
        }

    def _issue_type(self, name: str) -> dict[str, Any]:
        ident = ISSUE_TYPES[name]
        return {
            **self._named("issuetype", name, ident),
            "description": "",
            "iconUrl": f"{self.base_url}/rest/api/2/universal_avatar/view/type/issuetype/avatar/10303",
            "subtask": name == "Subtask",
            "avatarId": 10303,
            "hierarchyLevel": 1 if name == "Epic" else 0,
        }

    def _priority(self, name: str) -> dict[str, Any]:
        return {
            **self._named("priority", name, PRIORITIES[name]),
            "iconUrl": f"{self.base_url}/images/icons/priorities/{name.lower()}.svg",
        }

    # -- request plumbing -------------------------------------------------------------------------

    async def _guard(self, request: Request) -> tuple[Call, Response | None]:
        body: Any = None
        if request.method in {"POST", "PUT"}:
            raw = await request.body()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode(errors="replace")
        call = Call(
            request.method,
            request.url.path,
            dict(request.query_params),
            body,
            request.headers.get("authorization"),
        )
        self.calls.append(call)
        return call, self._refuse(call)

    def _refuse(self, call: Call) -> Response | None:
        if self.reject_auth or call.authorization not in self._valid_auth():
            return PlainTextResponse(
                "Client must be authenticated to access this resource.",
                status_code=401,
                headers={"WWW-Authenticate": f'OAuth realm="{self.base_url}"'},
            )
        return self.faults.check(
            call.path,
            lambda status: self._error(status, "You do not have permission to perform this operation."),
        )

    def _valid_auth(self) -> set[str]:
        basic = base64.b64encode(f"{self.email}:{self.api_token}".encode()).decode()
        valid = {f"Basic {basic}"}
        if self.oauth_token:
            valid.add(f"Bearer {self.oauth_token}")
        return valid

    @staticmethod
    def _error(status: int, *messages: str, errors: Mapping[str, str] | None = None) -> JSONResponse:
        return JSONResponse({"errorMessages": list(messages), "errors": dict(errors or {})}, status)

    @staticmethod
    def _done(call: Call, response: Response) -> Response:
        call.status = response.status_code
        return response

    # -- endpoints --------------------------------------------------------------------------------

    async def _legacy_search(self, request: Request) -> Response:
        call, refused = await self._guard(request)
        if refused is not None and refused.status_code == 401:
            return self._done(call, refused)
        return self._done(call, self._error(410, _GONE))

    async def _myself(self, request: Request) -> Response:
        call, refused = await self._guard(request)
        if refused is not None:
            return self._done(call, refused)
        user = {**self._user(), "locale": "en_US", "groups": {"size": 3, "items": []}}
        return self._done(call, JSONResponse(user))

    async def _all_statuses(self, request: Request) -> Response:
        call, refused = await self._guard(request)
        if refused is not None:
            return self._done(call, refused)
        statuses = [{**self._status(name), "untranslatedName": name} for name in self.statuses]
        return self._done(call, JSONResponse(statuses))

    async def _all_resolutions(self, request: Request) -> Response:
        call, refused = await self._guard(request)
        if refused is not None:
            return self._done(call, refused)
        start = int(call.params.get("startAt", 0))
        size = min(int(call.params.get("maxResults", 50)), 50)
        values = [
            {"id": ident, "description": "", "name": name, "isDefault": name == "Done"}
            for name, ident in self.resolutions.items()
        ]
        window = values[start : start + size]
        body = {
            "self": f"{self.base_url}/rest/api/3/resolution/search?startAt={start}&maxResults={size}",
            "maxResults": size,
            "startAt": start,
            "total": len(values),
            "isLast": start + len(window) >= len(values),
            "values": window,
        }
        return self._done(call, JSONResponse(body))

    async def _all_issue_types(self, request: Request) -> Response:
        call, refused = await self._guard(request)
        if refused is not None:
            return self._done(call, refused)
        return self._done(call, JSONResponse([self._issue_type(name) for name in ISSUE_TYPES]))

    async def _search(self, request: Request) -> Response:
        call, refused = await self._guard(request)
        if refused is not None:
            return self._done(call, refused)
        if self.search_removed:
            return self._done(call, self._error(410, "This endpoint has been removed."))
        if request.method == "POST":
            if not isinstance(call.body, dict):
                return self._done(
                    call,
                    self._error(
                        400, "Invalid request payload. Refer to the REST API documentation and try again."
                    ),
                )
            params = call.body
        else:
            params = {**call.params}
            if "fields" in params:
                params["fields"] = params["fields"].split(",")
        return self._done(call, self._run_search(params))

    def _run_search(self, params: Mapping[str, Any]) -> Response:
        jql = params.get("jql")
        if not isinstance(jql, str):
            return self._error(400, "The 'jql' parameter is required.")
        try:
            parsed = parse_query(jql, self._jql_fields())
            if parsed.where is None:
                return self._error(
                    400,
                    "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.",
                )
            scored = [
                (score, raw)
                for raw in self.issues.values()
                if (score := evaluate(parsed.where, raw, self._jql_fields(), parse_date=self._jql_date))
            ]
        except QueryError as exc:
            return self._error(400, f"Error in the JQL Query: {exc}")
        ordered = sort_records(scored, parsed.order, self._sort_key)
        try:
            size = min(int(params.get("maxResults", 50)), self.max_results_cap)
        except (TypeError, ValueError):
            return self._error(400, "maxResults must be a number.")
        digest = hashlib.sha256(jql.encode()).hexdigest()[:16]
        offset = 0
        token = params.get("nextPageToken")
        if token:
            try:
                position = json.loads(base64.urlsafe_b64decode(str(token).encode()))
                if position["q"] != digest:
                    raise ValueError
                offset = int(position["o"])
            except (ValueError, KeyError, TypeError):
                return self._error(400, "The provided next page token is invalid or expired.")
        window = ordered[offset : offset + max(size, 0)]
        wanted = params.get("fields")
        body: dict[str, Any] = {"issues": [self._shape(raw, wanted) for raw in window]}
        if offset + len(window) < len(ordered):
            body["nextPageToken"] = base64.urlsafe_b64encode(
                json.dumps({"q": digest, "o": offset + len(window)}).encode()
            ).decode()
            body["isLast"] = False
        else:
            body["isLast"] = True
        return JSONResponse(body)

    def _shape(self, raw: Mapping[str, Any], wanted: Any) -> dict[str, Any]:
        shaped = {k: v for k, v in raw.items() if k != "fields"}
        if not wanted:
            return {"id": raw["id"]}
        names = [wanted] if isinstance(wanted, str) else list(wanted)
        if any(n in {"*all", "*navigable"} for n in names):
            shaped["fields"] = dict(raw["fields"])
        else:
            shaped["fields"] = {n: raw["fields"][n] for n in names if n in raw["fields"]}
        return shaped

    async def _get_issue(self, request: Request) -> Response:
        call, refused = await self._guard(request)
        if refused is not None:
            return self._done(call, refused)
        key = request.path_params["key"]
        raw = self.issues.get(key) or next((i for i in self.issues.values() if i["id"] == key), None)
        if raw is None:
            return self._done(
                call, self._error(404, "Issue does not exist or you do not have permission to see it.")
            )
        wanted = call.params.get("fields")
        shaped = self._shape(raw, wanted.split(",") if wanted else ["*all"])
        if "changelog" in call.params.get("expand", "").split(","):
            histories = self.changelogs.get(raw["key"], [])
            shaped["changelog"] = {
                "startAt": 0,
                "maxResults": len(histories),
                "total": len(histories),
                "histories": histories,
            }
        return self._done(call, JSONResponse(shaped))

    async def _create(self, request: Request) -> Response:
        call, refused = await self._guard(request)
        if refused is not None:
            return self._done(call, refused)
        payload = call.body.get("fields") if isinstance(call.body, dict) else None
        if not isinstance(payload, dict):
            return self._done(
                call,
                self._error(
                    400, "Invalid request payload. Refer to the REST API documentation and try again."
                ),
            )
        errors: dict[str, str] = {}
        project = (payload.get("project") or {}).get("key")
        if project not in self._project_names:
            errors["project"] = "valid project is required"
        issue_type = (payload.get("issuetype") or {}).get("name")
        if issue_type not in ISSUE_TYPES:
            errors["issuetype"] = "The issue type selected is invalid."
        summary = payload.get("summary")
        if not isinstance(summary, str) or not summary.strip():
            errors["summary"] = "You must specify a summary of the issue."
        elif "\n" in summary or len(summary) > 255:
            errors["summary"] = "Summary must be less than 255 characters and on one line."
        description = payload.get("description")
        if description is not None and adf_problem(description):
            errors["description"] = (
                "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
            )
        priority = payload.get("priority")
        if priority is not None and (priority or {}).get("name") not in PRIORITIES:
            errors["priority"] = "Specify the Priority (name) in the string format"
        labels = payload.get("labels", [])
        for label in labels:
            if not isinstance(label, str) or re.search(r"\s", label) or not label or len(label) > 255:
                errors["labels"] = f"The label '{label}' contains spaces which is invalid."
        if errors:
            return self._done(call, self._error(400, errors=errors))
        number = 1 + max(
            (int(k.split("-")[1]) for k in self.issues if k.startswith(f"{project}-")), default=0
        )
        key = f"{project}-{number}"
        issue_id = self._new_id()
        now = jira_time(self.now(), self.zone)
        self.issues[key] = {
            "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
            "id": issue_id,
            "self": f"{self.base_url}/rest/api/3/issue/{issue_id}",
            "key": key,
            "fields": {
                "summary": summary,
                "description": description,
                "issuetype": self._issue_type(issue_type),
                "status": self._status("To Do"),
                "resolution": None,
                "resolutiondate": None,
                "priority": self._priority(priority["name"]) if priority else self._priority("Medium"),
                "project": self._project(project),
                "labels": list(labels),
                "components": [],
                "fixVersions": [],
                "created": now,
                "updated": now,
                "statuscategorychangedate": now,
                "comment": {"comments": [], "self": "", "maxResults": 0, "total": 0, "startAt": 0},
                "assignee": None,
                "reporter": self._user(),
            },
        }
        self.changelogs[key] = []
        created = {"id": issue_id, "key": key, "self": f"{self.base_url}/rest/api/3/issue/{issue_id}"}
        return self._done(call, JSONResponse(created, 201))

    # -- JQL over Jira's JSON ---------------------------------------------------------------------

    def _jql_fields(self) -> dict[str, FieldSpec]:
        def names(path: str, *keys: str) -> Callable[[Any], list[str]]:
            def get(raw: Any) -> list[str]:
                value = raw["fields"].get(path)
                if not isinstance(value, dict):
                    return []
                return [str(value[k]) for k in keys if value.get(k) is not None]

            return get

        def category(raw: Any) -> list[str]:
            cat = raw["fields"]["status"]["statusCategory"]
            return [cat["name"], cat["key"], str(cat["id"])]

        def text(*paths: str) -> Callable[[Any], str]:
            def get(raw: Any) -> str:
                fields = raw["fields"]
                parts = []
                for path in paths:
                    if path == "comment":
                        parts.extend(adf_plain(c.get("body")) for c in fields["comment"]["comments"])
                    elif path == "description":
                        parts.append(adf_plain(fields.get("description")))
                    else:
                        parts.append(str(fields.get(path) or ""))
                return " ".join(parts)

            return get

        def when(path: str) -> Callable[[Any], datetime | None]:
            return lambda raw: (
                datetime.fromisoformat(raw["fields"][path]) if raw["fields"].get(path) else None
            )

        project = names("project", "key", "name", "id")
        issue_type = names("issuetype", "name", "id")

        def known_projects() -> set[str]:
            return {
                v
                for key in self._project_names
                for v in (key, self._project_names[key], self._project(key)["id"])
            }

        types = FieldSpec("value", issue_type, known=lambda: {*ISSUE_TYPES, *ISSUE_TYPES.values()})
        return {
            "project": FieldSpec("value", project, known=known_projects),
            "issuetype": types,
            "type": types,
            "status": FieldSpec(
                "value",
                names("status", "name", "id"),
                known=lambda: {v for name, (ident, _) in self.statuses.items() for v in (name, ident)},
            ),
            "statuscategory": FieldSpec(
                "value",
                category,
                known=lambda: {
                    str(v)
                    for cat in _STATUS_CATEGORIES.values()
                    for v in (cat["name"], cat["key"], cat["id"])
                },
            ),
            "resolution": FieldSpec(
                "value",
                names("resolution", "name", "id"),
                known=lambda: {*self.resolutions, *self.resolutions.values()},
            ),
            "priority": FieldSpec(
                "value", names("priority", "name", "id"), known=lambda: {*PRIORITIES, *PRIORITIES.values()}
            ),
            "labels": FieldSpec("value", lambda raw: list(raw["fields"].get("labels") or [])),
            "key": FieldSpec("value", lambda raw: [raw["key"], raw["id"]]),
            "issuekey": FieldSpec("value", lambda raw: [raw["key"], raw["id"]]),
            "fixversion": FieldSpec(
                "value", lambda raw: [v["name"] for v in raw["fields"].get("fixVersions") or []]
            ),
            "text": FieldSpec("text", text("summary", "description", "comment")),
            "summary": FieldSpec("text", text("summary")),
            "description": FieldSpec("text", text("description")),
            "comment": FieldSpec("text", text("comment")),
            "created": FieldSpec("date", when("created")),
            "updated": FieldSpec("date", when("updated")),
            "resolved": FieldSpec("date", when("resolutiondate")),
        }

    def _jql_date(self, value: str) -> datetime:
        relative = _RELATIVE.match(value.strip())
        if relative:
            sign = -1 if relative.group(1) == "-" else 1
            unit = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}[relative.group(3)]
            return self.now() + sign * timedelta(**{unit: int(relative.group(2))})
        for pattern in ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d"):
            try:
                return datetime.strptime(value.strip(), pattern).replace(tzinfo=self.zone)
            except ValueError:
                continue
        raise QueryError(
            f"Date value '{value}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', "
            "'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'."
        )

    @staticmethod
    def _sort_key(raw: Any, name: str) -> Any:
        fields = raw["fields"]
        if name in {"updated", "created"}:
            return datetime.fromisoformat(fields[name])
        if name in {"key", "issuekey"}:
            project, number = raw["key"].split("-")
            return (project, int(number))
        if name == "priority":
            return int((fields.get("priority") or {}).get("id", 99))
        return str(fields.get(name) or "")


__all__ = [
    "API_TOKEN",
    "EMAIL",
    "SITE",
    "AtlassianFaults",
    "Call",
    "FieldSpec",
    "JiraFake",
    "ParsedQuery",
    "QueryError",
    "TextQuery",
    "adf_plain",
    "adf_problem",
    "evaluate",
    "jira_time",
    "parse_query",
    "sort_records",
    "text_to_adf",
]
