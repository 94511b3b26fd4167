"""What a person reading a record sees, and which of it is said to a person.

A ticket, comment, chat message, tracker issue or article is shown on its platform rendered: markdown
and HTML are drawn, not printed. Text the rendering hides (an HTML comment, a markdown link definition
used as a comment such as ``[//]: # (...)``, an element styled ``display:none``, white on white, pushed
off screen or inside ``<script>``) is never read by a person, so it is never a customer's words.
`visible` returns the record's text without it. The result keeps the source form (markdown syntax,
line breaks, indentation), only the hidden parts are cut out, so ordinary text comes back unchanged.

Of what is visible, what is said to an automated reader is not a customer's words either. `for_people`
drops it with a small grammar rather than a phrase list: a sentence whose addressee is a machine reader
(a label, vocative or note naming an AI, assistant, model, bot, LLM, triage or routing system: "Claude:
...", "Note for the triage system: ...", "AI assistants reading this: ..."), a chat-template marker
(``[INST]``, ``<|im_start|>``, ``<<SYS>>``, a ``### System`` heading, a ``system:`` role label), an
instruction about the reader's own instructions ("ignore your previous instructions") or a directive
about the workflow's own fields ("set the severity to Critical", ``decision=escalate; severity=...``).
From that sentence to the end of its block (paragraph, list item, heading section or template region)
is left out, so a planted instruction cannot pass its next sentence off as the customer's.

Names an ordinary sentence uses stay: "our AI assistant stopped answering", "the system message says
error 500", "the agent was rude". An ambiguous addressee (assistant, agent, model, system, Claude) counts
only when the sentence is also a directive: it speaks to "you" or names the workflow (escalate, route,
severity, priority, brief, contacts ...).

Pure functions of strings; no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..connectors.text import strip_invisible

# ---------------------------------------------------------------------------------------------- characters

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""C0 and C1 control characters other than tab and line breaks."""


def plain(text: str) -> str:
    """`text` NFKC-normalised, with Unix line breaks and without invisible or control characters."""
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", strip_invisible(text))


# ---------------------------------------------------------------------------------------------- HTML

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
class _HtmlState:
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


def _masked(text: str) -> str:
    """`text` with code spans and stray ``<`` blanked out (same length), so markup a person sees as code
    is not parsed."""
    return _NOT_A_TAG.sub("x", _CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", "x", m.group(0)), text))


_CLOSING = re.compile(r"</\s*([A-Za-z][\w-]*)")
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


def _strip_html(text: str, state: _HtmlState) -> str:
    """`text` (one markdown block) without what the browser hides and without the markup of HTML tags."""
    if state.comment_open:
        return ""
    masked = _masked(text)
    unclosed = _unclosed_comment(masked)
    if unclosed >= 0:
        # an HTML comment that never ends hides the rest of the record, as in a browser
        shown = _strip_html(text[:unclosed], state)
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


@lru_cache(maxsize=1)
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
    state = _HtmlState(closed=frozenset(t.lower() for t in _CLOSING.findall(source)))
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
            shown = _strip_html(_without_comment_links(raw), state)
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
    masked = _masked(text)
    if "]:" not in masked:
        return text
    spans = [m.span() for m in _COMMENT_LINK.finditer(masked)]
    for start, end in reversed(spans):
        text = text[:start] + text[end:]
    return text


def _between(
    lines: list[str], start: int, end: int, definitions: set[int], state: _HtmlState
) -> Iterator[Block | None]:
    """Lines no leaf block covers: blank lines, link definitions (hidden), and, past markdown's nesting
    limit, text the parser gave up on (kept as it is)."""
    for number in range(start, end):
        text = lines[number]
        if not text.strip() or number in definitions or state.hidden or _definition(text):
            yield None
        else:
            yield Block(text, "text")


def _joined(parts: list[Block | None]) -> str:
    return "\n".join("" if p is None else p.text for p in parts)


@lru_cache(maxsize=4_096)
def visible(text: str) -> str:
    """What a person reading the record on its platform sees, in the record's own markdown: invisible
    characters, HTML comments, link definitions, hidden elements and HTML markup left out."""
    if not text:
        return ""
    return _joined(blocks(text))


# ---------------------------------------------------------------------------------------------- addressees

_OPENER = r"(?:^|(?<=[.!?;:)\]>#\-–—])[ \t]++|(?<=\n))[ \t\"'(\[{*_~>#|•·!-]{0,12}+"
"""Where a sentence or clause starts: the start of a block or line, or after a sentence end, a colon or
a closing bracket; opening punctuation and markdown emphasis may come first."""
_MACHINE = (
    r"(?:a\.?i\.?|llms?|gpt[\w.-]*|chat\s?gpt|copilot|chat-?bots?|[\w-]+-bots?|bots?|language\s+models?|"
    r"(?:ai|a\.i\.|llm|gpt|automated|automatic|autonomous|escalation|triage|routing|classification|"
    r"summari[sz]ation|ticketing)[\s-]+(?:[\w-]+[\s-]+)?"
    r"(?:agents?|assistants?|bots?|models?|tools?|systems?|readers?|pipelines?|processors?|classifiers?|"
    r"engines?|copilots?)|whoever\s+(?:reads|processes|writes|drafts|handles|triages|summari[sz]es))"
)
"""Addressees that can only be a machine reader."""
_ROLES = r"(?:assistants?|models?|system|summari[sz]ers?|classifiers?|triagers?)"
_NAMES = r"(?:claude|gemini|bard|grok|llama|mistral)"
"""Model names that are also people's names: they count only as a label (``Claude: ...``), since "Hi
Claude, can you escalate this?" is as likely said to a colleague."""
_AMBIGUOUS = rf"(?:{_ROLES}|{_NAMES})"
"""Addressees that may also be a person or a product ("Claude from IT", "Models: X1 and X2")."""
_ADDRESSEE = rf"(?P<who>{_MACHINE}|{_AMBIGUOUS})"
_SPOKEN_TO = rf"(?P<who>{_MACHINE}|{_ROLES})"
_DETERMINER = r"(?:(?:the|any|all|every|each|an?)\s+)?"
_DOING = (
    r"(?:[\s-]+only|[\s-]+instructions?|[\s-]+(?:note|notice|directive|override)s?|\s+(?:reading|processing|"
    r"handling|working|triaging|writing|reviewing|drafting|parsing|summari[sz]ing|analy[sz]ing|seeing|"
    r"looking\s+at)\b[^\n:.,]{0,50}?)?"
)
_NOT_OURS = r"(?<!\bour )(?<!\bmy )(?<!\btheir )(?<!\byour )(?<!\bhis )(?<!\bher )(?<!'s )"
_CLOSE = r"[\])*_]*"
"""Emphasis or a bracket closing a label before its colon (``**Gemini**:``, ``[assistant]:``)."""
_NOTE = (
    r"(?:notes?|messages?|instructions?|directions|notice|memo|information|info|reminders?|requests?|orders?|"
    r"warning|context|important|attention|related\s+records|update)"
)

_FORMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), needs)
    for pattern, needs in (
        # a label: "Claude:", "AI assistants reading this:", "assistant-only:", "LLM instruction:"
        (rf"{_OPENER}{_DETERMINER}{_ADDRESSEE}{_DOING}{_CLOSE}\s*:(?!//)", "strong"),
        # a note for it: "Note for the triage system:", "Message from the admin to the AI agent: ..."
        (
            rf"{_OPENER}(?:[\w'’-]+[\s,]+){{0,6}}?(?:for|to)\s+{_DETERMINER}{_NOT_OURS}{_ADDRESSEE}{_DOING}\s*:(?!//)",
            "strong",
        ),
        (
            rf"\b{_NOTE}\s+(?:[\w'’-]+\s+){{0,5}}?(?:for|to)\s+{_DETERMINER}{_NOT_OURS}(?P<who>{_MACHINE})\b",
            "strong",
        ),
        # a greeting or a mention: "Hey AI, ...", "Dear AI assistant working this queue: ...", "@bot ..."
        (
            rf"{_OPENER}(?:dear|hey|hi|hello|attention|attn|ok|okay|yo)[\s:]+{_DETERMINER}{_SPOKEN_TO}\b[^\n.:,]{{0,50}}[:,!]",
            "strong",
        ),
        (rf"{_OPENER}@{_ADDRESSEE}\b", "strong"),
        # a vocative: "Bot, reply ...", "Claude, escalate ..."
        (rf"{_OPENER}{_DETERMINER}{_SPOKEN_TO}{_DOING}\s*(?:[,!—–]|\s-\s)", "spoken-to"),
        # the reader as the subject of a duty: "Automated agents must post ...", "the assistant should ..."
        (
            rf"(?:{_OPENER}|,\s+){_NOT_OURS}{_DETERMINER}{_ADDRESSEE}{_DOING}\s+"
            r"(?:must|should|shall|needs?\s+to|has\s+to|have\s+to|is\s+to|are\s+to|will\s+now|may\s+not|"
            r"is\s+(?:required|instructed|expected)\s+to|are\s+(?:required|instructed|expected)\s+to)\b",
            "strong",
        ),
    )
)
"""Where an addressee stands in a sentence, and what else the sentence needs: ``strong`` - nothing for a
machine-only addressee, a directive for an ambiguous one; ``spoken-to`` - a directive or a second person
for any addressee ("AI, ML and pipelines are down" is a list, not a vocative)."""
_STRONG = re.compile(rf"^(?:{_MACHINE})$", re.IGNORECASE)

_DIRECTIVE = re.compile(
    r"\b(?:escalat\w*|rout(?:e|ed|es|ing)|re-?route|classif\w*|categori[sz]\w*|triag\w*|severity|sev-?\s?\d|"
    r"priority|critical|p[0-4]|leadership|executives?|security\s+team|brief|instructions?|polic(?:y|ies)|"
    r"ignore|disregard|override|contacts?|e-?mail\s+addresses|cross-post|cite|decision|target)\b",
    re.IGNORECASE,
)
"""The workflow's vocabulary: what makes a sentence to an ambiguous addressee a directive about the work."""
_SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself|please)\b", re.IGNORECASE)

_TEMPLATE = re.compile(
    r"\[/?(?:inst|sys|system|assistant|user|human|prompt)\]|<</?sys>>|<\|[\w\s-]{1,30}\|>|"
    r"</?(?:system|assistant|instructions?|prompt|sys|im_start|im_end)>|"
    r"(?m:^[\s>*_-]*#{1,6}\s*(?:system|instructions?|response|assistant|input|context)\b)|"
    rf"{_OPENER}(?:system|assistant|developer)\s*(?:prompt|message|note|instructions?)?{_CLOSE}\s*:|"
    r"\b(?:system|admin(?:istrator)?|developer|operator|policy)[\s-]+(?:prompt|override|directive|"
    r"instructions?)\b|\bsystem\s+(?:note|notice)\b|\bsystem\s+message\s+(?:to|for)\b|"
    r"(?m:^[\s\"'(\[*_-]*system\s+message\s*[:\n])",
    re.IGNORECASE,
)
"""Chat-template markers and role labels: the text is dressed as a model's conversation."""
_TEMPLATE_OPENER = re.compile(
    r"\[/?(?:inst|sys|system)\]|<</?sys>>|<\|[\w\s-]{1,30}\|>|</?(?:system|sys)>", re.I
)
_ROLE_LABEL = re.compile(rf"{_OPENER}(?:system|assistant|developer){_CLOSE}\s*:", re.IGNORECASE)

_META = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:(?:all|any|every|each|of|the|your|its|these|those|"
    r"prior|previous|above|earlier|preceding|existing|usual|standard|support|escalation|other|original|"
    r"current|given|safety|my|our)\s+)*(?:instructions?|rules|polic(?:y|ies)|prompts?|guidelines|guardrails|"
    r"directives|programming|system\s+prompt)\b|"
    r"\byou\s+are\s+(?:now|no\s+longer)\b|\bif\s+you\s+are\s+(?:an?\s+)?(?:ai|llm|language\s+model|bot|"
    r"automated|assistant|model|agent)\b|\bas\s+an?\s+(?:ai|llm|language\s+model)(?:\s+(?:model|assistant|agent|system))?\s*,?\s+you\b|\bwhoever\s+(?:reads|processes|writes|drafts|handles|triages)\b|"
    r"\b(?:new|updated|real|actual|revised|hidden|secret)\s+(?:instructions?|task|orders|directive)\s*:|"
    r"\byour\s+(?:new\s+|real\s+|actual\s+|true\s+|original\s+)?(?:instructions|system\s+prompt|"
    r"guidelines|directives)\b",
    re.IGNORECASE,
)
"""An instruction about the reader's own instructions."""

_FIELD = (
    r"(?:decision|severity|sev|priority|target(?:[\s_]team)?|routing|classification|escalation[\s_]level|"
    r"verdict|assign(?:ee|ed[\s_]to))"
)
_FIELD_VALUE = re.compile(rf"[\"']?\b{_FIELD}\b[\"']?\s*(?:=|:=|:)\s*[\"']?[\w-]", re.IGNORECASE)
"""One of the workflow's own fields given a value, as in a forged assessment."""
_WORKFLOW_ORDER = re.compile(
    r"(?:^|(?<=[.!?;:])\s+|(?<=\n))[\s\"'(*_-]*(?:(?:please|now|then|just|also|and)\s+)*(?:"
    r"(?:re-?)?(?:classify|categori[sz]e|route|triage)\s+(?:this|it|the|these|every|all|each)\b|"
    r"(?:set|mark|change|bump|raise|lower|upgrade|downgrade|flag|tag|label)\s+(?:this|it|the\s+(?:ticket|case|"
    r"issue|brief|escalation))?\s*(?:as|to|with)?\s*(?:a\s+|an\s+)?(?:critical|sev-?\s?\d|p[0-4]\b|blocker)|"
    r"(?:set|change|bump|raise|lower|upgrade|downgrade|override)\s+(?:the\s+|its\s+|this\s+|it'?s\s+)?"
    r"(?:severity|priority|sev|classification|category|routing|target)\b)",
    re.IGNORECASE,
)
"""A directive about classification, routing, severity or priority, which only the workflow acts on."""

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")


def _rest_of_line(text: str, at: int) -> str:
    """What follows `at` on its line (at most 400 characters): where a label's or vocative's message is."""
    end = text.find("\n", at)
    return text[at : min(end if end >= 0 else len(text), at + 400)]


def _addressed_at(text: str) -> int | None:
    """Where the first sentence addressed to a machine reader starts in `text`, or None."""
    found: list[int] = []
    for pattern, needs in _FORMS:
        for match in pattern.finditer(text):
            rest = _rest_of_line(text, match.end())
            if needs == "spoken-to":
                ok = bool(_DIRECTIVE.search(rest) or _SECOND_PERSON.search(rest))
            else:
                ok = bool(_STRONG.match(match.group("who")) or _message(rest))
            if ok:
                found.append(match.start() + len(match.group(0)) - len(match.group(0).lstrip()))
                break
    return min(found) if found else None


def _sentence_start(text: str, at: int) -> int:
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, at)]
    line = text.rfind("\n", 0, at) + 1
    return max([line, *ends])


def _instruction_at(text: str) -> int | None:
    """Where the first instruction for a machine reader starts in `text` (a block), or None."""
    found: list[int] = []
    addressed = _addressed_at(text)
    if addressed is not None:
        found.append(addressed)
    for pattern in (_TEMPLATE, _META, _WORKFLOW_ORDER):
        match = pattern.search(text)
        if match is None:
            continue
        if pattern is _TEMPLATE and _ROLE_LABEL.fullmatch(match.group(0)):
            # "System: Ubuntu 22.04" is an environment line; a role label counts when it gives orders
            match = next(
                (m for m in _TEMPLATE.finditer(text, match.start()) if _orders(text, m)),
                None,
            )
            if match is None:
                continue
        marker = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
        # a chat-template marker or role label opens its region where it stands; other forms their sentence
        own = pattern is _TEMPLATE and (
            _TEMPLATE_OPENER.match(text, marker) or _ROLE_LABEL.fullmatch(match.group(0))
        )
        found.append(marker if own else _sentence_start(text, marker))
    for line_start, line in _lines(text):
        fields = list(_FIELD_VALUE.finditer(line))
        if len(fields) >= 2:
            found.append(_sentence_start(text, line_start + fields[0].start()))
            break
    return min(found) if found else None


def _orders(text: str, match: re.Match[str]) -> bool:
    """Whether a chat-template match is a marker, or a role label followed by a directive."""
    return not _ROLE_LABEL.fullmatch(match.group(0)) or _message(_rest_of_line(text, match.end()))


def _message(rest: str) -> bool:
    """Whether what follows an ambiguous label is a directive about the work, not a field's value:
    "System: Windows 11. Please escalate" is an environment line followed by the customer's request."""
    if not _DIRECTIVE.search(rest):
        return False
    first = _SENTENCE_END.split(rest.strip(), maxsplit=1)[0]
    return bool(_DIRECTIVE.search(first)) or len(first.split()) > 4


def _lines(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


_CLOSER = re.compile(
    r"\[/(?:inst|sys|system)\]|<</sys>>|<\|(?:im_end|end|eot_id|endoftext)\|>|</system>", re.I
)


_OPENING_MARKER = re.compile(r"\[(?:inst|sys|system)\]|<<sys>>|<\|im_start\|>|<\|system\|>|<system>", re.I)


def _keep(parts: list[Block | None]) -> list[Block | None]:
    """`parts` without what is addressed to a machine reader: from the first such sentence to the end of
    its block; a chat-template region to its closing marker's block; a heading that names a role with its
    section."""
    out: list[Block | None] = []
    skip_until: int | None = None
    """While a role heading's section runs: headings at this level or above end it."""
    region = False
    """Inside a chat-template region opened in an earlier block and closed in a later one."""
    for index, part in enumerate(parts):
        if part is None:
            out.append(None)
            continue
        if skip_until is not None:
            if part.kind == "heading" and part.level <= skip_until:
                skip_until = None
            else:
                out.append(None)
                continue
        if region:
            closer = list(_CLOSER.finditer(part.text))
            region = not closer
            out.append(None)
            continue
        cut = _instruction_at(part.text)
        if cut is None:
            out.append(part)
            continue
        if part.kind == "heading":
            skip_until = part.level
            out.append(None)
            continue
        opened = _OPENING_MARKER.search(part.text, cut)
        if opened is not None and not any(m.start() > opened.start() for m in _CLOSER.finditer(part.text)):
            # a region left open runs to its closing marker in a later block; with none, to this block's end
            region = any(p is not None and _CLOSER.search(p.text) for p in parts[index + 1 :])
        kept = part.text[:cut].rstrip()
        out.append(Block(kept, part.kind, part.level) if kept.strip() else None)
    return out


@lru_cache(maxsize=4_096)
def for_people(text: str) -> str:
    """What a person sees in the record (`visible`) without what is addressed to a machine reader: the
    text that can count as a customer's or colleague's words."""
    if not text:
        return ""
    return _joined(_keep(blocks(text)))


def addressed_to_a_machine(sentence: str) -> bool:
    """Whether `sentence` (or any part of it) is hidden from a person or addressed to a machine reader."""
    return for_people(sentence).strip() != plain(sentence).strip()


__all__ = ["Block", "addressed_to_a_machine", "blocks", "for_people", "plain", "visible"]
