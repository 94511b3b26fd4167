"""Redaction of personal data and secrets from text that leaves the support platform.

Everything posted to chat or filed in the tracker goes through `redact` first. It finds:

- ``email``: addresses, also written as ``jane [at] acme [dot] example``. Addresses in ``keep_emails``
  or under ``keep_domains`` (our own staff) stay, and so do Google service accounts
  (``...gserviceaccount...``), which name a machine, not a person.
- ``phone``: international numbers (``+44 20 7946 0958``, ``0044 20 ...``), North American numbers with
  separators (``(415) 555-0132``, area code and exchange starting 2-9), national numbers with a trunk 0
  and 10-11 digits (``020 7946 0958``, ``01 23 45 67 89``), and unseparated numbers right after a word
  such as "phone", "tel", "call me on" or "mobile". Anything that reads as a date is not a number.
- ``card``: 13-19 digits, whole or in groups of three or more separated by (non-breaking) spaces or
  dashes, with a card-network prefix and length (Visa, Mastercard, Amex, Discover, Diners, JCB,
  UnionPay, Maestro) and a valid Luhn check digit. The marker keeps the last four digits.
- ``iban``: country code, that country's IBAN length and a valid mod-97 check.
- ``national_id``: US Social Security numbers (area not 000, 666 or 900-999, group not 00, serial not
  0000), UK National Insurance numbers (HMRC's prefix letter rules), Spanish DNI and NIE numbers (check
  letter) and Canadian SINs (Luhn, first digit not 0 or 8). Unseparated nine-digit SSNs and SINs count
  only right after "SSN", "social security", "SIN" or "social insurance".
- ``api_key``: vendor-prefixed keys (Stripe, AWS access key ids, GitHub, Slack, GitLab, Google,
  SendGrid, Anthropic, OpenAI, npm, PyPI, Shopify, DigitalOcean, Slack webhook paths), the value of
  ``Authorization: Bearer|Basic|Token`` headers and values assigned to names such as ``api_key``,
  ``X-Api-Key``, ``access_token`` or ``token`` (also as ``?token=`` in a URL).
- ``jwt``: three base64url segments whose first segment decodes to a JSON header with ``alg``.
- ``secret``: values assigned to ``client_secret``-like names (``AWS_SECRET_ACCESS_KEY``,
  ``signing_secret``, ``signature``...), PEM private keys, and free-standing high-entropy strings: 24+
  characters mixing letters and digits (or both cases, from 32), at least 3.4 bits of Shannon entropy
  per character, and not made of words like an identifier (``AccessDeniedException2024Q4``,
  ``payments-api-7d9f8b6c5d-x2k4p``).
- ``password``: ``password: X``, ``pwd=X``, ``passwd X``, ``"password":"X"``, "my password is X",
  "the password for the admin account is X", "admin password `X`", ``<password>X</password>`` and
  ``scheme://user:X@host``. Without a quote, ``:`` or ``=`` the value must look like a password
  (letters with a digit or symbol), so "password login" and "my password is right" stay.

Kept on purpose, because engineering needs them and they name no person: account and company names,
ticket and record ids (``req_7f3a9c2e41``, ``evt_...``), UUIDs and other pure hex strings (a 40-hex git
SHA is a commit, not a secret; trace ids and hashes too; a hex value is redacted only when it is
assigned to a secret-like name), strings labelled as request, trace or correlation ids, IP addresses
(usually a customer's server, and needed to trace a request), timestamps, dates, versions, amounts, HTTP
status codes and base64 image data (``data:image/...;base64,``). People's names are not detected.
Digits written in other scripts and secrets split by invisible characters are not detected either: the
aim is to catch what people paste by accident, not what an adversary hides.

Markers read well in a Slack or Jira post: ``[redacted email]``, ``[redacted card ending 1111]``. Inside
a URL or a markdown link target the marker has no spaces or brackets (``redacted-email``), so the link
stays a link. A span never takes in the quote, backtick or bracket around a value, so code spans and
links around it stay intact. Markers already in the text are left alone, and the output is checked
again until nothing more turns up, so redacting the output finds nothing.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, get_args

Kind = Literal["email", "phone", "card", "iban", "national_id", "api_key", "jwt", "secret", "password"]
KINDS: tuple[Kind, ...] = get_args(Kind)


@dataclass(frozen=True)
class Redaction:
    """One redacted span of the input text."""

    kind: Kind
    start: int
    end: int


@dataclass(frozen=True)
class Redacted:
    """The redacted text, what was taken out of it and where."""

    text: str
    counts: Mapping[Kind, int]
    """Redactions per kind; kinds with none are absent."""
    spans: tuple[Redaction, ...]
    """Spans in the input text, in order."""

    @property
    def total(self) -> int:
        """How many spans were redacted."""
        return len(self.spans)

    @property
    def summary(self) -> str:
        """A one-line account for a preview, e.g. ``2 email addresses, 1 card number redacted``."""
        if not self.spans:
            return "nothing redacted"
        parts = [_plural(count, _NOUNS[kind]) for kind, count in self.counts.items()]
        return ", ".join(parts) + " redacted"


_NOUNS: Mapping[Kind, str] = {
    "email": "email address",
    "phone": "phone number",
    "card": "card number",
    "iban": "IBAN",
    "national_id": "national id number",
    "api_key": "API key",
    "jwt": "JWT",
    "secret": "secret",
    "password": "password",
}
_LABELS: Mapping[Kind, str] = {
    "email": "email",
    "phone": "phone",
    "card": "card",
    "iban": "IBAN",
    "national_id": "national id",
    "api_key": "api key",
    "jwt": "JWT",
    "secret": "secret",
    "password": "password",
}


def _plural(count: int, noun: str) -> str:
    if count == 1:
        return f"1 {noun}"
    return f"{count} {noun}es" if noun.endswith("ss") else f"{count} {noun}s"


@dataclass(frozen=True)
class _Hit:
    kind: Kind
    start: int
    end: int
    last4: str = ""


# Higher wins when two findings of the same length overlap: validated numbers first, guesses last.
_PRIORITY: Mapping[Kind, int] = {
    "card": 9,
    "iban": 8,
    "national_id": 7,
    "jwt": 6,
    "api_key": 5,
    "password": 4,
    "email": 3,
    "phone": 2,
    "secret": 1,
}


# --- markers -----------------------------------------------------------------------------------------

_MARKER = re.compile(
    r"\[redacted (?:email|phone|card ending [0-9]{4}|card|IBAN|national id|api key|JWT|secret|password)\]"
    r"|redacted-(?:email|phone|card-ending-[0-9]{4}|card|iban|national-id|api-key|jwt|secret|password)"
)


def _marker(hit: _Hit, *, in_url: bool) -> str:
    label = _LABELS[hit.kind]
    if hit.kind == "card" and hit.last4:
        label = f"card ending {hit.last4}"
    if in_url:
        return "redacted-" + label.lower().replace(" ", "-")
    return f"[redacted {label}]"


_URL = re.compile(r"(?i)(?:\b[a-z][a-z0-9+.\-]{0,30}://|\bmailto:|\btel:)[^\s<>\"'`\[\]()|{}]+")
_LINK_DESTINATION = re.compile(r"\]\(([^()\s]+)\)")


def _url_spans(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _URL.finditer(text)]
    spans += [m.span(1) for m in _LINK_DESTINATION.finditer(text)]
    return spans


# --- email -------------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])"
    r"[A-Za-z0-9_%+\-](?:[A-Za-z0-9._%+\-]{0,62}[A-Za-z0-9_%+\-])?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
    r"(?![A-Za-z0-9\-]|\.[A-Za-z0-9])"
)
_OBFUSCATED_EMAIL = re.compile(
    r"(?i)(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+[ \t]*[\[({][ \t]*at[ \t]*[\])}][ \t]*"
    r"[A-Za-z0-9\-]+(?:[ \t]*(?:[\[({][ \t]*dot[ \t]*[\])}]|\.)[ \t]*[A-Za-z0-9\-]+)*"
    r"[ \t]*[\[({][ \t]*dot[ \t]*[\])}][ \t]*[A-Za-z]{2,24}(?![A-Za-z0-9])"
)
_URL_CREDENTIALS_BEFORE = re.compile(r"(?i)[a-z][a-z0-9+.\-]{0,30}://[^\s/@:]*:[^\s/]*$")
_SERVICE_ACCOUNT_DOMAIN = re.compile(r"(?:^|\.)(?:iam\.)?gserviceaccount\.")
_DEOBFUSCATE = re.compile(r"(?i)\s*[\[({]\s*(at|dot)\s*[\])}]\s*")


def _emails(text: str) -> Iterator[_Hit]:
    for match in _EMAIL.finditer(text):
        # The password part of scheme://user:password@host is not an address.
        if _URL_CREDENTIALS_BEFORE.search(text, max(0, match.start() - 200), match.start()):
            continue
        if _SERVICE_ACCOUNT_DOMAIN.search(match[0].rpartition("@")[2].lower()):
            continue
        yield _Hit("email", *match.span())
    for match in _OBFUSCATED_EMAIL.finditer(text):
        yield _Hit("email", *match.span())


def _normalised_email(raw: str) -> str:
    return _DEOBFUSCATE.sub(lambda m: "@" if m[1].lower() == "at" else ".", raw).strip().lower()


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
_DATE_INSIDE = re.compile(
    r"(?:19|20)[0-9]{2}[\-/.](?:0?[1-9]|1[0-2])[\-/.](?:0?[1-9]|[12][0-9]|3[01])"
    r"|(?:0?[1-9]|[12][0-9]|3[01])[\-/.](?:0?[1-9]|1[0-2])[\-/.](?:19|20)?[0-9]{2}"
)


def _digits(raw: str) -> str:
    return "".join(c for c in raw if "0" <= c <= "9")


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
    digits = _digits(main)
    if main.startswith("00"):
        digits = digits[2:]
    return low <= len(digits) <= high and _parentheses_balanced(main) and not _DATE_INSIDE.search(main)


_GROUP_END = re.compile(r"[0-9)](?=[ .\-]|$)")


def _phone_length(raw: str, low: int, high: int) -> int:
    """Length of the longest run of whole digit groups at the start of `raw` that is a number, or 0."""
    for end in sorted((m.end() for m in _GROUP_END.finditer(raw)), reverse=True):
        if _phone_like(raw[:end], low, high):
            return end
    return 0


def _phones(text: str) -> Iterator[_Hit]:
    for pattern, low, high in ((_PHONE_INTERNATIONAL, 8, 15), (_PHONE_NANP, 10, 11), (_PHONE_TRUNK, 10, 11)):
        for match in pattern.finditer(text):
            length = _phone_length(match[0], low, high)
            if length:
                yield _Hit("phone", match.start(), match.start() + length)
    for match in _PHONE_CONTEXT.finditer(text):
        length = _phone_length(match["number"], 7, 15)
        if length:
            yield _Hit("phone", match.start("number"), match.start("number") + length)


# --- card numbers ------------------------------------------------------------------------------------

_DIGIT_GROUPS = re.compile(r"(?<![A-Za-z0-9_.+/\-])[0-9]+(?:[ \u00a0\-][0-9]+)*(?![A-Za-z0-9_]|[.+/\-][0-9])")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card_network_ok(digits: str) -> bool:
    length = len(digits)
    two, four = int(digits[:2]), int(digits[:4])
    if digits[0] == "4":
        return length in (13, 16, 19)
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return length == 16
    if two in (34, 37):
        return length == 15
    if two in (36, 38, 39) or 300 <= int(digits[:3]) <= 305:
        return 14 <= length <= 19
    if four == 6011 or two == 65 or 644 <= int(digits[:3]) <= 649 or two == 62 or 3528 <= four <= 3589:
        return 16 <= length <= 19
    if two == 50 or 56 <= two <= 69:
        return 13 <= length <= 19
    return False


def _is_card(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and _card_network_ok(digits) and _luhn_ok(digits)


def _cards(text: str) -> Iterator[_Hit]:
    for match in _DIGIT_GROUPS.finditer(text):
        groups = [
            (m.start() + match.start(), m.end() + match.start()) for m in re.finditer("[0-9]+", match[0])
        ]
        yield from _cards_in_groups(text, groups)


def _cards_in_groups(text: str, groups: list[tuple[int, int]]) -> Iterator[_Hit]:
    # A card can sit inside a longer run of numbers ("order 12 4111 1111 1111 1111"): try every
    # window of whole groups, longest first, and keep the ones that do not overlap.
    found: list[tuple[int, int, str]] = []
    for i, (start, _) in enumerate(groups):
        count = 0
        for j in range(i, len(groups)):
            group_start, end = groups[j]
            count += end - group_start
            # Card numbers are written in groups of three or more digits; only the last may be shorter.
            if count > 19 or (j > i and groups[j - 1][1] - groups[j - 1][0] < 3):
                break
            if count >= 13:
                digits = _digits(text[start:end])
                if _is_card(digits):
                    found.append((start, end, digits))
    taken: list[tuple[int, int]] = []
    for start, end, digits in sorted(found, key=lambda f: f[0] - f[1]):
        if not any(s < end and start < e for s, e in taken):
            taken.append((start, end))
            yield _Hit("card", start, end, last4=digits[-4:])


# --- IBAN --------------------------------------------------------------------------------------------

_IBAN_LENGTHS: Mapping[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24,
    "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21,
    "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LI": 21,
    "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30,
    "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
}  # fmt: skip
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?=[ ]?[A-Za-z0-9])")


def _iban_ok(compact: str) -> bool:
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(c, 36)) for c in rearranged)
    return int(number) % 97 == 1


def _ibans(text: str) -> Iterator[_Hit]:
    for match in _IBAN_START.finditer(text):
        length = _IBAN_LENGTHS.get(match[0][:2].upper())
        if length is None:
            continue
        compact: list[str] = []
        end = match.start()
        while end < len(text) and len(compact) < length:
            char = text[end]
            if char.isascii() and char.isalnum():
                compact.append(char.upper())
            elif not (char == " " and end + 1 < len(text) and text[end + 1].isalnum()):
                break
            end += 1
        after = text[end] if end < len(text) else ""
        if (
            len(compact) == length
            and not (after.isascii() and after.isalnum())
            and _iban_ok("".join(compact))
        ):
            yield _Hit("iban", match.start(), end)


# --- national ids ------------------------------------------------------------------------------------

_SSN = re.compile(r"(?<![A-Za-z0-9_\-])([0-9]{3})([ \-])([0-9]{2})\2([0-9]{4})(?![A-Za-z0-9_\-]|[.,][0-9])")
_SIN = re.compile(r"(?<![A-Za-z0-9_\-])([0-9]{3})([ \-])([0-9]{3})\2([0-9]{3})(?![A-Za-z0-9_\-]|[.,][0-9])")
_LABELLED_NINE_DIGITS = re.compile(
    r"(?i)(?<![A-Za-z])(?P<label>ssn|social[ \t]+security(?:[ \t]+(?:number|no\.?|#))?|sin"
    r"|social[ \t]+insurance(?:[ \t]+(?:number|no\.?|#))?)[ \t]*[:#=]?[ \t]*(?P<number>[0-9]{9})(?![0-9])"
)
_NINO = re.compile(
    r"(?<![A-Za-z0-9])(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r"(?P<sep>[ \-]?)[0-9]{2}(?P=sep)[0-9]{2}(?P=sep)[0-9]{2}(?P=sep)[A-D](?![A-Za-z0-9])"
)
_DNI = re.compile(r"(?<![A-Za-z0-9])(?:[0-9]{8}|[XYZ]-?[0-9]{7})-?[A-Z](?![A-Za-z0-9])")
_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def _ssn_ok(area: str, group: str, serial: str) -> bool:
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def _sin_ok(digits: str) -> bool:
    return digits[0] not in "08" and _luhn_ok(digits)


def _dni_ok(raw: str) -> bool:
    compact = raw.replace("-", "")
    number = compact[:-1]
    if number[0] in "XYZ":
        number = str("XYZ".index(number[0])) + number[1:]
    return _DNI_LETTERS[int(number) % 23] == compact[-1]


def _national_ids(text: str) -> Iterator[_Hit]:
    for match in _SSN.finditer(text):
        if _ssn_ok(match[1], match[3], match[4]):
            yield _Hit("national_id", *match.span())
    for match in _SIN.finditer(text):
        if _sin_ok(_digits(match[0])):
            yield _Hit("national_id", *match.span())
    for match in _LABELLED_NINE_DIGITS.finditer(text):
        number = match["number"]
        if match["label"].lower().startswith(("ssn", "social security")):
            valid = _ssn_ok(number[:3], number[3:5], number[5:])
        else:
            valid = _sin_ok(number)
        if valid:
            yield _Hit("national_id", *match.span("number"))
    for match in _NINO.finditer(text):
        yield _Hit("national_id", *match.span())
    for match in _DNI.finditer(text):
        if _dni_ok(match[0]):
            yield _Hit("national_id", *match.span())


# --- API keys and tokens -----------------------------------------------------------------------------

_VENDOR_KEY = re.compile(
    r"(?<![A-Za-z0-9_\-])(?:"
    r"(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{10,}"
    r"|whsec_[A-Za-z0-9+/=]{20,}"
    r"|(?:AKIA|ASIA)[A-Z0-9]{16}"
    r"|gh[pousr]_[A-Za-z0-9]{30,}"
    r"|github_pat_[A-Za-z0-9_]{22,}"
    r"|xox[abeoprs]-[A-Za-z0-9\-]{10,}"
    r"|xapp-[A-Za-z0-9\-]{10,}"
    r"|glpat-[A-Za-z0-9_\-]{20,}"
    r"|AIza[A-Za-z0-9_\-]{35}"
    r"|SG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}"
    r"|sk-ant-[a-z0-9]+-[A-Za-z0-9_\-]{20,}"
    r"|sk-(?:proj-)?[A-Za-z0-9_\-]{20,}"
    r"|npm_[A-Za-z0-9]{36}"
    r"|pypi-[A-Za-z0-9_\-]{50,}"
    r"|shp(?:at|ca|pa|ss)_[A-Fa-f0-9]{32}"
    r"|dop_v1_[a-f0-9]{64}"
    r")(?![A-Za-z0-9_\-])"
)
_SLACK_WEBHOOK = re.compile(r"hooks\.slack\.com/services/(T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+)")
_AUTH_HEADER = re.compile(
    r"(?i)(?<![A-Za-z])(?:authorization[ \t]*[:=][ \t]*[\"']?[ \t]*(?:bearer|basic|token)|bearer)"
    r"[ \t]+(?P<value>[A-Za-z0-9._~+/\-]{12,}=*)"
)
_SECRET_NAMES = (
    r"(?:client|app|signing|webhook|shared)[ _\-]?secret|secret[ _\-]?(?:access[ _\-]?)?key"
    r"|aws[_\-]secret[_\-]access[_\-]key|private[ _\-]?key|secret|x[_\-]amz[_\-]signature|signature|sig"
)
_KEY_NAMES = (
    r"(?:x[_\-])?api[ _\-]?(?:key|token|secret)|apikey"
    r"|(?:access|auth|refresh|id|session|bot)[ _\-]?token|x[_\-]amz[_\-]security[_\-]token|x[_\-]auth[_\-]token"
    r"|token"
)
_KEY_NAME = re.compile(_KEY_NAMES, re.IGNORECASE)
_SECRET_NAME = re.compile(r"(?i)(?<![A-Za-z0-9])(?:" + _SECRET_NAMES + "|" + _KEY_NAMES + ")")
_ASSIGNED = re.compile(
    r"(?i)(?<![A-Za-z0-9])(?P<name>" + _SECRET_NAMES + "|" + _KEY_NAMES + r")[\"']?"
    r"[ \t]*(?:=>|:=|[:=])[ \t]*[\"'`]?(?P<value>[A-Za-z0-9._~+/=\-]{8,})"
)
_URL_KEY_PARAMETER = re.compile(r"(?i)[?&](?:key|code|auth)=(?P<value>[A-Za-z0-9._~+/=\-]{8,})")
_PLACEHOLDER = re.compile(
    r"(?i)^(?:x+|\*+|\.+|0+|redacted|hidden|masked|none|null|undefined|changeme|example|your[_\-].*|.*[_\-]here"
    r"|replace[_\-].*|<.*>)$"
)


def _looks_random(value: str) -> bool:
    has_letter = any(c.isalpha() for c in value)
    has_digit = any(c.isdigit() for c in value)
    if has_letter and has_digit:
        return True
    mixed_case = any(c.isupper() for c in value) and any(c.islower() for c in value)
    return len(value) >= 20 and mixed_case and _class_changes(value) >= 0.3


def _assigned_value_ok(value: str) -> bool:
    return "..." not in value and not _PLACEHOLDER.match(value) and _looks_random(value)


def _api_keys(text: str) -> Iterator[_Hit]:
    for match in _VENDOR_KEY.finditer(text):
        if match[0].startswith("sk-") and not _looks_random(match[0][3:]):
            continue
        yield _Hit("api_key", *match.span())
    for match in _SLACK_WEBHOOK.finditer(text):
        yield _Hit("api_key", *match.span(1))
    for match in _AUTH_HEADER.finditer(text):
        if _assigned_value_ok(match["value"].rstrip("=")):
            yield _Hit("api_key", *match.span("value"))
    for found in _SECRET_NAME.finditer(text):
        assigned = _ASSIGNED.match(text, found.start())
        if assigned is None:
            continue
        value = assigned["value"].rstrip(".,")
        if _assigned_value_ok(value.rstrip("=")):
            kind: Kind = "api_key" if _KEY_NAME.fullmatch(assigned["name"]) else "secret"
            yield _Hit(kind, assigned.start("value"), assigned.start("value") + len(value))
    for match in _URL_KEY_PARAMETER.finditer(text):
        if _assigned_value_ok(match["value"].rstrip("=")):
            yield _Hit("api_key", *match.span("value"))


# --- JWT ---------------------------------------------------------------------------------------------

_JWT = re.compile(
    r"(?<![A-Za-z0-9_.\-])(?P<header>ey[A-Za-z0-9_\-]{8,})\.[A-Za-z0-9_\-]{2,}\.[A-Za-z0-9_\-]*"
    r"(?![A-Za-z0-9_\-]|\.[A-Za-z0-9_\-])"
)


def _jwt_header_ok(segment: str) -> bool:
    try:
        decoded = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        header = json.loads(decoded)
    except (binascii.Error, ValueError):
        return False
    return isinstance(header, dict) and "alg" in header


def _jwts(text: str) -> Iterator[_Hit]:
    for match in _JWT.finditer(text):
        if _jwt_header_ok(match["header"]):
            yield _Hit("jwt", *match.span())


# --- high-entropy secrets ----------------------------------------------------------------------------

_PEM = re.compile(
    r"-----BEGIN (?P<label>[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----"
    r"(?:[\s\S]*?-----END (?P=label)-----|(?:\s+[A-Za-z0-9+/=:\-]+)*)"
)
_TOKEN = re.compile(r"[A-Za-z0-9+/_\-]{24,}={0,2}")
_OBJECT_ID = re.compile(r"[a-z]{1,12}_[A-Za-z0-9]+")
_HEX_ID = re.compile(r"[0-9A-Fa-f\-]+")
_IMAGE_BASE64 = ("iVBORw0KGgo", "/9j/", "R0lGOD", "UklGR", "PHN2Zy", "Qk0")
_LABELLED_ID_BEFORE = re.compile(
    r"(?i)(?:request|req|trace|span|correlation|message|event|delivery|execution|job|run|build|commit"
    r"|object|record|idempotency)[ \t_\-]?(?:id|key)[\"']?[ \t]*[:=#]?[ \t]*[\"']?$"
)
_WORD_RUN = re.compile(r"[A-Z][a-z]{2,}|[a-z]{3,}")
_CONSONANTS = re.compile(r"[^aeiouy]{4}")


def _entropy(value: str) -> float:
    counts = Counter(value)
    size = len(value)
    return -sum(n / size * math.log2(n / size) for n in counts.values())


def _char_class(char: str) -> int:
    if char.isdigit():
        return 0
    if char.isupper():
        return 1
    if char.islower():
        return 2
    return 3


def _class_changes(value: str) -> float:
    changes = sum(_char_class(a) != _char_class(b) for a, b in itertools.pairwise(value))
    return changes / max(1, len(value) - 1)


def _random_secret(token: str) -> bool:
    body = token.rstrip("=")
    if len(body) < 24 or _HEX_ID.fullmatch(body) or _OBJECT_ID.fullmatch(body):
        return False
    if body.startswith(_IMAGE_BASE64):
        return False
    letters = sum(c.isalpha() for c in body)
    digits = sum(c.isdigit() for c in body)
    mixed_case = any(c.isupper() for c in body) and any(c.islower() for c in body)
    if not (letters and digits) and not (mixed_case and len(body) >= 32):
        return False
    return not _made_of_words(body) and _entropy(body) >= 3.4


def _word_like(run: str) -> bool:
    lower = run.lower()
    vowels = sum(c in "aeiouy" for c in lower)
    return (
        len(lower) >= 3 and lower.isalpha() and vowels / len(lower) >= 0.25 and not _CONSONANTS.search(lower)
    )


def _made_of_words(body: str) -> bool:
    """Identifiers (payments-api-7d9f8b6c5d, AccessDeniedException2024Q4) rather than random strings."""
    segments = re.split(r"[\-_.]", body)
    words = [s for s in segments if s.islower() and _word_like(s)]
    if len(segments) > 2 and words and all(len(s) < 16 for s in segments if s not in words):
        return True
    covered = sum(len(m[0]) for m in _WORD_RUN.finditer(body) if _word_like(m[0]))
    return covered / len(body) >= 0.55


def _secrets(text: str) -> Iterator[_Hit]:
    for match in _PEM.finditer(text):
        yield _Hit("secret", *match.span())
    for match in _TOKEN.finditer(text):
        start = match.start()
        if start > 0 and text[start - 1].isalnum():
            continue
        before = text[max(0, start - 40) : start]
        if before.endswith("base64,") or _LABELLED_ID_BEFORE.search(before):
            continue
        token = match[0]
        if "/" in token:
            yield from _path_segments(token, start)
        elif _random_secret(token):
            yield _Hit("secret", start, match.end())


def _path_segments(token: str, offset: int) -> Iterator[_Hit]:
    segments = list(re.finditer(r"[^/]+", token))
    words = sum(
        any(part.islower() and _word_like(part) for part in re.split(r"[\-_.]", seg[0])) for seg in segments
    )
    is_path = words > 0 and (token.startswith("/") or words * 4 >= len(segments))
    if not is_path:
        if _random_secret(token):
            yield _Hit("secret", offset, offset + len(token))
        return
    for seg in segments:
        if _random_secret(seg[0]):
            yield _Hit("secret", offset + seg.start(), offset + seg.end())


# --- passwords ---------------------------------------------------------------------------------------

_PASSWORD_KEY = r"(?i:(?<![A-Za-z])(?P<key>password|passwd|passphrase|passcode|pwd|pass|pw)(?![A-Za-z]))"
_VALUE = (
    r"(?:\"(?P<dq>[^\"\n]{1,128})\"|'(?P<sq>[^'\n]{1,128})'|`(?P<bq>[^`\n]{1,128})`"
    r"|(?P<bare>[^\s\"'`<>()\[\]{}|]{1,128}))"
)
_PASSWORD_KEYWORD = re.compile(_PASSWORD_KEY)
_PASSWORD_ASSIGNED = re.compile(_PASSWORD_KEY + r"[\"']?[ \t]*(?:=>|:=|->|[:=])[ \t]*" + _VALUE)
_PASSWORD_SAID = re.compile(
    _PASSWORD_KEY + r"(?i:[ \t]+(?:(?:for|of|on)[ \t]+(?:the[ \t]+|my[ \t]+|our[ \t]+)?[\w@.\-]+"
    r"(?:[ \t]+(?:account|user|login))?[ \t]+)?"
    r"(?:is[ \t]+now|is|was|changed[ \t]+to|set[ \t]+to|reset[ \t]+to|to))[ \t]+" + _VALUE
)
_PASSWORD_NEXT = re.compile(_PASSWORD_KEY + r"[ \t]+" + _VALUE)
_PASSWORD_XML = re.compile(r"(?i)<(?P<tag>password|passwd|pwd)>(?P<value>[^<\n]{1,128})</(?P=tag)>")
_URL_PASSWORD = re.compile(r"(?i)\b[a-z][a-z0-9+.\-]{0,30}://[^\s/@:]+:(?P<value>[^\s/]{1,128})@")
_NOT_A_PASSWORD = frozenset(
    """
    a again also an and any are as at attached auth authentication be below blank but by can cannot change
    changed complexity correct did does empty expired expiry field fine for forgot forgotten from has have
    here hidden in incorrect invalid is it its length login manager masked may mismatch missing must my
    n/a na needs nil no none not null of ok on or our policy prompt protected provided redacted removed
    required requirements reset right rotation rules same see sent set should still strength than that
    the their there this to too unknown unset updated was will with wrong yes your
    """.split()  # noqa: SIM905 - a word list reads better as prose
)
_STRIP_TRAILING = ".,;:"


def _password_like(value: str) -> bool:
    # Sentence punctuation after a word ("disable password login?") does not make it a password.
    value = value.rstrip("!?")
    has_letter = any(c.isalpha() for c in value)
    has_digit = any(c.isdigit() for c in value)
    has_symbol = any(not c.isalnum() for c in value)
    return len(value) >= 6 and ((has_letter and (has_digit or has_symbol)) or (has_digit and has_symbol))


def _password_value(match: re.Match[str]) -> tuple[str, int, bool]:
    for group in ("dq", "sq", "bq"):
        if match[group] is not None:
            return match[group], match.start(group), True
    value = match["bare"].rstrip(_STRIP_TRAILING)
    return value, match.start("bare"), False


def _passwords(text: str) -> Iterator[_Hit]:
    rules: tuple[tuple[re.Pattern[str], Callable[[str, str, bool], bool]], ...] = (
        (_PASSWORD_ASSIGNED, _assigned_password_ok),
        (_PASSWORD_SAID, _said_password_ok),
        (_PASSWORD_NEXT, _said_password_ok),
    )
    # Each rule is tried at every keyword, so a rejected value ("password is password for ...") cannot
    # hide the next keyword inside it.
    for key in _PASSWORD_KEYWORD.finditer(text):
        for pattern, accept in rules:
            match = pattern.match(text, key.start())
            if match is None:
                continue
            value, start, quoted = _password_value(match)
            if value and accept(match["key"].lower(), value, quoted):
                yield _Hit("password", start, start + len(value))
                break
    for pattern in (_PASSWORD_XML, _URL_PASSWORD):
        for match in pattern.finditer(text):
            if not _PLACEHOLDER.match(match["value"]):
                yield _Hit("password", *match.span("value"))


def _assigned_password_ok(key: str, value: str, quoted: bool) -> bool:
    if _PLACEHOLDER.match(value) or set(value) <= set("*•x"):
        return False
    if key in ("pass", "pw") and not (quoted or _password_like(value)):
        return False
    return quoted or (len(value) >= 3 and value.lower() not in _NOT_A_PASSWORD)


def _said_password_ok(key: str, value: str, quoted: bool) -> bool:
    if key in ("pass", "pw") or _PLACEHOLDER.match(value):
        return False
    return (quoted and value.strip() != "") or _password_like(value)


# --- putting it together -----------------------------------------------------------------------------

_DETECTORS: tuple[Callable[[str], Iterable[_Hit]], ...] = (
    _cards,
    _ibans,
    _national_ids,
    _jwts,
    _api_keys,
    _passwords,
    _emails,
    _phones,
    _secrets,
)


def _hits(text: str) -> list[_Hit]:
    markers = [m.span() for m in _MARKER.finditer(text)]
    hits = []
    for detector in _DETECTORS:
        for hit in detector(text):
            if hit.end > hit.start and not any(s < hit.end and hit.start < e for s, e in markers):
                hits.append(hit)
    return hits


def _merge(hits: Iterable[_Hit]) -> list[_Hit]:
    """One hit per group of overlapping hits: the union of their spans, named after the strongest."""
    merged: list[_Hit] = []
    group: list[_Hit] = []
    group_end = -1
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if group and hit.start >= group_end:
            merged.append(_strongest(group))
            group = []
        group.append(hit)
        group_end = max(group_end, hit.end) if len(group) > 1 else hit.end
    if group:
        merged.append(_strongest(group))
    return merged


def _strongest(group: list[_Hit]) -> _Hit:
    best = max(group, key=lambda h: (h.end - h.start, _PRIORITY[h.kind]))
    start, end = min(h.start for h in group), max(h.end for h in group)
    last4 = best.last4 if (start, end) == (best.start, best.end) else ""
    return _Hit(best.kind, start, end, last4)


@dataclass(frozen=True)
class _Keep:
    emails: frozenset[str] = frozenset()
    domains: tuple[str, ...] = ()

    def keeps(self, raw: str) -> bool:
        address = _normalised_email(raw)
        domain = address.rpartition("@")[2]
        return address in self.emails or any(domain == d or domain.endswith("." + d) for d in self.domains)


def _unkept_hits(text: str, keep: _Keep) -> list[_Hit]:
    hits = _hits(text)
    kept = [h for h in hits if h.kind == "email" and keep.keeps(text[h.start : h.end])]
    return [h for h in hits if not any(k.start <= h.start and h.end <= k.end for k in kept)]


def _render(text: str, hits: list[_Hit]) -> tuple[str, list[tuple[int, int, int]]]:
    """The text with markers, and (input start, input end, output start) of each copied stretch."""
    urls = _url_spans(text)
    pieces: list[str] = []
    copied: list[tuple[int, int, int]] = []
    cursor = length = 0
    for hit in hits:
        in_url = any(s <= hit.start and hit.end <= e for s, e in urls)
        marker = _marker(hit, in_url=in_url)
        copied.append((cursor, hit.start, length))
        pieces += [text[cursor : hit.start], marker]
        length += hit.start - cursor + len(marker)
        cursor = hit.end
    copied.append((cursor, len(text), length))
    pieces.append(text[cursor:])
    return "".join(pieces), copied


def _resolve(text: str, keep: _Keep) -> list[_Hit]:
    hits = _merge(_unkept_hits(text, keep))
    if not hits:
        return hits
    # A marker can open a boundary a neighbour needed ("a@b.example+4915123456789"): look again at the
    # output until nothing new turns up, so that redacting the output finds nothing.
    for _ in range(_MAX_PASSES):
        output, copied = _render(text, hits)
        extra = []
        for hit in _unkept_hits(output, keep):
            for start, end, at in copied:
                if at <= hit.start and hit.end <= at + end - start:
                    extra.append(_Hit(hit.kind, hit.start - at + start, hit.end - at + start, hit.last4))
        if not extra:
            break
        hits = _merge([*hits, *extra])
    return hits


_MAX_PASSES = 4


def find(text: str) -> list[Redaction]:
    """Where `text` holds personal data or secrets, without keeping anything.

    Args:
        text: Any text; markers from an earlier redaction are left alone.

    Returns:
        Non-overlapping spans in order.
    """
    return [Redaction(h.kind, h.start, h.end) for h in _resolve(text, _Keep())]


def redact(text: str, *, keep_emails: Iterable[str] = (), keep_domains: Iterable[str] = ()) -> Redacted:
    """Replace personal data and secrets in `text` with readable markers.

    Args:
        text: The text about to leave the support platform (a chat post, a tracker issue).
        keep_emails: Addresses to leave as they are (case-insensitive).
        keep_domains: Domains whose addresses stay, subdomains included (e.g. our own company's).

    Returns:
        The redacted text, counts per kind and the redacted spans of `text`. Never raises for any
        string input.
    """
    keep = _Keep(
        emails=frozenset(e.strip().lower() for e in keep_emails),
        domains=tuple(d.strip().lower().lstrip("@") for d in keep_domains if d.strip()),
    )
    hits = _resolve(text, keep)
    counts = Counter(h.kind for h in hits)
    return Redacted(
        text=_render(text, hits)[0],
        counts=MappingProxyType({kind: counts[kind] for kind in KINDS if counts[kind]}),
        spans=tuple(Redaction(h.kind, h.start, h.end) for h in hits),
    )


__all__ = ["KINDS", "Kind", "Redacted", "Redaction", "find", "redact"]
