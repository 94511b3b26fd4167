"""Credentials taken out of error text before it is shown, logged or returned to a model.

A vendor (or the Anthropic API) that answers 401, 400 or 500 sometimes echoes the request, headers
included, in its error body; that body becomes the message of a `ConnectorError`, a line of
`connectors check`, a tool error a model reads, or a `-v` log line. `scrub` replaces in such text:

* every configured secret: the values registered with `remember_secret` (each connector's
  credentials, the Anthropic key) and the values of environment variables whose names say they hold
  one (``*_TOKEN``, ``*_KEY``, ``*_SECRET``, ``*_PASSWORD``...), also base64- or percent-encoded, and
  for ``Basic`` credentials the decoded ``user:password`` and the password;
* anything that looks like a credential: the value of ``Authorization``, ``Proxy-Authorization``,
  ``Cookie``, ``X-Api-Key``-style headers and of ``password``, ``token``, ``secret`` fields,
  ``Bearer``/``Basic``/``Token`` values, vendor-prefixed keys (``xoxb-``, ``sk-ant-``, ``sk_live_``,
  ``ghp_``, ``AKIA``...) and the password of ``scheme://user:password@host``.

`ScrubFilter` does the same to every log record it sees.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import re
import threading
from collections.abc import Iterable
from urllib.parse import quote

MARKER = "[redacted]"
_MIN_SECRET = 8

_lock = threading.Lock()
_remembered: set[str] = set()

_SECRET_VARIABLE = re.compile(r"(?:TOKEN|_KEY|APIKEY|SECRET|PASSWORD|PASSWD|_PASS|CREDENTIALS?)$")

# The value after a header or field name that holds a credential, up to the end of the value.
_NAMED = re.compile(
    r"(?i)(?P<name>\b(?:proxy-)?authorization|\bcookie|\bset-cookie|\bx-[a-z0-9-]{0,20}(?:api-?key|token|secret)"
    r"|\bapi[-_ ]?key|\b(?:access|refresh|id|auth|bot|session)[-_]?token|\bclient[-_]?secret|\bsecret"
    r"|\bpass(?:word|wd)?|\btoken)"
    r"(?P<between>[\"']?\s{0,3}[:=]\s{0,3}[\"']?)"
    r"(?P<scheme>(?:bearer|basic|token|bot)\s{1,3})?"
    r"(?P<value>[^\s\"',;&}\]]{1,4096})"
)
# "Bearer <value>": a value with a digit, a symbol or a capital after its first letter, so that prose
# ("the token provided is invalid") reads as it was written.
_SCHEME_VALUE = re.compile(
    r"(?i:\b(?P<scheme>bearer|basic|token))\s{1,3}"
    r"(?=[0-9._~+/\-]|[A-Za-z][a-z]{0,4096}[0-9._~+/\-A-Z])"
    r"(?P<value>[A-Za-z0-9._~+/\-]{8,4096}=*)"
)
_VENDOR_KEY = re.compile(
    r"(?<![A-Za-z0-9_\-])(?:xox[abeoprs]-[A-Za-z0-9\-]{10,512}|xapp-[A-Za-z0-9\-]{10,512}"
    r"|sk-ant-[A-Za-z0-9_\-]{10,512}|sk-(?:proj-)?[A-Za-z0-9_\-]{20,512}|(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,512}"
    r"|gh[pousr]_[A-Za-z0-9]{20,512}|github_pat_[A-Za-z0-9_]{20,512}|glpat-[A-Za-z0-9_\-]{20,512}"
    r"|(?:AKIA|ASIA)[A-Z0-9]{16}|AIza[A-Za-z0-9_\-]{35}|ATATT[A-Za-z0-9_\-=]{20,1024})"
)
_URL_PASSWORD = re.compile(r"(?i)(?P<before>\b[a-z][a-z0-9+.\-]{0,30}://[^\s/@:]{0,256}:)[^\s/@]{1,256}@")


def remember_secret(*values: str | None) -> None:
    """Register credentials this process uses, so that `scrub` takes them out of any text."""
    with _lock:
        for value in values:
            if value and len(value.strip()) >= _MIN_SECRET:
                _remembered.add(value.strip())


def _variants(secret: str) -> set[str]:
    """The secret and the forms it travels in: base64 and percent-encoded, and Basic's parts."""
    found = {secret}
    scheme, _, rest = secret.partition(" ")
    if rest and scheme.lower() in ("bearer", "basic", "token", "bot"):
        found.add(rest.strip())
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(rest.strip(), validate=True).decode("utf-8")
            except (binascii.Error, ValueError):
                decoded = ""
            if ":" in decoded:
                found.add(decoded)
                found.add(decoded.partition(":")[2])
    for value in list(found):
        found.add(quote(value, safe=""))
        found.add(base64.b64encode(value.encode()).decode().rstrip("="))
    return {v for v in found if len(v) >= _MIN_SECRET}


def configured_secrets(extra: Iterable[str | None] = ()) -> set[str]:
    """Every secret to take out: registered ones, secret-named environment variables and `extra`."""
    with _lock:
        secrets = set(_remembered)
    for name, value in os.environ.items():
        if _SECRET_VARIABLE.search(name) and len(value.strip()) >= _MIN_SECRET and not value.startswith("/"):
            secrets.add(value.strip())
    secrets.update(v.strip() for v in extra if v and len(v.strip()) >= _MIN_SECRET)
    return {variant for secret in secrets for variant in _variants(secret)}


def scrub(text: str, extra: Iterable[str | None] = ()) -> str:
    """`text` without configured secrets (plus `extra`) or anything that looks like a credential."""
    if not text:
        return text
    for secret in sorted(configured_secrets(extra), key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MARKER)
    text = _NAMED.sub(_keep_name, text)
    text = _SCHEME_VALUE.sub(lambda m: f"{m['scheme']} {MARKER}", text)
    text = _VENDOR_KEY.sub(MARKER, text)
    return _URL_PASSWORD.sub(lambda m: f"{m['before']}{MARKER}@", text)


def _keep_name(match: re.Match[str]) -> str:
    value = match["value"]
    if value == MARKER or value.startswith("[redacted"):
        return match[0]
    return f"{match['name']}{match['between']}{match['scheme'] or ''}{MARKER}"


class ScrubFilter(logging.Filter):
    """A logging filter that scrubs each record's message (and its exception text) of credentials."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        record.msg, record.args = scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


__all__ = ["MARKER", "ScrubFilter", "configured_secrets", "remember_secret", "scrub"]
