"""Confluence Cloud as the knowledge base (`CUSTOMER_ESCALATION_KB=confluence`).

`knowledge_base` holds the connector and `from_settings`; `models` the responses it validates,
`mapping` pages as records, `storage` and `text` the storage format as readable text, and `settings`
the ``CONFLUENCE_*`` variables.
"""

from __future__ import annotations

from .knowledge_base import from_settings

__all__ = ["from_settings"]
