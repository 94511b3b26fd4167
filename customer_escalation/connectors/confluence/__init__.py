"""Confluence Cloud as the knowledge base (`CUSTOMER_ESCALATION_KB=confluence`).

`knowledge_base` holds the connector and `from_settings`; `models` the responses it validates,
`mapping` pages as records, `storage` and `text` the storage format as readable text, and `settings`
the ``CONFLUENCE_*`` variables.
"""

from __future__ import annotations

from .knowledge_base import ConfluenceKnowledgeBase, from_settings
from .settings import ConfluenceSettings
from .storage import Element, parse_storage
from .text import storage_text, workaround_section

__all__ = [
    "ConfluenceKnowledgeBase",
    "ConfluenceSettings",
    "Element",
    "from_settings",
    "parse_storage",
    "storage_text",
    "workaround_section",
]
