"""Background tracker content: everyday bugs, feature requests and engineering tasks.

Bugs carry the customer's way of describing them, so tickets linked to a bug read like reports of it.
None of them touches a scenario's symptom.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import TypeAdapter

from ._data import table


@dataclass(frozen=True)
class BugSpec:
    area: str
    component: str
    title: str
    subjects: tuple[str, ...]
    symptoms: tuple[str, ...]
    error: str = ""


@dataclass(frozen=True)
class FeatureSpec:
    area: str
    title: str
    ask: str


@dataclass(frozen=True)
class TaskSpec:
    area: str
    title: str
    body: str


BUGS = table("tracker.yaml", "bugs", TypeAdapter(tuple[BugSpec, ...]))
FEATURES = table("tracker.yaml", "features", TypeAdapter(tuple[FeatureSpec, ...]))
TASKS = table("tracker.yaml", "tasks", TypeAdapter(tuple[TaskSpec, ...]))
