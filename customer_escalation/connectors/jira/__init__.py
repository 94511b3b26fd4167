"""Jira Cloud as the project tracker (`CUSTOMER_ESCALATION_TRACKER=jira`).

`tracker` holds the connector and `from_settings`; `client` the HTTP calls, `models` the responses
they validate, `jql` the queries, `mapping` issues as records, `writes` what a create sends, and
`settings` the ``JIRA_*`` variables.
"""

from __future__ import annotations

from .settings import JiraSettings
from .tracker import JiraProjectTracker, from_settings
from .writes import idempotency_label

__all__ = ["JiraProjectTracker", "JiraSettings", "from_settings", "idempotency_label"]
