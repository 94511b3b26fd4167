"""How a run of the agent loop goes: the MCP session it talks to, its bounds and its options."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from mcp.types import CallToolResult
from pydantic import BaseModel

from ..connectors.base import Clock, utc_now


class Session(Protocol):
    """The part of `mcp.Client` the loop uses."""

    async def list_tools(self) -> Any: ...

    async def call_tool(self, name: str, arguments: dict[str, Any] | None = None) -> CallToolResult: ...

    async def get_prompt(self, name: str, arguments: dict[str, str] | None = None) -> Any: ...


class Limits(BaseModel):
    """The bounds of one run."""

    max_turns: int = 16
    max_seconds: float = 300.0
    max_cost_usd: float = 1.50
    """What the run may cost, cache reads and writes included (priced by `models.catalog`)."""
    max_tokens: int = 2_000_000
    """All tokens across the run (input, output, cache reads and writes); the bound for a model the
    price table does not know."""


@dataclass(frozen=True)
class RunOptions:
    """Who a run is for and by, its bounds, its clock, and who hears of each step as it begins."""

    account: str | None = None
    reporter: str = "Support"
    limits: Limits = field(default_factory=Limits)
    clock: Clock = utc_now
    on_step: Callable[[int, str], None] | None = None


__all__ = ["Limits", "RunOptions", "Session"]
