"""`SalesforceCRM`: the CRM protocol over Salesforce's REST API, read through SOQL (reads only).

    GET /services/data/vXX.X/query?q=SELECT ... FROM Account ...        search_accounts, get_account
    GET /services/data/vXX.X/query?q=SELECT ... FROM Contact ...        an account's contacts
    GET /services/data/vXX.X/query?q=SELECT ... FROM Opportunity ...    list_opportunities
    GET {nextRecordsUrl}                                                 the next batch while done is false
    GET /services/data/vXX.X/query?q=SELECT Id FROM Account LIMIT 1      check

Queries are built in `soql` from escaped literals and allowlisted field names. Search pages by `OFFSET`
(Salesforce allows at most 2,000), so a cursor is an offset into the same query; within one call the
batches of a query locator are followed until the page is full.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._http import HttpApi
from ..base import MAX_PAGE_SIZE
from ..crm_values import deal_order
from ..cursor import clamp_limit, decode_offset, encode_cursor, query_fingerprint
from ..errors import NotFoundError, UpstreamError
from ..records import Account, Opportunity, Page
from .mapping import CONTACT_FIELDS, FieldMap, Mapper, to_contact
from .models import QueryResult, SObject
from .policy import SYSTEM, ApiUsage, SalesforcePolicy
from .soql import Select, in_list, is_record_id, like_contains, like_literal, literal
from .values import query_domain, single_line

MAX_OFFSET = 2_000
"""SOQL refuses an `OFFSET` above this."""
_ACCOUNT_PREFIX = "001"


class SalesforceCRM:
    """The CRM protocol over Salesforce.

    Args:
        api: an `HttpApi` with a `SalesforcePolicy`, rooted at the org's instance URL.
        api_version: the REST API version, such as ``66.0``.
        fields: which Account fields hold ARR, renewal date, tier and the other account facts.
        account_types: Account `Type` values that may be read; empty reads every account.
        max_contacts: contacts read per account; larger accounts are cut at this many.
        max_deals: opportunities read per account.
    """

    system = SYSTEM

    def __init__(
        self,
        api: HttpApi,
        *,
        api_version: str = "66.0",
        fields: FieldMap | None = None,
        account_types: Sequence[str] = (),
        max_contacts: int = 100,
        max_deals: int = 100,
    ) -> None:
        self._api = api
        self._query_path = f"/services/data/v{api_version}/query"
        self._fields = fields or FieldMap()
        self._map = Mapper(self._fields, api.base_url)
        self._types = tuple(account_types)
        self._max_contacts = max_contacts
        self._max_deals = max_deals

    @property
    def api_usage(self) -> ApiUsage | None:
        """The org's API usage as Salesforce last reported it (`Sforce-Limit-Info`)."""
        policy = self._api.policy
        return policy.usage if isinstance(policy, SalesforcePolicy) else None

    async def check(self) -> None:
        """Run one tiny query: proves the instance, the API version and the token, and that the token's
        user may read accounts.

        Raises:
            AuthError, PermissionDeniedError, UpstreamError: when the probe fails.
        """
        await self._query(Select(("Id",), "Account", limit=1), cap=1)

    async def aclose(self) -> None:
        await self._api.aclose()

    async def search_accounts(
        self, query: str, *, limit: int = 10, cursor: str | None = None
    ) -> Page[Account]:
        """Accounts whose name contains `query`, or whose website is the domain it names.

        A query that looks like a domain, a URL or an email address matches the account's Website on
        that domain; other text matches anywhere in the name (case-insensitive); an empty query lists
        the latest changed accounts. Results are compact: no contacts (get the account for those).

        Raises:
            InvalidQueryError: `limit` is below 1 or `cursor` belongs to another query.
            ConnectorError: Salesforce could not answer.
        """
        size = clamp_limit(limit, maximum=MAX_PAGE_SIZE, system=SYSTEM)
        text = single_line(query)[:200]
        fingerprint = query_fingerprint(SYSTEM, "accounts", text)
        offset = decode_offset(cursor, fingerprint, system=SYSTEM)
        if offset > MAX_OFFSET:
            return Page[Account](items=())
        where, order = _search_terms(text)
        select = Select(
            self._fields.account_fields(),
            "Account",
            where=(*where, *self._scope()),
            order_by=(*order, "Id"),
            limit=size + 1,  # one more than asked tells whether another page exists
            offset=offset,
        )
        rows = await self._query(select, cap=size + 1)
        accounts = tuple(self._map.account(row) for row in rows[:size])
        following = offset + size
        more = len(rows) > size and following <= MAX_OFFSET
        return Page[Account](
            items=accounts, next_cursor=encode_cursor(fingerprint, following) if more else None
        )

    async def get_account(self, account_id: str) -> Account:
        """One account with its contacts and owner.

        Raises:
            NotFoundError: no readable account has this id.
            ConnectorError: Salesforce could not answer.
        """
        record_id = _account_id(account_id)
        row = await self._account(record_id, self._fields.account_fields())
        contacts_query = Select(
            CONTACT_FIELDS,
            "Contact",
            where=(f"AccountId = {literal(record_id)}",),
            order_by=("CreatedDate", "Id"),
            limit=self._max_contacts,
        )
        contacts = [to_contact(c) for c in await self._query(contacts_query, cap=self._max_contacts)]
        return self._map.account(row, contacts=tuple(c for c in contacts if c is not None))

    async def list_opportunities(self, account_id: str) -> tuple[Opportunity, ...]:
        """Opportunities of an account: open ones first (soonest close first), then closed ones (latest
        close first).

        Raises:
            NotFoundError: no readable account has this id.
            ConnectorError: Salesforce could not answer.
        """
        record_id = _account_id(account_id)
        scope = (f"Account.Type IN {in_list(self._types)}",) if self._types else ()
        select = Select(
            self._fields.opportunity_fields(),
            "Opportunity",
            where=(f"AccountId = {literal(record_id)}", *scope),
            order_by=("CloseDate DESC NULLS LAST", "Id"),
            limit=self._max_deals,
        )
        rows = await self._query(select, cap=self._max_deals)
        if not rows:
            await self._account(record_id, ("Id",))  # unknown or out of scope: not found, not dealless
        return tuple(sorted((self._map.opportunity(row, record_id) for row in rows), key=deal_order))

    def _scope(self) -> tuple[str, ...]:
        return (f"Type IN {in_list(self._types)}",) if self._types else ()

    async def _account(self, record_id: str, fields: Sequence[str]) -> SObject:
        select = Select(fields, "Account", where=(f"Id = {literal(record_id)}", *self._scope()), limit=1)
        rows = await self._query(select, cap=1)
        if not rows:
            raise NotFoundError(
                f"No Salesforce account with id {record_id} that this connector may read; search "
                "accounts by name or domain to find its id",
                system=SYSTEM,
            )
        return rows[0]

    async def _query(self, select: Select, *, cap: int) -> list[SObject]:
        """The records of a SOQL query, following `nextRecordsUrl` until `cap` records or the end."""
        result = await self._api.get_model(
            self._query_path, QueryResult, params={"q": select.text()}, endpoint=f"GET {self._query_path}"
        )
        rows = list(result.records)
        seen: set[str] = set()
        while not result.done and len(rows) < cap:
            following = self._next_batch_path(result.next_records_url, seen)
            result = await self._api.get_model(
                following, QueryResult, endpoint=f"GET {self._query_path}/{{locator}}"
            )
            rows.extend(result.records)
        return rows[:cap]

    def _next_batch_path(self, url: str | None, seen: set[str]) -> str:
        # The locator is a path on the same org: anything else would send the token elsewhere.
        if (
            url is None
            or not url.startswith(f"{self._query_path}/")
            or "?" in url
            or ".." in url
            or url in seen
        ):
            raise UpstreamError(
                f"salesforce: GET {self._query_path} said more records follow but gave no usable "
                "nextRecordsUrl",
                system=SYSTEM,
            )
        seen.add(url)
        return url


def _search_terms(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The WHERE conditions and ORDER BY terms of an account search for `text`."""
    domain = query_domain(text)
    if domain is not None:
        patterns = [
            like_literal("", domain, ""),
            like_literal("", domain, "/%"),
            like_literal("%://", domain, ""),
            like_literal("%://", domain, "/%"),
            like_literal("%.", domain, ""),
            like_literal("%.", domain, "/%"),
        ]
        return (" OR ".join(f"Website LIKE {p}" for p in patterns),), ("Name",)
    if text:
        return (f"Name LIKE {like_contains(text)}",), ("Name",)
    return (), ("LastModifiedDate DESC",)


def _account_id(value: str) -> str:
    text = str(value).strip()
    if not is_record_id(text) or not text.startswith(_ACCOUNT_PREFIX):
        raise NotFoundError(
            f"No Salesforce account with id {value!r}: account ids are 15 or 18 letters and digits "
            "starting with 001; search by name or domain to find it",
            system=SYSTEM,
        )
    return text


__all__ = ["MAX_OFFSET", "SalesforceCRM"]
