"""Jira issues (`models.Issue`) as `TrackerIssue` records.

* Links to support tickets and CRM accounts are labels, ``ticket-<id>`` and ``account-<id>``; they
  become the record's linked ids and are left out of its labels.
* A status reads through its category (``new``, ``indeterminate``, ``done``), its name (the reopened
  status, ``Closed``) and the resolution (the won't-fix ones).
* ``reopened_at`` is the last time the changelog shows the resolution cleared; search results, which
  carry no changelog, use the status-category change date of issues in the reopened status.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..atlassian import Named, adf_to_text, clean_text
from ..issue_body import IssueComment, issue_body
from ..records import IssueKind, IssuePriority, IssueStatus, Ref, TrackerIssue
from .models import CommentPage, History, Issue, IssueFields

SYSTEM = "jira"
CLOSED_STATUS = "Closed"
TICKET_LABEL = "ticket-"
ACCOUNT_LABEL = "account-"

_PRIORITY_NAMES: dict[str, IssuePriority] = {
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


@dataclass(frozen=True)
class Vocabulary:
    """The site's names for our kinds and statuses: issue types per kind (the first of each is used
    for creates; types in neither of the first two lists are tasks), the won't-fix resolutions and
    the reopened status."""

    bug_types: tuple[str, ...] = ("Bug",)
    feature_types: tuple[str, ...] = ("Story",)
    task_types: tuple[str, ...] = ("Task",)
    wont_fix: tuple[str, ...] = ("Won't Do", "Won't Fix")
    reopened: str = "Reopened"

    def kind(self, issue_type: str | None) -> IssueKind:
        if issue_type in self.bug_types:
            return "bug"
        if issue_type in self.feature_types:
            return "feature"
        return "task"

    def is_reopened(self, status_name: str) -> bool:
        return status_name.casefold() == self.reopened.casefold()

    def status(self, name: str, category: str | None, resolution: str | None) -> IssueStatus:
        if self.is_reopened(name):
            return "reopened"
        if category == "done":
            if resolution in self.wont_fix:
                return "wont_fix"
            return "closed" if name.casefold() == CLOSED_STATUS.casefold() else "resolved"
        if category == "indeterminate":
            return "in_progress"
        return "open"


@dataclass(frozen=True)
class IssueMapping:
    """Maps Jira issues to records; `browse` is the site root for links (None: no links)."""

    vocabulary: Vocabulary
    browse: str | None

    def ref(self, key: str) -> Ref:
        return Ref(system=SYSTEM, id=key, url=f"{self.browse}/browse/{key}" if self.browse else None)

    def issue(self, raw: Issue, *, snippet: bool) -> TrackerIssue:
        """The record of `raw`: a search hit (`snippet`, short body) or a whole issue with comments."""
        fields = raw.fields
        status_name = _name(fields.status) or ""
        category = (
            fields.status.status_category.key if fields.status and fields.status.status_category else None
        )
        history = raw.changelog.histories if raw.changelog else []
        comments = () if snippet else _comments(fields.comment)
        total = fields.comment.total if fields.comment else None
        body = issue_body(adf_to_text(fields.description), comments, total=total, snippet=snippet)
        labels = fields.labels
        return TrackerIssue(
            ref=self.ref(raw.key),
            key=raw.key,
            title=clean_text(fields.summary or ""),
            body=body,
            kind=self.vocabulary.kind(_name(fields.issuetype)),
            status=self.vocabulary.status(status_name, category, _name(fields.resolution)),
            priority=_priority(_name(fields.priority)),
            project=(fields.project.key if fields.project else None) or raw.key.split("-")[0],
            labels=tuple(label for label in labels if not label.startswith((TICKET_LABEL, ACCOUNT_LABEL))),
            components=tuple(n for c in fields.components if (n := _name(c))),
            linked_ticket_ids=_linked(labels, TICKET_LABEL),
            linked_account_ids=_linked(labels, ACCOUNT_LABEL),
            fix_version=_fix_version(fields.fix_versions),
            created_at=fields.created,
            updated_at=fields.updated,
            resolved_at=fields.resolutiondate or _last_resolved(history),
            reopened_at=self._reopened_at(status_name, category, fields, history),
        )

    def _reopened_at(
        self, name: str, category: str | None, fields: IssueFields, history: Sequence[History]
    ) -> datetime | None:
        if category == "done":
            return None
        cleared = [entry.created for entry in history if any(i.clears_resolution for i in entry.items)]
        if cleared:
            return max(cleared)
        if self.vocabulary.is_reopened(name):
            return fields.statuscategorychangedate
        return None


def _name(value: Named | None) -> str | None:
    return value.name if value is not None else None


def _priority(name: str | None) -> IssuePriority | None:
    return _PRIORITY_NAMES.get(name.casefold()) if name else None


def _linked(labels: Sequence[str], prefix: str) -> tuple[str, ...]:
    return tuple(
        label[len(prefix) :] for label in labels if label.startswith(prefix) and len(label) > len(prefix)
    )


def _fix_version(versions: Sequence[Named | None]) -> str | None:
    names = [n for v in versions if (n := _name(v))]
    return names[-1] if names else None


def _last_resolved(history: Sequence[History]) -> datetime | None:
    moments = [entry.created for entry in history if any(i.sets_resolution for i in entry.items)]
    return max(moments) if moments else None


def _comments(page: CommentPage | None) -> tuple[IssueComment, ...]:
    return tuple(
        IssueComment(c.author.display_name if c.author else None, c.created, adf_to_text(c.body))
        for c in (page.comments if page else ())
    )


__all__ = ["SYSTEM", "IssueMapping", "Vocabulary"]
