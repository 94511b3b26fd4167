"""The offline planner: a deterministic model that drafts briefs without an LLM and without a network.

It drives the same agent loop as Claude, through the same MCP tools, in a fixed plan:

1. **Survey**: look the named customer up in the CRM and search tickets, the tracker and the knowledge
   base with the issue's symptom terms.
2. **Focus**: judge every record found (see `gather.select`); search chat by the key of the
   tracker issue the related tickets point at, and by the symptom; search tickets by that key when it
   links tickets not seen yet or fewer customers were found than the issue counts; read the most
   relevant current tickets in full.
3. **Follow**: read what the related tickets and discussions name (tracker issues, articles, tickets);
   read the named customer's current tickets when their snippets were too short to judge; for a data
   exposure, look up the customers whose data the tickets say was shown; read more tickets if the
   budget allows.
4. **Assess**: call `escalation_assess` with the ids of the related records only.
5. **Submit**: write the draft from the records and the assessment (see `draft`); for a
   support-handling decision, read the resolving article first.

The planner keeps nothing between turns: each turn is worked out from the tool results in the
conversation, so a conversation always leads to the same next turn. Reads are bounded by a budget of
tool-result characters so the whole run stays small. Customer text is only ever quoted; the decision,
target and severity are the assessment's. "Now", for this week's and current tickets, is the clock, or
the latest activity in the records when they end earlier (a fixed-clock world, an old export).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ....connectors.base import Clock, utc_now
from ...own_text import message_is_ours
from ...server import CONNECTOR_READ_TOOLS
from ..base import (
    SUBMIT_TOOL,
    AccountNotFoundError,
    Entry,
    EscalationRunError,
    ModelOutputError,
    ModelTurn,
    ToolCall,
    ToolSpec,
)
from .draft import DraftInput, escalation_draft, handling_draft
from .gather import Gathered, Related, select
from .issue import owner_names
from .relevance import Candidate, coverage, is_current, issue_keys_in

NAME = "offline planner"


@dataclass(frozen=True)
class SearchLimits:
    """Results asked for per search: enough to find every affected customer, few enough to stay small."""

    accounts: int = 3
    tickets: int = 8
    messages: int = 6
    messages_by_key: int = 3
    """Of the messages, those found by the related tracker issue's key (when there is one)."""
    issues: int = 2
    articles: int = 3
    first_reads: int = 2
    """Tickets read in the focus turn; more follow if the budget allows."""
    max_ticket_reads: int = 4


@dataclass(frozen=True)
class Budget:
    """Tool-result characters the planner aims to stay under, and what it sets aside."""

    total: int = 23_500
    assessment: int = 6_000
    """Kept free for the `escalation_assess` result."""
    per_customer: int = 600
    """More kept free for each current related ticket beyond three (each adds findings and SLA lines)."""


_PRIORITY = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
_RECORD_COST = 1_500
"""A rough size of one tracker issue or article read in full."""
_PHASES = ("survey", "focus", "follow", "assess", "after")


class OfflinePlanner:
    """Plans tool calls and writes the draft deterministically; the default model without an API key."""

    name = NAME
    drafted_without_llm = True

    def __init__(
        self,
        *,
        clock: Clock = utc_now,
        limits: SearchLimits | None = None,
        budget: Budget | None = None,
    ) -> None:
        """Build a planner.

        Args:
            clock: "now", for telling current tickets from earlier ones; when the records found end
                earlier, their latest activity is used instead (see `_reference_time`).
            limits: results per search and reads per run.
            budget: tool-result characters to aim for.
        """
        self._clock = clock
        self._limits = limits or SearchLimits()
        self._budget = budget or Budget()

    async def respond(self, conversation: list[Entry], tools: list[ToolSpec], system: str) -> ModelTurn:
        """The next turn, worked out from the tool results so far.

        Raises:
            ModelOutputError: the loop refused the planner's draft (a planner bug; it does not retry).
            EscalationRunError: `escalation_assess` failed, so there is nothing to draft from.
        """
        gathered = Gathered.from_conversation(conversation)
        if gathered.refused is not None:
            raise ModelOutputError(f"the offline planner's draft was refused: {gathered.refused}")
        available = {t.name for t in tools}
        now = self._reference_time(gathered)
        done = [i for i, phase in enumerate(_PHASES) if gathered.phase_done(phase)]
        start = max(done) + 1 if done else 0
        steps: dict[str, Callable[[Gathered, datetime, set[str]], list[ToolCall]]] = {
            "survey": self._survey,
            "focus": self._focus,
            "follow": self._follow,
            "assess": self._assess,
            "after": self._after,
        }
        for phase in _PHASES[start:]:
            calls = [c for c in steps[phase](gathered, now, available) if not _repeats(gathered, c)]
            if calls:
                numbered = [
                    ToolCall(id=f"{phase}-{i}", name=c.name, arguments=c.arguments)
                    for i, c in enumerate(calls)
                ]
                return ModelTurn(text=f"Offline planner: {phase}", tool_calls=numbered)
        return self._submit(gathered, now)

    # ------------------------------------------------------------------ phases

    def _survey(self, g: Gathered, now: datetime, available: set[str]) -> list[ToolCall]:
        facts = g.facts
        query = _query(g)
        limits = self._limits
        calls = [
            _call("crm_search_accounts", query=name, limit=limits.accounts)
            for name in facts.account_candidates[:2]
        ]
        calls += [
            _call("support_search_tickets", query=query, limit=limits.tickets),
            _call("tracker_search_issues", query=query, limit=limits.issues),
            _call("kb_search_articles", query=query, limit=limits.articles),
        ]
        if facts.related_words:
            # articles name the symptom in the product's words, which the issue may not use
            calls.append(_call("kb_search_articles", query=facts.wide_query, limit=limits.articles))

        return [c for c in calls if c.name in available]

    def _focus(self, g: Gathered, now: datetime, available: set[str]) -> list[ToolCall]:
        related = select(g, now)
        query = _query(g)
        top_issue = related.issues[0][0] if related.issues else None
        article_prefixes = {_prefix(a) for a in g.articles}
        keys = [k for k in related.tracker_keys if _prefix(k) not in article_prefixes]
        limits = self._limits
        if keys:
            # internal threads name the bug; customers in shared channels describe the symptom
            calls = [
                _call("chat_search_messages", query=keys[0], limit=limits.messages_by_key),
                _call("chat_search_messages", query=query, limit=limits.messages - limits.messages_by_key),
            ]
        else:
            calls = [_call("chat_search_messages", query=query, limit=limits.messages)]
        spend = 450 * limits.messages
        for key in [k for k in keys if k not in g.issues][:1]:
            # the tickets link a tracker issue the search did not return
            calls.append(_call("tracker_get_issue", key=key))
            spend += _RECORD_COST
        account = related.account
        if account is not None and not _has_own_ticket(related):
            organization = _organization_id(g, account)
            # the named customer's recent tickets, whatever words they used
            calls.append(_call("support_search_tickets", query="", organization_id=organization, limit=5))
            spend += 3_500
        if top_issue is not None:
            unseen = [t for t in top_issue.data.get("linked_ticket_ids") or () if t not in g.tickets]
            expected = g.facts.signals.customer_count or 0
            found = len({c.data.get("organization_id") for c in related.current_tickets(now)})
            if unseen or found < expected:
                # more customers than found: their tickets name the bug in notes more often than in words
                limit = min(10, max(len(unseen), expected - found) + 2)
                calls.append(_call("support_search_tickets", query=top_issue.ident, limit=limit))
                spend += 750 * limit
        left = self._left(g, related, now) - spend
        calls += _reads(related, now, left, self._limits.first_reads, at_least_one=True)
        return [c for c in calls if c.name in available]

    def _follow(self, g: Gathered, now: datetime, available: set[str]) -> list[ToolCall]:
        related = select(g, now)
        article_prefixes = {_prefix(a) for a in g.articles}
        calls: list[ToolCall] = _past_our_posts(g)
        named: list[str] = []
        for candidate, _ in related.tickets:
            if candidate.detailed:
                named += sorted(issue_keys_in(candidate.text))
        left = self._left(g, related, now)
        for key in dict.fromkeys(named):
            if key in g.issues or key in g.articles or left < _RECORD_COST or len(calls) >= 2:
                continue
            if _prefix(key) in article_prefixes:
                calls.append(_call("kb_get_article", article_id=key))
            else:
                calls.append(_call("tracker_get_issue", key=key))
            left -= _RECORD_COST
        for ticket_id in sorted(related.named_tickets - set(g.tickets))[:2]:
            # a related discussion names a ticket no search returned
            calls.append(_call("support_get_ticket", ticket_id=ticket_id))
            left -= 2_500
        if g.facts.signals.security:
            # whose data was exposed: names the related tickets attribute the leaked record to
            known = {str(a.get("name") or "").lower() for a in g.accounts.values()}
            known |= {str(c.data.get("organization_name") or "").lower() for c, _ in related.tickets}
            names = [
                n
                for c, _ in related.tickets
                if c.detailed
                for n in owner_names(c.text)
                if n.lower() not in known
            ]
            calls += [_call("crm_search_accounts", query=n, limit=3) for n in dict.fromkeys(names)][:2]
        if related.account is not None and not _has_own_ticket(related):
            # the named customer's current tickets, read in full when a snippet was too short to judge
            for ticket in _own_unread(g, related, now)[:2]:
                calls.append(_call("support_get_ticket", ticket_id=ticket.ident))
                left -= _ticket_cost(ticket)
        read = sum(1 for c, _ in related.tickets if c.detailed)
        more = max(0, self._limits.max_ticket_reads - read)
        calls += _reads(related, now, left, more, at_least_one=False)
        return [c for c in calls if c.name in available]

    def _assess(self, g: Gathered, now: datetime, available: set[str]) -> list[ToolCall]:
        missing = _unknown_account(g)
        if missing is not None:
            raise AccountNotFoundError(
                f"no account named {missing!r} in the CRM (searched crm_search_accounts for it); check the "
                "name, or leave the customer out to search by symptom"
            )
        related = select(g, now)
        arguments: dict[str, Any] = {"issue": g.facts.issue[:4_000] or "(no issue text)"}
        ids = {
            "ticket_ids": [c.ident for c, _ in related.tickets],
            "account_ids": list(
                dict.fromkeys(
                    ([str(related.account["id"])] if related.account is not None else [])
                    + [str(a["id"]) for a in related.exposed]
                )
            ),
            "message_ids": related.thread_roots,
            "issue_keys": [c.ident for c, _ in related.issues],
            "article_ids": [c.ident for c, _ in related.articles],
        }
        arguments.update({key: value[:50] for key, value in ids.items() if value})
        return [c for c in [_call("escalation_assess", **arguments)] if c.name in available]

    def _after(self, g: Gathered, now: datetime, available: set[str]) -> list[ToolCall]:
        if g.assessment is None or g.assessment.get("decision") != "handle_in_support":
            return []
        article = _resolving_article(g)
        if article is None or article.detailed:
            return []
        return [c for c in [_call("kb_get_article", article_id=article.ident)] if c.name in available]

    def _submit(self, g: Gathered, now: datetime) -> ModelTurn:
        if g.assessment is None:
            failure = next(
                (entry.text for call, entry in g.results if call.name == "escalation_assess"), "not called"
            )
            raise EscalationRunError(f"escalation_assess gave no assessment to draft from: {failure}")
        given = DraftInput(
            facts=g.facts, related=select(g, now), assessment=g.assessment, now=now, clock=self._clock()
        )
        if g.assessment.get("decision") == "handle_in_support":
            draft = handling_draft(given, _resolving_article(g))
        else:
            draft = escalation_draft(given)
        return ModelTurn(
            text="Offline planner: drafted without an LLM",
            tool_calls=[ToolCall(id="submit-0", name=SUBMIT_TOOL, arguments=draft)],
            stop_reason="tool_use",
        )

    # ------------------------------------------------------------------ helpers

    def _reference_time(self, g: Gathered) -> datetime:
        """ "Now" for this week's and current tickets: the clock, unless the records end earlier.

        A workspace whose newest record is older than the clock (an export, a fixed-clock test world)
        is judged on its own timeline, so "this week" means the week up to its latest activity.
        """
        clock = self._clock()
        latest = g.latest_activity()
        return min(clock, latest) if latest is not None else clock

    def _left(self, g: Gathered, related: Related, now: datetime) -> int:
        """Characters left for reads, after what was used and what the assessment will need."""
        current = len(related.current_tickets(now))
        reserve = self._budget.assessment + self._budget.per_customer * max(0, current - 3)
        return self._budget.total - min(8_000, reserve) - g.context_chars


def _past_our_posts(g: Gathered) -> list[ToolCall]:
    """Chat searches whose results included posts of ours, continued for as many messages as those took
    up: our posts are not evidence, and must not crowd out the discussion a search would otherwise find."""
    calls = []
    for call, entry in g.results:
        data = entry.structured or {}
        if call.name != "chat_search_messages" or entry.is_error or not data.get("next_cursor"):
            continue
        ours = sum(1 for m in data.get("messages", []) if isinstance(m, dict) and message_is_ours(m))
        if ours:
            query = call.arguments.get("query")
            calls.append(_call("chat_search_messages", query=query, limit=ours, cursor=data["next_cursor"]))
    return calls


_NAMED_FOR = re.compile(r"\bfor\s+((?:[A-Z][\w&'.-]*)(?:\s+(?:[A-Z][\w&'.-]*|&))*)\s*[.!?]?\s*$")
"""A customer named at the end of the issue ("... not loading for Zyxwv Industries")."""


def _unknown_account(g: Gathered) -> str | None:
    """The customer the user named (``--account`` or "... for <Name>") when the CRM answered and knows no
    such account; None when no customer was named, the CRM could not be read, or the name resolved."""
    named = g.facts.account_hint
    if not named:
        match = _NAMED_FOR.search(g.facts.issue)
        named = match.group(1) if match else None
    if not named or g.account() is not None:
        return None
    searches = [entry for call, entry in g.results if call.name == "crm_search_accounts"]
    if not searches or any(entry.is_error for entry in searches):
        return None
    return named


def _query(g: Gathered) -> str:
    return g.facts.query or " ".join(g.facts.issue.split())[:200]


def _has_own_ticket(related: Related) -> bool:
    name = str(related.account.get("name") or "").lower() if related.account is not None else ""
    return any(str(c.data.get("organization_name") or "").lower() == name for c, _ in related.tickets)


def _call(name: str, **arguments: Any) -> ToolCall:
    if name in CONNECTOR_READ_TOOLS:
        arguments["detail"] = "full"  # the planner judges relevance on every field
    return ToolCall(id="", name=name, arguments={k: v for k, v in arguments.items() if v is not None})


def _repeats(g: Gathered, call: ToolCall) -> bool:
    return any(c.name == call.name and c.arguments == call.arguments for c in g.calls.values())


def _prefix(ident: str) -> str:
    return ident.rsplit("-", 1)[0] if "-" in ident else ""


def _organization_id(g: Gathered, account: Any) -> str:
    """The support platform's id for the account: from one of its tickets, else the CRM id."""
    name = str(account.get("name") or "").lower()
    for candidate in g.tickets.values():
        if str(candidate.data.get("organization_name") or "").lower() == name and candidate.data.get(
            "organization_id"
        ):
            return str(candidate.data["organization_id"])
    return str(account["id"])


def _reading_order(related: Related, now: datetime) -> list[Candidate]:
    """Related tickets not read yet: current ones first (the named account's, then the most urgent and
    most relevant), then earlier ones of the named account (of any customer when the issue names none)."""
    account_name = str(related.account.get("name")).lower() if related.account is not None else None

    def own(candidate: Candidate) -> bool:
        return (
            account_name is not None
            and str(candidate.data.get("organization_name") or "").lower() == account_name
        )

    def key(pair: tuple[Candidate, Any]) -> tuple[int, int, int, float, str]:
        candidate, judgement = pair
        priority = _PRIORITY.get(str(candidate.data.get("priority")), 4)
        current = is_current(candidate.data, now)
        return (0 if current else 1, 0 if own(candidate) else 1, priority, -judgement.score, candidate.ident)

    unread = [(c, j) for c, j in related.tickets if not c.detailed]
    wanted = [(c, j) for c, j in unread if is_current(c.data, now) or own(c) or related.account is None]
    return [c for c, _ in sorted(wanted, key=key)]


def _own_unread(g: Gathered, related: Related, now: datetime) -> list[Candidate]:
    """The named account's current tickets not read yet that share some words with the issue, best first."""
    if related.account is None:
        return []
    name = str(related.account.get("name") or "").lower()
    own = [
        c
        for c in g.tickets.values()
        if not c.detailed
        and is_current(c.data, now)
        and str(c.data.get("organization_name") or "").lower() == name
        and coverage(related.weights, c.tokens) > 0
    ]
    return sorted(own, key=lambda c: (-coverage(related.weights, c.tokens), c.ident))


def _reads(related: Related, now: datetime, left: int, count: int, *, at_least_one: bool) -> list[ToolCall]:
    """Ticket reads within `left` characters; the first is made even over budget when `at_least_one`."""
    calls: list[ToolCall] = []
    for ticket in _reading_order(related, now)[:count]:
        cost = _ticket_cost(ticket)
        if cost > left and not (at_least_one and not calls):
            break
        calls.append(_call("support_get_ticket", ticket_id=ticket.ident))
        left -= cost
    return calls


def _ticket_cost(ticket: Candidate) -> int:
    """A rough size of a ticket read in full, from its search summary."""
    comments = int(ticket.data.get("comment_count") or 0)
    snippet = str((ticket.data.get("untrusted") or {}).get("snippet") or "")
    long_description = 800 if snippet.endswith("…") else 0
    return min(8_000, 1_000 + long_description + 330 * comments)


def _resolving_article(g: Gathered) -> Candidate | None:
    if g.assessment is None:
        return None
    for ref in g.assessment.get("resolving_records", []):
        kind, _, ident = str(ref).partition(":")
        if kind == "article" and ident in g.articles:
            return g.articles[ident]
    return None


__all__ = ["NAME", "Budget", "OfflinePlanner", "SearchLimits"]
