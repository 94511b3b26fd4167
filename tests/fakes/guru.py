"""A fake of Guru's REST API, seeded from a `Dataset`'s articles.

It serves what the Guru connector reads, at Guru's paths and in Guru's JSON (camelCase keys, ISO
timestamps with a ``+0000`` offset):

* ``GET /api/v1/search/query``: a JSON array of cards. ``searchTerms`` matches every word in a card's
  title, content or tags (no terms lists every card, last modified first); ``maxResults`` caps the
  whole query (at most 50) and so ends paging; otherwise pages of `page_size` cards, the next one
  named in a ``Link: <...?token=...>; rel="next-page"`` header, absent on the last page.
* ``GET /api/v1/cards/{id}/extended``: one card by id or by the first part of its slug.
* ``GET /api/v1/teams``: the team the credentials belong to.

Cards carry their collection, tags (kinds, ``area-<name>``, ``outdated``, labels) and verification
state; content is HTML as Guru's editor writes it, with a "Workaround" heading and section when the
article has one. Errors are ``{"description": ...}`` bodies.

Fault knobs (set them on the instance): `unauthorized`, `rate_limit` (requests per second, sliding
window on `clock`, 429 with ``Retry-After``), `rate_limit_next` (that many 429s without a delay),
`fail_next` (statuses, one per request: 5xx as an HTML proxy page, 4xx as Guru's error body),
`malformed_next` (``"html"`` or ``"shape"``). `calls` logs every request.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import math
import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from customer_escalation.connectors.records import Article, Dataset

from .calls import Call, SlidingWindow

BASE_URL = "https://api.getguru.com"
USER = "escalations@vendor.example"
TOKEN = "0f3c9a51-guru-fake-user-token"
SEARCH_PATH = "/api/v1/search/query"
MAX_RESULTS = 50
_TAGS = re.compile(r"<[^>]+>")
_NAMESPACE = uuid.UUID("5b0f2a36-1d7c-4a55-9f0e-4a7f4f1c2d11")


def guru_time(moment: datetime) -> str:
    """Guru's timestamp format: UTC with milliseconds and a ``+0000`` offset."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"


def _block(tag: str, text: str, css: str, key: str) -> str:
    block = uuid.uuid5(_NAMESPACE, f"{key}:{text}").hex[:8]
    return f'<{tag} class="ghq-card-content__{css}" data-block-id="{block}">{html.escape(text, quote=False)}</{tag}>'


def article_html(article: Article) -> str:
    """Card content for an article's body and workaround, in the HTML Guru's editor writes."""
    parts = [_block("p", p, "paragraph", article.id) for p in re.split(r"\n\s*\n", article.body.strip()) if p]
    if article.workaround:
        parts.append(_block("h2", "Workaround", "large-heading", article.id))
        parts.append(_block("p", article.workaround, "paragraph", article.id))
    return "".join(parts)


@dataclass
class StoredCard:
    id: str
    slug: str
    title: str
    content: str
    tags: list[str]
    collection_id: str
    updated: datetime
    verification_state: str = "TRUSTED"
    verification_reasons: list[str] = field(default_factory=list)

    def words(self) -> str:
        return " ".join([self.title, html.unescape(_TAGS.sub(" ", self.content)), *self.tags]).lower()


@dataclass
class GuruFake:
    """A stateful Guru team. Drive it through ``httpx2.ASGITransport(app=fake.app)``."""

    dataset: Dataset
    user: str = USER
    token: str = TOKEN
    base_url: str = BASE_URL
    page_size: int = MAX_RESULTS
    clock: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    unauthorized: bool = False
    rate_limit: int | None = None
    rate_limit_next: int = 0
    fail_next: list[int] = field(default_factory=list)
    malformed_next: list[str] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    rate_limited: int = 0
    """How many requests were answered 429."""

    def __post_init__(self) -> None:
        self.team_id = str(uuid.uuid5(_NAMESPACE, "team"))
        self.collections: dict[str, tuple[str, str]] = {}
        self.cards: dict[str, StoredCard] = {}
        self.default_collection = self.add_collection("Support Knowledge")
        self._limiter = SlidingWindow(self.clock)
        for article in self.dataset.articles:
            tags = [*article.labels]
            if article.kind != "how-to":
                tags.append(article.kind)
            if article.product_area:
                tags.append(f"area-{article.product_area}")
            if article.status == "outdated":
                tags.append("outdated")
            verification = "TRUSTED" if article.verified is not False else "NEEDS_VERIFICATION"
            self.add_card(
                title=article.title,
                content=article_html(article),
                tags=tags,
                updated=article.updated_at,
                verification_state=verification,
                key=article.id,
            )
        self.app = Starlette(
            routes=[
                Route(SEARCH_PATH, self._search, methods=["GET"]),
                Route("/api/v1/cards/{id}/extended", self._card, methods=["GET"]),
                Route("/api/v1/teams", self._teams, methods=["GET"]),
            ]
        )

    # -- seeding ----------------------------------------------------------------------------------

    def add_collection(self, name: str) -> str:
        """Create a collection; returns its id."""
        collection_id = str(uuid.uuid5(_NAMESPACE, f"collection:{name}"))
        self.collections[collection_id] = (name, re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"))
        return collection_id

    def add_card(
        self,
        *,
        title: str,
        content: str,
        tags: Sequence[str] = (),
        collection_id: str | None = None,
        updated: datetime | None = None,
        verification_state: str = "TRUSTED",
        verification_reasons: Sequence[str] = (),
        key: str | None = None,
    ) -> str:
        """Create a card from HTML content; returns its id."""
        card_id = str(uuid.uuid5(_NAMESPACE, f"card:{key or title}:{len(self.cards)}"))
        short = base64.b32encode(uuid.UUID(card_id).bytes[:5]).decode().rstrip("=")
        self.cards[card_id] = StoredCard(
            id=card_id,
            slug=f"{short[:8]}/{'-'.join(title.split())}",
            title=title,
            content=content,
            tags=list(tags),
            collection_id=collection_id or self.default_collection,
            updated=updated or self.now(),
            verification_state=verification_state,
            verification_reasons=list(verification_reasons),
        )
        return card_id

    def searches(self) -> list[Call]:
        return [c for c in self.calls if c.path == SEARCH_PATH]

    # -- plumbing ---------------------------------------------------------------------------------

    @staticmethod
    def error(status: int, description: str) -> JSONResponse:
        return JSONResponse({"description": description}, status)

    def _admit(self, request: Request) -> Response | None:
        self.calls.append(Call.of(request))
        basic = base64.b64encode(f"{self.user}:{self.token}".encode()).decode()
        if self.unauthorized or request.headers.get("authorization") != f"Basic {basic}":
            return self.error(401, "Authentication is required to access this resource")
        if self.rate_limit_next:
            self.rate_limit_next -= 1
            self.rate_limited += 1
            return self.error(429, "Too many requests")
        wait = None if self.rate_limit is None else self._limiter.admit(self.rate_limit)
        if wait is not None:
            self.rate_limited += 1
            return JSONResponse(
                {"description": "Too many requests"},
                429,
                headers={"Retry-After": str(math.ceil(max(wait, 0.001)))},
            )
        if self.fail_next:
            status = self.fail_next.pop(0)
            if status >= 500:
                page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
                return Response(page, status, media_type="text/html")
            return self.error(status, "The request could not be completed")
        if self.malformed_next:
            if self.malformed_next.pop(0) == "html":
                return Response(
                    "<html><body>Guru is down for maintenance</body></html>", 200, media_type="text/html"
                )
            return JSONResponse({"results": "not what you asked for"})
        return None

    def _shape(self, card: StoredCard) -> dict[str, Any]:
        name, slug = self.collections[card.collection_id]
        person = {
            "status": "ACTIVE",
            "email": "kb-owner@vendor.example",
            "firstName": "Rosa",
            "lastName": "Ilves",
        }
        verified = card.updated - timedelta(days=3)
        return {
            "id": card.id,
            "slug": card.slug,
            "preferredPhrase": card.title,
            "content": card.content,
            "collection": {
                "id": card.collection_id,
                "name": name,
                "slug": slug,
                "color": "#2d7ff9",
                "collectionType": "INTERNAL",
                "publicCardsEnabled": False,
            },
            "owner": person,
            "lastModifiedBy": person,
            "lastModified": guru_time(card.updated),
            "dateCreated": guru_time(card.updated - timedelta(days=40)),
            "lastVerified": guru_time(verified),
            "lastVerifiedBy": person,
            "nextVerificationDate": guru_time(verified + timedelta(days=90)),
            "verificationInterval": 90,
            "verificationState": card.verification_state,
            "verificationReasons": card.verification_reasons,
            "verifiers": [{"type": "user", "user": person, "id": "kb-owner@vendor.example"}],
            "tags": [
                {
                    "id": str(uuid.uuid5(_NAMESPACE, f"tag:{tag}")),
                    "value": tag,
                    "categoryId": str(uuid.uuid5(_NAMESPACE, "tag-category")),
                    "categoryName": "Support",
                }
                for tag in card.tags
            ],
            "boards": [],
            "shareStatus": "TEAM",
            "cardType": "CARD",
            "version": 3,
        }

    # -- endpoints --------------------------------------------------------------------------------

    async def _teams(self, request: Request) -> Response:
        if (refused := self._admit(request)) is not None:
            return refused
        team = {
            "status": "ACTIVE",
            "id": self.team_id,
            "dateCreated": "2023-04-03T09:00:00.000+0000",
            "name": "Vendor Support",
        }
        return JSONResponse([team])

    async def _card(self, request: Request) -> Response:
        if (refused := self._admit(request)) is not None:
            return refused
        wanted = request.path_params["id"]
        card = self.cards.get(wanted) or next(
            (c for c in self.cards.values() if c.slug.split("/")[0] == wanted), None
        )
        if card is None:
            return self.error(404, f"Card {wanted} not found")
        return JSONResponse(self._shape(card))

    async def _search(self, request: Request) -> Response:
        if (refused := self._admit(request)) is not None:
            return refused
        params = dict(request.query_params)
        offset = 0
        if "token" in params:
            try:
                state = json.loads(base64.urlsafe_b64decode(params["token"].encode()))
                terms, offset = str(state["t"]), int(state["o"])
            except (ValueError, KeyError, TypeError, binascii.Error):
                return self.error(400, "Invalid paging token")
        else:
            terms = params.get("searchTerms", "")
        matching = self._matching(terms)
        if "maxResults" in params and "token" not in params:
            try:
                cap = int(params["maxResults"])
            except ValueError:
                return self.error(400, "maxResults must be a number")
            return JSONResponse([self._shape(c) for c in matching[: min(cap, MAX_RESULTS)]])
        window = matching[offset : offset + self.page_size]
        headers = {}
        if offset + len(window) < len(matching):
            token = base64.urlsafe_b64encode(
                json.dumps({"t": terms, "o": offset + len(window)}).encode()
            ).decode()
            headers["Link"] = f'<{self.base_url}{SEARCH_PATH}?{urlencode({"token": token})}>; rel="next-page"'
        return JSONResponse([self._shape(c) for c in window], headers=headers)

    def _matching(self, terms: str) -> list[StoredCard]:
        words = terms.lower().split()
        found = [c for c in self.cards.values() if all(w in c.words() for w in words)]
        found.sort(key=lambda c: c.updated, reverse=True)
        if words:
            found.sort(key=lambda c: not all(w in c.title.lower() for w in words))
        return found


__all__ = ["BASE_URL", "SEARCH_PATH", "TOKEN", "USER", "GuruFake", "article_html", "guru_time"]
