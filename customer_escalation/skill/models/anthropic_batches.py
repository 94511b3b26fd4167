"""The Message Batches API behind the `messages.create` shape of the Anthropic client.

Calls that arrive together are sent as one batch: half the price, minutes to hours of latency. It is
for single-call work only, such as the eval's rubric judge: an agent's turns each depend on the last,
so they always go directly.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from typing import Any

from .base import ModelProviderError


class MessageBatcher:
    """Sends `messages.create` calls through the Message Batches API.

    Calls that arrive within `window` seconds of the first pending one share a batch; each caller waits
    for its own result. It has the `messages.create` shape of `AsyncAnthropic`, so it can stand in for
    the client of the rubric grader (one call per graded run; never the agent loop, whose turns wait on
    each other).

    Args:
        client: an `AsyncAnthropic`.
        window: seconds to collect calls before sending a batch.
        poll_every: seconds between status checks of a sent batch.
        sleep: injected for tests.
    """

    def __init__(
        self,
        client: Any,
        *,
        window: float = 5.0,
        poll_every: float = 15.0,
        max_requests: int = 10_000,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._client = client
        self._window = window
        self._poll_every = poll_every
        self._max = max_requests
        self._sleep = sleep
        self._pending: list[tuple[str, dict[str, Any], asyncio.Future[Any]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._ids = itertools.count(1)
        self.batches_sent = 0
        self.messages = self

    async def create(self, **params: Any) -> Any:
        """Queue one Messages request and wait for its result from a batch.

        Raises:
            ModelProviderError: the request errored, expired or was canceled in the batch, or the batch
                could not be sent or read.
        """
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append((f"req-{next(self._ids)}", params, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        await self._sleep(self._window)
        while self._pending:
            batch, self._pending = self._pending[: self._max], self._pending[self._max :]
            await self._send(batch)

    async def _send(self, batch: list[tuple[str, dict[str, Any], asyncio.Future[Any]]]) -> None:
        futures = {custom_id: future for custom_id, _, future in batch}
        try:
            created = await self._client.messages.batches.create(
                requests=[{"custom_id": custom_id, "params": params} for custom_id, params, _ in batch]
            )
            self.batches_sent += 1
            status = created
            while status.processing_status != "ended":
                await self._sleep(self._poll_every)
                status = await self._client.messages.batches.retrieve(created.id)
            results = await self._client.messages.batches.results(created.id)
            async for item in results:
                future = futures.pop(item.custom_id, None)
                if future is None or future.done():
                    continue
                if item.result.type == "succeeded":
                    future.set_result(item.result.message)
                else:
                    detail = getattr(getattr(item.result, "error", None), "error", None)
                    future.set_exception(
                        ModelProviderError(
                            f"batch request {item.custom_id} {item.result.type}: {detail or ''}".rstrip(": ")
                        )
                    )
        except Exception as exc:  # whatever broke the batch fails every request still waiting on it
            for future in futures.values():
                if not future.done():
                    future.set_exception(ModelProviderError(f"the message batch failed: {exc}"))
            return
        for custom_id, future in futures.items():
            if not future.done():
                future.set_exception(ModelProviderError(f"batch request {custom_id} has no result"))


__all__ = ["MessageBatcher"]
