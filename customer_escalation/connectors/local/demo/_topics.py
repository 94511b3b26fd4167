"""Phrase banks for background tickets: topics made of cases, each case one coherent conversation.

A case holds a few ways a customer might describe one problem, the error output they might paste,
and the agent's answer, the customer's reaction and the agent's closing that fit it. The customer's
voice around it comes from `_voices`. `{name}` slots are filled per ticket. Topics stay clear of the
scenarios' symptoms: no batch-endpoint 500s, no short exports, no SSO loops, no doubled alerts, no
webhook signature mismatches, no cross-workspace access.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import TypeAdapter

from ...records import TicketType
from ._data import table


@dataclass(frozen=True)
class Case:
    subjects: tuple[str, ...]
    problems: tuple[str, ...]
    """Different ways to describe the same problem or question."""
    replies: tuple[str, ...]
    """The agent's answer; every entry fits every problem phrasing."""
    followups: tuple[str, ...]
    """The customer's reaction to the answer."""
    fixes: tuple[str, ...] = ()
    """The agent's closing words; generic ones when empty."""
    details: tuple[str, ...] = ()
    """Pasted error output, logs or config."""
    clarify: tuple[tuple[str, str], ...] = ()
    """(agent question, customer answer) exchanges that may come before the answer."""
    question: bool = False
    """A how-to question rather than a problem report."""


@dataclass(frozen=True)
class Topic:
    key: str
    area: str
    types: tuple[TicketType, ...]
    priorities: tuple[int, int, int, int]
    """Weights for low, normal, high, urgent."""
    tags: tuple[str, ...]
    cases: tuple[Case, ...]
    asks: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    weight: int = 10
    paying_only: bool = False


TOPICS = table("topics.yaml", "topics", TypeAdapter(tuple[Topic, ...]))
WISHES = table("topics.yaml", "wishes", TypeAdapter(tuple[tuple[str, str], ...]))
"""(what a customer wishes for, in a sentence; the same, short)"""
GENERIC_FIXES = table("topics.yaml", "generic_fixes", TypeAdapter(tuple[str, ...]))
