"""Linear as the project tracker (`CUSTOMER_ESCALATION_TRACKER=linear`), over its GraphQL API.

settings    the LINEAR_* variables (`LinearSettings`)
policy      auth, rate limits (requests and complexity) and GraphQL errors for the HTTP layer
models      the response shapes read, validated where a body arrives
queries     the GraphQL documents sent
client      the operations (`LinearClient`)
filters     ``IssueFilter`` objects from the structured search arguments
mapping     issues as records
writes      what a create sends, and the id that makes it idempotent
tracker     the connector (`LinearProjectTracker`)
"""

from __future__ import annotations

import httpx2

from .._http import HttpApi
from ..base import Category
from ..factory import VendorFactory
from ..settings import Settings
from .policy import SYSTEM, LinearPolicy
from .settings import LinearSettings
from .tracker import LinearProjectTracker


def _connector(
    settings: Settings, _category: Category, client: httpx2.AsyncClient | None
) -> LinearProjectTracker:
    """The Linear connector for the ``tracker`` category, configured from ``LINEAR_*`` variables."""
    config = LinearSettings.load(settings)
    authorization, variable = config.authorization()
    api = HttpApi(LinearPolicy(authorization, variable=variable), base_url=config.base_url, client=client)
    return LinearProjectTracker(
        api,
        teams=config.teams,
        bug_labels=config.bug_labels,
        feature_labels=config.feature_labels,
        reopened_state=config.reopened_state,
        ticket_url=config.ticket_url,
        account_url=config.account_url,
    )


from_settings = VendorFactory(_connector, system=SYSTEM, serves={"tracker"})


__all__ = ["from_settings"]
