"""The records behind each scenario, written out by hand in ``data/stories/`` and placed relative to `now`.

Customer text there is deliberately specific (request ids, exact counts, real error output) because
the product's evals read it the way a support lead would.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from ...records import Account, Dataset
from ..world import WorldBuilder
from ._channels import CHANNELS
from ._data import company, stories


def build_stories(now: datetime, accounts: Mapping[str, Account]) -> Dataset:
    """All scenario records, laid out relative to `now`, for the demo's accounts."""
    base = Dataset(accounts=tuple(accounts.values()), channels=CHANNELS)
    return WorldBuilder(now, base, company().settings, source="demo stories").build(stories())


__all__ = ["build_stories"]
