"""Benchmark servers as processes of their own: started, announced, stopped."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tests.interop.serving import ANNOUNCEMENT, stop


@dataclass
class Running:
    name: str
    url: str
    pid: int


@contextmanager
def launched(
    name: str, command: list[str], env: dict[str, str], *, cwd: str | None = None
) -> Iterator[Running]:
    """Run `command` (in `cwd`, if given) until the block ends; it must announce ``serving MCP on <url>``
    on stderr, which is passed on (prefixed with `name`) apart from that line. Stopped with SIGTERM,
    then SIGKILL; one already killed is only reaped.

    A ``python -m`` command imports first from its working directory: to run another checkout's code,
    start it there.
    """
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert process.stderr is not None
    found: list[str] = []
    announced = threading.Event()

    def drain() -> None:
        assert process.stderr is not None
        for raw in iter(process.stderr.readline, b""):
            line = raw.decode(errors="replace")
            match = ANNOUNCEMENT.search(line)
            if match and not announced.is_set():
                found.append(match["url"])
                announced.set()
            elif not match:
                sys.stderr.write(f"[{name}] {line}")
        announced.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        if not announced.wait(30) or not found:
            raise RuntimeError(f"{name} did not start (exit code {process.poll()})")
        yield Running(name, found[0], process.pid)
    finally:
        stop(process)
        reader.join(10)
        process.stderr.close()


__all__ = ["Running", "launched"]
