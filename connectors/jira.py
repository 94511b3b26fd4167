"""Jira Cloud as the project tracker (`CUSTOMER_ESCALATION_TRACKER=jira`).

Reads go through ``POST /rest/api/3/search/jql`` (the only search Jira Cloud still serves: the old
``/rest/api/3/search`` answers 410, which surfaces as `EndpointGoneError`, never as an empty list) and
``GET /rest/api/3/issue/{key}``. Creates are ``POST /rest/api/3/issue`` with an ADF description.

Choices worth knowing:

* Queries are JQL built from the structured arguments; free text becomes one ``text ~ "..."`` clause
  with Lucene and JQL escaping, and ``JIRA_PROJECTS`` is ANDed in front of every query.
* Links to support tickets and CRM accounts are labels, ``ticket-<id>`` and ``account-<id>``: they
  need no custom field, are searchable in JQL, and survive project moves.
* A create carries the label ``esc-<idempotency key>``; before creating, the connector searches for
  that label, so the same key never creates twice, even across restarts.
* ``reopened_at`` comes from the changelog on `get_issue` (the last time the resolution was cleared);
  search results, which carry no changelog, use the status-category change date of issues whose
  status is "Reopened".
* Jira rejects JQL naming a status, resolution or issue type the site does not have, so before the
  first status or kind filter the connector reads the site's names once (``/rest/api/3/status``,
  ``/rest/api/3/resolution/search``, ``/rest/api/3/issuetype``) and leaves the others out.
* ``since`` is written as ``updated >= "yyyy-MM-dd HH:mm"``, which Jira reads in the account's own
  time zone; the connector asks ``/rest/api/3/myself`` for it once (or uses ``JIRA_TIMEZONE``).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx2

from ._atlassian import (
    AtlassianPolicy,
    adf_to_text,
    as_dict,
    as_list,
    auth_from_settings,
    clean_text,
    has_words,
    markdown_to_adf,
    name_of,
    opt_str,
    parse_optional_time,
    parse_time,
    quote_literal,
    reading,
    split_names,
    text_literal,
    truncate,
)
from ._http import HttpApi, check_base_url, collect_pages
from .base import MAX_PAGE_SIZE, Category, IssueDraft, WriteReceipt
from .cursor import clamp_limit, decode_cursor, encode_cursor, query_fingerprint
from .errors import ConfigError, InvalidQueryError, NotFoundError, WriteRefusedError
from .records import IssueKind, IssueStatus, Page, Ref, TrackerIssue
from .settings import Settings, split_list

logger = logging.getLogger("customer_escalation.connectors.jira")

SYSTEM = "jira"
SEARCH_PATH = "/rest/api/3/search/jql"
ISSUE_PATH = "/rest/api/3/issue"
MYSELF_PATH = "/rest/api/3/myself"
STATUS_PATH = "/rest/api/3/status"
RESOLUTION_PATH = "/rest/api/3/resolution/search"
ISSUE_TYPE_PATH = "/rest/api/3/issuetype"
CLOSED_STATUS = "Closed"

SEARCH_FIELDS = (
    "summary",
    "description",
    "issuetype",
    "status",
    "resolution",
    "priority",
    "project",
    "labels",
    "components",
    "fixVersions",
    "created",
    "updated",
    "resolutiondate",
    "statuscategorychangedate",
)
ISSUE_FIELDS = (*SEARCH_FIELDS, "comment")

TICKET_LABEL = "ticket-"
ACCOUNT_LABEL = "account-"
IDEMPOTENCY_LABEL = "esc-"
SEARCH_BODY_CHARS = 500
"""Search results carry the start of the description; `get_issue` gives all of it."""
ISSUE_BODY_CHARS = 20_000
RECENT_COMMENTS = 5
"""`get_issue` appends the newest comments to the body, since they often say whether a fix shipped."""
UNBOUNDED_GUARD = "updated >= -365d"
"""Jira refuses a search with no restriction at all; a bare listing is limited to the last year."""

Priority = Literal["highest", "high", "medium", "low", "lowest"]
_PRIORITY_NAMES: dict[str, Priority] = {
    "highest": "highest",
    "blocker": "highest",
    "critical": "high",
    "high": "high",
    "major": "medium",
    "medium": "medium",
    "minor": "low",
    "low": "low",
    "trivial": "lowest",
    "lowest": "lowest",
}
_STATUSES: frozenset[str] = frozenset(get_args(IssueStatus))
_KINDS: frozenset[str] = frozenset(get_args(IssueKind))
_KEY = re.compile(r"^(?:[A-Z][A-Z0-9_]+-[1-9]\d*|\d+)$")
_SAFE_LABEL = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")


@dataclass(frozen=True)
class _SiteNames:
    """The statuses, resolutions and issue types a site has (casefolded). JQL naming any other value
    is rejected by Jira, so filters only name values from here."""

    statuses: frozenset[str]
    resolutions: frozenset[str]
    issue_types: frozenset[str]


class JiraProjectTracker:
    """A `ProjectTracker` over Jira Cloud.

    Args:
        api: the HTTP client for the site (``https://<site>.atlassian.net``).
        projects: the read scope: project keys ANDed into every query (empty means all projects the
            account can see); creates outside it are refused.
        default_project: the project of drafts that name none.
        bug_types, feature_types, task_types: issue type names per kind; the first of each is used for
            creates. Types in none of the first two lists count as tasks.
        wont_fix_resolutions: resolutions that mean "won't fix" rather than "resolved".
        reopened_status: the status name a reopened issue has.
        timezone: the account's time zone for JQL dates; None asks Jira once.
        browse_url: the site root for issue links; None uses the API host unless it is the
            ``api.atlassian.com`` gateway (then issues carry no link).
    """

    system = SYSTEM

    def __init__(
        self,
        api: HttpApi,
        *,
        projects: Sequence[str] = (),
        default_project: str | None = None,
        bug_types: Sequence[str] = ("Bug",),
        feature_types: Sequence[str] = ("Story",),
        task_types: Sequence[str] = ("Task",),
        wont_fix_resolutions: Sequence[str] = ("Won't Do", "Won't Fix"),
        reopened_status: str = "Reopened",
        timezone: str | None = None,
        browse_url: str | None = None,
    ) -> None:
        self._api = api
        self._projects = tuple(dict.fromkeys(p.strip() for p in projects if p.strip()))
        self._default_project = default_project
        self._bug_types = tuple(bug_types)
        self._feature_types = tuple(feature_types)
        self._task_types = tuple(task_types)
        self._wont_fix = tuple(wont_fix_resolutions)
        self._reopened = reopened_status
        self._zone = ZoneInfo(timezone) if timezone else None
        host = urlsplit(api.base_url).hostname or ""
        self._browse = browse_url or (None if host == "api.atlassian.com" else api.base_url)
        self._written: dict[str, Ref] = {}
        self._site: _SiteNames | None = None

    async def check(self) -> None:
        """Read the account behind the credentials (and its time zone).

        Raises:
            AuthError, PermissionDeniedError, UpstreamError: when the probe fails.
        """
        await self._account_zone(force=True)

    async def aclose(self) -> None:
        await self._api.aclose()

    # -- reads -------------------------------------------------------------------------------------

    async def search_issues(
        self,
        query: str,
        *,
        status: Sequence[IssueStatus] | None = None,
        kind: IssueKind | None = None,
        since: datetime | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page[TrackerIssue]:
        """Issues matching free text (summary, description, comments), most recently updated first.

        Raises:
            InvalidQueryError: a bad limit, status or cursor, or JQL Jira rejects.
            EndpointGoneError: Jira removed the search endpoint.
            AuthError, PermissionDeniedError, RateLimitedError, UpstreamError: the request failed.
        """
        limit = clamp_limit(limit, maximum=MAX_PAGE_SIZE, system=SYSTEM)
        statuses = tuple(dict.fromkeys(status or ()))
        unknown = [s for s in statuses if s not in _STATUSES]
        if unknown:
            raise InvalidQueryError(f"unknown issue status {unknown[0]!r}", system=SYSTEM)
        if kind is not None and kind not in _KINDS:
            raise InvalidQueryError(f"unknown issue kind {kind!r}; use bug, feature or task", system=SYSTEM)
        if since is not None and since.tzinfo is None:
            raise InvalidQueryError("since must be timezone-aware", system=SYSTEM)
        fingerprint = query_fingerprint(
            SYSTEM, query, ",".join(statuses), kind, since.isoformat() if since else None, self._projects
        )
        start: str | None = None
        if cursor:
            start = decode_cursor(cursor, fingerprint, system=SYSTEM)
            if not isinstance(start, str) or not start:
                raise InvalidQueryError("cursor is not valid; omit it to start over", system=SYSTEM)
        jql = await self._jql(query, statuses, kind, since)
        if jql is None:
            return Page(items=())  # the filter names only statuses or types this site does not have
        issues, token = await self._search(jql, SEARCH_FIELDS, limit=limit, start=start)
        next_cursor = encode_cursor(fingerprint, token) if token else None
        return Page(items=tuple(self._to_issue(raw, snippet=True) for raw in issues), next_cursor=next_cursor)

    async def get_issue(self, key: str) -> TrackerIssue:
        """One issue by key (or numeric id), with its newest comments appended to the body.

        Raises:
            NotFoundError: no such issue, or it lies outside ``JIRA_PROJECTS``.
            AuthError, PermissionDeniedError, RateLimitedError, UpstreamError: the request failed.
        """
        key = key.strip()
        if not _KEY.match(key):
            raise NotFoundError(f"{key!r} is not a Jira issue key (like ENG-42)", system=SYSTEM)
        endpoint = f"GET {ISSUE_PATH}/{{key}}"
        try:
            raw = await self._api.get(
                f"{ISSUE_PATH}/{quote(key)}",
                params={"fields": ",".join(ISSUE_FIELDS), "expand": "changelog"},
                endpoint=endpoint,
            )
        except NotFoundError as exc:
            raise NotFoundError(
                f"no Jira issue {key} (or the account cannot see it); search for it by text instead",
                system=SYSTEM,
            ) from exc
        with reading(SYSTEM, endpoint):
            issue = self._to_issue(as_dict(raw, "issue"), snippet=False)
        if self._projects and issue.project not in self._projects:
            raise NotFoundError(f"no Jira issue {key} in the projects this connector may read", system=SYSTEM)
        return issue

    # -- write ------------------------------------------------------------------------------------

    async def create_issue(self, draft: IssueDraft, *, idempotency_key: str) -> WriteReceipt:
        """Create an issue with an ADF description, or return the one this key already created.

        Raises:
            InvalidQueryError: an empty idempotency key, no project, or fields Jira rejects.
            WriteRefusedError: the project is outside ``JIRA_PROJECTS``.
            AuthError, PermissionDeniedError, RateLimitedError, UpstreamError: the request failed.
        """
        if not idempotency_key.strip():
            raise InvalidQueryError("idempotency_key must not be empty", system=SYSTEM)
        project = draft.project.strip() or self._default_project
        if not project:
            raise InvalidQueryError(
                "the draft names no project (the action layer takes it from CUSTOMER_ESCALATION_WRITE_PROJECTS)",
                system=SYSTEM,
            )
        if self._projects and project not in self._projects:
            raise WriteRefusedError(
                f"project {project} is outside JIRA_PROJECTS ({', '.join(self._projects)})", system=SYSTEM
            )
        marker = idempotency_label(idempotency_key)
        if (known := self._written.get(marker)) is not None:
            return WriteReceipt(ref=known, created=False)
        existing = await self._find_labelled(marker)
        if existing is not None:
            self._written[marker] = existing
            return WriteReceipt(ref=existing, created=False)
        endpoint = f"POST {ISSUE_PATH}"
        body = await self._api.request(
            "POST", ISSUE_PATH, json_body=self._create_payload(draft, project, marker), endpoint=endpoint
        )
        with reading(SYSTEM, endpoint):
            key = as_dict(body, "created issue")["key"]
            if not isinstance(key, str) or not key:
                raise ValueError("created issue has no key")
        ref = self._ref(key)
        self._written[marker] = ref
        return WriteReceipt(ref=ref, created=True)

    def _create_payload(self, draft: IssueDraft, project: str, marker: str) -> dict[str, Any]:
        kind_types = {"bug": self._bug_types, "feature": self._feature_types, "task": self._task_types}
        labels = [
            *(_label(label) for label in draft.labels),
            *(TICKET_LABEL + _label(t) for t in draft.linked_ticket_ids),
            *(ACCOUNT_LABEL + _label(a) for a in draft.linked_account_ids),
            marker,
        ]
        fields: dict[str, Any] = {
            "project": {"key": project},
            "issuetype": {"name": kind_types[draft.kind][0]},
            "summary": truncate(" ".join(draft.title.split()), 255),
            "labels": [label for label in dict.fromkeys(labels) if label],
        }
        if draft.body_markdown.strip():
            fields["description"] = markdown_to_adf(draft.body_markdown)
        if draft.priority is not None:
            fields["priority"] = {"name": draft.priority.title()}
        return {"fields": fields}

    async def _find_labelled(self, marker: str) -> Ref | None:
        clauses = [*self._scope(), f"labels = {quote_literal(marker)}"]
        issues, _ = await self._search(" AND ".join(clauses), ("created",), limit=1, start=None)
        if not issues:
            return None
        with reading(SYSTEM, f"POST {SEARCH_PATH}"):
            key = issues[0]["key"]
            if not isinstance(key, str):
                raise TypeError("issue key is not a string")
        return self._ref(key)

    # -- search plumbing --------------------------------------------------------------------------

    async def _search(
        self, jql: str, fields: Sequence[str], *, limit: int, start: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        endpoint = f"POST {SEARCH_PATH}"
        received = 0

        async def fetch(token: str | None) -> tuple[list[dict[str, Any]], str | None]:
            nonlocal received
            # Asking for exactly what is still missing keeps Jira's token aligned with our page.
            request: dict[str, Any] = {"jql": jql, "fields": list(fields), "maxResults": limit - received}
            if token:
                request["nextPageToken"] = token
            body = await self._api.request(
                "POST", SEARCH_PATH, json_body=request, endpoint=endpoint, idempotent=True
            )
            with reading(SYSTEM, endpoint):
                data = as_dict(body, "search result")
                issues = [as_dict(raw, "issue") for raw in as_list(data["issues"], "issues")]
                following = opt_str(data.get("nextPageToken"))
                if data.get("isLast") is True:
                    following = None
            received += len(issues)
            return issues, following

        issues, token = await collect_pages(fetch, max_items=limit, first=start)
        return issues, token

    async def _jql(
        self, query: str, statuses: Sequence[IssueStatus], kind: IssueKind | None, since: datetime | None
    ) -> str | None:
        """The JQL for a search, or None when the filters cannot match anything on this site."""
        clauses = list(self._scope())
        if has_words(query):
            clauses.append(f"text ~ {text_literal(query)}")
        if kind is not None or statuses:
            site = await self._site_names()
            if kind is not None:
                kind_clause = self._kind_clause(kind, site)
                if kind_clause is None:
                    return None
                clauses.extend([kind_clause] if kind_clause else [])
            if statuses:
                options = [c for s in statuses if (c := self._status_clause(s, site)) is not None]
                if not options:
                    return None
                clauses.append(options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")")
        if since is not None:
            zone = await self._account_zone()
            clauses.append(f'updated >= "{since.astimezone(zone):%Y-%m-%d %H:%M}"')
        if not clauses:
            clauses.append(UNBOUNDED_GUARD)
        return " AND ".join(clauses) + " ORDER BY updated DESC"

    def _scope(self) -> list[str]:
        if not self._projects:
            return []
        return [f"project in ({', '.join(quote_literal(p) for p in self._projects)})"]

    def _kind_clause(self, kind: IssueKind, site: _SiteNames) -> str | None:
        """A clause for `kind`; "" when every issue qualifies, None when none can."""
        bugs = _existing(self._bug_types, site.issue_types)
        features = _existing(self._feature_types, site.issue_types)
        if kind == "bug":
            return f"issuetype in ({_literals(bugs)})" if bugs else None
        if kind == "feature":
            return f"issuetype in ({_literals(features)})" if features else None
        return f"issuetype not in ({_literals((*bugs, *features))})" if bugs or features else ""

    def _status_clause(self, status: IssueStatus, site: _SiteNames) -> str | None:
        """A clause for `status`, or None when this site has no status or resolution that can match."""
        reopened = _existing((self._reopened,), site.statuses)
        closed = _existing((CLOSED_STATUS,), site.statuses)
        wont_fix = _existing(self._wont_fix, site.resolutions)
        not_reopened = f" AND status != {quote_literal(reopened[0])}" if reopened else ""
        fixed = f" AND (resolution is EMPTY OR resolution not in ({_literals(wont_fix)}))" if wont_fix else ""
        if status == "open":
            return f'(statusCategory = "To Do"{not_reopened})'
        if status == "in_progress":
            return f'(statusCategory = "In Progress"{not_reopened})'
        if status == "reopened":
            return f"status = {quote_literal(reopened[0])}" if reopened else None
        if status == "resolved":
            not_closed = f" AND status != {quote_literal(closed[0])}" if closed else ""
            return f'(statusCategory = "Done"{not_closed}{fixed})'
        if status == "closed":
            return (
                f'(statusCategory = "Done" AND status = {quote_literal(closed[0])}{fixed})'
                if closed
                else None
            )
        return f'(statusCategory = "Done" AND resolution in ({_literals(wont_fix)}))' if wont_fix else None

    async def _site_names(self) -> _SiteNames:
        if self._site is None:
            statuses = await self._api.get(STATUS_PATH, endpoint=f"GET {STATUS_PATH}")
            with reading(SYSTEM, f"GET {STATUS_PATH}"):
                status_names = _names(as_list(statuses, "statuses"))
            resolution_names = await self._resolution_names()
            issue_types = await self._api.get(ISSUE_TYPE_PATH, endpoint=f"GET {ISSUE_TYPE_PATH}")
            with reading(SYSTEM, f"GET {ISSUE_TYPE_PATH}"):
                type_names = _names(as_list(issue_types, "issue types"))
            self._site = _SiteNames(status_names, resolution_names, type_names)
        return self._site

    async def _resolution_names(self) -> frozenset[str]:
        endpoint = f"GET {RESOLUTION_PATH}"
        values: list[Any] = []
        for _ in range(20):
            params = {"startAt": len(values), "maxResults": 50}
            body = await self._api.get(RESOLUTION_PATH, params=params, endpoint=endpoint)
            with reading(SYSTEM, endpoint):
                data = as_dict(body, "resolutions")
                batch = as_list(data["values"], "values")
            values.extend(batch)
            if data.get("isLast", True) is not False or not batch:
                break
        with reading(SYSTEM, endpoint):
            return _names(values)

    async def _account_zone(self, *, force: bool = False) -> ZoneInfo:
        if self._zone is not None and not force:
            return self._zone
        body = await self._api.get(MYSELF_PATH, endpoint=f"GET {MYSELF_PATH}")
        with reading(SYSTEM, f"GET {MYSELF_PATH}"):
            name = opt_str(as_dict(body, "user").get("timeZone"))
        if self._zone is not None:
            return self._zone
        try:
            self._zone = ZoneInfo(name) if name else ZoneInfo("UTC")
        except (ZoneInfoNotFoundError, ValueError):
            logger.warning("jira: unknown account time zone %r; reading JQL dates as UTC", name)
            self._zone = ZoneInfo("UTC")
        return self._zone

    # -- mapping ----------------------------------------------------------------------------------

    def _ref(self, key: str) -> Ref:
        return Ref(system=SYSTEM, id=key, url=f"{self._browse}/browse/{key}" if self._browse else None)

    def _to_issue(self, raw: dict[str, Any], *, snippet: bool) -> TrackerIssue:
        endpoint = f"POST {SEARCH_PATH}" if snippet else f"GET {ISSUE_PATH}/{{key}}"
        with reading(SYSTEM, endpoint):
            key = raw["key"]
            if not isinstance(key, str):
                raise TypeError("issue key is not a string")
            fields = as_dict(raw["fields"], "fields")
            status_name = name_of(fields.get("status")) or ""
            category = _category(fields.get("status"))
            resolution = name_of(fields.get("resolution"))
            labels = [str(label) for label in as_list(fields.get("labels") or [], "labels")]
            history = _history(raw.get("changelog"))
            body = adf_to_text(fields.get("description"))
            if snippet:
                body = truncate(body, SEARCH_BODY_CHARS)
            else:
                body = truncate(_with_comments(body, fields.get("comment")), ISSUE_BODY_CHARS)
            resolved_at = parse_optional_time(fields.get("resolutiondate")) or _last_resolved(history)
            project = fields.get("project")
            return TrackerIssue(
                ref=self._ref(key),
                key=key,
                title=clean_text(str(fields.get("summary") or "")),
                body=body,
                kind=self._kind(name_of(fields.get("issuetype"))),
                status=self._status(status_name, category, resolution),
                priority=_priority(name_of(fields.get("priority"))),
                project=(opt_str(project.get("key")) if isinstance(project, dict) else None)
                or key.split("-")[0],
                labels=tuple(
                    label for label in labels if not label.startswith((TICKET_LABEL, ACCOUNT_LABEL))
                ),
                components=tuple(n for c in fields.get("components") or [] if (n := name_of(c))),
                linked_ticket_ids=_linked(labels, TICKET_LABEL),
                linked_account_ids=_linked(labels, ACCOUNT_LABEL),
                fix_version=_fix_version(fields.get("fixVersions")),
                created_at=parse_time(fields["created"]),
                updated_at=parse_time(fields["updated"]),
                resolved_at=resolved_at,
                reopened_at=self._reopened_at(status_name, category, fields, history),
            )

    def _kind(self, issue_type: str | None) -> IssueKind:
        if issue_type in self._bug_types:
            return "bug"
        if issue_type in self._feature_types:
            return "feature"
        return "task"

    def _status(self, name: str, category: str | None, resolution: str | None) -> IssueStatus:
        if name.casefold() == self._reopened.casefold():
            return "reopened"
        if category == "done":
            if resolution in self._wont_fix:
                return "wont_fix"
            return "closed" if name.casefold() == CLOSED_STATUS.casefold() else "resolved"
        if category == "indeterminate":
            return "in_progress"
        return "open"

    def _reopened_at(
        self, name: str, category: str | None, fields: dict[str, Any], history: list[dict[str, Any]]
    ) -> datetime | None:
        if category == "done":
            return None
        cleared = [
            parse_time(entry["created"])
            for entry in history
            if any(_clears_resolution(item) for item in entry["items"])
        ]
        if cleared:
            return max(cleared)
        if name.casefold() == self._reopened.casefold():
            return parse_optional_time(fields.get("statuscategorychangedate"))
        return None


def idempotency_label(key: str) -> str:
    """The label that marks an issue as written for `key` (hashed when `key` cannot be a label)."""
    key = key.strip()
    if _SAFE_LABEL.match(key):
        return IDEMPOTENCY_LABEL + key
    return IDEMPOTENCY_LABEL + hashlib.sha256(key.encode()).hexdigest()[:32]


def _label(value: str) -> str:
    return "_".join(value.split())[:200]


def _names(values: list[Any]) -> frozenset[str]:
    return frozenset(name.casefold() for value in values if (name := name_of(value)))


def _existing(names: Sequence[str], known: frozenset[str]) -> tuple[str, ...]:
    return tuple(name for name in names if name.casefold() in known)


def _literals(values: Sequence[str]) -> str:
    return ", ".join(quote_literal(v) for v in values)


def _category(status: object) -> str | None:
    if not isinstance(status, dict):
        return None
    category = status.get("statusCategory")
    return opt_str(category.get("key")) if isinstance(category, dict) else None


def _clears_resolution(item: dict[str, Any]) -> bool:
    return item.get("field") == "resolution" and item.get("to") is None and item.get("from") is not None


def _priority(name: str | None) -> Priority | None:
    return _PRIORITY_NAMES.get(name.casefold()) if name else None


def _linked(labels: Sequence[str], prefix: str) -> tuple[str, ...]:
    return tuple(
        label[len(prefix) :] for label in labels if label.startswith(prefix) and len(label) > len(prefix)
    )


def _fix_version(versions: object) -> str | None:
    names = [n for v in as_list(versions or [], "fixVersions") if (n := name_of(v))]
    return names[-1] if names else None


def _history(changelog: object) -> list[dict[str, Any]]:
    if changelog is None:
        return []
    entries = as_list(as_dict(changelog, "changelog").get("histories") or [], "histories")
    history = []
    for entry in entries:
        entry = as_dict(entry, "history")
        items = [item for item in as_list(entry.get("items") or [], "items") if isinstance(item, dict)]
        history.append({"created": entry["created"], "items": items})
    return history


def _last_resolved(history: list[dict[str, Any]]) -> datetime | None:
    moments = [
        parse_time(entry["created"])
        for entry in history
        if any(i.get("field") == "resolution" and i.get("to") is not None for i in entry["items"])
    ]
    return max(moments) if moments else None


def _with_comments(body: str, comment_field: object) -> str:
    if not isinstance(comment_field, dict):
        return body
    comments = [as_dict(c, "comment") for c in as_list(comment_field.get("comments") or [], "comments")]
    if not comments:
        return body
    rendered = []
    for comment in comments[-RECENT_COMMENTS:]:
        author = comment.get("author")
        who = opt_str(author.get("displayName")) if isinstance(author, dict) else None
        when = parse_time(comment["created"]).date().isoformat()
        rendered.append(f"Comment by {who or 'someone'} on {when}:\n{adf_to_text(comment.get('body'))}")
    total = comment_field.get("total")
    header = f"## Comments (newest {len(rendered)} of {total})" if isinstance(total, int) else "## Comments"
    return "\n\n".join(part for part in (body, header, *rendered) if part)


def from_settings(
    settings: Settings, category: Category, *, client: httpx2.AsyncClient | None = None
) -> JiraProjectTracker:
    """A Jira connector configured from ``JIRA_*`` variables (see CONNECTORS.md).

    Raises:
        ConfigError: Jira cannot serve `category`, or a variable is missing or invalid.
    """
    if category != "tracker":
        raise ConfigError(f"jira serves only the project tracker, not {category}")
    purpose = "the Jira project tracker"
    base_url = check_base_url(settings.require("JIRA_BASE_URL", purpose=purpose), variable="JIRA_BASE_URL")
    auth = auth_from_settings(settings, prefix="JIRA_", purpose=purpose)
    timezone = settings.value("JIRA_TIMEZONE")
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"JIRA_TIMEZONE={timezone!r} is not a known time zone") from None
    api = HttpApi(AtlassianPolicy(system=SYSTEM, auth=auth), base_url=base_url, client=client)
    return JiraProjectTracker(
        api,
        projects=split_list(settings.value("JIRA_PROJECTS")),
        bug_types=split_names(settings.value("JIRA_BUG_TYPE"), ("Bug",)),
        feature_types=split_names(settings.value("JIRA_FEATURE_TYPE"), ("Story",)),
        task_types=split_names(settings.value("JIRA_TASK_TYPE"), ("Task",)),
        wont_fix_resolutions=split_names(
            settings.value("JIRA_WONT_FIX_RESOLUTIONS"), ("Won't Do", "Won't Fix")
        ),
        timezone=timezone,
    )


__all__ = ["JiraProjectTracker", "from_settings", "idempotency_label"]
