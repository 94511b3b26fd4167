"""A storage-format document as readable text: headings, lists, code, links, tables and panels stay
legible; the section under a "Workaround" heading can be read on its own."""

from __future__ import annotations

import re
from typing import TypeGuard

from ..atlassian import clean_text
from .storage import Element

_WORKAROUND_HEADING = re.compile(r"^\s*workarounds?\s*:?\s*$", re.IGNORECASE)


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


__all__ = ["storage_text", "workaround_section"]
