"""What the Jira and Confluence fakes share: the site and its credentials, fault
injection, and the Atlassian Document Format (building, reading and checking it as Jira does)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from starlette.responses import JSONResponse, Response

from .calls import SlidingWindow

SITE = "https://acme.atlassian.net"
EMAIL = "escalations@vendor.example"
API_TOKEN = "ATATT3xFfGF0-fake-jira-token"

_ADF_NODES = frozenset(
    {
        "doc", "paragraph", "text", "hardBreak", "heading", "bulletList", "orderedList", "listItem",
        "codeBlock", "blockquote", "rule", "panel", "table", "tableRow", "tableHeader", "tableCell",
        "mention", "emoji", "inlineCard", "date", "status", "mediaSingle", "media",
    }
)  # fmt: skip
_ADF_MARKS = frozenset({"strong", "em", "code", "link", "strike", "underline", "subsup", "textColor"})


def text_to_adf(text: str) -> dict[str, Any]:
    """ADF for plain text: one paragraph per blank-line-separated block, line breaks kept."""
    content: list[dict[str, Any]] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        nodes: list[dict[str, Any]] = []
        for number, line in enumerate(block.split("\n")):
            if number:
                nodes.append({"type": "hardBreak"})
            if line:
                nodes.append({"type": "text", "text": line})
        content.append({"type": "paragraph", "content": nodes})
    return {"type": "doc", "version": 1, "content": content if text.strip() else []}


def adf_plain(node: Any) -> str:
    """Every text in an ADF tree, space-separated: what Jira's index sees."""
    if isinstance(node, dict):
        own = [node["text"]] if isinstance(node.get("text"), str) else []
        attrs = node.get("attrs") if isinstance(node.get("attrs"), dict) else {}
        if node.get("type") == "mention" and isinstance(attrs.get("text"), str):
            own.append(attrs["text"])
        return " ".join(own + [adf_plain(child) for child in node.get("content") or []])
    return ""


def adf_problem(node: Any, *, top: bool = True) -> str | None:
    """Why `node` is not a valid ADF document, or None."""
    if not isinstance(node, dict):
        return "an ADF node must be an object"
    kind = node.get("type")
    if top and (kind != "doc" or node.get("version") != 1):
        return "the top node must be a doc of version 1"
    if kind not in _ADF_NODES:
        return f"unknown node type {kind!r}"
    if kind == "text":
        if not isinstance(node.get("text"), str) or not node["text"]:
            return "text nodes must have non-empty text"
        marks = node.get("marks", [])
        kinds = [m.get("type") for m in marks if isinstance(m, dict)]
        if len(kinds) != len(marks) or any(k not in _ADF_MARKS for k in kinds):
            return "unknown mark"
        if "code" in kinds and set(kinds) - {"code", "link"}:
            return "the code mark combines only with link"
        for mark in marks:
            if mark["type"] == "link" and not str(mark.get("attrs", {}).get("href", "")):
                return "a link mark needs an href"
    if kind == "heading" and node.get("attrs", {}).get("level") not in range(1, 7):
        return "a heading needs a level from 1 to 6"
    content = node.get("content", [])
    if not isinstance(content, list):
        return "content must be an array"
    if kind == "listItem" and (not content or content[0].get("type") not in {"paragraph", "codeBlock"}):
        return "a list item starts with a paragraph"
    for child in content:
        problem = adf_problem(child, top=False)
        if problem:
            return problem
    return None


@dataclass
class _Fault:
    status: int
    remaining: int
    path: str | None


@dataclass
class AtlassianFaults:
    """Fault injection shared by the Atlassian fakes.

    `rate_limit` allows that many requests per second (sliding window on `clock`); past it the answer
    is 429 with ``Retry-After`` (whole seconds) and ``X-RateLimit-Reset`` (ISO), or only the reset
    header when `reset_header_only`. `fail_next` and `malformed_next` queue failures.
    """

    clock: Callable[[], float]
    now: Callable[[], datetime]
    rate_limit: int | None = None
    reset_header_only: bool = False
    rate_limited: int = 0
    """How many requests were answered 429."""
    _faults: list[_Fault] = field(default_factory=list)
    _malformed: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._limiter = SlidingWindow(self.clock)

    def fail_next(self, status: int, count: int = 1, *, path: str | None = None) -> None:
        """Answer the next `count` requests (to `path`, when given) with `status`: 5xx as an HTML
        proxy page, 4xx as the product's error body."""
        self._faults.append(_Fault(status, count, path))

    def malformed_next(self, kind: Literal["html", "shape"] = "html", count: int = 1) -> None:
        """Answer the next `count` requests 200 with an HTML page or with JSON of the wrong shape."""
        self._malformed.extend([kind] * count)

    def _rate_limited(self, wait: float) -> Response:
        self.rate_limited += 1
        reset = self.now() + timedelta(seconds=wait)
        headers = {
            "X-RateLimit-Limit": str(self.rate_limit),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%M:%S.") + f"{reset.microsecond // 1000:03d}Z",
            "RateLimit-Reason": "jira-burst-based",
        }
        if not self.reset_header_only:
            headers["Retry-After"] = str(math.ceil(wait))
        return JSONResponse({"errorMessages": ["Rate limit exceeded."], "errors": {}}, 429, headers=headers)

    def check(self, path: str, error: Callable[[int], Response]) -> Response | None:
        """The response standing in for the real one, or None to answer normally."""
        wait = None if self.rate_limit is None else self._limiter.admit(self.rate_limit)
        if wait is not None:
            return self._rate_limited(max(wait, 0.001))
        fault = next((f for f in self._faults if f.path in {None, path}), None)
        if fault is not None:
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
            if fault.status >= 500:
                page = "<html><body><h1>Service Unavailable</h1></body></html>"
                return Response(page, fault.status, media_type="text/html")
            return error(fault.status)
        if self._malformed:
            if self._malformed.pop(0) == "html":
                page = "<html><head><title>Atlassian</title></head><body>Down for maintenance</body></html>"
                return Response(page, 200, media_type="text/html")
            return JSONResponse({"values": "not what you asked for", "isLast": "maybe"})
        return None


__all__ = [
    "API_TOKEN",
    "EMAIL",
    "SITE",
    "AtlassianFaults",
    "adf_plain",
    "adf_problem",
    "text_to_adf",
]
