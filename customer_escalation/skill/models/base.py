"""The seam between the agent loop and whatever drives it: Claude, the offline planner, or a script.

The loop keeps a provider-neutral conversation and asks a `Model` for the next turn. A turn either
calls tools (several at once are run concurrently) or submits the final draft through the
`submit_brief` tool, whose input schema is `BriefDraft`.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from ...connectors.errors import ConfigError, CustomerEscalationError
from ..draft import BriefDraft
from ..run_result import Usage

SUBMIT_TOOL = "submit_brief"


class ToolSpec(BaseModel):
    """A tool as the model sees it."""

    model_config = ConfigDict(frozen=True)

    name: str
    description: str
    input_schema: dict[str, Any]


class ToolCall(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    arguments: dict[str, Any]


class ModelTurn(BaseModel):
    """One answer of the model: text, tool calls (the final draft is a call to `submit_brief`)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    text: str | None = None
    tool_calls: list[ToolCall] = Field(default_factory=list)
    stop_reason: str = "tool_use"
    usage: Usage = Field(default_factory=Usage)
    raw: Any = None
    """Provider content to send back verbatim on the next request (Claude's content blocks)."""


class UserEntry(BaseModel):
    role: Literal["user"] = "user"
    text: str
    require: str | None = None
    """A tool the next turn must call; a model that can force a tool choice does so."""


class AssistantEntry(BaseModel):
    role: Literal["assistant"] = "assistant"
    turn: ModelTurn


class ToolResultEntry(BaseModel):
    role: Literal["tool"] = "tool"
    call_id: str
    name: str
    text: str
    structured: dict[str, Any] | None = None
    is_error: bool = False


Entry = UserEntry | AssistantEntry | ToolResultEntry


@runtime_checkable
class Model(Protocol):
    """Decides the next turn from the conversation so far."""

    name: str
    """Shown in the output, e.g. `claude-sonnet-5-5` or `offline planner`."""
    drafted_without_llm: bool

    async def respond(self, conversation: list[Entry], tools: list[ToolSpec], system: str) -> ModelTurn:
        """The next turn.

        Raises:
            EscalationRunError: the model cannot go on (refusal, broken output, provider failure).
        """
        ...


class EscalationRunError(CustomerEscalationError):
    """The agent run could not produce a brief."""


class AccountNotFoundError(EscalationRunError):
    """The customer the user named is not in the CRM; the run stops rather than brief another customer."""


class TurnLimitError(EscalationRunError):
    """The model used all its turns without submitting a draft."""


class TimeLimitError(EscalationRunError):
    """The run took longer than its wall-time limit."""


class TokenBudgetError(EscalationRunError):
    """The run used more tokens, or cost more, than its budget."""


class ModelOutputError(EscalationRunError):
    """The model's output was unusable, still after one repair turn."""


class ModelProviderError(EscalationRunError):
    """The model provider failed (after its own retries): an infrastructure failure (5xx, 429,
    connection), not a failure of the model's judgement."""


class ContextWindowError(EscalationRunError):
    """The conversation outgrew the model's context window."""


class MissingApiKeyError(ConfigError):
    """A Claude model was asked for but no API key is configured."""


__all__ = [
    "SUBMIT_TOOL",
    "AccountNotFoundError",
    "AssistantEntry",
    "BriefDraft",
    "ContextWindowError",
    "Entry",
    "EscalationRunError",
    "MissingApiKeyError",
    "Model",
    "ModelOutputError",
    "ModelProviderError",
    "ModelTurn",
    "TimeLimitError",
    "TokenBudgetError",
    "ToolCall",
    "ToolResultEntry",
    "ToolSpec",
    "TurnLimitError",
    "Usage",
    "UserEntry",
]
