"""The files under `prompts/`: read raw, or rendered with jinja2."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import jinja2


def text(name: str) -> str:
    """A file from `prompts/` as it is stored."""
    return resources.files("customer_escalation.prompts").joinpath(name).read_text(encoding="utf-8")


def money(amount: float) -> str:
    return f"${amount:,.0f}"


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(text),
        autoescape=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals["money"] = money
    return env


def render(name: str, **context: Any) -> str:
    """A template from `prompts/` rendered with `context`."""
    return _environment().get_template(name).render(**context)


def macros(name: str) -> Any:
    """The macros of a template from `prompts/`, to call from Python (each returns its text)."""
    return _environment().get_template(name).module


__all__ = ["macros", "money", "render", "text"]
