"""Slack as the ~~chat connector, over the Slack Web API.

Two tokens, because Slack splits the rights this connector needs:

* ``SLACK_BOT_TOKEN`` (``xoxb-``) reads threads and history, resolves channels and users, and posts.
* ``SLACK_USER_TOKEN`` (``xoxp-``, scope ``search:read``) is only used for ``search.messages``, which
  Slack refuses to bot tokens. Without it, search raises `AuthError` naming the variable.

``SLACK_CHANNELS`` (names or ids) limits every read (`scope`); `get_thread` refuses channels outside
the list. Posts are made at most once per idempotency key (`posting`).

Modules: `settings` (the variables), `models` (the answers, validated at the HTTP boundary), `policy`
(Slack's error codes), `client` (the Web API calls), `directory` (channel and user names), `text`
(mrkdwn and Block Kit as plain text), `mapping` (messages as records), `scope`, `search`, `posting`,
and `connector` (`SlackChat`).
"""

from __future__ import annotations

import httpx2

from .._http import DEFAULT_LIMITS, DEFAULT_TIMEOUT, HttpApi
from ..base import Category
from ..factory import VendorFactory
from ..settings import Settings
from .connector import SlackChat
from .policy import SlackPolicy
from .settings import BOT_TOKEN_VAR, SYSTEM, USER_TOKEN_VAR, SlackSettings


def _connector(settings: Settings, _category: Category, client: httpx2.AsyncClient | None) -> SlackChat:
    """The Slack chat connector configured by the ``SLACK_*`` variables; without a `client`, it opens
    (and closes) its own."""
    config = SlackSettings.from_settings(settings)
    owned = None
    if client is None:
        owned = client = httpx2.AsyncClient(timeout=DEFAULT_TIMEOUT, limits=DEFAULT_LIMITS)

    def api(token: str, variable: str) -> HttpApi:
        return HttpApi(SlackPolicy(token, variable=variable), base_url=config.base_url, client=client)

    user_token = config.user_token.get_secret_value() if config.user_token else None
    return SlackChat(
        api(config.bot_token.get_secret_value(), BOT_TOKEN_VAR),
        search_api=api(user_token, USER_TOKEN_VAR) if user_token else None,
        channels=config.channels,
        reply_counts=config.reply_counts,
        owned_client=owned,
    )


from_settings = VendorFactory(_connector, system=SYSTEM, serves={"chat"})


__all__ = ["from_settings"]
