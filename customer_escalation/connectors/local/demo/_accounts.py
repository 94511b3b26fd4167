"""Customer accounts and CRM opportunities: the fixed accounts the scenarios need, plus seeded filler."""

from __future__ import annotations

import random
import re
from datetime import date, datetime, timedelta

from pydantic import TypeAdapter

from ...records import Account, Contact, Health, Opportunity, OpportunityKind, Tier
from ..world import ContactSpec, Spec
from ._common import ref
from ._company import COMPANY_NAMES, EXECUTIVE_TITLES, FIRST_NAMES, LAST_NAMES, OWNERS, STAFF, STAFF_TITLES
from ._data import table


class AccountSpec(Spec):
    """An account whose facts the scenarios depend on (``data/accounts.yaml``); dates are days from now."""

    id: str
    name: str
    domain: str
    tier: Tier
    arr: float | None
    renewal_in_days: int | None
    owner: str
    """One of the company's people, by name."""
    contacts: tuple[ContactSpec, ...]
    """E-mails are derived from the name and the domain."""
    health: Health = "green"
    reference_customer: bool = False
    public_facing: bool = False
    industry: str | None = None
    customer_for_days: int = 730


def _email(name: str, domain: str) -> str:
    local = re.sub(r"[^a-z.]", "", name.lower().replace(" ", "."))
    return f"{local}@{domain}"


SCENARIO_ACCOUNTS = table("accounts.yaml", "accounts", TypeAdapter(tuple[AccountSpec, ...]))
TIER_COUNTS = table("accounts.yaml", "tier_counts", TypeAdapter(dict[Tier, int]))
"""How many accounts of each tier the demo has, the scenario accounts included."""
_ARR_RANGE = table("accounts.yaml", "arr_range", TypeAdapter(dict[Tier, tuple[int, int]]))
_PLANS = table("accounts.yaml", "plans", TypeAdapter(dict[Tier, tuple[str, ...]]))
_EXPANSIONS = table("accounts.yaml", "expansions", TypeAdapter(tuple[str, ...]))


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("&", "and")).strip("-")


def _account(spec: AccountSpec, now: datetime, rng: random.Random) -> Account:
    renewal = None if spec.renewal_in_days is None else (now + timedelta(days=spec.renewal_in_days)).date()
    contacts = tuple(
        Contact(name=c.name, email=_email(c.name, spec.domain), title=c.title, is_executive=c.executive)
        for c in spec.contacts
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
        owner=STAFF[spec.owner].person,
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


def _opportunity(
    account: Account,
    opportunity_id: str,
    what: str,
    stage: str,
    amount: float | None,
    close_date: date,
    *,
    is_open: bool,
    kind: OpportunityKind = "renewal",
) -> Opportunity:
    """A deal on `account`, named after the account and `what` it is for."""
    return Opportunity(
        ref=ref(opportunity_id),
        id=opportunity_id,
        account_id=account.id,
        name=f"{account.name} - {what}",
        stage=stage,
        amount=amount,
        close_date=close_date,
        is_open=is_open,
        kind=kind,
    )


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
            _opportunity(
                account, renewal_id, f"renewal {year}", stage, amount, account.renewal_date, is_open=True
            )
        )
        previous = account.renewal_date - timedelta(days=365)
        if account.created_at is not None and previous > account.created_at.date() and previous <= today:
            closed_id = new_id()
            amount = round(base / rng.choice((1.0, 1.03, 1.05)), -2)
            opportunities.append(
                _opportunity(
                    account,
                    closed_id,
                    f"renewal {previous.year}",
                    "Closed Won",
                    amount,
                    previous,
                    is_open=False,
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
            what = rng.choice(_EXPANSIONS)
            stage = _stage((close - today).days) if is_open else rng.choice(("Closed Won", "Closed Lost"))
            amount = round(base * rng.choice((0.1, 0.15, 0.2, 0.3)), -2)
            opportunities.append(
                _opportunity(
                    account, expansion_id, what, stage, amount, close, is_open=is_open, kind="expansion"
                )
            )
    return tuple(opportunities)
