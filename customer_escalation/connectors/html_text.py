"""Plain readable text from the HTML support platforms store (Zendesk and Intercom articles, comment and
message bodies).

Lists keep their bullets and numbers, links keep their target in brackets, code stays in backticks or
in its own block, and table rows become `a | b | c` lines. Script, style and other invisible content is
dropped. Zero-width, bidi-control and tag characters are removed from every piece of text, because
they can hide instructions from a human reader while a model still sees them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from .text import clean_text

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_WORKAROUND_HEADING = re.compile(r"\bwork[- ]?arounds?\b", re.IGNORECASE)

_SKIPPED = frozenset({"script", "style", "head", "noscript", "template", "svg", "object", "iframe"})
_BLOCKS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "aside",
        "nav",
        "figure",
        "figcaption",
        "details",
        "summary",
        "dl",
        "dt",
        "dd",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "hr",
        "address",
    }
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_LINK_SCHEMES = ("http://", "https://", "mailto:")
_LINE_BREAK = "\x00"


@dataclass(frozen=True)
class _Block:
    kind: str
    """`para`, `item`, `row`, `pre` or `heading`."""
    text: str
    level: int = 0
    """Heading level (1-6) for headings."""


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self._inline: list[str] = []
        self._skip_depth = 0
        self._pre_depth = 0
        self._quote_depth = 0
        self._lists: list[list[int] | None] = []
        self._item_prefix: str | None = None
        self._heading_level = 0
        self._links: list[tuple[str | None, int]] = []
        self._cell_count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip_depth += 1
            return
        if self._skip_depth:
            return
        attributes = dict(attrs)
        if tag in _HEADINGS:
            self._flush()
            self._heading_level = _HEADINGS[tag]
        elif tag in _BLOCKS:
            self._flush()
        elif tag in {"ul", "ol", "menu"}:
            self._flush()
            start = _int_or(attributes.get("start"), 1)
            self._lists.append([start] if tag == "ol" else None)
        elif tag == "li":
            self._flush()
            indent = "  " * max(0, len(self._lists) - 1)
            counter = self._lists[-1] if self._lists else None
            if counter is None:
                self._item_prefix = f"{indent}- "
            else:
                self._item_prefix = f"{indent}{counter[0]}. "
                counter[0] += 1
        elif tag == "br":
            self._inline.append(_LINE_BREAK)
        elif tag == "pre":
            self._flush()
            self._pre_depth += 1
        elif tag == "code" and not self._pre_depth:
            self._inline.append("`")
        elif tag == "blockquote":
            self._flush()
            self._quote_depth += 1
        elif tag == "tr":
            self._flush()
            self._cell_count = 0
        elif tag in {"td", "th"}:
            if self._cell_count:
                self._inline.append(" | ")
            self._cell_count += 1
        elif tag == "a":
            self._links.append((attributes.get("href"), len(self._inline)))
        elif tag == "img":
            alt = (attributes.get("alt") or "").strip()
            if alt:
                self._inline.append(f"[image: {alt}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip_depth = max(0, self._skip_depth - 1)
            return
        if self._skip_depth:
            return
        if tag in _HEADINGS:
            self._flush(kind="heading", level=self._heading_level or _HEADINGS[tag])
            self._heading_level = 0
        elif tag in _BLOCKS or tag == "li":
            self._flush()
        elif tag in {"ul", "ol", "menu"}:
            self._flush()
            if self._lists:
                self._lists.pop()
        elif tag == "pre":
            self._flush(kind="pre")
            self._pre_depth = max(0, self._pre_depth - 1)
        elif tag == "code" and not self._pre_depth:
            self._inline.append("`")
        elif tag == "blockquote":
            self._flush()
            self._quote_depth = max(0, self._quote_depth - 1)
        elif tag == "tr":
            self._flush(kind="row")
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            label = _collapse("".join(self._inline[start:]).replace(_LINE_BREAK, " "))
            target = (href or "").strip()
            if target.lower().startswith(_LINK_SCHEMES) and target not in {label, f"mailto:{label}"}:
                self._inline.append(f" ({target})")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self._inline.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self, *, kind: str = "para", level: int = 0) -> None:
        raw = "".join(self._inline)
        self._inline = []
        if kind == "pre" or self._pre_depth:
            text = raw.replace(_LINE_BREAK, "\n").strip("\n")
            kind = "pre"
        else:
            lines = (_collapse(part) for part in raw.split(_LINE_BREAK))
            text = "\n".join(line for line in lines if line)
        if not text.strip():
            return
        if self._item_prefix is not None and kind != "heading":
            text = self._item_prefix + text.replace("\n", "\n" + " " * len(self._item_prefix))
            self._item_prefix = None
            kind = "item"
        if self._quote_depth:
            text = "\n".join("> " + line for line in text.split("\n"))
        self.blocks.append(_Block(kind=kind, text=text, level=level))


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


def _int_or(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _render(blocks: list[_Block]) -> str:
    parts: list[str] = []
    previous: _Block | None = None
    for block in blocks:
        if previous is not None:
            tight = block.kind == previous.kind and block.kind in {"item", "row"}
            parts.append("\n" if tight else "\n\n")
        parts.append(block.text)
        previous = block
    return clean_text("".join(parts))


def _read(html: str) -> list[_Block]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.blocks


def html_to_text(html: str) -> str:
    """Readable plain text from an HTML fragment."""
    return _render(_read(html))


def split_workaround(html: str) -> tuple[str, str | None]:
    """The article's text, and the text under its first "Workaround" heading (None without one).

    The section runs until the next heading of the same or a higher level.
    """
    blocks = _read(html)
    start = next(
        (
            i
            for i, block in enumerate(blocks)
            if block.kind == "heading" and _WORKAROUND_HEADING.search(block.text)
        ),
        None,
    )
    if start is None:
        return _render(blocks), None
    level = blocks[start].level
    section: list[_Block] = []
    for block in blocks[start + 1 :]:
        if block.kind == "heading" and block.level <= level:
            break
        section.append(block)
    workaround = _render(section)
    return _render(blocks), workaround or None


__all__ = ["html_to_text", "split_workaround"]
