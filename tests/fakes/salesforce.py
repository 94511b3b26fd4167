"""A fake of Salesforce's REST query API, seeded from a `Dataset`.

It serves what the Salesforce connector reads, at Salesforce's paths and in Salesforce's JSON: SOQL
through `GET /services/data/vXX.X/query?q=...`, records with `attributes` and their selected fields
under API names (relationship fields such as `Owner` nested, or null), 18-character ids with their
checksum suffix, currency as JSON numbers, dates as `YYYY-MM-DD` and date-times as
`2026-03-04T09:30:00.000+0000`. Results larger than `batch_size` come in batches: `done: false` and a
`nextRecordsUrl` to GET for the next one. Errors are Salesforce's JSON arrays: 400 `MALFORMED_QUERY`,
`INVALID_FIELD` and `NUMBER_OUTSIDE_VALID_RANGE`, 401 `INVALID_SESSION_ID`, 403
`REQUEST_LIMIT_EXCEEDED`, 404 `NOT_FOUND` for an API version the org does not serve.

The org keeps its account facts in custom fields (`ORG_FIELDS`; `field_names` overrides them).
Fault knobs are described in `_salesforce_gateway`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from customer_escalation.connectors.records import Account, Dataset, Opportunity, Person

from ._salesforce_gateway import SalesforceGateway, errors
from ._salesforce_soql import Query, check_fields, parse, run

BASE_URL = "https://northwind-dev.my.salesforce.com"
DEFAULT_TOKEN = "00DHs0000001ABC!AQ4AQFakeSessionTokenForTests.0123456789"
DEFAULT_ALLOWANCE = 100_000
DEFAULT_VERSION = "66.0"

ORG_FIELDS: dict[str, str] = {
    "arr": "ARR__c",
    "renewal_date": "Renewal_Date__c",
    "tier": "Support_Tier__c",
    "plan": "Plan__c",
    "health": "Health__c",
    "reference": "Reference_Customer__c",
    "public_facing": "Public_Facing__c",
}
"""Where this fake org keeps account facts Salesforce has no standard field for."""

STANDARD_FIELDS: dict[str, tuple[str, ...]] = {
    "Account": ("Id", "Name", "Website", "Industry", "Type", "AnnualRevenue", "Rating", "OwnerId",
                "CreatedDate", "LastModifiedDate"),
    "Contact": ("Id", "AccountId", "FirstName", "LastName", "Name", "Email", "Title", "CreatedDate"),
    "Opportunity": ("Id", "AccountId", "Name", "StageName", "Amount", "CloseDate", "IsClosed", "IsWon",
                    "Type", "Probability", "CreatedDate", "LastModifiedDate"),
    "User": ("Id", "Name", "Email"),
}  # fmt: skip
RELATIONSHIPS: dict[tuple[str, str], tuple[str, str]] = {
    ("Account", "Owner"): ("OwnerId", "User"),
    ("Contact", "Account"): ("AccountId", "Account"),
    ("Opportunity", "Account"): ("AccountId", "Account"),
}
"""(object, relationship name) -> (the id field that holds it, the related object)."""

_PREFIXES = {"Account": "001", "Contact": "003", "Opportunity": "006", "User": "005"}
_STAGES = {"negotiation": "Negotiation/Review", "closed won": "Closed Won", "closed lost": "Closed Lost"}
_KINDS = {"new": "New Customer", "renewal": "Renewal", "expansion": "Existing Customer - Upgrade"}
_EPOCH = datetime(2024, 3, 4, 9, 30, tzinfo=UTC)
_CHECKSUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def salesforce_id(prefix: str, number: int) -> str:
    """An 18-character record id: 15 characters and the case-checksum suffix Salesforce appends."""
    short = f"{prefix}Hs0000{number:06d}"
    suffix = ""
    for start in range(0, 15, 5):
        bits = sum(1 << i for i, ch in enumerate(short[start : start + 5]) if ch.isupper())
        suffix += _CHECKSUM[bits]
    return short + suffix


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


class SalesforceFake(SalesforceGateway):
    """Salesforce's REST query API over `dataset`. Drive `app` through `httpx2.ASGITransport`.

    Args:
        dataset: the accounts (with contacts and owners) and opportunities to serve.
        token: the access token requests must carry as ``Bearer``.
        batch_size: records per query batch before `nextRecordsUrl` (Salesforce's default is 2,000).
        field_names: overrides of `ORG_FIELDS`, to serve a differently configured org.
    """

    def __init__(
        self,
        dataset: Dataset,
        *,
        token: str = DEFAULT_TOKEN,
        batch_size: int = 2000,
        daily_allowance: int = DEFAULT_ALLOWANCE,
        field_names: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(token=token, daily_allowance=daily_allowance)
        self.base_url = BASE_URL
        self.batch_size = batch_size
        self.fields = {**ORG_FIELDS, **(field_names or {})}
        self.objects: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in STANDARD_FIELDS}
        self.account_ids: dict[str, str] = {}
        """Our account id -> the Salesforce id it was given."""
        self.locators: dict[str, list[dict[str, Any]]] = {}
        self._counter = itertools.count(1)
        for index, account in enumerate(dataset.accounts):
            self._seed_account(index, account)
        for index, deal in enumerate(dataset.opportunities):
            self._seed_opportunity(index, deal)
        self.app = Starlette(
            routes=[
                Route("/services/data/{version}/query", self._wrap(self._query), methods=["GET"]),
                Route(
                    "/services/data/{version}/query/{locator}", self._wrap(self._query_more), methods=["GET"]
                ),
            ]
        )

    # --- seeding: our records as an org's -------------------------------------------------------

    def add(self, sobject: str, values: Mapping[str, Any]) -> str:
        """Store a record of `sobject` with raw field values; returns its new id."""
        record_id = salesforce_id(_PREFIXES[sobject], next(self._counter))
        self.objects[sobject][record_id] = {"Id": record_id, **values}
        return record_id

    def _owner(self, person: Person) -> str:
        for user_id, user in self.objects["User"].items():
            if user["Email"] == person.email:
                return user_id
        return self.add("User", {"Name": person.name, "Email": person.email})

    def _seed_account(self, index: int, account: Account) -> None:
        f = self.fields
        domain = account.domains[0] if account.domains else None
        created = account.created_at or _EPOCH + timedelta(days=index)
        values = {
            "Name": account.name,
            # orgs hold websites in every form: a full URL, or the bare host
            "Website": (f"https://www.{domain}" if index % 2 == 0 else domain) if domain else None,
            "Industry": account.industry,
            "Type": "Customer - Direct",
            "AnnualRevenue": None,
            "Rating": None,
            "OwnerId": self._owner(account.owner) if account.owner is not None else None,
            "CreatedDate": _stamp(created),
            "LastModifiedDate": _stamp(created),
            f["arr"]: account.arr,
            f["renewal_date"]: account.renewal_date.isoformat() if account.renewal_date else None,
            f["tier"]: account.tier.capitalize() if account.tier else None,
            f["plan"]: account.plan,
            f["health"]: account.health.capitalize() if account.health else None,
            f["reference"]: account.reference_customer,
            f["public_facing"]: account.public_facing,
        }
        account_id = self.add("Account", values)
        self.account_ids[account.id] = account_id
        for contact in account.contacts:
            first, _, last = contact.name.partition(" ")
            contact_values = {"FirstName": first or None, "LastName": last or first}
            self.add(
                "Contact",
                {
                    "AccountId": account_id,
                    **contact_values,
                    "Name": contact.name,
                    "Email": contact.email,
                    "Title": contact.title,
                    "CreatedDate": _stamp(created),
                },
            )

    def _seed_opportunity(self, index: int, deal: Opportunity) -> None:
        stage = _STAGES.get(deal.stage.lower(), deal.stage.title())
        self.add_opportunity(
            deal.account_id,
            {
                "Name": deal.name,
                "StageName": stage,
                "Amount": deal.amount,
                "CloseDate": deal.close_date.isoformat() if deal.close_date else None,
                "IsClosed": not deal.is_open,
                "IsWon": stage == "Closed Won",
                "Type": _KINDS.get(deal.kind),
                "Probability": 100.0 if stage == "Closed Won" else 0.0 if not deal.is_open else 80.0,
                "CreatedDate": _stamp(_EPOCH + timedelta(days=index)),
            },
        )

    # --- helpers for tests -----------------------------------------------------------------------

    def account_id(self, our_id: str) -> str:
        """The Salesforce id the account seeded from `our_id` got."""
        return self.account_ids[our_id]

    def set_field(self, sobject: str, record_id: str, name: str, value: Any) -> None:
        """Store a raw field value, as a user or an integration could have written it."""
        self.objects[sobject][record_id][name] = value

    def add_opportunity(self, our_account_id: str, values: Mapping[str, Any]) -> str:
        account_id = self.account_ids.get(our_account_id, our_account_id)
        return self.add(
            "Opportunity", {"AccountId": account_id, "LastModifiedDate": _stamp(_EPOCH), **values}
        )

    # --- the query API -------------------------------------------------------------------------

    def _known(self, sobject: str, name: str) -> bool:
        relation, _, rest = name.partition(".")
        if rest:
            link = RELATIONSHIPS.get((sobject, relation))
            return link is not None and self._known(link[1], rest)
        custom = set(self.fields.values()) if sobject == "Account" else set()
        return name in STANDARD_FIELDS.get(sobject, ()) or name in custom

    def _resolve(self, sobject: str) -> Any:
        def resolve(record: Mapping[str, Any], name: str, owner: str = sobject) -> Any:
            relation, _, rest = name.partition(".")
            if not rest:
                return record.get(name)
            id_field, target = RELATIONSHIPS[(owner, relation)]
            related = self.objects[target].get(record.get(id_field) or "")
            return None if related is None else resolve(related, rest, target)

        return resolve

    def _render(self, query: Query, record: Mapping[str, Any], version: str) -> dict[str, Any]:
        resolve = self._resolve(query.sobject)
        out: dict[str, Any] = {"attributes": _attributes(query.sobject, record["Id"], version)}
        for name in query.fields:
            relation, _, rest = name.partition(".")
            if not rest:
                out[name] = record.get(name)
                continue
            id_field, target = RELATIONSHIPS[(query.sobject, relation)]
            related_id = record.get(id_field)
            if related_id is None or related_id not in self.objects[target]:
                out[relation] = None
                continue
            nested = out.get(relation) or {"attributes": _attributes(target, related_id, version)}
            nested[rest] = resolve(record, name)
            out[relation] = nested
        return out

    def _batch(self, rows: list[dict[str, Any]], start: int, locator: str, version: str) -> dict[str, Any]:
        end = start + self.batch_size
        answer: dict[str, Any] = {"totalSize": len(rows), "done": end >= len(rows)}
        if end < len(rows):
            answer["nextRecordsUrl"] = f"/services/data/v{version}/query/{locator}-{end}"
        answer["records"] = rows[start:end]
        return answer

    async def _query(self, request: Request) -> Response:
        version = self.version_of(request)
        text = request.query_params.get("q")
        if not text:
            return errors(400, "MALFORMED_QUERY", "A query string has to be specified")
        query = parse(text)
        if query.sobject not in STANDARD_FIELDS:
            return errors(400, "INVALID_TYPE", f"sObject type '{query.sobject}' is not supported.")
        check_fields(query, self._known)
        records = list(self.objects[query.sobject].values())
        rows = [self._render(query, r, version) for r in run(query, records, self._resolve(query.sobject))]
        locator = f"0r8Hs00000{len(self.locators) + 1:05d}"
        self.locators[locator] = rows
        return JSONResponse(self._batch(rows, 0, locator, version))

    async def _query_more(self, request: Request) -> Response:
        locator, _, start = request.path_params["locator"].rpartition("-")
        rows = self.locators.get(locator)
        if rows is None or not start.isdigit():
            return errors(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        return JSONResponse(self._batch(rows, int(start), locator, self.version_of(request)))


def _attributes(sobject: str, record_id: str, version: str) -> dict[str, str]:
    return {"type": sobject, "url": f"/services/data/v{version}/sobjects/{sobject}/{record_id}"}


__all__ = [
    "BASE_URL",
    "DEFAULT_TOKEN",
    "DEFAULT_VERSION",
    "ORG_FIELDS",
    "SalesforceFake",
    "salesforce_id",
]
