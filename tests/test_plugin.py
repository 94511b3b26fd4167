"""The assistant plugin: SKILL.md, CONNECTORS.md, the plugin manifest and .mcp.json stay consistent."""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from mcp import Client, StdioServerParameters

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


def _mcp_entry() -> dict[str, Any]:
    entry: dict[str, Any] = json.loads((ROOT / ".mcp.json").read_text())["mcpServers"]["customer-escalation"]
    return entry


def test_plugin_manifest_and_mcp_config_start_our_server_from_the_plugin_folder() -> None:
    manifest = json.loads((ROOT / ".claude-plugin" / "plugin.json").read_text())
    assert manifest["name"] == "customer-escalation"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert manifest["version"] == project["project"]["version"]
    assert manifest["mcpServers"] == "./.mcp.json"
    entry = _mcp_entry()
    assert entry["type"] == "stdio"
    assert entry["command"] == "uv"
    args = entry["args"]
    assert args[:1] == ["run"]
    assert args[args.index("--project") + 1] == "${CLAUDE_PLUGIN_ROOT}"
    script, command = args[-2:]
    assert script in project["project"]["scripts"]
    assert command == "serve"


def test_the_repository_is_a_marketplace_listing_this_plugin() -> None:
    market = json.loads((ROOT / ".claude-plugin" / "marketplace.json").read_text())
    manifest = json.loads((ROOT / ".claude-plugin" / "plugin.json").read_text())
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", market["name"])
    assert market["owner"]["name"]
    (entry,) = market["plugins"]
    assert entry["name"] == manifest["name"]
    assert entry["source"] == "./"  # the repository root is the plugin
    assert (ROOT / entry["source"] / ".claude-plugin" / "plugin.json").is_file()
    assert entry["version"] == manifest["version"]
    assert entry["description"] == manifest["description"]


def test_connectors_doc_says_what_to_install_for_the_plugin() -> None:
    doc = (ROOT / "CONNECTORS.md").read_text()
    assert "uv run --quiet --project ${CLAUDE_PLUGIN_ROOT} customer-escalation serve" in doc
    assert "https://docs.astral.sh/uv/" in doc
    assert "/plugin marketplace add" in doc


@pytest.mark.anyio
async def test_the_mcp_config_command_starts_the_server_with_only_uv_on_path(tmp_path: Path) -> None:
    """The `.mcp.json` command, as the assistant runs it: PATH holds only uv (the documented
    prerequisite), ${CLAUDE_PLUGIN_ROOT} is the repository. uv runs offline in the environment these
    tests run in, which already holds the project (UV_NO_SYNC: nothing is resolved or downloaded)."""
    try:
        import uv
    except ImportError:
        pytest.skip("the uv package is not installed (pip install -e '.[dev]')")
    if sys.prefix == sys.base_prefix:
        pytest.skip("the tests do not run in a virtual environment uv could use offline")
    only_uv = tmp_path / "bin"
    only_uv.mkdir()
    (only_uv / "uv").symlink_to(uv.find_uv_bin())
    entry = _mcp_entry()
    args = [arg.replace("${CLAUDE_PLUGIN_ROOT}", str(ROOT)) for arg in entry["args"]]
    env = {
        "PATH": str(only_uv),
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "UV_CACHE_DIR": str(tmp_path / "uv-cache"),
        "UV_OFFLINE": "1",
        "UV_NO_SYNC": "1",
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_PROJECT_ENVIRONMENT": sys.prefix,
    }
    params = StdioServerParameters(command=entry["command"], args=args, env=env, cwd=tmp_path)
    async with Client(params) as client:
        tools = {t.name for t in (await client.list_tools()).tools}
        assert {"support_search_tickets", "escalation_assess"} <= tools
        result = await client.call_tool("kb_search_articles", {"query": "webhook", "limit": 1})
    assert result.is_error is False
    assert result.structured_content is not None
    assert result.structured_content["source"] == "demo"  # nothing configured: the demo, marked
    assert not (ROOT / "uv.lock").exists()
