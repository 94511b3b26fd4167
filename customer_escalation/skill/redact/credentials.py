"""Credentials: API keys and tokens, JWTs, private keys and high-entropy secrets, and passwords."""

from __future__ import annotations

import base64
import binascii
import bisect
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator

from ._common import Hit, Kind, Runs

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
    r"(?i)(?<![A-Za-z])(?:(?:proxy-)?authorization[ \t]*[:=][ \t]*[\"']?[ \t]*(?:bearer|basic|token)|bearer)"
    r"[ \t]+(?P<value>[A-Za-z0-9._~+/\-]{12,}=*)"
)
# "Basic dXNlcjpwYXNz" without the header name: a credential when it decodes to "user:password".
_BASIC = re.compile(r"(?i)(?<![A-Za-z])basic[ \t]+(?P<value>[A-Za-z0-9+/]{6,}={0,2})(?![A-Za-z0-9+/=])")
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
_VALUE_CHARACTERS = "A-Za-z0-9._~+/=\\-"
# The name and what comes before its value ("secret=", "token: ", or said: "the signing secret is ...");
# where the value ends is looked up in the runs of value
# characters, so a text of names ("sig=sig=sig=...") is not scanned again from every name.
_ASSIGNED = re.compile(
    r"(?i)(?<![A-Za-z0-9])(?P<name>" + _SECRET_NAMES + "|" + _KEY_NAMES + r")[\"']?"
    r"(?:[ \t]*(?:=>|:=|[:=])[ \t]*|[ \t]+(?:is|was)[ \t]+)[\"'`]?(?=[" + _VALUE_CHARACTERS + "]{8})"
)
_URL_KEY_PARAMETER = re.compile(r"(?i)[?&](?:key|code|auth)=(?P<value>[A-Za-z0-9._~+/=\-]{8,})")
_PLACEHOLDER = re.compile(
    r"(?i)^(?:x+|\*+|\.+|0+|redacted|hidden|masked|none|null|undefined|changeme|example|your[_\-].*|.*[_\-]here"
    r"|replace[_\-].*|<.*>|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%[A-Za-z_][A-Za-z0-9_]*%|\{\{.*\}\})$"
)
"""Values that stand for a secret without being one: masks, "changeme", <...>, $VARIABLE, {{ template }}."""


def _looks_random(value: str) -> bool:
    has_letter = any(c.isalpha() for c in value)
    has_digit = any(c.isdigit() for c in value)
    if has_letter and has_digit:
        return True
    mixed_case = any(c.isupper() for c in value) and any(c.islower() for c in value)
    return len(value) >= 20 and mixed_case and _class_changes(value) >= 0.3


def _assigned_value_ok(value: str) -> bool:
    return "..." not in value and not _PLACEHOLDER.match(value) and _looks_random(value)


def _basic_credentials_ok(value: str) -> bool:
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return False
    user, colon, password = decoded.partition(":")
    return bool(colon and user and password) and decoded.isprintable()


def api_keys(text: str) -> Iterator[Hit]:
    """Vendor keys, authorization header values and values assigned to key- or secret-like names."""
    for match in _VENDOR_KEY.finditer(text):
        if match[0].startswith("sk-") and not _looks_random(match[0][3:]):
            continue
        yield Hit("api_key", *match.span())
    for match in _SLACK_WEBHOOK.finditer(text):
        yield Hit("api_key", *match.span(1))
    for match in _AUTH_HEADER.finditer(text):
        if _assigned_value_ok(match["value"].rstrip("=")):
            yield Hit("api_key", *match.span("value"))
    for match in _BASIC.finditer(text):
        if _basic_credentials_ok(match["value"]):
            yield Hit("api_key", *match.span("value"))
    runs = Runs(text, _VALUE_CHARACTERS)
    judged = 0
    for found in _SECRET_NAME.finditer(text):
        # A name inside a value already judged ("sig=sig=sig=...") is part of that value.
        if found.start() < judged:
            continue
        assigned = _ASSIGNED.match(text, found.start())
        if assigned is None:
            continue
        start = assigned.end()
        judged = runs.end(start)
        value = text[start:judged].rstrip(".,")
        if _assigned_value_ok(value.rstrip("=")):
            kind: Kind = "api_key" if _KEY_NAME.fullmatch(assigned["name"]) else "secret"
            yield Hit(kind, start, start + len(value))
    for match in _URL_KEY_PARAMETER.finditer(text):
        if _assigned_value_ok(match["value"].rstrip("=")):
            yield Hit("api_key", *match.span("value"))


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


def jwts(text: str) -> Iterator[Hit]:
    """JWTs whose first segment is a JSON header with `alg`."""
    for match in _JWT.finditer(text):
        if _jwt_header_ok(match["header"]):
            yield Hit("jwt", *match.span())


# --- high-entropy secrets ----------------------------------------------------------------------------

_PEM_BEGIN = re.compile(r"-----BEGIN (?P<label>[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?)-----")
_PEM_END = re.compile(r"-----END (?P<label>[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?)-----")
# A key pasted without its END line: the base64 lines after the BEGIN line.
_PEM_BODY = re.compile(r"(?:\s+[A-Za-z0-9+/=:\-]+)*")
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


def _private_keys(text: str) -> Iterator[Hit]:
    ends: dict[str, list[int]] = {}
    for match in _PEM_END.finditer(text):
        ends.setdefault(match["label"], []).append(match.end())
    covered = 0
    for match in _PEM_BEGIN.finditer(text):
        if match.start() < covered:
            continue
        label_ends = ends.get(match["label"], [])
        index = bisect.bisect_left(label_ends, match.end() + len("-----END -----") + len(match["label"]))
        if index < len(label_ends):
            covered = label_ends[index]
        else:
            body = _PEM_BODY.match(text, match.end())
            covered = body.end() if body is not None else match.end()
        yield Hit("secret", match.start(), covered)


def secrets(text: str) -> Iterator[Hit]:
    """PEM private keys and free-standing high-entropy strings."""
    yield from _private_keys(text)
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
            yield Hit("secret", start, match.end())


def _path_segments(token: str, offset: int) -> Iterator[Hit]:
    segments = list(re.finditer(r"[^/]+", token))
    words = sum(
        any(part.islower() and _word_like(part) for part in re.split(r"[\-_.]", seg[0])) for seg in segments
    )
    is_path = words > 0 and (token.startswith("/") or words * 4 >= len(segments))
    if not is_path:
        if _random_secret(token):
            yield Hit("secret", offset, offset + len(token))
        return
    for seg in segments:
        if _random_secret(seg[0]):
            yield Hit("secret", offset + seg.start(), offset + seg.end())


# --- passwords ---------------------------------------------------------------------------------------

# The word for a password in English, in the shell's variables and in the languages customers write in.
_PASSWORD_KEY = (
    r"(?i:(?<![A-Za-z])(?P<key>pgpassword|password|passwd|passphrase|passcode|pwd|pass|pw"
    r"|passwort|kennwort|mot[ \t]+de[ \t]+passe|mdp|contrase[ñn]a|senha|wachtwoord|l[öo]senord|passord"
    r"|adgangskode|has[łl]o|salasana|heslo|пароль)(?![A-Za-z]))"
)
# Keys too short or too common to take the next word as a password without a ":" or "=".
_ASSIGNED_ONLY_KEYS = frozenset({"pass", "pw", "mdp"})
# After these a plain word is taken as the password ("password: hunter"); after the others, whose list
# of words that are no password is short, the value must look like one or be quoted.
_ANY_WORD_KEYS = frozenset({"pgpassword", "password", "passwd", "passphrase", "passcode", "pwd"})
_VALUE = (
    r"(?:\"(?P<dq>[^\"\n]{1,128})\"|'(?P<sq>[^'\n]{1,128})'|`(?P<bq>[^`\n]{1,128})`"
    r"|(?P<bare>[^\s\"'`<>()\[\]{}|]{1,128}))"
)
_PASSWORD_KEYWORD = re.compile(_PASSWORD_KEY)
_PASSWORD_ASSIGNED = re.compile(_PASSWORD_KEY + r"[\"']?[ \t]*(?:=>|:=|->|[:=])[ \t]*" + _VALUE)
_PASSWORD_SAID = re.compile(
    _PASSWORD_KEY + r"(?i:[ \t]+(?:(?:for|of|on)[ \t]+(?:the[ \t]+|my[ \t]+|our[ \t]+)?[\w@.\-]{1,64}"
    r"(?:[ \t]+(?:account|user|login))?[ \t]+)?"
    r"(?:is[ \t]+now|is|was|changed[ \t]+to|set[ \t]+to|reset[ \t]+to|to|ist|lautet|est|es|é|är|er|jest|on))"
    r"[ \t]+" + _VALUE
)
_PASSWORD_NEXT = re.compile(_PASSWORD_KEY + r"[ \t]+" + _VALUE)
_PASSWORD_XML = re.compile(r"(?i)<(?P<tag>password|passwd|pwd)>(?P<value>[^<\n]{1,128})</(?P=tag)>")
# scheme://user:password@host, also with no user (redis://:password@host).
_URL_PASSWORD = re.compile(r"(?i)\b[a-z][a-z0-9+.\-]{0,30}://[^\s/@:]{0,128}:(?P<value>[^\s/]{1,128})@")
# Passwords on a command line: "mysql -u root -pS3cret!" (attached to -p), "sshpass -p S3cret!",
# "redis-cli -a S3cret!", "curl -u admin:S3cret!".
_COMMAND_VALUE = r"(?:'(?P<sq>[^'\n]{1,128})'|\"(?P<dq>[^\"\n]{1,128})\"|(?P<bare>[^\s'\"`]{1,128}))"
_COMMAND_PASSWORD = re.compile(
    r"(?<![\w\-])(?:(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mysqlsh|mariadb|mariadb-dump)"
    r"(?![\w\-])[^\n]{0,200}?[ \t]-p(?=[^\s])"
    r"|sshpass(?![\w\-])[^\n]{0,60}?[ \t]-p[ \t]+"
    r"|redis-cli(?![\w\-])[^\n]{0,200}?[ \t](?:-a|--pass)[ \t]+"
    r"|curl(?![\w\-])[^\n]{0,200}?[ \t](?:-u|--user)[ \t]+['\"]?[^\s:'\"]{1,64}:(?=[^\s'\"]))"
    + _COMMAND_VALUE
)
_NOT_A_PASSWORD = frozenset(
    """
    a again also an and any are as at attached auth authentication be below blank but by can cannot change
    changed complexity correct did does empty expired expiry field fine for forgot forgotten from has have
    here hidden in incorrect invalid is it its length login manager masked may mismatch missing must my
    n/a na needs nil no none not null of ok on or our policy prompt protected provided redacted removed
    required requirements reset right rotation rules same see sent set should still strength than that
    the their there this to too unknown unset updated was will with wrong yes your
    vergessen zurücksetzen geändert falsch ungültig abgelaufen erforderlich leer oublié incorrect
    réinitialiser expiré requis vide olvidada incorrecta obligatoria esquecida vergeten ongeldig
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
    groups = match.groupdict()
    for group in ("dq", "sq", "bq"):
        if groups.get(group) is not None:
            return match[group], match.start(group), True
    value = match["bare"].rstrip(_STRIP_TRAILING)
    return value, match.start("bare"), False


def passwords(text: str) -> Iterator[Hit]:
    """Passwords after a password word, in connection URLs, XML elements and on command lines."""
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
                yield Hit("password", start, start + len(value))
                break
    for pattern in (_PASSWORD_XML, _URL_PASSWORD):
        for match in pattern.finditer(text):
            if not _PLACEHOLDER.match(match["value"]):
                yield Hit("password", *match.span("value"))
    for match in _COMMAND_PASSWORD.finditer(text):
        value, start, _ = _password_value(match)
        if value and not value.startswith("$") and not _PLACEHOLDER.match(value):
            yield Hit("password", start, start + len(value))


def _assigned_password_ok(key: str, value: str, quoted: bool) -> bool:
    if _PLACEHOLDER.match(value) or set(value) <= set("*•x"):
        return False
    if key not in _ANY_WORD_KEYS and not (quoted or _password_like(value)):
        return False
    return quoted or (len(value) >= 3 and value.lower() not in _NOT_A_PASSWORD)


def _said_password_ok(key: str, value: str, quoted: bool) -> bool:
    if key in _ASSIGNED_ONLY_KEYS or _PLACEHOLDER.match(value):
        return False
    return (quoted and value.strip() != "") or _password_like(value)
