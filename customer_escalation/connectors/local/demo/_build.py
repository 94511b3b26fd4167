"""Assembles the demo company from its parts."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from ...records import Dataset
from ._accounts import build_accounts, build_opportunities
from ._channels import CHANNELS
from ._chat import BackgroundChat
from ._kb import build_articles
from ._stories import build_stories
from ._tickets import BackgroundTickets
from ._tracker import draft_issues

DEMO_SEED = 20_261_120
"""The seed of the demo company everyone sees by default."""

TICKET_COUNT = 1_500


def build_demo(now: datetime, *, seed: int = DEMO_SEED) -> Dataset:
    """Build the demo company: Tessera's customers, tickets, chat, tracker and knowledge base.

    Every timestamp is laid out relative to `now`, so SLA clocks, "this week" and "since yesterday"
    stay true whenever the demo is built. The scenario records (see `DEMO_SCENARIOS`) are the same
    for every seed; the background around them is drawn from `seed`. The same `now` and `seed` always
    give an equal dataset.

    Args:
        now: The moment the demo is built for; must be timezone-aware.
        seed: Seed for the background records.

    Raises:
        ValueError: `now` is a naive datetime.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("build_demo needs a timezone-aware `now`, e.g. datetime.now(UTC)")
    now = now.astimezone(UTC)

    def rng(part: str) -> random.Random:
        return random.Random(f"{seed}:{part}")

    accounts = build_accounts(now, rng("accounts"))
    by_id = {account.id: account for account in accounts}
    stories = build_stories(now, by_id)
    drafts = draft_issues(now, rng("tracker"))
    taken = {ticket.id for ticket in stories.tickets}
    background = BackgroundTickets(now, rng("tickets"), accounts, drafts, taken).build(
        TICKET_COUNT - len(stories.tickets)
    )
    chat = BackgroundChat(now, rng("chat"), {message.id for message in stories.messages})
    chat.support(background, by_id, 36)
    chat.incidents(32)
    chat.feedback(drafts, by_id, 20)
    chat.customer_success(by_id, 20)
    chat.shared(by_id, 28)
    return Dataset(
        accounts=accounts,
        opportunities=build_opportunities(accounts, now, rng("opportunities")),
        tickets=tuple(sorted((*stories.tickets, *background), key=lambda t: (t.created_at, t.id))),
        channels=CHANNELS,
        messages=tuple(sorted((*stories.messages, *chat.messages), key=lambda m: (m.created_at, m.id))),
        issues=tuple(sorted((*stories.issues, *(d.freeze() for d in drafts)), key=lambda i: i.created_at)),
        articles=tuple(sorted((*stories.articles, *build_articles(now, rng("kb"))), key=lambda a: a.id)),
    )
