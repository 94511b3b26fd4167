"""Notion blocks and rich text as readable, markdown-ish plain text.

Headings become ``#`` lines, list items ``-`` and ``1.`` lines (nested ones indented), to-dos
``- [ ]`` and ``- [x]``, code blocks fenced, quotes and callouts ``>`` lines, tables ``|`` rows, and
links ``text (url)``. Column layouts and synced blocks are read through; media become a short
``[image: caption]`` marker. The section under a "Workaround" heading can be read on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..text import clean_text
from .models import Block, RichText

_WORKAROUND_HEADING = re.compile(r"^\s*workarounds?\s*:?\s*$", re.IGNORECASE)
_HEADINGS = {"heading_1": 1, "heading_2": 2, "heading_3": 3, "heading_4": 4}
_LIST_ITEMS = frozenset({"bulleted_list_item", "numbered_list_item", "to_do"})
_TRANSPARENT = frozenset({"column_list", "column", "synced_block", "template"})
_MEDIA = {"image": "image", "video": "video", "file": "file", "pdf": "pdf", "audio": "audio"}
_LINKS = frozenset({"bookmark", "embed", "link_preview"})


@dataclass
class Node:
    """A block and the blocks nested in it (as far as they were read)."""

    block: Block
    children: list[Node] = field(default_factory=list)


def rich_text(runs: Iterable[RichText]) -> str:
    """Rich text as plain text: inline code in backticks, links as ``text (url)``."""
    parts: list[str] = []
    for run in runs:
        text = run.plain_text or (run.text.content if run.text else None) or ""
        if run.annotations is not None and run.annotations.code and text:
            text = f"`{text}`"
        href = run.href or (run.text.link.url if run.text and run.text.link else None)
        if href and run.type == "text" and href not in text:
            text = f"{text} ({href})" if text.strip() else href
        parts.append(text)
    return "".join(parts)


def blocks_text(nodes: Sequence[Node]) -> str:
    """The readable text of a page's blocks."""
    return clean_text(_render(nodes))


def workaround_section(nodes: Sequence[Node]) -> str | None:
    """The text under the first heading that reads "Workaround" (its toggled children, then the
    blocks up to the next heading of the same or a higher level), or None."""
    flat = _flatten(nodes)
    for index, node in enumerate(flat):
        level = _HEADINGS.get(node.block.type, 0)
        if not level or not _WORKAROUND_HEADING.match(rich_text(node.block.content.rich_text)):
            continue
        section = list(node.children)
        for following in flat[index + 1 :]:
            other = _HEADINGS.get(following.block.type, 0)
            if other and other <= level:
                break
            section.append(following)
        return clean_text(_render(section)) or None
    return None


def _flatten(nodes: Sequence[Node]) -> list[Node]:
    flat: list[Node] = []
    for node in nodes:
        if node.block.type in _TRANSPARENT:
            flat.extend(_flatten(node.children))
        else:
            flat.append(node)
    return flat


def _render(nodes: Sequence[Node]) -> str:
    chunks: list[str] = []
    number = 0
    previous = ""
    for node in _flatten(nodes):
        kind = node.block.type
        number = number + 1 if kind == "numbered_list_item" else 0
        text = _block(node, number)
        if not text.strip():
            continue
        joiner = "\n" if kind in _LIST_ITEMS and previous in _LIST_ITEMS else "\n\n"
        chunks.append((joiner if chunks else "") + text)
        previous = kind
    return "".join(chunks)


def _indented(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in text.split("\n"))


def _quoted(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.split("\n"))


def _block(node: Node, number: int) -> str:
    block = node.block
    kind = block.type
    content = block.content
    text = rich_text(content.rich_text)
    inner = _render(node.children)
    if kind in _HEADINGS:
        heading = "#" * _HEADINGS[kind] + " " + text
        return f"{heading}\n\n{inner}" if inner else heading
    if kind in _LIST_ITEMS:
        marker = {"numbered_list_item": f"{number}. ", "bulleted_list_item": "- "}.get(
            kind, "- [x] " if content.checked else "- [ ] "
        )
        item = marker + text.replace("\n", "\n" + " " * len(marker))
        return f"{item}\n{_indented(inner, '  ')}" if inner else item
    if kind == "code":
        return f"```{content.language or ''}\n{''.join(r.plain_text or '' for r in content.rich_text)}\n```"
    if kind in {"quote", "callout"}:
        icon = content.icon.get("emoji") if isinstance(content.icon, dict) else None
        head = f"{icon} {text}" if kind == "callout" and isinstance(icon, str) else text
        return _quoted("\n\n".join(part for part in (head, inner) if part))
    return _other(node, text, inner)


def _other(node: Node, text: str, inner: str) -> str:
    block = node.block
    kind = block.type
    content = block.content
    if kind == "divider":
        return "---"
    if kind in {"child_page", "child_database"}:
        return f"[{'page' if kind == 'child_page' else 'database'}: {content.title or 'untitled'}]"
    if kind in _LINKS:
        caption = rich_text(content.caption)
        return f"{caption} ({content.url})" if caption and content.url else content.url or caption
    if kind in _MEDIA:
        caption = rich_text(content.caption)
        return f"[{_MEDIA[kind]}: {caption}]" if caption else f"[{_MEDIA[kind]}]"
    if kind == "equation":
        return content.expression or ""
    if kind == "table":
        return _table(node)
    if kind == "link_to_page":
        return "[linked page]"
    return "\n\n".join(part for part in (text, inner) if part)


def _table(node: Node) -> str:
    rows = []
    for row in node.children:
        cells = [" ".join(rich_text(cell).split()) for cell in row.block.content.cells]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


__all__ = ["Node", "blocks_text", "rich_text", "workaround_section"]
