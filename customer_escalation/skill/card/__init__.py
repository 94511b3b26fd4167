"""The escalation brief as an interactive card in the assistant (MCP Apps).

`build` makes one self-contained HTML document from the sources beside it (`card.html`, `card.css`,
`card.js`) with a hash-based content-security policy; `view` is what the card shows of a recorded
escalation; `previews` keeps the single-use tokens that bind an execution to the preview a person saw.
The MCP server serves the card and its tools (`skill.server.card`).
"""

from __future__ import annotations

from .build import CardBundle, card_bundle, csp_hash
from .previews import PREVIEW_TTL, PreviewTokens, TokenRefusedError
from .view import CARD_STEPS, CardStep, CardView, card_view, step_offer

CARD_URI = "ui://customer-escalation/brief-card.html"
"""The `ui://` resource the card is served as."""

__all__ = [
    "CARD_STEPS",
    "CARD_URI",
    "PREVIEW_TTL",
    "CardBundle",
    "CardStep",
    "CardView",
    "PreviewTokens",
    "TokenRefusedError",
    "card_bundle",
    "card_view",
    "csp_hash",
    "step_offer",
]
