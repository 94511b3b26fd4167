"""The check every vendor's settings are held to: a configuration problem is refused in one line that
names each variable at fault and never shows a value."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest

from customer_escalation.connectors.errors import ConfigError


def one_line_refusal(
    build: Callable[[], object], *, names: Iterable[str] = (), hides: Iterable[str] = ()
) -> str:
    """The message of the `ConfigError` that `build` raises, held to one line that contains every one
    of `names` and none of `hides`."""
    with pytest.raises(ConfigError) as info:
        build()
    message = str(info.value)
    assert "\n" not in message
    assert [name for name in names if name not in message] == []
    assert [value for value in hides if value in message] == []
    return message
