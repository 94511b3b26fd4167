"""Reading the issue: its symptom terms, the signals besides the symptom, and the account names it gives."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from ...signals import normalise
from ...signals.thesaurus import related_words
from .quotes import EMAIL
from .words import CODE_WEIGHT, META_WORDS, STOPWORDS, stem, term_weight, tokens, word_set


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
_NOT_NAMES = word_set(
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
    symptom = _URL.sub(" ", EMAIL.sub(" ", _symptom(issue, candidates)))
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
