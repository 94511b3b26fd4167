"""The Atlassian Document Format (ADF), a JSON tree, as readable plain text.

Jira descriptions and comments are ADF. `AdfNode` models the parts of a node that are read; the
renderer keeps headings, lists, code, links and tables recognisable. Attributes of an unexpected type
are ignored, as a reader would skip them; a node that is not an object, content that is not a list of
nodes and a text node without text make the document invalid.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated

from pydantic import Field, StrictInt, StrictStr, TypeAdapter, ValidationError, model_validator

from ..vendor import VendorModel
from .models import Lenient, NullAsEmpty, ObjectsOnly, Text
from .text import clean_text


class AdfCardData(VendorModel):
    url: Text = None


class AdfAttrs(VendorModel):
    """The attributes any node type carries that the renderer reads."""

    level: Lenient[StrictInt] = None
    order: Lenient[StrictInt] = None
    language: Text = None
    panel_type: Lenient[StrictStr] = Field(None, alias="panelType")
    alt: Text = None
    url: Text = None
    title: Text = None
    state: Lenient[StrictStr] = None
    text: Text = None
    id: Text = None
    short_name: Text = Field(None, alias="shortName")
    data: Lenient[AdfCardData] = None
    timestamp: Lenient[StrictStr | StrictInt] = None
    href: Text = None


_NO_ATTRS = AdfAttrs()


class AdfMark(VendorModel):
    type: Lenient[StrictStr] = None
    attrs: Lenient[AdfAttrs] = None


class AdfNode(VendorModel):
    """One ADF node: its type, attributes, children and (for text nodes) text and marks."""

    type: Lenient[StrictStr] = None
    attrs: Lenient[AdfAttrs] = None
    content: Annotated[tuple[AdfNode, ...], NullAsEmpty] = ()
    text: Lenient[StrictStr] = None
    marks: Annotated[tuple[AdfMark, ...], ObjectsOnly] = ()

    @model_validator(mode="after")
    def _text_nodes_have_text(self) -> AdfNode:
        if self.type == "text" and self.text is None:
            raise ValueError("ADF text node without text")
        return self

    @property
    def attributes(self) -> AdfAttrs:
        return self.attrs or _NO_ATTRS


AdfDocument = Annotated[AdfNode | StrictStr | None, Field(union_mode="left_to_right")]
"""A field that holds ADF (some Jira fields hold a plain string instead, or nothing)."""

_DOCUMENT: TypeAdapter[AdfNode | str | None] = TypeAdapter(AdfDocument)

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
        TypeError: the document is neither ADF, a string nor None.
    """
    if not isinstance(document, AdfNode):
        try:
            document = _DOCUMENT.validate_python(document)
        except ValidationError:
            raise TypeError("not an ADF document") from None
    if document is None:
        return ""
    if isinstance(document, str):
        return clean_text(document)
    return clean_text(_block(document))


def _blocks(nodes: Sequence[AdfNode], separator: str = "\n\n") -> str:
    parts: list[str] = []
    inline_run: list[AdfNode] = []
    for node in nodes:
        if node.type in _INLINE_TYPES:
            inline_run.append(node)
            continue
        if inline_run:
            parts.append(_inline(inline_run))
            inline_run = []
        parts.append(_block(node))
    if inline_run:
        parts.append(_inline(inline_run))
    return separator.join(part for part in parts if part.strip())


def _block(node: AdfNode) -> str:
    kind = node.type
    attrs = node.attributes
    if kind == "paragraph":
        return _inline(node.content)
    if kind == "heading":
        level = attrs.level if attrs.level is not None and 1 <= attrs.level <= 6 else 1
        return f"{'#' * level} {_inline(node.content)}"
    if kind in _LIST_TYPES:
        return _list(node)
    if kind == "codeBlock":
        code = "".join(child.text or "" for child in node.content)
        return f"```{attrs.language or ''}\n{code}\n```"
    if kind == "blockquote":
        return _prefix_lines(_blocks(node.content), "> ")
    if kind == "rule":
        return "---"
    if kind == "panel":
        return f"{_PANEL_LABELS.get(str(attrs.panel_type), 'Note')}: {_blocks(node.content)}"
    if kind == "table":
        return _table(node)
    if kind == "media":
        return f"[attachment: {attrs.alt}]" if attrs.alt else "[attachment]"
    if kind in {"blockCard", "embedCard"}:
        return attrs.url or ""
    if kind in {"expand", "nestedExpand"}:
        body = _blocks(node.content)
        return f"{attrs.title}\n{body}" if attrs.title else body
    if kind in _INLINE_TYPES:
        return _inline([node])
    return _blocks(node.content)


def _list(node: AdfNode) -> str:
    start = node.attributes.order
    number = start if start is not None and start >= 0 else 1
    lines: list[str] = []
    for item in node.content:
        if item.type in _LIST_TYPES:
            lines.append(_prefix_lines(_list(item), "  "))
            continue
        if node.type == "orderedList":
            marker = f"{number}. "
            number += 1
        elif node.type == "taskList":
            marker = "- [x] " if item.attributes.state == "DONE" else "- [ ] "
        else:
            marker = "- "
        body = _blocks(item.content, "\n")
        lines.append(marker + body.replace("\n", "\n" + " " * len(marker)))
    return "\n".join(lines)


def _table(node: AdfNode) -> str:
    rows: list[str] = []
    for index, row in enumerate(node.content):
        cells = row.content
        texts = [" ".join(_blocks(cell.content, " ").split()) for cell in cells]
        rows.append("| " + " | ".join(texts) + " |")
        if index == 0 and cells and all(cell.type == "tableHeader" for cell in cells):
            rows.append("|" + "---|" * len(cells))
    return "\n".join(rows)


def _prefix_lines(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else prefix.rstrip() for line in text.split("\n"))


Segment = tuple[str, str | None]
"""A run of inline text and the link it belongs to, if any."""


def _inline(nodes: Sequence[AdfNode]) -> str:
    segments: list[Segment] = []
    for node in nodes:
        if node.type == "placeholder":
            continue
        segment = _inline_segment(node)
        if segment is not None:
            segments.append(segment)
    return _join_links(segments)


def _inline_segment(node: AdfNode) -> Segment | None:
    kind = node.type
    attrs = node.attributes
    if kind == "text":
        return _text_segment(node)
    if kind == "hardBreak":
        return "\n", None
    if kind == "mention":
        name = attrs.text or attrs.id or "someone"
        return (name if name.startswith("@") else f"@{name}"), None
    if kind == "emoji":
        return attrs.text or attrs.short_name or "", None
    if kind == "inlineCard":
        return attrs.url or (attrs.data.url if attrs.data else None) or "", None
    if kind == "date":
        return _adf_date(attrs.timestamp), None
    if kind == "status":
        return f"[{attrs.text or 'status'}]", None
    if kind == "mediaInline":
        return "[attachment]", None
    if "content" in node.model_fields_set:
        return _inline(node.content), None
    if node.text is not None:
        return node.text, None
    return None


def _text_segment(node: AdfNode) -> Segment:
    href: str | None = None
    code = False
    for mark in node.marks:
        if mark.type == "link":
            href = mark.attrs.href if mark.attrs else None
        elif mark.type == "code":
            code = True
    text = node.text or ""
    return (f"`{text}`" if code else text), href


def _join_links(segments: list[Segment]) -> str:
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


def _adf_date(timestamp: str | int | None) -> str:
    try:
        millis = int(str(timestamp))
    except ValueError:
        return str(timestamp or "")
    return datetime.fromtimestamp(millis / 1000, UTC).date().isoformat()


__all__ = ["AdfDocument", "AdfNode", "adf_to_text"]
