"""A fake Slack Web API, built from a `Dataset`.

A Starlette app answering at Slack's real paths (``/api/<method>``) with Slack's JSON shapes and
habits: errors as HTTP 200 ``{"ok": false, "error": ...}`` (``missing_scope`` with
``needed``/``provided``), bearer tokens checked per method (search only with a user token),
``search.messages`` with its own query syntax subset (words, quoted phrases, ``in:``, ``-in:``,
``from:``, ``after:``, ``before:``, ``on:``, ``is:thread``) and page/count paging, cursor paging
elsewhere (``next_cursor`` ``""`` at the end of a listing, ``response_metadata`` left out on the last
page of history), and HTTP 429 with ``Retry-After``. Whether Slack repeats a thread's root on every
page of ``conversations.replies`` is not documented; `repeat_thread_root` (on by default) takes the
harder case.

Writes are kept: a posted message (with its metadata) shows up in later history, replies and search.
Fault knobs: `throttle_next`, `rate_limit_per_second`, `fail_next`, `malformed_next`,
`force_status`, `revoked`, `gone_methods` (the retired ``channels.*`` methods always answer 410),
`bot_not_in`, and the token scopes.
"""

from .app import Call, SlackFake
from .wire import BOT_ID, BOT_TOKEN, BOT_USER_ID, RETIRED_METHODS, TEAM_ID, USER_TOKEN

__all__ = [
    "BOT_ID",
    "BOT_TOKEN",
    "BOT_USER_ID",
    "RETIRED_METHODS",
    "TEAM_ID",
    "USER_TOKEN",
    "Call",
    "SlackFake",
]
