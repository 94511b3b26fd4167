"""The SOQL the Salesforce fake understands, with Salesforce's own semantics.

`SELECT fields FROM object [WHERE condition] [ORDER BY field [ASC|DESC] [NULLS FIRST|LAST], ...]
[LIMIT n] [OFFSET n]`, where a condition combines `field = | != | LIKE value` and `field [NOT] IN (...)`
with AND, OR, NOT and parentheses, and fields may follow a relationship (`Owner.Name`, `Account.Type`).
String literals take SOQL's backslash escapes (`\\'`, `\\\\`, `\\n`, ... and `\\%`, `\\_` in LIKE); `=`
and LIKE ignore case, as in Salesforce. Text the grammar does not allow is a `MalformedQueryError`; an
unknown field an `InvalidFieldError`, as Salesforce reports them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Record = Mapping[str, Any]
Resolve = Callable[[Record, str], Any]
Predicate = Callable[[Record, Resolve], bool]

_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^'\\]|\\.)*')|(?P<number>\d+(?:\.\d+)?)|"
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)|(?P<op>!=|<=|>=|[=<>(),]))"
)
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
_MAX_OFFSET = 2000


class SoqlError(Exception):
    code = "MALFORMED_QUERY"


class MalformedQueryError(SoqlError):
    pass


class InvalidFieldError(SoqlError):
    code = "INVALID_FIELD"


class OutOfRangeError(SoqlError):
    code = "NUMBER_OUTSIDE_VALID_RANGE"


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


@dataclass(frozen=True)
class Order:
    field: str
    descending: bool
    nulls_last: bool


@dataclass
class Query:
    fields: list[str]
    sobject: str
    where: Predicate | None = None
    order: list[Order] = field(default_factory=list)
    limit: int | None = None
    offset: int = 0
    referenced: list[str] = field(default_factory=list)
    """Every field the query names outside SELECT, for the schema check."""


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text.rstrip()):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise MalformedQueryError(f"unexpected token at character {position}: {text[position:][:20]!r}")
        kind = match.lastgroup or ""
        tokens.append(Token(kind, match.group(kind)))
        position = match.end()
    return tokens


def _decode(raw: str, *, like: bool) -> str:
    """A literal's text; in a LIKE pattern, a regular expression."""
    out: list[str] = []
    chars = iter(raw[1:-1])
    for ch in chars:
        if ch == "\\":
            escaped = next(chars)
            if escaped in _ESCAPES:
                out.append(re.escape(_ESCAPES[escaped]) if like else _ESCAPES[escaped])
            elif escaped in "%_" and like:
                out.append(re.escape(escaped))
            else:
                raise MalformedQueryError(f"invalid escape sequence \\{escaped} in a string literal")
        elif like and ch == "%":
            out.append(".*")
        elif like and ch == "_":
            out.append(".")
        else:
            out.append(re.escape(ch) if like else ch)
    return "".join(out)


def _equals(name: str, value: Any, wanted: Any) -> bool:
    """Text compares without case; ids compare exactly, a 15-character id equal to its 18-character form."""
    if isinstance(value, str) and isinstance(wanted, str):
        if name.endswith("Id"):
            return value[:15] == wanted[:15] and {len(value), len(wanted)} <= {15, 18}
        return value.lower() == wanted.lower()
    return bool(value == wanted)


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.at = 0
        self.referenced: list[str] = []

    def peek(self, *words: str) -> bool:
        if self.at >= len(self.tokens):
            return False
        token = self.tokens[self.at]
        return token.text.upper() in words if token.kind in {"name", "op"} else False

    def take(self, kind: str | None = None, word: str | None = None) -> Token:
        if self.at >= len(self.tokens):
            raise MalformedQueryError("unexpected end of query")
        token = self.tokens[self.at]
        if (kind and token.kind != kind) or (word and token.text.upper() != word):
            raise MalformedQueryError(f"unexpected token: {token.text!r}")
        self.at += 1
        return token

    def name(self) -> str:
        text = self.take("name").text
        self.referenced.append(text)
        return text

    def query(self) -> Query:
        self.take("name", "SELECT")
        fields = [self.take("name").text]
        while self.peek(","):
            self.take()
            fields.append(self.take("name").text)
        self.take("name", "FROM")
        result = Query(fields, self.take("name").text)
        if self.peek("WHERE"):
            self.take()
            result.where = self.disjunction()
        if self.peek("ORDER"):
            self.take()
            self.take("name", "BY")
            result.order = [self.order()]
            while self.peek(","):
                self.take()
                result.order.append(self.order())
        if self.peek("LIMIT"):
            self.take()
            result.limit = int(self.take("number").text)
        if self.peek("OFFSET"):
            self.take()
            result.offset = int(self.take("number").text)
            if result.offset > _MAX_OFFSET:
                raise OutOfRangeError(f"Maximum SOQL offset allowed is {_MAX_OFFSET}")
        if self.at != len(self.tokens):
            raise MalformedQueryError(f"unexpected token: {self.tokens[self.at].text!r}")
        result.referenced = self.referenced
        return result

    def order(self) -> Order:
        name = self.name()
        descending = False
        if self.peek("ASC", "DESC"):
            descending = self.take().text.upper() == "DESC"
        nulls_last = descending
        if self.peek("NULLS"):
            self.take()
            nulls_last = self.take("name").text.upper() == "LAST"
        return Order(name, descending, nulls_last)

    def disjunction(self) -> Predicate:
        parts = [self.conjunction()]
        while self.peek("OR"):
            self.take()
            parts.append(self.conjunction())
        return lambda record, resolve: any(p(record, resolve) for p in parts)

    def conjunction(self) -> Predicate:
        parts = [self.factor()]
        while self.peek("AND"):
            self.take()
            parts.append(self.factor())
        return lambda record, resolve: all(p(record, resolve) for p in parts)

    def factor(self) -> Predicate:
        if self.peek("NOT"):
            self.take()
            inner = self.factor()
            return lambda record, resolve: not inner(record, resolve)
        if self.peek("("):
            self.take()
            inner = self.disjunction()
            self.take("op", ")")
            return inner
        return self.comparison()

    def value(self) -> Any:
        token = self.take()
        if token.kind == "string":
            return _decode(token.text, like=False)
        if token.kind == "number":
            return float(token.text)
        words = {"TRUE": True, "FALSE": False, "NULL": None}
        if token.kind == "name" and token.text.upper() in words:
            return words[token.text.upper()]
        raise MalformedQueryError(f"unexpected token: {token.text!r}")

    def comparison(self) -> Predicate:
        name = self.name()
        negate = self.peek("NOT")
        if negate:
            self.take()
        if self.peek("IN"):
            self.take()
            self.take("op", "(")
            options = [self.value()]
            while self.peek(","):
                self.take()
                options.append(self.value())
            self.take("op", ")")
            return lambda r, resolve: negate != any(_equals(name, resolve(r, name), o) for o in options)
        if negate:
            raise MalformedQueryError("NOT must be followed by IN here")
        if self.peek("LIKE"):
            self.take()
            pattern = re.compile(_decode(self.take("string").text, like=True), re.IGNORECASE | re.DOTALL)
            return lambda r, resolve: isinstance(v := resolve(r, name), str) and bool(pattern.fullmatch(v))
        operator = self.take("op").text
        wanted = self.value()
        if operator == "=":
            return lambda r, resolve: _equals(name, resolve(r, name), wanted)
        if operator == "!=":
            return lambda r, resolve: not _equals(name, resolve(r, name), wanted)
        raise MalformedQueryError(f"unsupported operator {operator}")


def parse(text: str) -> Query:
    """The query `text` says, or the error Salesforce would answer."""
    return _Parser(tokenize(text)).query()


def _sort_key(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def run(query: Query, records: Sequence[Record], resolve: Resolve) -> list[Record]:
    """The records `query` selects, in its order, after its OFFSET and LIMIT."""
    found = [r for r in records if query.where is None or query.where(r, resolve)]
    for order in reversed(query.order):
        present = [r for r in found if resolve(r, order.field) is not None]
        missing = [r for r in found if resolve(r, order.field) is None]
        present.sort(key=lambda r, f=order.field: _sort_key(resolve(r, f)), reverse=order.descending)
        found = present + missing if order.nulls_last else missing + present
    end = None if query.limit is None else query.offset + query.limit
    return found[query.offset : end]


def check_fields(query: Query, known: Callable[[str, str], bool]) -> None:
    """Raise `InvalidFieldError` for the first field the object does not have."""
    for name in [*query.fields, *query.referenced]:
        if not known(query.sobject, name):
            raise InvalidFieldError(
                f"No such column '{name}' on entity '{query.sobject}'. If you meant a custom field, "
                "check its API name ends in __c."
            )


__all__ = ["InvalidFieldError", "MalformedQueryError", "Query", "SoqlError", "check_fields", "parse", "run"]
