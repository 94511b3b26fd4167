"""Jira Cloud as the project tracker (`CUSTOMER_ESCALATION_TRACKER=jira`).

`tracker` holds the connector and `from_settings`; `client` the HTTP calls, `models` the responses
they validate, `jql` the queries, `mapping` issues as records, `writes` what a create sends, and
`settings` the ``JIRA_*`` variables.
"""

from __future__ import annotations

from .tracker import from_settings

__all__ = ["from_settings"]
