"""Vendor fakes served on loopback ports by uvicorn, each in a thread of its own, for end-to-end tests."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn


@dataclass
class Running:
    server: uvicorn.Server
    thread: threading.Thread

    @property
    def url(self) -> str:
        host, port = self.server.servers[0].sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"


def serve(app: Any) -> Running:
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    for _ in range(500):
        if server.started:
            break
        threading.Event().wait(0.01)
    assert server.started, "fake vendor did not start"
    return Running(server, thread)


@contextmanager
def serving(apps: Mapping[str, Any]) -> Iterator[dict[str, str]]:
    """Serve every app on its own loopback port; yields each one's base URL by name, stops them all after."""
    running = {name: serve(app) for name, app in apps.items()}
    try:
        yield {name: r.url for name, r in running.items()}
    finally:
        for r in running.values():
            r.server.should_exit = True
        for r in running.values():
            r.thread.join(timeout=5)
