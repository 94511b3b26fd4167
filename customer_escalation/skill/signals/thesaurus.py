"""The domain's vocabulary: words support leads, customers and engineers use for the same thing.

A lead types "crashes", the ticket says "fatal exception"; a lead types "pictures", the customer "images";
a lead types "tech chief", the customer signs "CTO". Each group below holds words used interchangeably
for one symptom or subject. Retrieval uses it to search for what the issue means, not only for the words
it happens to use.
"""

from __future__ import annotations

import re
from functools import cache

GROUPS: tuple[tuple[str, ...], ...] = (
    ("error", "exception", "fatal", "crash", "failure", "traceback", "500", "bug"),
    ("slow", "latency", "timeout", "lag", "delay", "performance", "sluggish", "crawling", "seconds"),
    ("down", "outage", "unavailable", "unreachable", "offline", "broken", "dead"),
    ("login", "log", "sign", "signin", "sso", "session", "authentication", "logged"),
    ("logout", "signout", "session", "cookie"),
    ("image", "picture", "photo", "media", "thumbnail", "gallery"),
    ("edit", "revision", "revert", "save", "change"),
    ("wrong", "incorrect", "corrupt", "unrelated", "different", "mixed"),
    ("missing", "lost", "dropped", "deleted", "gone", "disappeared", "drop"),
    ("row", "record", "entry", "mutation", "line"),
    ("import", "upload", "ingest", "bulk", "load"),
    ("export", "download", "csv", "backup"),
    ("duplicate", "double", "twice", "repeated"),
    ("count", "counter", "total", "overcount", "tally"),
    ("leak", "exposure", "exposed", "visible", "private", "hash", "credential", "token", "password"),
    ("contractor", "outsider", "vendor", "replica", "analyst"),
    ("competitor", "alternative", "churn", "cancel", "leave", "renewal", "renew", "vendor"),
    ("ceo", "cto", "cfo", "coo", "vp", "leadership", "executive", "board", "chief", "boss"),
    ("tenant", "customer", "wiki", "workspace", "space", "organization", "org"),
    ("migration", "upgrade", "deploy", "release", "charset", "encoding", "rollout"),
    ("page", "article", "wiki", "space"),
    ("api", "integration", "endpoint", "sync", "call", "request", "query"),
    ("task", "board", "card", "ticket"),
    ("restart", "reboot", "rolling", "node", "cluster"),
    ("refund", "return", "credit", "exception", "policy"),
    ("address", "url", "subdomain", "domain", "link"),
    ("alert", "notification", "reminder", "notify", "paged", "sms"),
    ("typo", "misspelled", "misspelling", "spelling", "spelled"),
    ("reach", "find", "access", "open", "found"),
)

SYMPTOMS: frozenset[str] = frozenset(
    {"error", "slow", "down", "wrong", "missing", "duplicate", "leak", "competitor", "ceo", "typo", "reach"}
)
"""Groups (named by their first word) that say what went wrong rather than what it went wrong with."""

_WORD = re.compile(r"[a-z0-9]+")


@cache
def _index() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for group in GROUPS:
        for word in group:
            index.setdefault(word, []).extend(w for w in group if w != word)
    return {k: tuple(dict.fromkeys(v)) for k, v in index.items()}


def _base(word: str) -> str:
    for suffix in ("ies", "es", "s", "ing", "ed", "er"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            candidate = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            if candidate in _index():
                return candidate
    return word


def related_words(text: str, limit: int = 12) -> list[str]:
    """Words the domain uses for what `text` says, not already in `text`, most specific groups first."""
    words = [_base(w) for w in _WORD.findall(text.lower())]
    present = set(words)
    found: list[str] = []
    for word in words:
        for other in _index().get(word, ()):
            if other not in present and other not in found:
                found.append(other)
    return found[:limit]


def topics(text: str) -> frozenset[str]:
    """The groups `text` touches, each named by its first word (``{"image", "down"}``)."""
    words = {_base(w) for w in _WORD.findall(text.lower())}
    return frozenset(g[0] for g in GROUPS if words & set(g))


def subjects(text: str) -> frozenset[str]:
    """The groups `text` touches that name what is affected (images, the API, login), not the symptom."""
    return topics(text) - SYMPTOMS


__all__ = ["GROUPS", "SYMPTOMS", "related_words", "subjects", "topics"]
