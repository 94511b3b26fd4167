"""The `{name}` slots of background ticket text: how each is drawn, and the ones fixed per ticket."""

from __future__ import annotations

import random
import string
from collections.abc import Mapping
from datetime import datetime, timedelta

from ...records import Account, Contact, Person
from ._common import SlotMaker, Slots
from ._company import FIRST_NAMES, LAST_NAMES
from ._topics import WISHES


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _alnum(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(n))


def _choice(*options: str) -> SlotMaker:
    return lambda s: s.rng.choice(options)


def _wish(s: Slots) -> str:
    wish, short = s.rng.choice(WISHES)
    s.set("wish_short", short)
    return wish


def _wish_short(s: Slots) -> str:
    _ = s["wish"]  # drawing the wish fixes its short form too
    return s["wish_short"]


def _tz(s: Slots) -> str:
    return s.rng.choice(
        (
            "America/New_York",
            "Europe/Berlin",
            "Asia/Singapore",
            "Australia/Sydney",
            "America/Chicago",
            "Europe/London",
        )
    )


def _email_other(s: Slots) -> str:
    return f"{s.rng.choice(FIRST_NAMES).lower()}.{s.rng.choice(LAST_NAMES).lower()}@{s['domain']}"


MAKERS: Mapping[str, SlotMaker] = {
    "n_small": lambda s: str(s.rng.randint(2, 9)),
    "n_users": _choice("25", "40", "60", "85", "120", "150", "240", "300", "450", "800", "1,200"),
    "n_k": _choice("12", "40", "75", "120", "250", "400", "900"),
    "pct": lambda s: str(s.rng.randint(2, 9)),
    "req_id": lambda s: "req_" + _hex(s.rng, 10),
    "region": _choice("us-east-1", "eu-west-1", "us-west-2", "eu-central-1", "ap-southeast-2"),
    "region_human": _choice("the EU", "US East", "Sydney", "Frankfurt", "Singapore", "Oregon"),
    "sdk": _choice("tessera-python 4.1.3", "tessera-node 6.3.0", "tessera-go v2.8.1", "tessera-java 3.4.0"),
    "platform": _choice("iOS", "Android", "React Native", "Flutter"),
    "browser": _choice(
        "Chrome 131 on macOS 14.6",
        "Firefox 132 on Windows 11",
        "Edge 130 on Windows 10",
        "Safari 18.1 on macOS 15",
        "Chrome 130 on Ubuntu 22.04",
    ),
    "idp": _choice(
        "Okta", "Entra ID", "Azure AD", "OneLogin", "Google Workspace", "JumpCloud", "PingFederate"
    ),
    "bucket": lambda s: f"s3://{s['slug']}-{s.rng.choice(('data', 'analytics', 'exports', 'lake'))}/tessera/",
    "short_id": lambda s: _alnum(s.rng, 8),
    "export_name": _choice(
        "daily_events", "orders_daily", "profiles_full", "weekly_revenue", "campaign_touches"
    ),
    "cron": _choice("0 2 * * *", "30 1 * * *", "0 4 * * 1-5", "15 0 * * *"),
    "tz": _tz,
    "tz_city": lambda s: s["tz"].split("/")[1].replace("_", " "),
    "dash": _choice(
        "Revenue overview",
        "Weekly active users",
        "Checkout funnel",
        "Churn cohorts",
        "Campaign performance",
        "Exec KPIs",
        "Store traffic",
        "Onboarding",
    ),
    "invoice": lambda s: f"INV-2026-{s.rng.randint(10000, 99999)}",
    "amount": lambda s: f"${s.rng.randint(2, 90) * 50:,}.00",
    "po": lambda s: f"PO-{s.rng.randint(100000, 999999)}",
    "vat": lambda s: (
        s.rng.choice(("DE", "NL", "FR", "IE", "GB", "SE")) + str(s.rng.randint(100000000, 999999999))
    ),
    "billing_email": lambda s: (
        f"{s.rng.choice(('finance', 'accounts.payable', 'ap', 'billing'))}@{s['domain']}"
    ),
    "card": lambda s: str(s.rng.randint(1000, 9999)),
    "seats": _choice("10", "15", "25", "50", "75", "100"),
    "rate": _choice("100 requests per second", "50 requests per second", "20 requests per second"),
    "retry_after": lambda s: str(s.rng.randint(1, 30)),
    "hook_url": lambda s: s.rng.choice(
        (
            f"https://api.{s['domain']}/webhooks/tessera",
            f"https://hooks.{s['domain']}/tessera",
            f"https://{s['domain']}/wh",
        )
    ),
    "delivery_id": lambda s: "dlv_" + _hex(s.rng, 12),
    "key_hint": lambda s: f"sk_live_...{s['key_last']}",
    "key_last": lambda s: _alnum(s.rng, 4),
    "integration": _choice("Salesforce", "HubSpot", "Snowflake", "BigQuery", "Segment", "Braze", "Redshift"),
    "team": _choice("data", "growth", "marketing ops", "platform", "analytics", "finance", "CX", "product"),
    "team_slug": _choice("growth", "data", "ops", "marketing", "eng"),
    "latency": _choice("10-15 minutes", "20-30 minutes", "almost an hour", "5-10 minutes"),
    "aws_req": lambda s: _alnum(s.rng, 16).upper(),
    "aws_ext": lambda s: _alnum(s.rng, 40),
    "aws_acct": lambda s: str(s.rng.randint(100000000000, 999999999999)),
    "uuid": lambda s: (
        f"{_hex(s.rng, 8)}-{_hex(s.rng, 4)}-{_hex(s.rng, 4)}-{_hex(s.rng, 4)}-{_hex(s.rng, 12)}"
    ),
    "email_other": _email_other,
    "wish": _wish,
    "wish_short": _wish_short,
    "deadline_event": _choice(
        "board meeting next week",
        "quarterly review",
        "launch next week",
        "audit at the end of the month",
        "big campaign on Friday",
    ),
    "agent_or_team": _choice("team", "support team", "Tessera folks", "all", "there"),
}


def fixed_slots(
    account: Account, requester: Contact, created: datetime, agent: Person, ws_id: str
) -> dict[str, str]:
    first, _, last = requester.name.partition(" ")
    hour = created.hour
    daypart = "morning" if 5 <= hour < 12 else "afternoon" if hour < 18 else "evening"
    since_at = created - timedelta(days=1 + (hour % 3))
    return {
        "first": first,
        "last": last,
        "first_lower": first.lower(),
        "initial": first[0],
        "title": requester.title or "admin",
        "company": account.name,
        "domain": account.domains[0] if account.domains else f"{account.id}.example",
        "slug": account.id,
        "plan": account.plan or "Pro",
        "agent": (agent.name or "").split()[0],
        "ws_id": ws_id,
        "daypart": daypart,
        "weekday": since_at.strftime("%A"),
        "since": ("yesterday", "this morning", f"on {since_at.strftime('%A')}", "earlier today", "last week")[
            hour % 5
        ],
        "time": (created - timedelta(minutes=17 + hour * 3)).strftime("%H:%M"),
        "last_month": (created.replace(day=1) - timedelta(days=1)).strftime("%B"),
    }
