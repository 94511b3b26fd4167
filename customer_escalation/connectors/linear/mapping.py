"""Linear issues (`models.Issue`) as `TrackerIssue` records.

* The key is the identifier (``ENG-123``), the project the team's key. Linear's own project becomes the
  record's component and the project milestone its fix version.
* Kind comes from labels: a bug label makes a bug, else a feature label a feature, else a task. Those
  labels are the kind, so they are left out of the record's labels.
* Status reads through the workflow state's type: ``completed`` is resolved, ``canceled`` won't fix,
  ``started`` in progress, ``triage``/``backlog``/``unstarted`` open; a not-done state with the
  reopened name is reopened.
* Links to support tickets and CRM accounts are attachments: the id stored in their metadata
  (``ticketId`` / ``accountId``, what this connector writes) or read from an address that fits the
  configured ticket or account URL.
* ``resolved_at`` is when the issue was completed or canceled, else (a reopened issue) the last move
  into such a state in its history; ``reopened_at`` the last move out of one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..issue_body import IssueComment, issue_body
from ..records import IssueKind, IssuePriority, IssueStatus, Ref, TrackerIssue
from ..text import clean_text, single_line
from .models import Attachment, CommentConnection, HistoryEntry, Issue, State

SYSTEM = "linear"
DONE_TYPES = ("completed", "canceled")
OPEN_TYPES = ("triage", "backlog", "unstarted")
TICKET_META = "ticketId"
ACCOUNT_META = "accountId"
PRIORITIES: dict[int, IssuePriority] = {1: "highest", 2: "high", 3: "medium", 4: "low"}
"""Linear's priority numbers (0 is "no priority") as the record's priorities."""
PRIORITY_NUMBERS: dict[IssuePriority, int] = {"highest": 1, "high": 2, "medium": 3, "low": 4, "lowest": 4}


@dataclass(frozen=True)
class Vocabulary:
    """The workspace's names for our kinds and statuses."""

    bug_labels: tuple[str, ...] = ("Bug",)
    feature_labels: tuple[str, ...] = ("Feature", "Improvement")
    reopened_state: str = "Reopened"

    def kind(self, labels: Sequence[str]) -> IssueKind:
        if any(label in self.bug_labels for label in labels):
            return "bug"
        if any(label in self.feature_labels for label in labels):
            return "feature"
        return "task"

    def kind_label(self, kind: IssueKind) -> str | None:
        """The label a new issue of `kind` carries (tasks carry none)."""
        names = {"bug": self.bug_labels, "feature": self.feature_labels}.get(kind, ())
        return names[0] if names else None

    def is_kind_label(self, label: str) -> bool:
        return label in self.bug_labels or label in self.feature_labels

    def status(self, state: State | None) -> IssueStatus:
        kind = state.type if state is not None else None
        if kind == "completed":
            return "resolved"
        if kind == "canceled":
            return "wont_fix"
        if state is not None and (state.name or "").casefold() == self.reopened_state.casefold():
            return "reopened"
        return "in_progress" if kind == "started" else "open"


@dataclass(frozen=True)
class Links:
    """Where ticket and account links point: web address templates with ``{id}`` (None: not known)."""

    ticket_url: str | None = None
    account_url: str | None = None

    def ticket_ids(self, attachments: Sequence[Attachment]) -> tuple[str, ...]:
        return _linked(attachments, TICKET_META, _pattern(self.ticket_url))

    def account_ids(self, attachments: Sequence[Attachment]) -> tuple[str, ...]:
        return _linked(attachments, ACCOUNT_META, _pattern(self.account_url))


@dataclass(frozen=True)
class IssueMapping:
    """Maps Linear issues to records."""

    vocabulary: Vocabulary
    links: Links

    def issue(self, raw: Issue, *, snippet: bool) -> TrackerIssue:
        """The record of `raw`: a search hit (`snippet`, short body) or a whole issue with comments."""
        labels = [name for node in (raw.labels.nodes if raw.labels else ()) if (name := node.name)]
        attachments = raw.attachments.nodes if raw.attachments else ()
        history = raw.history.nodes if raw.history else ()
        comments = () if snippet else _comments(raw.comments)
        body = issue_body(clean_text(raw.description), comments, total=len(comments), snippet=snippet)
        done = raw.state is not None and raw.state.type in DONE_TYPES
        project = raw.project.name if raw.project else None
        return TrackerIssue(
            ref=Ref(system=SYSTEM, id=raw.identifier, url=raw.url),
            key=raw.identifier,
            title=single_line(raw.title),
            body=body,
            kind=self.vocabulary.kind(labels),
            status=self.vocabulary.status(raw.state),
            priority=PRIORITIES.get(int(raw.priority)) if raw.priority is not None else None,
            project=(raw.team.key if raw.team else None) or raw.identifier.rsplit("-", 1)[0],
            labels=tuple(label for label in labels if not self.vocabulary.is_kind_label(label)),
            components=(single_line(project),) if project else (),
            linked_ticket_ids=self.links.ticket_ids(attachments),
            linked_account_ids=self.links.account_ids(attachments),
            fix_version=raw.project_milestone.name if raw.project_milestone else None,
            created_at=raw.created_at,
            updated_at=raw.updated_at,
            resolved_at=raw.completed_at or raw.canceled_at or _last_move(history, into_done=True),
            reopened_at=None if done else _last_move(history, into_done=False),
        )


def _pattern(template: str | None) -> re.Pattern[str] | None:
    if template is None:
        return None
    before, after = template.split("{id}", 1)
    return re.compile(re.escape(before) + r"([^/?#]+)" + re.escape(after) + r"/?")


def _linked(attachments: Sequence[Attachment], meta: str, pattern: re.Pattern[str] | None) -> tuple[str, ...]:
    found: list[str] = []
    for attachment in attachments:
        value = (attachment.metadata or {}).get(meta)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            found.append(str(value).strip())
        elif pattern is not None and attachment.url and (match := pattern.fullmatch(attachment.url)):
            found.append(match.group(1))
    return tuple(dict.fromkeys(found))


def _last_move(history: Sequence[HistoryEntry], *, into_done: bool) -> datetime | None:
    """When the issue last moved into a done state (`into_done`) or out of one."""
    moments = [
        entry.created_at
        for entry in history
        if entry.from_state is not None
        and entry.to_state is not None
        and (entry.to_state.type in DONE_TYPES) == into_done
        and (entry.from_state.type in DONE_TYPES) != into_done
    ]
    return max(moments) if moments else None


def _comments(comments: CommentConnection | None) -> tuple[IssueComment, ...]:
    ordered = sorted(comments.nodes if comments else (), key=lambda comment: comment.created_at)
    return tuple(
        IssueComment(c.user.name if c.user else None, c.created_at, clean_text(c.body)) for c in ordered
    )


__all__ = [
    "DONE_TYPES",
    "OPEN_TYPES",
    "PRIORITY_NUMBERS",
    "SYSTEM",
    "IssueMapping",
    "Links",
    "Vocabulary",
]
