"""Claude through the Anthropic SDK (async client, Messages API tool use).

Every request marks three cache breakpoints: the system prompt, the tool list, and the last block of
the latest message, which moves forward each turn so that earlier tool results are read from the cache
instead of paid for again. The SDK's own retries handle 429, 5xx and connection failures (there is no
second retry layer); what still fails is a `ModelProviderError`, kept apart from the model's own
failures. `submit_brief` is a strict tool; a model that accepts a forced tool choice with thinking off
is made to call a tool every turn, and `submit_brief` when the loop asks for it. The SDK is imported
when the model is built, not at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...connectors.scrub import remember_secret, scrub
from .base import (
    SUBMIT_TOOL,
    AssistantEntry,
    ContextWindowError,
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
from .catalog import DEFAULT_MODEL, cost_usd, model_info

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

ALLOW_MODEL_REQUESTS = True
"""Tests set this to False so that no client for the real API can be built by accident (an injected client,
such as one over a fake transport, is still allowed)."""

CACHE: Any = {"type": "ephemeral"}
_CACHEABLE = frozenset({"text", "tool_use", "tool_result", "image", "document"})
MAX_OUTPUT_TOKENS = 8_000
"""Output tokens per turn. The longest brief of the offline eval suite renders to about 4,400 characters
(about 1,100 tokens); 8,000 leaves room for a fuller draft as tool-call JSON plus the notes Claude writes
between tool calls, and stays far below the size above which the SDK insists on streaming."""


def _to_messages(conversation: list[Entry]) -> list[dict[str, Any]]:
    """The conversation as Messages API turns: roles alternate, no message is empty, tool results come
    first in their user message, and the last block carries the moving cache breakpoint."""
    messages: list[dict[str, Any]] = []

    def add(role: str, blocks: list[dict[str, Any]]) -> None:
        if not blocks:
            return  # an empty message is a 400; an empty answer is simply not sent back
        if messages and messages[-1]["role"] == role:
            messages[-1]["content"].extend(blocks)
        else:
            messages.append({"role": role, "content": list(blocks)})

    for entry in conversation:
        if isinstance(entry, ToolResultEntry):
            add(
                "user",
                [
                    {
                        "type": "tool_result",
                        "tool_use_id": entry.call_id,
                        "content": entry.text,
                        "is_error": entry.is_error,
                    }
                ],
            )
        elif isinstance(entry, UserEntry):
            add("user", [{"type": "text", "text": entry.text}])
        elif isinstance(entry, AssistantEntry):
            content = entry.turn.raw if entry.turn.raw is not None else _content_of(entry.turn)
            add("assistant", [dict(block) for block in content])
    if messages:
        blocks = messages[-1]["content"]
        for index in range(len(blocks) - 1, -1, -1):
            if blocks[index].get("type") in _CACHEABLE:  # thinking blocks cannot carry a breakpoint
                blocks[index] = {**blocks[index], "cache_control": CACHE}
                break
    return messages


def _content_of(turn: ModelTurn) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if turn.text and turn.text.strip():
        blocks.append({"type": "text", "text": turn.text})
    blocks += [
        {"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments} for c in turn.tool_calls
    ]
    return blocks


def _tool_params(tools: list[ToolSpec]) -> list[dict[str, Any]]:
    from anthropic import transform_schema

    params: list[dict[str, Any]] = []
    for tool in tools:
        param: dict[str, Any] = {
            "name": tool.name,
            "description": tool.description,
            "input_schema": tool.input_schema,
        }
        if tool.name == SUBMIT_TOOL:
            # Strict: the draft always parses against its schema (length limits move into descriptions
            # and are still checked by the loop, which asks for one repair).
            param["input_schema"] = transform_schema(tool.input_schema)
            param["strict"] = True
        params.append(param)
    if params:
        params[-1]["cache_control"] = CACHE
    return params


def _required_tool(conversation: list[Entry]) -> str | None:
    last = conversation[-1] if conversation else None
    return last.require if isinstance(last, UserEntry) else None


class ClaudeModel:
    """Claude as the drafter.

    Args:
        model: a model id; default `DEFAULT_MODEL` (pinned, see `models.catalog`).
        client: an `AsyncAnthropic` to use (tests inject one over `httpx2.MockTransport`).
        api_key: used to build a client when none is given.
        max_tokens: output tokens per turn.
        thinking: False asks for the least thinking the model allows (`disabled`, or `between_tools` on
            Sonnet 5.5), which on models that accept it also lets the loop force the tool choice; True
            or None leave the model's default.
        owns_client: whether `aclose` closes the client (default: only a client this model built).
    """

    drafted_without_llm = False

    def __init__(
        self,
        *,
        model: str | None = None,
        client: AsyncAnthropic | None = None,
        api_key: str | None = None,
        max_tokens: int = MAX_OUTPUT_TOKENS,
        thinking: bool | None = False,
        owns_client: bool | None = None,
    ) -> None:
        self.name = model or DEFAULT_MODEL
        self._owns_client = client is None if owns_client is None else owns_client
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
        self.max_tokens = max_tokens
        self.spent = Usage()
        """Every answered request so far, also when the run ends early."""
        info = model_info(self.name)
        self._thinking_param: dict[str, Any] | None = None
        self.forces_tools = False
        """Whether every turn must call a tool (thinking off on a model that accepts a forced choice)."""
        if thinking is False and info is not None and info.thinking_off is not None:
            self._thinking_param = info.thinking_off or None
            self.forces_tools = info.forced_tool_choice

    def _scrub(self, text: str) -> str:
        return scrub(
            text, [getattr(self._client, "api_key", None), getattr(self._client, "auth_token", None)]
        )

    async def aclose(self) -> None:
        """Close the HTTP client, when this model built it."""
        if self._owns_client:
            await self._client.close()

    def request(self, conversation: list[Entry], tools: list[ToolSpec], system: str) -> dict[str, Any]:
        """The body of the next Messages request."""
        params: dict[str, Any] = {
            "model": self.name,
            "max_tokens": self.max_tokens,
            "system": [{"type": "text", "text": system, "cache_control": CACHE}],
            "tools": _tool_params(tools),
            "messages": _to_messages(conversation),
        }
        if self._thinking_param is not None:
            params["thinking"] = self._thinking_param
        if self.forces_tools and tools:
            required = _required_tool(conversation)
            offered = {t.name for t in tools}
            params["tool_choice"] = (
                {"type": "tool", "name": required} if required in offered else {"type": "any"}
            )
        return params

    async def respond(self, conversation: list[Entry], tools: list[ToolSpec], system: str) -> ModelTurn:
        import anthropic

        try:
            response = await self._client.messages.create(**self.request(conversation, tools, system))
        # The API can echo the request (the key included) in its error body: the message is scrubbed,
        # and the SDK's exception, which holds the body, is not chained to ours.
        except anthropic.AuthenticationError as exc:
            detail = self._scrub(exc.message)
            raise MissingApiKeyError(f"Anthropic rejected ANTHROPIC_API_KEY: {detail}") from None
        except anthropic.BadRequestError as exc:
            detail = self._scrub(exc.message)
            said = detail.lower()
            if "prompt is too long" in said or ("context" in said and "window" in said):
                raise ContextWindowError(f"the conversation is too long for {self.name}: {detail}") from None
            raise ModelProviderError(f"the Anthropic API refused the request (HTTP 400): {detail}") from None
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
            requests=1,
        )
        price = cost_usd(self.name, usage)
        if price is None:
            usage.unpriced_requests = 1
        else:
            usage.cost_usd = price
        self.spent.add(usage)
        stop = response.stop_reason or "end_turn"
        if stop == "refusal":
            raise ModelOutputError("the model declined to continue (stop reason: refusal)")
        if stop == "model_context_window_exceeded":
            raise ContextWindowError(
                f"the conversation filled the context window of {self.name}; search with lower limits or "
                "read fewer records"
            )
        blocks = [
            block.model_dump(exclude_none=True)
            for block in response.content
            if not (block.type == "text" and not getattr(block, "text", "").strip())  # empty text is a 400
        ]
        text = "\n".join(b["text"] for b in blocks if b["type"] == "text") or None
        calls = [
            ToolCall(id=b["id"], name=b["name"], arguments=b.get("input") or {})
            for b in blocks
            if b["type"] == "tool_use"
        ]
        if stop == "max_tokens":
            # a tool call cut off mid-way has incomplete input: drop it; the loop asks for a shorter answer
            blocks = [b for b in blocks if b["type"] != "tool_use"]
            calls = []
        return ModelTurn(text=text, tool_calls=calls, stop_reason=stop, usage=usage, raw=blocks)


__all__ = ["ALLOW_MODEL_REQUESTS", "DEFAULT_MODEL", "MAX_OUTPUT_TOKENS", "SUBMIT_TOOL", "ClaudeModel"]
