"""Zendesk: Zendesk Support as the support platform and Zendesk Help Center as the knowledge base.

Support reads tickets through the Search API (`GET /api/v2/search.json`, offset pages, at most 1,000
results per query), shows one ticket with its side-loads (`include=users,organizations,slas,
metric_events`) and walks its comments with cursor pagination. The internal note is a ticket update
with a private comment; it carries a marker derived from the idempotency key, and the ticket's comments
are checked for that marker before writing, so a retried or repeated write (even from a restarted
process) adds nothing. Help Center searches and shows articles in one locale.

Variables (read through `Settings`): ``ZENDESK_SUBDOMAIN`` or ``ZENDESK_BASE_URL``; ``ZENDESK_EMAIL``
with ``ZENDESK_API_TOKEN`` (Basic ``{email}/token:{token}``), or ``ZENDESK_OAUTH_TOKEN`` (Bearer);
optional ``ZENDESK_HC_LOCALE`` (default ``en-us``).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import httpx2

from ._http import HttpApi, Json, VendorPolicy, check_base_url, collect_pages
from ._zendesk_map import (
    KIND_LABELS,
    Directory,
    article_kind,
    comment_text,
    ident,
    items,
    obj,
    opt_text,
    parse_time,
    reading,
    sla_targets,
    solved_time,
    to_article,
    to_comment,
    to_ticket,
)
from ._zendesk_query import ticket_query
from ._zendesk_text import clean_text
from .base import MAX_PAGE_SIZE, Category, WriteReceipt
from .cursor import clamp_limit, decode_cursor, encode_cursor, query_fingerprint
from .errors import (
    AuthError,
    ConfigError,
    ConnectorError,
    InvalidQueryError,
    NotFoundError,
    PermissionDeniedError,
    UpstreamError,
    WriteRefusedError,
)
from .records import Article, ArticleKind, Comment, Page, Ref, Ticket, TicketStatus
from .settings import Settings

SYSTEM = "zendesk"
SEARCH_RESULT_CAP = 1_000
"""Zendesk returns at most the first 1,000 results of a search; asking past them is a 422."""
MAX_COMMENT_PAGES = 50
"""With 100 comments a page this covers Zendesk's own limit of 5,000 comments per ticket."""
DEFAULT_HC_LOCALE = "en-us"
NOTE_MARKER_PREFIX = "customer-escalation:"

_SUBDOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_LOCALE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,4})?$")
_SEARCH_LIMIT_HINT = "Search Response Limits"


class ZendeskPolicy(VendorPolicy):
    """Zendesk's auth and error conventions; `Retry-After` (whole seconds) signals a rate limit."""

    system = SYSTEM

    def __init__(
        self, *, email: str | None = None, api_token: str | None = None, oauth_token: str | None = None
    ) -> None:
        if oauth_token:
            self._authorization = f"Bearer {oauth_token}"
            self.credentials_hint = "ZENDESK_OAUTH_TOKEN"
        elif email and api_token:
            # People often paste the "/token" suffix into the email; it is added here.
            user = email.removesuffix("/token")
            encoded = base64.b64encode(f"{user}/token:{api_token}".encode()).decode()
            self._authorization = f"Basic {encoded}"
            self.credentials_hint = "ZENDESK_EMAIL and ZENDESK_API_TOKEN"
        else:
            raise ConfigError("Zendesk needs ZENDESK_EMAIL with ZENDESK_API_TOKEN, or ZENDESK_OAUTH_TOKEN")

    def __repr__(self) -> str:
        return f"ZendeskPolicy(credentials={self.credentials_hint!r})"

    def auth_headers(self) -> Mapping[str, str]:
        return {"Authorization": self._authorization}

    def classify(self, response: httpx2.Response, body: Json | None) -> ConnectorError | None:
        if response.status_code == 422 and isinstance(body, dict):
            description = body.get("description")
            if isinstance(description, str) and _SEARCH_LIMIT_HINT in description:
                return InvalidQueryError(
                    "zendesk returns only the first 1,000 results of a search; narrow it with since, "
                    "status or organization_id instead of paging further",
                    system=SYSTEM,
                )
        return None

    def error_detail(self, response: httpx2.Response, body: Json | None) -> str:
        detail = super().error_detail(response, body)
        details = body.get("details") if isinstance(body, dict) else None
        if isinstance(details, dict):
            reasons = [
                str(problem["description"])
                for problems in details.values()
                if isinstance(problems, list)
                for problem in problems
                if isinstance(problem, dict) and problem.get("description")
            ]
            if reasons:
                detail = f"{detail}: {'; '.join(reasons)}"[:300]
        return detail


def note_marker(idempotency_key: str) -> str:
    """The line appended to an internal note so a repeated write with the same key can be recognised."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:20]
    return f"[{NOTE_MARKER_PREFIX}{digest}]"


def _numeric_id(value: str, what: str) -> str:
    candidate = str(value).strip()
    if not candidate.isdigit():
        raise NotFoundError(f"no {what} {value!r} in Zendesk; Zendesk ids are numbers", system=SYSTEM)
    return candidate


def _page_position(cursor: str | None, fingerprint: str, per_page: int) -> tuple[int, int]:
    if not cursor:
        return 1, per_page
    position = decode_cursor(cursor, fingerprint, system=SYSTEM)
    if (
        isinstance(position, list)
        and len(position) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) for n in position)
        and position[0] >= 1
        and 1 <= position[1] <= MAX_PAGE_SIZE
        and position[0] * position[1] <= SEARCH_RESULT_CAP
    ):
        return position[0], position[1]
    raise InvalidQueryError("cursor is not valid; omit it to start over", system=SYSTEM)


def _next_cursor(fingerprint: str, page: int, per_page: int, body: Mapping[str, Any]) -> str | None:
    count = body.get("count")
    more = body.get("next_page") is not None
    if isinstance(count, int) and not isinstance(count, bool):
        more = more and page * per_page < count
    if not more or (page + 1) * per_page > SEARCH_RESULT_CAP:
        return None
    return encode_cursor(fingerprint, [page + 1, per_page])


def _total(body: Mapping[str, Any]) -> int | None:
    count = body.get("count")
    return count if isinstance(count, int) and not isinstance(count, bool) and count >= 0 else None


class ZendeskSupportPlatform:
    """~~support platform on Zendesk Support.

    Args:
        api: the HTTP client with a `ZendeskPolicy`; its base URL is the account's
            (``https://{subdomain}.zendesk.com``).
        allow_writes: False refuses `add_internal_note` (read-only mode).
    """

    system = SYSTEM

    def __init__(self, api: HttpApi, *, allow_writes: bool = True) -> None:
        self._api = api
        self._allow_writes = allow_writes
        self._write_lock = asyncio.Lock()

    async def check(self) -> None:
        """Read the token's own user (`GET /api/v2/users/me.json`).

        Zendesk answers this endpoint even without valid credentials, with an anonymous user, so the
        answer is checked too.

        Raises:
            AuthError: the credentials were rejected or did not reach Zendesk.
            PermissionDeniedError: the user is an end user, who cannot search tickets.
            UpstreamError: Zendesk failed or answered something unreadable.
        """
        endpoint = "GET /api/v2/users/me.json"
        body = await self._api.get("/api/v2/users/me.json", endpoint=endpoint)
        with reading(endpoint):
            user = obj(obj(body, "body").get("user"), "user")
            user_id = user.get("id")
            role = opt_text(user.get("role"), "user.role")
        hint = self._api.policy.credentials_hint
        if user_id is None:
            raise AuthError(
                f"zendesk treated the request as anonymous; check {hint} and the account URL", system=SYSTEM
            )
        if role == "end-user":
            raise PermissionDeniedError(
                "zendesk: the credentials belong to an end user; use an agent's token", system=SYSTEM
            )

    async def aclose(self) -> None:
        await self._api.aclose()

    async def search_tickets(
        self,
        query: str = "",
        *,
        status: Sequence[TicketStatus] | None = None,
        since: datetime | None = None,
        organization_id: str | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page[Ticket]:
        """Tickets matching free text, best match first; an empty query lists by latest update.

        Results are compact: descriptions are shortened and comments and SLA metrics are left out
        (`get_ticket` has them). A cursor keeps the page size of the search that made it. Zendesk
        returns at most 1,000 results of one search; the last cursor stops there.

        Raises:
            InvalidQueryError: a bad limit, filter or cursor.
            ConnectorError: Zendesk refused or failed the search.
        """
        per_page = clamp_limit(limit, maximum=MAX_PAGE_SIZE, system=SYSTEM)
        search = ticket_query(query, status=status, since=since, organization_id=organization_id)
        fingerprint = query_fingerprint("zendesk-tickets", search)
        page, per_page = _page_position(cursor, fingerprint, per_page)
        params: dict[str, Any] = {
            "query": search,
            "page": page,
            "per_page": per_page,
            "include": "tickets(users,organizations)",
        }
        if not query.strip():
            params.update(sort_by="updated_at", sort_order="desc")
        endpoint = "GET /api/v2/search.json"
        body = await self._api.get("/api/v2/search.json", params=params, endpoint=endpoint)
        with reading(endpoint):
            envelope = obj(body, "body")
            directory = Directory()
            directory.add(envelope)
            tickets = tuple(
                to_ticket(result, directory, base_url=self._api.base_url, compact=True)
                for result in items(envelope.get("results"), "results")
                if obj(result, "result").get("result_type", "ticket") == "ticket"
            )
            return Page[Ticket](
                items=tickets,
                next_cursor=_next_cursor(fingerprint, page, per_page, envelope),
                total=_total(envelope),
            )

    async def get_ticket(self, ticket_id: str) -> Ticket:
        """One ticket with all its comments (oldest first) and its SLA metrics.

        Raises:
            NotFoundError: no such ticket (or not visible to this user).
            ConnectorError: Zendesk refused or failed a request.
        """
        number = _numeric_id(ticket_id, "ticket")
        endpoint = "GET /api/v2/tickets/{id}.json"
        body = await self._api.get(
            f"/api/v2/tickets/{number}.json",
            params={"include": "users,organizations,slas,metric_events"},
            endpoint=endpoint,
        )
        raw_comments, directory = await self._comments(number)
        with reading(endpoint):
            envelope = obj(body, "body")
            directory.add(envelope)
            raw = obj(envelope.get("ticket"), "ticket")
            updated = parse_time(raw.get("updated_at"), "ticket.updated_at")
            sla = sla_targets(raw, fallback_fulfilled=updated)
            solved_at = solved_time(raw)
            description = clean_text(opt_text(raw.get("description"), "ticket.description") or "")
        with reading("GET /api/v2/tickets/{id}/comments.json"):
            comments = [to_comment(c, directory) for c in raw_comments]
        with reading(endpoint):
            return to_ticket(
                raw,
                directory,
                base_url=self._api.base_url,
                comments=_without_opening(comments, description),
                sla=sla,
                solved_at=solved_at,
            )

    async def add_internal_note(self, ticket_id: str, body: str, *, idempotency_key: str) -> WriteReceipt:
        """Add a private comment (an internal note, never shown to the requester) to a ticket.

        The note ends with a marker line derived from `idempotency_key`; when a comment with that
        marker already exists, nothing is written and the receipt says `created=False`.

        Raises:
            WriteRefusedError: writes are turned off.
            NotFoundError: no such ticket.
            InvalidQueryError: an empty note or key, or Zendesk refused the update (a closed ticket).
            ConnectorError: Zendesk refused or failed a request.
        """
        if not self._allow_writes:
            raise WriteRefusedError(
                "writing to Zendesk tickets is turned off (read-only mode or "
                "CUSTOMER_ESCALATION_WRITE_TICKETS=false)",
                system=SYSTEM,
            )
        number = _numeric_id(ticket_id, "ticket")
        key = idempotency_key.strip()
        text = clean_text(body)
        if not key:
            raise InvalidQueryError("idempotency_key must not be empty", system=SYSTEM)
        if not text:
            raise InvalidQueryError("the note is empty", system=SYSTEM)
        marker = note_marker(key)
        async with self._write_lock:
            existing = await self._find_marked(number, marker)
            if existing is not None:
                return WriteReceipt(ref=self._note_ref(number, existing), created=False)
            payload = {"ticket": {"comment": {"body": f"{text}\n\n{marker}", "public": False}}}
            endpoint = "PUT /api/v2/tickets/{id}.json"
            try:
                answer = await self._api.request(
                    "PUT",
                    f"/api/v2/tickets/{number}.json",
                    json_body=payload,
                    endpoint=endpoint,
                    idempotent=False,
                )
            except UpstreamError:
                # The update may have been stored before the failure; report it as written if so.
                landed = await self._find_marked(number, marker)
                if landed is None:
                    raise
                return WriteReceipt(ref=self._note_ref(number, landed), created=True)
            with reading(endpoint):
                comment_id = _audit_comment_id(answer)
            if comment_id is None:
                comment_id = await self._find_marked(number, marker)
            if comment_id is None:
                raise UpstreamError(
                    f"zendesk accepted the note on ticket {number} but it cannot be found", system=SYSTEM
                )
            return WriteReceipt(ref=self._note_ref(number, comment_id), created=True)

    def _note_ref(self, ticket_id: str, comment_id: str) -> Ref:
        return Ref(system=SYSTEM, id=comment_id, url=f"{self._api.base_url}/agent/tickets/{ticket_id}")

    async def _comments(self, ticket_id: str) -> tuple[list[Any], Directory]:
        directory = Directory()
        endpoint = "GET /api/v2/tickets/{id}/comments.json"

        async def fetch(after: Any) -> tuple[list[Any], Any]:
            params: dict[str, Any] = {"page[size]": 100, "include": "users", "page[after]": after}
            body = await self._api.get(
                f"/api/v2/tickets/{ticket_id}/comments.json", params=params, endpoint=endpoint
            )
            with reading(endpoint):
                envelope = obj(body, "body")
                directory.add(envelope)
                page = items(envelope.get("comments"), "comments")
                meta = obj(envelope.get("meta") or {}, "meta")
                after_cursor = meta.get("after_cursor")
                more = meta.get("has_more") is True and isinstance(after_cursor, str) and after_cursor
                return page, after_cursor if more else None

        found, _ = await collect_pages(fetch, max_items=100 * MAX_COMMENT_PAGES, max_pages=MAX_COMMENT_PAGES)
        return found, directory

    async def _find_marked(self, ticket_id: str, marker: str) -> str | None:
        raw_comments, _ = await self._comments(ticket_id)
        with reading("GET /api/v2/tickets/{id}/comments.json"):
            for raw in raw_comments:
                comment = obj(raw, "comment")
                if marker in comment_text(comment) or marker in str(comment.get("body") or ""):
                    return ident(comment.get("id"), "comment.id")
        return None


def _without_opening(comments: list[Comment], description: str) -> tuple[Comment, ...]:
    """Comments without the opening one when it repeats the description (Zendesk stores both)."""
    if comments and description and _same_text(comments[0].body, description):
        return tuple(comments[1:])
    return tuple(comments)


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _audit_comment_id(answer: Json) -> str | None:
    audit = obj(answer, "body").get("audit")
    if not isinstance(audit, dict):
        return None
    for raw in items(audit.get("events") or [], "audit.events"):
        event = obj(raw, "audit event")
        if event.get("type") == "Comment":
            return ident(event.get("id"), "audit event id")
    return None


class ZendeskHelpCenter:
    """~~knowledge base on Zendesk Help Center (Guide) articles in one locale.

    Conventions: an article's kind comes from a label (`known-issue`, `how-to`, `troubleshooting`,
    `reference`; `how-to` when none), its product area from a label `area:<name>`, and the section
    under a heading that says "Workaround" becomes its `workaround`.

    Args:
        api: the HTTP client with a `ZendeskPolicy`.
        locale: the Help Center locale to search and show, e.g. ``en-us``.
    """

    system = SYSTEM

    def __init__(self, api: HttpApi, *, locale: str = DEFAULT_HC_LOCALE) -> None:
        self._api = api
        self._locale = locale

    async def check(self) -> None:
        """List one article of the locale.

        Raises:
            AuthError, PermissionDeniedError: the credentials were refused.
            UpstreamError: Zendesk failed, or the Help Center or locale does not exist.
        """
        path = f"/api/v2/help_center/{self._locale}/articles.json"
        try:
            await self._api.get(path, params={"per_page": 1}, endpoint=f"GET {path}")
        except NotFoundError as exc:
            raise UpstreamError(
                f"zendesk: no Help Center articles in locale {self._locale!r}; check that Help Center "
                "is enabled and ZENDESK_HC_LOCALE",
                system=SYSTEM,
            ) from exc

    async def aclose(self) -> None:
        await self._api.aclose()

    async def search_articles(
        self, query: str, *, kind: ArticleKind | None = None, limit: int = 10, cursor: str | None = None
    ) -> Page[Article]:
        """Articles matching free text, best match first; bodies are shortened (`get_article` has all).

        Raises:
            InvalidQueryError: a bad limit or cursor, or neither words nor a kind to search for.
            ConnectorError: Zendesk refused or failed the search.
        """
        per_page = clamp_limit(limit, maximum=MAX_PAGE_SIZE, system=SYSTEM)
        words = " ".join(clean_text(query).split())
        if kind is not None and kind not in KIND_LABELS:
            raise InvalidQueryError(f"unknown article kind {kind!r}", system=SYSTEM)
        if not words and kind is None:
            raise InvalidQueryError("give some words (or a kind) to search articles for", system=SYSTEM)
        fingerprint = query_fingerprint("zendesk-articles", self._locale, words, kind)
        page, per_page = _page_position(cursor, fingerprint, per_page)
        params: dict[str, Any] = {
            "query": words or None,
            "locale": self._locale,
            "label_names": KIND_LABELS[kind] if kind is not None else None,
            "page": page,
            "per_page": per_page,
        }
        endpoint = "GET /api/v2/help_center/articles/search.json"
        body = await self._api.get(
            "/api/v2/help_center/articles/search.json", params=params, endpoint=endpoint
        )
        with reading(endpoint):
            envelope = obj(body, "body")
            found: list[Article] = []
            for result in items(envelope.get("results"), "results"):
                raw = obj(result, "result")
                # Label filtering is a plan feature; on plans without it the label is ignored, so the
                # kind is checked here as well.
                if kind is not None and article_kind(_labels(raw)) != kind:
                    continue
                found.append(to_article(raw, compact=True))
            return Page[Article](
                items=tuple(found),
                next_cursor=_next_cursor(fingerprint, page, per_page, envelope),
                total=_total(envelope) if kind is None else None,
            )

    async def get_article(self, article_id: str) -> Article:
        """One article with its whole body.

        Raises:
            NotFoundError: no such article in this locale.
            ConnectorError: Zendesk refused or failed the request.
        """
        number = _numeric_id(article_id, "article")
        path = f"/api/v2/help_center/{self._locale}/articles/{number}.json"
        endpoint = f"GET /api/v2/help_center/{self._locale}/articles/{{id}}.json"
        body = await self._api.get(path, endpoint=endpoint)
        with reading(endpoint):
            return to_article(obj(body, "body").get("article"))


def _labels(raw: Mapping[str, Any]) -> list[str]:
    return [label for label in raw.get("label_names") or [] if isinstance(label, str)]


def base_url_from(settings: Settings) -> str:
    """The account's API root from ``ZENDESK_BASE_URL`` or ``ZENDESK_SUBDOMAIN``.

    Raises:
        ConfigError: neither is set, or the value is not usable.
    """
    explicit = settings.value("ZENDESK_BASE_URL")
    if explicit:
        return check_base_url(explicit, variable="ZENDESK_BASE_URL")
    subdomain = (
        settings.require("ZENDESK_SUBDOMAIN", purpose="the Zendesk connector (or set ZENDESK_BASE_URL)")
        .strip()
        .lower()
    )
    if not _SUBDOMAIN.match(subdomain):
        raise ConfigError(
            f"ZENDESK_SUBDOMAIN={subdomain!r} is not a subdomain; for https://acme.zendesk.com write acme"
        )
    return f"https://{subdomain}.zendesk.com"


def policy_from(settings: Settings) -> ZendeskPolicy:
    """The credentials: ``ZENDESK_OAUTH_TOKEN``, else ``ZENDESK_EMAIL`` with ``ZENDESK_API_TOKEN``.

    Raises:
        ConfigError: naming the variable that is missing.
    """
    oauth = settings.value("ZENDESK_OAUTH_TOKEN")
    if oauth:
        return ZendeskPolicy(oauth_token=oauth)
    purpose = "the Zendesk connector (or set ZENDESK_OAUTH_TOKEN)"
    email = settings.require("ZENDESK_EMAIL", purpose=purpose)
    token = settings.require("ZENDESK_API_TOKEN", purpose=purpose)
    return ZendeskPolicy(email=email, api_token=token)


def from_settings(
    settings: Settings, category: Category, *, client: httpx2.AsyncClient | None = None
) -> ZendeskSupportPlatform | ZendeskHelpCenter:
    """The Zendesk connector for `category`: `support` or `kb`.

    Raises:
        ConfigError: a variable is missing or invalid, or Zendesk cannot serve `category`.
    """
    if category not in {"support", "kb"}:
        raise ConfigError(f"zendesk can serve the support and kb categories, not {category!r}")
    base_url = base_url_from(settings)
    policy = policy_from(settings)
    locale = (settings.value("ZENDESK_HC_LOCALE") or DEFAULT_HC_LOCALE).strip().lower()
    if not _LOCALE.match(locale):
        raise ConfigError(f"ZENDESK_HC_LOCALE={locale!r} is not a locale such as en-us or de")
    api = HttpApi(policy, base_url=base_url, client=client)
    if category == "kb":
        return ZendeskHelpCenter(api, locale=locale)
    return ZendeskSupportPlatform(api, allow_writes=settings.write_tickets and not settings.read_only)


__all__ = [
    "DEFAULT_HC_LOCALE",
    "SEARCH_RESULT_CAP",
    "ZendeskHelpCenter",
    "ZendeskPolicy",
    "ZendeskSupportPlatform",
    "base_url_from",
    "from_settings",
    "note_marker",
    "policy_from",
]
