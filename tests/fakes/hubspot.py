"""A fake of HubSpot's CRM API, seeded from a `Dataset`.

It serves what the HubSpot connector reads, at HubSpot's paths and in HubSpot's JSON: numeric string
ids, every property value a string or null (numbers, booleans and dates included; dates sometimes as
ISO dates and sometimes as epoch milliseconds), `paging.next.after` only when another page exists,
search's 200-per-request and 10,000-result limits, 207 answers from batch reads that miss ids, and
HubSpot's error bodies (`status`, `message`, `correlationId`, `category`).

The fake implements HubSpot's own semantics, not ours: `query` matches word prefixes in a company's
name, domain, website and phone; filter groups are ORed and the filters inside one are ANDed; search
results come in record-creation order unless `sorts` says otherwise.

Fault knobs (set them on the instance): `unauthorized`, `missing_scopes`, `daily_limit_reached`,
`rate_limit_next` (HubSpot 429 bodies, one per request), `secondly_limit` (fixed one-second windows on
the injected clock), `fail_next` (5xx statuses, one per request), `malformed_next`, `removed_paths`
(answer 410). The legacy v1/v2 endpoints always answer 410. `calls` logs every request.
"""

from __future__ import annotations

import base64
import fnmatch
import json
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from customer_escalation.connectors.records import Account, Dataset, Opportunity, Person

BASE_URL = "https://api.hubapi.com"
DEFAULT_TOKEN = "pat-na1-0f1b13c9-0000-4000-8000-00000000c0de"
DEFAULT_PORTAL_ID = "4412345"
SEARCH_CAP = 10_000

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

_SEARCHABLE = ("name", "domain", "website", "phone")
_DEFAULT_COMPANY_PROPERTIES = ("name", "domain", "createdate", "hs_lastmodifieddate", "hs_object_id")
_ALWAYS = ("createdate", "hs_lastmodifieddate", "hs_object_id")
_SCOPES = (
    ("/crm/v3/objects/companies", "crm.objects.companies.read"),
    ("/crm/v4/objects/companies", "crm.objects.companies.read"),
    ("/crm/v3/objects/contacts", "crm.objects.contacts.read"),
    ("/crm/v3/objects/deals", "crm.objects.deals.read"),
    ("/crm/v3/pipelines/deals", "crm.objects.deals.read"),
    ("/crm/v3/owners", "crm.objects.owners.read"),
)
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


@dataclass(frozen=True)
class Call:
    """One request the fake received."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    authorization: str | None


class _RejectedError(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _epoch_ms(day: date) -> str:
    return str(int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000))


def _number(value: float | None) -> str | None:
    if value is None:
        return None
    return str(int(value)) if float(value).is_integer() else repr(value)


def _words(text: str | None) -> list[str]:
    return re.findall(r"[0-9a-z]+", (text or "").lower())


def _sort_key(name: str) -> Callable[[dict[str, Any]], str]:
    def key(record: dict[str, Any]) -> str:
        return str(record["properties"].get(name) or "")

    return key


class HubSpotFake:
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
        self.token = token
        self.portal_id = portal_id
        self.base_url = BASE_URL
        self.clock = clock
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

        self.calls: list[Call] = []
        self.unauthorized = False
        self.missing_scopes: set[str] = set()
        self.daily_limit_reached = False
        self.rate_limit_next: list[str] = []
        self.secondly_limit: int | None = None
        self.fail_next: list[int] = []
        self.malformed_next = 0
        self.removed_paths: set[str] = set()
        self.rate_limited = 0
        """How many 429s the fake has answered."""

        self._window: tuple[int, int] = (-1, 0)
        self._next_ids = {
            "companies": 9_100_000_001,
            "contacts": 151,
            "deals": 7_300_000_001,
            "owners": 61_000_001,
        }
        self._correlation = 0
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

    def requests_to(self, path: str, method: str | None = None) -> list[Call]:
        return [c for c in self.calls if c.path == path and (method is None or c.method == method)]

    # --- request plumbing: auth, scopes, limits, injected faults -----------------------------------

    def _correlation_id(self) -> str:
        self._correlation += 1
        return str(uuid.UUID(int=self._correlation))

    def error(self, status: int, message: str, category: str, **extra: Any) -> JSONResponse:
        body = {"status": "error", "message": message, "correlationId": self._correlation_id(), **extra}
        body["category"] = category
        return JSONResponse(body, status_code=status)

    def _rate_limit(self, policy: str) -> JSONResponse:
        self.rate_limited += 1
        message = {
            "DAILY": "You have reached your daily limit.",
            "SECONDLY": "You have reached your secondly limit.",
        }
        body = {
            "status": "error",
            "message": message.get(policy, f"You have reached your {policy.lower()} limit."),
            "errorType": "RATE_LIMIT",
            "correlationId": self._correlation_id(),
            "policyName": policy,
            "groupName": f"publicapi:private-app:{policy.lower()}:{self.portal_id}",
        }
        headers = {"X-HubSpot-RateLimit-Daily": "250000", "X-HubSpot-RateLimit-Daily-Remaining": "0"}
        if policy != "DAILY":
            headers = {
                "X-HubSpot-RateLimit-Secondly": str(self.secondly_limit or 10),
                "X-HubSpot-RateLimit-Secondly-Remaining": "0",
            }
        return JSONResponse(body, status_code=429, headers=headers)

    def _scope_for(self, path: str) -> str | None:
        for prefix, scope in _SCOPES:
            if path.startswith(prefix):
                return scope
        return None

    async def _admit(self, request: Request, *, search: bool) -> None:
        path = request.url.path
        auth = request.headers.get("authorization")
        if self.unauthorized or auth != f"Bearer {self.token}":
            raise _RejectedError(
                self.error(401, "Authentication credentials not found.", "INVALID_AUTHENTICATION")
            )
        if any(path == p or path.startswith(p.rstrip("/") + "/") for p in self.removed_paths):
            raise _RejectedError(
                self.error(410, "This endpoint has been retired; use its replacement.", "GONE")
            )
        scope = self._scope_for(path)
        if scope is not None and scope in self.missing_scopes:
            raise _RejectedError(
                self.error(
                    403,
                    "This app hasn't been granted all required scopes to make this call.",
                    "MISSING_SCOPES",
                    errors=[
                        {
                            "message": "One or more of the following scopes are required.",
                            "context": {"requiredGranularScopes": [scope]},
                        }
                    ],
                )
            )
        if self.daily_limit_reached:
            raise _RejectedError(self._rate_limit("DAILY"))
        if self.rate_limit_next:
            raise _RejectedError(self._rate_limit(self.rate_limit_next.pop(0)))
        if self.secondly_limit is not None:
            second = int(self.clock())
            window, used = self._window
            used = used + 1 if window == second else 1
            self._window = (second, used)
            if used > self.secondly_limit:
                raise _RejectedError(self._rate_limit("SECONDLY" if search else "TEN_SECONDLY_ROLLING"))
        if self.fail_next:
            status = self.fail_next.pop(0)
            if status == 500:
                raise _RejectedError(self.error(500, "internal error", "INTERNAL_ERROR"))
            html = f"<html><body><h1>{status}</h1>upstream unavailable</body></html>"
            raise _RejectedError(Response(html, status_code=status, media_type="text/html"))
        if self.malformed_next:
            self.malformed_next -= 1
            raise _RejectedError(
                Response('{"results": [{"id": "9100000001", "propert', media_type="application/json")
            )

    def _wrap(
        self, handler: Callable[[Request, Any], Awaitable[Response]], *, search: bool = False
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            raw = await request.body()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode(errors="replace")
            self.calls.append(
                Call(
                    request.method,
                    request.url.path,
                    dict(request.query_params),
                    body,
                    request.headers.get("authorization"),
                )
            )
            try:
                await self._admit(request, search=search)
                response = await handler(request, body)
            except _RejectedError as rejected:
                return rejected.response
            if not search:
                response.headers["X-HubSpot-RateLimit-Daily"] = "250000"
                response.headers["X-HubSpot-RateLimit-Daily-Remaining"] = "249000"
                response.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] = "10000"
                response.headers["X-HubSpot-RateLimit-Max"] = "190"
            return response

        return endpoint

    def _bad_request(self, message: str) -> _RejectedError:
        return _RejectedError(self.error(400, message, "VALIDATION_ERROR"))

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

    def _matches_filter(self, properties: Mapping[str, str | None], spec: Any) -> bool:
        if not isinstance(spec, dict) or not isinstance(spec.get("propertyName"), str):
            raise self._bad_request("Each filter needs a propertyName and an operator.")
        actual = properties.get(spec["propertyName"])
        operator = spec.get("operator")
        value = str(spec.get("value", "")).lower()
        if operator == "EQ":
            return actual is not None and actual.lower() == value
        if operator == "NEQ":
            return actual is None or actual.lower() != value
        if operator in {"CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"}:
            words = _words(actual)
            wanted = re.findall(r"[0-9a-z*]+", value) or [""]
            found = all(any(fnmatch.fnmatchcase(word, token) for word in words) for token in wanted)
            return found if operator == "CONTAINS_TOKEN" else not found
        if operator == "HAS_PROPERTY":
            return bool(actual)
        if operator == "NOT_HAS_PROPERTY":
            return not actual
        if operator == "IN":
            values = spec.get("values")
            if not isinstance(values, list):
                raise self._bad_request("IN needs a list of values.")
            return actual is not None and actual.lower() in {str(v).lower() for v in values}
        raise self._bad_request(f"Unsupported operator: {operator!r}.")

    def _matches(self, record: dict[str, Any], groups: list[Any], query: str | None) -> bool:
        properties = record["properties"]
        if query:
            words = [w for name in _SEARCHABLE for w in _words(properties.get(name))]
            if not all(any(w.startswith(token) for w in words) for token in _words(query)):
                return False
        if not groups:
            return True
        return any(all(self._matches_filter(properties, f) for f in group["filters"]) for group in groups)

    async def _search_companies(self, request: Request, body: Any) -> Response:
        if not isinstance(body, dict):
            raise self._bad_request("Invalid input JSON: expected an object.")
        limit = body.get("limit", 10)
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 200:
            raise self._bad_request("limit must be between 1 and 200.")
        after = body.get("after", "0")
        if not isinstance(after, str) or not after.isdigit():
            raise self._bad_request("after must be a numeric string.")
        offset = int(after)
        if offset >= SEARCH_CAP:
            raise self._bad_request("Search results are capped at 10,000; narrow the search.")
        groups = body.get("filterGroups") or []
        if not isinstance(groups, list) or len(groups) > 5:
            raise self._bad_request("At most 5 filterGroups are allowed.")
        filter_count = 0
        for group in groups:
            filters = group.get("filters") if isinstance(group, dict) else None
            if not isinstance(filters, list) or len(filters) > 10:
                raise self._bad_request("Each filterGroup needs at most 10 filters.")
            filter_count += len(filters)
        if filter_count > 25:
            raise self._bad_request("At most 25 filters are allowed in total.")
        query = body.get("query")
        requested = body.get("properties")
        matches = [
            record
            for _, record in sorted(self.companies.items(), key=lambda item: int(item[0]))
            if self._matches(record, groups, query if isinstance(query, str) else None)
        ]
        for sort in reversed(body.get("sorts") or []):
            if not isinstance(sort, dict) or not isinstance(sort.get("propertyName"), str):
                raise self._bad_request("Each sort needs a propertyName.")
            matches.sort(key=_sort_key(sort["propertyName"]), reverse=sort.get("direction") == "DESCENDING")
        window = matches[offset : min(offset + limit, SEARCH_CAP)]
        answer: dict[str, Any] = {
            "total": len(matches),
            "results": [self._public(r, requested, _DEFAULT_COMPANY_PROPERTIES) for r in window],
        }
        end = offset + limit
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


__all__ = ["BASE_URL", "DEFAULT_PORTAL_ID", "DEFAULT_TOKEN", "PORTAL_PROPERTIES", "Call", "HubSpotFake"]
