"""The part of a record that can count as a person's words: what is visible, less what is addressed to a
machine reader."""

from __future__ import annotations

from functools import lru_cache

from .addressees import without_machine_addressed
from .rendered import blocks, joined, plain


@lru_cache(maxsize=4_096)
def for_people(text: str) -> str:
    """What a person sees in the record (`visible`) without what is addressed to a machine reader: the
    text that can count as a customer's or colleague's words."""
    if not text:
        return ""
    return joined(without_machine_addressed(blocks(text)))


def addressed_to_a_machine(sentence: str) -> bool:
    """Whether `sentence` (or any part of it) is hidden from a person or addressed to a machine reader."""
    return for_people(sentence).strip() != plain(sentence).strip()
