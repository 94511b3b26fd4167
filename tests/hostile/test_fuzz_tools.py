"""Fuzzed tool input: hypothesis over the arguments of every MCP tool, through the SDK's in-memory client.

Arguments mix well-formed values with hostile ones: SQL and FTS5 syntax, odd Unicode, huge strings,
negative and huge limits, wrong types, missing and extra arguments, forged and foreign cursors, bad
dates. Every call must end in one of two ways:

- a clean tool error: ``Error executing tool <name>: <what to do>`` (a crash shows as the bare
  ``Error executing tool <name>``, with the server logging "raised an unexpected exception");
- a valid result: structured content, the same JSON as text, within the size cap; a search's
  `next_cursor` fetches the next page.

The server writes for real here (a workspace copy with its history), so the write tools are fuzzed past
their previews too. `EXAMPLES_PER_TOOL` keeps CI quick; raise it for a longer hunt.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from mcp import Client
from mcp.types import CallToolResult, TextContent

from customer_escalation.connectors.base import Registry
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.local.history_store import SqliteHistoryStore
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import CONNECTOR_READ_TOOLS, build_server
from tests.contract.dataset import CONTRACT_DATASET, NOW

EXAMPLES_PER_TOOL = 60
RESULT_CHARS = 4_000
READ_TOOLS = (*CONNECTOR_READ_TOOLS, "escalation_assess")
WRITE_TOOLS = ("chat_post_message", "tracker_create_issue", "support_add_internal_note", "followup_schedule")
COMPOSE_TOOLS = ("escalation_compose",)
CARD_TOOLS = ("escalation_brief_show", "escalation_step_preview", "escalation_step_execute")
"""The brief card's tools: a forged escalation id, step or preview token must be refused cleanly."""
FUZZED = READ_TOOLS + COMPOSE_TOOLS + WRITE_TOOLS + CARD_TOOLS
BRIEF_TEXT_TOOLS = frozenset({"escalation_brief_show"})
"""Tools whose text content is the brief as markdown rather than the structured result as JSON."""

NASTY = (
    "'; DROP TABLE tickets; --",
    '" OR 1=1 --',
    "' UNION SELECT data FROM tickets --",
    "NEAR(webhook 502)",
    "webhook AND OR NOT",
    '"unterminated',
    "*",
    "web*",
    "-webhook",
    "^webhook",
    "subject:webhook",
    "{subject body}:502",
    "(((",
    ")))",
    "\x00",
    "%",
    "_",
    "\\",
    "%s%s%s%n",
    "{{7*7}}",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "NULL",
    "None",
    " ",
    "",
    "\u200b\u200b",
    "\u202ereversed",
    "ＷＥＢＨＯＯＫ",
    "e\u0301",
    "İstanbul ß ǅ",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🔥🔥",
    "webhook 502 CANARY_QUARTZ_FALCON",
)
REAL_IDS = ("101", "102", "ENG-42", "PROD-7", "KB-1", "northwind", "contoso", "C100", "1700000000.000100")
CAP_NOTE = "Error executing tool {name}: "


# ---------------------------------------------------------------------------------------------- strategies

texts = st.one_of(
    st.text(max_size=60),
    st.sampled_from(NASTY),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=12)), max_size=6).map(" ".join),
    st.text(min_size=495, max_size=510),
    st.just("webhook " * 600),
    st.just("x" * 100_000),
)
ids = st.one_of(
    st.sampled_from(REAL_IDS),
    st.text(max_size=30),
    st.sampled_from(NASTY),
    st.text(min_size=198, max_size=203),
    st.integers(),
)
id_lists = st.one_of(st.none(), st.lists(ids, max_size=55), st.text(max_size=10), st.integers())
limits = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 1, 25, 26, 2**31, 2**63]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=4),
    st.none(),
    st.booleans(),
)
moments = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat() + "Z"),
    st.sampled_from(
        [
            "9999-99-99",
            "2026-13-01T00:00:00Z",
            "yesterday",
            "",
            "0001-01-01T00:00:00Z",
            "2026-11-20T12:00:00+14:00",
        ]
    ),
    st.integers(),
    st.none(),
)
_CHOICE_WORDS = (
    "open",
    "pending",
    "solved",
    "closed",
    "new",
    "hold",
    "in_progress",
    "reopened",
    "bug",
    "feature",
)
choices = st.one_of(
    st.none(),
    st.lists(st.sampled_from((*_CHOICE_WORDS, "OPEN", "solved ", "'; --", "x" * 300)), max_size=5),
    st.text(max_size=10),
)
anything = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=20), st.lists(st.integers(), max_size=3)
)


@dataclass
class Cursors:
    """Cursors to forge from: a real one, from `support_search_tickets` with query "webhook" and limit 1."""

    real: str
    others: list[str] = field(default_factory=list)


def forged_cursors(real: str) -> st.SearchStrategy[Any]:
    def encode(value: Any) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    fingerprint = json.loads(base64.urlsafe_b64decode(real + "=" * (-len(real) % 4)))["q"]
    return st.one_of(
        st.just(real),
        st.text(max_size=40),
        st.just(real[:-1]),
        st.just(real + "A"),
        st.just(real[::-1]),
        st.just("x" * 3_000),
        st.builds(
            lambda position: encode({"q": fingerprint, "p": position}),
            st.one_of(
                st.integers(),
                st.lists(st.integers(min_value=-(2**70), max_value=2**70), max_size=3),
                st.text(max_size=10),
                st.none(),
                st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
            ),
        ),
        st.builds(lambda q: encode({"q": q, "p": [0, 5]}), st.text(max_size=12)),
        st.builds(
            encode, st.one_of(st.integers(), st.text(max_size=10), st.lists(st.integers(), max_size=2))
        ),
        st.none(),
        st.integers(),
    )


def _enums(spec: Any) -> list[Any]:
    """Every enum value anywhere in an argument's schema."""
    found: list[Any] = []
    if isinstance(spec, dict):
        found += list(spec.get("enum", []))
        for value in spec.values():
            found += _enums(value)
    elif isinstance(spec, list):
        for value in spec:
            found += _enums(value)
    return found


def _kinds(spec: dict[str, Any]) -> set[str]:
    return {str(t.get("type")) for t in spec.get("anyOf", [spec])}


short_texts = st.one_of(
    st.text(min_size=1, max_size=60),
    st.sampled_from([n for n in NASTY if n.strip()]),
    st.lists(st.sampled_from(NASTY), min_size=1, max_size=6).map(" ".join),
)


def typed(name: str, spec: dict[str, Any], cursor: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A value of the argument's own type, hostile in content (most calls get past validation)."""
    enums = _enums(spec)
    kinds = _kinds(spec)
    if enums:
        one = st.sampled_from(enums)
        return st.lists(one, max_size=3) if "array" in kinds else one
    if name == "limit":
        return st.integers(min_value=-3, max_value=40)
    if name == "cursor":
        return cursor
    if name in {"since", "updated_since"}:
        return st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=14))])).map(
            lambda d: d.isoformat()
        )
    if name == "message_ids":
        return st.lists(
            st.sampled_from(["C100:1700000000.000100", "C200:1700000180.000400", "C100:x"]), max_size=3
        )
    if name == "channel":
        return st.sampled_from(["C100", "#support-escalations", "C200", "general"])
    if name == "project":
        return st.sampled_from(["ENG", "PROD", "OPS"])
    if name == "escalation_id":
        return st.sampled_from(["ESC-1", "ESC-2", "ESC-0", "ESC-x"])
    if "array" in kinds:
        return st.lists(st.one_of(st.sampled_from(REAL_IDS), short_texts), max_size=4)
    if "boolean" in kinds:
        return st.booleans()
    if "integer" in kinds:
        return st.integers(min_value=-3, max_value=40)
    if name.endswith(("_id", "key")):
        return st.one_of(st.sampled_from(REAL_IDS), short_texts)
    return short_texts


def junk(name: str, spec: dict[str, Any], cursor: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Anything at all for the argument: wrong types, huge values, forged cursors, bad dates."""
    by_name: dict[str, st.SearchStrategy[Any]] = {
        "limit": limits,
        "cursor": cursor,
        "status": choices,
        "kind": choices,
        "updated_since": moments,
        "since": moments,
    }
    kinds = _kinds(spec)
    if name in by_name:
        chosen = by_name[name]
    elif "array" in kinds:
        chosen = id_lists
    elif name.endswith(("_id", "key")):
        chosen = ids
    elif "integer" in kinds:
        chosen = limits
    else:
        chosen = texts
    return st.one_of(chosen, anything)


def arguments_for(
    schema: dict[str, Any], cursor: st.SearchStrategy[Any]
) -> st.SearchStrategy[dict[str, Any]]:
    """Argument objects for a tool's input schema: half typed and hostile in content, half junk; each
    property present or not, plus stray keys now and then."""
    properties: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))

    def objects(make: Callable[[str, dict[str, Any], st.SearchStrategy[Any]], st.SearchStrategy[Any]]) -> Any:
        return st.fixed_dictionaries(
            {n: make(n, spec, cursor) for n, spec in properties.items() if n in required},
            optional={n: make(n, spec, cursor) for n, spec in properties.items() if n not in required},
        )

    extra = st.dictionaries(st.sampled_from(["extra", "__proto__", "$where", "limit "]), anything, max_size=2)
    mixed = st.builds(
        lambda a, b: {**b, **a},
        st.fixed_dictionaries(
            {},
            optional={
                n: st.one_of(typed(n, spec, cursor), junk(n, spec, cursor), st.none())
                for n, spec in properties.items()
            },
        ),
        extra,
    )
    return st.one_of(objects(typed), mixed)


# ---------------------------------------------------------------------------------------------- the server


@dataclass
class Fuzzing:
    """A running in-memory client, driven from the test thread through a portal."""

    portal: BlockingPortal
    client: Client
    schemas: dict[str, dict[str, Any]]
    cursors: Cursors
    calls: dict[str, int] = field(default_factory=dict)

    def call(self, name: str, arguments: dict[str, Any]) -> CallToolResult:
        self.calls[name] = self.calls.get(name, 0) + 1
        result: CallToolResult = self.portal.call(self.client.call_tool, name, arguments)
        return result


@asynccontextmanager
async def _client(path: Path) -> AsyncIterator[tuple[Client, dict[str, dict[str, Any]], Cursors]]:
    workspace = LocalWorkspace.open(path, clock=lambda: NOW, create_demo=False)
    history = SqliteHistoryStore.open(path, clock=lambda: NOW)
    registry = Registry(support=workspace, crm=workspace, chat=workspace, tracker=workspace, kb=workspace)
    server = build_server(
        registry, policy=load_policy(), clock=lambda: NOW, result_chars=RESULT_CHARS, history=history
    )
    try:
        async with Client(server) as client:
            schemas = {t.name: t.input_schema for t in (await client.list_tools()).tools}
            first = await client.call_tool("support_search_tickets", {"query": "webhook", "limit": 1})
            assert first.structured_content is not None
            cursors = Cursors(real=first.structured_content["next_cursor"])
            yield client, schemas, cursors
    finally:
        history.close()
        workspace.close()


@pytest.fixture(scope="module")
def fuzzing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzing]:
    path = tmp_path_factory.mktemp("fuzz") / "workspace.sqlite"
    LocalWorkspace.create(path, CONTRACT_DATASET, clock=lambda: NOW).close()
    with (
        start_blocking_portal(backend="asyncio") as portal,
        portal.wrap_async_context_manager(_client(path)) as (client, schemas, cursors),
    ):
        yield Fuzzing(portal, client, schemas, cursors)


def _text(result: CallToolResult) -> str:
    return "".join(c.text for c in result.content if isinstance(c, TextContent))


def check(fuzzing: Fuzzing, name: str, arguments: dict[str, Any], result: CallToolResult) -> None:
    """A clean tool error or a valid result; never a crash."""
    text = _text(result)
    event("clean tool error" if result.is_error else "valid result")
    if result.is_error:
        prefix = CAP_NOTE.format(name=name)
        assert text.startswith(prefix), f"{name} crashed on {arguments!r}: {text!r}"
        assert len(text) > len(prefix) + 10, f"{name} gave an error without a reason: {text!r}"
        return
    data = result.structured_content
    assert data is not None, f"{name} answered without structured content"
    if name in BRIEF_TEXT_TOOLS:
        # the brief itself (or, for an escalation recorded without one, its id and summary) is the text,
        # for hosts that show no card; the card reads the structured part
        assert text.strip(), f"{name} answered with no text"
        assert data.get("escalation_id") in text or text.startswith("## "), f"{name}: {text[:200]!r}"
        return
    assert json.loads(text) == data
    assert len(text) <= RESULT_CHARS, f"{name} answered {len(text)} characters, over the {RESULT_CHARS} cap"
    cursor = data.get("next_cursor")
    if isinstance(cursor, str):
        following = fuzzing.call(name, {**arguments, "cursor": cursor})
        assert not following.is_error, f"{name}: its own next_cursor was refused: {_text(following)}"


Checker = Callable[[Fuzzing, str, dict[str, Any], CallToolResult], None]


def test_every_tool_the_server_lists_is_fuzzed(fuzzing: Fuzzing) -> None:
    assert set(fuzzing.schemas) == set(FUZZED)


@pytest.mark.parametrize("name", FUZZED)
@settings(
    max_examples=EXAMPLES_PER_TOOL,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_fuzzed_arguments_give_a_clean_tool_error_or_a_valid_result(
    fuzzing: Fuzzing, name: str, data: st.DataObject, caplog: pytest.LogCaptureFixture
) -> None:
    arguments = data.draw(arguments_for(fuzzing.schemas[name], forged_cursors(fuzzing.cursors.real)))
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        result = fuzzing.call(name, arguments)
        check(fuzzing, name, arguments, result)
    crashes = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert crashes == [], f"{name} logged a crash on {arguments!r}"


@pytest.mark.parametrize("tool", ["support_search_tickets", "chat_search_messages", "tracker_search_issues"])
@settings(
    max_examples=EXAMPLES_PER_TOOL, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=texts)
def test_search_text_of_any_shape_is_searched_or_refused_cleanly(
    fuzzing: Fuzzing, tool: str, query: str
) -> None:
    arguments = {"query": query, "limit": 5}
    result = fuzzing.call(tool, arguments)

    check(fuzzing, tool, arguments, result)
    if len(query) <= 500:
        assert not result.is_error, f"{tool} refused a query within the length limit: {_text(result)}"
