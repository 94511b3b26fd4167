"""What Jira Cloud and Confluence Cloud share: credentials, the HTTP policy, query literals, timestamps,
text cleaning, and the Atlassian Document Format (ADF) in both directions.

Both products live on one site (``https://<site>.atlassian.net``), accept the same API tokens, signal
rate limits the same way (429 with ``Retry-After``, or only an ISO ``X-RateLimit-Reset``) and report
errors as ``{"errorMessages": [...], "errors": {...}}`` (Jira, Confluence v1 uses ``message`` and v2
``errors: [{title, detail}]``).

Jira descriptions and comments are ADF, a JSON tree. `adf_to_text` renders it as readable plain text
(headings, lists, code, links and tables stay recognisable); `markdown_to_adf` builds ADF from the
markdown a person or model writes, so a created issue shows formatting instead of literal asterisks.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx2

from ._http import Json, VendorPolicy
from .base import Clock, utc_now
from .errors import AuthError, ConfigError, ConnectorError, UpstreamError
from .settings import Settings
from .text import INVISIBLE

# ---------------------------------------------------------------------------------------------------
# Credentials and the HTTP policy


@dataclass(frozen=True)
class AtlassianAuth:
    """How requests authenticate, and which variables hold the credentials (named in auth errors)."""

    header: str = field(repr=False)
    variables: str

    @classmethod
    def basic(cls, email: str, api_token: str, *, variables: str) -> AtlassianAuth:
        """Basic auth with an account email and an API token."""
        raw = f"{email}:{api_token}".encode()
        return cls(header=f"Basic {base64.b64encode(raw).decode('ascii')}", variables=variables)

    @classmethod
    def bearer(cls, token: str, *, variables: str) -> AtlassianAuth:
        """An OAuth 2.0 access token."""
        return cls(header=f"Bearer {token}", variables=variables)


def auth_from_settings(
    settings: Settings, *, prefix: str, purpose: str, fallback_prefix: str | None = None
) -> AtlassianAuth:
    """Credentials from ``<prefix>OAUTH_TOKEN``, else ``<prefix>EMAIL`` + ``<prefix>API_TOKEN``.

    When none of the three is set and `fallback_prefix` is given (Confluence falls back on Jira's
    credentials), the same rule is applied to the fallback variables.

    Raises:
        ConfigError: naming the variable that is missing.
    """
    names = (f"{prefix}OAUTH_TOKEN", f"{prefix}EMAIL", f"{prefix}API_TOKEN")
    if fallback_prefix is not None and not any(settings.value(n) for n in names):
        fallback = (f"{fallback_prefix}OAUTH_TOKEN", f"{fallback_prefix}EMAIL", f"{fallback_prefix}API_TOKEN")
        if any(settings.value(n) for n in fallback):
            return auth_from_settings(settings, prefix=fallback_prefix, purpose=purpose)
    oauth, email, token = (settings.value(n) for n in names)
    if oauth:
        return AtlassianAuth.bearer(oauth, variables=names[0])
    if email and token:
        return AtlassianAuth.basic(email, token, variables=f"{names[1]} and {names[2]}")
    if email:
        raise ConfigError(f"{names[2]} is not set; it is needed with {names[1]} for {purpose}")
    if token:
        raise ConfigError(f"{names[1]} is not set; it is needed with {names[2]} for {purpose}")
    also = (
        f", nor {fallback_prefix}EMAIL and {fallback_prefix}API_TOKEN to fall back on"
        if fallback_prefix
        else ""
    )
    raise ConfigError(
        f"{names[1]} and {names[2]} (or {names[0]}) are not set{also}; they are needed for {purpose}"
    )


_JAVA_EXCEPTION = re.compile(r"^(?:[\w$]+\.)+\w*Exception:\s*")


class AtlassianPolicy(VendorPolicy):
    """Jira and Confluence Cloud: one auth header, ``Retry-After`` or an ISO ``X-RateLimit-Reset``."""

    def __init__(self, *, system: str, auth: AtlassianAuth, clock: Clock = utc_now) -> None:
        self.system = system
        self.credentials_hint = auth.variables
        self._auth = auth
        self._clock = clock

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": self._auth.header}

    def retry_after(self, response: httpx2.Response) -> float | None:
        delay = super().retry_after(response)
        if delay is not None:
            return delay
        reset = response.headers.get("x-ratelimit-reset")
        if not reset:
            return None
        try:
            moment = parse_time(reset)
        except ValueError:
            return None
        return max(0.0, (moment - self._clock()).total_seconds())

    def classify(self, response: httpx2.Response, body: Json | None) -> ConnectorError | None:
        reason = response.headers.get("x-seraph-loginreason", "")
        if response.status_code == 403 and "AUTHENTICATION_DENIED" in reason:
            return AuthError(
                f"{self.system} wants a CAPTCHA after failed sign-ins; sign in once in a browser, "
                f"then check {self.credentials_hint}",
                system=self.system,
            )
        return None

    def error_detail(self, response: httpx2.Response, body: Json | None) -> str:
        parts: list[str] = []
        if isinstance(body, dict):
            messages = body.get("errorMessages")
            if isinstance(messages, list):
                parts.extend(str(m) for m in messages if m)
            errors = body.get("errors")
            if isinstance(errors, dict):
                parts.extend(f"{name}: {text}" for name, text in errors.items())
            elif isinstance(errors, list):
                for error in errors:
                    if isinstance(error, dict):
                        title = error.get("title") or error.get("code") or "error"
                        detail = error.get("detail")
                        parts.append(f"{title}: {detail}" if detail else str(title))
            message = body.get("message")
            if isinstance(message, str) and message:
                parts.append(_JAVA_EXCEPTION.sub("", message))
        if parts:
            return "; ".join(parts)[:300]
        return super().error_detail(response, body)


# ---------------------------------------------------------------------------------------------------
# JQL / CQL literals

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
# Lucene's query syntax characters: in a `~` clause they would be operators, so free text escapes them.
_LUCENE_SPECIAL = frozenset('+-&|!(){}[]^"~*?:\\/')
_WORD = re.compile(r"\w")


def quote_literal(value: str) -> str:
    """A JQL/CQL string literal for an exact value (project key, label, status name)."""
    cleaned = _CONTROL.sub(" ", value)
    return '"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"'


def text_literal(text: str) -> str:
    """A JQL/CQL string literal for a `~` (contains) clause that matches `text` as plain words.

    Lucene operators are escaped for Lucene first, then the result is quoted for JQL/CQL, so
    ``fix (this)`` searches the words and ``AND``/``OR`` are lowered to ordinary (ignored) words.
    """
    words = re.sub(r"\b(AND|OR|NOT)\b", lambda m: m.group(1).lower(), _CONTROL.sub(" ", text))
    escaped = "".join("\\" + ch if ch in _LUCENE_SPECIAL else ch for ch in words)
    return quote_literal(" ".join(escaped.split()))


def has_words(text: str) -> bool:
    """True when `text` holds something a text search can match (not only spaces and punctuation)."""
    return bool(_WORD.search(text))


# ---------------------------------------------------------------------------------------------------
# Timestamps, text and reading vendor JSON


def parse_time(value: object) -> datetime:
    """An aware UTC datetime from an Atlassian timestamp.

    Accepts ``2026-11-20T07:00:00.000-0500`` (Jira), ``2026-11-20T12:00:00.000Z`` (Confluence) and
    other ISO 8601 forms with an offset.

    Raises:
        ValueError: not a string, not a timestamp, or without an offset.
    """
    if not isinstance(value, str):
        raise ValueError(f"expected a timestamp string, got {type(value).__name__}")
    moment = datetime.fromisoformat(value.strip())
    if moment.tzinfo is None:
        raise ValueError(f"timestamp {value!r} has no UTC offset")
    return moment.astimezone(UTC)


def parse_optional_time(value: object) -> datetime | None:
    """Like `parse_time`, but None (or an empty string) gives None.

    Raises:
        ValueError: a value that is present but not a timestamp.
    """
    if value is None or value == "":
        return None
    return parse_time(value)


_BLANK_RUN = re.compile(r"\n{3,}")


def clean_text(text: str) -> str:
    """Strip zero-width, bidi-control and tag characters; normalise newlines and blank runs."""
    text = INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_RUN.sub("\n\n", text).strip()


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a word boundary when one is near, marked with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


@contextmanager
def reading(system: str, endpoint: str) -> Iterator[None]:
    """Turn a vendor body of an unexpected shape into `UpstreamError` naming the endpoint.

    Raises:
        UpstreamError: a KeyError, TypeError or ValueError (pydantic validation included) escaped
            the block.
    """
    try:
        yield
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise UpstreamError(
            f"{system}: {endpoint} returned a body this connector cannot read "
            f"({type(exc).__name__}: {str(exc)[:120]})",
            system=system,
        ) from exc


def as_dict(value: object, what: str) -> dict[str, Any]:
    """`value` as a JSON object.

    Raises:
        TypeError: it is not one.
    """
    if not isinstance(value, dict):
        raise TypeError(f"{what} should be an object, not {type(value).__name__}")
    return value


def as_list(value: object, what: str) -> list[Any]:
    """`value` as a JSON array.

    Raises:
        TypeError: it is not one.
    """
    if not isinstance(value, list):
        raise TypeError(f"{what} should be an array, not {type(value).__name__}")
    return value


def opt_str(value: object) -> str | None:
    """A non-empty string, or None for anything else."""
    return value if isinstance(value, str) and value else None


def name_of(value: object) -> str | None:
    """The ``name`` of a JSON object such as ``{"name": "High", ...}``, or None."""
    return opt_str(value.get("name")) if isinstance(value, dict) else None


def split_names(value: str | None, default: Sequence[str]) -> tuple[str, ...]:
    """A comma-separated list of names (issue types, resolutions), or `default` when unset."""
    if not value:
        return tuple(default)
    names = tuple(part.strip() for part in value.split(",") if part.strip())
    return names or tuple(default)


# ---------------------------------------------------------------------------------------------------
# ADF -> readable text

_INLINE_TYPES = frozenset(
    {"text", "hardBreak", "mention", "emoji", "inlineCard", "date", "status", "placeholder", "mediaInline"}
)
_LIST_TYPES = frozenset({"bulletList", "orderedList", "taskList", "decisionList"})
_PANEL_LABELS = {"info": "Info", "note": "Note", "warning": "Warning", "error": "Error", "success": "Success"}


def adf_to_text(document: object) -> str:
    """Readable plain text from an ADF document (a Jira description or comment body).

    Headings keep a ``#`` prefix, lists their markers and nesting, code blocks their fences, links
    show their target, mentions read ``@Name`` and tables become ``| a | b |`` rows. A plain string
    (what some Jira fields hold instead of ADF) passes through cleaned; None gives "".

    Raises:
        TypeError: the document is not an ADF node.
    """
    if document is None:
        return ""
    if isinstance(document, str):
        return clean_text(document)
    return clean_text(_block(as_dict(document, "ADF node")))


def _children(node: dict[str, Any]) -> list[dict[str, Any]]:
    content = node.get("content")
    if content is None:
        return []
    return [as_dict(child, "ADF node") for child in as_list(content, "ADF content")]


def _attrs(node: dict[str, Any]) -> dict[str, Any]:
    attrs = node.get("attrs")
    return attrs if isinstance(attrs, dict) else {}


def _blocks(nodes: list[dict[str, Any]], separator: str = "\n\n") -> str:
    parts: list[str] = []
    inline_run: list[dict[str, Any]] = []
    for node in nodes:
        if node.get("type") in _INLINE_TYPES:
            inline_run.append(node)
            continue
        if inline_run:
            parts.append(_inline(inline_run))
            inline_run = []
        parts.append(_block(node))
    if inline_run:
        parts.append(_inline(inline_run))
    return separator.join(part for part in parts if part.strip())


def _block(node: dict[str, Any]) -> str:
    kind = node.get("type")
    attrs = _attrs(node)
    if kind == "paragraph":
        return _inline(_children(node))
    if kind == "heading":
        level = attrs.get("level")
        hashes = "#" * (level if isinstance(level, int) and 1 <= level <= 6 else 1)
        return f"{hashes} {_inline(_children(node))}"
    if kind in _LIST_TYPES:
        return _list(node)
    if kind == "codeBlock":
        code = "".join(str(child.get("text", "")) for child in _children(node))
        language = opt_str(attrs.get("language")) or ""
        return f"```{language}\n{code}\n```"
    if kind == "blockquote":
        return _prefix_lines(_blocks(_children(node)), "> ")
    if kind == "rule":
        return "---"
    if kind == "panel":
        label = _PANEL_LABELS.get(str(attrs.get("panelType")), "Note")
        return f"{label}: {_blocks(_children(node))}"
    if kind == "table":
        return _table(node)
    if kind == "media":
        alt = opt_str(attrs.get("alt"))
        return f"[attachment: {alt}]" if alt else "[attachment]"
    if kind in {"blockCard", "embedCard"}:
        return opt_str(attrs.get("url")) or ""
    if kind in {"expand", "nestedExpand"}:
        title = opt_str(attrs.get("title"))
        body = _blocks(_children(node))
        return f"{title}\n{body}" if title else body
    if kind in _INLINE_TYPES:
        return _inline([node])
    return _blocks(_children(node))


def _list(node: dict[str, Any]) -> str:
    kind = node.get("type")
    start = _attrs(node).get("order", 1)
    number = start if isinstance(start, int) and start >= 0 else 1
    lines: list[str] = []
    for item in _children(node):
        if item.get("type") in _LIST_TYPES:
            lines.append(_prefix_lines(_list(item), "  "))
            continue
        if kind == "orderedList":
            marker = f"{number}. "
            number += 1
        elif kind == "taskList":
            marker = "- [x] " if _attrs(item).get("state") == "DONE" else "- [ ] "
        else:
            marker = "- "
        body = _blocks(_children(item), "\n")
        lines.append(marker + body.replace("\n", "\n" + " " * len(marker)))
    return "\n".join(lines)


def _table(node: dict[str, Any]) -> str:
    rows: list[str] = []
    for index, row in enumerate(_children(node)):
        cells = _children(row)
        texts = [" ".join(_blocks(_children(cell), " ").split()) for cell in cells]
        rows.append("| " + " | ".join(texts) + " |")
        if index == 0 and cells and all(cell.get("type") == "tableHeader" for cell in cells):
            rows.append("|" + "---|" * len(cells))
    return "\n".join(rows)


def _prefix_lines(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else prefix.rstrip() for line in text.split("\n"))


def _inline(nodes: list[dict[str, Any]]) -> str:
    segments: list[tuple[str, str | None]] = []
    for node in nodes:
        kind = node.get("type")
        attrs = _attrs(node)
        if kind == "text":
            segments.append(_text_segment(node))
        elif kind == "hardBreak":
            segments.append(("\n", None))
        elif kind == "mention":
            name = opt_str(attrs.get("text")) or opt_str(attrs.get("id")) or "someone"
            segments.append((name if name.startswith("@") else f"@{name}", None))
        elif kind == "emoji":
            segments.append((opt_str(attrs.get("text")) or opt_str(attrs.get("shortName")) or "", None))
        elif kind == "inlineCard":
            data = attrs.get("data")
            url = opt_str(attrs.get("url")) or (opt_str(data.get("url")) if isinstance(data, dict) else None)
            segments.append((url or "", None))
        elif kind == "date":
            segments.append((_adf_date(attrs.get("timestamp")), None))
        elif kind == "status":
            segments.append((f"[{opt_str(attrs.get('text')) or 'status'}]", None))
        elif kind == "mediaInline":
            segments.append(("[attachment]", None))
        elif kind == "placeholder":
            continue
        elif "content" in node:
            segments.append((_inline(_children(node)), None))
        elif isinstance(node.get("text"), str):
            segments.append((node["text"], None))
    return _join_links(segments)


def _text_segment(node: dict[str, Any]) -> tuple[str, str | None]:
    text = node.get("text")
    if not isinstance(text, str):
        raise TypeError("ADF text node without text")
    href: str | None = None
    code = False
    marks = node.get("marks") or []
    for mark in as_list(marks, "ADF marks"):
        if not isinstance(mark, dict):
            continue
        if mark.get("type") == "link":
            href = opt_str(_attrs(mark).get("href"))
        elif mark.get("type") == "code":
            code = True
    return (f"`{text}`" if code else text), href


def _join_links(segments: list[tuple[str, str | None]]) -> str:
    out: list[str] = []
    index = 0
    while index < len(segments):
        text, href = segments[index]
        index += 1
        while href is not None and index < len(segments) and segments[index][1] == href:
            text += segments[index][0]
            index += 1
        if href is not None and href not in text:
            text = f"{text} ({href})"
        out.append(text)
    return "".join(out)


def _adf_date(timestamp: object) -> str:
    try:
        millis = int(str(timestamp))
    except ValueError:
        return str(timestamp or "")
    return datetime.fromtimestamp(millis / 1000, UTC).date().isoformat()


# ---------------------------------------------------------------------------------------------------
# Markdown -> ADF

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})\s*([\w+#.-]*)[^`]*$")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_LIST_ITEM = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])(?:\s+(.*))?$")
_QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")
_ESCAPABLE = frozenset("\\`*_{}[]()#+-.!<>~|\"'")
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*<?([^\s<>()]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^\s<>]+)>")
_BARE_URL = re.compile(r"https?://[^\s<>\"]+")
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
_DELIMITED = (
    ("**", re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), "strong"),
    ("__", re.compile(r"__(?=\S)(.+?)(?<=\S)__(?!\w)"), "strong"),
    ("~~", re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), "strike"),
    ("*", re.compile(r"\*(?=[^\s*])(.+?)(?<=[^\s*])\*"), "em"),
    ("_", re.compile(r"_(?=\S)(.+?)(?<=\S)_(?!\w)"), "em"),
)

AdfNode = dict[str, Any]


def markdown_to_adf(markdown: str) -> AdfNode:
    """An ADF document from markdown.

    Covers ATX and setext headings, paragraphs (a single newline becomes a line break), bullet and
    ordered lists with nesting, fenced code blocks with their language, block quotes, rules, and the
    inline marks bold, italic, strikethrough, code and links (``[text](url)``, ``<url>`` and bare
    URLs). Only http, https and mailto links become links; anything else stays literal text.
    """
    text = INVISIBLE.sub("", markdown.replace("\r\n", "\n").replace("\r", "\n")).expandtabs(4)
    return {"type": "doc", "version": 1, "content": _md_blocks(text.split("\n"))}


def _md_blocks(lines: list[str], *, in_quote: bool = False) -> list[AdfNode]:
    blocks: list[AdfNode] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(_paragraph(paragraph))
            paragraph.clear()

    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            flush()
            index += 1
            continue
        if paragraph and (setext := _SETEXT.match(line)):
            level = 1 if setext.group(1).startswith("=") else 2
            blocks.append(_heading(level, " ".join(p.strip() for p in paragraph), in_quote=in_quote))
            paragraph.clear()
            index += 1
            continue
        if fence := _FENCE.match(line):
            flush()
            index = _md_code_block(lines, index, fence.group(1), fence.group(2), blocks)
            continue
        if heading := _HEADING.match(line):
            flush()
            blocks.append(_heading(len(heading.group(1)), heading.group(2), in_quote=in_quote))
            index += 1
            continue
        if _RULE.match(line):
            flush()
            if not in_quote:
                blocks.append({"type": "rule"})
            index += 1
            continue
        if _QUOTE.match(line):
            flush()
            quoted: list[str] = []
            while index < len(lines) and (match := _QUOTE.match(lines[index])):
                quoted.append(match.group(1))
                index += 1
            inner = _md_blocks(quoted, in_quote=True)
            if in_quote:
                blocks.extend(inner)
            elif inner:
                blocks.append({"type": "blockquote", "content": inner})
            continue
        if (item := _LIST_ITEM.match(line)) and item.group(3) is not None:
            flush()
            node, index = _md_list(lines, index)
            blocks.append(node)
            continue
        paragraph.append(line.strip())
        index += 1
    flush()
    return blocks


def _md_code_block(lines: list[str], start: int, fence: str, language: str, out: list[AdfNode]) -> int:
    code: list[str] = []
    index = start + 1
    while index < len(lines):
        stripped = lines[index].strip()
        if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
            index += 1
            break
        code.append(lines[index])
        index += 1
    node: AdfNode = {"type": "codeBlock"}
    if language:
        node["attrs"] = {"language": language}
    body = "\n".join(code)
    node["content"] = [{"type": "text", "text": body}] if body else []
    out.append(node)
    return index


def _heading(level: int, text: str, *, in_quote: bool) -> AdfNode:
    if in_quote:  # ADF allows no headings inside a quote or list item: keep the words, in bold
        return {"type": "paragraph", "content": _inline_nodes(text, ({"type": "strong"},))}
    return {"type": "heading", "attrs": {"level": level}, "content": _inline_nodes(text, ())}


def _paragraph(lines: list[str]) -> AdfNode:
    content: list[AdfNode] = []
    for number, line in enumerate(lines):
        if number:
            content.append({"type": "hardBreak"})
        content.extend(_inline_nodes(line, ()))
    return {"type": "paragraph", "content": _merge_text(content)}


def _md_list(lines: list[str], start: int) -> tuple[AdfNode, int]:
    first = _LIST_ITEM.match(lines[start])
    assert first is not None
    base = len(first.group(1))
    ordered = first.group(2)[0].isdigit()
    items: list[list[str]] = []
    content_indent = first.start(3)
    index = start
    while index < len(lines):
        line = lines[index]
        item = _LIST_ITEM.match(line)
        indent = len(line) - len(line.lstrip())
        if item and item.group(3) is not None and indent <= base + 1:
            if indent < base or item.group(2)[0].isdigit() != ordered:
                break
            items.append([item.group(3)])
            content_indent = item.start(3)
            index += 1
            continue
        if not line.strip():
            following = next((n for n in range(index + 1, len(lines)) if lines[n].strip()), None)
            if following is None:
                break
            next_line = lines[following]
            next_item = _LIST_ITEM.match(next_line)
            next_indent = len(next_line) - len(next_line.lstrip())
            same_list = (
                next_item is not None
                and next_indent == base
                and next_item.group(2)[0].isdigit() == ordered
                and next_item.group(3) is not None
            )
            if same_list or next_indent > base:
                items[-1].append("")
                index += 1
                continue
            break
        if indent > base:
            items[-1].append(line[min(indent, content_indent) :])
            index += 1
            continue
        if _starts_block(line):
            break
        items[-1].append(line.strip())
        index += 1
    node: AdfNode = {
        "type": "orderedList" if ordered else "bulletList",
        "content": [{"type": "listItem", "content": _list_item_content(_md_blocks(i))} for i in items],
    }
    if ordered:
        node["attrs"] = {"order": int(first.group(2)[:-1])}
    return node, index


def _starts_block(line: str) -> bool:
    return bool(_FENCE.match(line) or _HEADING.match(line) or _QUOTE.match(line) or _RULE.match(line))


def _list_item_content(blocks: list[AdfNode]) -> list[AdfNode]:
    allowed: list[AdfNode] = []
    for block in blocks:
        kind = block["type"]
        if kind == "heading":
            allowed.append({"type": "paragraph", "content": block["content"]})
        elif kind == "blockquote":
            allowed.extend(block["content"])
        elif kind != "rule":
            allowed.append(block)
    if not allowed or allowed[0]["type"] not in {"paragraph", "codeBlock"}:
        allowed.insert(0, {"type": "paragraph", "content": []})
    return allowed


def _inline_nodes(text: str, marks: tuple[AdfNode, ...]) -> list[AdfNode]:
    nodes: list[AdfNode] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            nodes.append(_text_node("".join(buffer), marks))
            buffer.clear()

    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in _ESCAPABLE:
            buffer.append(text[index + 1])
            index += 2
            continue
        if char == "`" and (code := _CODE_SPAN.match(text, index)):
            flush()
            body = code.group(2)
            if body.startswith(" ") and body.endswith(" ") and body.strip():
                body = body[1:-1]
            links = tuple(m for m in marks if m["type"] == "link")
            nodes.append(_text_node(body, (*links, {"type": "code"})))
            index = code.end()
            continue
        if char == "<" and (auto := _AUTOLINK.match(text, index)):
            flush()
            nodes.append(_text_node(auto.group(1), _with(marks, _link_mark(auto.group(1)))))
            index = auto.end()
            continue
        if char == "[" and (link := _LINK.match(text, index)):
            href = link.group(2)
            if href.startswith(_SAFE_SCHEMES) and link.group(1).strip():
                flush()
                nodes.extend(_inline_nodes(link.group(1), _with(marks, _link_mark(href))))
                index = link.end()
                continue
        if char in "*_~" and (emphasis := _match_delimited(text, index)):
            match, mark = emphasis
            flush()
            nodes.extend(_inline_nodes(match.group(1), _with(marks, {"type": mark})))
            index = match.end()
            continue
        if (
            char == "h"
            and (index == 0 or not text[index - 1].isalnum())
            and (url := _BARE_URL.match(text, index))
        ):
            href = _trim_url(url.group(0))
            flush()
            nodes.append(_text_node(href, _with(marks, _link_mark(href))))
            index += len(href)
            continue
        buffer.append(char)
        index += 1
    flush()
    return _merge_text([node for node in nodes if node.get("text")])


def _match_delimited(text: str, index: int) -> tuple[re.Match[str], str] | None:
    for opener, pattern, mark in _DELIMITED:
        if not text.startswith(opener, index):
            continue
        if opener[0] == "_" and index > 0 and (text[index - 1].isalnum() or text[index - 1] == "_"):
            return None  # snake_case_words are not emphasis
        match = pattern.match(text, index)
        if match:
            return match, mark
    return None


def _trim_url(url: str) -> str:
    url = url.rstrip(".,;:!?'")
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url


def _link_mark(href: str) -> AdfNode:
    return {"type": "link", "attrs": {"href": href}}


def _with(marks: tuple[AdfNode, ...], mark: AdfNode) -> tuple[AdfNode, ...]:
    if any(existing["type"] == mark["type"] for existing in marks):
        return marks
    if any(existing["type"] == "code" for existing in marks):
        return marks if mark["type"] != "link" else (*marks, mark)
    return (*marks, mark)


def _text_node(text: str, marks: tuple[AdfNode, ...]) -> AdfNode:
    node: AdfNode = {"type": "text", "text": text}
    if marks:
        node["marks"] = [dict(mark) for mark in marks]
    return node


def _merge_text(nodes: list[AdfNode]) -> list[AdfNode]:
    merged: list[AdfNode] = []
    for node in nodes:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and node["type"] == "text"
            and previous["type"] == "text"
            and previous.get("marks") == node.get("marks")
        ):
            merged[-1] = {**previous, "text": previous["text"] + node["text"]}
        else:
            merged.append(node)
    return merged


__all__ = [
    "AtlassianAuth",
    "AtlassianPolicy",
    "adf_to_text",
    "as_dict",
    "as_list",
    "auth_from_settings",
    "clean_text",
    "has_words",
    "markdown_to_adf",
    "name_of",
    "opt_str",
    "parse_optional_time",
    "parse_time",
    "quote_literal",
    "reading",
    "split_names",
    "text_literal",
    "truncate",
]
