"""The vendor fakes an end-to-end module names in its `FAKES`, serving the demo company on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .vendor_run import serving_demo


@pytest.fixture(scope="module")
def vendors(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """The fakes the module's `FAKES` makes, each served on its own loopback port, and their URLs."""
    with serving_demo(request.module.FAKES) as served:
        yield served
