"""A full brief from the plugin's other connector set (Intercom, Salesforce, Slack, Linear and Notion), each
vendor fake serving the demo company on its own loopback port, held against the brief the local workspace
writes from the same records: the same decision, target, severity, customers and ARR."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from customer_escalation.connectors.factory import build_registry
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.local.demo import build_demo
from customer_escalation.connectors.records import Dataset
from customer_escalation.connectors.salesforce.settings import FIELD_VARIABLES
from customer_escalation.connectors.settings import load_settings
from customer_escalation.skill.agent import RunResult
from tests.fakes.intercom import DEFAULT_ADMIN_ID, PRIORITY_ATTRIBUTE, IntercomFake
from tests.fakes.linear import LinearFake
from tests.fakes.notion import ROOT_PAGE, NotionFake
from tests.fakes.salesforce import ORG_FIELDS, SalesforceFake
from tests.fakes.slack import SlackFake

from .vendor_run import NOW, assert_every_fake_called, chosen_systems_env, offline_brief, slack_env

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
SYSTEMS = {"support": "intercom", "crm": "salesforce", "chat": "slack", "tracker": "linear", "kb": "notion"}
FAKES: dict[str, Callable[[Dataset], Any]] = {
    "intercom": lambda dataset: IntercomFake(dataset, now=lambda: NOW),
    "salesforce": SalesforceFake,
    "slack": lambda dataset: SlackFake(dataset, now=lambda: NOW),
    "linear": lambda dataset: LinearFake(dataset, now=lambda: NOW),
    "notion": lambda dataset: NotionFake(dataset, now=lambda: NOW),
}
"""How each vendor's fake is made of the demo company (served by the `vendors` fixture)."""


def _env(vendors: dict[str, Any], tmp: Path) -> dict[str, str]:
    fakes, urls = vendors["fakes"], vendors["urls"]
    return {
        **chosen_systems_env(tmp, SYSTEMS),
        "INTERCOM_BASE_URL": urls["intercom"],
        "INTERCOM_ACCESS_TOKEN": fakes["intercom"].token,
        "INTERCOM_ADMIN_ID": DEFAULT_ADMIN_ID,
        "INTERCOM_PRIORITY_ATTRIBUTE": PRIORITY_ATTRIBUTE,
        "INTERCOM_WORKSPACE_ID": fakes["intercom"].workspace_id,
        "SALESFORCE_INSTANCE_URL": urls["salesforce"],
        "SALESFORCE_ACCESS_TOKEN": fakes["salesforce"].token,
        **{FIELD_VARIABLES[fact]: name for fact, name in ORG_FIELDS.items()},
        **slack_env(urls),
        "LINEAR_BASE_URL": urls["linear"],
        "LINEAR_API_KEY": fakes["linear"].api_key,
        "LINEAR_TICKET_URL": fakes["linear"].ticket_url,
        "LINEAR_ACCOUNT_URL": fakes["linear"].account_url,
        "NOTION_BASE_URL": urls["notion"],
        "NOTION_TOKEN": fakes["notion"].token,
        "NOTION_ROOT_PAGES": ROOT_PAGE,
        "NOTION_REQUESTS_PER_SECOND": "1000",
    }


async def _brief(env: dict[str, str]) -> RunResult:
    return await offline_brief(build_registry(load_settings(env), clock=lambda: NOW))


def _outcome(result: RunResult) -> dict[str, Any]:
    assessment = result.assessment
    assert assessment is not None
    return {
        "decision": assessment.decision,
        "target": assessment.target,
        "severity": assessment.severity,
        "customers": sorted(a.name for a in assessment.breadth.accounts),
        "arr": assessment.revenue.arr_at_risk,
    }


async def test_the_second_connector_set_writes_the_brief_the_local_workspace_writes(
    vendors: dict[str, Any], tmp_path: Path
) -> None:
    LocalWorkspace.create(tmp_path / "local.sqlite", build_demo(NOW), clock=lambda: NOW).close()
    local = await _brief({"CUSTOMER_ESCALATION_WORKSPACE": str(tmp_path / "local.sqlite")})
    vendor = await _brief(_env(vendors, tmp_path))

    assert vendor.unavailable == []
    assert _outcome(vendor) == _outcome(local)
    assert _outcome(vendor)["decision"] == "escalate"
    brief = vendor.brief
    assert brief is not None and brief.reproduction is not None
    refs = {item.ref for item in brief.supporting_context}
    assert any(r and r.startswith("ticket:") for r in refs)  # from Intercom
    assert_every_fake_called(vendors)
