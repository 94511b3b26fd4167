"""Intercom as the ~~support platform (conversations) and the ~~knowledge base (Help Center articles).

Conversations are tickets: the opening message is the description, replies are public comments and
notes internal ones, the first contact is the requester and their company the organization. The one
write is an internal note, at most once per idempotency key. Intercom JSON stays inside this package:
callers get `Ticket` and `Article` records.

    settings     the INTERCOM_* variables (`IntercomSettings`)
    policy       auth, rate limits (`X-RateLimit-Reset`) and error bodies for the HTTP layer
    api          requests with the `Intercom-Version` header
    models       the response shapes read, validated where a body arrives
    query        the conversation search query from structured filters
    support      the support platform (`IntercomSupport`)
    notes        internal notes, written once per key
    help_center  the knowledge base (`IntercomHelpCenter`)
    mapping      response models to records
    text         message and article HTML as plain text
"""

from __future__ import annotations

import httpx2

from .._http import HttpApi
from ..base import Category
from ..factory import VendorFactory
from ..settings import Settings
from .help_center import IntercomHelpCenter
from .mapping import Mapper, Priorities
from .policy import SYSTEM, IntercomPolicy
from .settings import IntercomSettings
from .support import IntercomSupport

_NO_NOTE_AUTHOR = (
    "INTERCOM_ADMIN_ID: is not set (the admin who authors internal notes; or turn ticket writes "
    "off with CUSTOMER_ESCALATION_WRITE_TICKETS=false)"
)


def _connector(
    settings: Settings, category: Category, client: httpx2.AsyncClient | None
) -> IntercomSupport | IntercomHelpCenter:
    """The Intercom connector for `category` (``support`` or ``kb``), configured from ``INTERCOM_*``."""
    writes = settings.write_tickets and not settings.read_only
    config = _settings(settings, needs_admin=category == "support" and writes)
    api = HttpApi(
        IntercomPolicy(config.access_token.get_secret_value()), base_url=config.api_root(), client=client
    )
    if category == "kb":
        return IntercomHelpCenter(
            api,
            version=config.api_version,
            help_center_id=config.help_center_id,
            collection_ids=config.collection_ids,
        )
    return IntercomSupport(
        api,
        version=config.api_version,
        mapper=Mapper(Priorities(config.priority_attribute, config.priority_flag), config.workspace_id),
        team_ids=config.team_ids,
        admin_id=config.admin_id,
        allow_writes=writes,
    )


from_settings = VendorFactory(_connector, system=SYSTEM, serves={"support", "kb"})


def _settings(settings: Settings, *, needs_admin: bool) -> IntercomSettings:
    """The INTERCOM_* settings; every problem, a missing note author included, named on one line."""
    no_author = needs_admin and settings.value("INTERCOM_ADMIN_ID") is None
    return IntercomSettings.from_settings(settings, also=[_NO_NOTE_AUTHOR] if no_author else [])


__all__ = ["from_settings"]
