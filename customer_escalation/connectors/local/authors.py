"""Who the workspace says wrote what this product writes: its chat posts and its internal notes."""

from __future__ import annotations

from ..records import Comment, Person

BOT = Person(name="customer-escalation", role="bot")
"""Author of messages the product posts."""
NOTE_AUTHOR = Person(name="customer-escalation", role="internal")
"""Author of internal notes the product adds."""


def is_our_note(comment: Comment) -> bool:
    """Whether the product added `comment` (an internal note), rather than a customer or agent."""
    return not comment.public and comment.author == NOTE_AUTHOR


__all__ = ["BOT", "NOTE_AUTHOR", "is_our_note"]
