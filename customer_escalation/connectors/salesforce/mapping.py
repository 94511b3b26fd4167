"""Salesforce records (`SObject`) mapped to the records callers get (`Account`, `Opportunity`, ...)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..records import Account, Contact, Opportunity, Person, Ref
from .models import SObject
from .policy import SYSTEM
from .soql import field_name
from .values import (
    deal_kind,
    domains_of,
    is_executive,
    parse_health,
    parse_tier,
    single_line,
    to_bool,
    to_date,
    to_number,
    to_text,
    to_timestamp,
)

ACCOUNT_FIELDS = ("Id", "Name", "Website", "Industry", "Type", "CreatedDate", "Owner.Name", "Owner.Email")
CONTACT_FIELDS = ("Id", "FirstName", "LastName", "Email", "Title")
OPPORTUNITY_FIELDS = ("Id", "AccountId", "Name", "StageName", "Amount", "CloseDate", "IsClosed", "IsWon")


@dataclass(frozen=True)
class FieldMap:
    """API names of the fields that hold what Salesforce has no standard field for.

    A standard org has none of them: `AnnualRevenue` is the company's turnover, not what it pays us, and
    there is no tier, plan, renewal date or health. So they default to None (not read; the account's
    value is unknown) and each org names its own custom fields (`ARR__c`, ...). The deal kind defaults to
    the standard `Opportunity.Type` picklist.
    """

    arr: str | None = None
    renewal_date: str | None = None
    tier: str | None = None
    plan: str | None = None
    health: str | None = None
    reference: str | None = None
    public_facing: str | None = None
    deal_kind: str | None = "Type"

    def __post_init__(self) -> None:
        for name in self.names():
            value = getattr(self, name)
            if value is not None:
                field_name(value)  # only API names reach a query, whoever built the map

    def account_fields(self) -> tuple[str, ...]:
        """Every Account field an account is made of, each once."""
        mapped = (self.arr, self.renewal_date, self.tier, self.plan, self.health, self.reference)
        custom = tuple(f for f in (*mapped, self.public_facing) if f is not None)
        return tuple(dict.fromkeys(ACCOUNT_FIELDS + custom))

    def opportunity_fields(self) -> tuple[str, ...]:
        kind = (self.deal_kind,) if self.deal_kind is not None else ()
        return tuple(dict.fromkeys(OPPORTUNITY_FIELDS + kind))

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


@dataclass(frozen=True)
class Mapper:
    """Turns Salesforce records into ours, reading the org's own fields; links open Lightning pages."""

    fields: FieldMap
    instance_url: str

    def _ref(self, sobject: str, record_id: str) -> Ref:
        return Ref(
            system=SYSTEM, id=record_id, url=f"{self.instance_url}/lightning/r/{sobject}/{record_id}/view"
        )

    def account(self, row: SObject, *, contacts: tuple[Contact, ...] = ()) -> Account:
        f = self.fields
        domains = domains_of(to_text(row.value("Website")))
        name = single_line(to_text(row.value("Name"))) or (
            domains[0] if domains else f"Salesforce account {row.id}"
        )
        arr = to_number(row.value(f.arr))
        return Account(
            ref=self._ref("Account", row.id),
            id=row.id,
            name=name,
            domains=domains,
            tier=parse_tier(to_text(row.value(f.tier))),
            plan=single_line(to_text(row.value(f.plan))) or None,
            arr=arr if arr is not None and arr >= 0 else None,
            renewal_date=to_date(row.value(f.renewal_date)),
            owner=to_owner(row),
            contacts=contacts,
            health=parse_health(to_text(row.value(f.health))),
            reference_customer=to_bool(row.value(f.reference)) is True,
            public_facing=to_bool(row.value(f.public_facing)) is True,
            industry=single_line(to_text(row.value("Industry"))) or None,
            created_at=to_timestamp(row.value("CreatedDate")),
        )

    def opportunity(self, row: SObject, account_id: str) -> Opportunity:
        name = single_line(to_text(row.value("Name"))) or f"Salesforce opportunity {row.id}"
        return Opportunity(
            ref=self._ref("Opportunity", row.id),
            id=row.id,
            account_id=account_id,
            name=name,
            stage=single_line(to_text(row.value("StageName"))) or "unknown",
            amount=to_number(row.value("Amount")),
            close_date=to_date(row.value("CloseDate")),
            is_open=to_bool(row.value("IsClosed")) is not True,
            kind=deal_kind(to_text(row.value(self.fields.deal_kind)), name),
        )


def to_contact(row: SObject) -> Contact | None:
    """A contact with a name or an email address; None for one with neither."""
    first, last = single_line(to_text(row.value("FirstName"))), single_line(to_text(row.value("LastName")))
    name = " ".join(part for part in (first, last) if part)
    email = single_line(to_text(row.value("Email"))).lower() or None
    title = single_line(to_text(row.value("Title"))) or None
    if not name and email is None:
        return None
    return Contact(name=name or str(email), email=email, title=title, is_executive=is_executive(title or ""))


def to_owner(row: SObject) -> Person | None:
    owner = row.owner
    if owner is None:
        return None
    name = single_line(owner.name) or None
    email = single_line(owner.email).lower() or None
    if name is None and email is None:
        return None
    return Person(name=name, email=email, role="internal")


__all__ = [
    "ACCOUNT_FIELDS",
    "CONTACT_FIELDS",
    "OPPORTUNITY_FIELDS",
    "FieldMap",
    "Mapper",
    "to_contact",
    "to_owner",
]
