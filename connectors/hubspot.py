"""HubSpot as the ~~CRM: companies, their contacts and deals, read through HubSpot's CRM REST API.

Endpoints used (all reads; this connector never writes to HubSpot):

    POST /crm/v3/objects/companies/search                      search_accounts
    GET  /crm/v3/objects/companies/{id}                          get_account
    GET  /crm/v4/objects/companies/{id}/associations/{type}      contact and deal ids of a company
    POST /crm/v3/objects/{contacts|deals}/batch/read             those records, 100 per call
    GET  /crm/v3/owners/{id}                                     the account owner's name and email
    GET  /crm/v3/pipelines/deals                                 stage labels and which stages are closed
    GET  /crm/v3/objects/companies?limit=1                       check

HubSpot sends every property value as a string or null, whatever the property's type, and the
properties that carry ARR, tier, plan, renewal date, health and the like are specific to each portal;
`PropertyMap` names them. Values that do not parse become None (or False for flags); they never fail
the call. HubSpot JSON stays inside this module: callers get `Account` and `Opportunity` records.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

import httpx2

from ._http import HttpApi, VendorPolicy, check_base_url, collect_pages
from .base import MAX_PAGE_SIZE, Category
from .cursor import clamp_limit, decode_cursor, encode_cursor, query_fingerprint
from .errors import (
    ConfigError,
    ConnectorError,
    InvalidQueryError,
    NotFoundError,
    RateLimitedError,
    UpstreamError,
)
from .records import Account, Contact, Health, Opportunity, Page, Person, Ref, Tier
from .settings import Settings, split_list
from .text import INVISIBLE

SYSTEM = "hubspot"
DEFAULT_BASE_URL = "https://api.hubapi.com"
DEFAULT_UI_DOMAIN = "app.hubspot.com"

SEARCH_RESULT_CAP = 10_000
"""HubSpot's search endpoints refuse to page past this many results."""
VENDOR_PAGE_MAX = 200
"""The largest `limit` HubSpot's search accepts."""
BATCH_READ_MAX = 100
ASSOCIATIONS_PAGE = 500

_COMPANY_SEARCH = "/crm/v3/objects/companies/search"
_CLOSED_STAGES = frozenset({"closedwon", "closedlost"})
"""Stage ids of HubSpot's default sales pipeline that end a deal."""

_Json = Any


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


PROPERTY_VARIABLES: dict[str, str] = {
    "arr": "HUBSPOT_PROPERTY_ARR",
    "tier": "HUBSPOT_PROPERTY_TIER",
    "plan": "HUBSPOT_PROPERTY_PLAN",
    "renewal_date": "HUBSPOT_PROPERTY_RENEWAL_DATE",
    "health": "HUBSPOT_PROPERTY_HEALTH",
    "reference": "HUBSPOT_PROPERTY_REFERENCE",
    "public_facing": "HUBSPOT_PROPERTY_PUBLIC_FACING",
    "owner": "HUBSPOT_PROPERTY_OWNER",
    "deal_kind": "HUBSPOT_PROPERTY_DEAL_KIND",
}
"""The environment variable that overrides each `PropertyMap` field."""

_CONTACT_PROPERTIES = ("firstname", "lastname", "email", "jobtitle")


class HubSpotPolicy(VendorPolicy):
    """Bearer auth with a private app token; the 429 body tells a burst limit from the daily quota."""

    system = SYSTEM
    credentials_hint = "HUBSPOT_ACCESS_TOKEN (a HubSpot private app access token)"

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_headers(self) -> Mapping[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    def is_rate_limited(self, response: httpx2.Response, body: _Json | None) -> bool:
        return response.status_code == 429 and _limit_policy(body) != "DAILY"

    def classify(self, response: httpx2.Response, body: _Json | None) -> ConnectorError | None:
        if response.status_code == 429 and _limit_policy(body) == "DAILY":
            return RateLimitedError(
                "hubspot: the portal's daily API call limit is used up; it resets at midnight in the "
                "portal's time zone, so CRM data is unavailable until then",
                system=SYSTEM,
            )
        return None

    def retry_after(self, response: httpx2.Response) -> float | None:
        if response.status_code == 429:
            if _limit_policy(_body_of(response)) == "DAILY":
                return None  # waiting seconds cannot help; classify() raises at once
            # HubSpot rarely sends Retry-After. A second clears the per-second limit; for the rolling
            # ten-second limit it is a short probe, repeated within the HTTP layer's wait budget.
            delay = super().retry_after(response)
            return 1.0 if delay is None else delay
        return super().retry_after(response)

    def error_detail(self, response: httpx2.Response, body: _Json | None) -> str:
        if not isinstance(body, dict) or not isinstance(body.get("message"), str):
            return super().error_detail(response, body)
        detail = " ".join(str(body["message"]).split())
        scopes = _required_scopes(body)
        if scopes:
            detail += f" (required scopes: {', '.join(scopes)})"
        extras = [str(body[k]) for k in ("category", "correlationId") if isinstance(body.get(k), str)]
        if extras:
            detail += f" [{' '.join(extras)}]"
        return detail[:400]


def _body_of(response: httpx2.Response) -> _Json | None:
    try:
        return response.json() if response.content else None
    except (ValueError, UnicodeDecodeError):
        return None


def _limit_policy(body: _Json | None) -> str | None:
    if isinstance(body, dict) and isinstance(body.get("policyName"), str):
        return str(body["policyName"]).upper()
    return None


def _required_scopes(body: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    errors = body.get("errors")
    for error in errors if isinstance(errors, list) else []:
        context = error.get("context") if isinstance(error, dict) else None
        if not isinstance(context, dict):
            continue
        for key in ("requiredGranularScopes", "requiredScopes"):
            values = context.get(key)
            if isinstance(values, list):
                found.extend(str(v) for v in values if str(v) not in found)
    return found


@dataclass(frozen=True)
class _Object:
    """One CRM record as HubSpot returns it: an id, string-or-null properties and a creation time."""

    id: str
    properties: Mapping[str, str | None]
    created_at: str | None = None


@dataclass(frozen=True)
class _Stage:
    label: str
    closed: bool


@dataclass(frozen=True)
class _Links:
    portal_id: str | None
    ui_domain: str

    def record(self, object_type_id: str, record_id: str) -> str | None:
        if self.portal_id is None:
            return None
        return f"https://{self.ui_domain}/contacts/{self.portal_id}/record/{object_type_id}/{record_id}"


class HubSpotCRM:
    """The CRM protocol over HubSpot.

    Args:
        api: an `HttpApi` with a `HubSpotPolicy`, rooted at ``https://api.hubapi.com``.
        properties: which portal properties hold ARR, tier, plan and the other account facts.
        closed_stages: deal stage ids that end a deal in this portal, besides `closedwon` and
            `closedlost` and the stages HubSpot's pipelines mark closed.
        portal_id: the HubSpot account id; with it records carry a link a person can open.
        ui_domain: host of HubSpot's web app (``app-eu1.hubspot.com`` for EU-hosted portals).
        page_size: how many companies to ask HubSpot for per search request (at most 200).
        max_contacts: contacts read per account; larger companies are cut at this many.
        max_deals: deals read per account.
    """

    system = SYSTEM

    def __init__(
        self,
        api: HttpApi,
        *,
        properties: PropertyMap | None = None,
        closed_stages: Iterable[str] = (),
        portal_id: str | None = None,
        ui_domain: str = DEFAULT_UI_DOMAIN,
        page_size: int = MAX_PAGE_SIZE,
        max_contacts: int = 100,
        max_deals: int = 100,
    ) -> None:
        if not 1 <= page_size <= VENDOR_PAGE_MAX:
            raise ValueError(f"page_size must be between 1 and {VENDOR_PAGE_MAX}")
        self._api = api
        self._props = properties or PropertyMap()
        self._closed_stages = _CLOSED_STAGES | {s.strip() for s in closed_stages if s.strip()}
        self._links = _Links(portal_id, ui_domain)
        self._page_size = page_size
        self._max_contacts = max_contacts
        self._max_deals = max_deals
        self._owners: dict[str, Person | None] = {}
        self._stages: dict[str, _Stage] | None = None

    async def check(self) -> None:
        """Read one company: proves the token is valid and may read companies.

        Raises:
            AuthError, PermissionDeniedError, UpstreamError: when the probe fails.
        """
        endpoint = "GET /crm/v3/objects/companies"
        data = await self._api.get(
            "/crm/v3/objects/companies", params={"limit": 1, "properties": "name"}, endpoint=endpoint
        )
        _list_of(_dict(data, endpoint), "results", endpoint)

    async def aclose(self) -> None:
        await self._api.aclose()

    async def search_accounts(
        self, query: str, *, limit: int = 10, cursor: str | None = None
    ) -> Page[Account]:
        """Companies whose name, domain, website or phone matches `query`.

        A query that looks like a domain, a URL or an email address matches the company's primary
        domain exactly; other text goes to HubSpot's full-text search. Results are compact: no
        contacts and no owner (get the account for those).

        Raises:
            InvalidQueryError: `limit` is below 1 or `cursor` belongs to another query.
            ConnectorError: HubSpot could not answer.
        """
        size = clamp_limit(limit, maximum=MAX_PAGE_SIZE, system=SYSTEM)
        text = _single_line(query)[:200]
        fingerprint = query_fingerprint(SYSTEM, "companies", text)
        start = _decode_after(cursor, fingerprint)
        body = self._search_body(text)
        endpoint = f"POST {_COMPANY_SEARCH}"
        got = 0
        total: int | None = None

        async def fetch(after: str | None) -> tuple[list[_Object], str | None]:
            nonlocal got, total
            want = min(self._page_size, size - got, _room_below_cap(after))
            if want <= 0:
                return [], None
            request = {**body, "limit": want, **({"after": after} if after is not None else {})}
            data = _dict(
                await self._api.request(
                    "POST", _COMPANY_SEARCH, json_body=request, endpoint=endpoint, idempotent=True
                ),
                endpoint,
            )
            results = [_object(item, endpoint) for item in _list_of(data, "results", endpoint)]
            total = _int_or_none(data.get("total"))
            got += len(results)
            after_next = _next_after(data, endpoint) if results else None
            if _room_below_cap(after_next) == 0:
                after_next = None  # HubSpot answers 400 for anything past its 10,000th result
            return results, after_next

        found, next_after = await collect_pages(
            fetch, max_items=size, first=start, max_pages=-(-size // self._page_size) + 1
        )
        accounts = tuple(self._to_account(obj) for obj in found)
        next_cursor = encode_cursor(fingerprint, next_after) if next_after is not None else None
        return Page[Account](items=accounts, next_cursor=next_cursor, total=total)

    async def get_account(self, account_id: str) -> Account:
        """One company with its contacts and owner.

        Raises:
            NotFoundError: no company has this id.
            ConnectorError: HubSpot could not answer.
        """
        company_id = _record_id(account_id, "company")
        endpoint = "GET /crm/v3/objects/companies/{id}"
        try:
            data = await self._api.get(
                f"/crm/v3/objects/companies/{company_id}",
                params={"properties": ",".join(self._company_properties()), "archived": "false"},
                endpoint=endpoint,
            )
        except NotFoundError as exc:
            raise _no_company(company_id) from exc
        company = _object(data, endpoint)
        contact_ids = await self._associated_ids(company_id, "contacts", self._max_contacts)
        contacts = [
            _to_contact(c) for c in await self._batch_read("contacts", contact_ids, _CONTACT_PROPERTIES)
        ]
        owner = await self._owner(company.properties.get(self._props.owner))
        return self._to_account(company, contacts=tuple(c for c in contacts if c is not None), owner=owner)

    async def list_opportunities(self, account_id: str) -> tuple[Opportunity, ...]:
        """Deals associated with a company: open ones first (soonest close first), then closed ones
        (latest close first).

        Raises:
            NotFoundError: no company has this id.
            ConnectorError: HubSpot could not answer.
        """
        company_id = _record_id(account_id, "company")
        deal_ids = await self._associated_ids(company_id, "deals", self._max_deals)
        if not deal_ids:
            await self._require_company(company_id)
            return ()
        deals = await self._batch_read("deals", deal_ids, self._deal_properties())
        stages = await self._deal_stages()
        opportunities = [self._to_opportunity(deal, company_id, stages) for deal in deals]
        return tuple(sorted(opportunities, key=_deal_order))

    def _search_body(self, text: str) -> dict[str, Any]:
        body: dict[str, Any] = {"properties": list(self._company_properties())}
        domain = _as_domain(text)
        if domain is not None:
            body["filterGroups"] = [
                {"filters": [{"propertyName": "domain", "operator": "EQ", "value": domain}]}
            ]
        elif text:
            body["query"] = text
        else:
            body["sorts"] = [{"propertyName": "hs_lastmodifieddate", "direction": "DESCENDING"}]
        return body

    def _company_properties(self) -> tuple[str, ...]:
        p = self._props
        mapped = (p.arr, p.tier, p.plan, p.renewal_date, p.health, p.reference, p.public_facing, p.owner)
        base = ("name", "domain", "hs_additional_domains", "industry", "createdate")
        return tuple(dict.fromkeys(base + mapped))

    def _deal_properties(self) -> tuple[str, ...]:
        base = ("dealname", "amount", "dealstage", "pipeline", "closedate", "hs_is_closed")
        return tuple(dict.fromkeys((*base, self._props.deal_kind)))

    async def _require_company(self, company_id: str) -> None:
        try:
            await self._api.get(
                f"/crm/v3/objects/companies/{company_id}",
                params={"properties": "name"},
                endpoint="GET /crm/v3/objects/companies/{id}",
            )
        except NotFoundError as exc:
            raise _no_company(company_id) from exc

    async def _associated_ids(self, company_id: str, to_type: str, cap: int) -> list[str]:
        path = f"/crm/v4/objects/companies/{company_id}/associations/{to_type}"
        endpoint = f"GET /crm/v4/objects/companies/{{id}}/associations/{to_type}"

        async def fetch(after: str | None) -> tuple[list[str], str | None]:
            data = _dict(
                await self._api.get(
                    path, params={"limit": min(cap, ASSOCIATIONS_PAGE), "after": after}, endpoint=endpoint
                ),
                endpoint,
            )
            ids = [_association_target(item, endpoint) for item in _list_of(data, "results", endpoint)]
            return ids, _next_after(data, endpoint)

        ids, _ = await collect_pages(fetch, max_items=cap, max_pages=-(-cap // ASSOCIATIONS_PAGE) + 1)
        return list(dict.fromkeys(ids))

    async def _batch_read(
        self, object_type: str, ids: Sequence[str], properties: Sequence[str]
    ) -> list[_Object]:
        path = f"/crm/v3/objects/{object_type}/batch/read"
        endpoint = f"POST {path}"
        found: dict[str, _Object] = {}
        for start in range(0, len(ids), BATCH_READ_MAX):
            chunk = ids[start : start + BATCH_READ_MAX]
            body = {"properties": list(properties), "inputs": [{"id": i} for i in chunk]}
            data = _dict(
                await self._api.request("POST", path, json_body=body, endpoint=endpoint, idempotent=True),
                endpoint,
            )
            # HubSpot answers 207 with an `errors` list when some ids no longer exist; those are skipped.
            for item in _list_of(data, "results", endpoint):
                obj = _object(item, endpoint)
                found[obj.id] = obj
        return [found[i] for i in ids if i in found]

    async def _owner(self, owner_id: str | None) -> Person | None:
        owner_id = (owner_id or "").strip()
        if not _digits(owner_id):
            return None
        if owner_id not in self._owners:
            endpoint = "GET /crm/v3/owners/{id}"
            try:
                data = await self._api.get(
                    f"/crm/v3/owners/{owner_id}", params={"idProperty": "id"}, endpoint=endpoint
                )
            except NotFoundError:
                self._owners[owner_id] = None  # a deactivated user: the account has no owner we can name
            else:
                self._owners[owner_id] = _to_owner(_dict(data, endpoint))
        return self._owners[owner_id]

    async def _deal_stages(self) -> dict[str, _Stage]:
        if self._stages is None:
            endpoint = "GET /crm/v3/pipelines/deals"
            data = _dict(await self._api.get("/crm/v3/pipelines/deals", endpoint=endpoint), endpoint)
            self._stages = _stages_of(data, endpoint)
        return self._stages

    def _to_account(
        self, company: _Object, *, contacts: tuple[Contact, ...] = (), owner: Person | None = None
    ) -> Account:
        p, props = self._props, company.properties
        domains = _domains(props.get("domain"), props.get("hs_additional_domains"))
        name = _single_line(props.get("name")) or (domains[0] if domains else f"HubSpot company {company.id}")
        arr = _parse_number(props.get(p.arr))
        return Account(
            ref=Ref(system=SYSTEM, id=company.id, url=self._links.record("0-2", company.id)),
            id=company.id,
            name=name,
            domains=domains,
            tier=_tier(props.get(p.tier)),
            plan=_single_line(props.get(p.plan)) or None,
            arr=arr if arr is not None and arr >= 0 else None,
            renewal_date=_parse_date(props.get(p.renewal_date)),
            owner=owner,
            contacts=contacts,
            health=_health(props.get(p.health)),
            reference_customer=_parse_bool(props.get(p.reference)) is True,
            public_facing=_parse_bool(props.get(p.public_facing)) is True,
            industry=_industry(props.get("industry")),
            created_at=_parse_timestamp(company.created_at) or _parse_timestamp(props.get("createdate")),
        )

    def _to_opportunity(self, deal: _Object, company_id: str, stages: Mapping[str, _Stage]) -> Opportunity:
        props = deal.properties
        name = _single_line(props.get("dealname")) or f"HubSpot deal {deal.id}"
        stage_id = _single_line(props.get("dealstage"))
        stage = stages.get(stage_id)
        closed = (
            stage_id in self._closed_stages
            or (stage is not None and stage.closed)
            or _parse_bool(props.get("hs_is_closed")) is True
        )
        return Opportunity(
            ref=Ref(system=SYSTEM, id=deal.id, url=self._links.record("0-3", deal.id)),
            id=deal.id,
            account_id=company_id,
            name=name,
            stage=(stage.label if stage is not None else stage_id) or "unknown",
            amount=_parse_number(props.get("amount")),
            close_date=_parse_date(props.get("closedate")),
            is_open=not closed,
            kind=_deal_kind(props.get(self._props.deal_kind), name),
        )


def from_settings(
    settings: Settings, category: Category, *, client: httpx2.AsyncClient | None = None
) -> HubSpotCRM:
    """The HubSpot connector for the ``crm`` category, configured from ``HUBSPOT_*`` variables.

    Raises:
        ConfigError: the category is not ``crm``, ``HUBSPOT_ACCESS_TOKEN`` is missing, or a variable
            holds an invalid value (the message names it).
    """
    if category != "crm":
        raise ConfigError(f"hubspot can serve only the crm category, not {category!r}")
    token = settings.require(
        "HUBSPOT_ACCESS_TOKEN", purpose="the HubSpot CRM connector (a private app access token)"
    )
    token = token.strip()
    if not token or any(ch.isspace() for ch in token):
        raise ConfigError("HUBSPOT_ACCESS_TOKEN must be a single token without spaces or line breaks")
    base_url = check_base_url(
        settings.value("HUBSPOT_BASE_URL") or DEFAULT_BASE_URL, variable="HUBSPOT_BASE_URL"
    )

    overrides: dict[str, str] = {}
    for name, variable in PROPERTY_VARIABLES.items():
        value = settings.value(variable)
        if value is not None:
            overrides[name] = _property_name(variable, value)
    portal_id = settings.value("HUBSPOT_PORTAL_ID")
    if portal_id is not None and not _digits(portal_id.strip()):
        raise ConfigError(f"HUBSPOT_PORTAL_ID must be the numeric HubSpot account id, not {portal_id!r}")
    ui_domain = (settings.value("HUBSPOT_UI_DOMAIN") or DEFAULT_UI_DOMAIN).strip().lower()
    if not _HOSTNAME.fullmatch(ui_domain):
        raise ConfigError(
            f"HUBSPOT_UI_DOMAIN must be a host name such as {DEFAULT_UI_DOMAIN}, not {ui_domain!r}"
        )

    closed_stages = split_list(settings.value("HUBSPOT_CLOSED_STAGES"))
    api = HttpApi(HubSpotPolicy(token), base_url=base_url, client=client)
    return HubSpotCRM(
        api,
        properties=PropertyMap(**overrides),
        closed_stages=closed_stages,
        portal_id=portal_id.strip() if portal_id else None,
        ui_domain=ui_domain,
    )


_PROPERTY_NAME = re.compile(r"[A-Za-z0-9_]{1,100}")
_HOSTNAME = re.compile(
    r"(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+"
)


def _property_name(variable: str, value: str) -> str:
    name = value.strip()
    if not _PROPERTY_NAME.fullmatch(name):
        raise ConfigError(
            f"{variable} must be a HubSpot property's internal name "
            f"(letters, digits and underscores), not {value!r}"
        )
    return name


# --- reading HubSpot JSON defensively: a surprise is an UpstreamError naming the endpoint ---------


def _unexpected(endpoint: str, what: str) -> UpstreamError:
    return UpstreamError(f"hubspot: {endpoint} returned an unexpected body ({what})", system=SYSTEM)


def _dict(value: _Json, endpoint: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _unexpected(endpoint, f"expected an object, got {type(value).__name__}")
    return value


def _list_of(data: Mapping[str, Any], key: str, endpoint: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise _unexpected(endpoint, f"`{key}` is not a list")
    return value


def _object(item: _Json, endpoint: str) -> _Object:
    data = _dict(item, endpoint)
    raw_id = data.get("id")
    record_id = str(raw_id).strip() if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else ""
    if not _digits(record_id):
        raise _unexpected(endpoint, "a record without a numeric id")
    raw = data.get("properties") or {}
    if not isinstance(raw, dict):
        raise _unexpected(endpoint, "`properties` is not an object")
    properties = {str(k): _property_text(v) for k, v in raw.items()}
    created = data.get("createdAt")
    return _Object(record_id, properties, created if isinstance(created, str) else None)


def _property_text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return None


def _next_after(data: Mapping[str, Any], endpoint: str) -> str | None:
    paging = data.get("paging")
    if paging is None:
        return None
    nxt = paging.get("next") if isinstance(paging, dict) else None
    after = nxt.get("after") if isinstance(nxt, dict) else None
    if nxt is not None and not isinstance(after, str | int):
        raise _unexpected(endpoint, "`paging.next.after` is missing")
    if after is None or str(after) == "":
        return None
    return str(after)


def _room_below_cap(after: str | None) -> int:
    """How many more results HubSpot will page to from `after` (search offsets are numeric)."""
    if after is None or not _digits(after):
        return VENDOR_PAGE_MAX
    return max(0, SEARCH_RESULT_CAP - int(after))


def _decode_after(cursor: str | None, fingerprint: str) -> str | None:
    if cursor is None or cursor == "":
        return None
    position = decode_cursor(cursor, fingerprint, system=SYSTEM)
    if not isinstance(position, str) or not position or len(position) > 200:
        raise InvalidQueryError("cursor is not valid; omit it to start over", system=SYSTEM)
    return position


def _association_target(item: _Json, endpoint: str) -> str:
    data = _dict(item, endpoint)
    target = data.get("toObjectId")
    text = str(target) if isinstance(target, str | int) and not isinstance(target, bool) else ""
    if not _digits(text):
        raise _unexpected(endpoint, "an association without a numeric toObjectId")
    return text


def _stages_of(data: Mapping[str, Any], endpoint: str) -> dict[str, _Stage]:
    stages: dict[str, _Stage] = {}
    for pipeline in _list_of(data, "results", endpoint):
        for item in _list_of(_dict(pipeline, endpoint), "stages", endpoint):
            stage = _dict(item, endpoint)
            stage_id = stage.get("id")
            if not isinstance(stage_id, str):
                continue
            metadata = stage.get("metadata")
            closed = (
                isinstance(metadata, dict) and _parse_bool(_property_text(metadata.get("isClosed"))) is True
            )
            label = _single_line(_property_text(stage.get("label")))
            stages[stage_id] = _Stage(label or stage_id, closed)
    return stages


def _digits(text: str) -> bool:
    """True for a non-empty string of ASCII digits: HubSpot ids, offsets and portal ids."""
    return text.isascii() and text.isdigit()


def _record_id(value: str, kind: str) -> str:
    text = str(value).strip()
    if not _digits(text) or len(text) > 30:
        raise NotFoundError(
            f"No HubSpot {kind} with id {value!r}: HubSpot ids are numbers; "
            "search by name or domain to find it",
            system=SYSTEM,
        )
    return text


def _no_company(company_id: str) -> NotFoundError:
    return NotFoundError(
        f"No HubSpot company with id {company_id}; search accounts by name or domain to find its id",
        system=SYSTEM,
    )


def _int_or_none(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _digits(value.strip()):
        return int(value)
    return None


# --- mapping HubSpot's string properties into typed values ----------------------------------------


def _clean_text(value: str | None) -> str:
    """Text with zero-width and bidi control characters and other control codes removed."""
    if not value:
        return ""
    text = INVISIBLE.sub("", value)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def _single_line(value: str | None) -> str:
    return " ".join(_clean_text(value).split())


def _compact(value: str | None) -> str:
    """Lower case with spaces, hyphens and underscores removed, for matching enumeration values."""
    return re.sub(r"[\s_-]+", "", _single_line(value).lower())


_EPOCH_DIGITS = re.compile(r"-?[0-9]{9,}")


def _parse_timestamp(value: str | None) -> datetime | None:
    """An aware UTC datetime from ISO 8601 (date or date-time, any offset) or epoch milliseconds."""
    text = _single_line(value)
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


def _parse_date(value: str | None) -> date | None:
    moment = _parse_timestamp(value)
    return moment.date() if moment is not None else None


_GROUPED_THOUSANDS = re.compile(r"-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")
_CURRENCY = re.compile(r"^(?:[A-Z]{3}\s*)?[$€£¥]?|(?:\s*[A-Z]{3})$")
"""An ISO currency code or a currency sign around an amount: `USD 1200`, `$1,200`, `1200 EUR`."""
_DECIMAL = re.compile(r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")


def _parse_number(value: str | None) -> float | None:
    text = _CURRENCY.sub("", _single_line(value)).strip()
    if _GROUPED_THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    if not _DECIMAL.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def _parse_bool(value: str | None) -> bool | None:
    text = _compact(value)
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


def _tier(value: str | None) -> Tier | None:
    return _TIERS.get(_compact(value))


def _health(value: str | None) -> Health | None:
    return _HEALTH.get(_compact(value))


def _industry(value: str | None) -> str | None:
    text = _single_line(value)
    if not text:
        return None
    if re.fullmatch(r"[A-Z0-9_]+", text):  # HubSpot's enumeration value, e.g. COMPUTER_SOFTWARE
        return text.replace("_", " ").capitalize()
    return text


_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})")


def _normalise_domain(value: str) -> str | None:
    text = _single_line(value).lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text).split("/", 1)[0].split("?", 1)[0]
    text = text.rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    text = text.removeprefix("www.")
    return text if _DOMAIN.fullmatch(text) else None


def _domains(primary: str | None, additional: str | None) -> tuple[str, ...]:
    candidates = [primary or "", *re.split(r"[;,\s]+", additional or "")]
    found = [d for d in (_normalise_domain(c) for c in candidates if c.strip()) if d is not None]
    return tuple(dict.fromkeys(found))


def _as_domain(text: str) -> str | None:
    """The domain a query names, when it is a bare domain, a URL or an email address."""
    if not text or " " in text or "." not in text:
        return None
    return _normalise_domain(text)


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


def _deal_kind(value: str | None, name: str) -> Literal["new", "renewal", "expansion", "other"]:
    """The deal's kind from its type property.

    HubSpot's stock `dealtype` offers only `newbusiness` and `existingbusiness`; the latter covers
    both renewals and upsells, so for it the deal name decides (a name saying renewal or upsell),
    else `other`.
    """
    text = _compact(value)
    if text in _KINDS:
        return _KINDS[text]
    if text == "existingbusiness":
        lowered = name.lower()
        if "renew" in lowered:
            return "renewal"
        if re.search(r"upsell|expansion|add-?on|upgrade|cross-?sell", lowered):
            return "expansion"
    return "other"


def _deal_order(deal: Opportunity) -> tuple[int, int, int, str]:
    if deal.close_date is None:
        return (0 if deal.is_open else 1, 1, 0, deal.name)
    ordinal = deal.close_date.toordinal()
    return (0 if deal.is_open else 1, 0, ordinal if deal.is_open else -ordinal, deal.name)


_EXECUTIVE = re.compile(
    r"\b(chief|c[cetfoimrspdax]o|ciso|vp|svp|evp|vice[\s-]+president|head\s+of|president|"
    r"co-?founder|founder|managing\s+director|general\s+manager)\b",
    re.IGNORECASE,
)


def _is_executive(title: str) -> bool:
    """C-level, VPs, heads of a function, presidents and founders; assistants to them are not."""
    if re.search(r"\bassistant\b", title, re.IGNORECASE):
        return False
    return bool(_EXECUTIVE.search(title))


def _to_contact(contact: _Object) -> Contact | None:
    props = contact.properties
    name = " ".join(
        p for p in (_single_line(props.get("firstname")), _single_line(props.get("lastname"))) if p
    )
    email = _single_line(props.get("email")).lower() or None
    title = _single_line(props.get("jobtitle")) or None
    if not name and email is None:
        return None
    return Contact(
        name=name or str(email),
        email=email,
        title=title,
        is_executive=_is_executive(title or ""),
    )


def _to_owner(data: Mapping[str, Any]) -> Person | None:
    first = _single_line(_property_text(data.get("firstName")))
    last = _single_line(_property_text(data.get("lastName")))
    email = _single_line(_property_text(data.get("email"))).lower() or None
    name = " ".join(p for p in (first, last) if p) or None
    if name is None and email is None:
        return None
    return Person(name=name, email=email, role="internal")


__all__ = [
    "DEFAULT_BASE_URL",
    "PROPERTY_VARIABLES",
    "HubSpotCRM",
    "HubSpotPolicy",
    "PropertyMap",
    "from_settings",
]
