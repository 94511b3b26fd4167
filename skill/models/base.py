"""The seam between the agent loop and whatever drives it: Claude, the offline planner, or a script.

The loop keeps a provider-neutral conversation and asks a `Model` for the next turn. A turn either
calls tools (several at once are run concurrently) or submits the final draft through the
`submit_brief` tool, whose input schema is `BriefDraft`.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from ...connectors.errors import ConfigError, CustomerEscalationError
from ..brief import Reproduction
from ..policy_config import Severity

SUBMIT_TOOL = "submit_brief"


class BriefDraft(BaseModel):
    """What the drafter writes; the figures (severity, target, customers, revenue, SLA, deadline) come from
    the policy and are added by the loop."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    decision: Literal["escalate", "handle_in_support"]
    """Must match the decision of escalation_assess."""
    summary: str = Field(min_length=3, max_length=200)
    """One line: what is broken or needed, and for whom."""
    cited_records: list[str] = Field(default_factory=list, max_length=60)
    """Evidence ids of every record the draft rests on: `ticket:<id>`, `account:<id>`, `issue:<key>`,
    `article:<id>`, `message:<channel>:<id>`."""
    workflow_impact: str | None = None
    """Escalations: what the customers cannot do, in their words, and for how many users."""
    issue_description: str | None = None
    """Escalations: three to five sentences."""
    whats_been_tried: list[str] = Field(default_factory=list)
    """Escalations: each action someone took (retried, reproduced, rotated a key, split a file...) and its
    result. Not acknowledgements, hand-offs or promises ("I've shared your message", "I can confirm")."""
    reproduction: Reproduction | None = None
    """Escalations about a bug: steps, expected, actual and environment (with how often it happens),
    assembled from the tickets, internal notes and the tracker's analysis when no ticket numbers them."""
    reproduction_note: str | None = None
    """Escalations without steps: why (not a bug, or unknown and where you looked)."""
    last_update_to_customer: str | None = None
    customer_expectation: str | None = None
    escalation_risk: str | None = None
    """Escalations: what the customer will do if it is not solved, and every promise support made with a
    time that passed without a follow-up ("I'll come back to you today"), quoted with its date."""
    whats_needed: list[str] = Field(default_factory=list)
    """Specific asks: investigate, fix, decide, approve."""
    requested_severity: Severity | None = None
    """Only to argue for a higher severity than the policy's."""
    severity_argument: str | None = None
    why: list[str] = Field(default_factory=list)
    """Support handling: why no escalation is needed."""
    suggested_reply: str | None = None
    """Support handling: the reply to send the customer: greet them by name (a neutral greeting when the
    name is unknown), use their words for the issue, not our summary, and answer what they asked."""

    def problems(self) -> list[str]:
        """What is missing for this decision; empty when the draft is complete."""
        missing: list[str] = []
        if self.decision == "escalate":
            for name in (
                "workflow_impact",
                "issue_description",
                "last_update_to_customer",
                "customer_expectation",
                "escalation_risk",
            ):
                if not getattr(self, name):
                    missing.append(f"{name} is required for an escalation")
            if self.reproduction is None and not self.reproduction_note:
                missing.append("give reproduction steps, or reproduction_note saying why there are none")
        elif not self.suggested_reply:
            missing.append("suggested_reply is required when handling in support")
        return missing


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


class Usage(BaseModel):
    """Tokens and cost of one request, or summed over a run."""

    input_tokens: int = 0
    """Uncached input tokens."""
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    requests: int = 0
    """Requests answered by the provider."""
    cost_usd: float = 0.0
    """What the priced requests cost, cache reads and writes included (see `models.catalog`)."""
    unpriced_requests: int = 0
    """Requests to a model the price table does not know; their cost is not in `cost_usd`."""

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens + self.cache_read_tokens + self.cache_write_tokens

    def add(self, other: Usage) -> None:
        """Add `other` into this total."""
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.cache_read_tokens += other.cache_read_tokens
        self.cache_write_tokens += other.cache_write_tokens
        self.requests += other.requests
        self.cost_usd += other.cost_usd
        self.unpriced_requests += other.unpriced_requests


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
