"""The pieces every part of the offline draft uses: the posts of the related tickets, quoting helpers,
and the summary, impact, description and troubleshooting sections."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...own_text import comment_is_ours
from ...visible_text import for_people
from .gather import Related
from .issue import IssueFacts
from .quotes import (
    end_sentence,
    error_lines,
    is_instruction,
    quotable,
    scrub,
    shorten,
    tried_sentences,
)
from .relevance import Candidate, coverage, is_current, parse_time
from .statements import (
    impact_rank,
    impact_sentences,
    rules_out,
)
from .words import STOPWORDS, token_set, tokens

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


def untrusted_text(data: Mapping[str, Any], key: str) -> str:
    """A customer-written field as a person reading it sees it, without what is addressed to a machine."""
    value = data.get("untrusted")
    return for_people(str(value.get(key, ""))) if isinstance(value, dict) else ""


def day_text(value: Any) -> str:
    moment = parse_time(value)
    return moment.strftime("%Y-%m-%d") if moment else "date unknown"


def quoted(text: str) -> str:
    return f"\u201c{text}\u201d"


def ids_text(candidates: Sequence[Candidate]) -> str:
    return ", ".join(c.ident for c in candidates) or "none found"


@dataclass(frozen=True)
class Post:
    """One message in a ticket: its description or a comment."""

    ticket: str
    author: str
    role: str
    public: bool
    at: str
    text: str


def posts_of(ticket: Candidate) -> list[Post]:
    data = ticket.data
    posts = [
        Post(
            ticket.ident,
            str(data.get("requester_name") or "the requester"),
            "customer",
            True,
            str(data.get("created_at") or ""),
            untrusted_text(data, "description") or untrusted_text(data, "snippet"),
        )
    ]
    for comment in data.get("comments") or ():
        if comment_is_ours(comment):
            continue  # our own notes and drafts are not evidence
        posts.append(
            Post(
                ticket.ident,
                str(comment.get("author_name") or "someone"),
                str(comment.get("author_role") or "unknown"),
                bool(comment.get("public", True)),
                str(comment.get("created_at") or ""),
                untrusted_text(comment, "body"),
            )
        )
    return posts


def reads_rough(sentence: str) -> bool:
    """A sentence that reads badly as a quote: cut short, or not starting like a sentence."""
    return sentence.endswith("…") or not (sentence[:1].isupper() or sentence[:1].isdigit())


def whole_words(excerpt: str) -> str:
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


def inline_steps(text: str) -> list[str]:
    """Steps written on one line as ``1. ... 2. ...``."""
    parts = re.split(r"(?:^|\s)(\d{1,2})\.\s+", text)
    steps = [shorten(scrub(p.strip()), 240) for p in parts[2::2] if p.strip()]
    return steps if len(steps) >= 2 else []


class WriterBase:
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
        self.posts = sorted((p for t in self.read for p in posts_of(t)), key=lambda p: p.at)

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
                f"(looked in tickets {ids_text(self.current)}).{people}"
            )
        if not said:
            quote = whole_words(scrub(untrusted_text(depth, "quote")))
            evidence = [e for e in depth.get("evidence") or () if e != "issue-text"]
            if quote and evidence and not is_instruction(quote):
                said = f"{quoted(shorten(quote, 200))} ({', '.join(evidence[:3])})"
        return f"{level}: {said}.{people}" if said else f"{level}.{people}"

    def _impact_quotes(self) -> str:
        """What the customers say they cannot do, from up to two tickets: per ticket the plainest sentence
        (one saying what cannot be done before one about cost; asides such as "Please note" last)."""
        best: dict[str, tuple[int, int, str]] = {}
        for order, post in enumerate(reversed(self.posts)):
            if post.role != "customer":
                continue
            for sentence in sorted(
                impact_sentences(post.text), key=lambda x: (impact_rank(x), reads_rough(x))
            )[:1]:
                rank = impact_rank(sentence) + (2 if reads_rough(sentence) else 0)
                if rank < 2 and (post.ticket not in best or rank < best[post.ticket][0]):
                    best[post.ticket] = (rank, order, sentence)
        chosen = sorted(best.items(), key=lambda item: (item[1][0], item[1][1]))[:2]
        return "; ".join(f"{quoted(sentence)} (ticket {ticket})" for ticket, (_, _, sentence) in chosen)

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
        since = day_text(duration.get("first_report_at")) if duration.get("first_report_at") else None
        if not self.current:
            return "No related ticket was found; this rests on the issue as reported."
        who = (
            f"{count} customers ({', '.join(names)})"
            if count > 1
            else (names[0] if names else "One customer")
        )
        tickets = (
            f"{len(self.current)} ticket{'s' if len(self.current) != 1 else ''} ({ids_text(self.current)})"
        )
        return f"{who} reported this in {tickets}" + (f", the first on {since}." if since else ".")

    def _error(self) -> str | None:
        for post in self.posts:
            if post.role != "customer":
                continue
            lines = error_lines(post.text, limit=1)
            if lines:
                return f"The exact error quoted by the customer: `{lines[0]}` (ticket {post.ticket})."
        best = self._best_sentence()
        return f"Ticket {best[1]} says: {quoted(best[0])}" if best else None

    def _best_sentence(self) -> tuple[str, str] | None:
        """The customer sentence that says most about the issue, with its ticket."""
        weights = self.related.weights
        found: list[tuple[float, int, str, str]] = []
        for order, post in enumerate(self.posts or [p for t in self.current for p in posts_of(t)]):
            if post.role != "customer":
                continue
            for sentence in quotable(post.text):
                score = coverage(weights, token_set(sentence)) * (0.6 if reads_rough(sentence) else 1.0)
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
        reopened = f", reopened {day_text(issue['reopened_at'])}" if issue.get("reopened_at") else ""
        title = shorten(scrub(untrusted_text(issue, "title")), 140)
        return end_sentence(
            f"It is tracked as {issue['key']} ({issue.get('kind', 'issue')}, {status}{extra}{reopened}): {title}"
        )

    def _discussion(self) -> str | None:
        for candidate, _ in self.related.messages:
            data = candidate.data
            if data.get("author_role") == "customer":
                continue
            said = quotable(untrusted_text(data, "text"), 180)
            if said:
                return (
                    f"Internal discussion in #{data.get('channel_name')} ({day_text(data.get('created_at'))}): "
                    f"{quoted(said[0])}"
                )
        return None

    def _article_sentence(self) -> str | None:
        if not self.related.articles:
            return None
        article = self.related.articles[0][0].data
        title = shorten(scrub(untrusted_text(article, "title")), 100)
        ruled_out = self.ruled_out(self.related.articles[0][0])
        if ruled_out is not None:
            return (
                f"{article['id']} ({quoted(title)}) does not apply: the customer already ruled it out in "
                f"ticket {ruled_out[1]}: {quoted(ruled_out[0])}"
            )
        return f"The knowledge base has {article['id']} ({article.get('kind')}): {quoted(title)}."

    def ruled_out(self, article: Candidate) -> tuple[str, str] | None:
        """The customer sentence (and its ticket) that rules out the cause an article describes."""
        title = untrusted_text(article.data, "title")
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
                    f"{day_text(post.at)}, {post.author} ({post.role}{note}, ticket {post.ticket}): {sentence}"
                )
        if len(items) > MAX_TRIED:
            items = items[: MAX_TRIED - 1] + items[-1:]
        if items:
            return items
        features = [c for c, _ in self.related.issues if c.data.get("kind") == "feature"]
        if features and self._not_a_bug() is not None:
            earlier = [c for c in self.tickets if c not in self.current]
            asked = "; asked before in " + ", ".join(
                f"ticket {c.ident} ({str(c.data.get('status', '')).replace('_', ' ')}, {day_text(c.data.get('created_at'))})"
                for c in earlier[:3]
            )
            return [
                f"Nothing to troubleshoot: {features[0].ident} is a feature request{asked if earlier else ''}"
            ]
        return [f"Unknown: no troubleshooting is recorded in tickets {ids_text(self.current)}"]

    def _not_a_bug(self) -> str | None:
        """Why there are no steps to give when the issue is not a bug (security, feature gap, question)."""
        looked = ids_text(self.read or self.current)
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

    def _customer_account(self) -> str | None:
        best = self._best_sentence()
        return f"{quoted(best[0])} (ticket {best[1]})" if best else None
