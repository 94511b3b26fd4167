"""Start `customer-escalation serve` as a real process, the way a deployment or an MCP host would.

Servers are started with a hermetic environment (no developer configuration or credentials) and on
port 0, so the system picks a free port and the server announces the URL it is listening on. The
announcement comes after the socket is listening, so it doubles as the readiness signal.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from customer_escalation.connectors.local import LocalWorkspace
from tests.contract.dataset import CONTRACT_DATASET, NOW

ANNOUNCEMENT = re.compile(r"serving MCP on (?P<url>http://\S+/mcp)")
TEST_TOKEN = "ce-test-0123456789abcdef-ghijklmnopqrstuv"
START_SECONDS = 30.0
STOP_SECONDS = 10.0


def seeded_workspace(path: Path) -> Path:
    """A workspace file at `path` holding the contract dataset (no demo generation needed)."""
    LocalWorkspace.create(path, CONTRACT_DATASET, clock=lambda: NOW).close()
    return path


def hermetic_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment for a server process: PATH and HOME only, with data and config dirs under `home`.

    HOME is kept so that tools with a per-user cache (npx) find it.
    """
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    env["XDG_DATA_HOME"] = str(home / "xdg-data")
    env["XDG_CONFIG_HOME"] = str(home / "xdg-config")
    env.update(extra)
    return env


def serve_command(workspace: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "customer_escalation", "serve", "--workspace", str(workspace), *extra]


@dataclass
class HttpServer:
    """A running `serve --http` process."""

    process: subprocess.Popen[bytes]
    url: str
    """The MCP endpoint, ``http://127.0.0.1:<port>/mcp``."""
    token: str | None
    stderr: list[str] = field(default_factory=list)
    """Everything the server wrote to stderr so far."""

    @property
    def base_url(self) -> str:
        return self.url.removesuffix("/mcp")

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}


def _drain(stream: IO[bytes], lines: list[str], url: list[str], announced: threading.Event) -> None:
    for raw in iter(stream.readline, b""):
        line = raw.decode(errors="replace").rstrip("\n")
        lines.append(line)
        match = ANNOUNCEMENT.search(line)
        if match and not announced.is_set():
            url.append(match["url"])
            announced.set()
    announced.set()


@contextmanager
def http_server(
    workspace: Path, env: Mapping[str, str], *, token: str | None, host: str = "127.0.0.1"
) -> Iterator[HttpServer]:
    """Run `customer-escalation serve --http HOST:0` until the block ends, then stop it.

    Raises:
        RuntimeError: the server exited or stayed silent instead of announcing its URL.
    """
    server_env = dict(env)
    if token is not None:
        server_env["CUSTOMER_ESCALATION_TOKEN"] = token
    process = subprocess.Popen(
        serve_command(workspace, "--http", f"{host}:0"),
        env=server_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    lines: list[str] = []
    url: list[str] = []
    announced = threading.Event()
    # Draining stderr for the whole run also keeps a chatty server from blocking on a full pipe.
    reader = threading.Thread(target=_drain, args=(process.stderr, lines, url, announced), daemon=True)
    reader.start()
    try:
        if not announced.wait(START_SECONDS) or not url:
            raise RuntimeError(
                f"the server did not announce its URL (exit code {process.poll()}):\n" + "\n".join(lines)
            )
        yield HttpServer(process=process, url=url[0], token=token, stderr=lines)
    finally:
        stop(process)
        reader.join(STOP_SECONDS)
        process.stderr.close()


def stop(process: subprocess.Popen[bytes]) -> int:
    """Terminate `process` and wait for it; kill it if it does not stop in time."""
    if process.poll() is None:
        process.terminate()
        try:
            return process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.wait(STOP_SECONDS)
