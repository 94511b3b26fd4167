"""What the end-to-end brief tests share: the vendor fakes served on loopback, the Slack variables both
connector sets use, and one offline run of the agent over the MCP server."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mcp import Client

from customer_escalation.connectors.base import Registry
from customer_escalation.connectors.local.demo import build_demo
from customer_escalation.connectors.records import Dataset
from customer_escalation.skill.agent import RunResult, run_escalation
from customer_escalation.skill.models.planner import OfflinePlanner
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server
from tests.fakes.slack import BOT_TOKEN, USER_TOKEN

from .loopback import serving

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
ISSUE = "API returning 500 errors intermittently for Acme Corp"


@contextmanager
def serving_demo(makers: Mapping[str, Callable[[Dataset], Any]]) -> Iterator[dict[str, Any]]:
    """Make each vendor's fake of the demo company at `NOW` and serve its app on its own loopback port;
    yields the fakes and their base URLs by name."""
    dataset = build_demo(NOW)
    fakes = {name: make(dataset) for name, make in makers.items()}
    with serving({name: fake.app for name, fake in fakes.items()}) as urls:
        yield {"fakes": fakes, "urls": urls}


def assert_every_fake_called(vendors: Mapping[str, Any]) -> None:
    """Every served fake received at least one request."""
    for name, fake in vendors["fakes"].items():
        assert fake.calls, f"{name} was never called"


def chosen_systems_env(tmp: Path, systems: Mapping[str, str]) -> dict[str, str]:
    """The variables that choose each category's system, with the escalation history under `tmp`."""
    chosen = {f"CUSTOMER_ESCALATION_{category.upper()}": system for category, system in systems.items()}
    return {"CUSTOMER_ESCALATION_WORKSPACE": str(tmp / "history.sqlite"), **chosen}


def slack_env(urls: Mapping[str, str]) -> dict[str, str]:
    """The variables that point the Slack connector at the served Slack fake."""
    return {
        "SLACK_BASE_URL": urls["slack"] + "/api",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_USER_TOKEN": USER_TOKEN,
    }


async def offline_brief(registry: Registry) -> RunResult:
    """The offline planner's run on `ISSUE` over an MCP server on `registry`; closes the registry after."""
    try:
        server = build_server(registry, policy=load_policy(), clock=lambda: NOW)
        async with Client(server) as session:
            return await run_escalation(
                ISSUE, session=session, model=OfflinePlanner(clock=lambda: NOW), clock=lambda: NOW
            )
    finally:
        await registry.aclose()
