"""Relevance for the offline planner: which found records are really about the issue.

Records come from the MCP tools as JSON views. Each is scored against the issue's terms: a term counts by
its prior weight (codes and rare nouns above generic words) times how distinctive it is among everything
the searches returned, so a word that every result shares (the product area) says little and the
symptom says much. Links add to the score: a ticket linked to a related tracker issue, a message naming a
related ticket, a record of the account the issue names. A record is kept when its score reaches a
threshold, however many others are found; nothing is kept just for ranking high. Customer names are left
out of the words scored ("Juniper Row Fashion" is not about rows). `gather.select` decides in
which order records are judged, so links to what is already related can count.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

from ...visible_text import for_people
from .issue import name_tokens, names_account
from .words import META_WORDS, STOPWORDS, bigrams, tokens

Kind = Literal["ticket", "message", "issue", "article"]

THRESHOLD = 0.5
"""Score a record needs to be kept."""
STRONG = 0.75
"""Score a record needs on its words alone where a weaker match is not enough: a tracker issue no related
ticket links, an article no related ticket names, a chat message that names nothing related."""
MIN_TERMS = 0.4
"""Textual match (terms, phrase, codes) a ticket needs before an account bonus can carry it."""
PHRASE_BONUS = 0.15
CODE_BONUS = 0.2
"""The record holds every error code or identifier of the issue (`403`, `AccessDenied`)."""
"""Two issue terms next to each other in the record, as in the issue (`audit log`, `login loop`)."""
OTHER_ACCOUNT_THRESHOLD = 0.6
"""Terms (with the codes bonus, not the phrase one) a ticket of another customer needs when the issue
names one account."""
ACCOUNT_BONUS = 0.2
LINK_BONUS = 0.5
"""An explicit link or reference to a related record is enough on its own."""
TITLE_SHARED = 3
TITLE_SHARE = 0.6
"""A tracker issue or article whose title shares at least `TITLE_SHARED` words, and this share of its
words, with a related ticket describes that ticket's problem."""
MENTION_BONUS = 0.25
"""A message in a channel shared with an affected customer needs some terms too."""
CURRENT_WINDOW = timedelta(days=7)
"""A ticket is current when it is open or was created this recently (as the policy counts)."""
OPEN_STATUSES = frozenset({"new", "open", "pending", "on_hold"})

_ISSUE_KEY = re.compile(r"\b([A-Z][A-Z0-9]{1,9}-\d{1,7})\b")
_TICKET_REF = re.compile(r"(?:#|\bticket\s+#?|\btickets?\s+#)(\d{3,10})\b", re.IGNORECASE)


def issue_keys_in(text: str) -> set[str]:
    """Tracker-style keys (``ENG-3412``) named in `text`."""
    return set(_ISSUE_KEY.findall(text))


def ticket_ids_in(text: str) -> set[str]:
    """Ticket numbers named in `text` (``#59934``, ``ticket 59934``)."""
    return set(_TICKET_REF.findall(text))


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


@dataclass
class Candidate:
    """A record one of the searches or reads returned."""

    ref: str
    """Evidence id: ``ticket:<id>``, ``message:<channel>:<id>``, ``issue:<key>``, ``article:<id>``."""
    kind: Kind
    data: dict[str, Any]
    text: str
    detailed: bool = False
    """True when the record was read in full (not only a search summary)."""
    names: tuple[str, ...] = ()
    """Customer names left out when scoring (see `forget_names`)."""

    def __post_init__(self) -> None:
        own = str(self.data.get("organization_name") or "")
        if own:
            self.forget_names([own])

    def forget_names(self, names: Iterable[str]) -> None:
        """Score without customer names: "Juniper Row Fashion" says nothing about missing rows."""
        low = self.text.lower()
        self.names = tuple(sorted({n for n in names if n and n.lower() in low}, key=lambda n: (-len(n), n)))

    @property
    def tokens(self) -> frozenset[str]:
        return _scored_words(self.text, self.names)[0]

    @property
    def pairs(self) -> frozenset[tuple[str, str]]:
        return _scored_words(self.text, self.names)[1]

    @property
    def ident(self) -> str:
        return self.ref.split(":", 1)[1]


@lru_cache(maxsize=4_096)
def _scored_words(text: str, names: tuple[str, ...]) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """The stems and adjacent stem pairs of `text`, without the given names (cached: records recur on
    every turn)."""
    for name in names:
        text = re.sub(rf"\b{re.escape(name)}\b", " ", text, flags=re.IGNORECASE)
    stems = tokens(text)
    return frozenset(stems), bigrams(stems)


def _untrusted(data: Mapping[str, Any]) -> dict[str, str]:
    """The record's customer-written fields as a person reading them sees them, without what is addressed
    to an automated reader: hidden or planted text neither links nor matches records."""
    value = data.get("untrusted")
    return {k: for_people(str(v)) for k, v in value.items()} if isinstance(value, dict) else {}


def ticket_candidate(ticket: Mapping[str, Any], *, detailed: bool = False) -> Candidate:
    text = _untrusted(ticket)
    parts = [text.get("subject", ""), text.get("description", text.get("snippet", ""))]
    parts += [" ".join(ticket.get("tags") or ()), str(ticket.get("product_area") or "")]
    if detailed:
        parts += [_untrusted(c).get("body", "") for c in ticket.get("comments") or ()]
    return Candidate(f"ticket:{ticket['id']}", "ticket", dict(ticket), "\n".join(parts), detailed)


def message_candidate(message: Mapping[str, Any]) -> Candidate:
    text = _untrusted(message).get("text", "")
    return Candidate(
        f"message:{message['channel_id']}:{message['id']}", "message", dict(message), text, detailed=True
    )


def issue_candidate(issue: Mapping[str, Any], *, detailed: bool = False) -> Candidate:
    text = _untrusted(issue)
    parts = [text.get("title", ""), text.get("body", ""), " ".join(issue.get("labels") or ())]
    return Candidate(f"issue:{issue['key']}", "issue", dict(issue), "\n".join(parts), detailed)


def article_candidate(article: Mapping[str, Any], *, detailed: bool = False) -> Candidate:
    text = _untrusted(article)
    parts = [text.get("title", ""), text.get("body", ""), text.get("workaround", "")]
    parts.append(" ".join(article.get("labels") or ()))
    return Candidate(f"article:{article['id']}", "article", dict(article), "\n".join(parts), detailed)


def term_weights(prior: Mapping[str, float], pool: Sequence[Candidate]) -> dict[str, float]:
    """Each term's weight: its prior times how distinctive it is among the records found.

    A term every found record contains keeps a quarter of its prior; a term few contain keeps nearly all
    of it (a smoothed inverse document frequency over the pool).
    """
    total = len(pool)
    if total == 0:
        return dict(prior)
    ceiling = math.log((total + 1) / 0.5)
    weights: dict[str, float] = {}
    for term, weight in prior.items():
        df = sum(1 for c in pool if has_term(term, c.tokens))
        rarity = math.log((total + 1) / (df + 0.5)) / ceiling
        weights[term] = weight * (0.25 + 0.75 * max(0.0, min(1.0, rarity)))
    return weights


def coverage(weights: Mapping[str, float], tokens: Iterable[str]) -> float:
    """Share of the issue's weighted terms that `tokens` contains (0 to 1)."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    present = set(tokens)
    return sum(w for term, w in weights.items() if has_term(term, present)) / total


def has_term(term: str, present: Set[str]) -> bool:
    """Whether `present` holds `term`, or, for a term with alternatives (``crash|fatal|exception``: the
    issue's word and the domain's other words for it), any of them."""
    return any(part in present for part in term.split("|")) if "|" in term else term in present


@dataclass(frozen=True)
class Focus:
    """What is known to be related so far, for link-based scoring."""

    account_id: str | None = None
    account_name: str | None = None
    issue_keys: frozenset[str] = frozenset()
    ticket_ids: frozenset[str] = frozenset()
    account_names: tuple[str, ...] = ()
    """Names of the accounts whose tickets are related (for shared channels and mentions)."""
    referenced: frozenset[str] = frozenset()
    """Issue keys and article ids that related tickets name in their text."""
    named_tickets: frozenset[str] = frozenset()
    """Ticket ids that related tracker issues link or related chat messages name (``#59520``)."""
    ticket_words: tuple[frozenset[str], ...] = ()
    """What each related current ticket's customer wrote (stems), for issues and articles whose title
    describes it."""


def belongs_to_account(candidate: Candidate, account_id: str | None, account_name: str | None) -> bool:
    """Whether a record is the named account's: its ticket's organization, or a channel named after it."""
    if account_id is None and account_name is None:
        return False
    data = candidate.data
    if candidate.kind == "ticket":
        if account_id is not None and data.get("organization_id") == account_id:
            return True
        org = str(data.get("organization_name") or "")
        return bool(org and account_name and name_tokens(org) == name_tokens(account_name))
    if candidate.kind == "message":
        channel = str(data.get("channel_name") or "")
        return bool(account_name and names_account(channel.replace("-", " "), account_name))
    if candidate.kind == "issue":
        return account_id is not None and account_id in (data.get("linked_account_ids") or ())
    return False


def linked(candidate: Candidate, focus: Focus) -> list[str]:
    """Why a record is linked to what is already known to be related (empty when it is not)."""
    data = candidate.data
    reasons: list[str] = []
    if candidate.kind == "ticket":
        keys = (set(data.get("linked_issue_keys") or ()) | issue_keys_in(candidate.text)) & focus.issue_keys
        if keys:
            reasons.append("linked to " + ", ".join(sorted(keys)))
        if candidate.ident in focus.named_tickets:
            reasons.append("listed by a related issue or discussion")
    elif candidate.kind == "issue":
        tickets = set(data.get("linked_ticket_ids") or ()) & focus.ticket_ids
        if tickets:
            reasons.append("links ticket(s) " + ", ".join(sorted(tickets)))
    else:
        named = (issue_keys_in(candidate.text) & focus.issue_keys) | (
            ticket_ids_in(candidate.text) & focus.ticket_ids
        )
        if named:
            reasons.append("names " + ", ".join(sorted(named)))
    if candidate.kind in {"issue", "article"} and candidate.ident in focus.referenced:
        reasons.append("named in a related ticket")
    if (
        candidate.kind in {"issue", "article"}
        and focus.ticket_words
        and candidate.data.get("status") != "outdated"
    ):
        title = title_words(candidate)
        best = max((len(title & words) for words in focus.ticket_words), default=0)
        if best >= TITLE_SHARED and best >= TITLE_SHARE * len(title):
            reasons.append("its title describes a related ticket")
    return reasons


def statement_words(ticket: Candidate) -> frozenset[str]:
    """The stems of what the customer first wrote: the subject and the description (not the replies)."""
    text = _untrusted(ticket.data)
    statement = f"{text.get('subject', '')}\n{text.get('description', text.get('snippet', ''))}"
    return _scored_words(statement, ticket.names)[0]


def title_words(candidate: Candidate) -> frozenset[str]:
    """The content stems of a tracker issue's or article's title."""
    title = _untrusted(candidate.data).get("title", "")
    return frozenset(t for t in tokens(title) if t not in STOPWORDS and t not in META_WORDS and len(t) > 1)


def mentions(candidate: Candidate, focus: Focus) -> list[str]:
    """Why a message concerns an affected customer without linking a related record: it was posted in a
    channel shared with that customer. (Naming the customer in an internal channel is not enough: the
    message may be about anything else of theirs.)"""
    if candidate.kind != "message":
        return []
    channel = str(candidate.data.get("channel_name") or "").replace("-", " ")
    named = [n for n in focus.account_names if names_account(channel, n)]
    return [f"in the channel shared with {named[0]}"] if named else []


@dataclass(frozen=True)
class Judgement:
    score: float
    reasons: tuple[str, ...]
    kept: bool


def judge(
    candidate: Candidate,
    weights: Mapping[str, float],
    focus: Focus,
    *,
    now: datetime,
    phrases: frozenset[tuple[str, str]] = frozenset(),
    codes: frozenset[str] = frozenset(),
    history_allowed: bool = True,
) -> Judgement:
    """Score one record and decide whether it is related.

    A ticket is kept at `THRESHOLD`; a tracker issue or article that nothing related links or names, or a
    message that neither links a related record nor concerns an affected customer, needs `STRONG`. An earlier (closed, older) ticket without a link is kept only when `history_allowed`, and when
    the issue names one customer, another customer's ticket needs a strong, current match.

    Args:
        phrases: adjacent term pairs of the issue.
        codes: the issue's error codes and identifiers (``403``, ``accessdeny``); a record holding all of
            them reports the same failure.
        history_allowed: whether a closed, older ticket may be kept without a link to a related tracker
            issue (true when nothing related is tracked; then earlier solved tickets are precedent).
    """
    base = coverage(weights, candidate.tokens)
    reasons = [f"terms {base:.2f}"]
    strong = base
    if codes and codes <= candidate.tokens:
        strong += CODE_BONUS
        reasons.append("same codes " + " ".join(sorted(codes)))
    match = strong
    phrase = sorted(phrases & candidate.pairs)
    if phrase:
        match += PHRASE_BONUS
        reasons.append("phrase " + " ".join(phrase[0]))
    score = match
    own = belongs_to_account(candidate, focus.account_id, focus.account_name)
    if own:
        score += ACCOUNT_BONUS
        reasons.append("named account")
    links = linked(candidate, focus)
    if links:
        score += LINK_BONUS
        reasons.extend(links)
    about: list[str] = []
    elsewhere = candidate.kind == "message" and not links and bool(ticket_ids_in(candidate.text))
    if elsewhere:
        # a message naming only unrelated tickets is about those tickets
        reasons.append("about other tickets")
        return Judgement(round(score, 3), tuple(reasons), False)
    if not links and not own:
        about = mentions(candidate, focus)
        if about:
            score += MENTION_BONUS
            reasons.extend(about)
    kept = score >= THRESHOLD
    if links:
        return Judgement(round(score, 3), tuple(reasons), kept)
    recent_own = (
        own
        and candidate.kind == "ticket"
        and candidate.data.get("status") in OPEN_STATUSES
        and (parse_time(candidate.data.get("created_at")) or now) >= now - timedelta(days=2)
    )
    if recent_own:
        # the named customer's ticket opened in the last two days is their report, however they worded it
        kept = True
        reasons.append("the named customer's open ticket of the last two days")
    elif candidate.kind == "ticket" and match < MIN_TERMS:
        kept = False
    if candidate.kind in {"issue", "article"} or (candidate.kind == "message" and not about and not own):
        kept = score >= STRONG and candidate.data.get("status") != "outdated"
    if candidate.kind == "ticket" and kept:
        current = is_current(candidate.data, now)
        if not current and not history_allowed:
            kept = False
            reasons.append("earlier ticket not linked to the related tracker issue")
        elif focus.account_id is not None and not own and (not current or strong < OTHER_ACCOUNT_THRESHOLD):
            kept = False
            reasons.append("another customer's ticket without a strong match")
        elif current and candidate.data.get("status") not in OPEN_STATUSES and score < STRONG:
            kept = False
            reasons.append("solved this week on a partial match")
    return Judgement(round(score, 3), tuple(reasons), kept)


def is_current(ticket: Mapping[str, Any], now: datetime) -> bool:
    """Open, or created within the current window."""
    if ticket.get("status") in OPEN_STATUSES:
        return True
    created = parse_time(ticket.get("created_at"))
    return created is not None and created >= now - CURRENT_WINDOW


def resolve_account(
    candidates: Sequence[str], accounts: Sequence[Mapping[str, Any]], issue: str
) -> Mapping[str, Any] | None:
    """The CRM account the issue names, or None.

    An account matches when every token of its name appears in the issue (or in the account hint), or
    when the issue holds one of its domains; of several matches the one with the longest name wins, so
    "Acme Logistics" never resolves to "Acme Corp". A hint that only part of a name matches resolves
    only when it fits exactly one account.
    """
    texts = [issue, *candidates]
    matches: list[Mapping[str, Any]] = []
    for account in accounts:
        name = str(account.get("name") or "")
        domains = [str(d).lower() for d in account.get("domains") or ()]
        if any(names_account(t, name) for t in texts) or any(d and d in issue.lower() for d in domains):
            matches.append(account)
    if matches:
        return max(matches, key=lambda a: (len(name_tokens(str(a.get("name") or ""))), str(a.get("id"))))
    partial: dict[str, Mapping[str, Any]] = {}
    for hint in candidates:
        wanted = name_tokens(hint)
        for account in accounts:
            if wanted and wanted <= name_tokens(str(account.get("name") or "")):
                partial[str(account.get("id"))] = account
    return next(iter(partial.values())) if len(partial) == 1 else None


__all__ = [
    "CURRENT_WINDOW",
    "THRESHOLD",
    "Candidate",
    "Focus",
    "Judgement",
    "article_candidate",
    "belongs_to_account",
    "coverage",
    "is_current",
    "issue_candidate",
    "issue_keys_in",
    "judge",
    "message_candidate",
    "parse_time",
    "resolve_account",
    "term_weights",
    "ticket_candidate",
    "ticket_ids_in",
]
