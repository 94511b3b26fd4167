"""Background tracker issues: drafted first, linked to tickets while those are generated, then frozen."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ...records import IssueKind, IssueStatus, TrackerIssue
from ._common import ref
from ._tracker_bank import BUGS, FEATURES, TASKS, BugSpec, FeatureSpec, TaskSpec

_FIXED_ENG = frozenset({3120, 3398, 3412, 3430})
_FIXED_PROD = frozenset({412})

RELEASES: tuple[tuple[str, float], ...] = (
    ("2026.11.3", 0.84),
    ("2026.11.2", 6.1),
    ("2026.11.1", 12.5),
    ("2026.10.3", 16.0),
    ("2026.10.2", 21.2),
    ("2026.10.1", 28.0),
    ("2026.9.4", 35.0),
    ("2026.9.3", 42.0),
    ("2026.9.2", 49.0),
    ("2026.9.1", 56.0),
    ("2026.8.3", 63.0),
    ("2026.8.2", 72.0),
    ("2026.8.1", 80.0),
    ("2026.7.3", 90.0),
    ("2026.7.2", 104.0),
    ("2026.7.1", 118.0),
    ("2026.6.2", 135.0),
    ("2026.6.1", 150.0),
    ("2026.5.2", 170.0),
    ("2026.5.1", 190.0),
)
"""Release names and how many days before now each went out, newest first."""


def release_after(now: datetime, at: datetime) -> tuple[str, datetime]:
    """The first release that went out at or after `at` (the one that shipped a fix made then)."""
    best = RELEASES[0]
    for name, days in RELEASES:
        if now - timedelta(days=days) >= at:
            best = (name, days)
    return best[0], now - timedelta(days=best[1])


@dataclass
class IssueDraft:
    key: str
    kind: IssueKind
    status: IssueStatus
    priority: str
    area: str
    title: str
    body: str
    labels: tuple[str, ...]
    components: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    spec: BugSpec | FeatureSpec | TaskSpec
    resolved_at: datetime | None = None
    reopened_at: datetime | None = None
    fix_version: str | None = None
    tickets: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)

    @property
    def is_done(self) -> bool:
        return self.status in ("resolved", "closed", "wont_fix")

    def freeze(self) -> TrackerIssue:
        return TrackerIssue.model_validate(
            {
                "ref": ref(self.key),
                "key": self.key,
                "title": self.title,
                "body": self.body,
                "kind": self.kind,
                "status": self.status,
                "priority": self.priority,
                "project": self.key.split("-")[0],
                "labels": self.labels,
                "components": self.components,
                "linked_ticket_ids": tuple(self.tickets),
                "linked_account_ids": tuple(dict.fromkeys(self.accounts)),
                "fix_version": self.fix_version,
                "created_at": self.created_at,
                "updated_at": max(self.updated_at, self.created_at),
                "resolved_at": self.resolved_at,
                "reopened_at": self.reopened_at,
            }
        )


_BUG_STATUS: tuple[tuple[IssueStatus, int], ...] = (
    ("resolved", 34),
    ("closed", 14),
    ("open", 20),
    ("in_progress", 14),
    ("reopened", 4),
    ("wont_fix", 8),
)
_FEATURE_STATUS: tuple[tuple[IssueStatus, int], ...] = (
    ("open", 62),
    ("in_progress", 10),
    ("resolved", 12),
    ("closed", 4),
    ("wont_fix", 12),
)
_TASK_STATUS: tuple[tuple[IssueStatus, int], ...] = (
    ("open", 35),
    ("in_progress", 25),
    ("resolved", 25),
    ("closed", 15),
)


def _pick(rng: random.Random, weighted: tuple[tuple[IssueStatus, int], ...]) -> IssueStatus:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _bug_body(spec: BugSpec) -> str:
    symptom = spec.symptoms[0].replace("{dash}", "Weekly revenue").replace("{domain}", "customer.example")
    symptom = symptom.replace("{seats}", "40")
    parts = [f"Customer report: {symptom}"]
    if spec.error:
        parts.append(f"Error seen by customers:\n\n    {spec.error}")
    parts.append(f"Component: {spec.component}. Needs a repro on staging before estimating.")
    return "\n\n".join(parts)


def draft_issues(now: datetime, rng: random.Random) -> list[IssueDraft]:
    """Every background bug, feature request and task, with status history, ordered by key."""
    drafts: list[IssueDraft] = []

    def times(
        max_age_days: int, status: IssueStatus
    ) -> tuple[datetime, datetime, datetime | None, datetime | None]:
        created = now - timedelta(days=rng.uniform(1.5, max_age_days), minutes=rng.randrange(1440))
        resolved = reopened = None
        age = (now - created).total_seconds() / 86400
        if status in ("resolved", "closed", "wont_fix", "reopened"):
            resolved = created + timedelta(days=rng.uniform(0.5, max(0.6, age * 0.8)))
        if status == "reopened" and resolved is not None:
            reopened = resolved + (now - resolved) * rng.uniform(0.3, 0.9)
        updated = max(t for t in (created, resolved, reopened) if t is not None)
        if status in ("open", "in_progress"):
            updated = created + (now - created) * rng.uniform(0.2, 0.95)
        return created, updated, resolved, reopened

    for spec in BUGS:
        status = _pick(rng, _BUG_STATUS)
        created, updated, resolved, reopened = times(170, status)
        fix = None
        if status in ("resolved", "closed", "reopened") and resolved is not None:
            fix, shipped = release_after(now, resolved)
            resolved = min(resolved, shipped)
        drafts.append(
            IssueDraft(
                key="",
                kind="bug",
                status=status,
                priority=rng.choice(("medium", "medium", "low", "high")),
                area=spec.area,
                title=spec.title,
                body=_bug_body(spec),
                labels=(spec.area, "customer-reported"),
                components=(spec.component,),
                created_at=created,
                updated_at=updated,
                spec=spec,
                resolved_at=resolved,
                reopened_at=reopened,
                fix_version=fix,
            )
        )
    for task in TASKS:
        status = _pick(rng, _TASK_STATUS)
        created, updated, resolved, _ = times(150, status)
        drafts.append(
            IssueDraft(
                key="",
                kind="task",
                status=status,
                priority=rng.choice(("medium", "low", "low")),
                area=task.area,
                title=task.title,
                body=task.body,
                labels=(task.area, "internal"),
                components=(),
                created_at=created,
                updated_at=updated,
                spec=task,
                resolved_at=resolved,
            )
        )
    eng = sorted(drafts, key=lambda d: d.created_at)
    number = 3008 + rng.randrange(6)
    for draft in eng:
        while number in _FIXED_ENG:
            number += 1
        draft.key = f"ENG-{number}"
        number += rng.randrange(2, 6)
    features: list[IssueDraft] = []
    for fspec in FEATURES:
        status = _pick(rng, _FEATURE_STATUS)
        created, updated, resolved, _ = times(400, status)
        features.append(
            IssueDraft(
                key="",
                kind="feature",
                status=status,
                priority=rng.choice(("medium", "low", "low", "lowest")),
                area=fspec.area,
                title=fspec.title,
                body=f"Customers ask for {fspec.ask}. Collect use cases and the accounts asking here.",
                labels=(fspec.area, "feature-request"),
                components=(),
                created_at=created,
                updated_at=updated,
                spec=fspec,
                resolved_at=resolved,
            )
        )
    features.sort(key=lambda d: d.created_at)
    number = 288 + rng.randrange(6)
    for draft in features:
        while number in _FIXED_PROD:
            number += 1
        draft.key = f"PROD-{number}"
        number += rng.randrange(1, 5)
    return sorted(eng + features, key=lambda d: d.created_at)
