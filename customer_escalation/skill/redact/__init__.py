"""Redaction of personal data and secrets from text that leaves the support platform.

Everything posted to chat or filed in the tracker goes through `redact` first. It finds:

- ``email``: addresses, with accented letters (``jürgen.müller@firma.example``), percent-encoded in a URL
  (``jane%40acme.example``) or written as ``jane [at] acme [dot] example``. Addresses in ``keep_emails``
  or under ``keep_domains`` (our own staff) stay, and so do Google service accounts
  (``...gserviceaccount...``), which name a machine, not a person, and so do logins on a machine: an SSH
  remote (``git@github.com:acme/x.git``), the target of ``ssh``, ``scp`` or ``rsync`` and hosts under
  ``.internal``, ``.local`` or ``.lan``.
- ``phone``: international numbers (``+44 20 7946 0958``, ``0044 20 ...``), North American numbers with
  separators (``(415) 555-0132``, area code and exchange starting 2-9), national numbers with a trunk 0
  and 10-11 digits (``020 7946 0958``, ``01 23 45 67 89``), and unseparated numbers right after a word
  such as "phone", "tel", "call me on" or "mobile". Anything that reads as a date is not a number, and
  neither is a number labelled as an invoice, order, reference, account or other document number.
- ``card``: 13-19 digits, whole or in groups of three or more separated by spaces, dashes or dots or
  wrapped across a line, with a card-network prefix and length (Visa, Mastercard, Amex, Discover, Diners, JCB,
  UnionPay, Maestro) and a valid Luhn check digit. The marker keeps the last four digits.
- ``iban``: country code, that country's IBAN length and structure and a valid mod-97 check, whole or
  grouped by spaces or dashes.
- ``national_id``: US Social Security numbers (dashes, spaces or dots; area not 000, 666 or 900-999, group not 00, serial not
  0000), UK National Insurance numbers (HMRC's prefix letter rules), Spanish DNI and NIE numbers (check
  letter) and Canadian SINs (Luhn, first digit not 0 or 8). Unseparated nine-digit SSNs and SINs count
  only right after "SSN", "social security", "SIN" or "social insurance".
- ``api_key``: vendor-prefixed keys (Stripe, AWS access key ids, GitHub, Slack, GitLab, Google,
  SendGrid, Anthropic, OpenAI, npm, PyPI, Shopify, DigitalOcean, Slack webhook paths), the value of
  ``Authorization: Bearer|Basic|Token`` headers, ``Basic <base64 of user:password>`` and values assigned to names such as ``api_key``,
  ``X-Api-Key``, ``access_token`` or ``token`` (also as ``?token=`` in a URL).
- ``jwt``: three base64url segments whose first segment decodes to a JSON header with ``alg``.
- ``secret``: values assigned to ``client_secret``-like names (``AWS_SECRET_ACCESS_KEY``,
  ``signing_secret``, ``signature``...), PEM private keys, and free-standing high-entropy strings: 24+
  characters mixing letters and digits (or both cases, from 32), at least 3.4 bits of Shannon entropy
  per character, and not made of words like an identifier (``AccessDeniedException2024Q4``,
  ``payments-api-7d9f8b6c5d-x2k4p``).
- ``password``: ``password: X``, ``pwd=X``, ``passwd X``, ``"password":"X"``, "my password is X",
  "the password for the admin account is X", "admin password `X`", ``<password>X</password>``,
  ``scheme://user:X@host`` and ``redis://:X@host``, the same in German, French, Spanish, Portuguese,
  Dutch, the Nordic languages, Polish, Czech and Russian (``Passwort: X``, ``mot de passe : X``), and on
  a command line (``mysql -pX``, ``sshpass -p X``, ``redis-cli -a X``, ``curl -u user:X``). Without a quote, ``:`` or ``=`` the value must look like a password
  (letters with a digit or symbol), so "password login" and "my password is right" stay.

Kept on purpose, because engineering needs them and they name no person: account and company names,
ticket and record ids (``req_7f3a9c2e41``, ``evt_...``), UUIDs and other pure hex strings (a 40-hex git
SHA is a commit, not a secret; trace ids and hashes too; a hex value is redacted only when it is
assigned to a secret-like name), strings labelled as request, trace or correlation ids, IP addresses
(usually a customer's server, and needed to trace a request), timestamps, dates, versions, amounts, HTTP
status codes and base64 image data (``data:image/...;base64,``). People's names are not detected.
Text is read as people paste it: non-breaking and other Unicode spaces, non-breaking hyphens, dashes
and minus signs, and fullwidth digits count as their ASCII forms. Digits written in other scripts and
secrets split by invisible characters are not detected: the aim is to catch what people paste by
accident, not what an adversary hides.

Markers read well in a Slack or Jira post: ``[redacted email]``, ``[redacted card ending 1111]``. Inside
a URL or a markdown link target the marker has no spaces or brackets (``redacted-email``), so the link
stays a link. A span never takes in the quote, backtick or bracket around a value, so code spans and
links around it stay intact. Markers already in the text are left alone, and the output is checked
again until nothing more turns up, so redacting the output finds nothing.

Redaction takes time linear in the length of the text (no pattern scans the text again from every
place a finding could start). Code running on an event loop calls `redact_off_loop`, which redacts
long texts in a worker thread so the loop keeps serving other requests meanwhile.
"""

from __future__ import annotations

import asyncio
import bisect
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ._common import KINDS, PRIORITY, Hit, Kind, Spans, fold
from .contact import emails, normalised_email, phones
from .credentials import api_keys, jwts, passwords, secrets
from .numbers import cards, ibans, national_ids


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


# --- markers -----------------------------------------------------------------------------------------

_MARKER = re.compile(
    r"\[redacted (?:email|phone|card ending [0-9]{4}|card|IBAN|national id|api key|JWT|secret|password)\]"
    r"|redacted-(?:email|phone|card-ending-[0-9]{4}|card|iban|national-id|api-key|jwt|secret|password)"
)


def _marker(hit: Hit, *, in_url: bool) -> str:
    label = _LABELS[hit.kind]
    if hit.kind == "card" and hit.last4:
        label = f"card ending {hit.last4}"
    if in_url:
        return "redacted-" + label.lower().replace(" ", "-")
    return f"[redacted {label}]"


_URL = re.compile(r"(?i)(?:\b[a-z][a-z0-9+.\-]{0,30}://|\bmailto:|\btel:)[^\s<>\"'`\[\]()|{}]+")
_LINK_DESTINATION = re.compile(r"\]\(([^()\s]+)\)")


def _url_spans(text: str) -> Spans:
    spans = [m.span() for m in _URL.finditer(text)]
    spans += [m.span(1) for m in _LINK_DESTINATION.finditer(text)]
    return Spans(spans)


# --- putting it together -----------------------------------------------------------------------------

_DETECTORS: tuple[Callable[[str], Iterable[Hit]], ...] = (
    cards,
    ibans,
    national_ids,
    jwts,
    api_keys,
    passwords,
    emails,
    phones,
    secrets,
)


def _hits(folded: str) -> list[Hit]:
    markers = Spans([m.span() for m in _MARKER.finditer(folded)])
    hits = []
    for detector in _DETECTORS:
        for hit in detector(folded):
            if hit.end > hit.start and not markers.overlaps(hit.start, hit.end):
                hits.append(hit)
    return hits


def _merge(hits: Iterable[Hit]) -> list[Hit]:
    """One hit per group of overlapping hits: the union of their spans, named after the strongest."""
    merged: list[Hit] = []
    group: list[Hit] = []
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


def _strongest(group: list[Hit]) -> Hit:
    best = max(group, key=lambda h: (h.end - h.start, PRIORITY[h.kind]))
    start, end = min(h.start for h in group), max(h.end for h in group)
    last4 = best.last4 if (start, end) == (best.start, best.end) else ""
    return Hit(best.kind, start, end, last4)


@dataclass(frozen=True)
class _Keep:
    emails: frozenset[str] = frozenset()
    domains: tuple[str, ...] = ()

    def keeps(self, raw: str) -> bool:
        address = normalised_email(raw)
        domain = address.rpartition("@")[2]
        return address in self.emails or any(domain == d or domain.endswith("." + d) for d in self.domains)


def _unkept_hits(text: str, keep: _Keep) -> list[Hit]:
    folded = fold(text)
    hits = _hits(folded)
    if not (keep.emails or keep.domains):
        return hits
    kept = Spans(
        [(h.start, h.end) for h in hits if h.kind == "email" and keep.keeps(folded[h.start : h.end])]
    )
    return [h for h in hits if not kept.holds(h.start, h.end)]


def _render(text: str, hits: list[Hit]) -> tuple[str, list[tuple[int, int, int]]]:
    """The text with markers, and (input start, input end, output start) of each copied stretch."""
    urls = _url_spans(text)
    pieces: list[str] = []
    copied: list[tuple[int, int, int]] = []
    cursor = length = 0
    for hit in hits:
        in_url = urls.holds(hit.start, hit.end)
        marker = _marker(hit, in_url=in_url)
        copied.append((cursor, hit.start, length))
        pieces += [text[cursor : hit.start], marker]
        length += hit.start - cursor + len(marker)
        cursor = hit.end
    copied.append((cursor, len(text), length))
    pieces.append(text[cursor:])
    return "".join(pieces), copied


def _resolve(text: str, keep: _Keep) -> list[Hit]:
    hits = _merge(_unkept_hits(text, keep))
    if not hits:
        return hits
    # A marker can open a boundary a neighbour needed ("a@b.example+4915123456789"): look again at the
    # output until nothing new turns up, so that redacting the output finds nothing.
    for _ in range(_MAX_PASSES):
        output, copied = _render(text, hits)
        copied_at = [at for _, _, at in copied]
        extra = []
        for hit in _unkept_hits(output, keep):
            # Only a finding wholly inside one copied stretch is new; one touching a marker is not.
            index = bisect.bisect_right(copied_at, hit.start) - 1
            start, end, at = copied[index]
            if hit.end <= at + end - start:
                extra.append(Hit(hit.kind, hit.start - at + start, hit.end - at + start, hit.last4))
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


OFF_LOOP_FROM = 2_000
"""Texts at least this long are redacted in a worker thread by `redact_off_loop`."""


async def redact_off_loop(
    text: str, *, keep_emails: Iterable[str] = (), keep_domains: Iterable[str] = ()
) -> Redacted:
    """`redact` for code on an event loop: a long text is redacted in a worker thread.

    The loop keeps running other tasks (other requests, health checks) while the text is redacted.
    """
    keep_emails, keep_domains = tuple(keep_emails), tuple(keep_domains)
    if len(text) < OFF_LOOP_FROM:
        return redact(text, keep_emails=keep_emails, keep_domains=keep_domains)
    return await asyncio.to_thread(redact, text, keep_emails=keep_emails, keep_domains=keep_domains)


__all__ = ["KINDS", "OFF_LOOP_FROM", "Kind", "Redacted", "Redaction", "find", "redact", "redact_off_loop"]
