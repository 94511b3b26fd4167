"""What every detector shares: the kinds, a finding, the folding of copy-paste characters, runs."""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

Kind = Literal["email", "phone", "card", "iban", "national_id", "api_key", "jwt", "secret", "password"]
KINDS: tuple[Kind, ...] = get_args(Kind)


@dataclass(frozen=True)
class Hit:
    """One finding of a detector: a span of the text and what it is."""

    kind: Kind
    start: int
    end: int
    last4: str = ""


# Higher wins when two findings of the same length overlap: validated numbers first, guesses last.
PRIORITY: Mapping[Kind, int] = {
    "card": 9,
    "iban": 8,
    "national_id": 7,
    "jwt": 6,
    "api_key": 5,
    "password": 4,
    "email": 3,
    "phone": 2,
    "secret": 1,
}


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    # Spaces a word processor, a PDF or a French keyboard puts between digit groups or before a colon.
    for code in (0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000):
        table[code] = " "
    # Hyphens, dashes and minus signs that stand for "-" in a number or a name.
    for code in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE58, 0xFE63, 0xFF0D):
        table[code] = "-"
    # Fullwidth digits, "@", "." and "+" (an East Asian keyboard's forms).
    for offset in range(10):
        table[0xFF10 + offset] = chr(0x30 + offset)
    table.update({0xFF20: "@", 0xFF0E: ".", 0xFF0B: "+", 0x3002: ".", 0xFF1A: ":", 0xFF1D: "="})
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """`text` with look-alike spaces, hyphens and fullwidth digits as their ASCII forms.

    One character for one character, so every offset in the result is an offset in `text`.
    """
    return text.translate(_FOLD)


def digits(raw: str) -> str:
    """The ASCII digits of `raw`, in order."""
    return "".join(c for c in raw if "0" <= c <= "9")


class Runs:
    """The maximal runs of one character class in a text, to find where a value starting anywhere ends.

    Finding the end of a value with a regular expression from every place a name precedes it scans
    the same characters again for each name ("sig=sig=sig=..."); the runs are found once instead.
    """

    def __init__(self, text: str, characters: str) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for match in re.finditer(f"[{characters}]+", text):
            self._starts.append(match.start())
            self._ends.append(match.end())

    def end(self, start: int) -> int:
        """Where the run holding position `start` ends; `start` itself when no run holds it."""
        index = bisect.bisect_right(self._starts, start) - 1
        if index >= 0 and start < self._ends[index]:
            return self._ends[index]
        return start


class Spans:
    """Sorted, possibly overlapping spans, asked whether they hold or touch another span."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        # The largest end among the spans up to each index: a span before `i` reaching past a point.
        self._reach: list[int] = []
        reach = -1
        for _, end in ordered:
            reach = max(reach, end)
            self._reach.append(reach)
        self._count = len(ordered)

    def __bool__(self) -> bool:
        return self._count > 0

    def overlaps(self, start: int, end: int) -> bool:
        """Whether a span shares a character with [start, end)."""
        index = bisect.bisect_left(self._starts, end) - 1
        return index >= 0 and self._reach[index] > start

    def holds(self, start: int, end: int) -> bool:
        """Whether one span holds all of [start, end)."""
        index = bisect.bisect_right(self._starts, start) - 1
        return index >= 0 and self._reach[index] >= end
