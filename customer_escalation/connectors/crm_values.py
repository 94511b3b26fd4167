"""CRM property values sent as text, read as typed values.

CRMs send many values as strings or null, whatever the property's type (HubSpot every one; Salesforce
its custom text fields): numbers, booleans, enumeration options (tier, health, deal kind) and dates (ISO
dates, ISO date-times or epoch milliseconds, depending on how the value was written), domains and job
titles. Values that do not parse become None; they never fail a call.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from typing import Literal

from .records import Health, Opportunity, Tier
from .text import compact, single_line

DealKind = Literal["new", "renewal", "expansion", "other"]


def scalar_text(value: object) -> str | None:
    """A scalar value as the text a CRM would show: booleans as ``true``/``false``, numbers as their
    digits; anything but a string, number or boolean is None."""
    match value:
        case bool():
            return "true" if value else "false"
        case str():
            return value
        case int() | float():
            return str(value)
        case _:
            return None


def is_digits(text: str) -> bool:
    """True for a non-empty string of ASCII digits: HubSpot ids, offsets and portal ids."""
    return text.isascii() and text.isdigit()


_EPOCH_DIGITS = re.compile(r"-?[0-9]{9,}")


def parse_timestamp(value: str | None) -> datetime | None:
    """An aware UTC datetime from ISO 8601 (date or date-time, any offset) or epoch milliseconds."""
    text = single_line(value)
    if not text:
        return None
    if _EPOCH_DIGITS.fullmatch(text):
        number = int(text)
        seconds = number / 1000 if abs(number) >= 10**11 else float(number)
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_date(value: str | None) -> date | None:
    moment = parse_timestamp(value)
    return moment.date() if moment is not None else None


_GROUPED_THOUSANDS = re.compile(r"-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")
_CURRENCY = re.compile(r"^(?:[A-Z]{3}\s*)?[$€£¥]?|(?:\s*[A-Z]{3})$")
"""An ISO currency code or a currency sign around an amount: `USD 1200`, `$1,200`, `1200 EUR`."""
_DECIMAL = re.compile(r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")


def parse_number(value: str | None) -> float | None:
    text = _CURRENCY.sub("", single_line(value)).strip()
    if _GROUPED_THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    if not _DECIMAL.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def parse_bool(value: str | None) -> bool | None:
    text = compact(value)
    if text in {"true", "yes", "y", "1", "on", "checked"}:
        return True
    if text in {"false", "no", "n", "0", "off", "unchecked"}:
        return False
    return None


_TIERS: dict[str, Tier] = {
    "free": "free",
    "pro": "pro",
    "professional": "pro",
    "business": "business",
    "enterprise": "enterprise",
}
_HEALTH: dict[str, Health] = {
    "green": "green",
    "healthy": "green",
    "good": "green",
    "yellow": "yellow",
    "amber": "yellow",
    "atrisk": "yellow",
    "warning": "yellow",
    "red": "red",
    "critical": "red",
    "unhealthy": "red",
    "poor": "red",
}


def parse_tier(value: str | None) -> Tier | None:
    return _TIERS.get(compact(value))


def parse_health(value: str | None) -> Health | None:
    return _HEALTH.get(compact(value))


def parse_industry(value: str | None) -> str | None:
    text = single_line(value)
    if not text:
        return None
    if re.fullmatch(r"[A-Z0-9_]+", text):  # HubSpot's enumeration value, e.g. COMPUTER_SOFTWARE
        return text.replace("_", " ").capitalize()
    return text


_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})")


def normalise_domain(value: str) -> str | None:
    """The bare host of a domain, URL or email address, lower case and without `www.`."""
    text = single_line(value).lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text).split("/", 1)[0].split("?", 1)[0]
    text = text.rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    text = text.removeprefix("www.")
    return text if _DOMAIN.fullmatch(text) else None


def parse_domains(primary: str | None, additional: str | None) -> tuple[str, ...]:
    """The company's primary domain, then its additional ones (HubSpot separates them with `;`)."""
    candidates = [primary or "", *re.split(r"[;,\s]+", additional or "")]
    found = [d for d in (normalise_domain(c) for c in candidates if c.strip()) if d is not None]
    return tuple(dict.fromkeys(found))


def query_domain(text: str) -> str | None:
    """The domain a query names, when it is a bare domain, a URL or an email address."""
    if not text or " " in text or "." not in text:
        return None
    return normalise_domain(text)


_KINDS: dict[str, Literal["new", "renewal", "expansion"]] = {
    "new": "new",
    "newbusiness": "new",
    "newlogo": "new",
    "renewal": "renewal",
    "renew": "renewal",
    "expansion": "expansion",
    "upsell": "expansion",
    "upgrade": "expansion",
    "crosssell": "expansion",
    "addon": "expansion",
}


def parse_deal_kind(value: str | None, name: str) -> DealKind:
    """The deal's kind from its type property.

    HubSpot's stock `dealtype` offers only `newbusiness` and `existingbusiness`; the latter covers
    both renewals and upsells, so for it the deal name decides (a name saying renewal or upsell),
    else `other`.
    """
    text = compact(value)
    if text in _KINDS:
        return _KINDS[text]
    if text == "existingbusiness":
        lowered = name.lower()
        if "renew" in lowered:
            return "renewal"
        if re.search(r"upsell|expansion|add-?on|upgrade|cross-?sell", lowered):
            return "expansion"
    return "other"


_EXECUTIVE = re.compile(
    r"\b(chief|c[cetfoimrspdax]o|ciso|vp|svp|evp|vice[\s-]+president|head\s+of|president|"
    r"co-?founder|founder|managing\s+director|general\s+manager)\b",
    re.IGNORECASE,
)


def is_executive(title: str) -> bool:
    """C-level, VPs, heads of a function, presidents and founders; assistants to them are not."""
    if re.search(r"\bassistant\b", title, re.IGNORECASE):
        return False
    return bool(_EXECUTIVE.search(title))


def deal_order(deal: Opportunity) -> tuple[int, int, int, str]:
    """Open deals first, soonest close first; then closed deals, latest close first; undated last."""
    if deal.close_date is None:
        return (0 if deal.is_open else 1, 1, 0, deal.name)
    ordinal = deal.close_date.toordinal()
    return (0 if deal.is_open else 1, 0, ordinal if deal.is_open else -ordinal, deal.name)


__all__ = [
    "DealKind",
    "deal_order",
    "is_digits",
    "is_executive",
    "normalise_domain",
    "parse_bool",
    "parse_date",
    "parse_deal_kind",
    "parse_domains",
    "parse_health",
    "parse_industry",
    "parse_number",
    "parse_tier",
    "parse_timestamp",
    "query_domain",
    "scalar_text",
]
