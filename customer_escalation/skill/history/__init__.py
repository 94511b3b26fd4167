"""The escalation history as the skill sees it: the store protocol.

The entries it keeps are records (`connectors.records.history`, imported from `connectors.records`); the
store behind the protocol is chosen by whoever starts the skill (the command line opens the one in the
workspace file).
"""

from __future__ import annotations

from .store import HistoryStore

__all__ = ["HistoryStore"]
