"""The card's build step: the HTML, CSS and script sources of this package inlined into one document,
with a content-security policy that allows exactly that script and that style (by their sha256
hashes) and no network destination at all."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

SOURCES = ("card.html", "card.css", "card.js")


@dataclass(frozen=True)
class CardBundle:
    """The built card and the hashes its policy allows."""

    html: str
    script_hash: str
    """``sha256-<base64>`` of the inline script, as it appears in ``script-src``."""
    style_hash: str
    csp: str


def csp_hash(text: str) -> str:
    """The CSP source expression that allows an inline element with exactly this text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def content_security_policy(script_hash: str, style_hash: str) -> str:
    """Only the card's own script and style; no connections, frames, images, fonts, forms or base."""
    return "; ".join(
        (
            "default-src 'none'",
            f"script-src '{script_hash}'",
            f"style-src '{style_hash}'",
            "img-src 'none'",
            "font-src 'none'",
            "connect-src 'none'",
            "frame-src 'none'",
            "form-action 'none'",
            "base-uri 'none'",
        )
    )


def build(html: str, style: str, script: str) -> CardBundle:
    """The document `html` with `style` and `script` inlined and the policy in its ``<meta>``.

    Raises:
        ValueError: the template lacks a placeholder, or the script or style would end its element early.
    """
    for marker in ("{csp}", "{style}", "{script}"):
        if html.count(marker) != 1:
            raise ValueError(f"the card template needs {marker} exactly once")
    if "</script" in script.lower() or "</style" in style.lower():
        raise ValueError("the card's script or style closes its own element")
    script_hash, style_hash = csp_hash(script), csp_hash(style)
    csp = content_security_policy(script_hash, style_hash)
    document = html.replace("{csp}", csp).replace("{style}", style).replace("{script}", script)
    return CardBundle(html=document, script_hash=script_hash, style_hash=style_hash, csp=csp)


@cache
def card_bundle() -> CardBundle:
    """The card built from the sources shipped in this package."""
    folder = files(__package__)
    html, style, script = (folder.joinpath(name).read_text(encoding="utf-8") for name in SOURCES)
    return build(html, style, script)


__all__ = ["SOURCES", "CardBundle", "build", "card_bundle", "content_security_policy", "csp_hash"]
