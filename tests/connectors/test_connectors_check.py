"""`customer-escalation connectors check` for the vendor connectors: bad settings are reported on one
line naming each variable at fault without its value, and the probe against the vendor (its fake,
served on loopback) tells a healthy connection from rejected credentials without showing the token."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from customer_escalation.skill.cli import main
from tests.contract.dataset import CONTRACT_DATASET
from tests.fakes.guru import GuruFake
from tests.fakes.intercom import DEFAULT_ADMIN_ID, IntercomFake
from tests.fakes.loopback import served
from tests.fakes.salesforce import SalesforceFake


@dataclass(frozen=True)
class Misconfigured:
    """Settings for `system` with problems in them: every variable set but the selector, and every
    one of `missing`, must be named on its line; `hides` must be nowhere."""

    system: str
    line_start: str
    env: dict[str, str]
    hides: tuple[str, ...]
    missing: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        chosen = [name for name in self.env if not name.startswith("CUSTOMER_ESCALATION_")]
        return (*self.missing, *chosen)


MISCONFIGURED = [
    Misconfigured(
        "guru",
        "knowledge base",
        {
            "CUSTOMER_ESCALATION_KB": "guru",
            "GURU_API_TOKEN": "s3cret-guru broken",
            "GURU_BASE_URL": "http://guru.internal",
        },
        hides=("s3cret-guru", "guru.internal"),
        missing=("GURU_USER",),
    ),
    Misconfigured(
        "intercom",
        "support platform",
        {
            "CUSTOMER_ESCALATION_SUPPORT": "intercom",
            "INTERCOM_ACCESS_TOKEN": "tok_secret_0042 broken",
            "INTERCOM_REGION": "mars-1",
        },
        hides=("tok_secret", "mars-1"),
        missing=("INTERCOM_ADMIN_ID",),
    ),
    Misconfigured(
        "salesforce",
        "CRM",
        {
            "CUSTOMER_ESCALATION_CRM": "salesforce",
            "SALESFORCE_ACCESS_TOKEN": "00Dsecret!0042 broken",
            "SALESFORCE_INSTANCE_URL": "http://acme.my.salesforce.com",
            "SALESFORCE_ARR_FIELD": "ARR__c, Name",
        },
        hides=("00Dsecret", "ARR__c, Name"),
    ),
]


@pytest.mark.parametrize("case", MISCONFIGURED, ids=lambda case: case.system)
def test_connectors_check_reports_each_bad_setting_on_one_line_without_secrets(
    case: Misconfigured,
    demo_workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for variable, value in case.env.items():
        monkeypatch.setenv(variable, value)
    assert main(["connectors", "check"]) == 1
    out = capsys.readouterr().out
    (line,) = [line for line in out.splitlines() if line.startswith(case.line_start)]
    assert case.system in line and "misconfigured" in line
    for variable in case.names:
        assert variable in line
    for value in case.hides:
        assert value not in out


@dataclass(frozen=True)
class Probed:
    """A vendor's fake, the settings that point every one of `categories` at it, the detail a rejected
    token is reported with, and what the fake was asked over the two checks."""

    system: str
    fake: Callable[[], Any]
    env: Callable[[Any, str], dict[str, str]]
    categories: tuple[str, ...]
    rejected: str
    asked: Callable[[Any], object]
    expected: object


PROBED = [
    Probed(
        "guru",
        lambda: GuruFake(CONTRACT_DATASET),
        lambda fake, url: {
            "CUSTOMER_ESCALATION_KB": "guru",
            "GURU_BASE_URL": url,
            "GURU_USER": fake.user,
            "GURU_API_TOKEN": fake.token,
        },
        categories=("kb",),
        rejected="GURU_USER and GURU_API_TOKEN",
        asked=lambda fake: [call.path for call in fake.calls],
        expected=["/api/v1/teams"] * 2,
    ),
    Probed(
        "intercom",
        lambda: IntercomFake(CONTRACT_DATASET),
        lambda fake, url: {
            "CUSTOMER_ESCALATION_SUPPORT": "intercom",
            "CUSTOMER_ESCALATION_KB": "intercom",
            "INTERCOM_BASE_URL": url,
            "INTERCOM_ACCESS_TOKEN": fake.token,
            "INTERCOM_ADMIN_ID": DEFAULT_ADMIN_ID,
        },
        categories=("support", "kb"),
        rejected="Access Token Invalid",
        asked=lambda fake: (sorted(c.path for c in fake.calls), {c.version for c in fake.calls}),
        expected=(["/articles", "/articles", "/me", "/me"], {"2.14"}),
    ),
    Probed(
        "salesforce",
        lambda: SalesforceFake(CONTRACT_DATASET),
        lambda fake, url: {
            "CUSTOMER_ESCALATION_CRM": "salesforce",
            "SALESFORCE_INSTANCE_URL": url,
            "SALESFORCE_ACCESS_TOKEN": fake.token,
        },
        categories=("crm",),
        rejected="INVALID_SESSION_ID",
        asked=lambda fake: fake.queries(),
        expected=["SELECT Id FROM Account LIMIT 1"] * 2,
    ),
]


def _rows(capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, str]]:
    """The `--json` rows by category, each category once."""
    rows = json.loads(capsys.readouterr().out)
    by_category = {row["category"]: row for row in rows}
    assert len(by_category) == len(rows)
    return by_category


@pytest.mark.parametrize("case", PROBED, ids=lambda case: case.system)
def test_connectors_check_probes_the_vendor_and_reports_rejected_credentials(
    case: Probed,
    demo_workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake = case.fake()
    with served(fake.app) as url:
        for variable, value in case.env(fake, url).items():
            monkeypatch.setenv(variable, value)
        assert main(["connectors", "check", "--json"]) == 0
        healthy = _rows(capsys)
        fake.unauthorized = True
        assert main(["connectors", "check", "--json"]) == 1
        rejected = _rows(capsys)
    for category in case.categories:
        assert (healthy[category]["system"], healthy[category]["status"]) == (case.system, "ok")
        assert rejected[category]["status"] == "auth failed"
        assert case.rejected in rejected[category]["detail"]
    assert fake.token not in json.dumps([healthy, rejected])
    assert case.asked(fake) == case.expected
