"""The assistant plugin: SKILL.md, CONNECTORS.md, the plugin manifest and .mcp.json stay consistent."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from mcp import Client

from customer_escalation.connectors.base import Registry
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.prompt_files import text as prompt_text
from customer_escalation.skill.server import build_server

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDERS = {"~~support platform", "~~CRM", "~~chat", "~~project tracker", "~~knowledge base"}
TOOL_NAME = re.compile(r"`((?:support|crm|chat|tracker|kb|escalation|followup)_[a-z_]+)`")


def _skill() -> tuple[dict[str, str], str]:
    text = (ROOT / "SKILL.md").read_text()
    match = re.match(r"^---\n(.*?)\n---\n(.*)$", text, re.DOTALL)
    assert match, "SKILL.md must start with YAML frontmatter"
    return yaml.safe_load(match.group(1)), match.group(2)


def test_frontmatter_names_the_skill_with_a_short_trigger_first_description() -> None:
    meta, _ = _skill()
    assert meta["name"] == "customer-escalation"
    assert len(meta["description"]) < 200
    assert meta["description"].lower().startswith("escalate")
    assert meta["argument-hint"]


def test_every_placeholder_keeps_its_tildes_and_names_a_known_category() -> None:
    _, body = _skill()
    found = set(re.findall(r"~~(?:support platform|CRM|chat|project tracker|knowledge base)", body))
    assert found == PLACEHOLDERS
    stray = re.findall(r"~~(?!support platform|CRM|chat|project tracker|knowledge base)\w+", body)
    assert stray == []
    for bare in ("**support platform**", "**CRM**", "**chat**", "**project tracker**", "**knowledge base**"):
        assert bare not in body, f"{bare} lost its ~~"


@pytest.mark.anyio
async def test_every_tool_the_skill_names_exists_on_the_server() -> None:
    _, body = _skill()
    named = set(TOOL_NAME.findall(body))
    assert {"support_search_tickets", "escalation_assess", "kb_search_articles"} <= named
    server = build_server(Registry(None, None, None, None, None), policy=load_policy())
    async with Client(server) as client:
        tools = {t.name for t in (await client.list_tools()).tools}
    assert named <= tools, f"SKILL.md names tools the server lacks: {named - tools}"


def test_skill_template_is_the_served_template() -> None:
    _, body = _skill()
    block = re.search(r"```\n(## ESCALATION:.*?)```", body, re.DOTALL)
    assert block is not None
    assert block.group(1) == prompt_text("brief-template.md")


def test_connectors_doc_maps_every_placeholder() -> None:
    doc = (ROOT / "CONNECTORS.md").read_text()
    for placeholder in PLACEHOLDERS:
        assert f"`{placeholder}`" in doc


def test_plugin_manifest_and_mcp_config_start_our_server_over_stdio() -> None:
    manifest = json.loads((ROOT / ".claude-plugin" / "plugin.json").read_text())
    assert manifest["name"] == "customer-escalation"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert manifest["version"] == project["project"]["version"]
    servers = json.loads((ROOT / ".mcp.json").read_text())["mcpServers"]
    entry = servers["customer-escalation"]
    assert entry["command"] in project["project"]["scripts"]
    assert entry["args"] == ["serve"]
