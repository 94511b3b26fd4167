"""Collecting the records behind an assessment through the connectors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from customer_escalation.connectors.base import Registry
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.skill.evidence import EvidenceRequest, collect
from tests.backends import open_store
from tests.contract.dataset import CONTRACT_DATASET, NOW

pytestmark = pytest.mark.anyio


class _CountingCRM:
    """The workspace's CRM under another system's name, so accounts are matched by search; counts searches."""

    system = "hubspot"

    def __init__(self, inner: LocalWorkspace) -> None:
        self.inner = inner
        self.searches: list[str] = []

    async def check(self) -> None:
        return None

    async def aclose(self) -> None:
        return None

    async def search_accounts(self, query: str, **kwargs: Any) -> Any:
        self.searches.append(query)
        return await self.inner.search_accounts(query, **kwargs)

    async def get_account(self, account_id: str) -> Any:
        return await self.inner.get_account(account_id)

    async def list_opportunities(self, account_id: str) -> Any:
        return await self.inner.list_opportunities(account_id)


async def test_each_organization_is_looked_up_in_the_crm_once(tmp_path: Path) -> None:
    async with open_store(tmp_path, CONTRACT_DATASET, clock=lambda: NOW) as store:
        ws = store.workspace
        crm = _CountingCRM(ws)
        registry = Registry(support=ws, crm=crm, chat=ws, tracker=ws, kb=ws)
        # 101 and 105 belong to Northwind; 102 and 104 to Contoso
        request = EvidenceRequest(issue="Webhooks failing", ticket_ids=("101", "105", "102", "104"))
        evidence = await collect(registry, request, now=NOW)
    assert sorted(crm.searches) == ["contoso.example", "northwind.example"]
    assert evidence.ticket_accounts == {
        "101": "northwind",
        "105": "northwind",
        "102": "contoso",
        "104": "contoso",
    }


async def test_missing_ids_are_listed_not_raised(tmp_path: Path) -> None:
    async with open_store(tmp_path, CONTRACT_DATASET, clock=lambda: NOW) as store:
        ws = store.workspace
        registry = Registry(support=ws, crm=ws, chat=ws, tracker=ws, kb=ws)
        request = EvidenceRequest(
            issue="x", ticket_ids=("101", "nope"), issue_keys=("ENG-0",), message_ids=("bad",)
        )
        evidence = await collect(registry, request, now=NOW)
    assert [t.id for t in evidence.tickets] == ["101"]
    assert set(evidence.missing) == {"ticket:nope", "issue:ENG-0", "message:bad"}
