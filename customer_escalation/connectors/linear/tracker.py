"""`LinearProjectTracker`: the project tracker over Linear's GraphQL API.

Reads are ``searchIssues`` (free text, by relevance) or ``issues`` (no text, most recently updated
first) with an ``IssueFilter`` (`filters`), and ``issue(id:)`` for one issue; creates are
``issueCreate`` with its link attachments, made idempotent by an id derived from the key (`writes`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import datetime

from .._http import HttpApi
from ..base import IssueDraft, WriteReceipt
from ..errors import InvalidQueryError, NotFoundError, PermissionDeniedError
from ..idempotency import checked_key
from ..records import IssueKind, IssueStatus, Page, Ref, TrackerIssue
from ..text import single_line
from ..tracker_args import issue_search, write_target
from .client import LinearClient
from .filters import Filters
from .mapping import SYSTEM, IssueMapping, Links, Vocabulary
from .models import CreatedIssue, Label
from .writes import attachment_inputs, create_input, issue_id_for

logger = logging.getLogger("customer_escalation.connectors.linear")

TERM_CHARS = 256
_IDENTIFIER = re.compile(r"[A-Za-z0-9_]{1,7}-[1-9]\d{0,8}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class LinearProjectTracker:
    """A `ProjectTracker` over Linear.

    Args:
        api: the HTTP client for ``https://api.linear.app`` with a `LinearPolicy`.
        teams: the read scope: team keys ANDed into every filter (empty means every team the
            credentials can see); creates outside it are refused.
        bug_labels, feature_labels: label names that make an issue a bug or a feature (the first of
            each is put on new issues of that kind); issues with neither are tasks.
        reopened_state: the workflow state name of a reopened issue.
        ticket_url, account_url: web addresses with ``{id}`` that ticket and account links point to.
    """

    system = SYSTEM

    def __init__(
        self,
        api: HttpApi,
        *,
        teams: Sequence[str] = (),
        bug_labels: Sequence[str] = ("Bug",),
        feature_labels: Sequence[str] = ("Feature", "Improvement"),
        reopened_state: str = "Reopened",
        ticket_url: str | None = None,
        account_url: str | None = None,
    ) -> None:
        self._client = LinearClient(api)
        self._teams = tuple(dict.fromkeys(t.strip().upper() for t in teams if t.strip()))
        self._vocabulary = Vocabulary(tuple(bug_labels), tuple(feature_labels), reopened_state)
        self._filters = Filters(self._teams, self._vocabulary)
        self._links = Links(ticket_url, account_url)
        self._mapping = IssueMapping(self._vocabulary, self._links)
        self._written: dict[str, Ref] = {}
        self._team_ids: dict[str, str] = {}

    async def check(self) -> None:
        """Read the user behind the credentials, and the scoped teams.

        Raises:
            AuthError, PermissionDeniedError, UpstreamError: when the probe fails, or a team in the
                scope cannot be seen.
        """
        await self._client.viewer()
        if self._teams:
            found = {team.key for team in await self._client.teams(self._teams)}
            missing = [key for key in self._teams if key not in found]
            if missing:
                raise PermissionDeniedError(
                    f"linear: LINEAR_TEAMS names teams these credentials cannot see: {', '.join(missing)}",
                    system=SYSTEM,
                )

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
        """Issues matching free text (title, description, comments) by relevance; without text, the
        most recently updated.

        Raises:
            InvalidQueryError: a bad limit, status, kind or cursor, or a filter Linear rejects.
            AuthError, PermissionDeniedError, RateLimitedError, UpstreamError: the request failed.
        """
        term = single_line(query)[:TERM_CHARS]
        search = issue_search(
            term,
            self._teams,
            status=status,
            kind=kind,
            since=since,
            limit=limit,
            cursor=cursor,
            system=SYSTEM,
        )
        issue_filter = self._filters.search(statuses=search.statuses, kind=kind, since=since)
        if issue_filter is None:
            return Page(items=())  # only statuses no Linear state stands for
        total: int | None = None
        if any(ch.isalnum() for ch in term):
            issues, token, total = await self._client.search(
                term, issue_filter, limit=search.limit, start=search.start
            )
        else:
            issues, token = await self._client.recent(issue_filter, limit=search.limit, start=search.start)
        return Page(
            items=tuple(self._mapping.issue(i, snippet=True) for i in issues),
            next_cursor=search.next_cursor(token),
            total=total,
        )

    async def get_issue(self, key: str) -> TrackerIssue:
        """One issue by identifier (``ENG-123``) or id, with its newest comments appended to the body.

        Raises:
            NotFoundError: no such issue, or it belongs to a team outside ``LINEAR_TEAMS``.
            AuthError, PermissionDeniedError, RateLimitedError, UpstreamError: the request failed.
        """
        key = key.strip()
        if _IDENTIFIER.fullmatch(key):
            key = key.upper()
        elif not _UUID.fullmatch(key):
            raise NotFoundError(f"{key!r} is not a Linear issue identifier (like ENG-42)", system=SYSTEM)
        try:
            raw = await self._client.issue(key)
        except NotFoundError as exc:
            raise NotFoundError(
                f"no Linear issue {key} (or the credentials cannot see it); search for it by text instead",
                system=SYSTEM,
            ) from exc
        issue = self._mapping.issue(raw, snippet=False)
        if self._teams and issue.project not in self._teams:
            raise NotFoundError(f"no Linear issue {key} in the teams this connector may read", system=SYSTEM)
        return issue

    # -- write ------------------------------------------------------------------------------------

    async def create_issue(self, draft: IssueDraft, *, idempotency_key: str) -> WriteReceipt:
        """Create an issue in the draft's team (its ``project`` is the team key), or return the one
        this key already created.

        Raises:
            InvalidQueryError: an empty idempotency key, no or an unknown team, or input Linear rejects.
            WriteRefusedError: the team is outside ``LINEAR_TEAMS``.
            AuthError, PermissionDeniedError, RateLimitedError, UpstreamError: the request failed.
        """
        checked_key(idempotency_key, system=SYSTEM)
        team_key = self._target_team(draft)
        issue_id = issue_id_for(idempotency_key)
        if (known := self._written.get(issue_id)) is not None:
            return WriteReceipt(ref=known, created=False)
        if (existing := await self._client.existing(issue_id)) is not None:
            return WriteReceipt(ref=self._remember(issue_id, existing), created=False)
        team_id = await self._team_id(team_key)
        label_ids = await self._label_ids(draft, team_id)
        values = create_input(
            draft, issue_id=issue_id, team_id=team_id, label_ids=label_ids, links=self._links
        )
        links = attachment_inputs(draft, issue_id=issue_id, links=self._links)
        try:
            created = await self._client.create(values, links)
        except InvalidQueryError:
            # Another process may have created it between the look-up and now: its id is taken.
            if (existing := await self._client.existing(issue_id)) is not None:
                return WriteReceipt(ref=self._remember(issue_id, existing), created=False)
            raise
        return WriteReceipt(ref=self._remember(issue_id, created), created=True)

    def _remember(self, issue_id: str, issue: CreatedIssue) -> Ref:
        self._written[issue_id] = Ref(system=SYSTEM, id=issue.identifier, url=issue.url)
        return self._written[issue_id]

    def _target_team(self, draft: IssueDraft) -> str:
        team = draft.project.strip().upper()
        return write_target(team, self._teams, noun="team", variable="LINEAR_TEAMS", system=SYSTEM)

    async def _team_id(self, key: str) -> str:
        if key not in self._team_ids:
            for team in await self._client.teams([key]):
                self._team_ids[team.key] = team.id
        if key not in self._team_ids:
            raise InvalidQueryError(
                f"linear has no team {key} (or the credentials cannot see it)", system=SYSTEM
            )
        return self._team_ids[key]

    async def _label_ids(self, draft: IssueDraft, team_id: str) -> list[str]:
        """Ids of the kind's label and the draft's labels, the team's own label before a workspace
        label of the same name. Linear labels must exist; names it does not have are skipped."""
        kind_label = self._vocabulary.kind_label(draft.kind)
        names = list(dict.fromkeys(n for n in (kind_label, *draft.labels) if n and n.strip()))
        if not names:
            return []
        usable = [label for label in await self._client.labels(names) if _usable(label, team_id)]
        usable.sort(key=lambda label: label.team is None)  # the team's own labels first
        chosen = {label.name: label.id for label in reversed(usable) if label.name}
        missing = [name for name in names if name not in chosen]
        if missing:
            logger.info("linear: no label named %s; created without it", ", ".join(missing))
        return [chosen[name] for name in names if name in chosen]


def _usable(label: Label, team_id: str) -> bool:
    return label.team is None or label.team.id == team_id


__all__ = ["LinearProjectTracker"]
