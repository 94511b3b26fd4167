"""The Atlassian query language subset the Jira and Confluence fakes evaluate (JQL and CQL), and the
Lucene text queries of their ``~`` clauses."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal


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


__all__ = [
    "BoolNode",
    "Clause",
    "FieldSpec",
    "ParsedQuery",
    "QueryError",
    "TextQuery",
    "evaluate",
    "parse_query",
    "sort_records",
]
