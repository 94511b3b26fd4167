"""Markdown as the Atlassian Document Format (ADF), so an issue created from what a person or model
wrote shows formatting instead of literal asterisks."""

from __future__ import annotations

import re
from typing import Any

from ..text import strip_invisible

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

AdfJson = dict[str, Any]
"""An ADF node as the JSON sent to Jira."""


def markdown_to_adf(markdown: str) -> AdfJson:
    """An ADF document from markdown.

    Covers ATX and setext headings, paragraphs (a single newline becomes a line break), bullet and
    ordered lists with nesting, fenced code blocks with their language, block quotes, rules, and the
    inline marks bold, italic, strikethrough, code and links (``[text](url)``, ``<url>`` and bare
    URLs). Only http, https and mailto links become links; anything else stays literal text.
    """
    text = strip_invisible(markdown.replace("\r\n", "\n").replace("\r", "\n")).expandtabs(4)
    return {"type": "doc", "version": 1, "content": _md_blocks(text.split("\n"))}


def _md_blocks(lines: list[str], *, in_quote: bool = False) -> list[AdfJson]:
    blocks: list[AdfJson] = []
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


def _md_code_block(lines: list[str], start: int, fence: str, language: str, out: list[AdfJson]) -> int:
    code: list[str] = []
    index = start + 1
    while index < len(lines):
        stripped = lines[index].strip()
        if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
            index += 1
            break
        code.append(lines[index])
        index += 1
    node: AdfJson = {"type": "codeBlock"}
    if language:
        node["attrs"] = {"language": language}
    body = "\n".join(code)
    node["content"] = [{"type": "text", "text": body}] if body else []
    out.append(node)
    return index


def _heading(level: int, text: str, *, in_quote: bool) -> AdfJson:
    if in_quote:  # ADF allows no headings inside a quote or list item: keep the words, in bold
        return {"type": "paragraph", "content": _inline_nodes(text, ({"type": "strong"},))}
    return {"type": "heading", "attrs": {"level": level}, "content": _inline_nodes(text, ())}


def _paragraph(lines: list[str]) -> AdfJson:
    content: list[AdfJson] = []
    for number, line in enumerate(lines):
        if number:
            content.append({"type": "hardBreak"})
        content.extend(_inline_nodes(line, ()))
    return {"type": "paragraph", "content": _merge_text(content)}


def _md_list(lines: list[str], start: int) -> tuple[AdfJson, int]:
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
    node: AdfJson = {
        "type": "orderedList" if ordered else "bulletList",
        "content": [{"type": "listItem", "content": _list_item_content(_md_blocks(i))} for i in items],
    }
    if ordered:
        node["attrs"] = {"order": int(first.group(2)[:-1])}
    return node, index


def _starts_block(line: str) -> bool:
    return bool(_FENCE.match(line) or _HEADING.match(line) or _QUOTE.match(line) or _RULE.match(line))


def _list_item_content(blocks: list[AdfJson]) -> list[AdfJson]:
    allowed: list[AdfJson] = []
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


def _inline_nodes(text: str, marks: tuple[AdfJson, ...]) -> list[AdfJson]:
    nodes: list[AdfJson] = []
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


def _link_mark(href: str) -> AdfJson:
    return {"type": "link", "attrs": {"href": href}}


def _with(marks: tuple[AdfJson, ...], mark: AdfJson) -> tuple[AdfJson, ...]:
    if any(existing["type"] == mark["type"] for existing in marks):
        return marks
    if any(existing["type"] == "code" for existing in marks):
        return marks if mark["type"] != "link" else (*marks, mark)
    return (*marks, mark)


def _text_node(text: str, marks: tuple[AdfJson, ...]) -> AdfJson:
    node: AdfJson = {"type": "text", "text": text}
    if marks:
        node["marks"] = [dict(mark) for mark in marks]
    return node


def _merge_text(nodes: list[AdfJson]) -> list[AdfJson]:
    merged: list[AdfJson] = []
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


__all__ = ["AdfJson", "markdown_to_adf"]
