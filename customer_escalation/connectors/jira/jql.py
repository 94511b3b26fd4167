"""JQL for a search, built from the structured arguments.

Free text becomes one ``text ~ "..."`` clause with Lucene and JQL escaping, and the project scope is
ANDed in front of every query. Jira rejects JQL naming a status, resolution or issue type the site
does not have, so status and kind clauses only name values from `SiteNames`; a filter that can match
nothing on this site gives None instead of a query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from ..atlassian import has_words, literals, quote_literal, text_literal
from ..records import IssueKind, IssueStatus
from .mapping import CLOSED_STATUS, Vocabulary

UNBOUNDED_GUARD = "updated >= -365d"
"""Jira refuses a search with no restriction at all; a bare listing is limited to the last year."""


@dataclass(frozen=True)
class SiteNames:
    """The statuses, resolutions and issue types a site has (casefolded)."""

    statuses: frozenset[str]
    resolutions: frozenset[str]
    issue_types: frozenset[str]


@dataclass(frozen=True)
class Jql:
    """Writes JQL for one connector: its project scope and vocabulary."""

    projects: tuple[str, ...]
    vocabulary: Vocabulary

    def scope(self) -> list[str]:
        """The project clause ANDed into every query (none without a project scope)."""
        if not self.projects:
            return []
        return [f"project in ({literals(self.projects)})"]

    def labelled(self, label: str) -> str:
        """Issues in scope carrying `label`."""
        return " AND ".join([*self.scope(), f"labels = {quote_literal(label)}"])

    def search(
        self,
        query: str,
        *,
        statuses: Sequence[IssueStatus],
        kind: IssueKind | None,
        since: datetime | None,
        site: SiteNames | None,
        zone: ZoneInfo | None,
    ) -> str | None:
        """The JQL for a search, or None when the filters cannot match anything on this site.

        `site` is needed with a status or kind filter, `zone` (the account's time zone) with `since`.
        """
        clauses = self.scope()
        if has_words(query):
            clauses.append(f"text ~ {text_literal(query)}")
        if kind is not None:
            assert site is not None
            kind_clause = self.kind_clause(kind, site)
            if kind_clause is None:
                return None
            clauses.extend([kind_clause] if kind_clause else [])
        if statuses:
            assert site is not None
            options = [c for s in statuses if (c := self.status_clause(s, site)) is not None]
            if not options:
                return None
            clauses.append(options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")")
        if since is not None:
            assert zone is not None
            clauses.append(f'updated >= "{since.astimezone(zone):%Y-%m-%d %H:%M}"')
        if not clauses:
            clauses.append(UNBOUNDED_GUARD)
        return " AND ".join(clauses) + " ORDER BY updated DESC"

    def kind_clause(self, kind: IssueKind, site: SiteNames) -> str | None:
        """A clause for `kind`; "" when every issue qualifies, None when none can."""
        bugs = _existing(self.vocabulary.bug_types, site.issue_types)
        features = _existing(self.vocabulary.feature_types, site.issue_types)
        if kind == "bug":
            return f"issuetype in ({literals(bugs)})" if bugs else None
        if kind == "feature":
            return f"issuetype in ({literals(features)})" if features else None
        return f"issuetype not in ({literals((*bugs, *features))})" if bugs or features else ""

    def status_clause(self, status: IssueStatus, site: SiteNames) -> str | None:
        """A clause for `status`, or None when this site has no status or resolution that can match."""
        reopened = _existing((self.vocabulary.reopened,), site.statuses)
        closed = _existing((CLOSED_STATUS,), site.statuses)
        wont_fix = _existing(self.vocabulary.wont_fix, site.resolutions)
        not_reopened = f" AND status != {quote_literal(reopened[0])}" if reopened else ""
        fixed = f" AND (resolution is EMPTY OR resolution not in ({literals(wont_fix)}))" if wont_fix else ""
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
            if not closed:
                return None
            return f'(statusCategory = "Done" AND status = {quote_literal(closed[0])}{fixed})'
        return f'(statusCategory = "Done" AND resolution in ({literals(wont_fix)}))' if wont_fix else None


def _existing(names: Sequence[str], known: frozenset[str]) -> tuple[str, ...]:
    return tuple(name for name in names if name.casefold() in known)


__all__ = ["UNBOUNDED_GUARD", "Jql", "SiteNames"]
