"""Slack's error answers: bearer auth, and ``{"ok": false, "error": "<code>"}`` bodies classified.

Slack reports most failures as HTTP 200 with an error code; `SlackPolicy` turns those codes into the
error tree of `connectors.errors`. Rate limits arrive as HTTP 429 with ``Retry-After``, which the shared
HTTP layer honours.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx2
from pydantic import ValidationError

from .._http import Json, VendorPolicy
from ..errors import (
    AuthError,
    ConnectorError,
    EndpointGoneError,
    InvalidQueryError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    UpstreamError,
)
from .models import Answer
from .settings import SYSTEM, USER_TOKEN_VAR

_AUTH_ERRORS = frozenset(
    {"not_authed", "invalid_auth", "account_inactive", "token_revoked", "token_expired", "invalid_token"}
)
_PERMISSION_ERRORS = frozenset(
    {
        "missing_scope",
        "not_allowed_token_type",
        "no_permission",
        "not_in_channel",
        "access_denied",
        "is_archived",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "ekm_access_denied",
        "team_access_not_granted",
        "org_login_required",
        "cannot_reply_to_message",
        "user_not_visible",
    }
)
_NOT_FOUND_ERRORS = frozenset(
    {"channel_not_found", "thread_not_found", "message_not_found", "user_not_found"}
)
_INVALID_ERRORS = frozenset(
    {
        "invalid_cursor",
        "invalid_arguments",
        "invalid_arg_name",
        "invalid_array_arg",
        "invalid_charset",
        "invalid_form_data",
        "invalid_post_type",
        "missing_post_type",
        "invalid_json",
        "json_not_object",
        "no_query",
        "invalid_ts_latest",
        "invalid_ts_oldest",
        "invalid_limit",
        "no_text",
        "msg_too_long",
        "too_many_attachments",
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "metadata_too_large",
        "metadata_must_be_sent_from_app",
    }
)
_GONE_ERRORS = frozenset({"method_deprecated", "unknown_method", "deprecated_endpoint"})
_RATE_LIMIT_ERRORS = frozenset({"ratelimited", "rate_limited"})
_KNOWN_ERRORS = (
    _AUTH_ERRORS
    | _PERMISSION_ERRORS
    | _NOT_FOUND_ERRORS
    | _INVALID_ERRORS
    | _GONE_ERRORS
    | _RATE_LIMIT_ERRORS
)

_HINTS: dict[str, str] = {
    "not_in_channel": "invite the app to the channel (/invite @the-app) or use a channel it is in",
    "is_archived": "the channel is archived",
    "no_permission": "the token's user or app is not allowed to do this",
    "not_allowed_token_type": (
        f"this method refuses this kind of token; message search needs a user token (xoxp-) in {USER_TOKEN_VAR}"
    ),
    "channel_not_found": "pass a channel id or name the app can see",
    "thread_not_found": "pass the ts of the thread's root message",
    "invalid_cursor": "omit the cursor to start over",
    "msg_too_long": "shorten the message",
}


def _refusal(body: Json | None) -> Answer | None:
    """The answer when it is Slack's ``ok: false`` envelope, else None."""
    try:
        answer = Answer.model_validate(body)
    except ValidationError:
        return None
    return answer if answer.ok is False else None


def slack_error(method: str, body: Mapping[str, object], *, variable: str) -> ConnectorError:
    """The error for a Slack ``{"ok": false, "error": ...}`` answer to `method`.

    Args:
        method: the Web API method, e.g. ``conversations.replies``.
        body: the decoded answer.
        variable: the variable holding the token the request used, named in auth errors.
    """
    return _error_for(method, _refusal(dict(body)) or Answer(), variable=variable)


def _error_for(method: str, answer: Answer, *, variable: str) -> ConnectorError:
    code = answer.error or "unknown_error"
    hint = _HINTS.get(code)
    detail = f"slack: {method} failed: {code}" + (f" ({hint})" if hint else "")
    if code in _AUTH_ERRORS:
        return AuthError(
            f"slack rejected the token in {variable} ({code} on {method}); "
            f"check that {variable} holds a current token for this workspace",
            system=SYSTEM,
        )
    if code == "missing_scope":
        return PermissionDeniedError(
            f"slack: the token in {variable} lacks the {answer.needed or 'another scope'} scope that {method} "
            f"needs (it has: {answer.provided or 'none'}); add the scope to the Slack app and reinstall it",
            system=SYSTEM,
        )
    if code in _PERMISSION_ERRORS:
        return PermissionDeniedError(detail, system=SYSTEM)
    if code in _NOT_FOUND_ERRORS:
        return NotFoundError(detail, system=SYSTEM)
    if code in _INVALID_ERRORS:
        return InvalidQueryError(detail, system=SYSTEM)
    if code in _GONE_ERRORS:
        return EndpointGoneError(
            f"slack no longer offers {method} ({code}); this connector needs an update", system=SYSTEM
        )
    if code in _RATE_LIMIT_ERRORS:
        return RateLimitedError(f"slack is rate limiting {method}", system=SYSTEM, retry_after=1.0)
    return UpstreamError(detail, system=SYSTEM, status=None)


class SlackPolicy(VendorPolicy):
    """Bearer auth with one token; Slack's ``ok: false`` bodies classified into the error tree.

    Args:
        token: the bot or user token.
        variable: the variable it came from, named when Slack rejects it.
    """

    system = SYSTEM

    def __init__(self, token: str, *, variable: str) -> None:
        self._token = token
        self.credentials_hint = variable

    def __repr__(self) -> str:
        return f"SlackPolicy(variable={self.credentials_hint!r})"

    def auth_headers(self) -> Mapping[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    def classify(self, response: httpx2.Response, body: Json | None) -> ConnectorError | None:
        status = response.status_code
        answer = _refusal(body)
        # 5xx stays with the generic rules so that it is retried; on other non-2xx answers only a
        # code we know is more precise than the status.
        if answer is None or status == 429 or status >= 500:
            return None
        if not 200 <= status < 300 and (answer.error or "unknown_error") not in _KNOWN_ERRORS:
            return None
        return _error_for(_method_of(response), answer, variable=self.credentials_hint)

    def error_detail(self, response: httpx2.Response, body: Json | None) -> str:
        answer = _refusal(body)
        if answer is not None:
            return answer.error or "unknown_error"
        return super().error_detail(response, body)


def _method_of(response: httpx2.Response) -> str:
    return response.request.url.path.rsplit("/", 1)[-1] or "request"


__all__ = ["SlackPolicy", "slack_error"]
