"""Contact details: e-mail addresses (also obfuscated, percent-encoded or with accented letters) and phones."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

from ._common import Hit, digits

# --- email -------------------------------------------------------------------------------------------

_AT = r"(?:@|%40|&#64;|&#x40;)"
_EMAIL = re.compile(
    r"(?<![\w.%+\-\u0300-\u036f])"
    r"[\w%+\-](?:[\w.%+\-\u0300-\u036f]{0,62}[\w%+\-\u0300-\u036f])?"
    + _AT
    + r"(?:(?:[^\W_]|%[0-9A-Fa-f]{2})(?:(?:[\w\-\u0300-\u036f]|%[0-9A-Fa-f]{2}){0,61}"
    r"(?:[^\W_]|[\u0300-\u036f]|%[0-9A-Fa-f]{2}))?\.)+[^\W\d_]{2,24}"
    r"(?![\w\-\u0300-\u036f]|\.[^\W_])"
)
_OBFUSCATED_EMAIL = re.compile(
    r"(?i)(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+[ \t]*[\[({][ \t]*at[ \t]*[\])}][ \t]*"
    r"[A-Za-z0-9\-]+(?:[ \t]*(?:[\[({][ \t]*dot[ \t]*[\])}]|\.)[ \t]*[A-Za-z0-9\-]+)*"
    r"[ \t]*[\[({][ \t]*dot[ \t]*[\])}][ \t]*[A-Za-z]{2,24}(?![A-Za-z0-9])"
)
_SERVICE_ACCOUNT_DOMAIN = re.compile(r"(?:^|\.)(?:iam\.)?gserviceaccount\.")
# Host names, not mail domains: "deploy@build-01.internal" is a login on a machine.
_HOST_ONLY_DOMAIN = re.compile(r"\.(?:internal|local|localdomain|localhost|lan|intranet|home\.arpa)$")
# "ssh deploy@host", "scp f ops@host:/tmp", "rsync -a x backup@nas:": a login on a machine, not an address.
_REMOTE_LOGIN_BEFORE = re.compile(
    r"(?i)(?:^|[\s;|&(`$])(?:ssh|scp|sftp|rsync|mosh|ssh-copy-id|telnet|autossh)(?=[ \t])[^\n]*$"
)
_REMOTE_PATH_AFTER = re.compile(r":[\w~./\-]")
_DEOBFUSCATE = re.compile(r"(?i)\s*[\[({]\s*(at|dot)\s*[\])}]\s*|%40|&#64;|&#x40;")


def _in_url_credentials(text: str, start: int) -> bool:
    """Whether `start` is in the password of scheme://user:password@host (the password is no address)."""
    window = text[max(0, start - 200) : start]
    scheme_end = window.rfind("://")
    if scheme_end < 1 or not window[scheme_end - 1].isalpha():
        return False
    rest = window[scheme_end + 3 :]
    user, colon, _ = rest.partition(":")
    return bool(colon) and "@" not in user and not any(c.isspace() or c == "/" for c in rest)


def emails(text: str) -> Iterator[Hit]:
    """Addresses, as written, percent-encoded (`jane%40acme.example`) or obfuscated (`jane [at] ...`)."""
    for match in _EMAIL.finditer(text):
        start, end = match.span()
        if _in_url_credentials(text, start):
            continue
        domain = re.split(_AT, match[0], maxsplit=1)[-1].lower()
        if _SERVICE_ACCOUNT_DOMAIN.search(domain) or _HOST_ONLY_DOMAIN.search(domain):
            continue
        # git@github.com:acme/x.git, ssh://deploy@host/...: the user and host of a remote login.
        if _REMOTE_PATH_AFTER.match(text, end) or text.endswith("://", 0, start):
            continue
        line_start = text.rfind("\n", max(0, start - 80), start) + 1
        if _REMOTE_LOGIN_BEFORE.search(text, max(line_start, start - 80), start):
            continue
        yield Hit("email", start, end)
    for match in _OBFUSCATED_EMAIL.finditer(text):
        yield Hit("email", *match.span())


def normalised_email(raw: str) -> str:
    """The address `raw` stands for, lower case: `Jane [at] Acme [dot] example` is `jane@acme.example`."""

    def plain(match: re.Match[str]) -> str:
        word = match[1]
        return "." if word is not None and word.lower() == "dot" else "@"

    return unquote(_DEOBFUSCATE.sub(plain, raw)).strip().lower()


# --- phone -------------------------------------------------------------------------------------------

_EXTENSION = r"(?:[ \t]?(?:x|ext\.?|extension)[ \t]?[0-9]{1,5})?"
_PHONE_END = r"(?![A-Za-z0-9_\-]|[.,:/][0-9])"
_PHONE_INTERNATIONAL = re.compile(
    r"(?<![A-Za-z0-9_+/.\-])(?:\+|00(?=[1-9][0-9]{0,2}[ .\-]))[1-9]"
    r"(?:[ .\-]?(?:\([0-9]{1,4}\)|[0-9])){7,17}" + _EXTENSION + _PHONE_END
)
_PHONE_NANP = re.compile(
    r"(?<![A-Za-z0-9_+/#.$€£\-])(?:1[ .\-]?)?(?:\([2-9][0-9]{2}\)[ .\-]?|[2-9][0-9]{2}[ .\-])"
    r"[2-9][0-9]{2}[ .\-][0-9]{4}" + _EXTENSION + _PHONE_END
)
_PHONE_TRUNK = re.compile(
    r"(?<![A-Za-z0-9_+/#.$€£:\-])(?:\(0[1-9][0-9]{0,4}\)|0[1-9][0-9]{0,4})(?:[ .\-][0-9]{2,8}){1,4}"
    + _EXTENSION
    + _PHONE_END
)
_PHONE_CONTEXT = re.compile(
    r"(?i)(?<![A-Za-z])(?:phone|tel|telephone|mobile|cell|cellphone|whatsapp|sms|fax|landline"
    r"|call[ \t]+(?:me|us|him|her|them)(?:[ \t]+(?:on|at))?|reach[ \t]+(?:me|us)[ \t]+(?:on|at)"
    r"|text[ \t]+(?:me[ \t]+)?(?:on|at)|contact[ \t]+number)(?![A-Za-z])"
    r"(?:[ \t]+(?:number|no\.?|#))?[ \t]*[.:=\-]?[ \t]*"
    r"(?P<number>\+?(?:\([0-9]{1,5}\)|[0-9])(?:[ .\-]?(?:\([0-9]{1,5}\)|[0-9])){5,18})" + _PHONE_END
)
# "Invoice no. 0123-456-789", "order 0301 555 0132", "account no. 020 1234 5678": a document's number,
# however it is grouped. Words that also label a person ("customer: 020 ...") count only with "no.".
_NUMBER_WORD = r"(?:no\.?|nr\.?|n[°º]|num(?:ber|mer|éro|ero)?\.?|#|id)"
_REFERENCE_BEFORE = re.compile(
    r"(?i)(?<![A-Za-z])(?:(?:invoice|inv|order|ref|reference|po|purchase[ \t]+order|tracking|serial|receipt"
    r"|transaction|txn|sku|part|model|batch|lot|shipment|booking|confirmation|document|vat|tax|routing"
    r"|article|case|ticket|contract|policy|claim|rechnung|bestellung|auftrag|facture|commande|factura"
    r"|pedido|fattura|ordine)"
    r"\.?[ \t]*" + _NUMBER_WORD + r"?"
    r"|(?:account|acct|customer|item|member|doc|kunden)\.?[ \t]*" + _NUMBER_WORD + r")[ \t]*[:#.=]?[ \t]*$"
)
_DATE_INSIDE = re.compile(
    r"(?:19|20)[0-9]{2}[\-/.](?:0?[1-9]|1[0-2])[\-/.](?:0?[1-9]|[12][0-9]|3[01])"
    r"|(?:0?[1-9]|[12][0-9]|3[01])[\-/.](?:0?[1-9]|1[0-2])[\-/.](?:19|20)?[0-9]{2}"
)


def _parentheses_balanced(raw: str) -> bool:
    depth = 0
    for char in raw:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _phone_like(raw: str, low: int, high: int) -> bool:
    main = re.split(r"(?i)[ \t]?(?:x|ext\.?|extension)[ \t]?[0-9]", raw, maxsplit=1)[0]
    number = digits(main)
    if main.startswith("00"):
        number = number[2:]
    return low <= len(number) <= high and _parentheses_balanced(main) and not _DATE_INSIDE.search(main)


_GROUP_END = re.compile(r"[0-9)](?=[ .\-]|$)")


def _phone_length(raw: str, low: int, high: int) -> int:
    """Length of the longest run of whole digit groups at the start of `raw` that is a number, or 0."""
    for end in sorted((m.end() for m in _GROUP_END.finditer(raw)), reverse=True):
        if _phone_like(raw[:end], low, high):
            return end
    return 0


def phones(text: str) -> Iterator[Hit]:
    for pattern, low, high in ((_PHONE_INTERNATIONAL, 8, 15), (_PHONE_NANP, 10, 11), (_PHONE_TRUNK, 10, 11)):
        for match in pattern.finditer(text):
            if match[0][0] != "+" and _REFERENCE_BEFORE.search(
                text, max(0, match.start() - 40), match.start()
            ):
                continue
            length = _phone_length(match[0], low, high)
            if length:
                yield Hit("phone", match.start(), match.start() + length)
    for match in _PHONE_CONTEXT.finditer(text):
        length = _phone_length(match["number"], 7, 15)
        if length:
            yield Hit("phone", match.start("number"), match.start("number") + length)
