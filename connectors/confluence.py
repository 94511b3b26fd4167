"""Confluence Cloud as the knowledge base (`CUSTOMER_ESCALATION_KB=confluence`).

Search uses the v1 CQL endpoint ``GET /wiki/rest/api/search`` because the v2 API has no search at
all; it pages with the ``cursor`` found in ``_links.next`` and expands each page's storage body and
labels, so kind and workaround are right in search results without one request per hit. A single
page is read with v2 ``GET /wiki/api/v2/pages/{id}``: the v1 content endpoints are deprecated and
already answer 410 on the OAuth gateway.

Pages become `Article` records: the storage-format (XHTML) body is rendered as readable text, the
kind comes from a label (``known-issue``, ``troubleshooting``, ``reference``, ``how-to``; no label
means how-to), ``area-<name>`` labels give the product area, an ``outdated`` label (or an archived
page) marks the article outdated, and the section under a heading "Workaround" is the workaround.
``CONFLUENCE_SPACES`` is ANDed into every CQL query and checked on every page read.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, TypeGuard
from urllib.parse import parse_qs, quote, urlsplit

import httpx2

from ._atlassian import (
    AtlassianPolicy,
    as_dict,
    as_list,
    auth_from_settings,
    clean_text,
    has_words,
    opt_str,
    parse_time,
    quote_literal,
    reading,
    text_literal,
    truncate,
)
from ._http import HttpApi, check_base_url, collect_pages
from .base import MAX_PAGE_SIZE, Category
from .cursor import clamp_limit, decode_cursor, encode_cursor, query_fingerprint
from .errors import ConfigError, InvalidQueryError, NotFoundError
from .records import Article, ArticleKind, Page, Ref
from .settings import Settings, split_list

SYSTEM = "confluence"
SEARCH_PATH = "/rest/api/search"
PAGE_PATH = "/api/v2/pages"
SPACES_PATH = "/api/v2/spaces"
SEARCH_EXPAND = "content.body.storage,content.metadata.labels,content.version"
REQUEST_LIMIT = 50
"""Confluence caps search pages with expanded bodies; larger limits are fetched in several requests."""

KIND_LABELS: tuple[ArticleKind, ...] = ("known-issue", "troubleshooting", "reference", "how-to")
"""Labels that set an article's kind; when a page has several, the first in this order wins."""
AREA_LABEL = "area-"
OUTDATED_LABEL = "outdated"
SEARCH_BODY_CHARS = 600
ARTICLE_BODY_CHARS = 20_000
WORKAROUND_CHARS = 2_000

_HIGHLIGHT = re.compile(r"@@@(?:end)?hl@@@")
_WORKAROUND_HEADING = re.compile(r"^\s*workarounds?\s*:?\s*$", re.IGNORECASE)


class ConfluenceKnowledgeBase:
    """A `KnowledgeBase` over Confluence Cloud pages.

    Args:
        api: the HTTP client for the wiki root (``https://<site>.atlassian.net/wiki``).
        spaces: the read scope: space keys ANDed into every query and checked on every read (empty
            means every space the account can see).
    """

    system = SYSTEM

    def __init__(self, api: HttpApi, *, spaces: Sequence[str] = ()) -> None:
        self._api = api
        self._spaces = tuple(dict.fromkeys(s.strip() for s in spaces if s.strip()))
        self._space_ids: frozenset[str] | None = None

    async def check(self) -> None:
        """List one space: a cheap authenticated read.

        Raises:
            AuthError, PermissionDeniedError, UpstreamError: when the probe fails.
        """
        await self._api.get(SPACES_PATH, params={"limit": 1}, endpoint=f"GET /wiki{SPACES_PATH}")

    async def aclose(self) -> None:
        await self._api.aclose()

    async def search_articles(
        self, query: str, *, kind: ArticleKind | None = None, limit: int = 10, cursor: str | None = None
    ) -> Page[Article]:
        """Pages matching free text (title, body, labels), best match first.

        Raises:
            InvalidQueryError: a bad limit, kind or cursor, or CQL Confluence rejects.
            EndpointGoneError: Confluence removed the search endpoint.
            AuthError, PermissionDeniedError, RateLimitedError, UpstreamError: the request failed.
        """
        limit = clamp_limit(limit, maximum=MAX_PAGE_SIZE, system=SYSTEM)
        if kind is not None and kind not in KIND_LABELS:
            raise InvalidQueryError(f"unknown article kind {kind!r}", system=SYSTEM)
        fingerprint = query_fingerprint(SYSTEM, query, kind, self._spaces)
        start: str | None = None
        if cursor:
            start = decode_cursor(cursor, fingerprint, system=SYSTEM)
            if not isinstance(start, str) or not start:
                raise InvalidQueryError("cursor is not valid; omit it to start over", system=SYSTEM)
        cql = self._cql(query, kind)
        endpoint = f"GET /wiki{SEARCH_PATH}"
        received = 0
        total: int | None = None

        async def fetch(token: str | None) -> tuple[list[Article], str | None]:
            nonlocal received, total
            params = {
                "cql": cql,
                "limit": min(limit - received, REQUEST_LIMIT),
                "cursor": token,
                "expand": SEARCH_EXPAND,
            }
            body = await self._api.get(SEARCH_PATH, params=params, endpoint=endpoint)
            with reading(SYSTEM, endpoint):
                data = as_dict(body, "search result")
                results = as_list(data["results"], "results")
                base = _links_base(data)
                articles = [a for r in results if (a := self._from_search(as_dict(r, "result"), base))]
                following = _next_cursor(data)
                size = data.get("totalSize")
                total = size if isinstance(size, int) and size >= 0 else None
            received += len(articles)
            return articles, following

        articles, token = await collect_pages(fetch, max_items=limit, first=start)
        return Page(
            items=tuple(articles),
            next_cursor=encode_cursor(fingerprint, token) if token else None,
            total=total,
        )

    async def get_article(self, article_id: str) -> Article:
        """One page with its whole body.

        Raises:
            NotFoundError: no such page, or it lies outside ``CONFLUENCE_SPACES``.
            AuthError, PermissionDeniedError, RateLimitedError, UpstreamError: the request failed.
        """
        page_id = article_id.strip()
        if not page_id.isdigit():
            raise NotFoundError(f"{article_id!r} is not a Confluence page id (digits only)", system=SYSTEM)
        endpoint = f"GET /wiki{PAGE_PATH}/{{id}}"
        try:
            body = await self._api.get(
                f"{PAGE_PATH}/{quote(page_id)}",
                params={"body-format": "storage", "include-labels": "true"},
                endpoint=endpoint,
            )
        except NotFoundError as exc:
            raise NotFoundError(
                f"no Confluence page {page_id} (or the account cannot see it); search for it instead",
                system=SYSTEM,
            ) from exc
        with reading(SYSTEM, endpoint):
            page = as_dict(body, "page")
            space_id = str(page["spaceId"])
        if self._spaces and space_id not in await self._allowed_space_ids():
            raise NotFoundError(
                f"no Confluence page {page_id} in the spaces this connector may read", system=SYSTEM
            )
        with reading(SYSTEM, endpoint):
            return self._from_page(page)

    # -- queries ----------------------------------------------------------------------------------

    def _cql(self, query: str, kind: ArticleKind | None) -> str:
        clauses = []
        if self._spaces:
            clauses.append(f"space in ({', '.join(quote_literal(s) for s in self._spaces)})")
        clauses.append("type = page")
        text = has_words(query)
        if text:
            clauses.append(f"text ~ {text_literal(query)}")
        if kind is not None:
            clauses.append(_kind_clause(kind))
        return " AND ".join(clauses) + ("" if text else " ORDER BY lastmodified DESC")

    async def _allowed_space_ids(self) -> frozenset[str]:
        if self._space_ids is None:
            endpoint = f"GET /wiki{SPACES_PATH}"
            body = await self._api.get(
                SPACES_PATH, params={"keys": ",".join(self._spaces), "limit": 250}, endpoint=endpoint
            )
            with reading(SYSTEM, endpoint):
                spaces = as_list(as_dict(body, "spaces")["results"], "results")
                self._space_ids = frozenset(
                    str(space["id"]) for space in spaces if as_dict(space, "space").get("key") in self._spaces
                )
        return self._space_ids

    # -- mapping ----------------------------------------------------------------------------------

    def _url(self, base: str | None, webui: str | None) -> str | None:
        if not webui:
            return None
        if webui.startswith("https://"):
            return webui
        return f"{base or self._api.base_url}{webui}"

    def _from_search(self, result: dict[str, Any], base: str | None) -> Article | None:
        content = as_dict(result["content"], "content")
        if content.get("type") != "page":
            return None
        body = content.get("body")
        storage = as_dict(body, "body").get("storage") if body is not None else None
        labels = _labels(as_dict(content.get("metadata") or {}, "metadata").get("labels"))
        version = content.get("version")
        updated = result.get("lastModified") or (version.get("when") if isinstance(version, dict) else None)
        links = content.get("_links")
        webui = opt_str(links.get("webui")) if isinstance(links, dict) else opt_str(result.get("url"))
        title = opt_str(content.get("title")) or _HIGHLIGHT.sub("", str(result.get("title") or ""))
        return _article(
            page_id=str(content["id"]),
            title=title,
            storage=_storage_value(storage),
            labels=labels,
            archived=content.get("status") == "archived",
            updated=updated,
            url=self._url(base, webui),
            body_chars=SEARCH_BODY_CHARS,
        )

    def _from_page(self, page: dict[str, Any]) -> Article:
        links = page.get("_links")
        links = links if isinstance(links, dict) else {}
        body = as_dict(page.get("body") or {}, "body")
        return _article(
            page_id=str(page["id"]),
            title=str(page.get("title") or ""),
            storage=_storage_value(body.get("storage")),
            labels=_labels(page.get("labels")),
            archived=page.get("status") == "archived",
            updated=as_dict(page["version"], "version")["createdAt"],
            url=self._url(opt_str(links.get("base")), opt_str(links.get("webui"))),
            body_chars=ARTICLE_BODY_CHARS,
        )


def _article(
    *,
    page_id: str,
    title: str,
    storage: str,
    labels: list[str],
    archived: bool,
    updated: object,
    url: str | None,
    body_chars: int,
) -> Article:
    document = parse_storage(storage)
    workaround = workaround_section(document)
    area = next((label[len(AREA_LABEL) :] for label in labels if label.startswith(AREA_LABEL)), None)
    return Article(
        ref=Ref(system=SYSTEM, id=page_id, url=url),
        id=page_id,
        title=clean_text(title),
        body=truncate(storage_text(document), body_chars),
        kind=next((kind for kind in KIND_LABELS if kind in labels), "how-to"),
        workaround=truncate(workaround, WORKAROUND_CHARS) if workaround else None,
        product_area=area or None,
        labels=tuple(
            label
            for label in labels
            if label not in KIND_LABELS and label != OUTDATED_LABEL and not label.startswith(AREA_LABEL)
        ),
        status="outdated" if archived or OUTDATED_LABEL in labels else "current",
        updated_at=parse_time(updated),
    )


def _kind_clause(kind: ArticleKind) -> str:
    earlier = KIND_LABELS[: KIND_LABELS.index(kind)]
    excluded = f"label not in ({', '.join(quote_literal(k) for k in earlier)})" if earlier else ""
    if kind == "how-to":
        return excluded
    own = f"label = {quote_literal(kind)}"
    return f"{own} AND {excluded}" if excluded else own


def _labels(value: object) -> list[str]:
    if value is None:
        return []
    results = as_list(as_dict(value, "labels").get("results") or [], "label results")
    return [name.lower() for label in results if (name := opt_str(as_dict(label, "label").get("name")))]


def _storage_value(storage: object) -> str:
    if storage is None:
        return ""
    value = as_dict(storage, "storage").get("value")
    return value if isinstance(value, str) else ""


def _links_base(data: dict[str, Any]) -> str | None:
    links = data.get("_links")
    base = opt_str(links.get("base")) if isinstance(links, dict) else None
    return base if base and base.startswith("https://") else None


def _next_cursor(data: dict[str, Any]) -> str | None:
    links = data.get("_links")
    following = opt_str(links.get("next")) if isinstance(links, dict) else None
    if following is None:
        return None
    cursors = parse_qs(urlsplit(following).query).get("cursor")
    if not cursors:
        raise ValueError("_links.next carries no cursor")
    return cursors[0]


# ---------------------------------------------------------------------------------------------------
# Storage format (Confluence's XHTML) -> readable text


@dataclass
class Element:
    """One element of a storage-format document."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    def text(self) -> str:
        """All text below this element, as written (no whitespace folding)."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def first(self, tag: str) -> Element | None:
        """The first child element with `tag`."""
        return next((c for c in self.children if isinstance(c, Element) and c.tag == tag), None)

    def parameter(self, name: str) -> str | None:
        """The value of a macro's ``<ac:parameter ac:name=...>``."""
        for child in self.children:
            if (
                isinstance(child, Element)
                and child.tag == "ac:parameter"
                and child.attrs.get("ac:name") == name
            ):
                return child.text().strip() or None
        return None


_VOID = frozenset({"br", "hr", "img", "col", "wbr", "input", "meta", "link", "source", "area"})
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root")
        self._stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self._stack[-1].children.append(element)
        if tag not in _VOID:
            self._stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth].tag == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._stack[-1].children.append(data)


def parse_storage(storage: str) -> Element:
    """A tree of a storage-format (XHTML with ``ac:``/``ri:`` elements) document."""
    builder = _TreeBuilder()
    # CDATA (code macro bodies) is turned into escaped text so every parser version reads it alike.
    builder.feed(_CDATA.sub(lambda m: html.escape(m.group(1), quote=False), storage))
    builder.close()
    return builder.root


def storage_text(document: Element) -> str:
    """Readable text of a storage document: headings, lists, code, links, tables, panels kept legible."""
    return clean_text(_blocks(document.children))


def workaround_section(document: Element) -> str | None:
    """The text under the first heading that reads "Workaround" (up to the next heading of the same
    or a higher level), or None."""
    blocks = _flatten(document.children)
    for index, block in enumerate(blocks):
        level = _heading_level(block)
        if level and isinstance(block, Element) and _WORKAROUND_HEADING.match(_inline(block.children)):
            section: list[Element | str] = []
            for following in blocks[index + 1 :]:
                other = _heading_level(following)
                if other and other <= level:
                    break
                section.append(following)
            text = clean_text(_blocks(section))
            return text or None
    return None


_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_TRANSPARENT = frozenset(
    {"ac:layout", "ac:layout-section", "ac:layout-cell", "section", "article", "ac:rich-text-body", "#root"}
)
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "ul", "ol", "li", "pre", "blockquote", "table", "hr", "ac:task-list",
        "ac:layout", "ac:layout-section", "ac:layout-cell", "section", "article", "ac:rich-text-body",
        "ac:adf-extension", *_HEADINGS,
    }
)  # fmt: skip
_BLOCK_MACROS = frozenset(
    {"code", "noformat", "info", "note", "tip", "warning", "panel", "expand", "excerpt"}
)
_PANEL_LABELS = {"info": "Info", "note": "Note", "tip": "Tip", "warning": "Warning", "panel": "Note"}
_SKIPPED = frozenset(
    {"ac:parameter", "ac:placeholder", "script", "style", "ac:adf-fallback", "ac:adf-attribute"}
)


def _heading_level(node: Element | str) -> int:
    return _HEADINGS.get(node.tag, 0) if isinstance(node, Element) else 0


def _is_block(node: Element | str) -> TypeGuard[Element]:
    if isinstance(node, str):
        return False
    if node.tag == "ac:structured-macro":
        return node.attrs.get("ac:name") in _BLOCK_MACROS or node.first("ac:rich-text-body") is not None
    return node.tag in _BLOCK_TAGS


def _flatten(nodes: list[Element | str]) -> list[Element | str]:
    flat: list[Element | str] = []
    for node in nodes:
        if isinstance(node, Element) and (
            node.tag in _TRANSPARENT or (node.tag == "div" and any(_is_block(c) for c in node.children))
        ):
            flat.extend(_flatten(node.children))
        elif not (isinstance(node, str) and not node.strip()):
            flat.append(node)
    return flat


def _blocks(nodes: list[Element | str], separator: str = "\n\n") -> str:
    parts: list[str] = []
    run: list[Element | str] = []
    for node in nodes:
        if _is_block(node):
            if run:
                parts.append(_inline(run))
                run = []
            parts.append(_block(node))
        else:
            run.append(node)
    if run:
        parts.append(_inline(run))
    return separator.join(part for part in parts if part.strip())


def _block(node: Element) -> str:
    tag = node.tag
    if tag in _HEADINGS:
        return "#" * _HEADINGS[tag] + " " + _inline(node.children)
    if tag in {"ul", "ol"}:
        return _list(node)
    if tag == "ac:task-list":
        return _task_list(node)
    if tag == "pre":
        return f"```\n{node.text().strip(chr(10))}\n```"
    if tag == "blockquote":
        return "\n".join("> " + line if line else ">" for line in _blocks(node.children).split("\n"))
    if tag == "hr":
        return "---"
    if tag == "table":
        return _table(node)
    if tag == "ac:structured-macro":
        return _macro(node)
    if tag == "ac:adf-extension":
        content = _find(node, "ac:adf-content")
        return _blocks(content.children) if content else ""
    if not any(_is_block(c) for c in node.children):
        return _inline(node.children)
    return _blocks(node.children)


def _macro(node: Element) -> str:
    name = node.attrs.get("ac:name", "")
    if name in {"code", "noformat"}:
        body = node.first("ac:plain-text-body")
        language = node.parameter("language") or ""
        return f"```{language}\n{(body.text() if body else '').strip(chr(10))}\n```"
    rich = node.first("ac:rich-text-body")
    inner = _blocks(rich.children) if rich else ""
    title = node.parameter("title")
    if name in _PANEL_LABELS:
        label = _PANEL_LABELS[name]
        return f"{label}: {title}\n{inner}" if title else f"{label}: {inner}"
    return f"{title}\n{inner}" if title else inner


def _list(node: Element) -> str:
    ordered = node.tag == "ol"
    number = int(node.attrs["start"]) if node.attrs.get("start", "").isdigit() else 1
    lines: list[str] = []
    for item in node.children:
        if not isinstance(item, Element):
            continue
        if item.tag in {"ul", "ol"}:
            lines.append("\n".join("  " + line for line in _list(item).split("\n")))
            continue
        marker = f"{number}. " if ordered else "- "
        number += 1
        body = _blocks(item.children, "\n")
        lines.append(marker + body.replace("\n", "\n" + " " * len(marker)))
    return "\n".join(lines)


def _task_list(node: Element) -> str:
    lines = []
    for task in node.children:
        if isinstance(task, Element) and task.tag == "ac:task":
            status = task.first("ac:task-status")
            body = task.first("ac:task-body")
            done = status is not None and status.text().strip() == "complete"
            text = _blocks(body.children, "\n") if body else ""
            lines.append(("- [x] " if done else "- [ ] ") + text.replace("\n", "\n      "))
    return "\n".join(lines)


def _table(node: Element) -> str:
    rows: list[str] = []
    for row in _descendants(node, "tr"):
        cells = [c for c in row.children if isinstance(c, Element) and c.tag in {"th", "td"}]
        texts = [" ".join(_blocks(c.children, " ").split()) for c in cells]
        rows.append("| " + " | ".join(texts) + " |")
        if len(rows) == 1 and cells and all(c.tag == "th" for c in cells):
            rows.append("|" + "---|" * len(cells))
    return "\n".join(rows)


def _descendants(node: Element, tag: str) -> list[Element]:
    found: list[Element] = []
    for child in node.children:
        if isinstance(child, Element):
            if child.tag == tag:
                found.append(child)
            elif child.tag != "table":
                found.extend(_descendants(child, tag))
    return found


def _find(node: Element, tag: str) -> Element | None:
    for child in node.children:
        if isinstance(child, Element):
            if child.tag == tag:
                return child
            if (deeper := _find(child, tag)) is not None:
                return deeper
    return None


def _inline(nodes: list[Element | str]) -> str:
    text = "".join(_inline_node(node) for node in nodes)
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def _inline_node(node: Element | str) -> str:
    if isinstance(node, str):
        return re.sub(r"\s+", " ", node)
    tag = node.tag
    if tag in _SKIPPED:
        return ""
    if tag == "br":
        return "\n"
    if tag == "a":
        label = _inline(node.children)
        href = node.attrs.get("href", "")
        return f"{label} ({href})" if href and href not in label else (label or href)
    if tag == "code":
        return f"`{node.text()}`"
    if tag == "ac:link":
        return _ac_link(node)
    if tag == "ri:user":
        return "@user"
    if tag in {"ac:image", "img"}:
        attachment = node.first("ri:attachment")
        name = (
            node.attrs.get("ac:alt")
            or node.attrs.get("alt")
            or (attachment.attrs.get("ri:filename") if attachment else None)
        )
        return f"[image: {name}]" if name else "[image]"
    if tag == "ac:emoticon":
        return node.attrs.get("ac:emoji-fallback", "")
    if tag == "time":
        return node.attrs.get("datetime", "")
    if tag == "ac:structured-macro":
        name = node.attrs.get("ac:name", "")
        if name == "status":
            return f"[{node.parameter('title') or 'status'}]"
        if name == "jira":
            return node.parameter("key") or ""
        return ""
    if _is_block(node):
        return " " + _blocks(node.children, " ") + " "
    return "".join(_inline_node(child) for child in node.children)


def _ac_link(node: Element) -> str:
    body = node.first("ac:link-body") or node.first("ac:plain-text-link-body")
    if body is not None and body.text().strip():
        return _inline(body.children) if body.tag == "ac:link-body" else body.text()
    for child in node.children:
        if isinstance(child, Element):
            if child.tag == "ri:page":
                return child.attrs.get("ri:content-title", "")
            if child.tag == "ri:user":
                return "@user"
            if child.tag == "ri:attachment":
                return child.attrs.get("ri:filename", "")
            if child.tag == "ri:url":
                return child.attrs.get("ri:value", "")
    return ""


def from_settings(
    settings: Settings, category: Category, *, client: httpx2.AsyncClient | None = None
) -> ConfluenceKnowledgeBase:
    """A Confluence connector configured from ``CONFLUENCE_*`` variables, falling back on Jira's site
    and credentials (see CONNECTORS.md).

    Raises:
        ConfigError: Confluence cannot serve `category`, or a variable is missing or invalid.
    """
    if category != "kb":
        raise ConfigError(f"confluence serves only the knowledge base, not {category}")
    purpose = "the Confluence knowledge base"
    explicit = settings.value("CONFLUENCE_BASE_URL")
    if explicit:
        base_url = check_base_url(explicit, variable="CONFLUENCE_BASE_URL")
    else:
        site = settings.value("JIRA_BASE_URL")
        if not site:
            raise ConfigError(
                f"CONFLUENCE_BASE_URL is not set (nor JIRA_BASE_URL to derive it from); it is needed for {purpose}"
            )
        base_url = check_base_url(site, variable="JIRA_BASE_URL") + "/wiki"
    auth = auth_from_settings(settings, prefix="CONFLUENCE_", fallback_prefix="JIRA_", purpose=purpose)
    api = HttpApi(AtlassianPolicy(system=SYSTEM, auth=auth), base_url=base_url, client=client)
    return ConfluenceKnowledgeBase(api, spaces=split_list(settings.value("CONFLUENCE_SPACES")))


__all__ = ["ConfluenceKnowledgeBase", "from_settings", "parse_storage", "storage_text", "workaround_section"]
