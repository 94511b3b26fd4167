"""`HubSpotCRM`: the CRM protocol over HubSpot's CRM REST API (reads only).

    POST /crm/v3/objects/companies/search                      search_accounts
    GET  /crm/v3/objects/companies/{id}                          get_account
    GET  /crm/v4/objects/companies/{id}/associations/{type}      contact and deal ids of a company
    POST /crm/v3/objects/{contacts|deals}/batch/read             those records, 100 per call
    GET  /crm/v3/owners/{id}                                     the account owner's name and email
    GET  /crm/v3/pipelines/deals                                 stage labels and which stages are closed
    GET  /crm/v3/objects/companies?limit=1                       check

Every body is validated against its model in `models` as it arrives; the mapping to records is in
`mapping`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .._http import HttpApi
from ..base import MAX_PAGE_SIZE
from ..crm_values import deal_order, is_digits, query_domain
from ..cursor import clamp_limit, decode_token, encode_cursor, query_fingerprint
from ..errors import NotFoundError
from ..records import Account, Opportunity, Page, Person
from ..text import single_line
from ..vendor import collect_pages
from .mapping import (
    CONTACT_PROPERTIES,
    DEFAULT_UI_DOMAIN,
    Links,
    Mapper,
    PropertyMap,
    Stage,
    closed_stage_ids,
    to_contact,
    to_owner,
    to_stages,
)
from .models import AssociationPage, BatchRead, CrmObject, ObjectPage, Owner, Pipelines
from .policy import SYSTEM

SEARCH_RESULT_CAP = 10_000
"""HubSpot's search endpoints refuse to page past this many results."""
VENDOR_PAGE_MAX = 200
"""The largest `limit` HubSpot's search accepts."""
BATCH_READ_MAX = 100
ASSOCIATIONS_PAGE = 500

_COMPANIES = "/crm/v3/objects/companies"
_COMPANY_SEARCH = f"{_COMPANIES}/search"
_COMPANY_ENDPOINT = "GET /crm/v3/objects/companies/{id}"


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
        self._map = Mapper(self._props, Links(portal_id, ui_domain), closed_stage_ids(closed_stages))
        self._page_size = page_size
        self._max_contacts = max_contacts
        self._max_deals = max_deals
        self._owners: dict[str, Person | None] = {}
        self._stages: dict[str, Stage] | None = None

    async def check(self) -> None:
        """Read one company: proves the token is valid and may read companies.

        Raises:
            AuthError, PermissionDeniedError, UpstreamError: when the probe fails.
        """
        await self._api.get_model(
            _COMPANIES, ObjectPage, params={"limit": 1, "properties": "name"}, endpoint=f"GET {_COMPANIES}"
        )

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
        text = single_line(query)[:200]
        fingerprint = query_fingerprint(SYSTEM, "companies", text)
        body = self._search_body(text)
        got = 0
        total: int | None = None

        async def fetch(after: str | None) -> tuple[list[CrmObject], str | None]:
            nonlocal got, total
            want = min(self._page_size, size - got, _room_below_cap(after))
            if want <= 0:
                return [], None
            page = await self._search_page({**body, "limit": want}, after)
            total = page.total
            got += len(page.results)
            after_next = page.next_after() if page.results else None
            if _room_below_cap(after_next) == 0:
                after_next = None  # HubSpot answers 400 for anything past its 10,000th result
            return list(page.results), after_next

        found, next_after = await collect_pages(
            fetch,
            max_items=size,
            first=decode_token(cursor, fingerprint, system=SYSTEM, max_chars=200),
            max_pages=-(-size // self._page_size) + 1,
        )
        accounts = tuple(self._map.account(company) for company in found)
        next_cursor = encode_cursor(fingerprint, next_after) if next_after is not None else None
        return Page[Account](items=accounts, next_cursor=next_cursor, total=total)

    async def get_account(self, account_id: str) -> Account:
        """One company with its contacts and owner.

        Raises:
            NotFoundError: no company has this id.
            ConnectorError: HubSpot could not answer.
        """
        company_id = _record_id(account_id, "company")
        properties = ",".join(self._props.company_properties())
        company = await self._company(company_id, {"properties": properties, "archived": "false"})
        contact_ids = await self._associated_ids(company_id, "contacts", self._max_contacts)
        contacts = [
            to_contact(c) for c in await self._batch_read("contacts", contact_ids, CONTACT_PROPERTIES)
        ]
        owner = await self._owner(company.properties.get(self._props.owner))
        return self._map.account(company, contacts=tuple(c for c in contacts if c is not None), owner=owner)

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
            await self._company(company_id, {"properties": "name"})  # unknown: not found, not dealless
            return ()
        deals = await self._batch_read("deals", deal_ids, self._props.deal_properties())
        stages = await self._deal_stages()
        opportunities = [self._map.opportunity(deal, company_id, stages) for deal in deals]
        return tuple(sorted(opportunities, key=deal_order))

    def _search_body(self, text: str) -> dict[str, Any]:
        body: dict[str, Any] = {"properties": list(self._props.company_properties())}
        domain = query_domain(text)
        if domain is not None:
            body["filterGroups"] = [
                {"filters": [{"propertyName": "domain", "operator": "EQ", "value": domain}]}
            ]
        elif text:
            body["query"] = text
        else:
            body["sorts"] = [{"propertyName": "hs_lastmodifieddate", "direction": "DESCENDING"}]
        return body

    async def _search_page(self, body: dict[str, Any], after: str | None) -> ObjectPage:
        request = {**body, **({"after": after} if after is not None else {})}
        return await self._api.request_model(
            "POST",
            _COMPANY_SEARCH,
            ObjectPage,
            json_body=request,
            endpoint=f"POST {_COMPANY_SEARCH}",
            idempotent=True,
        )

    async def _company(self, company_id: str, params: dict[str, str]) -> CrmObject:
        try:
            return await self._api.get_model(
                f"{_COMPANIES}/{company_id}", CrmObject, params=params, endpoint=_COMPANY_ENDPOINT
            )
        except NotFoundError as exc:
            raise _no_company(company_id) from exc

    async def _associated_ids(self, company_id: str, to_type: str, cap: int) -> list[str]:
        path = f"/crm/v4/objects/companies/{company_id}/associations/{to_type}"
        endpoint = f"GET /crm/v4/objects/companies/{{id}}/associations/{to_type}"

        async def fetch(after: str | None) -> tuple[list[str], str | None]:
            params = {"limit": min(cap, ASSOCIATIONS_PAGE), "after": after}
            page = await self._api.get_model(path, AssociationPage, params=params, endpoint=endpoint)
            return [link.to_object_id for link in page.results], page.next_after()

        ids, _ = await collect_pages(fetch, max_items=cap, max_pages=-(-cap // ASSOCIATIONS_PAGE) + 1)
        return list(dict.fromkeys(ids))

    async def _batch_read(
        self, object_type: str, ids: Sequence[str], properties: Sequence[str]
    ) -> list[CrmObject]:
        path = f"/crm/v3/objects/{object_type}/batch/read"
        found: dict[str, CrmObject] = {}
        for start in range(0, len(ids), BATCH_READ_MAX):
            chunk = ids[start : start + BATCH_READ_MAX]
            body = {"properties": list(properties), "inputs": [{"id": i} for i in chunk]}
            batch = await self._api.request_model(
                "POST", path, BatchRead, json_body=body, endpoint=f"POST {path}", idempotent=True
            )
            # HubSpot answers 207 with an `errors` list when some ids no longer exist; those are skipped.
            found.update((record.id, record) for record in batch.results)
        return [found[i] for i in ids if i in found]

    async def _owner(self, owner_id: str | None) -> Person | None:
        owner_id = (owner_id or "").strip()
        if not is_digits(owner_id):
            return None
        if owner_id not in self._owners:
            try:
                owner = await self._api.get_model(
                    f"/crm/v3/owners/{owner_id}",
                    Owner,
                    params={"idProperty": "id"},
                    endpoint="GET /crm/v3/owners/{id}",
                )
            except NotFoundError:
                self._owners[owner_id] = None  # a deactivated user: the account has no owner we can name
            else:
                self._owners[owner_id] = to_owner(owner)
        return self._owners[owner_id]

    async def _deal_stages(self) -> dict[str, Stage]:
        if self._stages is None:
            path = "/crm/v3/pipelines/deals"
            self._stages = to_stages(await self._api.get_model(path, Pipelines, endpoint=f"GET {path}"))
        return self._stages


def _room_below_cap(after: str | None) -> int:
    """How many more results HubSpot will page to from `after` (search offsets are numeric)."""
    if after is None or not is_digits(after):
        return VENDOR_PAGE_MAX
    return max(0, SEARCH_RESULT_CAP - int(after))


def _record_id(value: str, kind: str) -> str:
    text = str(value).strip()
    if not is_digits(text) or len(text) > 30:
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


__all__ = ["ASSOCIATIONS_PAGE", "BATCH_READ_MAX", "SEARCH_RESULT_CAP", "VENDOR_PAGE_MAX", "HubSpotCRM"]
