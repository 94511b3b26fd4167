"""Text handling for the offline planner: terms, signals and account names from the issue, and facts
lifted from ticket text (reproduction steps, error lines, environment, what was tried).

Everything here is a pure function of strings. Ticket text is untrusted: it is only ever quoted, after
e-mail addresses and secrets are removed, and sentences that read like instructions to the drafter are
skipped rather than quoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import pairwise

from ..signals import normalise
from ..signals.thesaurus import related_words
from ..visible_text import addressed_to_a_machine, for_people


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _words(
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

META_WORDS = _words(
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


# ------------------------------------------------------------------ the issue


@dataclass(frozen=True)
class IssueSignals:
    """What the issue text says besides the symptom."""

    security: bool = False
    data_loss: bool = False
    churn: bool = False
    all_customers: bool = False
    segment: str | None = None
    """A tier named with "all ... customers", e.g. `enterprise`."""
    customer_count: int | None = None
    recent: bool = False
    """The issue speaks of this week, today or yesterday."""
    recurring: bool = False
    how_to: bool = False
    feature_gap: bool = False
    """The issue asks for something the product lacks ("missing audit log feature")."""
    open_days: int | None = None


@dataclass(frozen=True)
class IssueFacts:
    """The issue as the planner understands it."""

    issue: str
    account_hint: str | None
    account_candidates: tuple[str, ...]
    """Names that may be a customer, most specific first."""
    terms: dict[str, float]
    """Stemmed symptom terms and their weights."""
    query_words: tuple[str, ...]
    """The same terms as the user spelled them, for search queries."""
    phrases: frozenset[tuple[str, str]] = frozenset()
    """Adjacent term pairs of the issue (``("audit", "log")``)."""
    codes: frozenset[str] = frozenset()
    """Terms that are error codes or identifiers (``403``, ``s3``, ``accessdeny``)."""
    signals: IssueSignals = field(default_factory=IssueSignals)
    alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Other words the domain uses for a term (stems), e.g. ``crash`` -> ``fatal``, ``exception``."""
    related_words: tuple[str, ...] = ()
    """The domain's other words for the issue's symptom, for a second, wider search."""

    @property
    def query(self) -> str:
        return " ".join(self.query_words)

    @property
    def vague(self) -> bool:
        """Names no customer, no identifier and at most one symptom word ("something is broken"): the
        planner then asks for the missing facts instead of stitching an escalation from look-alikes."""
        return not self.account_candidates and not self.codes and len(self.terms) <= 1

    @property
    def wide_query(self) -> str:
        """The query with the domain's other words for its terms."""
        return " ".join((*self.query_words, *self.related_words))

    @property
    def matching_terms(self) -> dict[str, float]:
        """`terms` keyed ``term|alternative|...`` where a term has alternatives: a record matches a term
        when it holds the term or any of its alternatives."""
        return {"|".join((t, *self.alternatives.get(t, ()))): w for t, w in self.terms.items()}


_ISSUE_LINE = re.compile(r"^Issue:\s*(.+)$", re.MULTILINE)
_ACCOUNT_LINE = re.compile(r"^Customer or account:\s*(.+)$", re.MULTILINE)
_CAPITALISED = r"[A-Z][\w&'.-]*"
_NAME_AFTER = re.compile(
    rf"\b(?:for|at|from|with|by|of|customer|account|client)\s+((?:{_CAPITALISED})(?:\s+(?:{_CAPITALISED}|&))*)"
)
_NAME_START = re.compile(
    rf"^\s*((?:{_CAPITALISED})(?:\s+(?:{_CAPITALISED}|&))+)(?='s\b|\s+(?:says?|said|reports?|reported|asks?|asked|"
    r"wants?|wanted|needs?|can't|cannot|can not|is|are|was|were|has|have|had|tells?|told|complains?|sees?|saw|"
    r"gets?|got|hits?|hitting|keeps?|still|just|now|again)\b)"
)
"""A lead often opens with the customer's name ("Linden Row Dental can't reach their wiki")."""
_NAME_RUN = re.compile(rf"(?<![.!?]\s)(?<!^)\b((?:{_CAPITALISED})(?:\s+{_CAPITALISED})+)")
_NOT_NAMES = _words(
    """
    api sso saml scim url id enterprise business pro free customer customers all the a an our my we
    i it this that they he she http https json csv ui sdk
    """
)
_TIERS = ("enterprise", "business", "pro", "free")


def parse_prompt(text: str) -> tuple[str, str | None]:
    """The issue and the account hint from the workflow prompt (the loop's first user message)."""
    issue = _ISSUE_LINE.search(text)
    account = _ACCOUNT_LINE.search(text)
    hint = account.group(1).strip() if account else None
    return (issue.group(1).strip() if issue else text.strip()), (hint or None)


_IDENTIFIER = re.compile(r"[a-z][A-Z]|\d")


def _trim_name(name: str) -> str | None:
    words = [w.strip(".,;:'\"") for w in name.split()]
    while words and words[0].lower() in _NOT_NAMES:
        words.pop(0)
    while words and words[-1].lower() in _NOT_NAMES:
        words.pop()
    cleaned = " ".join(w for w in words if w)
    if not cleaned or cleaned.lower() in _NOT_NAMES or cleaned.isupper():
        return None
    if len(words) == 1 and _IDENTIFIER.search(cleaned):
        return None  # `AccessDenied`, `SameSite`: an error or setting name, not a customer
    return cleaned


def account_candidates(issue: str, hint: str | None) -> tuple[str, ...]:
    """Names in the issue that may be a customer account, the hint first, longer names first."""
    found: list[str] = []
    if hint:
        found.append(hint.strip())
    for pattern in (_NAME_START, _NAME_AFTER, _NAME_RUN):
        for match in pattern.finditer(issue):
            name = _trim_name(match.group(1))
            if name and name not in found:
                found.append(name)
    return tuple(found[:3])


_COUNT = re.compile(
    r"\b(\d{1,4}|two|three|four|five|six|seven|eight|nine|ten)\s+(?:\w+\s+)?(?:customers|accounts|clients)\b",
    re.I,
)
_NUMBERS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_ALL = re.compile(
    r"\b(?:all|every)\s+(?:(\w+)\s+)?(?:customers|accounts|clients|users|tenants)\b|\beveryone\b", re.I
)
_FEATURE_GAP = re.compile(
    r"\b(missing|lack(?:ing|s)?(?: of)?|no|without|need(?:s)? an?)\b[\w\s'-]{0,40}?\b(feature|capability|option)\b|"
    r"\bfeature requests?\b",
    re.I,
)
_GAP_WORDS = frozenset(
    stem(w) for w in ("missing", "lack", "lacking", "feature", "capability", "option", "request")
)
_OPEN_DAYS = re.compile(r"\b(?:open|waiting|unresolved)\s+(?:for\s+)?(\d{1,3})\s+days?\b", re.I)


def issue_signals(issue: str) -> IssueSignals:
    """Signals in the issue text that shape the search (the policy finds its own in the records)."""
    low = normalise(issue).lower()
    count_match = _COUNT.search(low)
    count: int | None = None
    if count_match:
        raw = count_match.group(1)
        count = int(raw) if raw.isdigit() else _NUMBERS[raw]
    all_match = _ALL.search(low)
    segment = None
    if all_match and all_match.group(1) and all_match.group(1) in _TIERS:
        segment = all_match.group(1)
    open_days = _OPEN_DAYS.search(low)
    return IssueSignals(
        security=bool(
            re.search(
                r"another (company|customer|tenant)|someone else|data (leak|exposure)|unauthori[sz]ed|vulnerab|security",
                low,
            )
        ),
        data_loss=bool(re.search(r"missing (rows|records|data)|data loss|lost data|corrupt", low)),
        churn=bool(re.search(r"churn|cancel|not renew|won't renew|competitor|leave us", low)),
        all_customers=bool(all_match),
        segment=segment,
        customer_count=count,
        recent=bool(
            re.search(r"this week|today|yesterday|since (monday|tuesday|wednesday|thursday|friday|last)", low)
        ),
        recurring=bool(
            re.search(r"\b(again|are back|is back|was fixed|were told|supposedly fixed|regress)", low)
        ),
        feature_gap=bool(_FEATURE_GAP.search(low)),
        how_to=bool(re.match(r"\s*(how (do|can|should) (i|we)|how to|is there a way|can (i|we))\b", low)),
        open_days=int(open_days.group(1)) if open_days else None,
    )


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


_PERSON = re.compile(r"\b([A-Z][a-z]+)\s+(?:from|at)\s+[A-Z]")
"""A first name introducing its company: "Jordan from Acme"."""
_URL = re.compile(r"\bhttps?://\S+")
_CLAUSE = re.compile(r"\s*(?:;|\s[-\u2013\u2014]\s|\.\s)\s*")


def _symptom(issue: str, names: tuple[str, ...]) -> str:
    """The clause of the issue that states the problem: "Export fails with 403 for Acme; their finance
    close depends on it" is about the 403, not about finance. The whole issue when the first clause
    holds fewer than two words besides names ("Jordan from Acme - webhooks stopped")."""
    first = _CLAUSE.split(issue, maxsplit=1)[0]
    skip = STOPWORDS | META_WORDS | {t for name in names for t in name_tokens(name)}
    content = [w for w in re.findall(r"[A-Za-z0-9]+", first) if w.lower() not in skip]
    return first if len(content) >= 2 else issue


_STOP_STEMS = frozenset(stem(w) for w in STOPWORDS | META_WORDS) | STOPWORDS | META_WORDS


def _alternatives(terms: dict[str, float], spelled: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """For each plain term, the stems of the domain's other words for it (see `signals.thesaurus`)."""
    found: dict[str, tuple[str, ...]] = {}
    for term, weight in terms.items():
        if weight >= CODE_WEIGHT or not term.isalpha():
            continue
        others = [t for w in related_words(spelled.get(term, term), limit=8) for t in tokens(w)]
        others = [t for t in dict.fromkeys(others) if t != term and t not in terms and t not in _STOP_STEMS]
        if others:
            found[term] = tuple(others)
    return found


def issue_facts(prompt: str) -> IssueFacts:
    """Parse the workflow prompt into the issue, account candidates, weighted terms and signals."""
    issue, hint = parse_prompt(prompt)
    candidates = account_candidates(issue, hint)
    signals = issue_signals(issue)
    # In "missing audit log feature" the gap words say what kind of issue it is, not what it is about.
    dropped = _GAP_WORDS if signals.feature_gap else frozenset()
    account_words = {t for name in candidates for t in tokens(name)}
    account_words |= {stem(m) for m in _PERSON.findall(issue)}
    terms: dict[str, float] = {}
    words: list[str] = []
    sequence: list[str] = []
    symptom = _URL.sub(" ", _EMAIL.sub(" ", _symptom(issue, candidates)))
    spelled: dict[str, str] = {}
    for raw in re.findall(r"[A-Za-z0-9][A-Za-z0-9'_-]*", normalise(symptom)):
        low = raw.lower().removesuffix("'s")
        if low in STOPWORDS or low in META_WORDS:
            continue
        raw_terms = [t for t in tokens(raw) if t not in _STOP_STEMS]
        for term in raw_terms:
            spelled.setdefault(term, raw)
        if raw_terms and not set(raw_terms) <= account_words and raw not in words:
            words.append(raw)
    # terms come from the whole clause, so "another company's" and "sign-in" fold as phrases
    for term in tokens(symptom):
        if term in _STOP_STEMS or term in account_words or len(term) < 2:
            continue
        if term in dropped:
            continue
        sequence.append(term)
        if term not in terms:
            terms[term] = term_weight(term, spelled.get(term, term))
    words = [w for w in words if any(t in terms for t in tokens(w))] or words
    return IssueFacts(
        issue=issue,
        account_hint=hint,
        account_candidates=candidates,
        terms=terms,
        query_words=tuple(words[:8]),
        phrases=frozenset(pairwise(sequence)),
        codes=frozenset(t for t, w in terms.items() if w >= CODE_WEIGHT),
        signals=signals,
        alternatives=_alternatives(terms, spelled),
        related_words=tuple(related_words(" ".join(words), limit=6)),
    )


_OWNER = re.compile(
    rf"\b(?:for|from|of|belonging to|addressed to|meant for)\s+((?:{_CAPITALISED})(?:\s+{_CAPITALISED}){{0,3}})"
)


def owner_names(text: str) -> list[str]:
    """Capitalised names a text attributes something to ("an invoice for Hooli"), for looking them up."""
    found: list[str] = []
    for match in _OWNER.finditer(normalise(text)):
        name = _trim_name(match.group(1))
        if name and name not in found:
            found.append(name)
    return found


def name_tokens(name: str) -> frozenset[str]:
    """The tokens of an account name, unstemmed apart from case (``Acme Corp`` -> acme, corp)."""
    return frozenset(re.findall(r"[a-z0-9]+", normalise(name).lower()))


def names_account(text: str, account_name: str) -> bool:
    """Whether `text` names the account: every token of its name appears as a word."""
    wanted = name_tokens(account_name)
    return bool(wanted) and wanted <= name_tokens(text)


# ------------------------------------------------------------------ lifting facts from ticket text

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SECRETS = (
    re.compile(r"\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{6,}\b"),
    re.compile(r"\bBearer\s+[A-Za-z0-9._~+/=-]{8,}", re.I),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}\b"),
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b"),
    re.compile(r"\b[A-Fa-f0-9]{32,}\b"),
    re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{5,}"),
)
_PERSONAL = (
    (re.compile(r"(?<![\w-])(?:\d[ -]?){12,18}\d(?![\w-])"), "[card number removed]"),
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "[number removed]"),
    (re.compile(r"(?i)\b(cvv|cvc|cvv2)\b\s*:?\s*\d{3,4}\b"), "[card code removed]"),
    (re.compile(r"(?<![\w+])\+\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,4}(?!\w)"), "[phone removed]"),
    (re.compile(r"\(\d{3}\)\s?\d{3}-\d{4}\b"), "[phone removed]"),
)
"""Card numbers, social security numbers, card codes and phone numbers."""
_SECRET_ASSIGNMENT = re.compile(
    r"(?i)\b(password|passwd|secret|token|api[_ -]?key|signing[_ ]secret|client[_ ]secret)(\s*[:=]\s*|\s+is\s+)(\S{4,})"
)
_INSTRUCTION = re.compile(
    r"(?i)(ignore (all |any |the )?(previous|prior|above|earlier) |disregard |system prompt|\byou are an? "
    r"(ai|assistant|language model)|\b(assistant|system)\s*:|route (this|it|the (escalation|ticket|brief)) to|"
    r"(set|mark|change) (the )?(severity|priority|target)|escalate (this |it )?(straight |directly )?to "
    r"(leadership|security|the ceo|executives)|\bpost (the|this|our|all)\b.*\b(list|contacts?|emails?|channel)|"
    r"(send|share|reveal|forward) (me |us )?(the |all )?(contact|customer|e-?mail|password|secret|token|list))"
)


def _redacted_assignment(match: re.Match[str]) -> str:
    """``password: hunter2`` loses its value; ``password is locked out`` is prose and stays."""
    value = match.group(3)
    if match.group(2).strip() == "is" and value.isalpha() and value.islower():
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}[redacted]"


def scrub(text: str) -> str:
    """Text without e-mail addresses, card or identity numbers, phone numbers or secrets."""
    out = _EMAIL.sub("[e-mail removed]", text)
    for pattern, replacement in _PERSONAL:
        out = pattern.sub(replacement, out)
    out = _SECRET_ASSIGNMENT.sub(_redacted_assignment, out)
    for pattern in _SECRETS:
        out = pattern.sub("[redacted]", out)
    return out


def is_instruction(sentence: str) -> bool:
    """Whether a sentence reads like an instruction to whoever drafts the brief (it is never quoted): the
    planner's own patterns, or anything the policy's signal reader would not take as evidence."""
    clean = normalise(sentence)
    return bool(_INSTRUCTION.search(clean)) or addressed_to_a_machine(clean)


def shorten(text: str, limit: int = 220) -> str:
    """`text` on one line, cut at a word boundary with an ellipsis when longer than `limit`."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 3 and not flat[limit - 1].isspace():
        cut = cut[:space]
    return cut.rstrip(" ,;:-\u2013\u2014(") + "…"


_FINAL = re.compile(r"[.!?…][\u201d\"')\]]*$")


def end_sentence(text: str) -> str:
    """`text` ending with one full stop: none added after a quote or parenthesis that already ends one."""
    stripped = text.rstrip()
    return stripped if _FINAL.search(stripped) else stripped + "."


_GREETING = re.compile(
    r"^(hi|hello|hey|dear|good (morning|afternoon|evening)|thanks|thank you|regards|kind regards|best|cheers)\b.{0,40}$",
    re.I,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


_SALUTATION = re.compile(r"^(?:hi|hello|hey|dear)\s+[\w.-]+(?:\s+[\w.-]+)?,\s*", re.I)
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*\u2022])\s+")


def _prose_line(line: str) -> bool:
    """A line of prose: not indented code or logs, not a list item, heading or signature."""
    stripped = line.strip()
    if not stripped or line.startswith(("    ", "\t")) or _LIST_ITEM.match(line):
        return False
    if stripped.endswith(":"):
        return False
    # names, titles and sign-offs: short lines without sentence punctuation
    return not (len(stripped.split()) <= 6 and not re.search(r"[.!?]$", stripped))


def sentences(text: str) -> list[str]:
    """Prose sentences of a message: code, logs, lists, greetings and signatures left out."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", for_people(text)):
        prose = " ".join(line.strip() for line in block.splitlines() if _prose_line(line))
        for sentence in _SENTENCE_END.split(prose):
            stripped = _SALUTATION.sub("", sentence.strip())
            sentence = stripped[:1].upper() + stripped[1:] if stripped != sentence.strip() else stripped
            if len(sentence) < 12 or _GREETING.match(sentence) or len(sentence.split()) < 3:
                continue
            out.append(sentence)
    return out


_CUT_TAIL = re.compile(r"\s*\S*?(?:\.\.\.|…)\s*$")


def quotable(text: str, limit: int = 220) -> list[str]:
    """Sentences safe to quote: instructions dropped, e-mail addresses and secrets removed, shortened. A
    text a search cut short (ending ``...``) loses its last, possibly partial, word."""
    if _CUT_TAIL.search(text) and re.search(r"\w(?:\.\.\.|…)\s*$", text):
        text = _CUT_TAIL.sub("…", text)
    return [shorten(scrub(s), limit) for s in sentences(text) if not is_instruction(s)]


_STEP = re.compile(r"^\s*(\d{1,2})[.)]\s+(\S.*)$")
_LABELLED = {
    "expected": re.compile(r"^\s*Expected(?:\s+(?:result|behaviou?r))?\s*[:=-]\s*(\S.*)$", re.I | re.M),
    "actual": re.compile(r"^\s*Actual(?:\s+(?:result|behaviou?r))?\s*[:=-]\s*(\S.*)$", re.I | re.M),
    "environment": re.compile(r"^\s*(?:Environment|Env|Setup)\s*[:=-]\s*(\S.*)$", re.I | re.M),
}


def numbered_steps(text: str) -> list[str]:
    """The first run of numbered steps (1., 2., ...) in `text`."""
    steps: list[str] = []
    for line in for_people(text).splitlines():
        match = _STEP.match(line)
        if match and int(match.group(1)) == len(steps) + 1:
            steps.append(shorten(scrub(match.group(2)), 240))
        elif steps and line.strip():
            if len(steps) >= 2:
                break
            steps = []
    return steps if len(steps) >= 2 else []


def labelled(text: str, label: str) -> str | None:
    """The text after `Expected:`, `Actual:` or `Environment:` in `text`."""
    match = _LABELLED[label].search(for_people(text))
    return shorten(scrub(match.group(1)), 240) if match else None


_ERROR_LINES = (
    re.compile(r"HTTP/\d(?:\.\d)?\s+[45]\d\d\b.*"),
    re.compile(r"\b[\w.]*(?:Error|Exception):\s.+"),
    re.compile(r"\{\s*\"(?:error|detail|message|schemas)\".*\}"),
    re.compile(r"\b(?:POST|GET|PUT|PATCH|DELETE)\s+\S+\s*(?:->|=>)\s*[45]\d\d\b.*"),
    re.compile(r"(?i)\b(?:error|failed|blocked)\b.{0,20}:\s*\S.{8,}"),
)


def _error_only(line: str, start: int, text: str) -> str:
    """The error itself, without the prose that follows it on the same line: up to the closing quote
    when the error was quoted, else up to the end of its sentence."""
    if start > 0 and text[start - 1] in "\"'\u201c":
        closing = {"\u201c": "\u201d"}.get(text[start - 1], text[start - 1])
        return line.split(closing, 1)[0]
    return re.split(r"(?<=[.!?])\s+(?=[A-Z])", line, maxsplit=1)[0]


def error_lines(text: str, limit: int = 2) -> list[str]:
    """Exact error output quoted in `text` (status lines, exception lines, JSON error bodies)."""
    found: list[str] = []
    clean = for_people(text)
    for number, pattern in enumerate(_ERROR_LINES):
        for match in pattern.finditer(clean):
            raw = match.group(0).strip()
            if number in {1, 4}:  # exception and "error: ..." lines may run on into prose
                raw = _error_only(raw, match.start(), clean).strip()
            line = shorten(scrub(raw), 200)
            if line and not any(line in f or f in line for f in found) and not is_instruction(line):
                found.append(line)
            if len(found) >= limit:
                return found
    return found


_ENVIRONMENT = (
    re.compile(
        r"\b[a-z]+-(?:python|node|js|go|java|ruby|php|dotnet|sdk|ios|android)\s+v?\d+(?:\.\d+)+\b", re.I
    ),
    re.compile(r"\b(?:Python|Node(?:\.js)?|Java|Go|Ruby|PHP)\s+v?\d+(?:\.\d+)*\b"),
    re.compile(r"\b(?:Chrome|Firefox|Edge|Safari)(?:\s+\d+)?\b"),
    re.compile(r"\b(?:macOS|Windows|Ubuntu|Linux|iOS|Android)(?:\s+\d+(?:\.\d+)*)?\b"),
    re.compile(
        r"\b(?:AWS |GCP |Azure )?(?:us|eu|ap|sa|ca|me|af)-(?:east|west|central|north|south|northeast|southeast)-\d\b"
    ),
    re.compile(r"\b(?:Okta|OneLogin|Entra ID|Azure AD|Google Workspace|Auth0|Ping(?:Identity)?)\b"),
    re.compile(r"\b(?:Enterprise|Business|Pro|Free) plan\b", re.I),
    re.compile(r"\b(?:release|version)\s+v?\d+(?:\.\d+)+\b", re.I),
    re.compile(r"(?<![\d.-])20\d\d\.\d{1,2}\.\d{1,2}(?![\d-])"),
    re.compile(r"\b(?:S3|GCS|Azure Blob|BigQuery|Snowflake|Redshift)\b"),
)


def environment(text: str) -> list[str]:
    """Environment details named in `text`: SDK and runtime versions, browsers, OS, region, IdP, plan."""
    found: list[str] = []
    clean = for_people(text)
    for pattern in _ENVIRONMENT:
        for match in pattern.finditer(clean):
            value = match.group(0).strip()
            if value.lower() not in {f.lower() for f in found}:
                found.append(value)
    return found[:8]


_TRIED = re.compile(
    r"(?i)\b(tried|retried|retrying|reduced|dropped|switched|rolled back|rollback|reproduced|"
    r"workaround|cleared|restarted|re-?enabled|rotated|removed|lowered|double-checked|tested|narrowed|"
    r"traced|stopgap|avoids?|for now|(?:we|i|have|has) (?:verified|checked|confirmed|split|cut|disabled)|"
    r"(?:i've|we've|i have|we have) (?:logged|raised|shared|passed|added|filed|linked|escalated)|filed)\b"
)


_ACKNOWLEDGEMENT = re.compile(
    r"(?i)^(?:thanks?|thank you|sorry|apologies)\b|"
    r"\b(?:i|we)(?:'ve| have)? (?:shared|passed|forwarded|raised|escalated|logged|flagged)\b|"
    r"\b(?:i|we) can confirm\b|\bwe(?:'re| are) (?:aware|on it|looking|investigating)\b|"
    r"\b(?:i|we)(?:'ll| will) (?:come back|get back|follow up|update you|let you know|keep you)\b|"
    r"^(?:filed|linked|logged|raised)\b[^.]{0,40}\b[A-Z]{2,10}-\d+\b[^.]{0,60}[.!]?$"
)
"""Sentences that acknowledge, apologise, promise or file, rather than say what was tried."""


def is_acknowledgement(sentence: str) -> bool:
    """Whether a sentence only acknowledges, hands on or promises (not troubleshooting)."""
    return bool(_ACKNOWLEDGEMENT.search(sentence))


def tried_sentences(text: str) -> list[str]:
    """Sentences that say what was tried and what happened (not acknowledgements or hand-offs)."""
    return [s for s in quotable(text, 240) if _TRIED.search(s) and not is_acknowledgement(s)]


_EXPECTATION = re.compile(
    r"(?i)\b(eta|by (monday|tuesday|wednesday|thursday|friday|tomorrow|today|end of)|deadline|due (on|by)|"
    r"we need|need (a|an|the|this|it|either)|expect|asap|urgent(ly)?|committed|"
    r"date we can|before our|plan around|please (hurry|escalate|advise)|by the)\b"
)
_RISK = re.compile(
    r"(?i)\b(renew\w*|churn\w*|cancel\w*|alternatives?|competitors?|leadership|executives?|vp|ceo|cto|ciso|"
    r"call with|legal|lawyers?|breach of (?:contract|agreement)|regulators?|publicly|press|escalate|"
    r"not sustainable|patient-safety|finding in itself)\b"
)


CHURN_WORDS = re.compile(
    r"(?i)\b(renew\w*|churn\w*|cancel\w*|competitors?|alternatives|terminat\w*|switch\w* (?:to|away)|leave us)\b"
)
"""Words of a customer weighing whether to stay."""

_IMPACT = re.compile(
    r"(?i)(\b(none of our|nobody|no one)\b.{0,40}\bcan\b|can'?t|cannot|unable|not able|\bblock(ed|ing)\b|"
    r"locked out|\bstuck\b|\bdown\b|halted|overr?an|\blate\b|missed|incomplete|spreadsheets|"
    r"not sustainable|halved|pushed? back|without access|waiting)"
)


_CANNOT = re.compile(
    r"(?i)\b(?:(?:none of (?:our|the)|nobody|no one|not one)\b.{0,60}\bcan\b|can'?t|cannot|unable|not able|"
    r"locked out|blocked from|(?:is|are|has|have) (?:now )?(?:become )?blocked|stuck|running (?:off|on) "
    r"spreadsheets|incomplete|missing|lost|late|overr?an|ran past|halved|halted|down|no (?:export|access|way))\b"
)
_ASIDE = re.compile(
    r"(?i)^(?:please note|just (?:to|so)|fyi|for (?:context|the record)|i am writing|i'm writing|"
    r"as (?:discussed|mentioned)|to be explicit)|\bwriting to you\b|\bmeets? shortly\b|\bis a finding\b"
)


def impact_sentences(text: str) -> list[str]:
    """Sentences saying what the customer cannot do or what it costs them, the plainest first: a sentence
    that says what cannot be done before one that only says it hurts, asides ("Please note...") last."""
    found = [s for s in quotable(text) if _IMPACT.search(s) or _CANNOT.search(s)]

    return sorted(found, key=impact_rank)


_UNABLE = re.compile(
    r"(?i)\b(?:(?:none of (?:our|the)|nobody|no one|not one)\b.{0,60}\bcan\b|can'?t|cannot|unable|not able|"
    r"locked out|blocked from|no (?:export|access|way))"
)


def impact_rank(sentence: str) -> int:
    """0 for a sentence saying what cannot be done, 1 for one saying what it costs, 2 and more for
    asides ("Please note...")."""
    return (0 if _UNABLE.search(sentence) else 1) + (2 if _ASIDE.search(sentence) else 0)


_REPRODUCED = re.compile(r"(?i)\b(reproduced|repro\b|reproducible|confirmed in (?:staging|test))")
_NOT_REPRODUCED = re.compile(r"(?i)(can'?t|cannot|could ?n[o']t|unable to|not able to) reproduce")


def reproduced_sentences(text: str) -> list[str]:
    """Sentences saying someone reproduced the problem (not that they could not)."""
    return [s for s in quotable(text, 260) if _REPRODUCED.search(s) and not _NOT_REPRODUCED.search(s)]


def expectation_sentences(text: str) -> list[str]:
    """Sentences saying what the customer expects and by when."""
    return [s for s in quotable(text) if _EXPECTATION.search(s)]


_RISK_RANK = (
    re.compile(r"(?i)\b(renew\w*|churn\w*|cancel\w*|alternatives?|competitors?|terminat\w*)\b"),
    re.compile(r"(?i)\b(leadership|executives?|vp|ceo|cto|ciso|call with|escalate)\b"),
)


def risk_sentences(text: str) -> list[str]:
    """Sentences hinting the customer will escalate further (renewal, executives, legal, public), the
    strongest first: leaving, then going over support's head, then the rest."""
    found = [s for s in quotable(text) if _RISK.search(s)]

    def rank(sentence: str) -> int:
        return next((i for i, p in enumerate(_RISK_RANK) if p.search(sentence)), len(_RISK_RANK))

    return sorted(found, key=rank)


_PROMISE = re.compile(
    r"(?i)\b(?:i|we)(?:'ll| will| shall) (?:come back|get back|follow up|update you|send|call|share|confirm|"
    r"let you know|have|give you|reply|respond|check|get you)\b"
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WHEN = re.compile(
    r"(?i)\b(?:(within the hour|within an hour)|within (\d{1,2}) hours?|(today|this afternoon|this evening|"
    r"tonight|end of (?:the )?day|eod)|(tomorrow)|by (monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"(?:by|before) (january|february|march|april|may|june|july|august|september|october|november|december) "
    r"(\d{1,2}))\b"
)
_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip


def promise_due(sentence: str, said_at: datetime) -> datetime | None:
    """When a promise in `sentence` (``I'll come back to you today``) falls due, or None when the sentence
    makes no promise with a time."""
    if not _PROMISE.search(sentence):
        return None
    match = _WHEN.search(sentence)
    if match is None:
        return None
    end_of_day = said_at.replace(hour=23, minute=59, second=0, microsecond=0)
    if match.group(1):
        return said_at + timedelta(hours=1)
    if match.group(2):
        return said_at + timedelta(hours=int(match.group(2)))
    if match.group(3):
        return end_of_day
    if match.group(4):
        return end_of_day + timedelta(days=1)
    if match.group(5):
        days = (_WEEKDAYS.index(match.group(5).lower()) - said_at.weekday()) % 7 or 7
        return end_of_day + timedelta(days=days)
    month, day = _MONTHS.index(match.group(6).lower()) + 1, int(match.group(7))
    try:
        due = end_of_day.replace(month=month, day=day)
    except ValueError:
        return None
    return due if due >= said_at else due.replace(year=due.year + 1)


_EXPECTED = re.compile(
    r"(?i)\b(should(?:n'?t)?|expected|supposed to|used to|no (?:row |size )?limit|matched|normally|"
    r"instead of|as (?:before|usual))\b"
)


def expected_sentences(text: str) -> list[str]:
    """Sentences saying what should happen (``There's no row limit, so this shouldn't happen``)."""
    return [s for s in quotable(text, 240) if _EXPECTED.search(s) and not _PROMISE.search(s) and "?" not in s]


_COMPARISON = re.compile(r"(?i),?\s*\b(?:while|but|whereas|vs\.?|versus|compared (?:to|with))\s+(.*\d.*)$")


_SHORT_SIDE = re.compile(r"(?i)\b(only|just|exactly|stops?|stopped|missing|fewer|short|cut)\b")


def reference_clause(sentence: str) -> str | None:
    """In a sentence that compares a result with a reference (``the file has 100,000 rows, while the
    dashboard shows 248,310``), the reference: ``the dashboard shows 248,310``. The side that says
    "only", "exactly", "missing"... is the result (``71,000 products but only 50,000 imported``)."""
    match = _COMPARISON.search(sentence)
    if match is None or not re.search(r"\d", sentence[: match.start()]):
        return None
    before, after = sentence[: match.start()].strip(" ,"), match.group(1).rstrip(" .")
    if _SHORT_SIDE.search(after) and not _SHORT_SIDE.search(before):
        return before
    return after


_SINCE = re.compile(
    r"(?i)\b(?:since|started with|after|as of)\s+(?:the\s+)?((?:release |version )?(?:20\d\d\.\d{1,2}\.\d{1,2}|"
    r"v?\d+\.\d+\.\d+|[\w-]+ (?:upgrade|release|deploy(?:ment)?|change)|"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday)(?: around [\d:]+ ?utc)?))"
)


def since_change(text: str) -> str | None:
    """The change or moment the problem began with (``2026.11.3``, ``ingest gateway upgrade``)."""
    match = _SINCE.search(normalise(text))
    return match.group(1) if match else None


_FREQUENCY = re.compile(
    r"(?i)\b(every (?:time|night|day|run|login|sign-in|attempt|call|batch|request)|each time|always|"
    r"consistently|intermittent(?:ly)?|sometimes|randomly|at random|roughly [\d.\-–]+%|~?[\d.]+% of|"
    r"\d+ ?(?:/|of|out of) ?\d+\b(?! ?(?:MB|KB|GB))|(?:twice|three times) in a row|exactly [\d,]+ (?:again|twice)|"
    r"both times|every single time|each run|"
    r"every (?:\w+ )?(?:user|workspace|customer|export))"
)


def frequency(text: str) -> str | None:
    """How often the problem shows, in the record's words: ``roughly 3-5% of batch calls``; a sentence
    with a figure before one with only a word ("intermittently")."""
    found = [(s, m.group(0)) for s in quotable(text, 240) if (m := _FREQUENCY.search(s))]
    figures = [s for s, said in found if re.search(r"\d", said)]
    words = [s for s, _ in found]
    return next(iter(figures or words), None)


_CONDITION = re.compile(
    r"(?i)\b(when|whenever|after|once|for (?:payloads|files|requests|batches)|over|above|"
    r"larger than|more than|since)\b"
)


def condition_sentences(text: str) -> list[str]:
    """Sentences of an analysis saying under which condition the fault shows."""
    return [s for s in quotable(text, 260) if _CONDITION.search(s) and not _PROMISE.search(s)]


_RULED_OUT = re.compile(
    r"(?i)\b(verified|checked|confirmed|double-checked|ruled out|made sure|already tried|no |not |isn'?t|"
    r"aren'?t|doesn'?t|matches)\b"
)


def rules_out(sentence: str, distinctive: frozenset[str]) -> bool:
    """Whether a customer sentence says they checked the cause an article describes (its distinctive
    words) and it is not theirs: ``We have verified our ACS URL ... no trailing slash``."""
    if not distinctive or not _RULED_OUT.search(sentence):
        return False
    found = distinctive & token_set(sentence)
    return len(found) >= min(2, len(distinctive))


def first_name(name: str | None) -> str | None:
    if not name:
        return None
    first = name.strip().split()[0]
    return first if first.isalpha() else None


__all__ = [
    "CHURN_WORDS",
    "IssueFacts",
    "IssueSignals",
    "bigrams",
    "condition_sentences",
    "end_sentence",
    "environment",
    "error_lines",
    "expectation_sentences",
    "expected_sentences",
    "first_name",
    "folded",
    "frequency",
    "impact_rank",
    "impact_sentences",
    "is_acknowledgement",
    "is_instruction",
    "issue_facts",
    "issue_signals",
    "labelled",
    "name_tokens",
    "names_account",
    "numbered_steps",
    "owner_names",
    "parse_prompt",
    "promise_due",
    "quotable",
    "reference_clause",
    "reproduced_sentences",
    "risk_sentences",
    "rules_out",
    "scrub",
    "sentences",
    "shorten",
    "since_change",
    "stem",
    "token_set",
    "tokens",
    "tried_sentences",
]
