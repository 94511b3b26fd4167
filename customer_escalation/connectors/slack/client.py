"""The Slack Web API calls this connector makes, each answer validated into its model.

Reads and posts use the bot token; ``search.messages`` uses the user token, since Slack refuses it to
bot tokens. `auth.test` tells the workspace URL (for permalinks) and the bot's id (to recognise our own
posts); both are remembered.
"""

from __future__ import annotations

from typing import Any

from .._http import HttpApi
from ..errors import AuthError
from .models import (
    AuthTest,
    Channel,
    ChannelInfo,
    ChannelList,
    Message,
    MessagePage,
    Posted,
    SearchAnswer,
    SearchResults,
    User,
    UserInfo,
)
from .settings import BOT_TOKEN_VAR, SYSTEM, USER_TOKEN_VAR

_LIST_PAGE_SIZE = 200
_REPLIES_PAGE_MAX = 1000


class SlackClient:
    """Typed calls to the Slack Web API.

    Args:
        api: the Web API with the bot token.
        search_api: the Web API with the user token; None makes search raise `AuthError`.
    """

    def __init__(self, api: HttpApi, search_api: HttpApi | None = None) -> None:
        self._api = api
        self._search_api = search_api
        self.workspace_url: str | None = None
        """The workspace's URL with a trailing slash, once `auth.test` told it."""
        self.bot_id: str | None = None
        """The bot's id, once `auth.test` told it."""

    async def aclose(self) -> None:
        await self._api.aclose()
        if self._search_api is not None:
            await self._search_api.aclose()

    # -- identity -----------------------------------------------------------------------------------

    async def auth_test(self) -> AuthTest:
        """`auth.test` with the bot token; remembers the workspace URL and the bot id."""
        answer = await self._api.get_model("auth.test", AuthTest, endpoint="auth.test")
        if answer.url:
            self.workspace_url = answer.url.rstrip("/") + "/"
        self.bot_id = answer.bot_id or self.bot_id
        return answer

    async def check_search_token(self) -> None:
        """`auth.test` with the user token, when one is configured."""
        if self._search_api is not None:
            await self._search_api.get_model("auth.test", AuthTest, endpoint="auth.test")

    async def permalink_base(self) -> str | None:
        """The workspace URL, asking `auth.test` until it is known."""
        if self.workspace_url is None:
            await self.auth_test()
        return self.workspace_url

    # -- directories --------------------------------------------------------------------------------

    async def channel(self, channel_id: str) -> Channel:
        """`conversations.info`. Raises NotFoundError, PermissionDeniedError."""
        params = {"channel": channel_id}
        answer = await self._api.get_model(
            "conversations.info", ChannelInfo, params=params, endpoint="conversations.info"
        )
        return answer.channel

    async def channels(self, cursor: str | None) -> ChannelList:
        """One page of `conversations.list`: public and private channels, archived ones left out."""
        params = {
            "types": "public_channel,private_channel",
            "exclude_archived": "true",
            "limit": _LIST_PAGE_SIZE,
            "cursor": cursor,
        }
        return await self._api.get_model(
            "conversations.list", ChannelList, params=params, endpoint="conversations.list"
        )

    async def user(self, user_id: str) -> User:
        """`users.info`. Raises NotFoundError, PermissionDeniedError."""
        answer = await self._api.get_model(
            "users.info", UserInfo, params={"user": user_id}, endpoint="users.info"
        )
        return answer.user

    # -- messages -----------------------------------------------------------------------------------

    async def history(self, channel_id: str, **params: Any) -> MessagePage:
        """One page of `conversations.history`; `params` as Slack names them (None ones are left out)."""
        return await self._api.get_model(
            "conversations.history",
            MessagePage,
            params={"channel": channel_id, **params},
            endpoint="conversations.history",
        )

    async def thread(
        self, channel_id: str, ts: str, limit: int, *, metadata: bool = False
    ) -> tuple[list[Message], bool]:
        """Up to `limit` messages of a thread, root first, and whether the thread goes on.

        Each page asks for one message more than still needed: a continuation page may repeat the
        root (deduplicated by ts), and otherwise the extra message tells that more follow.
        """
        seen: set[str] = set()
        found: list[Message] = []
        cursor: str | None = None
        while True:
            page = await self._api.get_model(
                "conversations.replies",
                MessagePage,
                params={
                    "channel": channel_id,
                    "ts": ts,
                    "limit": min(limit - len(found) + 1, _REPLIES_PAGE_MAX),
                    "cursor": cursor,
                    "include_all_metadata": "true" if metadata else None,
                },
                endpoint="conversations.replies",
            )
            for message in page.messages:
                if message.ts in seen:
                    continue
                if len(found) == limit:
                    return found, True
                seen.add(message.ts)
                found.append(message)
            cursor = page.next_cursor
            if cursor is None or page.has_more is False:
                return found, False
            if len(found) == limit:
                return found, True

    def require_search(self) -> None:
        """Raises AuthError naming the variable when no user token is configured."""
        if self._search_api is None:
            raise AuthError(
                f"slack message search needs a user token: set {USER_TOKEN_VAR} (xoxp-, scope search:read); "
                f"the bot token in {BOT_TOKEN_VAR} cannot search. Threads can still be read by channel and ts.",
                system=SYSTEM,
            )

    async def search(self, query: str, *, count: int, page: int) -> SearchResults:
        """One page of `search.messages`, best match first, without highlight markers."""
        self.require_search()
        assert self._search_api is not None
        answer = await self._search_api.get_model(
            "search.messages",
            SearchAnswer,
            params={"query": query, "count": count, "page": page, "sort": "score", "highlight": "false"},
            endpoint="search.messages",
        )
        return answer.messages

    async def post(self, payload: dict[str, Any]) -> Posted:
        """`chat.postMessage` with a JSON body."""
        return await self._api.request_model(
            "POST",
            "chat.postMessage",
            Posted,
            json_body=payload,
            headers={"Content-Type": "application/json; charset=utf-8"},
            endpoint="chat.postMessage",
        )


__all__ = ["SlackClient"]
