"""Layering worlds: one world's records over another's, the same id replacing the base's record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...records import Dataset


def _merge(base: tuple[Any, ...], own: tuple[Any, ...], key: Callable[[Any], str]) -> tuple[Any, ...]:
    merged = {key(item): item for item in base}
    merged.update({key(item): item for item in own})
    return tuple(merged.values())


def layered(base: Dataset, own: Dataset) -> Dataset:
    """`own` over `base`: a record with the same id replaces the base's, in the base's place."""
    return Dataset(
        accounts=_merge(base.accounts, own.accounts, lambda a: a.id),
        opportunities=_merge(base.opportunities, own.opportunities, lambda o: o.id),
        tickets=_merge(base.tickets, own.tickets, lambda t: t.id),
        channels=_merge(base.channels, own.channels, lambda c: c.id),
        messages=_merge(base.messages, own.messages, lambda m: f"{m.channel_id}:{m.id}"),
        issues=_merge(base.issues, own.issues, lambda i: i.key),
        articles=_merge(base.articles, own.articles, lambda a: a.id),
    )


__all__ = ["layered"]
