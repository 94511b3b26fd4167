"""The offline planner's draft: the brief's prose written from the related records and the assessment.

Every sentence is either a fact from a record (with its ticket, issue or message id) or a quote of what a
customer or agent wrote. Quotes are scrubbed of e-mail addresses and secrets, and sentences that read like
instructions are never quoted. When something is not in the records the draft says it is unknown and
where it looked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .. import customer_text
from ..own_text import comment_is_ours
from ..visible_text import for_people
from ._planner_gather import Related
from ._planner_relevance import Candidate, coverage, is_current, parse_time
from ._planner_text import (
    STOPWORDS,
    IssueFacts,
    condition_sentences,
    end_sentence,
    environment,
    error_lines,
    expectation_sentences,
    expected_sentences,
    frequency,
    impact_rank,
    impact_sentences,
    is_instruction,
    labelled,
    numbered_steps,
    promise_due,
    quotable,
    reference_clause,
    reproduced_sentences,
    risk_sentences,
    rules_out,
    scrub,
    shorten,
    since_change,
    token_set,
    tokens,
    tried_sentences,
)

MAX_TRIED = 6


@dataclass(frozen=True)
class DraftInput:
    """Everything the draft is written from."""

    facts: IssueFacts
    related: Related
    assessment: Mapping[str, Any]
    now: datetime
    """The reference time for current tickets (the clock, or the records' latest activity when earlier)."""
    clock: datetime | None = None
    """The clock itself, for promises that fell due; `now` when not given."""


def _untrusted(data: Mapping[str, Any], key: str) -> str:
    """A customer-written field as a person reading it sees it, without what is addressed to a machine."""
    value = data.get("untrusted")
    return for_people(str(value.get(key, ""))) if isinstance(value, dict) else ""


def _day(value: Any) -> str:
    moment = parse_time(value)
    return moment.strftime("%Y-%m-%d") if moment else "date unknown"


def _quote(text: str) -> str:
    return f"\u201c{text}\u201d"


def _ids(candidates: Sequence[Candidate]) -> str:
    return ", ".join(c.ident for c in candidates) or "none found"


@dataclass(frozen=True)
class _Post:
    """One message in a ticket: its description or a comment."""

    ticket: str
    author: str
    role: str
    public: bool
    at: str
    text: str


def _posts(ticket: Candidate) -> list[_Post]:
    data = ticket.data
    posts = [
        _Post(
            ticket.ident,
            str(data.get("requester_name") or "the requester"),
            "customer",
            True,
            str(data.get("created_at") or ""),
            _untrusted(data, "description") or _untrusted(data, "snippet"),
        )
    ]
    for comment in data.get("comments") or ():
        if comment_is_ours(comment):
            continue  # our own notes and drafts are not evidence
        posts.append(
            _Post(
                ticket.ident,
                str(comment.get("author_name") or "someone"),
                str(comment.get("author_role") or "unknown"),
                bool(comment.get("public", True)),
                str(comment.get("created_at") or ""),
                _untrusted(comment, "body"),
            )
        )
    return posts


class _Writer:
    def __init__(self, given: DraftInput) -> None:
        self.facts = given.facts
        self.related = given.related
        self.assessment = given.assessment
        self.now = given.now
        self.clock = given.clock or given.now
        self.missed: list[tuple[str, str]] = []
        """(ticket, day) of promises to the customer that passed without a follow-up."""
        self.tickets = [c for c, _ in given.related.tickets]
        self.current = [c for c in self.tickets if is_current(c.data, self.now)] or self.tickets
        self.read = [c for c in self.current if c.detailed] or [c for c in self.tickets if c.detailed]
        self.posts = sorted((p for t in self.read for p in _posts(t)), key=lambda p: p.at)

    # ------------------------------------------------------------------ shared pieces

    def cited(self) -> list[str]:
        refs = [c.ref for c in self.tickets]
        refs += [c.ref for c, _ in self.related.messages]
        refs += [c.ref for c, _ in self.related.issues]
        refs += [c.ref for c, _ in self.related.articles]
        account = self.related.account
        if account is not None:
            refs.append(f"account:{account['id']}")
        return list(dict.fromkeys(refs))[:60]

    def summary(self) -> str:
        text = " ".join(self.facts.issue.split()) or "Customer issue"
        return shorten(text[0].upper() + text[1:], 200)

    # ------------------------------------------------------------------ escalation fields

    def workflow_impact(self) -> str:
        """What the customers cannot do, in their words, and for how many users."""
        depth = self.assessment.get("depth") or {}
        breadth = self.assessment.get("breadth") or {}
        users = breadth.get("users_mentioned")
        customers = int(breadth.get("customers") or 0)
        if users:
            people = f" Users affected: about {users:,}, as the tickets state."
        else:
            who = f"{customers} customer{'s' if customers != 1 else ''}" if customers else "the customer"
            people = f" Users affected: not stated in the tickets (counted: {who})."
        said = self._impact_quotes()
        level = {
            "blocked": "Blocked",
            "inconvenienced": "Degraded, with a workaround or partial impact",
        }.get(str(depth.get("level")))
        if level is None:
            if said:
                return f"Customers report: {said}.{people}"
            return (
                "Unknown: no record says whether customers are blocked or only inconvenienced "
                f"(looked in tickets {_ids(self.current)}).{people}"
            )
        if not said:
            quote = _whole_words(scrub(_untrusted(depth, "quote")))
            evidence = [e for e in depth.get("evidence") or () if e != "issue-text"]
            if quote and evidence and not is_instruction(quote):
                said = f"{_quote(shorten(quote, 200))} ({', '.join(evidence[:3])})"
        return f"{level}: {said}.{people}" if said else f"{level}.{people}"

    def _impact_quotes(self) -> str:
        """What the customers say they cannot do, from up to two tickets: per ticket the plainest sentence
        (one saying what cannot be done before one about cost; asides such as "Please note" last)."""
        best: dict[str, tuple[int, int, str]] = {}
        for order, post in enumerate(reversed(self.posts)):
            if post.role != "customer":
                continue
            for sentence in sorted(impact_sentences(post.text), key=lambda x: (impact_rank(x), _rough(x)))[
                :1
            ]:
                rank = impact_rank(sentence) + (2 if _rough(sentence) else 0)
                if rank < 2 and (post.ticket not in best or rank < best[post.ticket][0]):
                    best[post.ticket] = (rank, order, sentence)
        chosen = sorted(best.items(), key=lambda item: (item[1][0], item[1][1]))[:2]
        return "; ".join(f"{_quote(sentence)} (ticket {ticket})" for ticket, (_, _, sentence) in chosen)

    def issue_description(self) -> str:
        parts = [self._who_and_since()]
        error = self._error()
        if error:
            parts.append(error)
        parts.append(self._tracker_sentence())
        discussion = self._discussion()
        if discussion:
            parts.append(discussion)
        article = self._article_sentence()
        if article and len(parts) < 5:
            parts.append(article)
        return " ".join(end_sentence(p) for p in parts[:5])

    def _who_and_since(self) -> str:
        breadth = self.assessment.get("breadth") or {}
        names = [str(a["name"]) for a in breadth.get("accounts", [])]
        count = int(breadth.get("customers") or 0)
        duration = self.assessment.get("duration") or {}
        since = _day(duration.get("first_report_at")) if duration.get("first_report_at") else None
        if not self.current:
            return "No related ticket was found; this rests on the issue as reported."
        who = (
            f"{count} customers ({', '.join(names)})"
            if count > 1
            else (names[0] if names else "One customer")
        )
        tickets = f"{len(self.current)} ticket{'s' if len(self.current) != 1 else ''} ({_ids(self.current)})"
        return f"{who} reported this in {tickets}" + (f", the first on {since}." if since else ".")

    def _error(self) -> str | None:
        for post in self.posts:
            if post.role != "customer":
                continue
            lines = error_lines(post.text, limit=1)
            if lines:
                return f"The exact error quoted by the customer: `{lines[0]}` (ticket {post.ticket})."
        best = self._best_sentence()
        return f"Ticket {best[1]} says: {_quote(best[0])}" if best else None

    def _best_sentence(self) -> tuple[str, str] | None:
        """The customer sentence that says most about the issue, with its ticket."""
        weights = self.related.weights
        found: list[tuple[float, int, str, str]] = []
        for order, post in enumerate(self.posts or [p for t in self.current for p in _posts(t)]):
            if post.role != "customer":
                continue
            for sentence in quotable(post.text):
                score = coverage(weights, token_set(sentence)) * (0.6 if _rough(sentence) else 1.0)
                found.append((-score, order, sentence, post.ticket))
        if not found or min(found)[0] == 0:
            return None
        _, _, sentence, ticket = min(found)
        return sentence, ticket

    def _tracker_sentence(self) -> str:
        if not self.related.issues:
            return "No related tracker issue was found."
        issue = self.related.issues[0][0].data
        status = str(issue.get("status", "unknown")).replace("_", " ")
        extra = f", fix version {issue['fix_version']}" if issue.get("fix_version") else ""
        reopened = f", reopened {_day(issue['reopened_at'])}" if issue.get("reopened_at") else ""
        title = shorten(scrub(_untrusted(issue, "title")), 140)
        return end_sentence(
            f"It is tracked as {issue['key']} ({issue.get('kind', 'issue')}, {status}{extra}{reopened}): {title}"
        )

    def _discussion(self) -> str | None:
        for candidate, _ in self.related.messages:
            data = candidate.data
            if data.get("author_role") == "customer":
                continue
            said = quotable(_untrusted(data, "text"), 180)
            if said:
                return (
                    f"Internal discussion in #{data.get('channel_name')} ({_day(data.get('created_at'))}): "
                    f"{_quote(said[0])}"
                )
        return None

    def _article_sentence(self) -> str | None:
        if not self.related.articles:
            return None
        article = self.related.articles[0][0].data
        title = shorten(scrub(_untrusted(article, "title")), 100)
        ruled_out = self.ruled_out(self.related.articles[0][0])
        if ruled_out is not None:
            return (
                f"{article['id']} ({_quote(title)}) does not apply: the customer already ruled it out in "
                f"ticket {ruled_out[1]}: {_quote(ruled_out[0])}"
            )
        return f"The knowledge base has {article['id']} ({article.get('kind')}): {_quote(title)}."

    def ruled_out(self, article: Candidate) -> tuple[str, str] | None:
        """The customer sentence (and its ticket) that rules out the cause an article describes."""
        title = _untrusted(article.data, "title")
        issue_terms = set(self.facts.terms)
        distinctive = frozenset(
            t for t in tokens(title) if t not in STOPWORDS and t not in issue_terms and len(t) > 2
        )
        for post in self.posts:
            if post.role != "customer":
                continue
            for sentence in quotable(post.text, 240):
                if rules_out(sentence, distinctive):
                    return sentence, post.ticket
        return None

    def whats_been_tried(self) -> list[str]:
        items: list[str] = []
        seen: set[str] = set()
        for post in self.posts:
            for sentence in tried_sentences(post.text):
                key = sentence.lower()[:60]
                if key in seen:
                    continue
                seen.add(key)
                note = ", internal note" if not post.public and post.role != "internal" else ""
                items.append(
                    f"{_day(post.at)}, {post.author} ({post.role}{note}, ticket {post.ticket}): {sentence}"
                )
        if len(items) > MAX_TRIED:
            items = items[: MAX_TRIED - 1] + items[-1:]
        if items:
            return items
        features = [c for c, _ in self.related.issues if c.data.get("kind") == "feature"]
        if features and self._not_a_bug() is not None:
            earlier = [c for c in self.tickets if c not in self.current]
            asked = "; asked before in " + ", ".join(
                f"ticket {c.ident} ({str(c.data.get('status', '')).replace('_', ' ')}, {_day(c.data.get('created_at'))})"
                for c in earlier[:3]
            )
            return [
                f"Nothing to troubleshoot: {features[0].ident} is a feature request{asked if earlier else ''}"
            ]
        return [f"Unknown: no troubleshooting is recorded in tickets {_ids(self.current)}"]

    def reproduction(self) -> tuple[dict[str, Any] | None, str | None]:
        """Steps lifted from the tickets, or assembled from what the tickets, notes and the tracker's
        analysis say; otherwise a note saying why there are none. Only the parts no record holds are
        marked unknown, with where they were looked for."""
        sources = [(f"ticket {t.ident}", "\n".join(p.text for p in _posts(t))) for t in self.read]
        sources += [(c.ident, c.text) for c in self._analyses()]
        for where, text in sources:
            steps = numbered_steps(text)
            if not steps:
                continue
            actual = labelled(text, "actual") or next(iter(error_lines(text, limit=1)), None)
            return (
                {
                    "steps": steps,
                    "expected": labelled(text, "expected") or self._expected(where),
                    "actual": actual or self._actual() or f"Unknown: not stated in {where}",
                    "environment": self._environment(labelled(text, "environment")),
                },
                None,
            )
        if self._not_a_bug() is None:
            assembled = self._assembled()
            if assembled is not None:
                return assembled, None
        return None, self._no_steps_note()

    def _analyses(self) -> list[Candidate]:
        """Tracker bugs read in full, not filed by this product (their text would be our own)."""
        return [
            c
            for c, _ in self.related.issues
            if c.data.get("kind") == "bug"
            and _untrusted(c.data, "body")
            and "customer-escalation" not in (c.data.get("labels") or ())
        ]

    def _looked(self) -> str:
        where = [f"tickets {_ids(self.read or self.current)}"] + [c.ident for c in self._analyses()]
        return ", ".join(where)

    def _texts(self, *, customer: bool | None = None) -> list[tuple[str, str]]:
        """(where, text) of the posts read (customer's only, staff only, or all) and the analyses."""
        found = [
            (f"ticket {p.ticket}", p.text)
            for p in self.posts
            if customer is None or (p.role == "customer") == customer
        ]
        if customer is not True:
            found += [(c.ident, _untrusted(c.data, "body")) for c in self._analyses()]
        return found

    def _expected(self, where: str | None = None) -> str:
        """What should happen: as a record states it, else the reference the customer compares with,
        else the behaviour before the change the problem began with."""
        for source, text in self._texts(customer=False) + self._texts(customer=True):
            said = expected_sentences(text)
            if said:
                return f"{said[0]} ({source})"
        comparison = self._comparison()
        if comparison is not None:
            sentence, source = comparison
            reference = shorten(reference_clause(sentence) or "", 160)
            return f"the same figures as the customer's reference: {_quote(reference)} ({source})"
        for source, text in [(c.ident, _untrusted(c.data, "body")) for c in self._analyses()] + self._texts(
            customer=True
        ):
            change = since_change(text)
            if change:
                symptom = shorten(" ".join(self.facts.issue.split()), 120)
                return f"it works as it did before {change} ({source}), without the reported fault ({_quote(symptom)})"
        return f"Unknown: no record states the expected result (looked in {where or self._looked()})"

    def _comparison(self) -> tuple[str, str] | None:
        """The customer's plainest sentence comparing a result with a reference, and where it is."""
        found = [
            (len(sentence), sentence, source)
            for source, text in self._texts(customer=True)
            for sentence in quotable(text, 400)
            if reference_clause(sentence) and not sentence.endswith("…")
        ]
        if not found:
            return None
        _, sentence, source = min(found)
        return sentence, source

    def _actual(self, besides: str | None = None) -> str | None:
        """What happens: the exact error the customer quoted, else their comparison of a result with a
        reference, else their plainest sentence about it."""
        for post in self.posts:
            if post.role == "customer":
                lines = error_lines(post.text, limit=1)
                if lines:
                    return f"`{lines[0]}` (ticket {post.ticket})"
        comparison = self._comparison()
        if comparison is not None:
            return f"{shorten(comparison[0], 240)} ({comparison[1]})"
        weights = self.related.weights
        found: list[tuple[int, float, int, str, str]] = []
        for order, post in enumerate(self.posts):
            if post.role != "customer":
                continue
            for sentence in impact_sentences(post.text):
                if sentence == besides:
                    continue
                score = coverage(weights, token_set(sentence))
                found.append((impact_rank(sentence), -score, order, sentence, post.ticket))
        if found:
            _, _, _, sentence, ticket = min(found)
            return f"{sentence} (ticket {ticket})"
        best = self._best_sentence()
        return f"{best[0]} (ticket {best[1]})" if best and best[0] != besides else None

    def _setup(self) -> tuple[str, str] | None:
        """The sentence of a ticket's description about what the customer runs, most about the issue,
        that is not a complaint, a comparison, an error or something they tried."""
        weights = self.related.weights
        found: list[tuple[float, int, str, str]] = []
        descriptions = {t.ident: _posts(t)[0] for t in self.read}
        for order, post in enumerate(descriptions.values()):
            for sentence in quotable(post.text):
                if (
                    "?" in sentence
                    or impact_sentences(sentence)
                    or reference_clause(sentence)
                    or error_lines(sentence, limit=1)
                    or tried_sentences(sentence)
                    or _rough(sentence)
                ):
                    continue
                score = coverage(weights, token_set(sentence))
                if score > 0:
                    found.append((-score, order, sentence, post.ticket))
        if not found:
            return None
        _, _, sentence, ticket = min(found)
        return sentence, ticket

    def _environment(self, stated: str | None = None) -> str:
        text = "\n".join(t for _, t in self._texts())
        stated = stated.rstrip(" .;") if stated else None
        found = [stated] if stated else []
        found += [e for e in environment(text) if not stated or e.lower() not in stated.lower()]
        tiers = [
            f"{a['name']} on {str(a['tier']).title()}"
            for a in (self.assessment.get("breadth") or {}).get("accounts", [])
            if a.get("tier")
        ]
        if tiers and not any("plan" in e.lower() for e in found):
            found.append("plans: " + ", ".join(tiers[:5]))
        how_often = self._frequency()
        parts = "; ".join(found[:8]) if found else f"Unknown: not stated (looked in {self._looked()})"
        often = f"; how often: {how_often}" if how_often else "; how often: not stated in the records"
        return parts + often

    def _frequency(self) -> str | None:
        for source, text in self._texts(customer=True) + self._texts(customer=False):
            said = frequency(text)
            if said:
                return f"{_quote(shorten(said, 160))} ({source})"
        return None

    def _assembled(self) -> dict[str, Any] | None:
        """Steps put together from the customer's setup, the condition the tracker's analysis names or
        the way support reproduced it, and what the customer saw."""
        steps: list[str] = []
        setup = self._setup()
        if setup is not None:
            steps.append(f"Set up as the customer does: {_quote(setup[0])} (ticket {setup[1]}).")
        conditions = [(c.ident, condition_sentences(_untrusted(c.data, "body"))) for c in self._analyses()]
        condition = next(((key, said[0]) for key, said in conditions if said), None)
        if condition is not None:
            steps.append(
                f"Meet the condition engineering identified ({condition[0]}): {_quote(condition[1])}"
            )
        reproduced = self._reproduced()
        if reproduced is not None:
            steps.append(f"Repeat the reproduction already done: {reproduced}.")
        actual = self._actual(besides=setup[0] if setup else None)
        if actual is None or (condition is None and reproduced is None):
            return None  # a setup and a symptom alone are not steps: the note says what is known
        steps.append("Check the result against Expected and Actual below.")
        return {
            "steps": steps,
            "expected": self._expected(),
            "actual": actual,
            "environment": self._environment(),
        }

    def _not_a_bug(self) -> str | None:
        """Why there are no steps to give when the issue is not a bug (security, feature gap, question)."""
        looked = _ids(self.read or self.current)
        kinds = {str(c.data.get("type")) for c in self.current}
        bugs = [c for c, _ in self.related.issues if c.data.get("kind") == "bug"]
        features = [c for c, _ in self.related.issues if c.data.get("kind") == "feature"]
        rules = {f.get("rule") for f in self.assessment.get("criteria_met", [])}
        if "security_concern" in rules:
            told = self._customer_account()
            return (
                f"Unknown: no numbered steps in tickets {looked}. "
                + (f"The customer describes: {told}. " if told else "")
                + "Reproduce only on test workspaces, after Security agrees."
            )
        if features and not bugs and "confirmed_bug" not in rules:
            return f"Not applicable: a feature gap ({features[0].ident}), not a bug."
        if not bugs and kinds <= {"question"} and "confirmed_bug" not in rules:
            return f"Not applicable: tickets {looked} ask a question; nothing is broken."
        return None

    def _no_steps_note(self) -> str:
        not_a_bug = self._not_a_bug()
        if not_a_bug is not None:
            return not_a_bug
        looked = _ids(self.read or self.current)
        bugs = [c for c, _ in self.related.issues if c.data.get("kind") == "bug"]
        known = self._known_so_far()
        ask = "the exact steps, the inputs used and when it last worked"
        reproduced = self._reproduced()
        if reproduced:
            return (
                end_sentence(
                    f"Unknown: no step-by-step reproduction in tickets {looked}, but it was reproduced: {reproduced}"
                )
                + known
            )
        if bugs:
            said = quotable(_untrusted(bugs[0].data, "body"), 240)
            analysis = f": {_quote(said[0])}" if said else ""
            return (
                end_sentence(
                    f"Unknown: no step-by-step reproduction in tickets {looked}; {bugs[0].ident} holds "
                    f"engineering's analysis{analysis}"
                )
                + known
            )
        return f"Unknown: no reproduction steps in tickets {looked}; ask the customer for {ask}.{known}"

    def _reproduced(self) -> str | None:
        for post in self.posts:
            found = reproduced_sentences(post.text)
            if found:
                return f"{_quote(found[0])} (ticket {post.ticket})"
        for candidate, _ in [*self.related.issues, *self.related.messages]:
            found = reproduced_sentences(candidate.text)
            if found:
                return f"{_quote(found[0])} ({candidate.ref})"
        return None

    def _known_so_far(self) -> str:
        text = "\n".join(p.text for p in self.posts)
        errors = error_lines(text, limit=1)
        env = environment(text)
        parts = []
        if errors:
            parts.append(f"error `{errors[0]}`")
        if env:
            parts.append("environment " + ", ".join(env[:5]))
        return (" Known so far: " + "; ".join(parts) + ".") if parts else ""

    def _customer_account(self) -> str | None:
        best = self._best_sentence()
        return f"{_quote(best[0])} (ticket {best[1]})" if best else None

    def last_update(self) -> str:
        for post in reversed(self.posts):
            if post.role == "agent" and post.public:
                said = quotable(post.text, 200)
                if not said:
                    return f"{_day(post.at)}, {post.author} in ticket {post.ticket} (a reply with no text to quote)"
                return f"{_day(post.at)}, {post.author} in ticket {post.ticket}: {_quote(shorten(' '.join(said[:2]), 300))}"
        return f"Unknown: no public reply from support in tickets {_ids(self.read or self.current)}"

    def customer_expectation(self) -> str:
        quotes: list[str] = []
        for post in reversed(self.posts):
            if post.role != "customer":
                continue
            said = expectation_sentences(post.text)
            if said:
                quotes.append(f"{_quote(said[0])} ({post.author}, ticket {post.ticket}, {_day(post.at)})")
            if len(quotes) == 2:
                break
        if quotes:
            return "; ".join(quotes)
        return f"Unknown: the customer has not said what they expect or by when (tickets {_ids(self.read or self.current)})"

    def escalation_risk(self) -> str:
        parts: list[str] = []
        risky = {"high_value_at_risk", "executive_request", "legal_or_pr_risk", "long_wait", "recurring"}
        criteria = [f["criterion"] for f in self.assessment.get("criteria_met", []) if f.get("rule") in risky]
        if criteria:
            parts.append("; ".join(criteria))
        said: list[str] = []
        for post in reversed(self.posts):
            if post.role == "customer":
                for sentence in risk_sentences(post.text)[:1]:
                    if not any(sentence[:40] in s for s in said):
                        said.append(f"{_quote(sentence)} ({post.author}, ticket {post.ticket})")
            if len(said) == 2:
                break
        if said:
            parts.append("the customer wrote " + " and ".join(said))
        parts += self._commitments()
        revenue = self.assessment.get("revenue") or {}
        names = {a["id"]: a["name"] for a in (self.assessment.get("breadth") or {}).get("accounts", [])}
        for account_id, day in revenue.get("renewals_in_window", []):
            parts.append(f"renewal of {names.get(account_id, account_id)} on {day}")
        reference = (self.assessment.get("reputation") or {}).get("reference_accounts") or []
        if reference:
            parts.append(
                f"{', '.join(names.get(r, r) for r in reference)} "
                f"{'is a reference customer' if len(reference) == 1 else 'are reference customers'}"
            )
        lines = self.assessment.get("brief_lines") or {}
        sla = str(lines.get("sla_status") or "")
        if sla.startswith(("Breached", "At risk")):
            parts.append(f"SLA {sla[0].lower()}{sla[1:]}")
        if not parts:
            at_stake = str(lines.get("revenue_at_risk") or "")
            stake = f"; at stake: {at_stake}" if at_stake and not at_stake.startswith("Unknown") else ""
            return f"No threat to escalate further is recorded in the tickets or chat{stake}."
        text = "; ".join(parts)
        return text[0].upper() + text[1:]

    def _commitments(self) -> list[str]:
        """Promises support made with a time ("I'll come back to you today"): missed when the time has
        passed with no later public reply on the ticket, otherwise still open."""
        found: list[str] = []
        for i, post in enumerate(self.posts):
            if post.role != "agent" or not post.public:
                continue
            said_at = parse_time(post.at)
            if said_at is None:
                continue
            for sentence in quotable(post.text, 240):
                due = promise_due(sentence, said_at)
                if due is None:
                    continue
                answered = any(
                    later.ticket == post.ticket and later.role == "agent" and later.public
                    for later in self.posts[i + 1 :]
                )
                quote = f"{_quote(sentence)} ({post.author}, ticket {post.ticket}, {_day(post.at)})"
                if due < self.clock and not answered:
                    self.missed.append((post.ticket, _day(post.at)))
                    found.append(
                        f"missed commitment: {quote}, due {due:%Y-%m-%d %H:%M} UTC, with no follow-up since"
                    )
                elif due >= self.clock:
                    found.append(f"commitment open until {due:%Y-%m-%d %H:%M} UTC: {quote}")
        return found[:3]

    def whats_needed(self) -> list[str]:
        asks: list[str] = []
        for post in reversed(self.posts):
            if post.role == "customer" and any(
                "eta" in s.lower().split() or "ETA" in s for s in quotable(post.text)
            ):
                asks.append(f"an ETA the customer can plan around (asked in ticket {post.ticket})")
                break
        if not self.missed:
            self._commitments()
        for ticket, day in self.missed[:1]:
            asks.append(
                f"keep the promise support made to the customer on {day} (ticket {ticket}), now overdue"
            )
        asks += [str(a) for a in self.assessment.get("suggested_asks", [])]
        return list(dict.fromkeys(asks))[:6]

    # ------------------------------------------------------------------ support handling

    def why(self) -> list[str]:
        reasons = [f"{f['criterion']}: {f['reason']}" for f in self.assessment.get("handle_criteria_met", [])]
        return reasons or [str(self.assessment.get("decision_reason", "no escalation criterion is met"))]

    def suggested_reply(self, article: Candidate | None) -> str:
        """The reply to send, in `prompts/suggested_reply.md.j2`: the requester's name (a neutral
        greeting without one), the resolving article's steps, and answers to what they asked."""
        requester = next((c for c in self.current if c.data.get("requester_name")), None)
        name = str(requester.data.get("requester_name")) if requester else None
        asks = customer_text.asks_in(p.text for p in self.posts if p.role == "customer")
        if article is None:
            return customer_text.suggested_reply(name=name, asks=asks)
        data = article.data
        title = shorten(scrub(_untrusted(data, "title")), 120)
        workaround = _untrusted(data, "workaround")
        body = _untrusted(data, "body")
        steps = numbered_steps(workaround) or numbered_steps(body) or _inline_steps(workaround)
        intro = {
            "known-issue": "Thanks for the details. This matches a known issue with a documented fix:",
            "troubleshooting": "Thanks for the details. Our troubleshooting guide covers this case:",
        }.get(str(data.get("kind")), "Thanks for the question. Here is how to do it:")
        if steps:
            lines = [f"{i}. {step}" for i, step in enumerate(steps, start=1)]
        else:
            lines = quotable(workaround or body, 300)[:3] or ["(see the article below)"]
        return customer_text.suggested_reply(
            name=name,
            asks=asks,
            article_intro=intro,
            article_steps=lines,
            article_title=_quote(title),
            article_link=str(data.get("url") or data["id"]),
        )


def _rough(sentence: str) -> bool:
    """A sentence that reads badly as a quote: cut short, or not starting like a sentence."""
    return sentence.endswith("…") or not (sentence[:1].isupper() or sentence[:1].isdigit())


def _whole_words(excerpt: str) -> str:
    """An excerpt the policy cut from a record, without the partial words a cut may leave at either
    end (an ellipsis marks each cut)."""
    text = " ".join(excerpt.split()).strip("…")
    cut = text.endswith("...")
    text = text.removesuffix("...").removeprefix("...").strip()
    if text and (cut or not text.endswith((".", "!", "?", ")", '"'))):
        head, _, _ = text.rpartition(" ")
        text = (head or text).rstrip(" ,;:-") + "…"
    if text and not (text[0].isupper() or text[0].isdigit() or text[0] in "\"'(`"):
        _, _, tail = text.partition(" ")
        text = "…" + (tail or text)
    return text


def _inline_steps(text: str) -> list[str]:
    """Steps written on one line as ``1. ... 2. ...``."""
    parts = re.split(r"(?:^|\s)(\d{1,2})\.\s+", text)
    steps = [shorten(scrub(p.strip()), 240) for p in parts[2::2] if p.strip()]
    return steps if len(steps) >= 2 else []


def escalation_draft(given: DraftInput) -> dict[str, Any]:
    """The `submit_brief` arguments for an escalation."""
    w = _Writer(given)
    reproduction, note = w.reproduction()
    draft: dict[str, Any] = {
        "decision": "escalate",
        "summary": w.summary(),
        "cited_records": w.cited(),
        "workflow_impact": w.workflow_impact(),
        "issue_description": w.issue_description(),
        "whats_been_tried": w.whats_been_tried(),
        "last_update_to_customer": w.last_update(),
        "customer_expectation": w.customer_expectation(),
        "escalation_risk": w.escalation_risk(),
        "whats_needed": w.whats_needed(),
    }
    if reproduction is not None:
        draft["reproduction"] = reproduction
    else:
        draft["reproduction_note"] = note
    return draft


def handling_draft(given: DraftInput, article: Candidate | None) -> dict[str, Any]:
    """The `submit_brief` arguments when the issue stays in support."""
    w = _Writer(given)
    return {
        "decision": "handle_in_support",
        "summary": w.summary(),
        "cited_records": w.cited(),
        "why": w.why(),
        "suggested_reply": w.suggested_reply(article),
    }


__all__ = ["DraftInput", "escalation_draft", "handling_draft"]
