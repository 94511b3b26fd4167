"""What the graders look up in a scenario's world: its text, words, ids, phone numbers and amounts.

Each is computed once per world on first use and kept for the last worlds graded.
"""

from __future__ import annotations

import re
from functools import cached_property

from ...connectors.records import Dataset

_KEY = re.compile(r"\b[A-Z][A-Z0-9]{1,9}-\d{1,7}\b")
_NUMBER = r"#?\d+(?![\d./:-])"
_TICKET_NUMBERS = re.compile(
    rf"(?i)\btickets?\s+({_NUMBER}(?:(?:\s*,\s*|\s+and\s+){_NUMBER})*)|#(\d{{3,}})\b"
)
_NOT_IDS = frozenset(
    {"UTF-8", "UTF-16", "SHA-1", "SHA-256", "SHA-512", "ISO-8601", "AES-128", "AES-256", "HTTP-2"}
)
_MONEY = re.compile(
    r"(?:\$|\bUSD\s?)\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(k|K|m|M|bn|million|thousand|billion)?\b"
)
_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
PHONE = re.compile(
    r"(?<![\w.-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)\s?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w-])"
    r"|(?<![\w.-])\+\d{1,3}(?:[ .-]\d{2,4}){2,4}(?![\w-])"
)


class Facts:
    """What the grounding and PII checks look up in a world, each computed once per world on first use
    (phone numbers and amounts in a large world's text take a while to find, and most outputs need
    neither)."""

    def __init__(self, dataset: Dataset) -> None:
        self._dataset = dataset

    @cached_property
    def text(self) -> str:
        return record_text(self._dataset)

    @cached_property
    def words(self) -> frozenset[str]:
        """Every word of the records: whole tokens (``100-event``, ``Lena's``) and their parts."""
        return frozenset(re.findall(r"\w[\w'-]*", self.text)) | frozenset(re.findall(r"\w+", self.text))

    @cached_property
    def ids(self) -> frozenset[str]:
        return frozenset(known_ids(self._dataset))

    @cached_property
    def phones(self) -> frozenset[str]:
        digits = {re.sub(r"\D", "", m.group(0)) for m in PHONE.finditer(self.text)}
        return frozenset(d for d in digits if len(d) >= 7)

    @cached_property
    def amounts(self) -> tuple[float, ...]:
        return tuple(value for _, value, _ in money_amounts(self.text))


_FACTS: dict[int, tuple[Dataset, Facts]] = {}
_FACTS_KEPT = 64


def facts_of(dataset: Dataset) -> Facts:
    cached = _FACTS.get(id(dataset))
    if cached is not None and cached[0] is dataset:
        return cached[1]
    facts = Facts(dataset)
    if len(_FACTS) >= _FACTS_KEPT:
        _FACTS.pop(next(iter(_FACTS)))
    _FACTS[id(dataset)] = (dataset, facts)
    return facts


def record_text(dataset: Dataset, issue: str = "") -> str:
    """Every text and id in the records, for checking that a token was not made up."""
    parts = [issue]
    for ticket in dataset.tickets:
        parts += [ticket.id, ticket.subject, ticket.description, *ticket.linked_issue_keys, *ticket.tags]
        parts += [c.body for c in ticket.comments]
    for account in dataset.accounts:
        parts += [account.id, account.name, *account.domains]
    parts += [o.id for o in dataset.opportunities] + [o.name for o in dataset.opportunities]
    for message in dataset.messages:
        parts += [message.id, message.text]
    for issue_record in dataset.issues:
        parts += [issue_record.key, issue_record.title, issue_record.body, issue_record.fix_version or ""]
        parts += list(issue_record.linked_ticket_ids)
    for article in dataset.articles:
        parts += [article.id, article.title, article.body, article.workaround or ""]
    return "\n".join(parts)


def id_tokens(text: str) -> set[str]:
    """Tokens that look like record ids: tracker and article keys (``ENG-123``, ``KB-12``), ticket numbers."""
    tokens = {m.group(0) for m in _KEY.finditer(text)} - _NOT_IDS
    for match in _TICKET_NUMBERS.finditer(text):
        if match.group(1):
            tokens |= set(re.findall(r"\d+", match.group(1)))
        elif match.group(2):
            tokens.add(match.group(2))
    return tokens


def known_ids(dataset: Dataset) -> set[str]:
    ids = {t.id for t in dataset.tickets} | {i.key for i in dataset.issues} | {a.id for a in dataset.articles}
    ids |= {a.id for a in dataset.accounts} | {o.id for o in dataset.opportunities}
    ids |= {m.id for m in dataset.messages}
    return ids


def money_amounts(text: str) -> list[tuple[str, float, bool]]:
    """(as written, value in dollars, abbreviated) for every money amount in `text`."""
    found = []
    for match in _MONEY.finditer(text):
        number = float(match.group(1).replace(",", "") + (match.group(2) or ""))
        scale = match.group(3)
        if scale:
            number *= _SCALE[scale.lower()]
        found.append((match.group(0).strip(), number, bool(scale)))
    return found


__all__ = ["PHONE", "Facts", "facts_of", "id_tokens", "known_ids", "money_amounts", "record_text"]
