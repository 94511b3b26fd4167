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


@dataclass(frozen=True)
class _Drawing:
    """How the background issues of one kind are drawn: status weights, age, priority and label."""

    kind: IssueKind
    statuses: tuple[tuple[IssueStatus, int], ...]
    max_age_days: int
    priorities: tuple[str, ...]
    """Drawn uniformly; repeats weigh a priority."""
    label: str


_BUGS = _Drawing(
    "bug",
    (("resolved", 34), ("closed", 14), ("open", 20), ("in_progress", 14), ("reopened", 4), ("wont_fix", 8)),
    170,
    ("medium", "medium", "low", "high"),
    "customer-reported",
)
_FEATURES = _Drawing(
    "feature",
    (("open", 62), ("in_progress", 10), ("resolved", 12), ("closed", 4), ("wont_fix", 12)),
    400,
    ("medium", "low", "low", "lowest"),
    "feature-request",
)
_TASKS = _Drawing(
    "task",
    (("open", 35), ("in_progress", 25), ("resolved", 25), ("closed", 15)),
    150,
    ("medium", "low", "low"),
    "internal",
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


def _feature_body(spec: FeatureSpec) -> str:
    return f"Customers ask for {spec.ask}. Collect use cases and the accounts asking here."


def _times(
    rng: random.Random, now: datetime, max_age_days: int, status: IssueStatus
) -> tuple[datetime, datetime, datetime | None, datetime | None]:
    """(created, updated, resolved, reopened) of an issue in `status`, at most `max_age_days` old."""
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


def _draft(
    rng: random.Random,
    now: datetime,
    drawing: _Drawing,
    spec: BugSpec | FeatureSpec | TaskSpec,
    body: str,
    components: tuple[str, ...] = (),
) -> IssueDraft:
    """An issue of `drawing`'s kind about `spec`, with a drawn status, history and priority; no key yet."""
    status = _pick(rng, drawing.statuses)
    created, updated, resolved, reopened = _times(rng, now, drawing.max_age_days, status)
    return IssueDraft(
        key="",
        kind=drawing.kind,
        status=status,
        priority=rng.choice(drawing.priorities),
        area=spec.area,
        title=spec.title,
        body=body,
        labels=(spec.area, drawing.label),
        components=components,
        created_at=created,
        updated_at=updated,
        spec=spec,
        resolved_at=resolved,
        reopened_at=reopened,
    )


def _number(
    rng: random.Random,
    drafts: list[IssueDraft],
    project: str,
    first: int,
    fixed: frozenset[int],
    gaps: tuple[int, int],
) -> list[IssueDraft]:
    """`drafts` oldest first, keyed ``<project>-<n>`` upwards from about `first`, each number a gap
    drawn from the range `gaps` after the last, skipping the numbers the scenarios hold."""
    ordered = sorted(drafts, key=lambda d: d.created_at)
    number = first + rng.randrange(6)
    for draft in ordered:
        while number in fixed:
            number += 1
        draft.key = f"{project}-{number}"
        number += rng.randrange(*gaps)
    return ordered


def draft_issues(now: datetime, rng: random.Random) -> list[IssueDraft]:
    """Every background bug, feature request and task, with status history, ordered by key."""
    drafts: list[IssueDraft] = []
    for spec in BUGS:
        bug = _draft(rng, now, _BUGS, spec, _bug_body(spec), (spec.component,))
        if bug.status in ("resolved", "closed", "reopened") and bug.resolved_at is not None:
            bug.fix_version, shipped = release_after(now, bug.resolved_at)
            bug.resolved_at = min(bug.resolved_at, shipped)
        drafts.append(bug)
    drafts.extend(_draft(rng, now, _TASKS, task, task.body) for task in TASKS)
    eng = _number(rng, drafts, "ENG", 3008, _FIXED_ENG, (2, 6))
    features = [_draft(rng, now, _FEATURES, fspec, _feature_body(fspec)) for fspec in FEATURES]
    features = _number(rng, features, "PROD", 288, _FIXED_PROD, (1, 5))
    return sorted(eng + features, key=lambda d: d.created_at)
