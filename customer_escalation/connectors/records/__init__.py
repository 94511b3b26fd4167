"""Records: the contract between connectors and everything above them.

`domain` holds what connectors read (tickets, accounts, chat, tracker issues, articles) and the
policy's vocabulary (decision, target, severity); `history` holds the escalation history's entries.
"""

from __future__ import annotations

from . import domain, history
from .domain import *  # noqa: F403  (the names listed in domain.__all__)
from .history import *  # noqa: F403  (the names listed in history.__all__)

__all__ = [*domain.__all__, *history.__all__]
