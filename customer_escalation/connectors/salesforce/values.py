"""Salesforce field values read as typed values.

Salesforce sends values in their JSON types: numbers for currency and number fields, booleans for
checkboxes, strings for text, picklists, dates (`2027-01-15`) and date-times
(`2026-03-04T09:30:00.000+0000`, an offset without a colon). A custom field may still hold a number as
text or a flag as a picklist, so each reader takes either. Values that do not parse become None; they
never fail a call. The vendor-neutral readers (tiers, health, domains, executive titles) are shared with
the HubSpot connector.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

from ..crm_values import (
    DealKind,
    is_executive,
    normalise_domain,
    parse_bool,
    parse_date,
    parse_health,
    parse_number,
    parse_tier,
    parse_timestamp,
    query_domain,
    scalar_text,
)
from ..text import compact, single_line
from .models import FieldValue


def to_text(value: FieldValue) -> str | None:
    return scalar_text(value)


def to_number(value: FieldValue) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    return parse_number(value)


def to_bool(value: FieldValue) -> bool | None:
    if isinstance(value, bool):
        return value
    return parse_bool(to_text(value))


def to_date(value: FieldValue) -> date | None:
    return parse_date(value) if isinstance(value, str) else None


def to_timestamp(value: FieldValue) -> datetime | None:
    return parse_timestamp(value) if isinstance(value, str) else None


def domains_of(website: str | None) -> tuple[str, ...]:
    """The account's domain from its Website field (a URL or a bare host)."""
    domain = normalise_domain(website or "")
    return (domain,) if domain is not None else ()


_EXPANSION = re.compile(r"upgrade|upsell|expansion|add-?on|cross-?sell", re.IGNORECASE)


def deal_kind(value: str | None, name: str) -> DealKind:
    """The deal's kind from its type picklist (the standard `Opportunity.Type` by default).

    The standard values are `New Customer` and `Existing Customer - Upgrade|Replacement|Downgrade`;
    orgs often add `Renewal`. A type that says nothing (or no type) leaves it to the deal's name.
    """
    text = compact(value)
    if text in {"new", "newcustomer", "newbusiness", "newlogo"}:
        return "new"
    if "renew" in text:
        return "renewal"
    if _EXPANSION.search(text):
        return "expansion"
    if "renew" in name.lower():
        return "renewal"
    if _EXPANSION.search(name):
        return "expansion"
    return "other"


__all__ = [
    "DealKind",
    "deal_kind",
    "domains_of",
    "is_executive",
    "parse_health",
    "parse_tier",
    "query_domain",
    "single_line",
    "to_bool",
    "to_date",
    "to_number",
    "to_text",
    "to_timestamp",
]
