"""`customer-escalation brief` from the command line: output, exit codes and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.skill.cli import main
from tests.contract.dataset import CONTRACT_DATASET, NOW


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "w.sqlite"
    LocalWorkspace.create(path, CONTRACT_DATASET, clock=lambda: NOW).close()
    return path


def test_brief_prints_the_markdown_and_writes_a_trace(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trace = tmp_path / "trace.jsonl"
    code = main(
        [
            "brief",
            "Webhooks failing with 502 for Northwind",
            "--workspace",
            str(workspace),
            "--model",
            "offline",
            "--trace",
            str(trace),
        ]
    )
    out, err = capsys.readouterr()
    assert code in {0, 3}
    assert out.startswith(("## ESCALATION: ", "## HANDLE IN SUPPORT: "))
    assert "drafted without an LLM" in err
    lines = [json.loads(line) for line in trace.read_text().splitlines()]
    tools = [line for line in lines if line["event"] == "tool_call"]
    assert tools
    assert {"tool", "arguments", "duration_ms", "result_chars"} <= set(tools[0])


def test_the_trace_records_every_step_each_model_turn_and_the_decision(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trace = tmp_path / "trace.jsonl"
    args = ["brief", "Webhooks failing with 502 for Northwind", "--model", "offline", "--json"]
    main([*args, "--workspace", str(workspace), "--trace", str(trace)])
    output = json.loads(capsys.readouterr().out)
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    steps = [e for e in events if e["event"] == "step"]
    assert [s["step"] for s in steps] == [1, 2, 3, 4, 5, 6, 7]
    assert all(s["title"] for s in steps)
    turns = [e for e in events if e["event"] == "model_turn"]
    assert [t["turn"] for t in turns] == list(range(1, len(turns) + 1))
    assert turns[-1]["tool_calls"] == ["submit_brief"]
    assert sum(len(t["tool_calls"]) for t in turns[:-1]) == output["tool_calls"]
    (decision,) = [e for e in events if e["event"] == "decision"]
    assert decision["decision"] == output["decision"]
    assert decision["severity"] == output["assessment"]["severity"]
    assert events[-1] == steps[-1]


def test_brief_json_carries_the_decision_and_the_assessment(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(
        [
            "brief",
            "Webhooks failing with 502 for Northwind",
            "--workspace",
            str(workspace),
            "--model",
            "offline",
            "--json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert data["decision"] in {"escalate", "handle_in_support"}
    assert data["assessment"]["decision"] == data["decision"]
    assert data["drafted_without_llm"] is True
    assert data["turns"] >= 2
    assert data["usage"]["requests"] == 0  # the offline planner asks no model
    assert data["usage"]["cost_usd"] == 0


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--server", "no-such-command-anywhere"], 2, "no command 'no-such-command-anywhere' on PATH"),
        (["--trace", "/nonexistent-folder/t.jsonl"], 2, "cannot write the trace"),
        (["--model", "claude-sonnet-5-5"], 2, "ANTHROPIC_API_KEY"),
    ],
)
def test_brief_usage_mistakes_are_one_line_errors(
    workspace: Path, args: list[str], code: int, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["brief", "Webhooks failing", "--workspace", str(workspace), *args]) == code
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_an_unreachable_mcp_server_is_a_clear_failure(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["brief", "Webhooks failing", "--model", "offline", "--server", "http://127.0.0.1:9/mcp"]) == 1
    )
    err = capsys.readouterr().err
    assert "cannot reach the MCP server" in err
    assert "Traceback" not in err


def test_an_empty_issue_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["brief", "   "]) == 2
    assert "empty" in capsys.readouterr().err
