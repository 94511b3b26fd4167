"""Several vendor fakes served on loopback ports at once, for end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from typing import Any

from tests.fakes.loopback import served


@contextmanager
def serving(apps: Mapping[str, Any]) -> Iterator[dict[str, str]]:
    """Serve every app on its own loopback port; yields each one's base URL by name, stops them all after."""
    with ExitStack() as stack:
        yield {name: stack.enter_context(served(app)) for name, app in apps.items()}
