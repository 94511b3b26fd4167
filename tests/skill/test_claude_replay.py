"""Recorded Messages API traffic, replayed through the real SDK and the real loop.

The recordings under tests/fixtures/claude are written by hand in the wire format until real ones
exist (`brief --record` / `eval --record` make them). They drive `eval --replay` end to end, so the
eval report's usage, turns and cost per trial are exercised offline, and the recording transport is
checked to keep credentials out of what it writes.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import httpx2
import pytest

from customer_escalation.skill.cli import main
from customer_escalation.skill.models.anthropic import ClaudeModel
from customer_escalation.skill.models.base import Usage
from customer_escalation.skill.models.catalog import cost_usd
from customer_escalation.skill.models.recording import (
    RecordingTransport,
    ReplayExhaustedError,
    ReplayTransport,
    anthropic_client,
    load_exchanges,
)
from tests.evals.conftest import TINY, observe, tiny_scenario

FIXTURES = Path(__file__).parents[1] / "fixtures" / "claude"
HAPPY = FIXTURES / "tiny-happy.jsonl"
SECRET = "sk-ant-api03-" + "x7Q" * 12


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "scenarios"
    root.mkdir()
    (root / "tiny-export-bug.yaml").write_text(TINY)
    return root


def _answered(path: Path) -> list[dict[str, Any]]:
    return [e for e in load_exchanges(path) if e["response"]["status"] == 200]


def _expected_cost(path: Path) -> float:
    total = 0.0
    for entry in _answered(path):
        raw = entry["response"]["body"]["usage"]
        usage = Usage(
            input_tokens=raw["input_tokens"],
            output_tokens=raw["output_tokens"],
            cache_read_tokens=raw["cache_read_input_tokens"],
            cache_write_tokens=raw["cache_creation_input_tokens"],
        )
        price = cost_usd("claude-sonnet-5-5", usage)
        assert price is not None
        total += price
    return total


def _eval_replay(folder: Path, recording: Path, report: Path) -> tuple[int, dict[str, Any], str]:
    code = main(
        [
            "eval",
            str(folder),
            "--model",
            "claude-sonnet-5-5",
            "--replay",
            str(recording),
            "--no-rubric",
            "--report",
            str(report),
        ]
    )
    return code, json.loads(report.read_text(encoding="utf-8")), report.with_suffix(".md").read_text()


def test_a_replayed_run_passes_and_its_report_has_usage_turns_and_cost(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, markdown = _eval_replay(folder, HAPPY, tmp_path / "run.json")
    assert code == 0
    trial = report["scenarios"][0]["trials"][0]
    assert trial["error"] is None, trial["error"]
    assert trial["passed"] is True
    assert trial["decision"] == "escalate"
    assert trial["turns"] == 5
    assert trial["usage"]["requests"] == 5  # the 529 the SDK retried is not an answered request
    assert trial["usage"]["cache_read_tokens"] == 5200 + 5200 + 8180 + 8180
    assert trial["usage"]["cost_usd"] == pytest.approx(_expected_cost(HAPPY))
    assert report["usage"]["cost_usd"] == pytest.approx(_expected_cost(HAPPY))
    assert report["prices_checked"]
    assert report["errors"] == {}
    assert "| Turns | Tokens | Cost |" in markdown
    assert f"${_expected_cost(HAPPY):.4f}" in markdown
    assert "Drafter: 5 requests" in capsys.readouterr().out


def test_a_refusal_on_replay_is_a_model_failure(folder: Path, tmp_path: Path) -> None:
    code, report, _markdown = _eval_replay(folder, FIXTURES / "tiny-refusal.jsonl", tmp_path / "r.json")
    assert code == 0
    trial = report["scenarios"][0]["trials"][0]
    assert trial["passed"] is False
    assert trial["error_kind"] == "model"
    assert "refusal" in trial["error"]
    assert trial["usage"]["requests"] == 2  # spent before the run ended is still counted
    assert report["errors"] == {"model": 1}


def test_an_api_that_stays_overloaded_is_an_infrastructure_failure_not_the_models(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, markdown = _eval_replay(folder, FIXTURES / "tiny-overloaded.jsonl", tmp_path / "o.json")
    assert code == 0
    trial = report["scenarios"][0]["trials"][0]
    assert trial["error_kind"] == "infrastructure"
    assert "529" in trial["error"]
    assert report["errors"] == {"infrastructure": 1}
    assert "provider failure (not the model's)" in capsys.readouterr().out
    assert "run ended early (infrastructure)" in markdown


@pytest.mark.anyio
async def test_the_loop_sends_valid_turns_through_the_replayed_rounds(tmp_path: Path) -> None:
    replay = ReplayTransport.from_file(HAPPY)
    model = ClaudeModel(model="claude-sonnet-5-5", client=anthropic_client(None, transport=replay))
    observation = await observe(tiny_scenario(), model, tmp_path)
    assert observation.result is not None and observation.result.brief is not None
    assert replay.remaining == 0
    requests = replay.requests
    assert len(requests) == 6  # five answers, and the 529 before the SDK retried its request
    assert requests[1] == requests[2]  # the retry resent the same body
    parallel = requests[1]["messages"][-1]["content"]
    assert [b["tool_use_id"] for b in parallel] == ["toolu_hand_1", "toolu_hand_2", "toolu_hand_3"]
    for body in requests:
        roles = [m["role"] for m in body["messages"]]
        assert all(a != b for a, b in itertools.pairwise(roles)), roles
        assert all(m["content"] for m in body["messages"])
    # the empty end_turn was not sent back; the nudge joined the tool results' user turn
    assert "called no tool" in requests[3]["messages"][-1]["content"][-1]["text"]
    assert "cut off at max_tokens" in requests[5]["messages"][-1]["content"][-1]["text"]
    assert observation.result.usage.requests == 5


@pytest.mark.anyio
async def test_a_recording_keeps_no_credentials_and_replays_to_the_same_brief(tmp_path: Path) -> None:
    recording = tmp_path / "rec.jsonl"
    client = anthropic_client(SECRET, record=recording, transport=ReplayTransport.from_file(HAPPY))
    first = await observe(tiny_scenario(), ClaudeModel(model="claude-sonnet-5-5", client=client), tmp_path)
    text = recording.read_text(encoding="utf-8")
    assert SECRET not in text
    assert "x7Qx7Q" not in text
    assert "authorization" not in text.lower()
    assert "x-api-key" not in text.lower()
    lines = load_exchanges(recording)
    assert len(lines) == 6
    assert lines[0]["request"]["body"]["messages"][0]["role"] == "user"
    assert lines[1]["response"]["status"] == 529
    assert lines[1]["response"]["headers"]["retry-after"] == "0"  # the replay's, not the recorded 30 s

    replay = ReplayTransport.from_file(recording)
    again = await observe(
        tiny_scenario(),
        ClaudeModel(model="claude-sonnet-5-5", client=anthropic_client(None, transport=replay)),
        tmp_path,
    )
    assert first.result is not None and again.result is not None
    assert again.result.markdown == first.result.markdown
    assert replay.requests == [line["request"]["body"] for line in lines]


@pytest.mark.anyio
async def test_a_key_in_a_body_is_masked_and_a_replay_past_its_end_fails_loudly(tmp_path: Path) -> None:
    def echo(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json={"echo": json.loads(request.content)})

    recording = tmp_path / "echo.jsonl"
    async with httpx2.AsyncClient(
        transport=RecordingTransport(recording, httpx2.MockTransport(echo))
    ) as http:
        await http.post("https://api.example/v1/messages", json={"note": f"my key is {SECRET}"})
    text = recording.read_text(encoding="utf-8")
    assert SECRET not in text and "sk-ant-REDACTED" in text

    async with httpx2.AsyncClient(transport=ReplayTransport.from_file(recording)) as http:
        response = await http.post("https://api.example/v1/messages", json={})
        assert response.json()["echo"]["note"] == "my key is sk-ant-REDACTED"
        with pytest.raises(ReplayExhaustedError):
            await http.post("https://api.example/v1/messages", json={})
