"""Claude through the Anthropic SDK (async client, Messages API tool use).

The system prompt and the tool list are marked for prompt caching; the SDK's own retries handle 429 and
529 (there is no second retry layer). The SDK is imported when the model is built, not at start-up.
"""

from __future__ import annotations

import re
import typing
from typing import TYPE_CHECKING, Any

from customer_escalation.connectors.scrub import remember_secret, scrub

from .base import (
    SUBMIT_TOOL,
    AssistantEntry,
    Entry,
    MissingApiKeyError,
    ModelOutputError,
    ModelProviderError,
    ModelTurn,
    ToolCall,
    ToolResultEntry,
    ToolSpec,
    Usage,
    UserEntry,
)

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

ALLOW_MODEL_REQUESTS = True
"""Tests set this to False so that no client for the real API can be built by accident (an injected client,
such as one over a fake transport, is still allowed)."""

CACHE: Any = {"type": "ephemeral"}


def known_models() -> tuple[str, ...]:
    """Model ids the installed SDK lists."""
    from anthropic.types import Model as ModelId

    found: list[str] = []

    def walk(hint: Any) -> None:
        for arg in typing.get_args(hint):
            if isinstance(arg, str):
                found.append(arg)
            else:
                walk(arg)

    walk(ModelId)
    return tuple(found)


def newest_sonnet(models: tuple[str, ...] | None = None) -> str:
    """The newest Sonnet alias among `models` (default: what the SDK knows), preferring undated ids."""
    candidates = [
        m for m in (models if models is not None else known_models()) if m.startswith("claude-sonnet-")
    ]
    if not candidates:
        return "claude-sonnet-4-5"

    def version(model_id: str) -> tuple[tuple[int, ...], int]:
        numbers = [int(n) for n in re.findall(r"\d+", model_id.removeprefix("claude-sonnet-"))]
        dated = bool(numbers) and numbers[-1] > 10_000_000
        parts = tuple(numbers[:-1] if dated else numbers)
        return parts + (0,) * (3 - len(parts)), 0 if dated else 1

    return max(candidates, key=version)


def _to_messages(conversation: list[Entry]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []

    def flush_user(extra: list[dict[str, Any]] | None = None) -> None:
        nonlocal pending
        blocks = pending + (extra or [])
        if blocks:
            messages.append({"role": "user", "content": blocks})
        pending = []

    for entry in conversation:
        if isinstance(entry, ToolResultEntry):
            pending.append(
                {
                    "type": "tool_result",
                    "tool_use_id": entry.call_id,
                    "content": entry.text,
                    "is_error": entry.is_error,
                }
            )
        elif isinstance(entry, UserEntry):
            flush_user([{"type": "text", "text": entry.text}])
        elif isinstance(entry, AssistantEntry):
            flush_user()
            content = entry.turn.raw if entry.turn.raw is not None else _content_of(entry.turn)
            messages.append({"role": "assistant", "content": content})
    flush_user()
    return messages


def _content_of(turn: ModelTurn) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if turn.text:
        blocks.append({"type": "text", "text": turn.text})
    blocks += [
        {"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments} for c in turn.tool_calls
    ]
    return blocks


def _tool_params(tools: list[ToolSpec]) -> list[dict[str, Any]]:
    params = [{"name": t.name, "description": t.description, "input_schema": t.input_schema} for t in tools]
    if params:
        params[-1]["cache_control"] = CACHE
    return params


class ClaudeModel:
    """Claude as the drafter.

    Args:
        model: a model id; default the newest Sonnet the SDK knows.
        client: an `AsyncAnthropic` to use (tests inject one over `httpx2.MockTransport`).
        api_key: used to build a client when none is given.
        max_tokens: output tokens per turn.
    """

    drafted_without_llm = False

    def __init__(
        self,
        *,
        model: str | None = None,
        client: AsyncAnthropic | None = None,
        api_key: str | None = None,
        max_tokens: int = 4_096,
    ) -> None:
        self.name = model or newest_sonnet()
        self._owns_client = client is None
        if client is None:
            if not api_key:
                raise MissingApiKeyError(
                    f"model {self.name} needs ANTHROPIC_API_KEY; set it, or run with --model offline to draft "
                    "without an LLM"
                )
            if not ALLOW_MODEL_REQUESTS:
                raise RuntimeError(
                    "requests to the Anthropic API are disabled (ALLOW_MODEL_REQUESTS is False)"
                )
            from anthropic import AsyncAnthropic

            client = AsyncAnthropic(api_key=api_key, max_retries=3)
        remember_secret(getattr(client, "api_key", None), getattr(client, "auth_token", None))
        self._client = client
        self._max_tokens = max_tokens

    def _scrub(self, text: str) -> str:
        return scrub(
            text, [getattr(self._client, "api_key", None), getattr(self._client, "auth_token", None)]
        )

    async def aclose(self) -> None:
        """Close the HTTP client, when this model built it."""
        if self._owns_client:
            await self._client.close()

    async def respond(self, conversation: list[Entry], tools: list[ToolSpec], system: str) -> ModelTurn:
        import anthropic

        try:
            response = await self._client.messages.create(
                model=self.name,
                max_tokens=self._max_tokens,
                system=[{"type": "text", "text": system, "cache_control": CACHE}],
                tools=_tool_params(tools),  # type: ignore[arg-type]
                messages=_to_messages(conversation),  # type: ignore[arg-type]
            )
        # The API can echo the request (the key included) in its error body: the message is scrubbed,
        # and the SDK's exception, which holds the body, is not chained to ours.
        except anthropic.AuthenticationError as exc:
            detail = self._scrub(exc.message)
            raise MissingApiKeyError(f"Anthropic rejected ANTHROPIC_API_KEY: {detail}") from None
        except anthropic.APIStatusError as exc:
            detail = self._scrub(exc.message)
            raise ModelProviderError(
                f"the Anthropic API failed with HTTP {exc.status_code}: {detail}"
            ) from None
        except anthropic.APIError as exc:
            raise ModelProviderError(
                f"the Anthropic API could not be reached: {self._scrub(str(exc))}"
            ) from None

        usage = Usage(
            input_tokens=response.usage.input_tokens,
            output_tokens=response.usage.output_tokens,
            cache_read_tokens=response.usage.cache_read_input_tokens or 0,
            cache_write_tokens=response.usage.cache_creation_input_tokens or 0,
        )
        if response.stop_reason == "refusal":
            raise ModelOutputError("the model declined to continue")
        blocks = [block.model_dump(exclude_none=True) for block in response.content]
        text = "\n".join(b["text"] for b in blocks if b["type"] == "text") or None
        calls = [
            ToolCall(id=b["id"], name=b["name"], arguments=b.get("input") or {})
            for b in blocks
            if b["type"] == "tool_use"
        ]
        if response.stop_reason == "max_tokens":
            # a tool call cut off mid-way has incomplete input: drop it and ask for a shorter answer
            blocks = [b for b in blocks if b["type"] != "tool_use"] or [{"type": "text", "text": "(cut off)"}]
            calls = []
        return ModelTurn(
            text=text,
            tool_calls=calls,
            stop_reason=response.stop_reason or "end_turn",
            usage=usage,
            raw=blocks,
        )


__all__ = ["ALLOW_MODEL_REQUESTS", "SUBMIT_TOOL", "ClaudeModel", "known_models", "newest_sonnet"]
