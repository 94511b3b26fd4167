"""Hand-written vendor fixtures (tests/fixtures/vendors/<vendor>/) and the check that holds a fake's
answer to a fixture's keys.

The fixtures are in the shape each vendor's API reference gives, with invented names, ids and text.
"""

from __future__ import annotations

import json
from collections.abc import Set
from pathlib import Path
from typing import Any

VENDOR_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "vendors"


def vendor_fixture(vendor: str, name: str) -> Any:
    """The JSON body of `name` among `vendor`'s fixtures."""
    return json.loads((VENDOR_FIXTURES / vendor / name).read_text(encoding="utf-8"))


def shape_differences(
    documented: Any,
    served: Any,
    *,
    depth: int = 3,
    free_form: Set[str] = frozenset(),
    nulls_match: bool = False,
    path: str = "body",
) -> list[str]:
    """Where `served` has other keys than `documented`: objects key by key, lists by first element.

    Args:
        depth: how many objects deep to compare.
        free_form: keys whose members are data (a record's property names), not part of the shape.
        nulls_match: a null on either side matches whatever stands on the other.
    """
    if depth == 0:
        return []
    if isinstance(documented, dict) != isinstance(served, dict):
        return [f"{path}: one is an object, the other is not"]
    if isinstance(documented, dict):
        differences = []
        if set(documented) != set(served):
            differences.append(f"{path}: keys differ by {sorted(set(documented) ^ set(served))}")
        for key in sorted((set(documented) & set(served)) - free_form):
            if nulls_match and (documented[key] is None or served[key] is None):
                continue
            differences += shape_differences(
                documented[key],
                served[key],
                depth=depth - 1,
                free_form=free_form,
                nulls_match=nulls_match,
                path=f"{path}.{key}",
            )
        return differences
    if isinstance(documented, list) and isinstance(served, list) and documented and served:
        return shape_differences(
            documented[0],
            served[0],
            depth=depth,
            free_form=free_form,
            nulls_match=nulls_match,
            path=f"{path}[0]",
        )
    return []
