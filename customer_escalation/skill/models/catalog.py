"""The Claude models this program knows: prices, context window, and what each accepts.

Keep this table current: it prices every eval trial and bounds every run's budget. Prices are USD per
million tokens on the Claude API, from the pricing page and the model pages of the Claude platform
documentation (platform.claude.com/docs/en/about-claude/pricing), checked on `PRICES_CHECKED`. A
model missing from the table still runs; its cost is reported as unknown and only the token budget
applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .base import Usage

PRICES_CHECKED = date(2026, 12, 7)
"""The day the prices below were last compared with the published price list."""

DEFAULT_MODEL = "claude-sonnet-5-5"
"""The drafter when neither `--model` nor CUSTOMER_ESCALATION_MODEL names one. Pinned: upgrading the SDK
never changes it."""

DEFAULT_JUDGE_MODEL = "claude-opus-5-5"
"""The rubric judge by default: a different model from the drafter, so that it does not grade its own
writing."""

BATCH_DISCOUNT = 0.5
"""Message Batches bill every token at half price."""


@dataclass(frozen=True)
class Prices:
    """USD per million tokens."""

    input: float
    output: float
    cache_write: float
    """5-minute cache writes (the TTL this program uses)."""
    cache_read: float


@dataclass(frozen=True)
class ModelInfo:
    """One model: its prices and the request settings it accepts."""

    prices: Prices
    context_window: int
    thinking_off: dict[str, Any] | None
    """The `thinking` value for the least thinking the model allows ({} when it thinks only when asked
    to); None when the model accepts no such setting."""
    forced_tool_choice: bool
    """Whether `tool_choice` of type `any` or `tool` is accepted (with thinking off)."""
    long_prompt: tuple[int, Prices] | None = None
    """(threshold, prices) for models billed higher when a request's prompt exceeds the threshold."""


MODELS: dict[str, ModelInfo] = {
    # The 5.5 generation: forced tool choice and `thinking: disabled` return HTTP 400. Sonnet 5.5 turns
    # up-front thinking off with `between_tools` (short notes between tool calls remain).
    "claude-sonnet-5-5": ModelInfo(
        Prices(2.00, 10.00, 2.50, 0.10), 1_000_000, {"type": "between_tools"}, False
    ),
    "claude-opus-5-5": ModelInfo(Prices(4.00, 20.00, 5.00, 0.20), 1_000_000, None, False),
    "claude-haiku-5-5": ModelInfo(
        Prices(0.10, 0.50, 0.125, 0.01),
        1_000_000,
        None,
        False,
        long_prompt=(100_000, Prices(0.50, 2.50, 0.625, 0.05)),
    ),
    # The 5 generation: adaptive thinking by default, `disabled` accepted.
    "claude-sonnet-5": ModelInfo(Prices(2.00, 10.00, 2.50, 0.20), 1_000_000, {"type": "disabled"}, True),
    "claude-opus-5": ModelInfo(Prices(5.00, 25.00, 6.25, 0.50), 1_000_000, {"type": "disabled"}, True),
    # Earlier models think only when asked to.
    "claude-sonnet-4-6": ModelInfo(Prices(3.00, 15.00, 3.75, 0.30), 1_000_000, {}, True),
    "claude-haiku-4-5": ModelInfo(Prices(1.00, 5.00, 1.25, 0.10), 200_000, {}, True),
}


def judge_for(drafter: str | None) -> str:
    """The default rubric judge for runs drafted by `drafter`: never the drafter itself."""
    return DEFAULT_JUDGE_MODEL if (drafter or DEFAULT_MODEL) != DEFAULT_JUDGE_MODEL else DEFAULT_MODEL


def model_info(model: str) -> ModelInfo | None:
    """The table's entry for `model` (a dated id such as ``claude-haiku-4-5-20251001`` finds its alias)."""
    if model in MODELS:
        return MODELS[model]
    head, _, tail = model.rpartition("-")
    if tail.isdigit() and len(tail) == 8:
        return MODELS.get(head)
    return None


def cost_usd(model: str, usage: Usage, *, batch: bool = False) -> float | None:
    """What one request with `usage` costs on `model`, cache reads and writes included; None when the
    model is not in the table."""
    info = model_info(model)
    if info is None:
        return None
    prices = info.prices
    prompt = usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens
    if info.long_prompt is not None and prompt > info.long_prompt[0]:
        prices = info.long_prompt[1]
    total = (
        usage.input_tokens * prices.input
        + usage.output_tokens * prices.output
        + usage.cache_write_tokens * prices.cache_write
        + usage.cache_read_tokens * prices.cache_read
    ) / 1_000_000
    return total * BATCH_DISCOUNT if batch else total


__all__ = [
    "BATCH_DISCOUNT",
    "DEFAULT_JUDGE_MODEL",
    "DEFAULT_MODEL",
    "MODELS",
    "PRICES_CHECKED",
    "ModelInfo",
    "Prices",
    "cost_usd",
    "judge_for",
    "model_info",
]
