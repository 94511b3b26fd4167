"""What a record shows once rendered: its markdown blocks with hidden HTML, link definitions used as
comments and invisible characters cut out, the source form otherwise kept."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ...connectors.text import strip_invisible
from .hidden_html import CLOSING_TAG, HtmlState, masked_code, strip_html

# ---------------------------------------------------------------------------------------------- characters

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""C0 and C1 control characters other than tab and line breaks."""


def plain(text: str) -> str:
    """`text` NFKC-normalised, with Unix line breaks and without invisible or control characters."""
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", strip_invisible(text))


# ---------------------------------------------------------------------------------------------- HTML


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark")


_LINK_TITLE = re.compile(
    r"(\]\(\s*(?:<[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*))\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\))\s*\)"
)
"""The title of an inline link or image: shown only as a tooltip."""
_LEAVES = frozenset({"inline", "fence", "code_block", "html_block", "hr"})


@dataclass(frozen=True)
class Block:
    """One block of a record as a person sees it."""

    text: str
    kind: str
    """``text``, ``code`` (a fenced or indented code block) or ``heading``."""
    level: int = 0
    """Heading level (1-6) for headings."""


def _leaves(tokens: list[Token]) -> Iterator[tuple[Token, str, int]]:
    heading = 0
    for token in tokens:
        if token.type == "heading_open":
            heading = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
        elif token.type == "heading_close":
            heading = 0
        elif token.type in _LEAVES and token.map is not None:
            kind = "code" if token.type in {"fence", "code_block"} else "heading" if heading else "text"
            yield token, kind, heading


def blocks(text: str) -> list[Block | None]:
    """The record's text (see `plain`) as the blocks a person sees, in order; ``None`` stands for a blank
    line or a line the rendering hides (a link definition), which separates blocks."""
    source = plain(text)
    lines = source.split("\n")
    env: dict[str, Any] = {}
    tokens = _markdown().parse(source, env)
    definitions: set[int] = set()
    for entry in [*(env.get("references") or {}).values(), *(env.get("duplicate_refs") or [])]:
        start, end = entry.get("map") or (0, 0)
        definitions.update(range(start, end))
    state = HtmlState(closed=frozenset(t.lower() for t in CLOSING_TAG.findall(source)))
    out: list[Block | None] = []
    line = 0
    for token, kind, level in _leaves(tokens):
        start, end = token.map  # type: ignore[misc]
        if start < line:
            continue
        out.extend(_between(lines, line, start, definitions, state))
        raw = "\n".join(lines[start:end])
        if kind == "code":
            shown = "" if state.hidden else raw
        else:
            raw = "\n".join(line for line in lines[start:end] if not _definition(line))
            shown = strip_html(_without_comment_links(raw), state)
            if token.type == "inline" and any(c.type in {"link_open", "image"} for c in token.children or ()):
                shown = _LINK_TITLE.sub(r"\1)", shown)
        out.append(Block(shown, kind, level) if shown.strip() else None)
        line = end
    out.extend(_between(lines, line, len(lines), definitions, state))
    return out


_DEFINITION_SHAPE = re.compile(r"^[ >]*\[[^\]]+\]:[ \t]*\S")


@lru_cache(maxsize=1_024)
def _definition(line: str) -> bool:
    """Whether `line` on its own is a markdown link definition (``[//]: # (note)``): shown as nothing.

    A record's text is often read joined to the record before it (a ticket's comments, a title over a
    body), where such a line would continue a paragraph; on the platform it starts its own record and
    renders as nothing, so it is hidden wherever it stands."""
    if not _DEFINITION_SHAPE.match(line):
        return False
    env: dict[str, Any] = {}
    tokens = _markdown().parse(line.lstrip(" >"), env)
    return bool(env.get("references")) and not any(t.type == "inline" for t in tokens)


_COMMENT_LINK = re.compile(
    r"\[[^\]\n]{0,100}\]:[ \t]*(?:#|<>|<#>)[ \t]*(?:\([^()\n]*\)|\"[^\"\n]*\"|'[^'\n]*')"
)
"""A link definition that points nowhere (``[//]: # (...)``, ``[comment]: <> (...)``): markdown's comment
idiom. Hidden on its own line; never a person's words wherever else it stands."""


def _without_comment_links(text: str) -> str:
    masked = masked_code(text)
    if "]:" not in masked:
        return text
    spans = [m.span() for m in _COMMENT_LINK.finditer(masked)]
    for start, end in reversed(spans):
        text = text[:start] + text[end:]
    return text


def _between(
    lines: list[str], start: int, end: int, definitions: set[int], state: HtmlState
) -> Iterator[Block | None]:
    """Lines no leaf block covers: blank lines, link definitions (hidden), and, past markdown's nesting
    limit, text the parser gave up on (kept as it is)."""
    for number in range(start, end):
        text = lines[number]
        if not text.strip() or number in definitions or state.hidden or _definition(text):
            yield None
        else:
            yield Block(text, "text")


def joined(parts: list[Block | None]) -> str:
    return "\n".join("" if p is None else p.text for p in parts)


@lru_cache(maxsize=4_096)
def visible(text: str) -> str:
    """What a person reading the record on its platform sees, in the record's own markdown: invisible
    characters, HTML comments, link definitions, hidden elements and HTML markup left out."""
    if not text:
        return ""
    return joined(blocks(text))
