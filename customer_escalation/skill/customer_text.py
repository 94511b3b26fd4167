"""Messages written for a customer: the update draft, the de-escalation message and the suggested reply.

Their wording lives in `prompts/*.j2`, like the brief's. What goes in is plain: the customer's first
name (a neutral greeting when the records hold none, never "Hi user,"), the issue in the customer's own
words (their ticket's subject, never our internal title), what the records support about it, and an
answer to each thing the customer explicitly asked for (an ETA, a call, a credit).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from . import prompt_files

_NOT_NAMES = frozenset(
    [
        "user",
        "users",
        "admin",
        "administrator",
        "support",
        "customer",
        "client",
        "team",
        "info",
        "it",
        "helpdesk",
        "help",
        "desk",
        "noreply",
        "no-reply",
        "test",
        "ops",
        "billing",
        "sales",
        "hello",
        "contact",
        "unknown",
        "requester",
        "someone",
        "anonymous",
        "guest",
        "service",
        "system",
        "bot",
        "root",
        "webmaster",
        "postmaster",
        "office",
        "accounts",
        "finance",
        "security",
    ]
)
"""Words that stand where a person's name is missing."""


def greeting_name(name: str | None) -> str | None:
    """The first name to greet a customer by, or None when the records hold no real name."""
    if not name or "@" in name:
        return None
    first = name.strip().split()[0].strip(".,;:") if name.strip() else ""
    if not first.isalpha() or len(first) < 2 or first.lower() in _NOT_NAMES:
        return None
    return first if not first.islower() else first.capitalize()


def greeting(name: str | None) -> str:
    """``Hi Priya,`` or ``Hello,`` when the name is unknown."""
    first = greeting_name(name)
    return f"Hi {first}," if first else "Hello,"


@dataclass(frozen=True)
class Asks:
    """What the customer explicitly asked for."""

    eta: bool = False
    call: bool = False
    credit: bool = False


_ETA = re.compile(
    r"(?i)\b(eta|when will (?:it|this|the fix)|how long|timeline|time ?frame|by when|a date we can|"
    r"fix date|release date|when (?:can|do) we expect)\b"
)
_CALL = re.compile(
    r"(?i)\b(?:(?:a|an|the) (?:call|meeting|phone call|video call)|call with|speak (?:to|with)|talk (?:to|with)|"
    r"set up a call|jump on a call)\b"
)
_CREDIT = re.compile(r"(?i)\b(service credits?|credits?|refund|compensation|reimburse\w*|discount)\b")
_ASKING = re.compile(
    r"(?i)(\?|\b(?:we need|we want|we'd like|we would like|i would like|i'd like|please|can you|could you|"
    r"asking for|request(?:ing)?|expect)\b)"
)


def asks_in(texts: Iterable[str]) -> Asks:
    """The explicit requests in what the customer wrote: sentences that ask (a question, "we need",
    "please", "I would like") for an ETA, a call or a credit."""
    eta = call = credit = False
    for text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
            if not _ASKING.search(sentence):
                continue
            eta = eta or bool(_ETA.search(sentence))
            call = call or bool(_CALL.search(sentence))
            credit = credit or bool(_CREDIT.search(sentence))
    return Asks(eta=eta, call=call, credit=credit)


def about(subject: str | None, ticket_id: str | None) -> str:
    """The issue as the customer named it: their ticket's subject, never our internal title."""
    subject = " ".join((subject or "").split()).rstrip(".")
    if subject:
        return f"the issue you reported (\u201c{subject}\u201d)"
    return f"the issue you reported in ticket {ticket_id}" if ticket_id else "the issue you reported"


def customer_update(
    *,
    header: str,
    name: str | None,
    subject: str | None,
    ticket_id: str | None,
    known: list[str],
    team: str,
    next_step: str,
    asks: Asks,
    due: str | None,
    every: str | None,
    reporter: str,
) -> str:
    """The customer update draft (see `prompts/customer_update.md.j2`)."""
    return (
        prompt_files.render(
            "customer_update.md.j2",
            header=header,
            greeting=greeting(name),
            about=about(subject, ticket_id),
            known=known,
            team=team,
            next_step=next_step,
            asks=asks,
            due=due,
            every=every,
            reporter=reporter,
        ).strip()
        + "\n"
    )


def deescalation_message(
    *, name: str | None, subject: str | None, ticket_id: str | None, reason: str, reporter: str
) -> str:
    """The de-escalation message draft (see `prompts/deescalation_customer.md.j2`)."""
    resolution = " ".join(reason.split())
    resolution = resolution[:1].upper() + resolution[1:]
    if resolution and resolution[-1] not in ".!?":
        resolution += "."
    return (
        prompt_files.render(
            "deescalation_customer.md.j2",
            greeting=greeting(name),
            about=about(subject, ticket_id),
            resolution=resolution,
            reporter=reporter,
        ).strip()
        + "\n"
    )


def suggested_reply(
    *,
    name: str | None,
    asks: Asks,
    article_intro: str | None = None,
    article_steps: list[str] | None = None,
    article_title: str | None = None,
    article_link: str | None = None,
) -> str:
    """The reply for an issue handled in support (see `prompts/suggested_reply.md.j2`)."""
    return prompt_files.render(
        "suggested_reply.md.j2",
        greeting=greeting(name),
        article=article_title is not None,
        intro=article_intro or "",
        steps=article_steps or [],
        article_title=article_title or "",
        article_link=article_link or "",
        asks=asks,
    ).strip()


__all__ = [
    "Asks",
    "about",
    "asks_in",
    "customer_update",
    "deescalation_message",
    "greeting",
    "greeting_name",
    "suggested_reply",
]
