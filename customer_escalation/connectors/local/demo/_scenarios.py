"""The demo's scenarios (``data/scenarios.yaml``): what a support lead would type, the ids of the
records that belong to it (written in ``data/stories/``), and the outcome the product should reach.

Story tickets and chat messages are placed by age (how long before `now` they were created); their
ids are fixed, so they never change while their timestamps always sit at the same distance from `now`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import TypeAdapter

from ...records import Decision, Severity, Target
from ._data import table


@dataclass(frozen=True)
class DemoScenario:
    """One story planted in the demo company, with the outcome the product should reach."""

    name: str
    issue: str
    """What a support lead would type."""
    account_id: str | None
    """The account the issue text names, if it names one."""
    ticket_ids: tuple[str, ...]
    """The tickets that belong to this issue (all affected customers' tickets)."""
    account_ids: tuple[str, ...]
    """The distinct affected accounts."""
    issue_keys: tuple[str, ...]
    article_ids: tuple[str, ...]
    message_ids: tuple[str, ...]
    """Related chat messages: the roots of the relevant threads."""
    expected_decision: Decision
    expected_target: Target | None
    expected_secondary: Target | None
    expected_severity: Severity | None
    why: str


DEMO_SCENARIOS = table("scenarios.yaml", "scenarios", TypeAdapter(tuple[DemoScenario, ...]))
