"""The common shapes of a rule's outcome: met by a signal of some kind, or by a list of records."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from ...signals import Hit
from ..facts import hit_refs, where_found
from .registry import Outcome

T = TypeVar("T")


def signalled(hits: list[Hit], *, label: str | None = None, absent: str = "none") -> Outcome:
    """Met when any of `hits` was found: the reason says where (after `label`, if given), the hits are the
    evidence; `absent` is the reason when there are none."""
    if not hits:
        return Outcome(met=False, reason=absent)
    where = where_found(hits)
    return Outcome(
        met=True, reason=f"{label}: {where}" if label else where, evidence=hit_refs(hits), hits=hits
    )


def listed(
    found: Sequence[T],
    describe: Callable[[T], str],
    ref: Callable[[T], str],
    *,
    absent: str = "none",
    sep: str = ", ",
) -> Outcome:
    """Met when any record was `found`: the reason describes each, the evidence names each; `absent` is the
    reason when none was."""
    return Outcome(
        met=bool(found),
        reason=sep.join(describe(x) for x in found) or absent,
        evidence=[ref(x) for x in found],
    )
