"""The local workspace: one SQLite file serving every connector category, with full-text search.

It is the default backend when nothing else is configured; at the default location it is created with
the demo company on first use.
"""

from __future__ import annotations

from .workspace import LocalWorkspace, WorkspaceStats

__all__ = ["LocalWorkspace", "WorkspaceStats"]
