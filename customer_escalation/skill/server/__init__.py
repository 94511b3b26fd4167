"""The MCP server: read tools for the five connector categories, the policy tool, write tools,
resources and prompt.

`build_server(registry, policy=...)` returns an `MCPServer`. Tools are thin: one connector call, a
compact view, the size cap. Connector failures are raised as tool errors whose text tells the model
what to do next; an HTTP failure never turns into an empty result. The write tools preview unless
``dry_run=false`` and go through `skill.actions` (allowlists, read-only mode, idempotency, redaction,
history); they need the history store passed as `history`.

`app` creates the server and calls one registration function per category, each in its own module:
`support`, `crm`, `chat`, `tracker`, `kb` (read tools), `escalation` (`escalation_assess`), `writes`
(the four write tools), `resources` and `prompts`; `shared` holds what they share.
"""

from __future__ import annotations

from .app import INSTRUCTIONS, SERVER_NAME, EscalationServer, build_server
from .shared import CONNECTOR_READ_TOOLS, MAX_LIMIT, StaticTokenVerifier

__all__ = [
    "CONNECTOR_READ_TOOLS",
    "INSTRUCTIONS",
    "MAX_LIMIT",
    "SERVER_NAME",
    "EscalationServer",
    "StaticTokenVerifier",
    "build_server",
]
