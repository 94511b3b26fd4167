"""Failures outside the product, as the command line reports them: one line on stderr and an exit
code, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from anthropic import AsyncAnthropic

from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.skill.cli import main
from customer_escalation.skill.models.anthropic import ClaudeModel
from tests.contract.dataset import CONTRACT_DATASET, NOW
from tests.interop.serving import TEST_TOKEN, HttpServer, hermetic_env, http_server, seeded_workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "w.sqlite"
    LocalWorkspace.create(path, CONTRACT_DATASET, clock=lambda: NOW).close()
    return path


def _anthropic_answering(status: int, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`brief` drafts with Claude, whose API answers every request with `status`."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(status, json={"type": "error", "error": {"type": kind, "message": "no"}})

    def choose_model(settings: Any, requested: str | None, record: Any = None) -> ClaudeModel:
        http = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
        client = AsyncAnthropic(api_key="sk-ant-test", max_retries=0, http_client=http)
        return ClaudeModel(model="claude-sonnet-5-5", client=client)

    monkeypatch.setattr("customer_escalation.skill.cli._brief.choose_model", choose_model)


@pytest.mark.parametrize(
    ("status", "kind", "code", "message"),
    [
        (401, "authentication_error", 2, "Anthropic rejected ANTHROPIC_API_KEY"),
        (500, "api_error", 1, "the Anthropic API failed with HTTP 500"),
    ],
)
def test_an_anthropic_failure_is_one_line_and_an_exit_code(
    workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    status: int,
    kind: str,
    code: int,
    message: str,
) -> None:
    _anthropic_answering(status, kind, monkeypatch)
    assert main(["brief", "Webhooks failing for Northwind", "--workspace", str(workspace)]) == code
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert "ExceptionGroup" not in err
    assert len(err.strip().splitlines()) == 1, err


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpServer]:
    home = tmp_path_factory.mktemp("home")
    path = seeded_workspace(home / "served.sqlite")
    with http_server(path, hermetic_env(home), token=TEST_TOKEN) as running:
        yield running


@pytest.mark.parametrize(
    ("token", "advice"),
    [
        (None, "set CUSTOMER_ESCALATION_TOKEN"),
        ("a-wrong-token-that-is-long-enough-to-be-accepted", "CUSTOMER_ESCALATION_TOKEN does not match"),
    ],
)
def test_brief_against_a_server_that_refuses_the_token_says_401_and_names_the_variable(
    server: HttpServer,
    workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    token: str | None,
    advice: str,
) -> None:
    if token is not None:
        monkeypatch.setenv("CUSTOMER_ESCALATION_TOKEN", token)
    args = ["brief", "Webhooks failing", "--model", "offline", "--workspace", str(workspace)]
    assert main([*args, "--server", server.url]) == 2
    err = capsys.readouterr().err
    assert "401" in err
    assert advice in err
    assert "Server returned an error response" not in err
