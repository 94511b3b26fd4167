"""What the offline planner has gathered so far, rebuilt from the conversation on every turn.

The planner keeps no state of its own between turns: the tool calls it made and their structured results
are all in the conversation, so the same conversation always leads to the same next turn.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ...own_text import comment_is_ours, message_is_ours, without_our_comments
from ...signals import kinds_in
from ...signals.thesaurus import subjects
from ...views import AssessmentView, from_wire
from ..base import AssistantEntry, Entry, ToolCall, ToolResultEntry, UserEntry
from .issue import IssueFacts, issue_facts, names_account
from .relevance import (
    CURRENT_WINDOW,
    OPEN_STATUSES,
    Candidate,
    Focus,
    Judgement,
    article_candidate,
    coverage,
    is_current,
    issue_candidate,
    issue_keys_in,
    judge,
    linked,
    message_candidate,
    parse_time,
    resolve_account,
    statement_words,
    term_weights,
    ticket_candidate,
    ticket_ids_in,
)
from .statements import CHURN_WORDS

MAX_RELATED_TICKETS = 50
MAX_RELATED_ISSUES = 3
MAX_RELATED_ARTICLES = 3
MAX_RELATED_THREADS = 6
STALE_AFTER = timedelta(days=30)
"""An open ticket nobody has touched for this long is not taken as a report of the issue at hand (it
may still be related through a link)."""


_NAMES = ("organization_name", "requester_name", "tags", "author_name", "channel_name", "name", "labels")
"""Names, tags and labels the tools return inside `untrusted`, which the planner reads beside the rest."""


def lifted(data: Any) -> Any:
    """A tool result with the names inside each record's `untrusted` object also at the record's top."""
    if isinstance(data, list):
        return [lifted(item) for item in data]
    if not isinstance(data, Mapping):
        return data
    out = {key: lifted(value) for key, value in data.items()}
    text = data.get("untrusted")
    if isinstance(text, Mapping):
        out.update({key: text[key] for key in _NAMES if key in text and key not in data})
    return out


def _our_chars(data: Mapping[str, Any]) -> int:
    """Characters of a tool result that this product wrote (notes on a ticket, chat posts)."""
    ticket = data.get("ticket")
    comments = ticket.get("comments") or () if isinstance(ticket, Mapping) else ()
    messages = list(data.get("messages", []))
    thread = data.get("thread")
    if isinstance(thread, Mapping):
        messages += [thread.get("root") or {}, *(thread.get("replies") or ())]
    ours = [json.dumps(c) for c in comments if comment_is_ours(c)]
    ours += [json.dumps(m) for m in messages if isinstance(m, Mapping) and message_is_ours(m)]
    return sum(len(text) for text in ours)


@dataclass
class Gathered:
    """Every call made and every record returned so far."""

    facts: IssueFacts
    calls: dict[str, ToolCall] = field(default_factory=dict)
    results: list[tuple[ToolCall, ToolResultEntry]] = field(default_factory=list)
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    tickets: dict[str, Candidate] = field(default_factory=dict)
    messages: dict[str, Candidate] = field(default_factory=dict)
    issues: dict[str, Candidate] = field(default_factory=dict)
    articles: dict[str, Candidate] = field(default_factory=dict)
    assessment: dict[str, Any] | None = None
    refused: str | None = None
    """The loop's message when it refused a submitted draft."""
    context_chars: int = 0

    @classmethod
    def from_conversation(cls, conversation: list[Entry]) -> Gathered:
        first = next((e for e in conversation if isinstance(e, UserEntry)), None)
        gathered = cls(facts=issue_facts(first.text if first else ""))
        for entry in conversation:
            if isinstance(entry, AssistantEntry):
                for call in entry.turn.tool_calls:
                    gathered.calls[call.id] = call
            elif isinstance(entry, ToolResultEntry):
                gathered.context_chars += len(entry.text)
                made = gathered.calls.get(entry.call_id)
                if made is None:
                    continue
                gathered.results.append((made, entry))
                if entry.name == "submit_brief" and entry.is_error:
                    gathered.refused = entry.text
                elif not entry.is_error and entry.structured is not None:
                    gathered._add(made, lifted(entry.structured))
                    # what we wrote earlier is no evidence, and does not use up the reading budget
                    gathered.context_chars -= min(len(entry.text), _our_chars(entry.structured))
        names = [str(a.get("name") or "") for a in gathered.accounts.values()]
        names += [str(c.data.get("organization_name") or "") for c in gathered.tickets.values()]
        for candidate in gathered.pool:
            candidate.forget_names(names)
        return gathered

    def phase_done(self, phase: str) -> bool:
        return any(call_id.startswith(f"{phase}-") for call_id in self.calls)

    def called(self, name: str, **arguments: Any) -> bool:
        return any(
            c.name == name and all(c.arguments.get(k) == v for k, v in arguments.items())
            for c in self.calls.values()
        )

    def _add(self, call: ToolCall, data: Mapping[str, Any]) -> None:
        for account in [*data.get("accounts", []), *([data["account"]] if "account" in data else [])]:
            self.accounts.setdefault(str(account["id"]), {}).update(account)
        for ticket in data.get("tickets", []):
            self.tickets.setdefault(str(ticket["id"]), ticket_candidate(ticket))
        if "ticket" in data:
            # our own notes and drafts on the ticket are not evidence
            ticket = without_our_comments(data["ticket"])
            self.tickets[str(ticket["id"])] = ticket_candidate(ticket, detailed=True)
        messages = list(data.get("messages", []))
        if "thread" in data:
            thread = data["thread"]
            messages += [thread["root"], *(thread.get("replies") or [])]
        for message in [m for m in messages if not message_is_ours(m)]:
            candidate = message_candidate(message)
            self.messages[candidate.ident] = candidate
        for issue in data.get("issues", []):
            self.issues.setdefault(str(issue["key"]), issue_candidate(issue))
        if "issue" in data:
            self.issues[str(data["issue"]["key"])] = issue_candidate(data["issue"], detailed=True)
        for article in data.get("articles", []):
            self.articles.setdefault(str(article["id"]), article_candidate(article))
        if "article" in data:
            self.articles[str(data["article"]["id"])] = article_candidate(data["article"], detailed=True)
        if call.name == "escalation_assess":
            self.assessment = from_wire(AssessmentView, dict(data)).model_dump(mode="json")

    @property
    def pool(self) -> list[Candidate]:
        return [
            *self.tickets.values(),
            *self.messages.values(),
            *self.issues.values(),
            *self.articles.values(),
        ]

    def latest_activity(self) -> datetime | None:
        """The newest update or message time among the records found."""
        times = [
            parse_time(c.data.get("updated_at") or c.data.get("created_at"))
            for c in [*self.tickets.values(), *self.messages.values(), *self.issues.values()]
        ]
        return max((t for t in times if t is not None), default=None)

    def account(self) -> Mapping[str, Any] | None:
        """The account the issue names, resolved against the CRM results."""
        if not self.facts.account_candidates:
            return None
        return resolve_account(self.facts.account_candidates, list(self.accounts.values()), self.facts.issue)


@dataclass
class Related:
    """The records judged related, each with its judgement, best first."""

    account: Mapping[str, Any] | None
    tickets: list[tuple[Candidate, Judgement]]
    messages: list[tuple[Candidate, Judgement]]
    issues: list[tuple[Candidate, Judgement]]
    articles: list[tuple[Candidate, Judgement]]
    rejected: dict[str, Judgement]
    """Every record judged unrelated, with the reasons (for explaining a run)."""
    weights: dict[str, float]
    named_tickets: frozenset[str] = frozenset()
    """Ticket ids related chat messages name, read or not."""
    exposed: list[Mapping[str, Any]] = field(default_factory=list)
    """For a data exposure: CRM accounts whose data a related ticket says was shown to someone else."""

    def current_tickets(self, now: datetime) -> list[Candidate]:
        return [c for c, _ in self.tickets if is_current(c.data, now)]

    @property
    def thread_roots(self) -> list[str]:
        """Related chat threads as ``<channel id>:<root message id>``, for escalation_assess."""
        roots: list[str] = []
        for candidate, _ in self.messages:
            data = candidate.data
            root = data.get("thread_id") or data["id"]
            ref = f"{data['channel_id']}:{root}"
            if ref not in roots:
                roots.append(ref)
        return roots[:MAX_RELATED_THREADS]

    @property
    def tracker_keys(self) -> list[str]:
        """Tracker keys the related tickets link or name, most often first (some may not be read yet)."""
        counts: dict[str, int] = {}
        for candidate, _ in self.tickets:
            keys = {*(candidate.data.get("linked_issue_keys") or ()), *issue_keys_in(candidate.text)}
            for key in keys:
                counts[key] = counts.get(key, 0) + 1
        related = [c.ident for c, _ in self.issues]
        return sorted(counts, key=lambda k: (k not in related, -counts[k], k))


def _ordered(items: list[tuple[Candidate, Judgement]]) -> list[tuple[Candidate, Judgement]]:
    return sorted(items, key=lambda pair: (-pair[1].score, pair[0].ref))


OUTBREAK_WINDOW = timedelta(hours=48)
"""Reports of the same symptom from other customers within this window are one incident."""
_PROBLEM_KINDS = ("production_down", "degraded", "data_loss", "security")


def _same_symptom(
    tickets: list[Candidate],
    verdicts: Mapping[str, Judgement],
    facts: IssueFacts,
    weights: Mapping[str, float],
    now: datetime,
) -> dict[str, Judgement]:
    """Other customers' open tickets of the last two days that report a problem with the same thing, in
    their own words ("images unavailable", "all images broken", "pictures gone")."""
    wanted = set(kinds_in(facts.issue, _PROBLEM_KINDS))
    if not wanted:
        return {}
    about = subjects(facts.issue)
    found: dict[str, Judgement] = {}
    for c in tickets:
        verdict = verdicts[c.ref]
        created = parse_time(c.data.get("created_at"))
        if verdict.kept or created is None or not is_current(c.data, now):
            continue
        kinds = set(kinds_in(c.text, _PROBLEM_KINDS))
        # a current report of an exposure is rare enough to be the same one, however it is worded
        exposure = "security" in wanted & kinds and created >= now - CURRENT_WINDOW
        # another customer's report is part of the same outbreak while it is still open: one solved with
        # its own explanation ("the key was revoked by your admin") was a different problem
        outbreak = (
            c.data.get("status") in OPEN_STATUSES
            and created >= now - OUTBREAK_WINDOW
            and bool(kinds)
            and bool(about & subjects(c.text))
        )
        if not (exposure or outbreak):
            continue
        found[c.ref] = Judgement(
            round(max(verdict.score, coverage(weights, c.tokens)), 3),
            (*verdict.reasons, f"same kind of problem in the last {OUTBREAK_WINDOW.days * 24} hours"),
            True,
        )
    return found


def _organization(candidate: Candidate) -> str:
    return str(candidate.data.get("organization_id") or candidate.data.get("organization_name") or "")


def select(gathered: Gathered, now: datetime) -> Related:
    """Judge every record gathered so far and keep the related ones.

    1. Anchors: current tickets related on their own words and touched in the last 30 days (when the
       issue speaks of this week or today, only tickets created in that window; when it speaks of a
       customer threatening to leave, only the tickets of the customer whose words weigh leaving).
    2. Tracker issues the anchors link or name, that link an anchor, or whose title describes one;
       only when nothing points at any, an issue related on its words alone. For a feature gap,
       feature requests win over bugs.
    3. Tickets again, now also those linked to a related tracker issue (either side of the link): an
       earlier ticket counts only when it belongs to an affected customer (the customer's own history
       with the issue).
    4. Chat messages and articles, knowing the related tickets, issues and customers; then tickets
       the related discussions name. With a bug on file, a guide is related only when something names
       it. For a data exposure, the CRM accounts a related ticket says the data belonged to.
    """
    facts = gathered.facts
    account = gathered.account()
    weights = term_weights(facts.terms, gathered.pool)
    if facts.vague:
        # nothing says what is broken or for whom: records that merely share a word are not about it
        rejected = {
            c.ref: Judgement(0.0, ("the issue is too vague to relate records to",), False)
            for c in gathered.pool
        }
        return Related(
            account=None, tickets=[], messages=[], issues=[], articles=[], rejected=rejected, weights=weights
        )
    phrases = facts.phrases
    account_id = str(account["id"]) if account else None
    account_name = str(account["name"]) if account else None
    names: tuple[str, ...] = (account_name,) if account_name else ()
    tickets = list(gathered.tickets.values())

    # articles and tracker issues are written in the product's words, not the customer's: they match a
    # term through the domain's other words for it too
    wide = term_weights(facts.matching_terms, gathered.pool)

    def judged(candidates: list[Candidate], focus: Focus, **options: bool) -> dict[str, Judgement]:
        return {
            c.ref: judge(
                c,
                wide if c.kind == "article" else weights,
                focus,
                now=now,
                phrases=phrases,
                codes=facts.codes,
                **options,
            )
            for c in candidates
        }

    first = judged(tickets, Focus(account_id, account_name, account_names=names))
    first.update(_same_symptom(tickets, first, facts, wide, now))
    window = now - CURRENT_WINDOW
    stale = now - STALE_AFTER
    anchors = [
        c
        for c in tickets
        if first[c.ref].kept
        and is_current(c.data, now)
        and (parse_time(c.data.get("updated_at")) or now) >= stale
        and (not facts.signals.recent or (parse_time(c.data.get("created_at")) or window) >= window)
    ]
    if facts.signals.churn and account is None:
        # "a customer threatening to churn": the customer is the one whose tickets weigh leaving
        churning = {_organization(c) for c in anchors if CHURN_WORDS.search(c.text)}
        if churning:
            anchors = [c for c in anchors if _organization(c) in churning]
    referenced = frozenset(
        key for c in anchors for key in [*(c.data.get("linked_issue_keys") or ()), *issue_keys_in(c.text)]
    )
    anchor_ids = frozenset(c.ident for c in anchors)
    names = tuple(
        dict.fromkeys(
            [*names, *(str(c.data["organization_name"]) for c in anchors if c.data.get("organization_name"))]
        )
    )
    words = tuple(statement_words(c) for c in anchors)
    focus = Focus(account_id, account_name, frozenset(), anchor_ids, names, referenced, ticket_words=words)
    issue_judgements = judged(list(gathered.issues.values()), focus)
    issues = _ordered(
        [(c, issue_judgements[c.ref]) for c in gathered.issues.values() if issue_judgements[c.ref].kept]
    )
    if referenced or any(linked(c, focus) for c, _ in issues):
        # the related tickets point at tracker issues: an issue nothing points at is a look-alike
        issues = [(c, j) for c, j in issues if linked(c, focus)]
    if facts.signals.feature_gap and any(c.data.get("kind") == "feature" for c, _ in issues):
        issues = [(c, j) for c, j in issues if c.data.get("kind") != "bug"]
    issues = issues[:MAX_RELATED_ISSUES]
    keys = frozenset(c.ident for c, _ in issues)
    listed = frozenset(t for c, _ in issues for t in c.data.get("linked_ticket_ids") or ())

    focus = Focus(account_id, account_name, keys, anchor_ids, names, referenced, listed, words)
    second = judged(tickets, focus, history_allowed=not keys)
    second.update(_same_symptom(tickets, second, facts, wide, now))
    affected = {
        _organization(c)
        for c in tickets
        if second[c.ref].kept and is_current(c.data, now) and (c.ident in anchor_ids or linked(c, focus))
    }
    affected = {_organization(c) for c in anchors} | affected | ({account_id} if account_id else set())
    kept_tickets: list[tuple[Candidate, Judgement]] = []
    for c in tickets:
        verdict = second[c.ref]
        why = None
        if verdict.kept and c.ident not in anchor_ids and not linked(c, focus) and is_current(c.data, now):
            why = "current, but outside what the issue describes"
        if verdict.kept and keys and not is_current(c.data, now) and _organization(c) not in affected:
            why = "earlier ticket of a customer not affected now"
        if why is not None:
            verdict = Judgement(verdict.score, (*verdict.reasons, why), False)
            second[c.ref] = verdict
        if verdict.kept:
            kept_tickets.append((c, verdict))
    ticket_ids = frozenset(c.ident for c, _ in kept_tickets)
    referenced = referenced | frozenset(
        key
        for c, _ in kept_tickets
        for key in [*(c.data.get("linked_issue_keys") or ()), *issue_keys_in(c.text)]
    )
    referenced |= frozenset(key for c, _ in issues for key in issue_keys_in(c.text))
    focus = Focus(account_id, account_name, keys, ticket_ids, names, referenced, listed, words)
    rest = judged([*gathered.messages.values(), *gathered.articles.values()], focus)
    named = (
        frozenset(
            t
            for c in gathered.messages.values()
            if rest[c.ref].kept and linked(c, focus)
            for t in ticket_ids_in(c.text)
        )
        - ticket_ids
    )
    if named:
        # internal discussion names more tickets of the issue ("third customer ... (#59520)")
        focus = Focus(account_id, account_name, keys, ticket_ids, names, referenced, listed | named, words)
        for c in tickets:
            if c.ident in named and not second[c.ref].kept:
                second[c.ref] = judge(c, weights, focus, now=now, phrases=phrases, codes=facts.codes)
                if second[c.ref].kept:
                    kept_tickets.append((c, second[c.ref]))
    if any(c.data.get("kind") == "bug" for c, _ in issues):
        # with a bug on file, a guide or reference page is related only when something names it
        for c in gathered.articles.values():
            verdict = rest[c.ref]
            by_title = "its title describes a related ticket" in verdict.reasons
            pointed = any(r.startswith(("named", "names")) for r in verdict.reasons)
            if verdict.kept and by_title and not pointed and c.data.get("kind") in {"how-to", "reference"}:
                rest[c.ref] = Judgement(
                    verdict.score, (*verdict.reasons, "a guide, and a bug is on file"), False
                )
    verdicts = {**first, **issue_judgements, **second, **rest}

    def kept(pool: Mapping[str, Candidate], limit: int) -> list[tuple[Candidate, Judgement]]:
        return _ordered([(c, verdicts[c.ref]) for c in pool.values() if verdicts[c.ref].kept])[:limit]

    kept_issue_refs = {c.ref for c, _ in issues}
    exposed: list[Mapping[str, Any]] = []
    if facts.signals.security:
        # in a data exposure, the customer whose data was shown is affected too
        texts = [c.text for c, _ in kept_tickets if is_current(c.data, now)]
        orgs = {_organization(c) for c, _ in kept_tickets} | {account_id}
        for crm_account in gathered.accounts.values():
            name = str(crm_account.get("name") or "")
            if str(crm_account.get("id")) not in orgs and any(names_account(t, name) for t in texts):
                exposed.append(crm_account)
    return Related(
        account=account,
        tickets=_ordered(kept_tickets)[:MAX_RELATED_TICKETS],
        messages=kept(gathered.messages, 50),
        issues=issues,
        articles=kept(gathered.articles, MAX_RELATED_ARTICLES),
        named_tickets=named,
        exposed=exposed,
        rejected={
            ref: j
            for ref, j in verdicts.items()
            if not j.kept or (ref.startswith("issue:") and ref not in kept_issue_refs)
        },
        weights=weights,
    )


__all__ = ["Gathered", "Related", "select"]
