"""A seeded corpus for measuring redaction: support texts with planted personal data and secrets.

`corpus()` builds texts from support-style frames (escalation notes, pasted customer replies, log
excerpts, tracker drafts) filled with everyday support data that must survive redaction (account
names, ticket ids, timestamps, versions, request ids, amounts, URLs, error codes, staff addresses)
and with one to three planted items in varied formats. Every planted item remembers where it is, so
recall and precision can be counted per kind. `NEGATIVES` and `negative_texts()` hold text with
nothing to redact.

All data is fictional: addresses use `.example` domains, phone numbers use the fictional ranges where
a country has them (555-01xx, 020 7946 0xxx, 07700 900xxx) and random digits elsewhere, card numbers
are the well-known test numbers or generated with a valid Luhn digit, IBANs are the published examples
or generated with valid check digits, and national ids are generated in valid but random ranges.
"""

from __future__ import annotations

import base64
import json
import random
import re
import string
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from customer_escalation.connectors.records import Dataset
from customer_escalation.skill.redact import KINDS, Kind, Redacted, redact
from tests.skill.checked_numbers import IBAN_BBAN, iban_number, luhn_number

OUR_DOMAIN = "tessera.example"
CORPUS_SIZE = 2400
SEED = 20261127


def redact_ours(text: str) -> Redacted:
    """Redaction as the product runs it for us: our own staff addresses stay."""
    return redact(text, keep_domains=[OUR_DOMAIN])


B62 = string.ascii_letters + string.digits
B64 = B62 + "+/"
B64URL = B62 + "-_"
LOWER36 = string.ascii_lowercase + string.digits
UPPER36 = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"


@dataclass(frozen=True)
class Planted:
    """One planted item: its kind, the exact value and where it sits in the text."""

    kind: Kind
    value: str
    start: int
    end: int
    format: str


@dataclass(frozen=True)
class Sample:
    text: str
    planted: tuple[Planted, ...]


def _rand(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


# --- fillers: everyday support data that must stay ----------------------------------------------------

ACCOUNTS = (
    "Acme Corp", "Acme Logistics", "Globex", "Initech", "Umbrella Health", "Hooli", "Northwind Traders",
    "Brightpath Learning", "Kestrel Labs", "Lumen Analytics", "Bluefin Retail", "Harbor & Finch",
    "Quarry Systems", "Orchid Bank", "Vantage Freight", "Meridian Health Partners", "Tallgrass Energy",
    "Cobalt Robotics", "Pinecrest Schools", "Sable Insurance", "Juniper Media", "Redwood Payments",
    "Atlas Mobility", "Solstice Travel", "Granite Dental Group", "Nimbus Cloudworks", "Foxglove Studios",
)  # fmt: skip
AGENTS = ("Dana", "Marcus", "Hannah", "Tomas", "Greta", "Jonah", "Sofia", "Ravi")
STAFF = (
    "dana.whitfield@tessera.example", "support@tessera.example", "marcus.oyelaran@tessera.example",
    "oncall@eu.tessera.example", "security@tessera.example",
)  # fmt: skip
TEAMS = ("platform", "billing", "identity", "data pipeline", "security", "integrations")
ERRORS = (
    "HTTP 503 Service Unavailable", "500 Internal Server Error", "ERR_SSL_PROTOCOL_ERROR", "ECONNRESET",
    "invalid_api_key", "rate_limited", "insufficient_scope", "SQLSTATE 23505", "ORA-00942", "0x80070005",
    "429 Too Many Requests", "ETIMEDOUT after 30000ms", "AccessDenied (403)", "E1102 export_row_mismatch",
    "SAML assertion expired (NotOnOrAfter)", "webhook_signature_mismatch", "kms:GenerateDataKey denied",
    "java.net.SocketTimeoutException: Read timed out", "TypeError: Cannot read properties of undefined",
    "upstream connect error or disconnect/reset before headers", "ERR_TOO_MANY_REDIRECTS",
    "AbstractSingletonProxyFactoryBean init failed", "PAYMENT_INTENT_UNEXPECTED_STATE",
)  # fmt: skip
VERSIONS = (
    "v2.31.0", "2.31.0-rc.1", "tessera-python 4.1.3", "tessera-node 6.3.0", "tessera-go v2.8.1",
    "Chrome 131.0.6778.86", "iOS 17.4.1", "Android 14", "build 2024.11.3", "API version 2024-06-01",
    "macOS 14.6.1", "Windows 11 23H2", "Ubuntu 22.04.4 LTS", "OpenSSL 3.0.13", "release 2026.47.2",
)  # fmt: skip


def _ticket(rng: random.Random) -> str:
    return rng.choice(
        (
            f"#{rng.randint(10000, 69999)}",
            f"ZD-{rng.randint(1000, 99999)}",
            f"ENG-{rng.randint(100, 9999)}",
            f"PROD-{rng.randint(10, 999)}",
            f"SUP-{rng.randint(1000, 9999)}",
            f"INC-2026-{rng.randint(1, 999):04d}",
            f"ESC-{rng.randint(1, 99)}",
            f"CS-{rng.randint(100000, 999999)}",
            f"ticket {rng.randint(10000, 69999)}",
        )
    )


def _timestamp(rng: random.Random) -> str:
    day, hour, minute, second = rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
    month = rng.randint(1, 12)
    epoch = rng.randint(1_760_000_000, 1_800_000_000)
    return rng.choice(
        (
            f"2026-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}Z",
            f"2026-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d}.{rng.randint(0, 999999):06d}",
            f"2026-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d},{rng.randint(0, 999):03d}",
            f"Tue, {day:02d} Nov 2026 {hour:02d}:{minute:02d}:{second:02d} GMT",
            f"{day:02d}/{month:02d}/2026 {hour:02d}:{minute:02d}",
            f"{day:02d}.{month:02d}.2026 {hour:02d}:{minute:02d}",
            f"{hour:02d}:{minute:02d} UTC",
            f"epoch {epoch}",
            f"ts={epoch}{rng.randint(0, 999):03d}",
            f"Nov {day}, 2026 at {rng.randint(1, 12)}:{minute:02d} PM",
            f"{epoch}.{rng.randint(0, 999999):06d}",
        )
    )


def _request_id(rng: random.Random) -> str:
    return rng.choice(
        (
            f"req_{_rand(rng, HEX, 10)}",
            f"X-Request-Id: {_rand(rng, HEX, 32)}",
            f"request_id={_rand(rng, HEX, 8)}-{_rand(rng, HEX, 4)}-{_rand(rng, HEX, 4)}-{_rand(rng, HEX, 4)}-{_rand(rng, HEX, 12)}",
            f"traceparent: 00-{_rand(rng, HEX, 32)}-{_rand(rng, HEX, 16)}-01",
            f"S3 Extended Request ID: {_rand(rng, B62, 40)}",
            f"dlv_{_rand(rng, HEX, 12)}",
            f"evt_{_rand(rng, B62, 24)}",
            f"cus_{_rand(rng, B62, 14)}",
            f"Request ID: {_rand(rng, UPPER36, 16)}",
            f"correlation id {_rand(rng, B62, 28)}",
        )
    )


def _amount(rng: random.Random) -> str:
    n = rng.randint(2, 990)
    return rng.choice(
        (
            f"${n * 100:,}",
            f"${n * 1000:,}.00",
            f"€{n}.{rng.randint(100, 999)}",
            f"USD {n * 37:,}.{rng.randint(10, 99)}",
            f"£{n} 400",
            f"${n}k",
            f"{n * 1000:,} EUR",
        )
    )


def _url(rng: random.Random) -> str:
    return rng.choice(
        (
            f"https://app.{OUR_DOMAIN}/w/ws_{_rand(rng, HEX, 6)}/dashboards/{_rand(rng, HEX, 8)}",
            f"https://status.{OUR_DOMAIN}/incidents/{_rand(rng, LOWER36, 12)}",
            f"https://api.{OUR_DOMAIN}/v2/profiles?cursor=eyJwYWdlIjoy{_rand(rng, HEX, 4)}&limit=100",
            f"https://docs.{OUR_DOMAIN}/api/rate-limits#retry-after",
            f"s3://acme-exports/tessera/2026/11/{rng.randint(1, 28):02d}/",
            f"https://{OUR_DOMAIN}/records/{_rand(rng, HEX, 8)}-{_rand(rng, HEX, 4)}-{_rand(rng, HEX, 4)}-{_rand(rng, HEX, 4)}-{_rand(rng, HEX, 12)}",
            f"[the runbook](https://wiki.{OUR_DOMAIN}/runbooks/exports-403)",
            f"https://github.example/tessera/sdk/commit/{_rand(rng, HEX, 40)}",
        )
    )


def _ip(rng: random.Random) -> str:
    return rng.choice(
        (
            f"10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            f"203.0.113.{rng.randint(1, 254)}",
            f"198.51.100.{rng.randint(1, 254)}:443",
            f"2001:db8::{rng.randint(1, 9999):x}",
        )
    )


def _log_line(rng: random.Random) -> str:
    return rng.choice(
        (
            f"{_timestamp(rng)}  req_{_rand(rng, HEX, 10)}  500  events={rng.randint(100, 500)}  bytes={rng.randint(100000, 2000000)}",
            f'{_ip(rng)} - - [05/Nov/2026:10:{rng.randint(10, 59)}:31 +0000] "GET /v2/profiles HTTP/1.1" 200 {rng.randint(100, 99999)}',
            f"[{_timestamp(rng)}] WARN tessera-sync GET /v2/profiles?cursor=... -> 429 (retry_after={rng.randint(1, 30)}s)",
            f"pod payments-api-{_rand(rng, HEX, 10)}-{_rand(rng, LOWER36, 5)} restarted {rng.randint(2, 9)} times",
            f"arn:aws:iam::{rng.randint(100000000000, 999999999999)}:role/TesseraExport",
            f"commit {_rand(rng, HEX, 40)} (short {_rand(rng, HEX, 7)})",
            f"{rng.choice(VERSIONS)} | p99 {rng.randint(200, 9000):,} ms | {rng.randint(1, 99)}% errors",
        )
    )


_FILLERS: dict[str, Callable[[random.Random], str]] = {
    "account": lambda rng: rng.choice(ACCOUNTS),
    "agent": lambda rng: rng.choice(AGENTS),
    "staff": lambda rng: rng.choice(STAFF),
    "team": lambda rng: rng.choice(TEAMS),
    "error": lambda rng: rng.choice(ERRORS),
    "version": lambda rng: rng.choice(VERSIONS),
    "ticket": _ticket,
    "ts": _timestamp,
    "req": _request_id,
    "amount": _amount,
    "url": _url,
    "ip": _ip,
    "log": _log_line,
    "sha": lambda rng: _rand(rng, HEX, 40),
}


# --- planted values ----------------------------------------------------------------------------------

FIRST = ("Priya", "Graham", "Lena", "Tobias", "Mei", "Ana", "Omar", "Kwame", "Ingrid", "Mateo", "Hana",
         "Chloe", "Aisha", "Felix", "Nora", "Diego", "Yuki", "Emeka", "Clara", "Sven")  # fmt: skip
LAST = ("Natarajan", "Osei", "Voss", "Reinholt", "Tanaka", "Silva", "Haddad", "Mensah", "Berg", "Rossi",
        "Kowalski", "Dubois", "Okafor", "Lindqvist", "Moreau", "Ito", "Nwosu", "Fischer", "Park", "Lee")  # fmt: skip
SLUGS = ("acme-logistics", "northwind", "globex", "initech", "umbrella-health", "hooli", "kestrel-labs",
         "bluefin", "orchid-bank", "vantage-freight", "redwood-pay", "juniper-media", "sable")  # fmt: skip

Snippet = tuple[str, str, str]
"""A sentence with a `{v}` slot, the value, and the name of the format."""


def _email(rng: random.Random) -> Snippet:
    first, last, slug = rng.choice(FIRST), rng.choice(LAST), rng.choice(SLUGS)
    domain = rng.choice((f"{slug}.example", f"mail.{slug}.example", f"{slug}-corp.example"))
    kind = rng.randrange(8)
    if kind == 0:
        value = f"{first.lower()}.{last.lower()}@{domain}"
    elif kind == 1:
        value = f"{first[0].lower()}.{last.lower()}+{rng.choice(('billing', 'tessera', 'alerts'))}@{domain}"
    elif kind == 2:
        value = f"{first}.{last}@{domain.capitalize()}"
    elif kind == 3:
        value = f"{first[0].lower()}{last.lower()}{rng.randint(1, 99)}@{domain}"
    elif kind == 4:
        value = f"{rng.choice(('it-admin', 'ops', 'finance', 'accounts.payable'))}@{domain}"
    elif kind == 5:
        value = f"{first.lower()} [at] {slug} [dot] example"
        return "You can write to {v} if the form fails.", value, "obfuscated"
    elif kind == 6:
        value = f"{first.lower()}_{last.lower()}@{domain}"
        return f"[{first} {last}](mailto:{{v}}) owns the integration.", value, "markdown-mailto"
    else:
        value = f"{first.lower()}.{last.lower()}@{domain}"
        return '{"user": {"email": "{v}", "role": "admin"}}', value, "json"
    sentence = rng.choice(
        (
            "Please cc {v} on replies.",
            "Their admin is {v}.",
            f"From: {first} {last} <{{v}}>",
            "Send the RCA to {v} and me.",
            "email: {v}",
            "The export was shared with {v} by mistake.",
            "`{v}` is the service account that failed.",
        )
    )
    return sentence, value, f"address-{kind}"


def _phone(rng: random.Random) -> Snippet:
    area = rng.choice(("415", "212", "646", "312", "617", "206", "503", "720", "404", "202"))
    line = f"01{rng.randint(0, 99):02d}"
    uk = f"{rng.randint(0, 999):03d}"
    pairs = " ".join(f"{rng.randint(0, 99):02d}" for _ in range(4))
    formats = (
        ("nanp-parens", f"({area}) 555-{line}"),
        ("nanp-dashes", f"{area}-555-{line}"),
        ("nanp-dots", f"{area}.555.{line}"),
        ("nanp-spaces", f"{area} 555 {line}"),
        ("nanp-intl", f"+1 {area} 555 {line}"),
        ("nanp-intl-parens", f"+1 ({area}) 555-{line}"),
        ("nanp-intl-dashes", f"+1-{area}-555-{line}"),
        ("nanp-one", f"1-{area}-555-{line}"),
        ("e164", f"+1{area}555{line}"),
        ("nanp-ext", f"({area}) 555-{line} ext. {rng.randint(10, 999)}"),
        ("uk-london", f"020 7946 0{uk}"),
        ("uk-intl", f"+44 20 7946 0{uk}"),
        ("uk-intl-trunk", f"+44 (0)20 7946 0{uk}"),
        ("uk-mobile", f"07700 900{uk}"),
        ("uk-mobile-intl", f"+44 7700 900{uk}"),
        ("uk-manchester", f"0161 496 0{uk}"),
        ("uk-double-zero", f"0044 20 7946 0{uk}"),
        ("fr", f"0{rng.randint(1, 7)} {pairs}"),
        ("fr-intl", f"+33 {rng.randint(1, 7)} {pairs}"),
        ("de", f"030 {rng.randint(10000000, 99999999)}"),
        ("de-intl", f"+49 30 {rng.randint(1000000, 9999999)}"),
        ("in-intl", f"+91 {rng.randint(70000, 99999)} {rng.randint(10000, 99999)}"),
        ("au-intl", f"+61 2 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"),
        ("au", f"(02) {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"),
        ("nl-intl", f"+31 20 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"),
        ("nl", f"020 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"),
    )
    name, value = rng.choice(formats)
    if rng.random() < 0.12:
        value = rng.choice((f"{area}555{line}", f"07700900{uk}", f"+447700900{uk}"))
        sentence = rng.choice(
            ("Call me on {v} today.", "Phone: {v}", "mobile {v}", "WhatsApp {v} works best.")
        )
        return sentence, value, "context-unseparated"
    if rng.random() < 0.05:
        return "[call the NOC](tel:{v})", value.replace(" ", ""), "tel-link"
    sentence = rng.choice(
        (
            "My direct line is {v}.",
            "Reach Priya at {v} after 3pm.",
            "Their on-call number is {v}",
            "Phone: {v}",
            "The number on file is {v}, please don't share it.",
            "call me on {v} (mobile)",
            "Contact: Graham Osei, {v}",
        )
    )
    return sentence, value, name


def _card(rng: random.Random) -> Snippet:
    network = rng.randrange(10)
    if network == 0:
        digits = rng.choice(("4111111111111111", "4242424242424242", "5555555555554444", "378282246310005"))
    else:
        prefix, length = (
            ("4", 16),
            (str(rng.randint(51, 55)), 16),
            (str(rng.randint(2221, 2720)), 16),
            (rng.choice(("34", "37")), 15),
            ("6011", 16),
            ("65", 16),
            (str(rng.randint(3528, 3589)), 16),
            ("36", 14),
            ("62", 19),
        )[network - 1]
        digits = luhn_number(rng, prefix, length)
    style = rng.randrange(4)
    if len(digits) == 15 and style < 2:
        value = f"{digits[:4]} {digits[4:10]} {digits[10:]}"
    elif style == 0:
        value = " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))
    elif style == 1:
        value = "-".join(digits[i : i + 4] for i in range(0, len(digits), 4))
    else:
        value = digits
    sentence = rng.choice(
        (
            "card {v}, exp 09/29, CVV 123",
            "The charge on {v} was declined twice.",
            '"card_number": "{v}", "exp_month": 9',
            "PAN: {v}",
            "they paid with {v} and got charged again",
            "cc#{v}",
        )
    )
    return sentence, value, f"card-{network}-{style}"


def _iban(rng: random.Random) -> Snippet:
    if rng.random() < 0.1:
        compact = rng.choice(
            ("GB82WEST12345698765432", "DE89370400440532013000", "FR1420041010050500013M02606")
        )
    else:
        compact = iban_number(rng, rng.choice(tuple(IBAN_BBAN)))
    style = rng.randrange(10)
    if style < 6:
        value = " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    elif style < 9:
        value = compact
    else:
        value = compact.lower()
    sentence = rng.choice(
        (
            "Please refund to IBAN {v}.",
            "Bank details: {v} (Orchid Bank)",
            "IBAN: {v}",
            "the refund went to {v} instead of the new account",
            '"iban": "{v}"',
        )
    )
    return sentence, value, f"iban-{style}"


def _national_id(rng: random.Random) -> Snippet:
    kind = rng.randrange(7)
    if kind <= 2:
        area = rng.choice([a for a in range(1, 900) if a != 666])
        group, serial = rng.randint(1, 99), rng.randint(1, 9999)
        digits = f"{area:03d}{group:02d}{serial:04d}"
        if kind == 0:
            return (
                "Customer SSN {v} was in the export.",
                f"{digits[:3]}-{digits[3:5]}-{digits[5:]}",
                "ssn-dashes",
            )
        if kind == 1:
            return "social security number {v}", f"{digits[:3]} {digits[3:5]} {digits[5:]}", "ssn-spaces"
        return "SSN: {v}", digits, "ssn-labelled"
    if kind == 3:
        first = rng.choice("ABCEGHJKLMNOPRSTWXYZ")
        second = rng.choice("ABCEGHJKLMNPRSTWXYZ")
        while first + second in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
            second = rng.choice("ABCEGHJKLMNPRSTWXYZ")
        numbers = [f"{rng.randint(0, 99):02d}" for _ in range(3)]
        sep = rng.choice((" ", ""))
        value = sep.join((first + second, *numbers, rng.choice("ABCD")))
        return "Her NI number is {v}.", value, "uk-nino"
    if kind == 4:
        number = rng.randint(10000000, 99999999)
        return "DNI {v} (Spain)", f"{number}{'TRWAGMYFPDXBNJZSQVHLCKE'[number % 23]}", "es-dni"
    if kind == 5:
        prefix, number = rng.randrange(3), rng.randint(1000000, 9999999)
        letter = "TRWAGMYFPDXBNJZSQVHLCKE"[int(f"{prefix}{number}") % 23]
        return "NIE: {v}", f"{'XYZ'[prefix]}{number}{letter}", "es-nie"
    digits = luhn_number(rng, rng.choice("1234567"), 9)
    sep = rng.choice((" ", "-"))
    return "SIN {v}", sep.join((digits[:3], digits[3:6], digits[6:])), "ca-sin"


def _api_key(rng: random.Random) -> Snippet:
    options: Sequence[tuple[str, str, str]] = (
        ("stripe", "Our live key is {v}, please rotate it.", rng.choice(("sk_live_", "sk_test_", "rk_live_", "pk_live_")) + _rand(rng, B62, rng.choice((24, 34, 99)))),
        ("stripe-webhook", "webhook secret whsec {v}", "whsec_" + _rand(rng, B62, 32)),
        ("aws", "access key id {v}", "AKIA" + _rand(rng, UPPER36, 16)),
        ("github", "they committed {v} to the repo", rng.choice(("ghp_", "gho_", "ghs_")) + _rand(rng, B62, 36)),
        ("github-pat", "token {v}", "github_pat_11" + _rand(rng, UPPER36, 20) + "_" + _rand(rng, B62, 59)),
        ("slack", "SLACK_BOT {v}", f"xoxb-{rng.randint(10**11, 10**12)}-{rng.randint(10**12, 10**13)}-{_rand(rng, B62, 24)}"),
        ("gitlab", "glpat {v}", "glpat-" + _rand(rng, B64URL, 20)),
        ("google", "maps key {v}", "AIza" + _rand(rng, B64URL, 35)),
        ("sendgrid", "SendGrid key: {v}", f"SG.{_rand(rng, B64URL, 22)}.{_rand(rng, B64URL, 43)}"),
        ("anthropic", "they pasted {v} in the ticket", "sk-ant-api03-" + _rand(rng, B64URL, 93) + "AA"),
        ("openai", "OPENAI key {v}", "sk-proj-" + _rand(rng, B62, 48)),
        ("npm", "npm token {v}", "npm_" + _rand(rng, B62, 36)),
        ("shopify", "shop token {v}", "shpat_" + _rand(rng, HEX, 32)),
        ("bearer", "curl -H 'Authorization: Bearer {v}' https://api.tessera.example/v2/me", _rand(rng, B62, 40)),
        ("bearer-b64url", "Authorization: Bearer {v}", _rand(rng, B64URL, 32)),
        ("x-api-key", "X-Api-Key: {v}", _rand(rng, HEX, 32)),
        ("api-key-assigned", "api_key={v}", _rand(rng, LOWER36, 32)),
        ("api-key-label", "Here is our API key: {v} (the old one)", _rand(rng, B62, 32)),
        ("json-token", '{"access_token": "{v}", "token_type": "bearer"}', _rand(rng, B62, 30)),
        ("url-token", "https://hooks.acme.example/in?token={v}&source=tessera", _rand(rng, B62, 30)),
        ("basic", "Authorization: Basic {v}", base64.b64encode(f"svc-export:{_rand(rng, B62, 14)}".encode()).decode()),
    )  # fmt: skip
    name, sentence, value = rng.choice(options)
    return sentence, value, name


def _b64url_json(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


def _jwt(rng: random.Random) -> Snippet:
    alg = rng.choice(("HS256", "RS256", "ES256", "HS512"))
    header: dict[str, object] = {"alg": alg, "typ": "JWT"}
    if rng.random() < 0.3:
        header["kid"] = _rand(rng, HEX, 16)
    payload = {
        "sub": f"usr_{_rand(rng, HEX, 8)}",
        "iat": rng.randint(1_760_000_000, 1_790_000_000),
        "exp": rng.randint(1_790_000_000, 1_800_000_000),
        "scope": rng.choice(("exports:read", "admin", "profiles:write")),
    }
    signature = _rand(rng, B64URL, 43 if alg.startswith("HS") else 86)
    value = f"{_b64url_json(header)}.{_b64url_json(payload)}.{signature}"
    sentence = rng.choice(
        (
            "Authorization: Bearer {v}",
            "id_token={v}",
            "The SSO callback returned {v} and then looped.",
            '{"token": "{v}"}',
            "session cookie: tessera_session={v}; Path=/",
        )
    )
    return sentence, value, f"jwt-{alg}"


def _secret(rng: random.Random) -> Snippet:
    kind = rng.randrange(9)
    if kind == 8:
        return "Client secret: {v}", _rand(rng, B64URL, 40), "client-secret-label"
    if kind == 0:
        return "Our webhook signing secret is {v}", _rand(rng, B62, 40), "naked-b62"
    if kind == 1:
        return "client_secret={v}", _rand(rng, LOWER36, 32), "client-secret"
    if kind == 2:
        return '"client_secret": "{v}"', _rand(rng, B64URL, 43), "json-client-secret"
    if kind == 3:
        return "AWS_SECRET_ACCESS_KEY={v}", _rand(rng, B64, 40), "aws-secret"
    if kind == 4:
        return "webhook_secret: {v}", _rand(rng, B62, 32), "webhook-secret"
    if kind == 5:
        return "HMAC key {v} (base64)", _rand(rng, B64, 43) + "=", "naked-b64"
    if kind == 6:
        return "signing_secret = {v}", _rand(rng, HEX, 64), "hex-assigned"
    label = rng.choice(("RSA PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY", "EC PRIVATE KEY"))
    body = "\n".join(_rand(rng, B64, 64) for _ in range(rng.randint(3, 6)))
    return (
        "They attached the key:\n{v}\nfrom the server.",
        f"-----BEGIN {label}-----\n{body}\n-----END {label}-----",
        "pem",
    )


_WORDS = ("Summer", "Winter", "Tessera", "Orchid", "Falcon", "Harbor", "Granite", "Maple", "Rocket")


def _password_value(rng: random.Random, *, url_safe: bool = False) -> str:
    symbols = "!#$%*?-+" if url_safe else "!#$%*?-+@&"
    kind = rng.randrange(5)
    if kind == 0:
        return f"{rng.choice(_WORDS)}{rng.randint(2019, 2026)}{rng.choice(symbols)}"
    if kind == 1:
        return f"P{rng.choice('@a')}ssw0rd{rng.randint(1, 99)}{rng.choice(symbols)}"
    if kind == 2:
        return _rand(rng, B62, rng.randint(4, 8)) + rng.choice(symbols) + _rand(rng, B62, rng.randint(4, 8))
    if kind == 3:
        return f"{rng.choice(_WORDS).lower()}{rng.randint(10, 999)}"
    return "-".join(rng.sample(("correct", "horse", "battery", "staple", "orbit", "lantern", "quiet"), 4))


def _password(rng: random.Random) -> Snippet:
    forms = (
        ("colon", "password: {v}"),
        ("equals", "Password = {v}"),
        ("pwd", "pwd={v}"),
        ("passwd", "passwd {v}"),
        ("json", '{"username": "svc-export", "password":"{v}"}'),
        ("said", "my password is {v}"),
        ("said-admin", "the admin password is `{v}`"),
        ("backticks", "admin password `{v}`"),
        ("quoted", "temporary password: '{v}'"),
        ("env", "DB_PASSWORD={v}"),
        ("xml", "<password>{v}</password>"),
        ("flag", "--password={v}"),
        ("set-to", "new password set to {v} for now"),
        ("for-account", "password for the svc-export account is {v}"),
    )
    if rng.random() < 0.1:
        value = _password_value(rng, url_safe=True)
        return "DATABASE_URL=postgres://admin:{v}@db.acme-logistics.example:5432/app", value, "url"
    name, sentence = rng.choice(forms)
    value = _password_value(rng)
    if name == "xml":
        value = value.replace("&", "+")
    return sentence, value, name


PLANTERS: dict[Kind, Callable[[random.Random], Snippet]] = {
    "email": _email,
    "phone": _phone,
    "card": _card,
    "iban": _iban,
    "national_id": _national_id,
    "api_key": _api_key,
    "jwt": _jwt,
    "secret": _secret,
    "password": _password,
}


# --- frames ------------------------------------------------------------------------------------------

FRAMES = (
    "{account} escalation ({ticket}): {pii} Seen since {ts} on {version}.",
    "Customer update from {account}: {pii}\n\nError: {error} (request {req}).",
    "Summary for engineering - {account}, {ticket}\n- Impact: {amount} ARR at risk\n- First seen: {ts}\n- Notes: {pii}",
    "Pasting from the customer's last reply on {ticket}:\n> {pii}\n> {pii}\nCan someone from {team} take a look? {url}",
    "Internal note ({staff}): {pii} {pii} They are on {version}; last failing call {req} at {ts}.",
    "{pii}",
    "Hey {agent}, quick one on {ticket} - {pii} The dashboard at {url} shows {error}.",
    "From the call with {account} at {ts}: {pii} They also mentioned {error} from {ip}.",
    "[{account}] {error} after upgrade to {version}\n\nSteps to reproduce:\n1. {pii}\n2. Retry; commit {sha} looks related.",
    "```\n{log}\n```\n{pii}",
    "{agent} wrote: {pii} and later {pii} - {account} renewal is worth {amount}.",
    "*Escalation* for *{account}* ({ticket})\n{pii}\n{pii}\n{pii}\nOwner: {staff}",
    "Log excerpt:\n    {log}\n    {log}\nCustomer added: {pii}",
    "Re: {ticket} | {account} | {error}\n\n{pii}\n\nThanks, {agent} ({staff})",
)


def _expand(template: str, rng: random.Random, kinds: list[Kind]) -> Sample:
    pieces: list[str] = []
    planted: list[Planted] = []
    length = 0
    rest = template
    while rest:
        open_at = rest.find("{")
        if open_at < 0:
            pieces.append(rest)
            break
        close_at = rest.index("}", open_at)
        pieces.append(rest[:open_at])
        length += open_at
        slot = rest[open_at + 1 : close_at]
        if slot == "pii":
            kind = kinds.pop()
            sentence, value, fmt = PLANTERS[kind](rng)
            before, after = sentence.split("{v}", 1)
            start = length + len(before)
            planted.append(Planted(kind, value, start, start + len(value), fmt))
            text = before + value + after
        else:
            text = _FILLERS[slot](rng)
        pieces.append(text)
        length += len(text)
        rest = rest[close_at + 1 :]
    return Sample("".join(pieces), tuple(planted))


def corpus(size: int = CORPUS_SIZE, seed: int = SEED) -> list[Sample]:
    """`size` texts, each with one to three planted items; every kind is planted about equally often."""
    rng = random.Random(seed)
    samples = []
    cycle = 0
    for _ in range(size):
        frame = rng.choice(FRAMES)
        slots = frame.count("{pii}")
        kinds = [KINDS[(cycle + i) % len(KINDS)] for i in range(slots)]
        cycle += slots
        samples.append(_expand(frame, rng, kinds))
    return samples


# --- negatives ---------------------------------------------------------------------------------------

NEGATIVES = (
    # account and company names
    *ACCOUNTS,
    "Acme Corp and Acme Logistics are two different customers; check the domain before merging.",
    # ticket and record ids
    "#58421", "ZD-10234", "ENG-4521", "PROD-77", "KB-210", "INC-2026-0042", "ESC-19", "T-2001", "CS-100234",
    "Linked tickets: #58421, #58422, #58430 and ZD-10234.",
    "Invoice #INV-9931 and INV-2026-48213, PO-482913.",
    "Order 100-2345-6789 shipped; tracking 1Z999AA10123456784.",
    # error codes and messages
    *ERRORS,
    '{"error":"rate_limited","message":"Rate limit of 100 requests per second exceeded","retry_after":7}',
    '{"error":"invalid_api_key","message":"The API key was revoked","request_id":"req_7f3a9c2e41"}',
    "tessera.RateLimitError: Error code: 429 - {'error': 'rate_limited', 'retry_after': 12}",
    "Error: 403 insufficient_scope - this token lacks exports:write",
    "HTTP/1.1 429 Too Many Requests\nRetry-After: 30",
    "Can't log in - 'Invalid email or password'",
    # request, trace and object ids
    "req_7f3a9c2e41, req_7f3b01d9a7, req_7f3b22c4e0",
    "X-Request-Id: 4bf92f3577b34da6a3ce929d0e0e4736",
    "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    "request_id=3f2b9c1e-7a4d-4e2b-9c1f-0a8b7c6d5e4f",
    "AccessDenied; Request ID: 7KQ2M9X1VB4N8C3P; S3 Extended Request ID: a7Kq9xZ2mP4vL8nR3tW6yB1cD5eF0gHa7Kq9xZ2mP)",
    "evt_1NqJ2fK3L4m5N6o7P8q9R0sT and ch_3Nq8Yt2eZvKYlo2C1Xh4gM5q failed",
    "cus_OqKZz9lXk1Tx7B, sub_1OqL2mK3n4P5q6R7, dlv_9f2c4a1b7e3d",
    "Slack message 1795000000.123456 in #incidents",
    "arn:aws:iam::123456789012:role/TesseraExport",
    "pod payments-api-7d9f8b6c5d-x2k4p restarted 4 times",
    "x86_64-linux-gnu-libssl3-dev is installed",
    "Idempotency-Key: 8e0f1c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
    # timestamps and dates
    "2026-11-05T10:22:31Z", "2026-11-05 10:22:31.123456", "Tue, 05 Nov 2026 10:22:31 GMT", "05/11/2026 10:22",
    "05.11.2026 10:22", "1795000000", "1795000000123", "Nov 5, 2026 at 10:22 AM", "10:22 UTC",
    "2026-11-05 10:22:31,123 ERROR export failed",
    "[05/Nov/2026:10:22:31 +0000] \"GET /v2/profiles HTTP/1.1\" 200 5123",
    "from 2026-11-01 to 2026-11-05",
    # versions
    *VERSIONS,
    "Upgraded from 2.30.4 to 2.31.0 on 2026.11.05.",
    "Chrome 120.0.6099.129 on Windows 10.0.19045",
    # amounts and counts
    "$48,200", "$1,250,000.00", "€12.400", "USD 3,450.75", "£12 400", "ARR $480k",
    "Amount: $48,200 for INV-9931.",
    "About 1,200 users and 45,000 events per minute; p99 2,300 ms.",
    "bytes=1214882 events=500 rows=1198310",
    # URLs and hosts
    "https://app.tessera.example/w/ws_8f2a91/dashboards/4f1c2d9e",
    "https://status.tessera.example/incidents/7k2m9x1qab34",
    "https://api.tessera.example/v2/segments/seg_Ab12Cd34/members",
    "https://docs.tessera.example/api/rate-limits#retry-after",
    "https://tessera.example/records/3f2b9c1e-7a4d-4e2b-9c1f-0a8b7c6d5e4f",
    "https://github.example/tessera/sdk/commit/9fceb02d0ae598e95dc970b74767f19372d61af8",
    "See [the runbook](https://wiki.tessera.example/runbooks/exports-403) first.",
    "s3://acme-exports/tessera/2026/11/05/",
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    # network, hashes and other numbers
    "10.0.12.201", "203.0.113.42", "198.51.100.7:443", "2001:db8::1",
    "commit 9fceb02d0ae598e95dc970b74767f19372d61af8 (short 9fceb02)",
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "VAT DE123456789, Steuernummer 2893081508152",
    "Cron 0 2 * * * in us-east-1; region eu-west-1",
    "GET /v2/profiles 200 5123 0.042s",
    "Card ending in 4242 was charged $99.00.",
    # staff addresses (kept with our domain)
    *STAFF,
    "Escalated by dana.whitfield@tessera.example; reply to support@tessera.example.",
    # password and key words without a secret
    "I reset my password yesterday but the reset link expired.",
    "Password login for admins keeps working in the meantime.",
    "I'm sure my password is right but the login page says invalid email or password.",
    "Password: reset via the link in the email",
    "The password must be at least 12 characters.",
    "password: ********",
    "Keep at least one admin with a password as a break-glass account.",
    "Use an API key from Settings > API keys; keys starting with sk_live_ are secret.",
    "curl -s -H 'Authorization: Bearer sk_live_...4f2a' https://api.tessera.example/v2/me",
    "The token expired; the SCIM token is tied to the admin who created it.",
    "api_key=YOUR_API_KEY",
    'export TESSERA_API_KEY="<your key>"',
    "Bearer tokens expire after one hour.",
    "the client_secret field is required",
)  # fmt: skip


def negative_texts(size: int = 600, seed: int = SEED + 1) -> list[str]:
    """Generated support texts made only of data that must stay."""
    rng = random.Random(seed)
    frames = (
        "{account} ({ticket}) hit {error} at {ts} on {version}; request {req}. Renewal {amount}.",
        "Log excerpt from {account}:\n{log}\n{log}\nOwner {staff}, see {url}.",
        "{agent}: {ticket} is linked to {ticket}; last seen {ts} from {ip}, commit {sha}.",
        "*{account}* | {amount} ARR | {version} | {error} | {url}",
    )
    texts = []
    for _ in range(size):
        frame = rng.choice(frames)
        texts.append(_expand(frame, rng, []).text)
    return texts


# --- the demo company --------------------------------------------------------------------------------

ERROR_STRINGS = re.compile(
    r"\"(?:error|scimType|decline_code)\":\s*\"[^\"]+\""
    r"|'error': '[^']+'"
    r"|\b[A-Za-z.]*(?:Error|Exception)\b(?:: Error code: [0-9]{3})?"
    r"|\b[45][0-9]{2} (?:[a-z]+_[a-z_]+|[A-Z][a-z]+(?: [A-Z][a-z]+)*)"
)
"""Machine error strings in support text: JSON error codes, exception names, status lines."""


def demo_texts(dataset: Dataset) -> tuple[list[str], list[str]]:
    """Every free text of a dataset, and the account names, ticket ids and issue keys that must stay."""
    texts = [t for ticket in dataset.tickets for t in (ticket.subject, ticket.description)]
    texts += [comment.body for ticket in dataset.tickets for comment in ticket.comments]
    texts += [message.text for message in dataset.messages]
    texts += [t for issue in dataset.issues for t in (issue.title, issue.body)]
    names = [account.name for account in dataset.accounts]
    names += [ticket.id for ticket in dataset.tickets] + [issue.key for issue in dataset.issues]
    return texts, names


def touched_names(
    texts: Iterable[str], names: Sequence[str], redactor: Callable[[str], Redacted]
) -> tuple[int, list[str]]:
    """How many name, id and error-string occurrences `texts` hold, and those a redaction overlaps."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    literal = re.compile(rf"(?<![\w@.])(?:{alternatives})(?![\w@])")
    checked = 0
    touched = []
    for text in texts:
        spans = redactor(text).spans
        for match in (*literal.finditer(text), *ERROR_STRINGS.finditer(text)):
            checked += 1
            if any(s.start < match.end() and match.start() < s.end for s in spans):
                touched.append(match[0])
    return checked, touched


# --- scoring -----------------------------------------------------------------------------------------


@dataclass
class KindScore:
    planted: int = 0
    found: int = 0
    """Planted items wholly inside a redacted span."""
    detected: int = 0
    """Redacted spans of this kind."""
    correct: int = 0
    """Redacted spans of this kind that overlap a planted item."""
    missed: list[tuple[str, str]] = field(default_factory=list)
    """(format, text) of planted items that were not found."""
    wrong: list[tuple[str, str]] = field(default_factory=list)
    """(redacted text, whole text) of spans that overlap nothing planted."""

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.detected if self.detected else 1.0


def score(samples: Iterable[Sample], redactor: Callable[[str], Redacted]) -> dict[Kind, KindScore]:
    """Recall and precision per kind of `redactor` over `samples`."""
    scores = {kind: KindScore() for kind in KINDS}
    for sample in samples:
        result = redactor(sample.text)
        for item in sample.planted:
            entry = scores[item.kind]
            entry.planted += 1
            if any(r.start <= item.start and item.end <= r.end for r in result.spans):
                entry.found += 1
            else:
                entry.missed.append((item.format, sample.text))
        for span in result.spans:
            entry = scores[span.kind]
            entry.detected += 1
            if any(span.start < p.end and p.start < span.end for p in sample.planted):
                entry.correct += 1
            else:
                entry.wrong.append((sample.text[span.start : span.end], sample.text))
    return scores


def leaks(samples: Iterable[Sample], redactor: Callable[[str], Redacted]) -> list[Planted]:
    """Planted values that still appear verbatim in the redacted text."""
    found = []
    for sample in samples:
        text = redactor(sample.text).text
        found += [item for item in sample.planted if item.value in text]
    return found
