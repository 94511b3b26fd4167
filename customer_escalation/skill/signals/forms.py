"""Building blocks for the lexicon's patterns: inflected word forms and bounded gaps between words.

A lexicon entry names a word once ("crash") and matches every regular inflection ("crashes", "crashed",
"crashing"), so the lexicon lists concepts, not spellings. Gaps are bounded and never jump a negation or
a clause boundary, which keeps each pattern linear and keeps "data was not lost" from reading as a loss.
"""

from __future__ import annotations

import re
from functools import cache

_VOWELS = "aeiou"
_SEP = r"""[\s,/()"'\-:]+"""
_NEGATORS = r"not|no|never|n't|nothing|nobody|none|without|neither|nor"


@cache
def inflections(word: str) -> tuple[str, ...]:
    """The regular inflections of an English word (verb or noun): -s, -es, -ies, -ed, -d, -ing, and the
    doubled final consonant ("stop" -> "stopped"). Multi-word entries inflect their first word."""
    head, _, tail = word.partition(" ")
    forms = {head}
    if head.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(head + "es")
    elif head.endswith("y") and len(head) > 2 and head[-2] not in _VOWELS:
        forms.update({head[:-1] + "ies", head[:-1] + "ied"})
    else:
        forms.add(head + "s")
    if head.endswith("e"):
        forms.update({head + "d", head[:-1] + "ing"})
    elif head.endswith("y") and len(head) > 2 and head[-2] not in _VOWELS:
        forms.add(head + "ing")
    else:
        forms.update({head + "ed", head + "ing"})
        if (
            len(head) >= 3
            and head[-1] not in _VOWELS + "wxy"
            and head[-2] in _VOWELS
            and head[-3] not in _VOWELS
        ):
            forms.update({head + head[-1] + "ed", head + head[-1] + "ing"})
    return tuple(sorted((f + (" " + tail if tail else "") for f in forms), key=len, reverse=True))


def w(*words: str) -> str:
    """A regex alternation of `words` and all their inflections, as whole words. A word ending in ``*``
    is a prefix ("corrupt*" matches "corruption"); one ending in ``=`` is a regular expression taken as
    written (no inflections); in every entry a space matches any run of spaces or hyphens."""
    parts: list[str] = []
    for word in words:
        if word.endswith("*"):
            parts.append(_spaces(re.escape(word[:-1])) + r"\w*")
        elif word.endswith("="):
            parts.append(_spaces(word[:-1]))
        else:
            parts.extend(_spaces(re.escape(form)) for form in inflections(word))
    return r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])"


def _spaces(escaped: str) -> str:
    return escaped.replace(r"\ ", r"[\s-]+").replace(" ", r"[\s-]+")


def gap(most: int) -> str:
    """Up to `most` words between two parts of a pattern, never a negation and never across a clause
    boundary (sentence end, semicolon, "but")."""
    word = rf"(?!(?:{_NEGATORS}|but|however|although|though)\b)[\w'%.]+"
    return rf"(?:{_SEP}{word}){{0,{most}}}{_SEP}"


def seq(*parts: str, most: int = 3) -> str:
    """`parts` in order, with a bounded gap between each pair."""
    return gap(most).join(f"(?:{p})" for p in parts)


def any_of(*patterns: str) -> str:
    return "(?:" + "|".join(f"(?:{p})" for p in patterns) + ")"


__all__ = ["any_of", "gap", "inflections", "seq", "w"]
