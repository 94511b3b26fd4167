"""A fake of Jira Cloud's REST API v3, seeded from a `Dataset`. The query language it evaluates is in
`atlassian_query` (shared with the Confluence fake), Jira's JSON in `jira_shapes`, the JQL fields in
`jira_jql`, the site, faults and ADF helpers in `atlassian`; the names tests use are re-exported here.

It serves what the Jira connector reads and writes, at Jira's paths and in Jira's JSON:

* ``POST|GET /rest/api/3/search/jql``: ``nextPageToken`` pagination with no ``total``; the token key is
  absent on the last page and ``isLast`` is true; only the requested ``fields`` come back (just the
  id without ``fields``); ``maxResults`` defaults to 50 and is capped; unbounded JQL is refused.
* ``GET /rest/api/3/status``, ``/rest/api/3/resolution/search`` and ``/rest/api/3/issuetype``: the
  site's own names. JQL naming a status, resolution, issue type, priority or project the site does not
  have is refused with 400, as Jira does.
* ``GET /rest/api/3/issue/{key}`` with ``fields`` and ``expand=changelog``; ``POST /rest/api/3/issue``
  (validates the ADF description, issue type, priority and labels, answers 201 ``{id, key, self}``;
  the new issue is visible to later reads); ``GET /rest/api/3/myself`` (with the user's time zone).
* The removed ``/rest/api/{2,3}/search`` answers 410 with Atlassian's migration message.

Timestamps come in the user's time zone with a colon-less offset (``2026-11-20T07:00:00.000-0500``),
descriptions are ADF, priorities may be null, a reopened issue has its resolution cleared and its
history only in the changelog. JQL dates are read in the user's time zone, as Jira does.

Fault knobs (set on the instance): `reject_auth`, `rate_limit` (requests per second on the injected
clock; 429 with ``Retry-After`` and ``X-RateLimit-Reset``, or only the reset header when
`reset_header_only`), `fail_next(status, count)`, `malformed_next(kind, count)`,
`search_removed` (the current search answers 410 too). `calls` logs every request.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from customer_escalation.connectors.records import Dataset
from tests.fakes.atlassian import (
    API_TOKEN,
    EMAIL,
    SITE,
    AtlassianFaults,
    adf_plain,
    adf_problem,
    text_to_adf,
)
from tests.fakes.atlassian_query import (
    FieldSpec,
    ParsedQuery,
    QueryError,
    TextQuery,
    evaluate,
    parse_query,
    sort_records,
)
from tests.fakes.calls import Call
from tests.fakes.jira_jql import JiraJql
from tests.fakes.jira_shapes import ISSUE_TYPES, PRIORITIES, RESOLUTIONS, STATUSES, JiraShapes, jira_time

_GONE = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)


@dataclass
class JiraFake(JiraShapes, JiraJql):
    """A stateful Jira Cloud site. Drive it through ``httpx2.ASGITransport(app=fake.app)``."""

    dataset: Dataset
    email: str = EMAIL
    api_token: str = API_TOKEN
    oauth_token: str | None = None
    base_url: str = SITE
    user_timezone: str = "America/New_York"
    max_results_cap: int = 100
    projects: Mapping[str, str] = field(default_factory=dict)
    """Extra projects (key -> name) besides those of the dataset's issues."""
    statuses: Mapping[str, tuple[str, str]] = field(default_factory=lambda: dict(STATUSES))
    """The site's statuses: name -> (id, status category key)."""
    resolutions: Mapping[str, str] = field(default_factory=lambda: dict(RESOLUTIONS))
    """The site's resolutions: name -> id (Jira Cloud's defaults have no "Won't Fix")."""
    clock: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = lambda: datetime.now(UTC)

    reject_auth: bool = False
    search_removed: bool = False
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.zone = ZoneInfo(self.user_timezone)
        self.issues: dict[str, dict[str, Any]] = {}
        self.changelogs: dict[str, list[dict[str, Any]]] = {}
        self._project_names: dict[str, str] = {"ENG": "Engineering", "PROD": "Product", **self.projects}
        self.faults = AtlassianFaults(clock=self.clock, now=self.now)
        self._next_id = 10000
        for issue in self.dataset.issues:
            self._seed(issue)
        self.app = Starlette(
            routes=[
                Route("/rest/api/3/search/jql", self._search, methods=["GET", "POST"]),
                Route("/rest/api/{version:int}/search", self._legacy_search, methods=["GET", "POST"]),
                Route("/rest/api/3/issue", self._create, methods=["POST"]),
                Route("/rest/api/3/issue/{key}", self._get_issue, methods=["GET"]),
                Route("/rest/api/3/myself", self._myself, methods=["GET"]),
                Route("/rest/api/3/status", self._all_statuses, methods=["GET"]),
                Route("/rest/api/3/resolution/search", self._all_resolutions, methods=["GET"]),
                Route("/rest/api/3/issuetype", self._all_issue_types, methods=["GET"]),
            ]
        )

    # -- knobs ------------------------------------------------------------------------------------

    def put_issue(self, raw: dict[str, Any], changelog: Sequence[dict[str, Any]] = ()) -> None:
        """Store an issue given in Jira's own JSON (for mapping edge cases)."""
        self.issues[raw["key"]] = raw
        self.changelogs[raw["key"]] = list(changelog)

    def searches(self) -> list[Call]:
        """The calls to the current search endpoint."""
        return [c for c in self.calls if c.path == "/rest/api/3/search/jql"]

    # -- seeding ----------------------------------------------------------------------------------

    # -- request plumbing -------------------------------------------------------------------------

    async def _guard(self, request: Request) -> tuple[Call, Response | None]:
        body: Any = None
        if request.method in {"POST", "PUT"}:
            raw = await request.body()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode(errors="replace")
        call = Call.of(request, body)
        self.calls.append(call)
        return call, self._refuse(call)

    def _refuse(self, call: Call) -> Response | None:
        if self.reject_auth or call.authorization not in self._valid_auth():
            return PlainTextResponse(
                "Client must be authenticated to access this resource.",
                status_code=401,
                headers={"WWW-Authenticate": f'OAuth realm="{self.base_url}"'},
            )
        return self.faults.check(
            call.path,
            lambda status: self._error(status, "You do not have permission to perform this operation."),
        )

    def _valid_auth(self) -> set[str]:
        basic = base64.b64encode(f"{self.email}:{self.api_token}".encode()).decode()
        valid = {f"Basic {basic}"}
        if self.oauth_token:
            valid.add(f"Bearer {self.oauth_token}")
        return valid

    @staticmethod
    def _error(status: int, *messages: str, errors: Mapping[str, str] | None = None) -> JSONResponse:
        return JSONResponse({"errorMessages": list(messages), "errors": dict(errors or {})}, status)

    @staticmethod
    def _done(call: Call, response: Response) -> Response:
        call.status = response.status_code
        return response

    # -- endpoints --------------------------------------------------------------------------------

    async def _legacy_search(self, request: Request) -> Response:
        call, refused = await self._guard(request)
        if refused is not None and refused.status_code == 401:
            return self._done(call, refused)
        return self._done(call, self._error(410, _GONE))

    async def _myself(self, request: Request) -> Response:
        call, refused = await self._guard(request)
        if refused is not None:
            return self._done(call, refused)
        user = {
            **self._user(),
            "avatarUrls": {"48x48": f"{self.base_url}/rest/api/3/universal_avatar/view/type/user/avatar/1"},
            "locale": "en_US",
            "groups": {"size": 3, "items": []},
            "applicationRoles": {"size": 1, "items": []},
            "expand": "groups,applicationRoles",
        }
        return self._done(call, JSONResponse(user))

    async def _all_statuses(self, request: Request) -> Response:
        call, refused = await self._guard(request)
        if refused is not None:
            return self._done(call, refused)
        statuses = [{**self._status(name), "untranslatedName": name} for name in self.statuses]
        return self._done(call, JSONResponse(statuses))

    async def _all_resolutions(self, request: Request) -> Response:
        call, refused = await self._guard(request)
        if refused is not None:
            return self._done(call, refused)
        start = int(call.params.get("startAt", 0))
        size = min(int(call.params.get("maxResults", 50)), 50)
        values = [
            {"id": ident, "description": "", "name": name, "isDefault": name == "Done"}
            for name, ident in self.resolutions.items()
        ]
        window = values[start : start + size]
        body = {
            "self": f"{self.base_url}/rest/api/3/resolution/search?startAt={start}&maxResults={size}",
            "maxResults": size,
            "startAt": start,
            "total": len(values),
            "isLast": start + len(window) >= len(values),
            "values": window,
        }
        return self._done(call, JSONResponse(body))

    async def _all_issue_types(self, request: Request) -> Response:
        call, refused = await self._guard(request)
        if refused is not None:
            return self._done(call, refused)
        return self._done(call, JSONResponse([self._issue_type(name) for name in ISSUE_TYPES]))

    async def _search(self, request: Request) -> Response:
        call, refused = await self._guard(request)
        if refused is not None:
            return self._done(call, refused)
        if self.search_removed:
            return self._done(call, self._error(410, "This endpoint has been removed."))
        if request.method == "POST":
            if not isinstance(call.body, dict):
                return self._done(
                    call,
                    self._error(
                        400, "Invalid request payload. Refer to the REST API documentation and try again."
                    ),
                )
            params = call.body
        else:
            params = {**call.params}
            if "fields" in params:
                params["fields"] = params["fields"].split(",")
        return self._done(call, self._run_search(params))

    def _run_search(self, params: Mapping[str, Any]) -> Response:
        jql = params.get("jql")
        if not isinstance(jql, str):
            return self._error(400, "The 'jql' parameter is required.")
        try:
            parsed = parse_query(jql, self._jql_fields())
            if parsed.where is None:
                return self._error(
                    400,
                    "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.",
                )
            scored = [
                (score, raw)
                for raw in self.issues.values()
                if (score := evaluate(parsed.where, raw, self._jql_fields(), parse_date=self._jql_date))
            ]
        except QueryError as exc:
            return self._error(400, f"Error in the JQL Query: {exc}")
        ordered = sort_records(scored, parsed.order, self._sort_key)
        try:
            size = min(int(params.get("maxResults", 50)), self.max_results_cap)
        except (TypeError, ValueError):
            return self._error(400, "maxResults must be a number.")
        digest = hashlib.sha256(jql.encode()).hexdigest()[:16]
        offset = 0
        token = params.get("nextPageToken")
        if token:
            try:
                position = json.loads(base64.urlsafe_b64decode(str(token).encode()))
                if position["q"] != digest:
                    raise ValueError
                offset = int(position["o"])
            except (ValueError, KeyError, TypeError):
                return self._error(400, "The provided next page token is invalid or expired.")
        window = ordered[offset : offset + max(size, 0)]
        wanted = params.get("fields")
        body: dict[str, Any] = {"issues": [self._shape(raw, wanted) for raw in window]}
        if offset + len(window) < len(ordered):
            body["nextPageToken"] = base64.urlsafe_b64encode(
                json.dumps({"q": digest, "o": offset + len(window)}).encode()
            ).decode()
            body["isLast"] = False
        else:
            body["isLast"] = True
        return JSONResponse(body)

    def _shape(self, raw: Mapping[str, Any], wanted: Any) -> dict[str, Any]:
        shaped = {k: v for k, v in raw.items() if k != "fields"}
        if not wanted:
            return {"id": raw["id"]}
        names = [wanted] if isinstance(wanted, str) else list(wanted)
        if any(n in {"*all", "*navigable"} for n in names):
            shaped["fields"] = dict(raw["fields"])
        else:
            shaped["fields"] = {n: raw["fields"][n] for n in names if n in raw["fields"]}
        return shaped

    async def _get_issue(self, request: Request) -> Response:
        call, refused = await self._guard(request)
        if refused is not None:
            return self._done(call, refused)
        key = request.path_params["key"]
        raw = self.issues.get(key) or next((i for i in self.issues.values() if i["id"] == key), None)
        if raw is None:
            return self._done(
                call, self._error(404, "Issue does not exist or you do not have permission to see it.")
            )
        wanted = call.params.get("fields")
        shaped = self._shape(raw, wanted.split(",") if wanted else ["*all"])
        if "changelog" in call.params.get("expand", "").split(","):
            histories = self.changelogs.get(raw["key"], [])
            shaped["changelog"] = {
                "startAt": 0,
                "maxResults": len(histories),
                "total": len(histories),
                "histories": histories,
            }
        return self._done(call, JSONResponse(shaped))

    async def _create(self, request: Request) -> Response:
        call, refused = await self._guard(request)
        if refused is not None:
            return self._done(call, refused)
        payload = call.body.get("fields") if isinstance(call.body, dict) else None
        if not isinstance(payload, dict):
            return self._done(
                call,
                self._error(
                    400, "Invalid request payload. Refer to the REST API documentation and try again."
                ),
            )
        errors: dict[str, str] = {}
        project = (payload.get("project") or {}).get("key")
        if project not in self._project_names:
            errors["project"] = "valid project is required"
        issue_type = (payload.get("issuetype") or {}).get("name")
        if issue_type not in ISSUE_TYPES:
            errors["issuetype"] = "The issue type selected is invalid."
        summary = payload.get("summary")
        if not isinstance(summary, str) or not summary.strip():
            errors["summary"] = "You must specify a summary of the issue."
        elif "\n" in summary or len(summary) > 255:
            errors["summary"] = "Summary must be less than 255 characters and on one line."
        description = payload.get("description")
        if description is not None and adf_problem(description):
            errors["description"] = (
                "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
            )
        priority = payload.get("priority")
        if priority is not None and (priority or {}).get("name") not in PRIORITIES:
            errors["priority"] = "Specify the Priority (name) in the string format"
        labels = payload.get("labels", [])
        for label in labels:
            if not isinstance(label, str) or re.search(r"\s", label) or not label or len(label) > 255:
                errors["labels"] = f"The label '{label}' contains spaces which is invalid."
        if errors:
            return self._done(call, self._error(400, errors=errors))
        number = 1 + max(
            (int(k.split("-")[1]) for k in self.issues if k.startswith(f"{project}-")), default=0
        )
        key = f"{project}-{number}"
        issue_id = self._new_id()
        now = jira_time(self.now(), self.zone)
        self.issues[key] = {
            "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
            "id": issue_id,
            "self": f"{self.base_url}/rest/api/3/issue/{issue_id}",
            "key": key,
            "fields": {
                "summary": summary,
                "description": description,
                "issuetype": self._issue_type(issue_type),
                "status": self._status("To Do"),
                "resolution": None,
                "resolutiondate": None,
                "priority": self._priority(priority["name"]) if priority else self._priority("Medium"),
                "project": self._project(project),
                "labels": list(labels),
                "components": [],
                "fixVersions": [],
                "created": now,
                "updated": now,
                "statuscategorychangedate": now,
                "comment": {"comments": [], "self": "", "maxResults": 0, "total": 0, "startAt": 0},
                "assignee": None,
                "reporter": self._user(),
            },
        }
        self.changelogs[key] = []
        created = {"id": issue_id, "key": key, "self": f"{self.base_url}/rest/api/3/issue/{issue_id}"}
        return self._done(call, JSONResponse(created, 201))


__all__ = [
    "API_TOKEN",
    "EMAIL",
    "SITE",
    "AtlassianFaults",
    "FieldSpec",
    "JiraFake",
    "ParsedQuery",
    "QueryError",
    "TextQuery",
    "adf_plain",
    "adf_problem",
    "evaluate",
    "jira_time",
    "parse_query",
    "sort_records",
    "text_to_adf",
]
