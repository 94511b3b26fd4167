"""What a run of the agent loop produced: the brief or support-handling note, the assessment behind it,
the trace of every step, and what the model calls cost.

These are the skill's own terms for a finished run, so that what acts on a run (recording it, the
next steps, the evals) reads it without depending on the loop that made it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from .brief import EscalationBrief, SupportHandling
from .views import AssessmentView


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


class TraceEntry(BaseModel):
    """One tool call of a run."""

    event: Literal["tool_call"] = "tool_call"
    turn: int
    step: int
    tool: str
    arguments: dict[str, Any]
    duration_ms: float
    result_chars: int
    is_error: bool = False


class StepEvent(BaseModel):
    """One of the seven steps begins."""

    event: Literal["step"] = "step"
    step: int
    title: str
    elapsed_ms: float


class ModelTurnEvent(BaseModel):
    """One answer of the model: what it asked for and what it cost (not its text)."""

    event: Literal["model_turn"] = "model_turn"
    turn: int
    model: str
    stop_reason: str
    tool_calls: list[str]
    input_tokens: int
    output_tokens: int
    duration_ms: float


class DecisionEvent(BaseModel):
    """What the run decided, and on what."""

    event: Literal["decision"] = "decision"
    decision: Literal["escalate", "handle_in_support"]
    severity: str | None = None
    target: str | None = None
    invented_ids: list[str] = Field(default_factory=list)
    unavailable: list[str] = Field(default_factory=list)
    elapsed_ms: float


TraceEvent = StepEvent | ModelTurnEvent | TraceEntry | DecisionEvent


class RunResult(BaseModel):
    """What a run produced."""

    issue: str
    """The issue the run was about, as it was given."""
    account: str | None = None
    """The account the run was told the issue is about, when it was told."""
    brief: EscalationBrief | None = None
    handling: SupportHandling | None = None
    assessment: AssessmentView | None = None
    """The policy's verdict the output rests on, as `escalation_assess` returned it."""
    trace: list[TraceEntry] = Field(default_factory=list)
    """The tool calls."""
    events: list[TraceEvent] = Field(default_factory=list)
    """Every step, model turn, tool call and the decision, in order: what `--trace` writes."""
    model: str
    drafted_without_llm: bool
    unavailable: list[str] = Field(default_factory=list)
    invented_ids: list[str] = Field(default_factory=list)
    """Ids the drafter cited that no tool returned; left out of the brief."""
    usage: Usage = Field(default_factory=Usage)
    turns: int = 0

    @property
    def markdown(self) -> str:
        output = self.brief or self.handling
        return output.render() if output is not None else ""

    @property
    def context_chars(self) -> int:
        """Characters of tool results handed to the model."""
        return sum(t.result_chars for t in self.trace)


__all__ = [
    "DecisionEvent",
    "ModelTurnEvent",
    "RunResult",
    "StepEvent",
    "TraceEntry",
    "TraceEvent",
    "Usage",
]
