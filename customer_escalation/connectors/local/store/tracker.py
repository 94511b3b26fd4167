"""The project tracker's issues in the workspace."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from ...base import IssueDraft, WriteReceipt
from ...errors import InvalidQueryError
from ...records import (
    Ref,
    TrackerIssue,
)
from .. import indexing
from ..indexing import upsert
from .base import SYSTEM, require_text
from .reads import IssueReads
from .searching import SearchingStore


class TrackerTables(SearchingStore, IssueReads):
    """Issues: search, read, create."""

    async def create_issue(self, draft: IssueDraft, *, idempotency_key: str) -> WriteReceipt:
        """Create an issue with the next free key of its project (``ENG-43`` after ``ENG-42``).

        A second call with the same `idempotency_key` writes nothing and returns the first receipt.

        Raises:
            InvalidQueryError: the project or title is empty, or the key was used for a different write.
        """
        check_draft(draft)

        def write(conn: sqlite3.Connection) -> Ref:
            now = self._clock()
            number = conn.execute(
                "SELECT coalesce(max(number), 0) + 1 FROM issues WHERE project = ?", (draft.project,)
            ).fetchone()[0]
            while conn.execute(
                "SELECT 1 FROM issues WHERE key = ?", (f"{draft.project}-{number}",)
            ).fetchone():
                number += 1
            key = f"{draft.project}-{number}"
            issue = new_issue(draft, key, now)
            upsert(conn, indexing.ISSUES, issue)
            return issue.ref

        return await self._idempotent(
            "tracker.create_issue", idempotency_key, draft.model_dump(mode="json"), write
        )


def check_draft(draft: IssueDraft) -> None:
    """Refuse a draft no workspace can file: an empty project or title, or a project that is not a key.

    Raises:
        InvalidQueryError: naming what is wrong.
    """
    require_text("project", draft.project)
    require_text("title", draft.title)
    if "-" in draft.project or any(c.isspace() for c in draft.project):
        raise InvalidQueryError(
            f"project {draft.project!r} is not a project key; use letters and digits like ENG",
            system=SYSTEM,
        )


def new_issue(draft: IssueDraft, key: str, now: datetime) -> TrackerIssue:
    """The open issue a draft files under `key`, as every workspace stores it."""
    return TrackerIssue(
        ref=Ref(system=SYSTEM, id=key),
        key=key,
        title=draft.title,
        body=draft.body_markdown,
        kind=draft.kind,
        status="open",
        priority=draft.priority,
        project=draft.project,
        labels=draft.labels,
        linked_ticket_ids=draft.linked_ticket_ids,
        linked_account_ids=draft.linked_account_ids,
        created_at=now,
        updated_at=now,
    )
