"""Models for tests: a script of turns, or a function of the conversation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .base import SUBMIT_TOOL, Entry, ModelOutputError, ModelTurn, ToolCall, ToolSpec

TurnSource = ModelTurn | Callable[[list[Entry]], ModelTurn]


class ScriptedModel:
    """Replays a list of turns; an item may be a function of the conversation so far."""

    drafted_without_llm = False

    def __init__(self, turns: Sequence[TurnSource], *, name: str = "scripted") -> None:
        self._turns = list(turns)
        self.name = name
        self.calls: list[tuple[list[Entry], list[ToolSpec], str]] = []

    async def respond(self, conversation: list[Entry], tools: list[ToolSpec], system: str) -> ModelTurn:
        self.calls.append((list(conversation), list(tools), system))
        if not self._turns:
            raise ModelOutputError("the script has no more turns")
        item = self._turns.pop(0)
        return item(conversation) if callable(item) else item


class FunctionModel:
    """Answers every turn with `fn(conversation, tools)`."""

    drafted_without_llm = False

    def __init__(
        self, fn: Callable[[list[Entry], list[ToolSpec]], ModelTurn], *, name: str = "function"
    ) -> None:
        self._fn = fn
        self.name = name

    async def respond(self, conversation: list[Entry], tools: list[ToolSpec], system: str) -> ModelTurn:
        return self._fn(conversation, tools)


def call(name: str, arguments: dict[str, Any] | None = None, *, call_id: str | None = None) -> ToolCall:
    """A tool call for scripts; ids are derived from the name when not given."""
    return ToolCall(
        id=call_id or f"call_{name}_{abs(hash(str(arguments))) % 10_000}",
        name=name,
        arguments=arguments or {},
    )


def turn(*calls: ToolCall, text: str | None = None) -> ModelTurn:
    return ModelTurn(text=text, tool_calls=list(calls))


def submit(draft: dict[str, Any], *, call_id: str = "call_submit") -> ModelTurn:
    return ModelTurn(tool_calls=[ToolCall(id=call_id, name=SUBMIT_TOOL, arguments=draft)])


__all__ = ["FunctionModel", "ScriptedModel", "call", "submit", "turn"]
