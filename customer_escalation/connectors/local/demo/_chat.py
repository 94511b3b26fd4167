"""Background chat: everyday traffic in the internal channels and the shared customer channels."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from pydantic import TypeAdapter

from ...records import Account, ChatMessage, Person, Ticket
from ._channels import (
    CHANNEL_NAMES,
    CHANNELS,
    CS_ENTERPRISE,
    ENG_INCIDENTS,
    PRODUCT_FEEDBACK,
    SHARED,
    SUPPORT_ESCALATIONS,
)
from ._common import Staff, message_id_at, ref
from ._company import ENGINEERS, NADIA, OWNERS, PRODUCT, ROSA, SUPPORT_TEAM
from ._data import table
from ._tracker import RELEASES, IssueDraft

_RECENT = timedelta(days=30)

_LINES = TypeAdapter(tuple[str, ...])
_ESCALATION_ASKS = table("chat.yaml", "escalation_asks", _LINES)
_ESCALATION_REPLIES = table("chat.yaml", "escalation_replies", _LINES)
_SUPPORT_CHATTER = table("chat.yaml", "support_chatter", _LINES)
_DEPLOY = table("chat.yaml", "deploy", _LINES)
_INCIDENTS_ANYTIME = table("chat.yaml", "incidents_anytime", _LINES)
_INCIDENTS_OLD = table("chat.yaml", "incidents_old", _LINES)
_INCIDENT_REPLIES = table("chat.yaml", "incident_replies", _LINES)
_FEEDBACK = table("chat.yaml", "feedback", _LINES)
_FEEDBACK_REPLIES = table("chat.yaml", "feedback_replies", _LINES)
_CS = table("chat.yaml", "cs", _LINES)
_CS_REPLIES = table("chat.yaml", "cs_replies", _LINES)
_SHARED_VENDOR = table("chat.yaml", "shared_vendor", _LINES)
_SHARED_CUSTOMER = table("chat.yaml", "shared_customer", _LINES)
_SHARED_REPLIES = table("chat.yaml", "shared_replies", _LINES)


class _Channel:
    def __init__(self, channel_id: str) -> None:
        self.id = channel_id
        self.name = CHANNEL_NAMES[channel_id]


class BackgroundChat:
    """Generates chat messages that reference background tickets, issues and accounts."""

    def __init__(self, now: datetime, rng: random.Random, taken: set[str]) -> None:
        self.now = now
        self.rng = rng
        self.taken = taken
        self.messages: list[ChatMessage] = []

    def _id(self, age: timedelta) -> str:
        while True:
            message_id = message_id_at(age, self.rng.randrange(1, 999_999))
            if message_id not in self.taken:
                self.taken.add(message_id)
                return message_id

    def _post(
        self,
        channel: _Channel,
        author: Person,
        text: str,
        age: timedelta,
        replies: Sequence[tuple[Person, str]],
    ) -> None:
        root_id = self._id(age)
        at = self.now - age
        self.messages.append(self._message(channel, root_id, author, text, at, None, len(replies)))
        for reply_author, reply_text in replies:
            age -= timedelta(minutes=self.rng.uniform(2, 180))
            age = max(age, timedelta(minutes=1))
            reply_id = self._id(age)
            self.messages.append(
                self._message(channel, reply_id, reply_author, reply_text, self.now - age, root_id, 0)
            )

    def _message(
        self,
        channel: _Channel,
        message_id: str,
        author: Person,
        text: str,
        at: datetime,
        thread_id: str | None,
        reply_count: int,
    ) -> ChatMessage:
        return ChatMessage(
            ref=ref(f"{channel.id}:{message_id}"),
            id=message_id,
            channel_id=channel.id,
            channel_name=channel.name,
            thread_id=thread_id,
            author=author,
            text=text,
            created_at=at,
            reply_count=reply_count,
        )

    def _fill(self, template: str, **values: str) -> str:
        rng = self.rng
        defaults = {
            "n": str(rng.randint(20, 140)),
            "pct": str(rng.randint(2, 9)),
            "region": rng.choice(("us-east-1", "eu-west-1", "us-west-2", "eu-central-1", "ap-southeast-2")),
            "latency": str(rng.randint(3, 45)),
            "weekday": rng.choice(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")),
            "engineer": rng.choice(ENGINEERS).first,
            "area": rng.choice(("SSO", "billing", "exports", "webhooks", "API")),
            "name": rng.choice(("Jo", "Sam", "Alex", "Priyanka", "Marta")),
            "key": "sk_live_..." + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(4)),
        }
        defaults.update(values)
        return template.format(**defaults)

    def _replies(
        self, pool: Sequence[str], people: Sequence[Staff], **values: str
    ) -> list[tuple[Person, str]]:
        count = self.rng.choice((0, 0, 1, 1, 2, 3))
        return [
            (self.rng.choice(people).person, self._fill(self.rng.choice(pool), **values))
            for _ in range(count)
        ]

    def _age(self, low_days: float = 0.05, high_days: float = 90) -> timedelta:
        """A random age whose moment falls in working hours (07:00-21:00 UTC), never in the future."""
        age = timedelta(days=self.rng.uniform(low_days, high_days))
        at = self.now - age
        at = at.replace(hour=self.rng.randint(7, 20), minute=self.rng.randrange(60))
        return age if at > self.now - timedelta(minutes=5) else self.now - at

    def support(self, tickets: Sequence[Ticket], accounts: dict[str, Account], count: int) -> None:
        channel = _Channel(SUPPORT_ESCALATIONS)
        candidates = [t for t in tickets if t.organization is not None]
        for _ in range(count):
            if self.rng.random() < 0.65:
                ticket = self.rng.choice(candidates)
                assert ticket.organization is not None
                account = accounts[ticket.organization.id]
                age = self.now - ticket.created_at - timedelta(minutes=self.rng.uniform(30, 600))
                age = max(age, timedelta(minutes=5))
                text = self._fill(
                    self.rng.choice(_ESCALATION_ASKS),
                    ticket=ticket.id,
                    company=account.name,
                    subject=ticket.subject.rstrip("?.!"),
                    tier=account.tier or "free",
                )
                replies = self._replies(_ESCALATION_REPLIES, SUPPORT_TEAM)
            else:
                account = self.rng.choice(list(accounts.values()))
                age = self._age()
                text = self._fill(self.rng.choice(_SUPPORT_CHATTER), company=account.name)
                replies = self._replies(_ESCALATION_REPLIES, SUPPORT_TEAM)
            self._post(channel, self.rng.choice(SUPPORT_TEAM).person, text, age, replies)

    def incidents(self, count: int) -> None:
        channel = _Channel(ENG_INCIDENTS)
        posted = 0
        for release, days in RELEASES:
            if days > 90:
                continue
            region = self.rng.choice(("us-east-1", "eu-west-1"))
            age = timedelta(days=days) + timedelta(minutes=self.rng.uniform(5, 25))
            self._post(
                channel,
                self.rng.choice(ENGINEERS).person,
                self._fill(self.rng.choice(_DEPLOY), release=release, region=region),
                age,
                [],
            )
            posted += 1
        for _ in range(count - posted):
            old = self.rng.random() < 0.5
            age = self._age(31, 90) if old else self._age()
            template = self.rng.choice(_INCIDENTS_OLD if old else _INCIDENTS_ANYTIME)
            self._post(
                channel,
                self.rng.choice(ENGINEERS).person,
                self._fill(template),
                age,
                self._replies(_INCIDENT_REPLIES, ENGINEERS),
            )

    def feedback(self, issues: Sequence[IssueDraft], accounts: dict[str, Account], count: int) -> None:
        channel = _Channel(PRODUCT_FEEDBACK)
        features = [i for i in issues if i.kind == "feature"]
        names = [a.name for a in accounts.values() if a.id not in ("kestrel-bank",)]
        for _ in range(count):
            issue = self.rng.choice(features)
            ask = issue.title[0].lower() + issue.title[1:]
            text = self._fill(
                self.rng.choice(_FEEDBACK), company=self.rng.choice(names), ask=ask, key=issue.key
            )
            age = min(self.now - issue.created_at, self._age()) - timedelta(minutes=1)
            self._post(
                channel,
                self.rng.choice(OWNERS + SUPPORT_TEAM).person,
                text,
                max(age, timedelta(minutes=30)),
                self._replies(_FEEDBACK_REPLIES, PRODUCT, key=issue.key),
            )

    def customer_success(self, accounts: dict[str, Account], count: int) -> None:
        channel = _Channel(CS_ENTERPRISE)
        quiet = {"acme-corp", "kestrel-bank", "umbrella-health"}
        pool = [a for a in accounts.values() if a.tier in ("enterprise", "business") and a.id not in quiet]
        for _ in range(count):
            account = self.rng.choice(pool)
            amount = f"${int(account.arr or 0) // 1000}k"
            text = self._fill(self.rng.choice(_CS), company=account.name, amount=amount)
            self._post(
                channel,
                self.rng.choice(OWNERS).person,
                text,
                self._age(),
                self._replies(_CS_REPLIES, (*OWNERS, ROSA, NADIA)),
            )

    def shared(self, accounts: dict[str, Account], count: int) -> None:
        shared_ids = SHARED
        owners = {a.id: a for a in accounts.values()}
        by_channel = {channel.id: channel.account_id or "" for channel in CHANNELS}
        for _ in range(count):
            channel = _Channel(self.rng.choice(shared_ids))
            account = owners[by_channel[channel.id]]
            owner = account.owner or OWNERS[0].person
            contact = self.rng.choice(account.contacts)
            customer = Person(name=contact.name, email=contact.email, role="customer")
            age = self._age(31, 90)
            if self.rng.random() < 0.5:
                date = (self.now - age + timedelta(days=5)).strftime("%B %d")
                text = self._fill(self.rng.choice(_SHARED_VENDOR), date=date)
                replies = [(customer, self.rng.choice(("Thanks!", "Noted, thanks.", "👍")))]
                self._post(channel, owner, text, age, replies[: self.rng.randrange(2)])
            else:
                index = self.rng.randrange(len(_SHARED_CUSTOMER))
                text = self._fill(_SHARED_CUSTOMER[index])
                self._post(channel, customer, text, age, [(owner, _SHARED_REPLIES[index])])
