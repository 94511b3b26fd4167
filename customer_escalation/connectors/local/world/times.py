"""Times in world files: relative to the world's clock (``-3h``, ``-2d4h``, ``+21d``) or absolute ISO.

A world file means the same thing whenever it is built: every relative time is laid out from the
`now` the world is built for. Text can name a moment too, through the template filters in
`TEXT_FILTERS` (``{{ "-4d12h" | weekday }}`` renders the weekday four and a half days ago).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator

_OFFSET = re.compile(r"^([+-])((?:\d+(?:\.\d+)?[wdhms])+)$")
_PART = re.compile(r"(\d+(?:\.\d+)?)([wdhms])")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_offset(text: str) -> timedelta | None:
    """``-3d4h`` as a timedelta; None when `text` is not a relative time."""
    match = _OFFSET.match(text.strip().replace(" ", ""))
    if match is None:
        return None
    total = sum(
        (timedelta(**{_UNITS[unit]: float(amount)}) for amount, unit in _PART.findall(match[2])), timedelta()
    )
    return total if match[1] == "+" else -total


def format_offset(delta: timedelta) -> str:
    """The relative-time text for `delta` (``-3d4h10m``); the inverse of `parse_offset`."""
    sign = "-" if delta < timedelta() else "+"
    rest = abs(delta)
    days, seconds = rest.days, rest.seconds
    parts = [
        (days, "d"),
        (seconds // 3600, "h"),
        (seconds % 3600 // 60, "m"),
        (seconds % 60, "s"),
    ]
    text = "".join(f"{amount}{unit}" for amount, unit in parts if amount)
    if rest.microseconds:
        raise ValueError(f"{delta} has sub-second parts a relative time cannot say")
    return sign + (text or "0m")


def moment(value: Any) -> datetime | timedelta:
    """A point in time: a relative time, or an ISO date-time (UTC unless it names a zone)."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        offset = parse_offset(value)
        if offset is not None:
            return offset
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    raise ValueError(f"{value!r} is neither a relative time like -3h, -2d, +1w nor an ISO date-time")


def day(value: Any) -> date | timedelta:
    """A calendar day: a relative time or an ISO date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        offset = parse_offset(value)
        if offset is not None:
            return offset
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{value!r} is neither a relative day like +21d nor an ISO date")


Moment = Annotated[datetime | timedelta, BeforeValidator(moment)]
"""A point in time: relative to the world's clock (``-3h``, ``-2d4h``) or an ISO date-time."""
Day = Annotated[date | timedelta, BeforeValidator(day)]
"""A calendar day: relative (``+21d``) or an ISO date."""


def at(value: datetime | timedelta, now: datetime) -> datetime:
    """The absolute time of a `Moment` for a world built at `now`."""
    return now + value if isinstance(value, timedelta) else value


def on(value: date | timedelta, now: datetime) -> date:
    """The calendar day of a `Day` for a world built at `now`."""
    return (now + value).date() if isinstance(value, timedelta) else value


def _weekday(when: datetime) -> str:
    return when.strftime("%A")


def _clock(when: datetime) -> str:
    return when.strftime("%H:%M")


def _month_day(when: datetime) -> str:
    return f"{when.strftime('%B')} {when.day}"


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S")


_FORMATS: dict[str, Callable[[datetime], str]] = {
    "weekday": _weekday,
    "clock": _clock,
    "month_day": _month_day,
    "stamp": _stamp,
}
"""How text names a moment: ``Wednesday``, ``14:05``, ``November 18``, ``2026-11-18 14:05:00``."""


def text_filters(now: datetime) -> dict[str, Callable[[str], str]]:
    """Template filters that render a relative or ISO time in text, for a world built at `now`."""

    def make(render: Callable[[datetime], str]) -> Callable[[str], str]:
        return lambda value: render(at(moment(value), now))

    return {name: make(render) for name, render in _FORMATS.items()}


__all__ = [
    "Day",
    "Moment",
    "at",
    "day",
    "format_offset",
    "moment",
    "on",
    "parse_offset",
    "text_filters",
]
