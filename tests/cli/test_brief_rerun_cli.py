"""What this product writes never feeds back into a later brief: a brief, its next steps executed (chat
post, internal note, customer update draft), then the same brief again gives the same sections, and so
does a brief after `deescalate --execute`. Run through the real entry point on the demo company."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from customer_escalation.skill.cli import main

EXPORT = "Data export is missing rows — 3 customers reported this week"
CHURN = "Customer threatening to churn over missing audit log feature"
SSO = "SSO login loop affecting all Enterprise customers"
PROSE = (
    "summary",
    "workflow_impact",
    "issue_description",
    "whats_been_tried",
    "reproduction",
    "reproduction_note",
    "last_update_to_customer",
    "customer_expectation",
    "escalation_risk",
    "whats_needed",
    "customers_affected",
    "revenue_at_risk",
    "supporting_context",
)
"""The brief's sections that come from the records (times in queue, SLA and deadline follow the clock)."""


@pytest.fixture
def workspace(demo_workspace: Path) -> Path:
    return demo_workspace


def _brief(issue: str, capsys: pytest.CaptureFixture[str], *flags: str) -> dict[str, Any]:
    assert main(["brief", issue, "--model", "offline", "--json", *flags]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def _sections(data: dict[str, Any], leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """The sections, with durations that follow the clock ("due in 39 minutes") left out."""
    text = json.dumps({key: data["output"][key] for key in PROSE if key not in leave_out})
    return dict(json.loads(re.sub(r"\b\d+ (?:minute|hour|day)s?\b", "(duration)", text)))


@pytest.mark.parametrize("issue", [EXPORT, CHURN, SSO])
def test_a_brief_after_its_own_next_steps_is_the_same_brief(
    issue: str, workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _brief(
        issue, capsys, "--post-to", "support-escalations", "--add-note", "--draft-update", "--execute"
    )
    assert {a["status"] for a in first["actions"]} == {"executed"}
    again = _brief(issue, capsys)
    assert _sections(again) == _sections(first)
    assert not any("ESCALATION:" in item["label"] for item in again["output"]["supporting_context"])


def test_a_brief_after_deescalation_keeps_its_sections(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _brief(
        EXPORT, capsys, "--post-to", "support-escalations", "--add-note", "--draft-update", "--execute"
    )
    assert main(["deescalate", first["escalation_id"], "--reason", "workaround confirmed", "--execute"]) == 0
    capsys.readouterr()
    again = _brief(EXPORT, capsys)
    # no report arrived after the de-escalation, so reading the same records again is not a recurrence
    assert _sections(again, ()) == _sections(first, ())
    assert "De-escalat" not in again["markdown"] and "DRAFT customer" not in again["markdown"]
