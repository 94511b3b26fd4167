"""Text to findings: which kinds of problem a text reports, where, and in what context.

Detection runs sentence by sentence. The lexicon proposes a match; the context around it decides what
the match means, in the manner of clinical text's NegEx/ConText rules:

- **negated**: a negation governs the match ("it is not an outage", "no data was lost", "we have no plans
  to leave"). Its scope runs from the cue to the end of the clause, at most a few words.
- **hypothetical**: a condition, counterfactual or generic statement ("if you can't find a wiki", "could
  have had the outage instead", "any outage is critical to someone"). Threats are exempt: "if this happens
  again we will leave" is a real churn risk.
- **reference**: a past incident named only as a point in time or a cause ("since the November outage",
  "given the data loss"): the text is about something else.
- **environment**: ``test`` when the sentence places the problem in a test, staging, UAT or sandbox
  environment (and does not deny it: "not our staging system, the real production site"); there a
  system being down is not production down, but lost data is still lost data.

Only findings that are neither negated, hypothetical nor references count as signals (`Finding.counts`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Literal, get_args

from ...connectors.text import strip_invisible
from .lexicon import LEXICON

Environment = Literal["production", "test"]

PublicKind = Literal[
    "production_down",
    "degraded",
    "data_loss",
    "security",
    "multi_customer",
    "churn_risk",
    "executive",
    "workaround_failed",
    "feature_request",
    "how_to",
    "test_environment",
    "resolved",
]
PUBLIC_KINDS: tuple[str, ...] = get_args(PublicKind)
"""The kinds a person sees (the `signals` command, the MCP tools, model findings)."""

_THREATS = frozenset(
    {"churn_risk", "executive", "how_to", "feature_request", "legal", "reputation", "exception", "security"}
)
"""Kinds whose conditional mention is still the signal ("if ..., we will cancel"; "any user can read")."""
_DOWN_IN_TEST = frozenset({"production_down", "degraded", "blocked", "multi_customer"})
"""Kinds that a test environment takes away: a staging site being down is not production down."""
_REFERENCED = frozenset({"production_down", "data_loss", "degraded"})

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "‐": "-", "‑": "-", "–": "-", "—": "-"})
_SENTENCE = re.compile(r"[^\n.!?]*(?:[.!?]+(?=\s|$)|\n|$)|[^\n]+", re.MULTILINE)
_CLAUSE_BREAK = re.compile(
    r"[;:]|\s-\s|,\s*(?:but|however|so|and then|which|although|though|yet|while|whereas)\b|\b(?:but|however|"
    r"although|though|whereas|instead|rather)\b|,\s*(?:i|we|it|they|you|he|she|this|there|so)\b|\bjust\b|"
    r"\b(?:i|we|they|he|she|you)\s+(?=(?:will|would|shall)\b)|"
    r"\b(?:i|we|they|he|she|you)(?:'ll|'d)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"(?<![\w'])(?:not|no|never|nothing|nobody|none|neither|nor|without|cannot|can't|isn't|wasn't|aren't|"
    r"weren't|don't|doesn't|didn't|won't|haven't|hasn't|hadn't|shouldn't|wouldn't|couldn't|free of|"
    r"ruled out|rule out|instead of|rather than|denies|deny|false alarm)(?![\w'])",
    re.IGNORECASE,
)
_PSEUDO_NEGATION = re.compile(
    r"\b(?:not only|not just|no longer|no doubt|not sure|no idea|not certain|nothing but|no later than|"
    r"no more than|not until|no one can|nobody can|none of|without (?:it|this|that|them)|"
    r"(?:did|does|do|has|have|had)\s*(?:n't|\s+not)\s+(?:fix|resolve|solve|stop|cure|address|help)\w*)\b",
    re.IGNORECASE,
)
_HYPOTHETICAL = re.compile(
    r"(?<![\w'])(?:if|unless|in case|whether|could have|would have|might have|should have|could've|"
    r"would've|might've|hypothetically|imagine|suppose|supposing|what if|in the event|would be|"
    r"almost never|rarely)"
    r"(?![\w'])",
    re.IGNORECASE,
)
_REFERENCE = re.compile(
    r"\b(?:since|after|following|given|because of|before|during|post|from|about|regarding|re:?|over)\s+"
    r"(?:the\s+|our\s+|that\s+|this\s+|last\s+|your\s+)?(?:[\w'-]+\s+){0,3}$",
    re.IGNORECASE,
)
_UNCERTAIN = re.compile(
    r"\b(?:cannot|can't|could not|couldn't)\s+(?:\w+\s+)?(?:exclude|rule out)\b|\bnot (?:yet )?(?:sure|clear) "
    r"(?:whether|if)\b",
    re.IGNORECASE,
)
"""A hedge that keeps a denied risk alive ("no evidence it was exported, but we cannot exclude it")."""
_ENDED_AFTER = re.compile(
    r"^\W*(?:\w+\s+)?(?:ends?|ended|over|stop(?:s|ped)?|(?:is|are|was|were|has|have)\s+(?:been\s+)?(?:gone|over|"
    r"resolved|fixed|cleared|mitigated)|cleared|went away)\b",
    re.IGNORECASE,
)
_FINE_AFTER = re.compile(
    r"^\W*(?:\w+\s+){0,2}(?:normal|fine|ok|okay|good|stable|as expected|healthy)\b", re.IGNORECASE
)
_PARTIAL_AFTER = re.compile(
    r"^\s*(?:in|for|on)\s+some\b|^\s*sometimes\b|^\s*for\s+(?:a\s+few|several|\d+|some|a\s+couple\s+of)\s+"
    r"(?:seconds?|minutes?)\b",
    re.IGNORECASE,
)
_VAGUE_SUBJECT = re.compile(r"^\W*(?:something|stuff|things|anything|somewhere)\b", re.IGNORECASE)
"""'Something is broken' says neither what nor for whom: at most a sign of trouble, not an outage."""
_LIMIT_AFTER = re.compile(
    r"^\s*(?:\w+\s+){0,2}(?:more than|over|beyond|larger than|bigger than|above|past|longer than|at once)\b",
    re.IGNORECASE,
)
"""A quantity limit ("can't export more than a million rows") is a limitation, not an outage."""
_PARTIAL_BEFORE = re.compile(
    r"\bonly\s+(?:the|one|a|this|that|our|my|some)\b|\bone\s+(?:of\s+(?:our|the|my|their)\s+)?(?:\w+\s+)?"
    r"(?:pages?|articles?|documents?|files?|reports?|records?|links?|images?|posts?|tabs?|screens?)\b",
    re.IGNORECASE,
)
_SCOPE_LIMIT = re.compile(
    r"\b(?:the\s+)?(?:rest(?:\s+of\s+(?:the\s+)?\w+)?|everything\s+else|other\s+pages|the\s+others)\s+"
    r"(?:is|are|works?|loads?|looks?|seems?)\s+(?:\w+\s+)?(?:fine|normal|ok|okay|good|normally|as expected)\b",
    re.IGNORECASE,
)
_RESOLVED_SUBJECT = re.compile(
    r"\b(?:rest|everything else|others|production|prod|live site|other \w+)\b", re.IGNORECASE
)
_NOT_DATA = re.compile(
    r"\bheaders?\b|\b(?:is|are|was|something|anything|what's|what\s+is|went|goes|go)\s+wrong\s+with\b|\bduplicate[ds]?\s+(?:[\w-]+\s+){0,2}(?:alerts?|notifications?|e-?mails?|reminders?|pings?|deliveries|"
    r"pages?\s+to\s+on-?call)\b|\bmissing\s+(?:[\w-]+\s+){0,3}(?:feature|functionality|capability|option|setting|support|ability|"
    r"integration)s?\b|\b(?:requests?|calls?|queries|connections?|packets?|pings?)\s+(?:\w+\s+)?(?:lost|dropped|failed)\b|"
    r"\b(?:delete|remove|clean|purge|drop)\w*\s+(?:up\s+)?(?:the\s+)?(?:temp|tmp|temporary|cache[ds]?|stale|"
    r"orphan\w*|unused|leftover)\b",
    re.IGNORECASE,
)
_TEST_DENIED = re.compile(
    r"\b(?:not|isn't|wasn't|no)\s+(?:in\s+)?(?:our\s+|the\s+|a\s+)?(?:staging|test|sandbox|uat|qa|dev|beta)\b"
    r"|\b(?:real|actual|live)\s+production\b|\bprod(?:uction)?\s+(?:is|was)\s+(?:also|too)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    """One kind of signal found in a text, with its exact span and the context around it."""

    kind: str
    start: int
    end: int
    quote: str
    """The matched words, exactly as they stand in the normalised text."""
    sentence: str
    negated: bool = False
    hypothetical: bool = False
    reference: bool = False
    environment: Environment = "production"

    @property
    def counts(self) -> bool:
        """Whether this finding is evidence of its kind (not negated, hypothetical or a passing reference,
        and not a production-only kind found in a test environment)."""
        if self.negated or self.hypothetical or self.reference:
            return False
        return not (self.environment == "test" and self.kind in _DOWN_IN_TEST)


def prepare(text: str) -> str:
    """The text detection reads: NFKC, without invisible characters, typographic quotes and dashes made
    plain. Offsets of findings refer to this text."""
    return strip_invisible(unicodedata.normalize("NFKC", text)).translate(_QUOTES)


@cache
def _compiled(kind: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in LEXICON[kind])


def _sentences(text: str) -> Iterable[tuple[int, str]]:
    for match in _SENTENCE.finditer(text):
        if match.group().strip():
            yield match.start(), match.group()


def _clause_before(sentence: str, start: int) -> str:
    cut = 0
    for brk in _CLAUSE_BREAK.finditer(sentence):
        if brk.end() > start:
            break
        cut = brk.end()
    return sentence[cut:start]


def _last_words(text: str, count: int) -> str:
    return " ".join(text.split()[-count:])


def _negated(clause: str, kind: str, quote: str, sentence: str) -> bool:
    window = _PSEUDO_NEGATION.sub(" ", _last_words(clause, 5))
    if not _NEGATION.search(window) or _UNCERTAIN.search(sentence):
        return False
    # an inability is itself the problem ("can't log in"); a negation before it still flips it ("it is not
    # true that we can't log in" is rare; "we can't say nobody can log in" rarer): negations count once.
    return not (kind in {"production_down", "blocked"} and _NEGATION.search(_PSEUDO_NEGATION.sub(" ", quote)))


_GENERIC = re.compile(
    r"^\W*(?:any|every)\s+(?!(?:of|one|time|single|call|request|load|page)\b)\w+", re.IGNORECASE
)
"""A sentence about any instance of a thing ("Any outage is critical to someone") states a rule, not a fact."""


def _hypothetical(clause: str, kind: str, sentence: str) -> bool:
    if kind in _THREATS:
        return False
    return bool(_HYPOTHETICAL.search(_last_words(clause, 8))) or bool(_GENERIC.match(sentence))


def _environment(sentence: str) -> Environment:
    if _TEST_DENIED.search(sentence):
        return "production"
    for pattern in _compiled("test_environment"):
        if pattern.search(sentence):
            return "test"
    return "production"


def detect(
    text: str,
    kinds: Iterable[str] | None = None,
    extra: Mapping[str, Iterable[re.Pattern[str]]] | None = None,
) -> list[Finding]:
    """Every finding in `text` (all kinds, or only `kinds`), with its context; one finding per kind and
    sentence, the first match that counts (else the first match). `extra` adds patterns per kind (a policy
    file's phrase lists), read under the same context rules."""
    clean = prepare(text)
    asked = tuple(kinds) if kinds is not None else tuple(LEXICON)
    # a how-to question changes what an outage in the same sentence means, so it is always read
    wanted = asked + (
        ("how_to",) if "how_to" not in asked and {"production_down", "blocked"} & set(asked) else ()
    )
    findings: list[Finding] = []
    for offset, sentence in _sentences(clean):
        environment = _environment(sentence)
        for kind in wanted:
            patterns = list(_compiled(kind)) if kind in LEXICON else []
            if extra and kind in extra:
                patterns.extend(extra[kind])
            best: Finding | None = None
            for pattern in patterns:
                for match in pattern.finditer(sentence):
                    if not match.group().strip():
                        continue
                    finding = _finding(kind, sentence, offset, match, environment)
                    if finding.counts:
                        best = finding
                        break
                    best = best or finding
                if best is not None and best.counts:
                    break
            if best is not None:
                findings.append(best)
    return [f for f in _asked_about(findings) if f.kind in asked]


def _asked_about(findings: list[Finding]) -> list[Finding]:
    """A state asked about in a how-to question ("how can I reopen our space, nobody can edit") is the
    question's subject, not a report of an outage."""
    questions = {f.sentence for f in findings if f.kind == "how_to" and f.counts}
    return [
        replace(f, hypothetical=True)
        if f.kind in {"production_down", "blocked"} and f.sentence in questions
        else f
        for f in findings
    ]


_COUNTED = re.compile(
    r"\b(?:\d+(?:st|nd|rd|th)?|another|second|third|fourth|fifth|sixth|several|two|three|four|five|six|seven|"
    r"eight|nine|ten|many|multiple|repeated|previous|earlier|past|last)\s+$",
    re.IGNORECASE,
)
"""A counted or ordinal incident ("the third outage this quarter") is history, not a report of one now."""
_WANTED_FIX = re.compile(
    r"\b(?:need|needs|want|wants|get|expect|hope|until|before|when|once|should|must|will|to be|asap|please|"
    r"told|said|says|supposedly|claimed|thought|promised|assured|if)\b[^.;,]{0,25}$",
    re.IGNORECASE,
)
"""Before "fixed": a wish, a condition or an earlier claim ("we need this fixed", "we were told it was
fixed"), not a resolution."""
_REPEATED = re.compile(r"\b(?:doubl\w*|twice|duplicat\w*|repeat\w*)\b", re.IGNORECASE)
_SENT = re.compile(
    r"\b(?:alerts?|notifications?|paged|pages? to|e-?mails?|pings?|reminders?|sms|push|slack|teams)\b",
    re.IGNORECASE,
)
"""Notifications sent twice are noise, not corrupted data."""
_PROBLEM_NOUN = re.compile(
    r"\b(?:errors?|bugs?|issues?|problems?|duplicates?|crash\w*|failures?|outages?|alerts?|exceptions?|"
    r"timeouts?|glitch\w*|notifications?)\b",
    re.IGNORECASE,
)
_NOUN_TRIGGER = re.compile(
    r"^(?:\w+\s+){0,2}(?:outage|outages|incident|incidents|data loss|downtime|disruption|breach|crash)$",
    re.IGNORECASE,
)


def _finding(
    kind: str, sentence: str, offset: int, match: re.Match[str], environment: Environment
) -> Finding:
    clause = _clause_before(sentence, match.start())
    quote = match.group().strip(" ,")
    after = sentence[match.end() : match.end() + 60]
    kind = _narrowed(kind, clause, quote, after, sentence)
    return Finding(
        kind=kind,
        start=offset + match.start(),
        end=offset + match.end(),
        quote=quote,
        sentence=" ".join(sentence.split()),
        negated=_negated(clause, kind, quote, sentence),
        hypothetical=_hypothetical(clause, kind, sentence),
        reference=_not_a_report(kind, clause, quote, after, sentence),
        environment=environment,
    )


def _narrowed(kind: str, clause: str, quote: str, after: str, sentence: str) -> str:
    """An outage said of something vague ("something is broken"), of part of the product ("one page",
    "not working in some pages") or beside a working rest ("the rest of the site is fine") is degraded."""
    if kind != "production_down":
        return kind
    vague = _VAGUE_SUBJECT.search(_last_words(clause, 3) + " " + quote)
    partial = _PARTIAL_AFTER.search(after) or _PARTIAL_BEFORE.search(_last_words(clause, 6))
    return "degraded" if vague or partial or _SCOPE_LIMIT.search(sentence) else kind


def _not_a_report(kind: str, clause: str, quote: str, after: str, sentence: str) -> bool:
    """Whether the match names the problem without reporting it: it ends right there ("errors stop"), is
    a quantity limit, a count of past incidents or a passing reference, is not data at all ("requests
    lost", a missing feature, alerts sent twice), or, for a resolution, is a wish, a question or about
    another part ("we need this fixed", "can it be restored?", "the rest is fine")."""
    if kind == "resolved":
        subject = _last_words(clause, 4) + " " + quote
        return (
            bool(_RESOLVED_SUBJECT.search(subject))
            or (bool(re.search(r"\bback\b", quote)) and bool(_PROBLEM_NOUN.search(subject)))
            or sentence.rstrip().endswith("?")
            or bool(_WANTED_FIX.search(clause))
        )
    noun = kind in _REFERENCED and _is_noun_phrase(quote)
    checks = (
        kind in {"production_down", "degraded", "data_loss"} and _ENDED_AFTER.search(after),
        kind in {"production_down", "blocked"} and _LIMIT_AFTER.search(after),
        kind == "degraded" and _FINE_AFTER.search(after),
        kind == "data_loss" and _NOT_DATA.search(sentence),
        kind == "data_loss" and _REPEATED.search(quote) and _SENT.search(sentence),
        noun and _COUNTED.search(clause),
        noun and _REFERENCE.search(clause),
    )
    return any(bool(c) for c in checks)


def _is_noun_phrase(quote: str) -> bool:
    return bool(_NOUN_TRIGGER.match(quote))


def kinds_in(text: str, kinds: Iterable[str] | None = None) -> list[str]:
    """The kinds that count in `text`, in lexicon order, each once; test environment and resolution
    included as kinds of their own."""
    found = {f.kind for f in detect(text, kinds) if f.counts}
    return [k for k in (kinds if kinds is not None else LEXICON) if k in found]


__all__ = ["PUBLIC_KINDS", "Environment", "Finding", "PublicKind", "detect", "kinds_in", "prepare"]
