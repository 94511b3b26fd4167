"""A short load run in CI: `customer-escalation serve --http` as a real process on a loopback port, 16
clients sending a mix of tool calls for a few seconds while intruders send requests without a token,
with a wrong token and with oversized bodies. The full run (64 clients, 60 seconds) is
`bench/bench_load.py`.
"""

from __future__ import annotations

from collections.abc import Iterator

import anyio
import pytest

from tests.contract.dataset import CONTRACT_DATASET
from tests.hostile.load import INTRUSIONS, LoadFigures, generate_load, mixed_calls
from tests.interop.serving import TEST_TOKEN, HttpServer, hermetic_env, http_server, seeded_workspace

CLIENTS = 16
SECONDS = 5.0
P99_CEILING = 2.0
"""Seconds: far above what a healthy server needs on two busy cores, low enough to catch a stall."""
RSS_GROWTH_CEILING_KB = 64 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpServer]:
    home = tmp_path_factory.mktemp("load")
    workspace = seeded_workspace(home / "contract.sqlite")
    with http_server(workspace, hermetic_env(home), token=TEST_TOKEN) as running:
        yield running


@pytest.fixture(scope="module")
def figures(server: HttpServer) -> LoadFigures:
    calls = mixed_calls(CONTRACT_DATASET)
    return anyio.run(
        lambda: generate_load(
            server.url,
            TEST_TOKEN,
            calls,
            clients=CLIENTS,
            seconds=SECONDS,
            pid=server.process.pid,
            rss_every=200,
        )
    )


def test_every_mixed_tool_call_under_load_is_answered_without_an_error(figures: LoadFigures) -> None:
    assert figures.calls > CLIENTS * 10
    assert figures.errors == 0, figures.error_samples
    assert len(figures.by_tool) == 11


def test_latency_under_load_stays_bounded(figures: LoadFigures) -> None:
    assert figures.percentile(50) <= figures.percentile(99) <= P99_CEILING


def test_requests_without_or_with_a_wrong_token_and_oversized_bodies_are_refused_under_load(
    figures: LoadFigures,
) -> None:
    assert set(figures.refused) == set(INTRUSIONS)
    assert figures.let_through == {}


def test_server_memory_does_not_run_away_under_load(figures: LoadFigures) -> None:
    first, last = figures.rss[1][1], figures.rss[-1][1]
    assert first > 0
    assert last - first < RSS_GROWTH_CEILING_KB


def test_the_server_still_answers_after_the_load(server: HttpServer) -> None:
    figures_after = anyio.run(
        lambda: generate_load(
            server.url, TEST_TOKEN, mixed_calls(CONTRACT_DATASET), clients=1, seconds=0.3, intruders=0
        )
    )
    assert figures_after.calls > 0
    assert figures_after.errors == 0
