"""Confluence's storage format (XHTML with ``ac:`` and ``ri:`` elements) as a tree of `Element`s."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


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


__all__ = ["Element", "parse_storage"]
