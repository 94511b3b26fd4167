"""`SerialThread`: a connection's blocking calls run one after the other on one thread, each caller gets
its own answer, and the event loop goes on while they run."""

from __future__ import annotations

import threading

import anyio
import anyio.from_thread
import anyio.lowlevel
import pytest

from customer_escalation.connectors.blocking import SerialThread

pytestmark = pytest.mark.anyio

GUARD = 10.0
"""How long a blocked call waits for the test before giving up (a deadlock guard, not a time limit)."""


async def test_calls_run_in_the_order_given_on_one_thread_and_each_caller_gets_its_answer() -> None:
    worker = SerialThread("test")
    release = threading.Event()
    ran: list[tuple[int, int]] = []
    answers: dict[int, int] = {}

    def call(number: int) -> int:
        if number == 0:  # the first call holds the thread while the others queue behind it
            assert release.wait(GUARD)
        ran.append((number, threading.get_ident()))
        return number * 10

    async def caller(number: int) -> None:
        answers[number] = await worker.run(lambda: call(number))

    async with anyio.create_task_group() as tg:
        for number in range(20):
            tg.start_soon(caller, number)
            await anyio.lowlevel.checkpoint()  # queued in this order
        await anyio.lowlevel.checkpoint()
        release.set()  # the event loop was free to queue every call while the first one ran
    worker.close()

    assert [n for n, _ in ran] == list(range(20))
    assert len({thread for _, thread in ran}) == 1
    assert threading.get_ident() not in {thread for _, thread in ran}
    assert answers == {n: n * 10 for n in range(20)}


async def test_an_error_goes_to_its_own_caller_only() -> None:
    worker = SerialThread("test")

    def fail() -> int:
        raise LookupError("no such record")

    async with anyio.create_task_group() as tg:
        results: list[object] = []

        async def ok() -> None:
            results.append(await worker.run(lambda: "fine"))

        async def broken() -> None:
            with pytest.raises(LookupError, match="no such record"):
                await worker.run(fail)
            results.append("raised")

        tg.start_soon(broken)
        tg.start_soon(ok)
    worker.close()
    assert sorted(map(str, results)) == ["fine", "raised"]


async def test_a_call_that_may_wait_first_hands_back_the_answers_already_found() -> None:
    worker = SerialThread("test")
    hold = threading.Event()
    answered_first = threading.Event()
    seen: list[bool] = []

    def slow_write() -> str:
        # Runs after the read in the same batch; the read's caller must have its answer by now.
        seen.append(answered_first.wait(GUARD))
        return "written"

    def read() -> str:
        return "read"

    async def reader() -> None:
        assert await worker.run(read) == "read"
        answered_first.set()

    async with anyio.create_task_group() as tg:
        tg.start_soon(worker.run, lambda: hold.wait(GUARD))  # keeps the thread busy while both queue
        await anyio.lowlevel.checkpoint()
        tg.start_soon(reader)
        await anyio.lowlevel.checkpoint()
        tg.start_soon(lambda: worker.run(slow_write, waits=True))
        await anyio.lowlevel.checkpoint()
        hold.set()
    worker.close()
    assert seen == [True]


async def test_a_started_call_finishes_and_is_kept_when_its_caller_is_cancelled() -> None:
    worker = SerialThread("test")
    started = anyio.Event()
    release = threading.Event()
    done: list[str] = []
    after: list[str] = []

    loop = anyio.lowlevel.current_token()

    def write() -> str:
        anyio.from_thread.run_sync(started.set, token=loop)
        assert release.wait(GUARD)
        done.append("written")
        return "receipt"

    async def caller(scope: anyio.CancelScope) -> None:
        with scope:
            result = await worker.run(write)
            after.append(result)  # the answer arrives before the cancellation takes effect
            await anyio.lowlevel.checkpoint()
            after.append("not reached")

    scope = anyio.CancelScope()
    async with anyio.create_task_group() as tg:
        tg.start_soon(caller, scope)
        await started.wait()
        scope.cancel()
        release.set()
    worker.close()
    assert done == ["written"]
    assert after == ["receipt"]


async def test_after_close_calls_still_run() -> None:
    worker = SerialThread("test")
    assert await worker.run(lambda: 1) == 1
    worker.close()
    assert await worker.run(lambda: 2) == 2
