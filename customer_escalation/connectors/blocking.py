"""Blocking calls (SQLite, a synchronous database pool) kept off the event loop.

An MCP server over HTTP serves every client from one event loop: a database call made on it stalls
every other request until it returns (up to SQLite's busy timeout when another process holds the
write lock). `off_loop` runs such a call in one of anyio's worker threads instead. `SerialThread` is
for calls on one SQLite connection, which serves one call at a time anyway: one thread runs them in
order, and the calls that queued while one ran are answered with a single wake-up of the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import anyio
import anyio.to_thread

P = ParamSpec("P")
T = TypeVar("T")

IDLE_SECONDS = 10.0
"""A `SerialThread`'s thread ends after this long without a call (the next call starts another)."""
ANSWER_WITHIN = 0.01
"""A `SerialThread` sends the answers it has found once the first of them has waited this long (in
seconds), so a long queue does not hold up the calls at its head. Shorter costs CPU under load: at
2 ms, a search took about 5% more (`python -m bench.bench_call_cost`); at 10 ms, no more than with
no bound at all."""


async def off_loop(call: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run `call(*args, **kwargs)` in a worker thread; return what it returns, raise what it raises.

    The call is shielded from cancellation: once started it finishes and its outcome is kept (a write
    recorded in the history is never left half-known to its caller), and a cancellation of the caller
    takes effect at its next await.
    """
    with anyio.CancelScope(shield=True):
        result = await anyio.to_thread.run_sync(functools.partial(call, *args, **kwargs))
    return result  # noqa: RET504 (after the block: a cancel scope's exit may swallow an exception)


_Job = tuple[Callable[[], Any], "asyncio.Future[Any]", asyncio.AbstractEventLoop, bool]
_Outcome = tuple["asyncio.Future[Any]", Any, BaseException | None]


class SerialThread:
    """Runs blocking calls one after the other in a thread of its own, for callers on event loops.

    Handing each call to a pool thread costs a wake-up of a thread and of the event loop per call, and
    under load that costs more CPU than a short query. Here the calls that arrive while one runs wait
    in a queue; the thread runs them all, then wakes each event loop once with every answer (or
    sooner, once an answer has waited `ANSWER_WITHIN`). A call
    made with ``waits=True`` (one that may wait for another process, such as a write waiting for the
    database lock) first sends the answers already found, so they do not wait with it.

    Calls are shielded from cancellation like `off_loop`'s. Outside asyncio (another anyio backend),
    each call goes to `off_loop`, as does a call made after `close`.
    """

    def __init__(self, name: str) -> None:
        self._name = name
        self._lock = threading.Lock()
        self._queued = threading.Condition(self._lock)
        self._jobs: deque[_Job] = deque()
        self._working = False
        self._closed = False

    async def run(self, call: Callable[[], T], *, waits: bool = False) -> T:
        """Run `call()` on this thread, after the calls given before it."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or self._closed:
            return await off_loop(call)
        future: asyncio.Future[T] = loop.create_future()
        with self._lock:
            self._jobs.append((call, future, loop, waits))
            if self._working:
                self._queued.notify()
            else:
                self._working = True
                threading.Thread(target=self._work, name=self._name, daemon=True).start()
        with anyio.CancelScope(shield=True):
            result = await future
        return result  # noqa: RET504 (after the block, as in off_loop)

    def close(self) -> None:
        """Let the thread end once the calls already given are answered; later calls go to `off_loop`."""
        with self._lock:
            self._closed = True
            self._queued.notify()

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._jobs and not self._closed:
                    self._queued.wait(IDLE_SECONDS)
                if not self._jobs:
                    self._working = False
                    return
                batch = list(self._jobs)
                self._jobs.clear()
            found: list[tuple[asyncio.AbstractEventLoop, _Outcome]] = []
            first_found = 0.0
            for job, future, loop, waits in batch:
                if found and (waits or time.monotonic() - first_found > ANSWER_WITHIN):
                    _answer(found)
                    found = []
                if not found:
                    first_found = time.monotonic()
                try:
                    found.append((loop, (future, job(), None)))
                except BaseException as exc:  # handed to the caller, as a pool thread would
                    found.append((loop, (future, None, exc)))
            _answer(found)


def _answer(found: list[tuple[asyncio.AbstractEventLoop, _Outcome]]) -> None:
    """Wake each event loop once with the outcomes of its calls."""
    by_loop: dict[asyncio.AbstractEventLoop, list[_Outcome]] = {}
    for loop, outcome in found:
        by_loop.setdefault(loop, []).append(outcome)
    for loop, outcomes in by_loop.items():
        with contextlib.suppress(RuntimeError):  # that event loop has closed: nobody waits for these
            loop.call_soon_threadsafe(_settle, outcomes)


def _settle(outcomes: list[_Outcome]) -> None:
    for future, result, error in outcomes:
        if future.done():  # its caller was cancelled outright (not through anyio)
            continue
        if error is None:
            future.set_result(result)
        elif isinstance(error, StopIteration):  # a future refuses it; keep it as the cause
            future.set_exception(_wrapped_stop(error))
        else:
            future.set_exception(error)


def _wrapped_stop(error: StopIteration) -> RuntimeError:
    wrapped = RuntimeError("the call raised StopIteration")
    wrapped.__cause__ = error
    return wrapped


__all__ = ["IDLE_SECONDS", "SerialThread", "off_loop"]
