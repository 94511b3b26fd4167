"""Lifting quotable facts from ticket text: sentences, numbered steps, error lines, environment and what
was tried.

Ticket text is untrusted: it is only ever quoted, after e-mail addresses and secrets are removed, and
sentences that read like instructions to the drafter are skipped rather than quoted.
"""

from __future__ import annotations

import re

from ...signals import normalise
from ...visible_text import addressed_to_a_machine, for_people

# ------------------------------------------------------------------ lifting facts from ticket text

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SECRETS = (
    re.compile(r"\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{6,}\b"),
    re.compile(r"\bBearer\s+[A-Za-z0-9._~+/=-]{8,}", re.I),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}\b"),
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b"),
    re.compile(r"\b[A-Fa-f0-9]{32,}\b"),
    re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{5,}"),
)
_PERSONAL = (
    (re.compile(r"(?<![\w-])(?:\d[ -]?){12,18}\d(?![\w-])"), "[card number removed]"),
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "[number removed]"),
    (re.compile(r"(?i)\b(cvv|cvc|cvv2)\b\s*:?\s*\d{3,4}\b"), "[card code removed]"),
    (re.compile(r"(?<![\w+])\+\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,4}(?!\w)"), "[phone removed]"),
    (re.compile(r"\(\d{3}\)\s?\d{3}-\d{4}\b"), "[phone removed]"),
)
"""Card numbers, social security numbers, card codes and phone numbers."""
_SECRET_ASSIGNMENT = re.compile(
    r"(?i)\b(password|passwd|secret|token|api[_ -]?key|signing[_ ]secret|client[_ ]secret)(\s*[:=]\s*|\s+is\s+)(\S{4,})"
)
_INSTRUCTION = re.compile(
    r"(?i)(ignore (all |any |the )?(previous|prior|above|earlier) |disregard |system prompt|\byou are an? "
    r"(ai|assistant|language model)|\b(assistant|system)\s*:|route (this|it|the (escalation|ticket|brief)) to|"
    r"(set|mark|change) (the )?(severity|priority|target)|escalate (this |it )?(straight |directly )?to "
    r"(leadership|security|the ceo|executives)|\bpost (the|this|our|all)\b.*\b(list|contacts?|emails?|channel)|"
    r"(send|share|reveal|forward) (me |us )?(the |all )?(contact|customer|e-?mail|password|secret|token|list))"
)


def _redacted_assignment(match: re.Match[str]) -> str:
    """``password: hunter2`` loses its value; ``password is locked out`` is prose and stays."""
    value = match.group(3)
    if match.group(2).strip() == "is" and value.isalpha() and value.islower():
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}[redacted]"


def scrub(text: str) -> str:
    """Text without e-mail addresses, card or identity numbers, phone numbers or secrets."""
    out = EMAIL.sub("[e-mail removed]", text)
    for pattern, replacement in _PERSONAL:
        out = pattern.sub(replacement, out)
    out = _SECRET_ASSIGNMENT.sub(_redacted_assignment, out)
    for pattern in _SECRETS:
        out = pattern.sub("[redacted]", out)
    return out


def is_instruction(sentence: str) -> bool:
    """Whether a sentence reads like an instruction to whoever drafts the brief (it is never quoted): the
    planner's own patterns, or anything the policy's signal reader would not take as evidence."""
    clean = normalise(sentence)
    return bool(_INSTRUCTION.search(clean)) or addressed_to_a_machine(clean)


def shorten(text: str, limit: int = 220) -> str:
    """`text` on one line, cut at a word boundary with an ellipsis when longer than `limit`."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 3 and not flat[limit - 1].isspace():
        cut = cut[:space]
    return cut.rstrip(" ,;:-\u2013\u2014(") + "…"


_FINAL = re.compile(r"[.!?…][\u201d\"')\]]*$")


def end_sentence(text: str) -> str:
    """`text` ending with one full stop: none added after a quote or parenthesis that already ends one."""
    stripped = text.rstrip()
    return stripped if _FINAL.search(stripped) else stripped + "."


_GREETING = re.compile(
    r"^(hi|hello|hey|dear|good (morning|afternoon|evening)|thanks|thank you|regards|kind regards|best|cheers)\b.{0,40}$",
    re.I,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


_SALUTATION = re.compile(r"^(?:hi|hello|hey|dear)\s+[\w.-]+(?:\s+[\w.-]+)?,\s*", re.I)
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*\u2022])\s+")


def _prose_line(line: str) -> bool:
    """A line of prose: not indented code or logs, not a list item, heading or signature."""
    stripped = line.strip()
    if not stripped or line.startswith(("    ", "\t")) or _LIST_ITEM.match(line):
        return False
    if stripped.endswith(":"):
        return False
    # names, titles and sign-offs: short lines without sentence punctuation
    return not (len(stripped.split()) <= 6 and not re.search(r"[.!?]$", stripped))


def sentences(text: str) -> list[str]:
    """Prose sentences of a message: code, logs, lists, greetings and signatures left out."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", for_people(text)):
        prose = " ".join(line.strip() for line in block.splitlines() if _prose_line(line))
        for sentence in _SENTENCE_END.split(prose):
            stripped = _SALUTATION.sub("", sentence.strip())
            sentence = stripped[:1].upper() + stripped[1:] if stripped != sentence.strip() else stripped
            if len(sentence) < 12 or _GREETING.match(sentence) or len(sentence.split()) < 3:
                continue
            out.append(sentence)
    return out


_CUT_TAIL = re.compile(r"\s*\S*?(?:\.\.\.|…)\s*$")


def quotable(text: str, limit: int = 220) -> list[str]:
    """Sentences safe to quote: instructions dropped, e-mail addresses and secrets removed, shortened. A
    text a search cut short (ending ``...``) loses its last, possibly partial, word."""
    if _CUT_TAIL.search(text) and re.search(r"\w(?:\.\.\.|…)\s*$", text):
        text = _CUT_TAIL.sub("…", text)
    return [shorten(scrub(s), limit) for s in sentences(text) if not is_instruction(s)]


_STEP = re.compile(r"^\s*(\d{1,2})[.)]\s+(\S.*)$")
_LABELLED = {
    "expected": re.compile(r"^\s*Expected(?:\s+(?:result|behaviou?r))?\s*[:=-]\s*(\S.*)$", re.I | re.M),
    "actual": re.compile(r"^\s*Actual(?:\s+(?:result|behaviou?r))?\s*[:=-]\s*(\S.*)$", re.I | re.M),
    "environment": re.compile(r"^\s*(?:Environment|Env|Setup)\s*[:=-]\s*(\S.*)$", re.I | re.M),
}


def numbered_steps(text: str) -> list[str]:
    """The first run of numbered steps (1., 2., ...) in `text`."""
    steps: list[str] = []
    for line in for_people(text).splitlines():
        match = _STEP.match(line)
        if match and int(match.group(1)) == len(steps) + 1:
            steps.append(shorten(scrub(match.group(2)), 240))
        elif steps and line.strip():
            if len(steps) >= 2:
                break
            steps = []
    return steps if len(steps) >= 2 else []


def labelled(text: str, label: str) -> str | None:
    """The text after `Expected:`, `Actual:` or `Environment:` in `text`."""
    match = _LABELLED[label].search(for_people(text))
    return shorten(scrub(match.group(1)), 240) if match else None


_ERROR_LINES = (
    re.compile(r"HTTP/\d(?:\.\d)?\s+[45]\d\d\b.*"),
    re.compile(r"\b[\w.]*(?:Error|Exception):\s.+"),
    re.compile(r"\{\s*\"(?:error|detail|message|schemas)\".*\}"),
    re.compile(r"\b(?:POST|GET|PUT|PATCH|DELETE)\s+\S+\s*(?:->|=>)\s*[45]\d\d\b.*"),
    re.compile(r"(?i)\b(?:error|failed|blocked)\b.{0,20}:\s*\S.{8,}"),
)


def _error_only(line: str, start: int, text: str) -> str:
    """The error itself, without the prose that follows it on the same line: up to the closing quote
    when the error was quoted, else up to the end of its sentence."""
    if start > 0 and text[start - 1] in "\"'\u201c":
        closing = {"\u201c": "\u201d"}.get(text[start - 1], text[start - 1])
        return line.split(closing, 1)[0]
    return re.split(r"(?<=[.!?])\s+(?=[A-Z])", line, maxsplit=1)[0]


def error_lines(text: str, limit: int = 2) -> list[str]:
    """Exact error output quoted in `text` (status lines, exception lines, JSON error bodies)."""
    found: list[str] = []
    clean = for_people(text)
    for number, pattern in enumerate(_ERROR_LINES):
        for match in pattern.finditer(clean):
            raw = match.group(0).strip()
            if number in {1, 4}:  # exception and "error: ..." lines may run on into prose
                raw = _error_only(raw, match.start(), clean).strip()
            line = shorten(scrub(raw), 200)
            if line and not any(line in f or f in line for f in found) and not is_instruction(line):
                found.append(line)
            if len(found) >= limit:
                return found
    return found


_ENVIRONMENT = (
    re.compile(
        r"\b[a-z]+-(?:python|node|js|go|java|ruby|php|dotnet|sdk|ios|android)\s+v?\d+(?:\.\d+)+\b", re.I
    ),
    re.compile(r"\b(?:Python|Node(?:\.js)?|Java|Go|Ruby|PHP)\s+v?\d+(?:\.\d+)*\b"),
    re.compile(r"\b(?:Chrome|Firefox|Edge|Safari)(?:\s+\d+)?\b"),
    re.compile(r"\b(?:macOS|Windows|Ubuntu|Linux|iOS|Android)(?:\s+\d+(?:\.\d+)*)?\b"),
    re.compile(
        r"\b(?:AWS |GCP |Azure )?(?:us|eu|ap|sa|ca|me|af)-(?:east|west|central|north|south|northeast|southeast)-\d\b"
    ),
    re.compile(r"\b(?:Okta|OneLogin|Entra ID|Azure AD|Google Workspace|Auth0|Ping(?:Identity)?)\b"),
    re.compile(r"\b(?:Enterprise|Business|Pro|Free) plan\b", re.I),
    re.compile(r"\b(?:release|version)\s+v?\d+(?:\.\d+)+\b", re.I),
    re.compile(r"(?<![\d.-])20\d\d\.\d{1,2}\.\d{1,2}(?![\d-])"),
    re.compile(r"\b(?:S3|GCS|Azure Blob|BigQuery|Snowflake|Redshift)\b"),
)


def environment(text: str) -> list[str]:
    """Environment details named in `text`: SDK and runtime versions, browsers, OS, region, IdP, plan."""
    found: list[str] = []
    clean = for_people(text)
    for pattern in _ENVIRONMENT:
        for match in pattern.finditer(clean):
            value = match.group(0).strip()
            if value.lower() not in {f.lower() for f in found}:
                found.append(value)
    return found[:8]


_TRIED = re.compile(
    r"(?i)\b(tried|retried|retrying|reduced|dropped|switched|rolled back|rollback|reproduced|"
    r"workaround|cleared|restarted|re-?enabled|rotated|removed|lowered|double-checked|tested|narrowed|"
    r"traced|stopgap|avoids?|for now|(?:we|i|have|has) (?:verified|checked|confirmed|split|cut|disabled)|"
    r"(?:i've|we've|i have|we have) (?:logged|raised|shared|passed|added|filed|linked|escalated)|filed)\b"
)


_ACKNOWLEDGEMENT = re.compile(
    r"(?i)^(?:thanks?|thank you|sorry|apologies)\b|"
    r"\b(?:i|we)(?:'ve| have)? (?:shared|passed|forwarded|raised|escalated|logged|flagged)\b|"
    r"\b(?:i|we) can confirm\b|\bwe(?:'re| are) (?:aware|on it|looking|investigating)\b|"
    r"\b(?:i|we)(?:'ll| will) (?:come back|get back|follow up|update you|let you know|keep you)\b|"
    r"^(?:filed|linked|logged|raised)\b[^.]{0,40}\b[A-Z]{2,10}-\d+\b[^.]{0,60}[.!]?$"
)
"""Sentences that acknowledge, apologise, promise or file, rather than say what was tried."""


def is_acknowledgement(sentence: str) -> bool:
    """Whether a sentence only acknowledges, hands on or promises (not troubleshooting)."""
    return bool(_ACKNOWLEDGEMENT.search(sentence))


def tried_sentences(text: str) -> list[str]:
    """Sentences that say what was tried and what happened (not acknowledgements or hand-offs)."""
    return [s for s in quotable(text, 240) if _TRIED.search(s) and not is_acknowledgement(s)]
