"""HubSpot's response models mapped to the records callers get (`Account`, `Opportunity`, ...)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..crm_values import (
    is_executive,
    parse_bool,
    parse_date,
    parse_deal_kind,
    parse_domains,
    parse_health,
    parse_industry,
    parse_number,
    parse_tier,
    parse_timestamp,
)
from ..records import Account, Contact, Opportunity, Person, Ref
from ..text import single_line
from .models import CrmObject, Owner, Pipelines
from .policy import SYSTEM

DEFAULT_UI_DOMAIN = "app.hubspot.com"
CLOSED_STAGES = frozenset({"closedwon", "closedlost"})
"""Stage ids of HubSpot's default sales pipeline that end a deal."""
CONTACT_PROPERTIES = ("firstname", "lastname", "email", "jobtitle")
_COMPANY_OBJECT_TYPE = "0-2"
_DEAL_OBJECT_TYPE = "0-3"


@dataclass(frozen=True)
class PropertyMap:
    """Internal names of the HubSpot properties that hold what HubSpot has no standard field for.

    HubSpot's own `annualrevenue` is the company's turnover, not what it pays us, so ARR defaults to a
    custom property named `arr`. A property the portal does not have is simply absent from HubSpot's
    answers, so the mapped field comes back as None.
    """

    arr: str = "arr"
    tier: str = "tier"
    plan: str = "plan"
    renewal_date: str = "renewal_date"
    health: str = "health"
    reference: str = "reference_customer"
    public_facing: str = "public_facing"
    owner: str = "hubspot_owner_id"
    deal_kind: str = "dealtype"

    def company_properties(self) -> tuple[str, ...]:
        """Every company property an account is made of, each once."""
        mapped = (
            self.arr,
            self.tier,
            self.plan,
            self.renewal_date,
            self.health,
            self.reference,
            self.public_facing,
            self.owner,
        )
        base = ("name", "domain", "hs_additional_domains", "industry", "createdate")
        return tuple(dict.fromkeys(base + mapped))

    def deal_properties(self) -> tuple[str, ...]:
        """Every deal property an opportunity is made of, each once."""
        base = ("dealname", "amount", "dealstage", "pipeline", "closedate", "hs_is_closed")
        return tuple(dict.fromkeys((*base, self.deal_kind)))


@dataclass(frozen=True)
class Stage:
    label: str
    closed: bool


@dataclass(frozen=True)
class Links:
    """Where a person opens a record in HubSpot's web app; unknown without the portal id."""

    portal_id: str | None
    ui_domain: str = DEFAULT_UI_DOMAIN

    def record(self, object_type_id: str, record_id: str) -> str | None:
        if self.portal_id is None:
            return None
        return f"https://{self.ui_domain}/contacts/{self.portal_id}/record/{object_type_id}/{record_id}"


@dataclass(frozen=True)
class Mapper:
    """Turns HubSpot objects into records, reading the portal's own properties and closed stages."""

    properties: PropertyMap
    links: Links
    closed_stages: frozenset[str] = CLOSED_STAGES

    def account(
        self, company: CrmObject, *, contacts: tuple[Contact, ...] = (), owner: Person | None = None
    ) -> Account:
        p, props = self.properties, company.properties
        domains = parse_domains(props.get("domain"), props.get("hs_additional_domains"))
        name = single_line(props.get("name")) or (domains[0] if domains else f"HubSpot company {company.id}")
        arr = parse_number(props.get(p.arr))
        return Account(
            ref=Ref(system=SYSTEM, id=company.id, url=self.links.record(_COMPANY_OBJECT_TYPE, company.id)),
            id=company.id,
            name=name,
            domains=domains,
            tier=parse_tier(props.get(p.tier)),
            plan=single_line(props.get(p.plan)) or None,
            arr=arr if arr is not None and arr >= 0 else None,
            renewal_date=parse_date(props.get(p.renewal_date)),
            owner=owner,
            contacts=contacts,
            health=parse_health(props.get(p.health)),
            reference_customer=parse_bool(props.get(p.reference)) is True,
            public_facing=parse_bool(props.get(p.public_facing)) is True,
            industry=parse_industry(props.get("industry")),
            created_at=parse_timestamp(company.created_at) or parse_timestamp(props.get("createdate")),
        )

    def opportunity(self, deal: CrmObject, company_id: str, stages: Mapping[str, Stage]) -> Opportunity:
        props = deal.properties
        name = single_line(props.get("dealname")) or f"HubSpot deal {deal.id}"
        stage_id = single_line(props.get("dealstage"))
        stage = stages.get(stage_id)
        closed = (
            stage_id in self.closed_stages
            or (stage is not None and stage.closed)
            or parse_bool(props.get("hs_is_closed")) is True
        )
        return Opportunity(
            ref=Ref(system=SYSTEM, id=deal.id, url=self.links.record(_DEAL_OBJECT_TYPE, deal.id)),
            id=deal.id,
            account_id=company_id,
            name=name,
            stage=(stage.label if stage is not None else stage_id) or "unknown",
            amount=parse_number(props.get("amount")),
            close_date=parse_date(props.get("closedate")),
            is_open=not closed,
            kind=parse_deal_kind(props.get(self.properties.deal_kind), name),
        )


def closed_stage_ids(configured: Iterable[str]) -> frozenset[str]:
    """HubSpot's closed stages of the default pipeline plus the portal's own, blanks dropped."""
    return CLOSED_STAGES | {s.strip() for s in configured if s.strip()}


def to_contact(contact: CrmObject) -> Contact | None:
    """A contact with a name or an email address; None for one with neither."""
    props = contact.properties
    name = " ".join(p for p in (single_line(props.get("firstname")), single_line(props.get("lastname"))) if p)
    email = single_line(props.get("email")).lower() or None
    title = single_line(props.get("jobtitle")) or None
    if not name and email is None:
        return None
    return Contact(
        name=name or str(email),
        email=email,
        title=title,
        is_executive=is_executive(title or ""),
    )


def to_owner(owner: Owner) -> Person | None:
    first, last = single_line(owner.first_name), single_line(owner.last_name)
    email = single_line(owner.email).lower() or None
    name = " ".join(p for p in (first, last) if p) or None
    if name is None and email is None:
        return None
    return Person(name=name, email=email, role="internal")


def to_stages(pipelines: Pipelines) -> dict[str, Stage]:
    """Every deal stage of every pipeline by id, with its label and whether it ends a deal."""
    stages: dict[str, Stage] = {}
    for pipeline in pipelines.results:
        for stage in pipeline.stages:
            if stage.id is None:
                continue
            closed = stage.metadata is not None and parse_bool(stage.metadata.is_closed) is True
            stages[stage.id] = Stage(single_line(stage.label) or stage.id, closed)
    return stages


__all__ = [
    "CONTACT_PROPERTIES",
    "DEFAULT_UI_DOMAIN",
    "Links",
    "Mapper",
    "PropertyMap",
    "Stage",
    "closed_stage_ids",
    "to_contact",
    "to_owner",
    "to_stages",
]
