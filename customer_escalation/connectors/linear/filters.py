"""Linear ``IssueFilter`` objects built from the structured search arguments.

The team scope is ANDed into every filter, so no argument can widen it. Statuses read through the
workflow state's type and, for "reopened", its name; kinds through the bug and feature labels. A filter
that can match nothing (only statuses Linear has no state for) gives None instead of a query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..records import IssueKind, IssueStatus
from .mapping import DONE_TYPES, OPEN_TYPES, Vocabulary

Filter = dict[str, Any]


@dataclass(frozen=True)
class Filters:
    """Writes filters for one connector: its team scope and vocabulary."""

    teams: tuple[str, ...]
    vocabulary: Vocabulary

    def scope(self) -> list[Filter]:
        """The team clause ANDed into every filter (none without a team scope)."""
        return [{"team": {"key": {"in": list(self.teams)}}}] if self.teams else []

    def search(
        self, *, statuses: Sequence[IssueStatus], kind: IssueKind | None, since: datetime | None
    ) -> Filter | None:
        """The filter of a search, or None when the statuses asked for cannot match any issue."""
        clauses = self.scope()
        if kind is not None:
            clauses.append(self.kind(kind))
        if statuses:
            options = [option for status in statuses if (option := self.status(status)) is not None]
            if not options:
                return None
            clauses.append(options[0] if len(options) == 1 else {"or": options})
        if since is not None:
            clauses.append({"updatedAt": {"gte": since.isoformat()}})
        if not clauses:
            return {}
        return clauses[0] if len(clauses) == 1 else {"and": clauses}

    def kind(self, kind: IssueKind) -> Filter:
        """Bugs carry a bug label; features a feature label and no bug label; tasks neither."""
        bugs = list(self.vocabulary.bug_labels)
        features = list(self.vocabulary.feature_labels)
        if kind == "bug":
            return {"labels": {"some": {"name": {"in": bugs}}}}
        if kind == "feature":
            return {
                "and": [
                    {"labels": {"some": {"name": {"in": features}}}},
                    {"labels": {"every": {"name": {"nin": bugs}}}},
                ]
            }
        return {"labels": {"every": {"name": {"nin": bugs + features}}}}

    def status(self, status: IssueStatus) -> Filter | None:
        """A clause for `status`; None for "closed", which no Linear state type stands for."""
        reopened = self.vocabulary.reopened_state
        if status == "reopened":
            return {"state": {"name": {"eqIgnoreCase": reopened}, "type": {"nin": list(DONE_TYPES)}}}
        if status in ("open", "in_progress"):
            types = list(OPEN_TYPES) if status == "open" else ["started"]
            return {"state": {"type": {"in": types}, "name": {"neqIgnoreCase": reopened}}}
        if status == "resolved":
            return {"state": {"type": {"eq": "completed"}}}
        if status == "wont_fix":
            return {"state": {"type": {"eq": "canceled"}}}
        return None


__all__ = ["Filter", "Filters"]
