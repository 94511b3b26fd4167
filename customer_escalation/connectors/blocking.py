"""Blocking calls (SQLite, a synchronous database pool) kept off the event loop.

An MCP server over HTTP serves every client from one event loop: a database call made on it stalls
every other request until it returns (up to SQLite's busy timeout when another process holds the
write lock). `off_loop` runs such a call in a worker thread instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import anyio
import anyio.to_thread

P = ParamSpec("P")
T = TypeVar("T")


async def off_loop(call: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run `call(*args, **kwargs)` in a worker thread; return what it returns, raise what it raises.

    The call is shielded from cancellation: once started it finishes and its outcome is kept (a write
    recorded in the history is never left half-known to its caller), and a cancellation of the caller
    takes effect at its next await.
    """
    with anyio.CancelScope(shield=True):
        result = await anyio.to_thread.run_sync(functools.partial(call, *args, **kwargs))
    return result  # noqa: RET504 (after the block: a cancel scope's exit may swallow an exception)


__all__ = ["off_loop"]
