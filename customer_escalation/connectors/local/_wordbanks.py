"""Word banks for generated benchmark tickets (``data/wordbanks.yaml``): product areas and their text.

Templates use ``{slot}`` fields filled from `WordBanks.slots` (shared) or the area's own slots. The text is
plain ASCII without quotes or backslashes, so it can be placed in JSON without escaping (checked when
the pools are built).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources

from pydantic import BaseModel, ConfigDict

from .world import read_yaml

Texts = tuple[str, ...]
SlotValues = dict[str, Texts]
"""Values for each ``{slot}`` name."""


@dataclass(frozen=True)
class Area:
    """A product area: how often tickets are about it, and the text they are made of."""

    name: str
    weight: float
    tags: Texts
    subjects: Texts
    sentences: Texts
    slots: SlotValues = field(default_factory=dict)


class WordBanks(BaseModel):
    """The banks of ``data/wordbanks.yaml``: slot values, product areas, and the shared phrases and names."""

    model_config = ConfigDict(frozen=True)

    slots: SlotValues
    areas: tuple[Area, ...]
    openings: Texts
    context: Texts
    closings: Texts
    agent_replies: Texts
    customer_replies: Texts
    reply_slots: SlotValues
    """Slots only replies use, besides `slots`."""
    agents: Texts
    first_names: Texts
    last_names: Texts
    company_words: Texts
    company_kinds: Texts
    industries: Texts


BANKS = WordBanks.model_validate(read_yaml(resources.files(__package__) / "data" / "wordbanks.yaml"))

__all__ = ["BANKS", "Area", "WordBanks"]
