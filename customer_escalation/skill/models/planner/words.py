"""Words for the offline planner: stop words, stems, tokens and how much a matching term weighs."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from ...signals import normalise


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = word_set(
    """
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each either few for from
    further had has have having he her here hers him his how i if in into is it its itself just let
    me more most my no nor not now of off on once only or other our ours out over own same she
    should so some such than that the their theirs them then there these they this those through to
    too under until up upon very via was we were what when where which while who whom why will with
    would you your yours us whether once ask asks asked asking want wants wanted wonder wonders
    come comes came coming go goes going went seem seems seemed keep keeps kept
    maybe perhaps probably possibly apparently likely think thinks guess
    something anything everything stuff thing things somehow
    """
)
"""English function words (and the verbs of a request, and hedges); never terms."""

META_WORDS = word_set(
    """
    customer customers client clients account accounts report reports reported
    reporting affecting affect affects affected everyone everybody every several multiple many week
    weeks today yesterday day days month months since open opened escalate escalation urgent
    urgently please issue issues problem problems help say says said told tell threatening threaten
    threatens threat churn churning cancel cancelling renew renewal enterprise business pro free
    tier plan segment back again still fixed supposedly ago hour hours minutes morning afternoon
    evening night tonight overnight weekend one two three four five six seven eight nine ten time
    times
    """
)
"""Words about the escalation rather than the symptom: signals, time, audience. Dropped from terms."""


_PHRASES = (
    (re.compile(r"\b(?:saml|single sign[\s-]?on)\b", re.IGNORECASE), " sso "),
    (re.compile(r"\b(?:sign|log)(?:ging)?[\s-]?(?:in|on)s?\b", re.IGNORECASE), " login "),
    (re.compile(r"\be-?mails?\b", re.IGNORECASE), " email "),
    (re.compile(r"\b(?:twice|doubled?)\b", re.IGNORECASE), " duplicate "),
    (re.compile(r"\b5xx\b", re.IGNORECASE), " 500 "),
    (re.compile(r"\brecords\b", re.IGNORECASE), " rows "),
    (
        re.compile(r"\b(?:okta|onelogin|entra id|azure ad|jumpcloud|ping ?(?:identity|federate))\b", re.I),
        r"\g<0> sso ",
    ),
    (
        re.compile(
            r"\b(?:bounc(?:e|es|ed|ing)|(?:sent|sends?|kicked|thrown|taken) (?:us |them |users |me )?back|"
            r"returns? to|returned to|redirect(?:s|ed|ing)?)\b",
            re.I,
        ),
        " redirect ",
    ),
    (re.compile(r"\bscreens?\b", re.I), " page "),
    (re.compile(r"\b(?:in|mail)box(?:es)?\b", re.I), " email "),
    (
        re.compile(
            r"\b(?:someone|somebody) else'?s\b|\b(?:a |an )?(?:different|other|another) "
            r"(?:company|customer|tenant|organi[sz]ation|workspace)(?:'?s)?\b",
            re.I,
        ),
        " othertenant ",
    ),
)
"""Spellings of the same thing folded together before tokenising."""

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_KEEP_ENDINGS = ("ss", "us", "is", "os")


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A light suffix-stripping stem: `rows`/`row`, `stopped`/`stop`, `rotating`/`rotation`/`rotate`."""
    word = word.lower().removesuffix("'s")
    if word.isdigit():
        return word
    if re.fullmatch(r"\d+s", word):
        return word[:-1]
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(_KEEP_ENDINGS) and len(word) > 3:
        word = word[:-1]
    for suffix in ("ingly", "edly", "ing", "ied", "ed", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + ("y" if suffix == "ied" else "")
            break
    if word.endswith("ion") and len(word) >= 7:
        word = word[:-3]
    if len(word) >= 4 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz" and word[-1].isalpha():
        word = word[:-1]
    return word


def folded(text: str) -> str:
    """Lowercased text with known spellings of one thing folded together."""
    out = normalise(text).lower()
    for pattern, replacement in _PHRASES:
        out = pattern.sub(replacement, out)
    return out


def tokens(text: str) -> list[str]:
    """Stemmed tokens of `text`, stopwords included (callers filter)."""
    return [stem(t) for t in _TOKEN.findall(folded(text))]


def token_set(text: str) -> frozenset[str]:
    return frozenset(tokens(text))


def bigrams(stems: list[str]) -> frozenset[tuple[str, str]]:
    """Adjacent pairs of content stems (stopwords skipped), for phrase matches like `audit log`."""
    content = [t for t in stems if t not in STOPWORDS]
    return frozenset(pairwise(content))


_GENERIC = {
    "data": 0.4,
    "another": 0.3,
    "different": 0.3,
    "user": 0.5,
    "error": 0.6,
    "fail": 0.5,
    "work": 0.4,
    "feature": 0.3,
    "api": 0.6,
    "page": 0.4,
    "app": 0.4,
    "id": 0.4,
    "url": 0.5,
    "see": 0.3,
    "get": 0.3,
    "return": 0.4,
    "chang": 0.4,
    "new": 0.3,
    "miss": 0.6,
    "way": 0.2,
    "without": 0.3,
    "set": 0.3,
    "use": 0.3,
    "can't": 0.3,
    "cannot": 0.3,
}
GENERIC_WEIGHTS = {stem(word): weight for word, weight in _GENERIC.items()}
"""Stems that carry little on their own; rare words, codes and product nouns weigh more."""


CODE_WEIGHT = 2.0
"""The weight of error codes and identifiers: 403, S3, AccessDenied."""


def term_weight(term: str, original: str) -> float:
    """How much a matching term says about relevance."""
    if term in GENERIC_WEIGHTS:
        return GENERIC_WEIGHTS[term]
    if any(ch.isdigit() for ch in term) or re.search(r"[a-z][A-Z]", original):
        return CODE_WEIGHT
    if original.isupper() and len(original) >= 3:
        return 1.5
    return 1.3 if len(term) >= 7 else 1.0
