"""A fake of HubSpot's CRM API, seeded from a `Dataset`.

It serves what the HubSpot connector reads, at HubSpot's paths and in HubSpot's JSON: numeric string
ids, every property value a string or null (numbers, booleans and dates included; dates sometimes as
ISO dates and sometimes as epoch milliseconds), `paging.next.after` only when another page exists,
search's 200-per-request and 10,000-result limits, 207 answers from batch reads that miss ids, and
HubSpot's error bodies (`status`, `message`, `correlationId`, `category`).

The fake implements HubSpot's own semantics, not ours: `query` matches word prefixes in a company's
name, domain, website and phone; filter groups are ORed and the filters inside one are ANDed; search
results come in record-creation order unless `sorts` says otherwise (see `_hubspot_search`).

Fault knobs (set them on the instance): `unauthorized`, `missing_scopes`, `daily_limit_reached`,
`rate_limit_next` (HubSpot 429 bodies, one per request), `secondly_limit` (fixed one-second windows on
the injected clock), `fail_next` (5xx statuses, one per request), `malformed_next`, `removed_paths`
(answer 410); they live in `_hubspot_gateway`. The legacy v1/v2 endpoints always answer 410. `calls`
logs every request.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from customer_escalation.connectors.records import Account, Dataset, Opportunity, Person

from ._hubspot_gateway import HubSpotGateway
from ._hubspot_search import SEARCH_CAP, find, read_search

BASE_URL = "https://api.hubapi.com"
DEFAULT_TOKEN = "pat-na1-0f1b13c9-0000-4000-8000-00000000c0de"
DEFAULT_PORTAL_ID = "4412345"

PORTAL_PROPERTIES: dict[str, str] = {
    "arr": "arr",
    "tier": "tier",
    "plan": "plan",
    "renewal_date": "renewal_date",
    "health": "health",
    "reference": "reference_customer",
    "public_facing": "public_facing",
    "owner": "hubspot_owner_id",
    "deal_kind": "dealtype",
}
"""Where this fake portal keeps account facts HubSpot has no standard property for."""

_DEFAULT_COMPANY_PROPERTIES = ("name", "domain", "createdate", "hs_lastmodifieddate", "hs_object_id")
_ALWAYS = ("createdate", "hs_lastmodifieddate", "hs_object_id")
_STANDARD_STAGES = (
    ("appointmentscheduled", "Appointment scheduled", "0.2"),
    ("qualifiedtobuy", "Qualified to buy", "0.4"),
    ("presentationscheduled", "Presentation scheduled", "0.6"),
    ("decisionmakerboughtin", "Decision maker bought-in", "0.8"),
    ("contractsent", "Contract sent", "0.9"),
    ("closedwon", "Closed won", "1.0"),
    ("closedlost", "Closed lost", "0.0"),
)
_KIND_VALUES = {"new": "newbusiness", "renewal": "renewal", "expansion": "expansion"}
"""`dealtype` values: HubSpot's stock `newbusiness`, plus options this portal added to the property."""
_ASSOCIATION_TYPES = {"contacts": 280, "deals": 342}
_EPOCH = datetime(2024, 3, 4, 9, 30, tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _epoch_ms(day: date) -> str:
    return str(int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000))


def _number(value: float | None) -> str | None:
    if value is None:
        return None
    return str(int(value)) if float(value).is_integer() else repr(value)


class HubSpotFake(HubSpotGateway):
    """HubSpot's CRM API over `dataset`. Drive `app` through `httpx2.ASGITransport`.

    Args:
        dataset: the accounts (companies, their contacts and owners) and opportunities (deals) to serve.
        token: the private app token requests must carry as ``Bearer``.
        portal_id: the HubSpot account id.
        clock: seconds on a monotonic clock, for `secondly_limit` windows (tests pass a fake one).
        property_names: overrides of `PORTAL_PROPERTIES`, to serve a differently configured portal.
    """

    def __init__(
        self,
        dataset: Dataset,
        *,
        token: str = DEFAULT_TOKEN,
        portal_id: str = DEFAULT_PORTAL_ID,
        clock: Callable[[], float] = time.monotonic,
        property_names: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(token=token, portal_id=portal_id, clock=clock)
        self.base_url = BASE_URL
        self.props = {**PORTAL_PROPERTIES, **(property_names or {})}

        self.companies: dict[str, dict[str, Any]] = {}
        self.contacts: dict[str, dict[str, Any]] = {}
        self.deals: dict[str, dict[str, Any]] = {}
        self.owners: dict[str, dict[str, Any]] = {}
        self.links: dict[tuple[str, str], list[str]] = {}
        """(company id, `contacts` or `deals`) -> associated record ids."""
        self.stages: list[dict[str, Any]] = []
        self.account_ids: dict[str, str] = {}
        """Our account id -> the HubSpot company id it was given."""

        self._next_ids = {
            "companies": 9_100_000_001,
            "contacts": 151,
            "deals": 7_300_000_001,
            "owners": 61_000_001,
        }
        self._seed_stages()
        for index, account in enumerate(dataset.accounts):
            self._seed_account(index, account)
        for index, deal in enumerate(dataset.opportunities):
            self._seed_deal(index, deal)

        routes = [
            Route(
                "/crm/v3/objects/companies/search",
                self._wrap(self._search_companies, search=True),
                methods=["POST"],
            ),
            Route("/crm/v3/objects/companies", self._wrap(self._list_companies), methods=["GET"]),
            Route("/crm/v3/objects/companies/{id}", self._wrap(self._read_company), methods=["GET"]),
            Route(
                "/crm/v4/objects/{from_type}/{id}/associations/{to_type}",
                self._wrap(self._associations),
                methods=["GET"],
            ),
            Route("/crm/v3/objects/{object_type}/batch/read", self._wrap(self._batch_read), methods=["POST"]),
            Route("/crm/v3/owners/{id}", self._wrap(self._read_owner), methods=["GET"]),
            Route("/crm/v3/pipelines/deals", self._wrap(self._pipelines), methods=["GET"]),
            Route("/companies/v2/{rest:path}", self._wrap(self._sunset), methods=["GET", "POST", "PUT"]),
            Route("/deals/v1/{rest:path}", self._wrap(self._sunset), methods=["GET", "POST", "PUT"]),
        ]
        self.app = Starlette(routes=routes)

    # --- seeding: our records in HubSpot's shapes ------------------------------------------------

    def _new_id(self, kind: str) -> str:
        value = self._next_ids[kind]
        self._next_ids[kind] += 1
        return str(value)

    def _record(self, record_id: str, properties: dict[str, str | None], created: datetime) -> dict[str, Any]:
        stamp = _iso(created)
        properties = {
            **properties,
            "createdate": stamp,
            "hs_lastmodifieddate": stamp,
            "hs_object_id": record_id,
        }
        return {
            "id": record_id,
            "properties": properties,
            "createdAt": stamp,
            "updatedAt": stamp,
            "archived": False,
        }

    def _seed_stages(self) -> None:
        for order, (stage_id, label, probability) in enumerate(_STANDARD_STAGES):
            self.add_stage(
                stage_id, label, closed=stage_id.startswith("closed"), probability=probability, order=order
            )

    def add_stage(
        self, stage_id: str, label: str, *, closed: bool, probability: str = "0.5", order: int | None = None
    ) -> None:
        """Add a stage to the portal's default deal pipeline."""
        stamp = _iso(_EPOCH)
        self.stages.append(
            {
                "label": label,
                "displayOrder": len(self.stages) if order is None else order,
                "metadata": {"isClosed": "true" if closed else "false", "probability": probability},
                "id": stage_id,
                "createdAt": stamp,
                "updatedAt": stamp,
                "archived": False,
                "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
            }
        )

    def _owner_id(self, person: Person) -> str:
        for owner_id, owner in self.owners.items():
            if (
                owner["email"] == person.email
                and f"{owner['firstName']} {owner['lastName']}".strip() == person.name
            ):
                return owner_id
        owner_id = self._new_id("owners")
        first, _, last = (person.name or "").partition(" ")
        stamp = _iso(_EPOCH)
        self.owners[owner_id] = {
            "id": owner_id,
            "email": person.email,
            "type": "PERSON",
            "firstName": first,
            "lastName": last,
            "userId": int(owner_id) + 9_000_000,
            "userIdIncludingInactive": int(owner_id) + 9_000_000,
            "createdAt": stamp,
            "updatedAt": stamp,
            "archived": False,
            "teams": [],
        }
        return owner_id

    def _seed_account(self, index: int, account: Account) -> None:
        p = self.props
        company_id = self._new_id("companies")
        self.account_ids[account.id] = company_id
        renewal: str | None = None
        if account.renewal_date is not None:
            # Portals hold date properties in both forms, depending on how the value was written.
            renewal = account.renewal_date.isoformat() if index % 2 == 0 else _epoch_ms(account.renewal_date)
        properties: dict[str, str | None] = {
            "name": account.name,
            "domain": account.domains[0] if account.domains else None,
            "hs_additional_domains": ";".join(account.domains[1:]) or None,
            "website": f"https://www.{account.domains[0]}" if account.domains else None,
            "phone": None,
            "industry": account.industry.upper().replace(" ", "_") if account.industry else None,
            "annualrevenue": None,
            p["arr"]: _number(account.arr),
            p["tier"]: account.tier.capitalize() if account.tier else None,
            p["plan"]: account.plan,
            p["renewal_date"]: renewal,
            p["health"]: account.health,
            p["reference"]: "true" if account.reference_customer else "false",
            p["public_facing"]: "true" if account.public_facing else "false",
            p["owner"]: self._owner_id(account.owner) if account.owner is not None else None,
        }
        created = account.created_at or _EPOCH + timedelta(days=index)
        self.companies[company_id] = self._record(company_id, properties, created)
        contact_ids: list[str] = []
        for contact in account.contacts:
            contact_id = self._new_id("contacts")
            first, _, last = contact.name.partition(" ")
            self.contacts[contact_id] = self._record(
                contact_id,
                {
                    "firstname": first,
                    "lastname": last or None,
                    "email": contact.email,
                    "jobtitle": contact.title,
                },
                created,
            )
            contact_ids.append(contact_id)
        self.links[(company_id, "contacts")] = contact_ids
        self.links[(company_id, "deals")] = []

    def _stage_for(self, deal: Opportunity) -> str:
        if not deal.is_open:
            return "closedwon" if "won" in deal.stage.lower() else "closedlost"
        for stage in self.stages:
            if stage["label"].lower() == deal.stage.lower() or stage["id"] == deal.stage:
                return str(stage["id"])
        # Stages a portal adds get numeric ids.
        stage_id = str(1_049_383_000 + len(self.stages))
        self.add_stage(stage_id, deal.stage, closed=False)
        return stage_id

    def _seed_deal(self, index: int, deal: Opportunity) -> None:
        company_id = self.account_ids.get(deal.account_id)
        stage_id = self._stage_for(deal)
        closedate = None
        if deal.close_date is not None:
            closedate = _iso(
                datetime(deal.close_date.year, deal.close_date.month, deal.close_date.day, tzinfo=UTC)
            )
        properties: dict[str, str | None] = {
            "dealname": deal.name,
            "amount": _number(deal.amount),
            "dealstage": stage_id,
            "pipeline": "default",
            "closedate": closedate,
            "hs_is_closed": "false" if deal.is_open else "true",
            "hs_is_closed_won": "true" if stage_id == "closedwon" else "false",
            self.props["deal_kind"]: _KIND_VALUES.get(deal.kind),
        }
        deal_id = self._new_id("deals")
        self.deals[deal_id] = self._record(deal_id, properties, _EPOCH + timedelta(days=index))
        if company_id is not None:
            self.links[(company_id, "deals")].append(deal_id)

    # --- helpers for tests ---------------------------------------------------------------------

    def company_id(self, account_id: str) -> str:
        """The HubSpot id the company seeded from `account_id` got."""
        return self.account_ids[account_id]

    def contact_ids(self, account_id: str) -> list[str]:
        return list(self.links[(self.company_id(account_id), "contacts")])

    def set_property(self, object_type: str, record_id: str, name: str, value: str | None) -> None:
        """Store a raw property value, as a portal user or an integration could have written it."""
        store = {"companies": self.companies, "contacts": self.contacts, "deals": self.deals}[object_type]
        store[record_id]["properties"][name] = value

    def add_deal(self, account_id: str, properties: Mapping[str, str | None]) -> str:
        """Add a deal with raw HubSpot properties, associated with the company of `account_id`."""
        deal_id = self._new_id("deals")
        self.deals[deal_id] = self._record(deal_id, dict(properties), _EPOCH)
        self.links[(self.company_id(account_id), "deals")].append(deal_id)
        return deal_id

    # --- endpoints -------------------------------------------------------------------------------

    def _public(
        self, record: dict[str, Any], requested: list[str] | None, defaults: tuple[str, ...]
    ) -> dict[str, Any]:
        names = list(dict.fromkeys([*(requested or defaults), *_ALWAYS]))
        stored = record["properties"]
        # Requested properties the portal does not have are left out; ones it has but are empty are null.
        properties = {n: stored[n] for n in names if n in stored}
        return {
            "id": record["id"],
            "properties": properties,
            "createdAt": record["createdAt"],
            "updatedAt": record["updatedAt"],
            "archived": record["archived"],
        }

    @staticmethod
    def _property_list(request: Request) -> list[str]:
        names: list[str] = []
        for value in request.query_params.getlist("properties"):
            names.extend(n.strip() for n in value.split(",") if n.strip())
        return names

    async def _search_companies(self, request: Request, body: Any) -> Response:
        search = read_search(body)
        matches = find(self.companies, search)
        window = matches[search.offset : min(search.offset + search.limit, SEARCH_CAP)]
        answer: dict[str, Any] = {
            "total": len(matches),
            "results": [self._public(r, search.properties, _DEFAULT_COMPANY_PROPERTIES) for r in window],
        }
        end = search.offset + search.limit
        if end < len(matches) and end < SEARCH_CAP:
            answer["paging"] = {"next": {"after": str(end), "link": f"?after={end}"}}
        return JSONResponse(answer)

    async def _list_companies(self, request: Request, body: Any) -> Response:
        limit = min(int(request.query_params.get("limit", "10")), 100)
        offset = int(base64.b64decode(request.query_params.get("after", "MA==")).decode())
        records = [r for _, r in sorted(self.companies.items(), key=lambda item: int(item[0]))]
        requested = self._property_list(request) or None
        answer: dict[str, Any] = {
            "results": [
                self._public(r, requested, _DEFAULT_COMPANY_PROPERTIES)
                for r in records[offset : offset + limit]
            ]
        }
        if offset + limit < len(records):
            token = base64.b64encode(str(offset + limit).encode()).decode()
            answer["paging"] = {
                "next": {"after": token, "link": f"{BASE_URL}/crm/v3/objects/companies?after={token}"}
            }
        return JSONResponse(answer)

    async def _read_company(self, request: Request, body: Any) -> Response:
        company_id = request.path_params["id"]
        record = self.companies.get(company_id)
        if record is None:
            return self.error(
                404,
                "Object not found.  objectId are usually numeric.",
                "OBJECT_NOT_FOUND",
                context={"id": [company_id]},
            )
        return JSONResponse(
            self._public(record, self._property_list(request) or None, _DEFAULT_COMPANY_PROPERTIES)
        )

    async def _associations(self, request: Request, body: Any) -> Response:
        from_type = request.path_params["from_type"].lower().rstrip("s") + "s"
        to_type = request.path_params["to_type"].lower().rstrip("s") + "s"
        if from_type != "companies" or to_type not in _ASSOCIATION_TYPES:
            raise self._bad_request(f"Unknown association {from_type} -> {to_type}.")
        limit = int(request.query_params.get("limit", "500"))
        if not 1 <= limit <= 500:
            raise self._bad_request("limit must be between 1 and 500.")
        after = request.query_params.get("after")
        offset = int(base64.urlsafe_b64decode(after).decode()) if after else 0
        targets = self.links.get((request.path_params["id"], to_type), [])
        answer: dict[str, Any] = {
            "results": [
                {
                    "toObjectId": int(target),
                    "associationTypes": [
                        {"category": "HUBSPOT_DEFINED", "typeId": _ASSOCIATION_TYPES[to_type], "label": None}
                    ],
                }
                for target in targets[offset : offset + limit]
            ]
        }
        if offset + limit < len(targets):
            token = base64.urlsafe_b64encode(str(offset + limit).encode()).decode()
            answer["paging"] = {"next": {"after": token, "link": f"?after={token}"}}
        return JSONResponse(answer)

    async def _batch_read(self, request: Request, body: Any) -> Response:
        object_type = request.path_params["object_type"]
        store = {"contacts": self.contacts, "deals": self.deals, "companies": self.companies}.get(object_type)
        if store is None:
            raise self._bad_request(f"Unknown object type {object_type}.")
        inputs = body.get("inputs") if isinstance(body, dict) else None
        if not isinstance(inputs, list) or not inputs:
            raise self._bad_request("inputs must be a non-empty list.")
        if len(inputs) > 100:
            raise self._bad_request("Batch reads take at most 100 inputs.")
        requested = body.get("properties") or None
        ids = [str(item.get("id")) for item in inputs if isinstance(item, dict)]
        missing = [i for i in ids if i not in store]
        stamp = _iso(_EPOCH)
        answer: dict[str, Any] = {
            "status": "COMPLETE",
            "results": [self._public(store[i], requested, ("hs_object_id",)) for i in ids if i in store],
            "startedAt": stamp,
            "completedAt": stamp,
        }
        if not missing:
            return JSONResponse(answer)
        singular = object_type.rstrip("s").upper()
        answer["numErrors"] = 1
        answer["errors"] = [
            {
                "status": "error",
                "category": "OBJECT_NOT_FOUND",
                "message": f"Could not get some {singular} objects, they may be deleted or not exist.",
                "context": {"ids": missing},
            }
        ]
        return JSONResponse(answer, status_code=207)

    async def _read_owner(self, request: Request, body: Any) -> Response:
        owner = self.owners.get(request.path_params["id"])
        if owner is None:
            return self.error(404, "Owner not found.", "OBJECT_NOT_FOUND")
        return JSONResponse(owner)

    async def _pipelines(self, request: Request, body: Any) -> Response:
        stamp = _iso(_EPOCH)
        pipeline = {
            "label": "Sales Pipeline",
            "displayOrder": 0,
            "id": "default",
            "stages": sorted(self.stages, key=lambda s: s["displayOrder"]),
            "createdAt": stamp,
            "updatedAt": stamp,
            "archived": False,
        }
        return JSONResponse({"results": [pipeline]})

    async def _sunset(self, request: Request, body: Any) -> Response:
        return self.error(410, "This API version has been retired; use the CRM v3 objects API.", "GONE")


__all__ = ["BASE_URL", "DEFAULT_PORTAL_ID", "DEFAULT_TOKEN", "PORTAL_PROPERTIES", "HubSpotFake"]
