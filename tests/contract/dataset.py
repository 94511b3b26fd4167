"""The contract suite's small world (`world.yaml`), built by the world builder, and its landmarks.

Distinctive phrases (`CANARY_*`) make "search finds this record" checks independent of ranking.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from customer_escalation.connectors.local.world import WorldBuilder, clock_of, read_world
from customer_escalation.connectors.records import Dataset

_SOURCE = Path(__file__).with_name("world.yaml")
_WORLD = read_world(_SOURCE)

NOW: datetime = clock_of(_WORLD, str(_SOURCE))


def ago(**kwargs: float) -> datetime:
    return NOW - timedelta(**kwargs)


CONTRACT_DATASET: Dataset = WorldBuilder(NOW, Dataset(), _WORLD.settings, source=_SOURCE.name).build(_WORLD)

NORTHWIND, CONTOSO, FABRIKAM = CONTRACT_DATASET.accounts
OPPORTUNITIES = CONTRACT_DATASET.opportunities
TICKETS = CONTRACT_DATASET.tickets
CHANNELS = CONTRACT_DATASET.channels
MESSAGES = CONTRACT_DATASET.messages
ISSUES = CONTRACT_DATASET.issues
ARTICLES = CONTRACT_DATASET.articles

WEBHOOK_TICKET_IDS = frozenset({"101", "102", "104", "105"})
"""Tickets whose subject mentions webhooks: a search for "webhook" finds at least these."""
THREAD_ROOT = next(m for m in MESSAGES if m.reply_count)
"""The one message with replies."""
