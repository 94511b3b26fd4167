"""Help Center routes of the fake Zendesk: list, show and search articles."""

from __future__ import annotations

import html
import math
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .search import WORD
from .wire import NOT_FOUND, SEARCH_CAP


class HelpCenterRoutes:
    """Article endpoints over the account's `articles`."""

    articles: dict[int, dict[str, Any]]

    async def _list_articles(self, request: Request, body: Any) -> Response:
        locale = request.path_params.get("locale", "en-us")
        if locale not in {a["locale"] for a in self.articles.values()} | {"en-us"}:
            return JSONResponse(NOT_FOUND, 404)
        per_page = min(int(request.query_params.get("per_page", "30")), 100)
        listed = sorted(self.articles.values(), key=lambda a: a["position"])[:per_page]
        return JSONResponse(
            {
                "articles": listed,
                "count": len(self.articles),
                "next_page": None,
                "previous_page": None,
                "page": 1,
                "per_page": per_page,
                "page_count": 1,
                "sort_by": "position",
                "sort_order": "asc",
            }
        )

    async def _show_article(self, request: Request, body: Any) -> Response:
        article = self.articles.get(request.path_params["article_id"])
        locale = request.path_params.get("locale", "en-us")
        if article is None or locale != article["locale"]:
            return JSONResponse(NOT_FOUND, 404)
        return JSONResponse({"article": article})

    async def _search_articles(self, request: Request, body: Any) -> Response:
        params = request.query_params
        query = params.get("query", "")
        labels = {label for label in params.get("label_names", "").split(",") if label}
        if not query and not labels and not params.get("category") and not params.get("section"):
            return JSONResponse(
                {
                    "error": "InvalidSearch",
                    "description": "At least one of query, category, section or label_names is required",
                },
                400,
            )
        page = int(params.get("page", "1"))
        per_page = min(int(params.get("per_page", "25")), 100)
        if page * per_page > SEARCH_CAP:
            return JSONResponse(
                {
                    "error": "invalid",
                    "description": "Requested response size was greater than Search Response Limits",
                },
                422,
            )
        locale = params.get("locale", "en-us")
        words = [w.lower() for w in WORD.findall(query)]
        found: list[tuple[int, dict[str, Any]]] = []
        for article in self.articles.values():
            if locale not in {"*", article["locale"]}:
                continue
            if labels and not labels & set(article["label_names"]):
                continue
            tokens = [w.lower() for w in WORD.findall(article["title"] + " " + _strip_tags(article["body"]))]
            hits = [tokens.count(word) for word in words]
            if all(hits):
                found.append((sum(hits), article))
        found.sort(key=lambda pair: (-pair[0], pair[1]["id"]))
        window = found[(page - 1) * per_page : page * per_page]
        results = [
            {**article, "result_type": "article", "snippet": _snippet(article, words)}
            for _, article in window
        ]
        return JSONResponse(
            {
                "results": results,
                "count": len(found),
                "next_page": str(request.url.include_query_params(page=page + 1))
                if page * per_page < len(found)
                else None,
                "previous_page": str(request.url.include_query_params(page=page - 1)) if page > 1 else None,
                "page": page,
                "per_page": per_page,
                "page_count": max(1, math.ceil(len(found) / per_page)),
            }
        )


def _strip_tags(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def _snippet(article: dict[str, Any], words: list[str]) -> str:
    text = html.escape(_strip_tags(article["body"]).strip()[:160])
    for word in words:
        text = re.sub(rf"(?i)\b({re.escape(word)})\b", r"<em>\1</em>", text)
    return text
