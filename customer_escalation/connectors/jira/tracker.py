"""Jira Cloud as the project tracker (`CUSTOMER_ESCALATION_TRACKER=jira`).

Reads are a JQL search (`jql`) and ``GET /rest/api/3/issue/{key}``; creates are
``POST /rest/api/3/issue`` with an ADF description, made idempotent by a label (`writes`).

* Before the first status or kind filter the connector reads the site's statuses, resolutions and
  issue types once, since Jira rejects JQL naming a value the site does not have.
* ``since`` is written as ``updated >= "yyyy-MM-dd HH:mm"``, which Jira reads in the account's own
  time zone; the connector asks ``/rest/api/3/myself`` for it once (or uses ``JIRA_TIMEZONE``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx2

from .._http import HttpApi
from ..atlassian import AtlassianPolicy
from ..base import Category, IssueDraft, WriteReceipt
from ..errors import NotFoundError
from ..factory import VendorFactory
from ..idempotency import checked_key
from ..records import IssueKind, IssueStatus, Page, Ref, TrackerIssue
from ..settings import Settings
from ..tracker_args import issue_search, write_target
from .client import JiraClient
from .jql import Jql, SiteNames
from .mapping import SYSTEM, IssueMapping, Vocabulary
from .settings import JiraSettings
from .writes import create_payload, idempotency_label

logger = logging.getLogger("customer_escalation.connectors.jira")

PURPOSE = "the Jira project tracker"
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
_KEY = re.compile(r"^(?:[A-Z][A-Z0-9_]+-[1-9]\d*|\d+)$")


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
        self._client = JiraClient(api)
        self._projects = tuple(dict.fromkeys(p.strip() for p in projects if p.strip()))
        self._default_project = default_project
        self._vocabulary = Vocabulary(
            tuple(bug_types),
            tuple(feature_types),
            tuple(task_types),
            tuple(wont_fix_resolutions),
            reopened_status,
        )
        self._jql = Jql(self._projects, self._vocabulary)
        host = urlsplit(api.base_url).hostname or ""
        browse = browse_url or (None if host == "api.atlassian.com" else api.base_url)
        self._mapping = IssueMapping(self._vocabulary, browse)
        self._zone = ZoneInfo(timezone) if timezone else None
        self._written: dict[str, Ref] = {}
        self._site: SiteNames | None = None

    async def check(self) -> None:
        """Read the account behind the credentials (and its time zone).

        Raises:
            AuthError, PermissionDeniedError, UpstreamError: when the probe fails.
        """
        await self._account_zone(force=True)

    async def aclose(self) -> None:
        await self._client.api.aclose()

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
        search = issue_search(
            query,
            self._projects,
            status=status,
            kind=kind,
            since=since,
            limit=limit,
            cursor=cursor,
            system=SYSTEM,
        )
        jql = self._jql.search(
            query,
            statuses=search.statuses,
            kind=kind,
            since=since,
            site=await self._site_names() if kind is not None or search.statuses else None,
            zone=await self._account_zone() if since is not None else None,
        )
        if jql is None:
            return Page(items=())  # the filter names only statuses or types this site does not have
        issues, token = await self._client.search(jql, SEARCH_FIELDS, limit=search.limit, start=search.start)
        return Page(
            items=tuple(self._mapping.issue(i, snippet=True) for i in issues),
            next_cursor=search.next_cursor(token),
        )

    async def get_issue(self, key: str) -> TrackerIssue:
        """One issue by key (or numeric id), with its newest comments appended to the body.

        Raises:
            NotFoundError: no such issue, or it lies outside ``JIRA_PROJECTS``.
            AuthError, PermissionDeniedError, RateLimitedError, UpstreamError: the request failed.
        """
        key = key.strip()
        if not _KEY.match(key):
            raise NotFoundError(f"{key!r} is not a Jira issue key (like ENG-42)", system=SYSTEM)
        try:
            raw = await self._client.issue(key, ISSUE_FIELDS)
        except NotFoundError as exc:
            raise NotFoundError(
                f"no Jira issue {key} (or the account cannot see it); search for it by text instead",
                system=SYSTEM,
            ) from exc
        issue = self._mapping.issue(raw, snippet=False)
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
        checked_key(idempotency_key, system=SYSTEM)
        project = self._target_project(draft)
        marker = idempotency_label(idempotency_key)
        if (known := self._written.get(marker)) is not None:
            return WriteReceipt(ref=known, created=False)
        existing = await self._client.first_key(self._jql.labelled(marker))
        if existing is not None:
            self._written[marker] = self._mapping.ref(existing)
            return WriteReceipt(ref=self._written[marker], created=False)
        key = await self._client.create(create_payload(draft, project, marker, self._vocabulary))
        self._written[marker] = self._mapping.ref(key)
        return WriteReceipt(ref=self._written[marker], created=True)

    def _target_project(self, draft: IssueDraft) -> str:
        project = draft.project.strip() or self._default_project or ""
        return write_target(project, self._projects, noun="project", variable="JIRA_PROJECTS", system=SYSTEM)

    # -- what the site is like --------------------------------------------------------------------

    async def _site_names(self) -> SiteNames:
        if self._site is None:
            statuses = await self._client.status_names()
            resolutions = await self._client.resolution_names()
            issue_types = await self._client.issue_type_names()
            self._site = SiteNames(statuses, resolutions, issue_types)
        return self._site

    async def _account_zone(self, *, force: bool = False) -> ZoneInfo:
        if self._zone is not None and not force:
            return self._zone
        name = (await self._client.myself()).time_zone
        if self._zone is not None:
            return self._zone
        try:
            self._zone = ZoneInfo(name) if name else ZoneInfo("UTC")
        except (ZoneInfoNotFoundError, ValueError):
            logger.warning("jira: unknown account time zone %r; reading JQL dates as UTC", name)
            self._zone = ZoneInfo("UTC")
        return self._zone


def _connector(
    settings: Settings, _category: Category, client: httpx2.AsyncClient | None
) -> JiraProjectTracker:
    """A Jira connector configured from ``JIRA_*`` variables (`JiraSettings`; see CONNECTORS.md)."""
    config = JiraSettings.from_settings(settings)
    auth = config.credentials().auth(PURPOSE)
    api = HttpApi(AtlassianPolicy(system=SYSTEM, auth=auth), base_url=config.base_url, client=client)
    return JiraProjectTracker(
        api,
        projects=config.projects,
        bug_types=config.bug_types,
        feature_types=config.feature_types,
        task_types=config.task_types,
        wont_fix_resolutions=config.wont_fix_resolutions,
        timezone=config.timezone,
    )


from_settings = VendorFactory(_connector, system=SYSTEM, serves={"tracker"})


__all__ = ["JiraProjectTracker", "from_settings"]
