"""Shared pieces of the demo generator: record ids, refs, people, SLA targets and text filling."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from ...records import (
    Account,
    Comment,
    Person,
    Ref,
    SlaTarget,
    Ticket,
    TicketPriority,
    TicketStatus,
    TicketType,
    Tier,
)
from ..world import last_update, organization_of, tier_sla
from ._data import company

SYSTEM = "local"
TESSERA_DOMAIN = "tessera.example"


def ref(record_id: str) -> Ref:
    return Ref(system=SYSTEM, id=record_id)


# Ticket numbers grow with creation time, as in a real help desk: a ticket created `age` before
# `now` gets the same number whatever `now` is, so scenario ids can be module constants.
_TICKET_NUMBER_TOP = 60_000
_TICKET_SLOT = timedelta(minutes=4)


def ticket_id_at(age: timedelta) -> str:
    """The ticket number of a ticket created `age` before now."""
    return str(_TICKET_NUMBER_TOP - int(age / _TICKET_SLOT))


# Slack message ids are `<unix seconds>.<6 digits>`. The seconds part is laid out from a fixed anchor
# by age, so ids sort by time and stay stable for scenario messages whatever `now` is.
_TS_ANCHOR = 1_795_000_000


def message_id_at(age: timedelta, micro: int) -> str:
    """A Slack-like message id for a message posted `age` before now."""
    return f"{_TS_ANCHOR - int(age.total_seconds())}.{micro:06d}"


@dataclass(frozen=True)
class Staff:
    """Someone who works at Tessera."""

    name: str
    title: str
    kind: str = "agent"
    """`agent` for support people (ticket authors and assignees), `internal` for everyone else."""

    @property
    def first(self) -> str:
        return self.name.split()[0]

    @property
    def email(self) -> str:
        return f"{self.name.lower().replace(' ', '.')}@{TESSERA_DOMAIN}"

    @property
    def person(self) -> Person:
        role = "agent" if self.kind == "agent" else "internal"
        return Person(name=self.name, email=self.email, role=role)


SLA_MINUTES: Mapping[Tier, Mapping[TicketPriority, tuple[int, int]]] = {
    tier: policy.targets for tier, policy in company().settings.sla.items()
}
"""(first reply, resolution) targets in minutes by tier and priority (``data/company.yaml``)."""


def sla_targets(
    tier: Tier | None,
    priority: TicketPriority,
    created_at: datetime,
    comments: tuple[Comment, ...],
    solved_at: datetime | None,
) -> tuple[SlaTarget, ...]:
    """First-reply and resolution metrics for a ticket, by the SLA policy of the account's tier."""
    policy = company().settings.sla.get(tier) if tier is not None else None
    return () if policy is None else tier_sla(policy, priority, created_at, comments, solved_at)


def comment(
    ticket_id: str, index: int, author: Person, body: str, at: datetime, *, public: bool = True
) -> Comment:
    return Comment(id=f"{ticket_id}-{index}", author=author, body=body, public=public, created_at=at)


SlotMaker = Callable[["Slots"], str]
_SLOT = re.compile(r"\{([a-z][a-z0-9_]*)\}")


class Slots:
    """Values for `{name}` placeholders, drawn lazily from a generator table and then fixed.

    Only names the table knows are replaced, so braces in JSON bodies and code samples pass through.
    """

    def __init__(
        self, rng: random.Random, makers: Mapping[str, SlotMaker], fixed: Mapping[str, str] | None = None
    ) -> None:
        self.rng = rng
        self._makers = makers
        self._values: dict[str, str] = dict(fixed or {})

    def __getitem__(self, name: str) -> str:
        value = self._values.get(name)
        if value is None:
            value = self._makers[name](self)
            self._values[name] = value
        return value

    def set(self, name: str, value: str) -> None:
        self._values[name] = value

    def knows(self, name: str) -> bool:
        return name in self._values or name in self._makers

    def fill(self, template: str) -> str:
        return _SLOT.sub(lambda m: self[m[1]] if self.knows(m[1]) else m[0], template)


_MISSPELLINGS = {
    "receive": "recieve",
    "received": "recieved",
    "separate": "seperate",
    "definitely": "definately",
    "doesn't": "doesnt",
    "can't": "cant",
    "don't": "dont",
    "isn't": "isnt",
    "the": "teh",
    "which": "wich",
    "until": "untill",
    "occurred": "occured",
    "their": "thier",
    "because": "becuase",
    "already": "allready",
    "environment": "enviroment",
    "address": "adress",
    "access": "acess",
}
_WORD = re.compile(r"(?<![\w@./\\'{-])[A-Za-z']{4,}(?![\w@/{}-]|\.\w)")
"""A plain word: not part of an address, path, identifier or placeholder."""


def add_typos(text: str, rng: random.Random, count: int) -> str:
    """Introduce up to `count` plausible typing mistakes into prose (never into code or error text)."""
    for _ in range(count):
        words = list(_WORD.finditer(text))
        if not words:
            return text
        match = rng.choice(words)
        word = match.group()
        if word.lower() in _MISSPELLINGS and word.islower():
            new = _MISSPELLINGS[word.lower()]
        else:
            i = rng.randrange(1, len(word) - 1)
            new = (
                word[:i] + word[i + 1] + word[i] + word[i + 2 :]
                if rng.random() < 0.6
                else word[:i] + word[i + 1 :]
            )
        text = text[: match.start()] + new + text[match.end() :]
    return text


def build_ticket(
    *,
    ticket_id: str,
    account: Account,
    requester: Person,
    subject: str,
    description: str,
    status: TicketStatus,
    priority: TicketPriority,
    type_: TicketType,
    channel: str,
    tags: tuple[str, ...],
    area: str,
    assignee: Person | None,
    created_at: datetime,
    comments: tuple[Comment, ...],
    solved_at: datetime | None = None,
    sla: tuple[SlaTarget, ...] | None = None,
    linked_issue_keys: tuple[str, ...] = (),
) -> Ticket:
    """A ticket whose `updated_at` and (unless given) SLA metrics follow from its conversation."""
    if sla is None:
        sla = sla_targets(account.tier, priority, created_at, comments, solved_at)
    return Ticket(
        ref=ref(ticket_id),
        id=ticket_id,
        subject=subject,
        description=description,
        status=status,
        priority=priority,
        type=type_,
        channel=channel,
        tags=tags,
        requester=requester,
        organization=organization_of(account),
        assignee=assignee,
        product_area=area,
        created_at=created_at,
        updated_at=last_update(created_at, comments, solved_at),
        solved_at=solved_at,
        sla=sla,
        comments=comments,
        linked_issue_keys=linked_issue_keys,
    )
