"""Customer accounts and CRM opportunities: the fixed accounts the scenarios need, plus seeded filler."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ...records import Account, Contact, Health, Opportunity, Tier
from ._common import Staff, ref
from ._company import (
    COMPANY_NAMES,
    DANA,
    EXECUTIVE_TITLES,
    FIRST_NAMES,
    GRETA,
    HANNAH,
    JONAH,
    LAST_NAMES,
    MARCUS,
    OWNERS,
    STAFF_TITLES,
    TOMAS,
)


@dataclass(frozen=True)
class AccountSpec:
    """An account whose facts the scenarios depend on; dates are offsets from now."""

    id: str
    name: str
    domain: str
    tier: Tier
    arr: float | None
    renewal_in_days: int | None
    owner: Staff
    contacts: tuple[tuple[str, str, bool], ...]
    """(name, title, is_executive); emails are derived from the name and the domain."""
    health: Health = "green"
    reference_customer: bool = False
    public_facing: bool = False
    industry: str | None = None
    customer_for_days: int = 730


def _email(name: str, domain: str) -> str:
    local = re.sub(r"[^a-z.]", "", name.lower().replace(" ", "."))
    return f"{local}@{domain}"


SCENARIO_ACCOUNTS: tuple[AccountSpec, ...] = (
    AccountSpec(
        "acme-corp",
        "Acme Corp",
        "acmecorp.example",
        "enterprise",
        480_000.0,
        75,
        DANA,
        (
            ("Priya Natarajan", "Director of Platform Engineering", False),
            ("Graham Osei", "CTO", True),
            ("Lena Voss", "Senior Data Engineer", False),
            ("Tobias Reinholt", "Site Reliability Engineer", False),
            ("Marisol Quintero", "Procurement Lead", False),
        ),
        health="yellow",
        reference_customer=True,
        public_facing=True,
        industry="E-commerce",
        customer_for_days=1460,
    ),
    AccountSpec(
        "umbrella-health",
        "Umbrella Health",
        "umbrellahealth.example",
        "enterprise",
        310_000.0,
        40,
        GRETA,
        (
            ("Claire Dunmore", "Compliance Manager", False),
            ("Victor Albrecht", "VP Data & Analytics", True),
            ("Nia Castellanos", "Data Platform Engineer", False),
        ),
        industry="Healthcare",
        customer_for_days=1100,
    ),
    AccountSpec(
        "meridian-freight",
        "Meridian Freight",
        "meridianfreight.example",
        "enterprise",
        265_000.0,
        190,
        TOMAS,
        (
            ("Sanna Lindqvist", "IT Operations Lead", False),
            ("Rupert Achebe", "CIO", True),
            ("Dario Fenwick", "Dispatch Systems Analyst", False),
        ),
        public_facing=True,
        industry="Logistics",
        customer_for_days=900,
    ),
    AccountSpec(
        "halcyon-media",
        "Halcyon Media",
        "halcyonmedia.example",
        "enterprise",
        190_000.0,
        250,
        GRETA,
        (
            ("Kwame Asante", "Identity & Access Engineer", False),
            ("Juliette Moreau", "VP Audience", True),
        ),
        reference_customer=True,
        public_facing=True,
        industry="Media",
        customer_for_days=600,
    ),
    AccountSpec(
        "pinecrest-insurance",
        "Pinecrest Insurance",
        "pinecrestins.example",
        "enterprise",
        540_000.0,
        310,
        TOMAS,
        (
            ("Megan Albright", "Identity Architect", False),
            ("Howard Tsang", "CISO", True),
            ("Beatriz Lowe", "Marketing Technology Lead", False),
        ),
        industry="Financial services",
        customer_for_days=1300,
    ),
    AccountSpec(
        "tidewater-energy",
        "Tidewater Energy",
        "tidewaterenergy.example",
        "enterprise",
        370_000.0,
        130,
        DANA,
        (
            ("Luis Carvajal", "Systems Administrator", False),
            ("Fiona Blackwood", "VP Digital", True),
        ),
        public_facing=True,
        industry="Energy",
        customer_for_days=800,
    ),
    AccountSpec(
        "ironwood-manufacturing",
        "Ironwood Manufacturing",
        "ironwoodmfg.example",
        "enterprise",
        155_000.0,
        220,
        HANNAH,
        (
            ("Patrick Keane", "IT Manager", False),
            ("Selma Horvath", "COO", True),
        ),
        industry="Manufacturing",
        customer_for_days=420,
    ),
    AccountSpec(
        "kestrel-bank",
        "Kestrel Bank",
        "kestrelbank.example",
        "enterprise",
        620_000.0,
        28,
        MARCUS,
        (
            ("Ingrid Hallberg", "Chief Information Security Officer", True),
            ("Samuel Okonjo", "Head of Security Operations", False),
            ("Alicia Ferrand", "Procurement Manager", False),
            ("Tomasz Wrobel", "Data Engineering Lead", False),
        ),
        health="red",
        industry="Financial services",
        customer_for_days=1000,
    ),
    AccountSpec(
        "globex",
        "Globex",
        "globex.example",
        "business",
        96_000.0,
        160,
        JONAH,
        (
            ("Omar Haddad", "Analytics Lead", False),
            ("Beth Carroway", "VP Finance", True),
        ),
        industry="Consumer goods",
    ),
    AccountSpec(
        "bluefin-capital",
        "Bluefin Capital",
        "bluefincapital.example",
        "business",
        84_000.0,
        200,
        HANNAH,
        (
            ("Anika Sorensen", "IT Systems Manager", False),
            ("Rafael Oyelowo", "COO", True),
        ),
        industry="Financial services",
        customer_for_days=120,
    ),
    AccountSpec(
        "brightline-health",
        "Brightline Health",
        "brightlinehealth.example",
        "business",
        72_000.0,
        95,
        GRETA,
        (
            ("Derek Fontaine", "Clinical Operations Analyst", False),
            ("Yasmin Qureshi", "Head of Clinical Systems", False),
        ),
        health="yellow",
        industry="Healthcare",
    ),
    AccountSpec(
        "copperleaf-foods",
        "Copperleaf Foods",
        "copperleaffoods.example",
        "business",
        54_000.0,
        280,
        JONAH,
        (("Gemma Strickland", "Ecommerce Operations Manager", False),),
        industry="Consumer goods",
    ),
    AccountSpec(
        "lumen-dental",
        "Lumen Dental",
        "lumendental.example",
        "business",
        42_000.0,
        150,
        HANNAH,
        (("Arjun Pillai", "Integration Developer", False),),
        industry="Healthcare",
    ),
    AccountSpec(
        "larkspur-systems",
        "Larkspur Systems",
        "larkspursystems.example",
        "business",
        66_000.0,
        60,
        TOMAS,
        (("Noelle Baptiste", "Security & Compliance Lead", False), ("Kofi Mensah", "Data Analyst", False)),
        industry="Software",
    ),
    AccountSpec(
        "initech",
        "Initech",
        "initech.example",
        "pro",
        18_000.0,
        120,
        JONAH,
        (("Ravi Menon", "BI Developer", False),),
        industry="Software",
    ),
    AccountSpec(
        "orchid-retail",
        "Orchid Retail",
        "orchidretail.example",
        "pro",
        14_400.0,
        210,
        HANNAH,
        (("Jess Tamura", "Backend Developer", False),),
        industry="Retail",
    ),
    AccountSpec(
        "fernhill-studio",
        "Fernhill Studio",
        "fernhillstudio.example",
        "pro",
        7_200.0,
        175,
        JONAH,
        (("Olivia Brandt", "Marketing Analyst", False),),
        industry="Media",
        customer_for_days=200,
    ),
    AccountSpec(
        "acme-logistics",
        "Acme Logistics",
        "acmelogistics.example",
        "pro",
        3_600.0,
        90,
        HANNAH,
        (("Jordan Reyes", "Operations Engineer", False),),
        industry="Logistics",
        customer_for_days=300,
    ),
    AccountSpec(
        "sable-analytics",
        "Sable Analytics",
        "sableanalytics.example",
        "pro",
        9_600.0,
        240,
        JONAH,
        (("Mateo Ruiz", "Lead Engineer", False),),
        industry="Software",
    ),
    AccountSpec(
        "harbor-goods",
        "Harbor Goods",
        "harborgoods.example",
        "pro",
        6_000.0,
        45,
        HANNAH,
        (("Lucy Pemberton", "Full-stack Developer", False),),
        industry="Retail",
    ),
    AccountSpec(
        "quarry-labs",
        "Quarry Labs",
        "quarrylabs.example",
        "pro",
        12_000.0,
        300,
        JONAH,
        (("Sven Aaltonen", "CTO", True), ("Dana Kim", "Software Engineer", False)),
        industry="Software",
    ),
)

TIER_COUNTS: dict[Tier, int] = {"enterprise": 8, "business": 14, "pro": 22, "free": 16}
_ARR_RANGE: dict[Tier, tuple[int, int]] = {
    "enterprise": (150_000, 900_000),
    "business": (30_000, 120_000),
    "pro": (3_000, 25_000),
    "free": (0, 0),
}
_PLANS: dict[Tier, tuple[str, ...]] = {
    "enterprise": ("Enterprise Annual", "Enterprise Plus"),
    "business": ("Business Annual", "Business Monthly"),
    "pro": ("Pro Annual", "Pro Monthly"),
    "free": ("Free",),
}


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("&", "and")).strip("-")


def _account(spec: AccountSpec, now: datetime, rng: random.Random) -> Account:
    renewal = None if spec.renewal_in_days is None else (now + timedelta(days=spec.renewal_in_days)).date()
    contacts = tuple(
        Contact(name=name, email=_email(name, spec.domain), title=title, is_executive=executive)
        for name, title, executive in spec.contacts
    )
    return Account(
        ref=ref(spec.id),
        id=spec.id,
        name=spec.name,
        domains=(spec.domain,),
        tier=spec.tier,
        plan=rng.choice(_PLANS[spec.tier]) if spec.tier != "enterprise" else "Enterprise Annual",
        arr=spec.arr,
        renewal_date=renewal,
        owner=spec.owner.person,
        contacts=contacts,
        health=spec.health,
        reference_customer=spec.reference_customer,
        public_facing=spec.public_facing,
        industry=spec.industry,
        created_at=now - timedelta(days=spec.customer_for_days, hours=rng.randrange(24)),
    )


def _arr(tier: Tier, rng: random.Random) -> float:
    low, high = _ARR_RANGE[tier]
    if tier == "free":
        return 0.0
    step = 1_200 if tier == "pro" else 6_000
    return float(rng.randrange(-(-low // step), high // step + 1) * step)


def _contacts(rng: random.Random, domain: str, tier: Tier) -> tuple[Contact, ...]:
    count = {"enterprise": 4, "business": 3, "pro": 2, "free": 1}[tier] + rng.randrange(2)
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in names:
            names.append(name)
    contacts = []
    for i, name in enumerate(names):
        executive = i == 0 and tier != "free" and rng.random() < 0.7
        title = rng.choice(EXECUTIVE_TITLES) if executive else rng.choice(STAFF_TITLES)
        contacts.append(Contact(name=name, email=_email(name, domain), title=title, is_executive=executive))
    return tuple(contacts)


def build_accounts(now: datetime, rng: random.Random) -> tuple[Account, ...]:
    """The fixed scenario accounts plus seeded filler up to the target count per tier."""
    accounts = [_account(spec, now, rng) for spec in SCENARIO_ACCOUNTS]
    taken = {a.id for a in accounts}
    pool = [entry for entry in COMPANY_NAMES if _slug(entry[0]) not in taken]
    rng.shuffle(pool)
    missing_arr = {"business": True, "pro": True}
    for tier, target in TIER_COUNTS.items():
        have = sum(1 for a in accounts if a.tier == tier)
        for _ in range(target - have):
            name, industry = pool.pop()
            slug = _slug(name)
            domain = slug.replace("-", "") + ".example"
            arr: float | None = _arr(tier, rng)
            if missing_arr.get(tier):
                missing_arr[tier] = False
                arr = None  # the CRM has no figure for this paying account
            renewal: date | None = None
            if tier != "free":
                renewal = (now + timedelta(days=rng.randrange(10, 365))).date()
            health: Health = rng.choices(("green", "yellow", "red"), weights=(80, 15, 5))[0]
            accounts.append(
                Account(
                    ref=ref(slug),
                    id=slug,
                    name=name,
                    domains=(domain,),
                    tier=tier,
                    plan=rng.choice(_PLANS[tier]),
                    arr=arr,
                    renewal_date=renewal,
                    owner=rng.choice(OWNERS).person if tier != "free" else None,
                    contacts=_contacts(rng, domain, tier),
                    health=health,
                    reference_customer=tier in ("enterprise", "business") and rng.random() < 0.15,
                    public_facing=rng.random() < 0.25,
                    industry=industry,
                    created_at=now - timedelta(days=rng.randrange(100, 1500), hours=rng.randrange(24)),
                )
            )
    return tuple(accounts)


KESTREL_RENEWAL_OPPORTUNITY = "opp-31872"
_STAGES_BY_DAYS = ((30, "Negotiation"), (90, "Proposal"), (180, "Discovery"), (10_000, "Qualification"))


def _stage(days_to_close: int) -> str:
    return next(stage for limit, stage in _STAGES_BY_DAYS if days_to_close <= limit)


def build_opportunities(
    accounts: tuple[Account, ...], now: datetime, rng: random.Random
) -> tuple[Opportunity, ...]:
    """Renewals (open, plus last year's closed one) and some expansions for every paying account."""
    used = {KESTREL_RENEWAL_OPPORTUNITY}

    def new_id() -> str:
        while True:
            candidate = f"opp-{rng.randrange(10_000, 99_999)}"
            if candidate not in used:
                used.add(candidate)
                return candidate

    today = now.date()
    opportunities: list[Opportunity] = []
    for account in accounts:
        if account.tier == "free" or account.renewal_date is None:
            continue
        base = account.arr if account.arr is not None else _arr(account.tier or "pro", rng)
        year = account.renewal_date.year
        days_to_close = (account.renewal_date - today).days
        if account.id == "kestrel-bank":
            renewal_id, stage, amount = KESTREL_RENEWAL_OPPORTUNITY, "Negotiation - at risk", base
        else:
            renewal_id, stage = new_id(), _stage(days_to_close)
            amount = round(base * rng.choice((1.0, 1.03, 1.05, 1.08)), -2)
        opportunities.append(
            Opportunity(
                ref=ref(renewal_id),
                id=renewal_id,
                account_id=account.id,
                name=f"{account.name} - renewal {year}",
                stage=stage,
                amount=amount,
                close_date=account.renewal_date,
                is_open=True,
                kind="renewal",
            )
        )
        previous = account.renewal_date - timedelta(days=365)
        if account.created_at is not None and previous > account.created_at.date() and previous <= today:
            closed_id = new_id()
            opportunities.append(
                Opportunity(
                    ref=ref(closed_id),
                    id=closed_id,
                    account_id=account.id,
                    name=f"{account.name} - renewal {previous.year}",
                    stage="Closed Won",
                    amount=round(base / rng.choice((1.0, 1.03, 1.05)), -2),
                    close_date=previous,
                    is_open=False,
                    kind="renewal",
                )
            )
        if account.tier in ("enterprise", "business") and rng.random() < 0.45:
            expansion_id = new_id()
            is_open = rng.random() < 0.5
            close = (
                today + timedelta(days=rng.randrange(20, 120))
                if is_open
                else today - timedelta(days=rng.randrange(20, 200))
            )
            opportunities.append(
                Opportunity(
                    ref=ref(expansion_id),
                    id=expansion_id,
                    account_id=account.id,
                    name=f"{account.name} - {rng.choice(_EXPANSIONS)}",
                    stage=_stage((close - today).days)
                    if is_open
                    else rng.choice(("Closed Won", "Closed Lost")),
                    amount=round(base * rng.choice((0.1, 0.15, 0.2, 0.3)), -2),
                    close_date=close,
                    is_open=is_open,
                    kind="expansion",
                )
            )
    return tuple(opportunities)


_EXPANSIONS = (
    "additional seats",
    "event volume add-on",
    "second workspace",
    "warehouse sync add-on",
    "premium support",
    "EU data residency",
)
