"""HTML a rendering hides: comments, `<script>` and the like, and elements styled out of sight (hidden,
white on white, tiny, off screen)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_NEVER_SHOWN = frozenset({"script", "style", "template", "noscript", "title", "iframe", "object"})
"""Elements whose content a browser does not draw as text."""
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
_HTML_ELEMENTS = (
    _VOID
    | _NEVER_SHOWN
    | frozenset(
        """
    a abbr address article aside audio b bdi bdo blockquote body button canvas caption cite code data
    datalist dd del details dfn dialog div dl dt em fieldset figcaption figure font footer form h1 h2 h3
    h4 h5 h6 header html i ins kbd label legend li main map mark menu meter nav ol optgroup option
    output p picture pre progress q rp rt ruby s samp section select slot small span strong sub summary
    sup table tbody td textarea tfoot th thead time tr u ul var video center big tt strike marquee
    """.split()  # noqa: SIM905
    )
)
"""Tag names a browser treats as markup. Other ``<words>`` (``<token>``, ``<your-api-key>``) stay as
text: on most platforms they are placeholders a person reads."""

_WHITE = frozenset({"white", "#fff", "#ffffff", "#fffffe", "rgb(255,255,255)", "rgba(255,255,255,1)"})
_LENGTH = re.compile(r"^(-?\d*\.?\d+)\s*(px|pt|em|rem|%|vw|vh|ch|ex)?$")


def _declarations(style: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in style.split(";"):
        name, sep, value = part.partition(":")
        if sep:
            out[name.strip().lower()] = " ".join(value.lower().replace("!important", "").split())
    return out


def _length(value: str) -> tuple[float, str] | None:
    match = _LENGTH.match(value.strip())
    if match is None:
        return None
    return float(match.group(1)), match.group(2) or "px"


def _tiny(value: str) -> bool:
    """A font size nobody can read: zero, under 3px, under a fifth of the surrounding size."""
    size = _length(value)
    if size is None:
        return False
    number, unit = size
    limit = {"px": 3.0, "pt": 2.0, "em": 0.2, "rem": 0.2, "%": 20.0, "ex": 0.4, "ch": 0.4}.get(unit, 0.5)
    return number < limit


def _off_screen(value: str) -> bool:
    size = _length(value)
    return size is not None and size[0] <= -500 and size[1] in {"px", "pt", "em", "rem", "vw", "vh", "%"}


def _colour(value: str) -> str:
    colour = value.replace(" ", "")
    if re.fullmatch(r"#[0-9a-f]{3}", colour):
        colour = "#" + "".join(c * 2 for c in colour[1:])
    return colour


def _transparent(colour: str) -> bool:
    return colour == "transparent" or bool(re.fullmatch(r"(?:rgba|hsla)\(.*,0?\.?0*\)", colour))


def _style_hides(style: dict[str, str], background: str | None) -> bool:
    """Whether a CSS declaration block makes an element's text invisible on a light page."""
    if style.get("display") == "none" or style.get("visibility") in {"hidden", "collapse"}:
        return True
    opacity = _length(style.get("opacity", ""))
    if opacity is not None and opacity[0] < (10.0 if opacity[1] == "%" else 0.1):
        return True
    if "font-size" in style and _tiny(style["font-size"]):
        return True
    # the shorthand: "font: 0/0 a", "font: bold 1px serif"
    if any(_tiny(token) for token in style.get("font", "").split("/")[0].split()):
        return True
    colour = _colour(style.get("color", ""))
    if colour and _transparent(colour):
        return True
    own_background = _colour(style.get("background-color", style.get("background", "")))
    ground = own_background or background or "#ffffff"
    if colour and (colour == ground or (colour in _WHITE and _colour(ground) in _WHITE)):
        return True
    if style.get("position") in {"absolute", "fixed"} and any(
        _off_screen(style.get(side, "")) for side in ("left", "top", "right", "bottom")
    ):
        return True
    if _off_screen(style.get("text-indent", "")) or _off_screen(style.get("margin-left", "")):
        return True
    clip = style.get("clip", "") + style.get("clip-path", "")
    if re.search(r"rect\(\s*0(?:px)?[ ,]+0(?:px)?[ ,]+0(?:px)?[ ,]+0|inset\(\s*50%|circle\(\s*0", clip):
        return True
    if re.search(r"scale\(\s*0(?:\.0+)?\s*[,)]|translate[xy]?\(\s*-\d{3,}", style.get("transform", "")):
        return True
    collapsed = any(
        (_length(style[key]) or (1.0, ""))[0] == 0
        for key in ("width", "height", "max-width", "max-height")
        if key in style
    )
    return collapsed and style.get("overflow") in {"hidden", "clip"}


def _attrs_hide(tag: str, attrs: dict[str, str | None], background: str | None) -> bool:
    if tag in _NEVER_SHOWN or "hidden" in attrs:
        return True
    if (attrs.get("aria-hidden") or "").strip().lower() == "true":
        return True
    if tag == "input" and (attrs.get("type") or "").lower() == "hidden":
        return True
    style = _declarations(attrs.get("style") or "")
    if tag == "font":
        if attrs.get("color"):
            style.setdefault("color", (attrs.get("color") or "").lower())
        if (attrs.get("size") or "").strip() in {"0", "-7"}:
            return True
    return _style_hides(style, background)


def _background(attrs: dict[str, str | None], inherited: str | None) -> str | None:
    style = _declarations(attrs.get("style") or "")
    own = style.get("background-color") or style.get("background") or attrs.get("bgcolor")
    return _colour(own.lower()) if own else inherited


@dataclass
class _Open:
    tag: str
    hides: bool
    background: str | None


@dataclass
class HtmlState:
    """What is open across the blocks of one record: an element opened in one markdown block (a ``<div>``
    line) hides the blocks up to its closing tag, as a browser draws them."""

    closed: frozenset[str] = frozenset()
    """Names of the elements the record closes somewhere (``</script>``)."""
    stack: list[_Open] = field(default_factory=list)
    comment_open: bool = False
    """An ``<!--`` never closed: a browser hides everything after it."""

    @property
    def hidden(self) -> bool:
        return self.comment_open or any(o.hides for o in self.stack)

    @property
    def background(self) -> str | None:
        return next((o.background for o in reversed(self.stack) if o.background), None)

    def open(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag in _VOID:
            return
        background = _background(attrs, self.background)
        self.stack.append(_Open(tag, _attrs_hide(tag, attrs, self.background), background))

    def close(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return


class _Events(HTMLParser):
    """Records where each piece of markup and text starts (offsets into the fed text)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.starts = [0]
        for line in text.split("\n"):
            self.starts.append(self.starts[-1] + len(line) + 1)
        self.events: list[tuple[int, str, str, dict[str, str | None]]] = []

    def _at(self) -> int:
        line, column = self.getpos()
        return self.starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append((self._at(), "start", tag, {k.lower(): v for k, v in attrs}))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append((self._at(), "void", tag, {k.lower(): v for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        self.events.append((self._at(), "end", tag, {}))

    def handle_data(self, data: str) -> None:
        self.events.append((self._at(), "data", "", {}))

    def handle_comment(self, data: str) -> None:
        self.events.append((self._at(), "comment", "", {}))

    def handle_decl(self, decl: str) -> None:
        self.events.append((self._at(), "markup", "", {}))

    def handle_pi(self, data: str) -> None:
        self.events.append((self._at(), "markup", "", {}))

    def unknown_decl(self, data: str) -> None:
        self.events.append((self._at(), "markup", "", {}))

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        """``<![CDATA[...]]>``, ``<![if ...]>``: a browser reads a bogus comment up to the next ``>``."""
        end = self.rawdata.find(">", i + 3)
        if end < 0:
            return -1
        self.events.append((self._at(), "comment", "", {}))
        return end + 1


_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)


_NOT_A_TAG = re.compile(r"<(?!!--)(?![^<>]*>)")
"""A ``<`` that starts no complete tag (``a < b``, ``<div <div``): text to a browser, and left out of what
the HTML parser is given, whose handling of unfinished tags takes quadratic time."""


def masked_code(text: str) -> str:
    """`text` with code spans and stray ``<`` blanked out (same length), so markup a person sees as code
    is not parsed."""
    return _NOT_A_TAG.sub("x", _CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", "x", m.group(0)), text))


CLOSING_TAG = re.compile(r"</\s*([A-Za-z][\w-]*)")
_ANY_TAG = re.compile(r"<[!/?]?[A-Za-z\[][^<>]*>")


def _unclosed_comment(masked: str) -> int:
    """Where an ``<!--`` that never ends starts in `masked`, or -1."""
    at = 0
    while (start := masked.find("<!--", at)) >= 0:
        end = masked.find("-->", start + 4)
        if end < 0:
            return start
        at = end + 3
    return -1


def strip_html(text: str, state: HtmlState) -> str:
    """`text` (one markdown block) without what the browser hides and without the markup of HTML tags."""
    if state.comment_open:
        return ""
    masked = masked_code(text)
    unclosed = _unclosed_comment(masked)
    if unclosed >= 0:
        # an HTML comment that never ends hides the rest of the record, as in a browser
        shown = strip_html(text[:unclosed], state)
        state.comment_open = True
        return shown
    if "<" not in masked:
        return "" if state.hidden else text
    parser = _Events(masked)
    try:
        parser.feed(masked)
        parser.close()
    except AssertionError:
        # markup the standard parser gives up on (a malformed declaration): no tag of it is shown
        return "" if state.hidden else _ANY_TAG.sub("", text)
    events = sorted(parser.events, key=lambda e: e[0])
    keep: list[str] = []
    for index, (start, kind, tag, attrs) in enumerate(events):
        end = events[index + 1][0] if index + 1 < len(events) else len(text)
        piece = text[start:end]
        if kind == "data":
            if not state.hidden:
                keep.append(piece)
        elif kind in {"start", "void"}:
            mention = tag in _NEVER_SHOWN and not attrs and tag not in state.closed
            # "put the snippet in a <script> tag": a bare tag the record never closes is prose
            if not state.hidden and (mention or tag not in _HTML_ELEMENTS):
                keep.append(piece)
            if kind == "start" and not mention:
                state.open(tag, attrs)
        elif kind == "end":
            if not state.hidden and tag not in _HTML_ELEMENTS:
                keep.append(piece)
            state.close(tag)
    return "".join(keep)


# ---------------------------------------------------------------------------------------------- markdown
