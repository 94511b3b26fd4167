"""The small grammar of text addressed to a machine reader: labels, vocatives and notes naming an AI or
assistant, chat-template markers, instructions about the reader's instructions and directives about
the workflow's fields."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .rendered import Block

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


def without_machine_addressed(parts: list[Block | None]) -> list[Block | None]:
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
