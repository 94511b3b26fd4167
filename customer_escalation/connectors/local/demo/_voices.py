"""How people write: customer voices (openings, context lines, closings, signatures) and agent habits.

A ticket's text is its topic's content in one of these voices, so two tickets about the same thing
still read like two different people wrote them.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import TypeAdapter

from ._data import table


@dataclass(frozen=True)
class Voice:
    name: str
    greetings: tuple[str, ...]
    intros: tuple[str, ...]
    """Who is writing; follows the greeting. Most name the person or the company, as real emails do."""
    closers: tuple[str, ...]
    signatures: tuple[str, ...]
    typos: tuple[int, ...]
    """Number of typos to add, picked at random."""
    subject_styles: tuple[str, ...] = ("{subject}",)
    lowercase: bool = False
    pings: tuple[str, ...] = ()
    thanks: tuple[str, ...] = ()


_TEXTS = TypeAdapter(tuple[str, ...])

VOICES = table("voices.yaml", "voices", TypeAdapter(tuple[Voice, ...]))
VOICE_WEIGHTS = table("voices.yaml", "voice_weights", TypeAdapter(tuple[int, ...]))
CONTEXT_NEUTRAL = table("voices.yaml", "context_neutral", _TEXTS)
CONTEXT_PROBLEM = table("voices.yaml", "context_problem", _TEXTS)
AGENT_GREETINGS = table("voices.yaml", "agent_greetings", _TEXTS)
AGENT_SIGNOFFS = table("voices.yaml", "agent_signoffs", _TEXTS)
AGENT_SOLVED = table("voices.yaml", "agent_solved", _TEXTS)
AGENT_HOLD = table("voices.yaml", "agent_hold", _TEXTS)
INTERNAL_NOTES = table("voices.yaml", "internal_notes", _TEXTS)
TRIAGE_NOTES = table("voices.yaml", "triage_notes", _TEXTS)
