"""Word banks for generated benchmark tickets (``data/wordbanks.yaml``): product areas and their text.

Templates use ``{slot}`` fields filled from `SLOTS` (shared) or the area's own slots. The text is
plain ASCII without quotes or backslashes, so it can be placed in JSON without escaping (checked when
the pools are built).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from pydantic import TypeAdapter

from .world import read_yaml

T = TypeVar("T")


@dataclass(frozen=True)
class Area:
    """A product area: how often tickets are about it, and the text they are made of."""

    name: str
    weight: float
    tags: tuple[str, ...]
    subjects: tuple[str, ...]
    sentences: tuple[str, ...]
    slots: dict[str, tuple[str, ...]] = field(default_factory=dict)


_TEXTS = TypeAdapter(tuple[str, ...])
_SLOTS = TypeAdapter(dict[str, tuple[str, ...]])


@cache
def _banks() -> Any:
    return read_yaml(resources.files(__package__) / "data" / "wordbanks.yaml")


def _bank(key: str, shape: TypeAdapter[T]) -> T:
    return shape.validate_python(_banks()[key])


SLOTS = _bank("slots", _SLOTS)
AREAS = _bank("areas", TypeAdapter(tuple[Area, ...]))
OPENINGS = _bank("openings", _TEXTS)
CONTEXT = _bank("context", _TEXTS)
CLOSINGS = _bank("closings", _TEXTS)
AGENT_REPLIES = _bank("agent_replies", _TEXTS)
CUSTOMER_REPLIES = _bank("customer_replies", _TEXTS)
REPLY_SLOTS = _bank("reply_slots", _SLOTS)
AGENTS = _bank("agents", _TEXTS)
FIRST_NAMES = _bank("first_names", _TEXTS)
LAST_NAMES = _bank("last_names", _TEXTS)
COMPANY_WORDS = _bank("company_words", _TEXTS)
COMPANY_KINDS = _bank("company_kinds", _TEXTS)
INDUSTRIES = _bank("industries", _TEXTS)

__all__ = [
    "AGENTS",
    "AGENT_REPLIES",
    "AREAS",
    "CLOSINGS",
    "COMPANY_KINDS",
    "COMPANY_WORDS",
    "CONTEXT",
    "CUSTOMER_REPLIES",
    "FIRST_NAMES",
    "INDUSTRIES",
    "LAST_NAMES",
    "OPENINGS",
    "REPLY_SLOTS",
    "SLOTS",
    "Area",
]
