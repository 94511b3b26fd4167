"""Fixtures for the interoperability tests: a seeded workspace file, and a server over HTTP with a token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.interop.serving import TEST_TOKEN, HttpServer, hermetic_env, http_server, seeded_workspace


@pytest.fixture(scope="module")
def workspace_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace file with the contract dataset; servers only read it."""
    return seeded_workspace(tmp_path_factory.mktemp("workspace") / "contract.sqlite")


@pytest.fixture(scope="module")
def token_server(workspace_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpServer]:
    """`customer-escalation serve --http 127.0.0.1:0` with `TEST_TOKEN`, for the whole module."""
    home = tmp_path_factory.mktemp("server-home")
    with http_server(workspace_file, hermetic_env(home), token=TEST_TOKEN) as running:
        yield running
