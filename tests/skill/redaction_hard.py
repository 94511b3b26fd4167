"""The hard redaction sets: personal data and secrets as people copy and paste them, and look-alikes.

`hard_positives()` crosses values with the ways text picks up odd characters on its way into a
ticket: non-breaking, narrow and thin spaces and non-breaking hyphens from a word processor or a PDF,
dots as group separators, numbers wrapped across a line (also in a quoted reply), fullwidth digits,
credentials in headers, URLs and command lines, password words in other languages, percent-encoded
and accented addresses. `look_alikes()` crosses the same shapes with what must stay: SSH logins and
Git remotes, labelled invoice and order numbers, numbers that fail their check digit, placeholders,
password words with no password, amounts with non-breaking spaces, lists of numbers.

Both are generated (seeded), not hand-listed, so they stay large and even across the forms. All data
is fictional: `.example` domains, fictional phone ranges, test card numbers or generated Luhn-valid
ones, IBANs with generated check digits, SSNs in valid random ranges.
"""

from __future__ import annotations

import base64
import random
import string
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote

from customer_escalation.skill.redact import Kind, Redacted
from tests.skill.checked_numbers import iban_number, luhn_number

SEED = 20261207


@dataclass(frozen=True)
class HardCase:
    """A text, the value in it that must not survive (empty for a look-alike), its kind and its form."""

    text: str
    value: str
    kind: Kind | None
    form: str


# --- separators and how a value picks them up ---------------------------------------------------------

SPACES = {
    "nbsp": "\u00a0",
    "narrow-nbsp": "\u202f",
    "thin-space": "\u2009",
    "figure-space": "\u2007",
}
HYPHENS = {
    "nb-hyphen": "\u2011",
    "en-dash": "\u2013",
    "minus": "\u2212",
}
WRAPS = {"newline": "\n", "crlf": "\r\n", "quoted-reply": "\n> ", "indented": "\n    "}


def _fullwidth(value: str) -> str:
    return "".join(chr(ord(c) - 0x30 + 0xFF10) if c.isdigit() else c for c in value)


def _luhn_broken(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


# --- positives ---------------------------------------------------------------------------------------


def _phones(rng: random.Random) -> Iterable[HardCase]:
    groups = [
        ("+44", "20", "7946", f"0{rng.randint(100, 999)}"),
        ("+44", "7700", "900", f"{rng.randint(100, 999)}"),
        ("+1", "415", "555", f"01{rng.randint(10, 99)}"),
        ("+33", "1", "23", "45", "67", "89"),
        ("+49", "30", f"{rng.randint(1000000, 9999999)}"),
        ("+31", "20", f"{rng.randint(100, 999)}", f"{rng.randint(1000, 9999)}"),
        ("020", "7946", f"0{rng.randint(100, 999)}"),
        ("07700", f"900{rng.randint(100, 999)}"),
    ]
    sentences = ("Call me on {v} today.", "Tel.: {v}", "Mobil: {v}", "Téléphone : {v}", "(direct line {v})")
    separators = {**SPACES, **HYPHENS}
    for index, parts in enumerate(groups):
        for name, separator in separators.items():
            # A leading "+44" keeps a plain space after it, the way a form or a signature writes it.
            joined = (
                parts[0] + " " + separator.join(parts[1:])
                if parts[0].startswith("+")
                else separator.join(parts)
            )
            sentence = sentences[(index + len(name)) % len(sentences)]
            yield HardCase(sentence.replace("{v}", joined), joined, "phone", f"phone-{name}")
        value = _fullwidth(" ".join(parts))
        yield HardCase(f"Phone: {value}", value, "phone", "phone-fullwidth")
    nanp = f"(415){SPACES['nbsp']}555{HYPHENS['nb-hyphen']}01{rng.randint(10, 99)}"
    yield HardCase(f"Reach Priya at {nanp}.", nanp, "phone", "phone-nanp-nbsp-nb-hyphen")


_IBAN_COUNTRIES = ("GB", "DE", "FR", "ES", "NL", "IT", "CH", "BE")


def _ibans(rng: random.Random) -> Iterable[HardCase]:
    separators = {**SPACES, "dash": "-", "nb-hyphen": HYPHENS["nb-hyphen"]}
    sentences = ("IBAN: {v}", "Bitte überweisen Sie auf {v}.", "RIB / IBAN : {v}", "refund to {v} please")
    for index, country in enumerate(_IBAN_COUNTRIES):
        compact = iban_number(rng, country)
        for name, separator in separators.items():
            value = separator.join(compact[i : i + 4] for i in range(0, len(compact), 4))
            sentence = sentences[(index + len(name)) % len(sentences)]
            yield HardCase(sentence.replace("{v}", value), value, "iban", f"iban-{name}")


_CARD_PREFIXES = (("4", 16), ("51", 16), ("2221", 16), ("6011", 16), ("37", 15), ("3530", 16))


def _card_groups(number: str) -> list[str]:
    if len(number) == 15:
        return [number[:4], number[4:10], number[10:]]
    return [number[i : i + 4] for i in range(0, len(number), 4)]


def _cards(rng: random.Random) -> Iterable[HardCase]:
    numbers = ["4111111111111111", "5555555555554444", "378282246310005"]
    for prefix, length in _CARD_PREFIXES:
        numbers.append(luhn_number(rng, prefix, length))
    sentences = ("card {v}, exp 09/29", "Karte: {v}", "the charge on {v} failed", "PAN {v}")
    for index, number in enumerate(numbers):
        groups = _card_groups(number)
        forms = {
            "dots": ".".join(groups),
            "nbsp": SPACES["nbsp"].join(groups),
            "thin-space": SPACES["thin-space"].join(groups),
            "nb-hyphen": HYPHENS["nb-hyphen"].join(groups),
            "en-dash": HYPHENS["en-dash"].join(groups),
            "fullwidth": _fullwidth(" ".join(groups)),
        }
        for name, wrap in WRAPS.items():
            cut = 2 if len(groups) == 4 else 1
            forms[f"wrapped-{name}"] = " ".join(groups[:cut]) + wrap + " ".join(groups[cut:])
        forms["wrapped-unseparated"] = number[:8] + "\n" + number[8:]
        for name, value in forms.items():
            sentence = sentences[(index + len(name)) % len(sentences)]
            yield HardCase(sentence.replace("{v}", value), value, "card", f"card-{name}")


def _ssns(rng: random.Random) -> Iterable[HardCase]:
    separators = {
        "dots": ".",
        "nbsp": SPACES["nbsp"],
        "nb-hyphen": HYPHENS["nb-hyphen"],
        "en-dash": HYPHENS["en-dash"],
    }
    sentences = ("SSN {v}", "social security number: {v}", "her SSN is {v}.", "ssn={v}")
    for index in range(10):
        area = rng.choice([a for a in range(1, 900) if a != 666])
        group, serial = rng.randint(1, 99), rng.randint(1, 9999)
        for name, separator in separators.items():
            value = separator.join((f"{area:03d}", f"{group:02d}", f"{serial:04d}"))
            sentence = sentences[(index + len(name)) % len(sentences)]
            yield HardCase(sentence.replace("{v}", value), value, "national_id", f"ssn-{name}")


def _secret(rng: random.Random, size: int = 12) -> str:
    return "".join(rng.choice(string.ascii_letters) for _ in range(size - 3)) + str(rng.randint(100, 999))


_USERS = ("admin", "svc-export", "deploy", "api", "root", "report.reader")
_SYMBOLS = "!#%*?+-"


def _password(rng: random.Random) -> str:
    word = rng.choice(("Sommer", "Hiver", "Verano", "Orchid", "Falcon", "Kestrel", "Lumen"))
    return f"{word}{rng.randint(2019, 2026)}{rng.choice(_SYMBOLS)}"


def _basic(rng: random.Random) -> Iterable[HardCase]:
    forms = (
        ("header", "Authorization: Basic {v}"),
        ("bare", "they sent Basic {v} on every call"),
        ("curl-header", "curl -H 'Authorization: Basic {v}' https://api.acme.example/v2/me"),
        ("proxy", "Proxy-Authorization: Basic {v}"),
        ("json", '{{"headers": {{"Authorization": "Basic {v}"}}}}'),
    )
    for index in range(30):
        user = _USERS[index % len(_USERS)]
        credential = f"{user}:{_password(rng)}"
        value = base64.b64encode(credential.encode()).decode()
        name, sentence = forms[index % len(forms)]
        text = sentence.format(v=value) if name == "json" else sentence.replace("{v}", value)
        yield HardCase(text, value, "api_key", f"basic-{name}")


def _url_credentials(rng: random.Random) -> Iterable[HardCase]:
    schemes = (
        ("redis-empty-user", "redis://:{v}@cache.acme.example:6379/0"),
        ("rediss-empty-user", "REDIS_URL=rediss://:{v}@redis-prod.acme.example:6380"),
        ("redis-default", "redis://default:{v}@10.0.4.12:6379"),
        ("amqp", "amqp://svc:{v}@rabbit.acme.example:5672/%2F"),
        ("mongodb-srv", "mongodb+srv://reporting:{v}@cluster0.acme.example/app"),
        ("mysql", "mysql://root:{v}@db.acme.example:3306/shop"),
    )
    for index in range(30):
        name, template = schemes[index % len(schemes)]
        value = _secret(rng, rng.randint(10, 18)) + rng.choice("!*-")
        yield HardCase(template.replace("{v}", value), value, "password", f"url-{name}")


def _command_lines(rng: random.Random) -> Iterable[HardCase]:
    forms = (
        ("mysql-attached", "mysql -h db.acme.example -u root -p{v} shop", "{v}"),
        ("mysqldump-quoted", "mysqldump -u backup -p'{v}' --all-databases > dump.sql", "{v}"),
        ("mysql-double-quoted", 'run: mysql -uapp -p"{v}" -e "select 1"', "{v}"),
        ("mariadb", "mariadb --host=db -u admin -p{v}", "{v}"),
        ("sshpass", "sshpass -p {v} ssh ops@jump.acme.example", "{v}"),
        ("redis-cli", "redis-cli -h cache.acme.example -a {v} ping", "{v}"),
        ("curl-user", "curl -u admin:{v} https://api.acme.example/v2/export", "{v}"),
    )
    for index in range(35):
        name, template, _ = forms[index % len(forms)]
        value = _password(rng)
        yield HardCase(template.replace("{v}", value), value, "password", f"command-{name}")


_PASSWORD_WORDS = (
    ("de", "Passwort: {v}"),
    ("de-kennwort", "Kennwort = {v}"),
    ("de-said", "Das Passwort ist {v}"),
    ("fr", "mot de passe\u00a0: {v}"),
    ("fr-plain", "Mot de passe: {v}"),
    ("fr-said", "le mot de passe est {v}"),
    ("es", "contraseña: {v}"),
    ("pt", "senha: {v}"),
    ("nl", "wachtwoord: {v}"),
    ("sv", "lösenord: {v}"),
    ("pl", "hasło: {v}"),
    ("env-pg", "PGPASSWORD={v} psql -h db -U app"),
)


def _password_words(rng: random.Random) -> Iterable[HardCase]:
    for round_ in range(3):
        for name, template in _PASSWORD_WORDS:
            value = _password(rng) if round_ != 2 else _secret(rng, 10)
            yield HardCase(template.replace("{v}", value), value, "password", f"password-{name}")


_FIRST = ("jürgen", "françois", "josé", "søren", "zoë", "łukasz", "ana-maría", "björn", "çağla", "émilie")
_LAST = ("müller", "dupont", "garcía", "nielsen", "brontë", "kowalski", "pérez", "åberg", "yılmaz", "lefèvre")


def _emails(rng: random.Random) -> Iterable[HardCase]:
    for index, (first, last) in enumerate(zip(_FIRST, _LAST, strict=True)):
        domain = rng.choice(("firma.example", "acme-logistics.example", "globex.example", "bücher.example"))
        accented = f"{first}.{last}@{domain}"
        ascii_local = f"{first.encode('ascii', 'ignore').decode()}.{index}"
        decomposed = unicodedata.normalize("NFD", accented)
        forms = {
            "accented": (f"Kontakt: {accented}", accented),
            "accented-decomposed": (f"cc {decomposed}", decomposed),
            "percent-encoded": (
                f"https://app.tessera.example/invite?email={quote(f'{ascii_local}@{domain}', safe='')}&role=admin",
                quote(f"{ascii_local}@{domain}", safe=""),
            ),
            "percent-encoded-accented": (
                f"GET /v2/users?email={quote(accented, safe='@').replace('@', '%40')} 404",
                quote(accented, safe="@").replace("@", "%40"),
            ),
            "fullwidth-at": (f"mail {ascii_local}\uff20{domain}", f"{ascii_local}\uff20{domain}"),
        }
        for name, (text, value) in forms.items():
            yield HardCase(text, value, "email", f"email-{name}")


_POSITIVES: tuple[Callable[[random.Random], Iterable[HardCase]], ...] = (
    _phones,
    _ibans,
    _cards,
    _ssns,
    _basic,
    _url_credentials,
    _command_lines,
    _password_words,
    _emails,
)


def hard_positives(seed: int = SEED) -> list[HardCase]:
    """Copy-paste forms of personal data and secrets, each with the value that must not survive."""
    rng = random.Random(seed)
    return [case for make in _POSITIVES for case in make(rng)]


# --- look-alikes -------------------------------------------------------------------------------------

_ORGS = ("acme", "tessera", "globex", "northwind", "initech")
_REPOS = ("api", "sdk-python", "infra", "billing-service", "webhooks")
_HOSTS = (
    "build-01.internal",
    "db-2.prod.internal",
    "jump.acme.example",
    "nas.local",
    "10.0.4.12",
    "bastion.lan",
)


def _remote_logins(rng: random.Random) -> Iterable[HardCase]:
    for org in _ORGS:
        for repo in _REPOS:
            yield HardCase(f"git clone git@github.com:{org}/{repo}.git", "", None, "git-remote")
            yield HardCase(f"remote: ssh://git@gitlab.example/{org}/{repo}.git", "", None, "git-ssh-url")
    templates = (
        ("ssh", "ssh {u}@{h}"),
        ("ssh-key", "ssh -i ~/.ssh/id_ed25519 {u}@{h} 'systemctl status api'"),
        ("scp", "scp dump.sql {u}@{h}:/tmp/"),
        ("rsync", "rsync -avz ./build/ {u}@{h}:/srv/app/"),
        ("host-only", "logged in as {u}@{h}"),
    )
    for user in ("deploy", "ubuntu", "ops", "backup", "git"):
        for name, template in templates:
            host = (
                rng.choice(_HOSTS)
                if name != "host-only"
                else rng.choice(_HOSTS[:2] + _HOSTS[3:4] + _HOSTS[5:])
            )
            yield HardCase(template.format(u=user, h=host), "", None, f"login-{name}")


_REFERENCE_LABELS = (
    "Invoice no.",
    "Order #",
    "Ref:",
    "PO",
    "Case",
    "Tracking number",
    "Account no.",
    "Rechnung Nr.",
)


def _references(rng: random.Random) -> Iterable[HardCase]:
    for label in _REFERENCE_LABELS:
        shapes = (
            f"0{rng.randint(100, 999)}-{rng.randint(100, 999)}-{rng.randint(100, 999)}",
            f"0{rng.randint(1000, 9999)} {rng.randint(100000, 999999)}",
            f"0{rng.randint(10, 99)}{SPACES['nbsp']}{rng.randint(1000, 9999)}{SPACES['nbsp']}{rng.randint(1000, 9999)}",
            f"{rng.randint(200, 999)}-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
            f"0{rng.randint(100, 999)}{HYPHENS['nb-hyphen']}{rng.randint(100, 999)}{HYPHENS['nb-hyphen']}{rng.randint(100, 999)}",
        )
        for shape in shapes:
            yield HardCase(f"{label} {shape} is overdue", "", None, "reference-number")


def _failing_numbers(rng: random.Random) -> Iterable[HardCase]:
    for prefix, length in _CARD_PREFIXES:
        for index in range(3):
            number = _luhn_broken(luhn_number(rng, prefix, length))
            groups = _card_groups(number)
            separator = (".", SPACES["nbsp"], HYPHENS["nb-hyphen"])[index]
            yield HardCase(f"card {separator.join(groups)} was declined", "", None, "card-luhn-fails")
    for index in range(8):
        compact = iban_number(rng, _IBAN_COUNTRIES[index])
        broken = compact[:2] + f"{(int(compact[2:4]) + 1) % 100:02d}" + compact[4:]
        grouped = SPACES["nbsp"].join(broken[i : i + 4] for i in range(0, len(broken), 4))
        yield HardCase(f"IBAN {grouped}", "", None, "iban-check-fails")
    for area in ("000", "666", "900", "987"):
        for separator in (".", SPACES["nbsp"], HYPHENS["nb-hyphen"]):
            yield HardCase(f"SSN {area}{separator}12{separator}3456", "", None, "ssn-invalid-area")


def _numbers_that_stay(rng: random.Random) -> Iterable[HardCase]:
    nbsp, narrow = SPACES["nbsp"], SPACES["narrow-nbsp"]
    for _ in range(6):
        big = rng.randint(1_000_000, 99_999_999)
        grouped = f"{big:,}".replace(",", nbsp)
        yield HardCase(f"Montant : {grouped},{rng.randint(10, 99)}{nbsp}€", "", None, "amount-nbsp")
        yield HardCase(f"{f'{big:,}'.replace(',', narrow)} events per day", "", None, "count-narrow-nbsp")
        yield HardCase(f"upgraded to 4.{rng.randint(10, 99)}.{rng.randint(1000, 9999)}", "", None, "version")
        yield HardCase(
            f"at {rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2026 {rng.randint(0, 23):02d}:15",
            "",
            None,
            "date-dotted",
        )
        yield HardCase(
            f"from 10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            "",
            None,
            "ip-address",
        )
        yield HardCase(f"oid 1.2.840.{rng.randint(10000, 999999)}.1.1", "", None, "oid")
    for _ in range(6):
        start = rng.randint(4000, 4900)
        listing = "\n".join(str(start + i) for i in range(6))
        yield HardCase(f"affected ports:\n{listing}", "", None, "numbers-one-per-line")
        ids = "\n".join(f"#{rng.randint(40000, 49999)}" for _ in range(5))
        yield HardCase(f"tickets:\n{ids}", "", None, "ticket-list")


def _credentials_that_stay(rng: random.Random) -> Iterable[HardCase]:
    texts = (
        ("basic", "Basic auth is disabled for this workspace"),
        ("basic", 'WWW-Authenticate: Basic realm="api"'),
        ("basic", "they are on the Basic plan"),
        ("basic", "Basic Authentication failed for the export job"),
        ("basic", "Basic dGVzdA== is not a credential"),
        ("basic", "Authorization: Basic <credentials>"),
        ("url", "redis://cache.acme.example:6379/0"),
        ("url", "amqp://rabbit.internal:5672"),
        ("url", "postgres://db.acme.example:5432/app"),
        ("url", "mongodb://mongo-0.mongo:27017,mongo-1.mongo:27017/?replicaSet=rs0"),
        ("url", "REDIS_URL=redis://:${REDIS_PASSWORD}@cache:6379"),
        ("command", "mysql -u root -p"),
        ("command", "mysql -h db -P 3306 -u app -p app_db"),
        ("command", "mysql -uapp -p$MYSQL_PASSWORD shop"),
        ("command", "docker run -p 8080:80 nginx"),
        ("command", "ssh -p 2222 ops@jump.acme.example"),
        ("command", "redis-cli -h cache -p 6379 ping"),
        ("command", "curl -u $API_USER:$API_TOKEN https://api.acme.example"),
        ("command", "iperf3 -c 10.0.4.12 -p5201"),
        ("command", "mysqldump --single-transaction -p shop > dump.sql"),
    )
    for name, text in texts:
        yield HardCase(text, "", None, f"{name}-no-credential")
    words = (
        "Passwort vergessen?",
        "Passwort: ********",
        "Passwort zurücksetzen",
        "Das Passwort ist falsch",
        "Kennwort: siehe Tresor",
        "Kennwort geändert",
        "mot de passe oublié",
        "Mot de passe : réinitialiser",
        "le mot de passe est incorrect",
        "mot de passe\u00a0: voir le coffre",
        "contraseña olvidada",
        "contraseña: incorrecta",
        "senha: esquecida",
        "wachtwoord vergeten",
        "lösenord: se valvet",
        "hasło: zobacz sejf",
        "PGPASSWORD is read by psql",
        "set PGPASSWORD=<password>",
    )
    for text in words:
        yield HardCase(text, "", None, "password-word-no-password")
    for _ in range(6):
        yield HardCase(
            rng.choice(words) + " (ticket #" + str(rng.randint(40000, 49999)) + ")",
            "",
            None,
            "password-word-no-password",
        )


def _addresses_that_stay(rng: random.Random) -> Iterable[HardCase]:
    texts = (
        "npm i lodash@4.17.21",
        "pnpm add @acme/ui@2.3.1",
        "docker pull ghcr.io/acme/api@sha256:4f1c2d9e",
        "@app.route('/v2/export')",
        "pip install 'acme-sdk @ https://files.acme.example/acme_sdk-2.0-py3-none-any.whl'",
        "user@localhost refused the connection",
        "jürgen.müller from Firma GmbH called",
        "https://app.tessera.example/users/%40me/settings",
        "ping @oncall-platform in #incidents",
        "cron 0 2 * * * @daily",
    )
    for text in texts:
        yield HardCase(text, "", None, "address-like")
    for _ in range(10):
        name = rng.choice(_FIRST)
        yield HardCase(f"{name}@{rng.choice(_HOSTS[:2])} ran the migration", "", None, "address-like-host")


def _identifiers_that_stay(rng: random.Random) -> Iterable[HardCase]:
    nbsp, nb_hyphen = SPACES["nbsp"], HYPHENS["nb-hyphen"]
    for _ in range(6):
        yield HardCase(
            f"ISBN 978{nb_hyphen}3{nb_hyphen}16{nb_hyphen}{rng.randint(100000, 999999)}{nb_hyphen}0",
            "",
            None,
            "isbn",
        )
        yield HardCase(
            f"ZIP {rng.randint(10000, 99999)}-{rng.randint(1000, 9999)}", "", None, "zip-plus-four"
        )
        yield HardCase(
            f"sort code {rng.randint(10, 99)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
            "",
            None,
            "sort-code",
        )
        yield HardCase(
            f"{rng.randint(1, 28)}{nbsp}Nov{nbsp}2026, {rng.randint(10, 23)}:{rng.randint(10, 59)}",
            "",
            None,
            "date-nbsp",
        )
        yield HardCase(
            f"{rng.randint(1, 999)}{nbsp}{rng.randint(100, 999)}{nbsp}{rng.randint(100, 999)} requests",
            "",
            None,
            "count-nbsp",
        )
        yield HardCase(
            f"p99 {rng.randint(1, 9)}{nb_hyphen}{rng.randint(10, 99)} s, build {rng.randint(2024, 2026)}.{rng.randint(1, 12)}.{rng.randint(1, 999)}",
            "",
            None,
            "figures-nb-hyphen",
        )
        yield HardCase(
            f"ssh-keygen -t ed25519 -C {rng.choice(('deploy', 'ci'))}@{rng.choice(_HOSTS[:2])}",
            "",
            None,
            "key-comment",
        )
        yield HardCase(
            f"tracking 1Z{rng.randint(100, 999)}AA{rng.randint(10**10, 10**11 - 1)}", "", None, "tracking"
        )


_LOOK_ALIKES: tuple[Callable[[random.Random], Iterable[HardCase]], ...] = (
    _identifiers_that_stay,
    _remote_logins,
    _references,
    _failing_numbers,
    _numbers_that_stay,
    _credentials_that_stay,
    _addresses_that_stay,
)


def look_alikes(seed: int = SEED + 1) -> list[HardCase]:
    """Texts shaped like the hard positives with nothing in them to redact."""
    rng = random.Random(seed)
    return [case for make in _LOOK_ALIKES for case in make(rng)]


# --- scoring -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HardScore:
    recall: float
    missed: list[HardCase]
    false_positive_rate: float
    touched: list[tuple[HardCase, str]]

    def lines(self, positives: int, negatives: int) -> list[str]:
        """The figures, for a test's output or a bench script."""
        return [
            f"hard positives: {positives}, recall {self.recall:.2%} ({len(self.missed)} missed)",
            f"look-alikes: {negatives}, false positives {self.false_positive_rate:.2%} ({len(self.touched)} touched)",
            *(f"  missed {c.form}: {c.text!r}" for c in self.missed[:10]),
            *(f"  false positive {c.form}: {c.text!r} -> {out!r}" for c, out in self.touched[:10]),
        ]


def score_hard(
    positives: list[HardCase], negatives: list[HardCase], redactor: Callable[[str], Redacted]
) -> HardScore:
    """A positive counts as found when its value no longer appears in the output; a look-alike as a
    false positive when anything in it was redacted."""
    missed = [c for c in positives if c.value in redactor(c.text).text]
    touched = [(c, result.text) for c in negatives if (result := redactor(c.text)).total]
    return HardScore(
        recall=1 - len(missed) / len(positives),
        missed=missed,
        false_positive_rate=len(touched) / len(negatives),
        touched=touched,
    )
