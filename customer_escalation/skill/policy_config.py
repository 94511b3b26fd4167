"""The escalation policy's configuration: thresholds, SLA targets, cadence, routing and signal phrases.

Defaults live in `prompts/policy.yaml`; a user file (``--policy FILE``) is merged over them key by key.
"""

from __future__ import annotations

import importlib
import re
from datetime import time
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..connectors.errors import ConfigError
from ..connectors.records import SEVERITIES, Severity, TicketPriority, Tier

SignalKind = Literal[
    "security",
    "degraded",
    "multi_customer",
    "workaround_failed",
    "test_environment",
    "resolved",
    "data_loss",
    "production_down",
    "blocked",
    "inconvenienced",
    "churn",
    "executive",
    "reputation",
    "legal",
    "exception",
    "feature_gap",
    "recurring",
    "how_to",
    "reproduced",
    "not_reproduced",
]
"""The kinds of signal a policy names phrases for, in the order an assessment reads them in a customer's
words (`how_to` is read in the issue text alone; `reproduced` and `not_reproduced` in support's words)."""
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


MAX_PATTERN_CHARS = 500
MAX_DAYS = 3_650
MAX_MINUTES = 366 * 24 * 60

_parser: Any = importlib.import_module("re._parser")
_REPEATS = frozenset({"MAX_REPEAT", "MIN_REPEAT"})


def nested_quantifier(pattern: str) -> str | None:
    """The first catastrophic nesting in `pattern`, described, or None.

    Backtracking can take exponential time when a repetition contains another repetition that can match
    the same text in several ways: an unbounded repetition of something of variable length (`(a+)+`,
    `(a{1,2})*`, `(\\w+\\s?)+`), or any repetition of an unbounded one (`(.*a){20}`). Possessive
    quantifiers and atomic groups do not backtrack and are allowed.
    """
    maxrepeat = _parser.MAXREPEAT

    def walk(items: Any, outer: tuple[int, int] | None) -> str | None:
        for op, av in items:
            name = str(op)
            if name in _REPEATS:
                low, high, body = av
                if outer is not None and (
                    (outer[1] == maxrepeat and low != high) or (outer[1] > 1 and high == maxrepeat)
                ):
                    return f"{_quantifier(*outer, maxrepeat)} around {_quantifier(low, high, maxrepeat)}"
                inner = outer if high <= 1 else (low, high) if outer is None else outer
                found = walk(body, inner)
            elif name == "SUBPATTERN":
                found = walk(av[3], outer)
            elif name == "BRANCH":
                found = next((f for alt in av[1] if (f := walk(alt, outer)) is not None), None)
            elif name in {"ASSERT", "ASSERT_NOT"}:
                found = walk(av[1], outer)
            elif name == "GROUPREF_EXISTS":
                found = walk(av[1], outer) or (walk(av[2], outer) if av[2] is not None else None)
            else:  # literals, classes, anchors; possessive repeats and atomic groups never backtrack
                found = None
            if found is not None:
                return found
        return None

    return walk(_parser.parse(pattern), None)


def _quantifier(low: int, high: int, maxrepeat: Any) -> str:
    if high == maxrepeat:
        return {0: "*", 1: "+"}.get(low, f"{{{low},}}")
    return "?" if (low, high) == (0, 1) else f"{{{low}}}" if low == high else f"{{{low},{high}}}"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SlaPair(_Model):
    first_reply: int = Field(gt=0, le=MAX_MINUTES)
    resolution: int = Field(gt=0, le=MAX_MINUTES)


class TierSla(_Model):
    business_hours: bool = False
    urgent: SlaPair
    high: SlaPair
    normal: SlaPair
    low: SlaPair

    def for_priority(self, priority: TicketPriority | None) -> SlaPair:
        pair: SlaPair = getattr(self, priority or "normal")
        return pair


class BusinessHours(_Model):
    timezone: str = "UTC"
    start: time = time(9, 0)
    end: time = time(17, 0)
    weekdays: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("weekdays")
    @classmethod
    def _known_days(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        days = tuple(v.lower()[:3] for v in value)
        if not days or any(d not in _WEEKDAYS for d in days):
            raise ValueError(f"weekdays must be names like mon, tue; got {list(value)}")
        return days

    @model_validator(mode="after")
    def _start_before_end(self) -> BusinessHours:
        if self.start >= self.end:
            raise ValueError("business_hours.start must be before end")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def weekday_numbers(self) -> frozenset[int]:
        return frozenset(_WEEKDAYS.index(d) for d in self.weekdays)


Minutes = Annotated[int, Field(gt=0, le=MAX_MINUTES)]
Days = Annotated[int, Field(gt=0, le=MAX_DAYS)]


class Cadence(_Model):
    internal_minutes: int = Field(gt=0, le=MAX_MINUTES)
    customer_minutes: tuple[Minutes, Minutes] | None = None
    customer_business_days: tuple[Days, Days] | None = None
    deadline_minutes: int = Field(gt=0, le=MAX_MINUTES)

    @model_validator(mode="after")
    def _one_customer_rule(self) -> Cadence:
        if (self.customer_minutes is None) == (self.customer_business_days is None):
            raise ValueError("give exactly one of customer_minutes or customer_business_days")
        return self


class PolicyConfig(_Model):
    """Every threshold the escalation policy uses. See `prompts/policy.yaml` for the meaning of each."""

    high_value_arr: float = Field(ge=0, allow_inf_nan=False)
    high_value_tiers: tuple[Tier, ...] = ("enterprise",)
    pattern_customer_count: int = Field(ge=2, le=1_000_000)
    renewal_window_days: int = Field(ge=0, le=MAX_DAYS)
    sla_at_risk_fraction: float = Field(ge=0, le=1)
    sla_at_risk_minimum_minutes: int = Field(ge=0, le=MAX_MINUTES)
    long_wait_days: float = Field(gt=0, le=MAX_DAYS)
    sla_targets: dict[Tier, TierSla]
    business_hours: BusinessHours
    cadence: dict[Severity, Cadence]
    priority_scale: dict[str, str]
    incident_scale: dict[str, str]
    team_routing: dict[str, str] = Field(default_factory=dict)
    signals: dict[SignalKind, tuple[str, ...]]

    @field_validator("signals")
    @classmethod
    def _patterns_compile(cls, value: dict[SignalKind, tuple[str, ...]]) -> dict[SignalKind, tuple[str, ...]]:
        for kind, patterns in value.items():
            for pattern in patterns:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(
                        f"signals.{kind}: {pattern!r} is not a valid regular expression: {exc}"
                    ) from None
                if len(pattern) > MAX_PATTERN_CHARS:
                    raise ValueError(
                        f"signals.{kind}: a pattern of {len(pattern)} characters; the limit is {MAX_PATTERN_CHARS}"
                    )
                nested = nested_quantifier(pattern)
                if nested is not None:
                    raise ValueError(
                        f"signals.{kind}: {pattern!r} repeats a group that itself repeats ({nested}), which can "
                        "take exponential time on some text; rewrite it without the nested quantifier"
                    )
        return value

    @model_validator(mode="after")
    def _complete_tables(self) -> PolicyConfig:
        missing = [s for s in SEVERITIES if s not in self.cadence]
        if missing:
            raise ValueError(f"cadence needs an entry for {', '.join(missing)}")
        for scale_name, scale in (
            ("priority_scale", self.priority_scale),
            ("incident_scale", self.incident_scale),
        ):
            absent = [k for k in (*SEVERITIES, "handle") if k not in scale]
            if absent:
                raise ValueError(f"{scale_name} needs an entry for {', '.join(absent)}")
        return self

    @cached_property
    def compiled(self) -> dict[SignalKind, tuple[re.Pattern[str], ...]]:
        return {
            kind: tuple(re.compile(p, re.IGNORECASE | re.MULTILINE) for p in patterns)
            for kind, patterns in self.signals.items()
        }


_WHOLE_ENTRIES = frozenset({"cadence"})
"""Sections whose entries (one per severity) replace the default entry whole instead of merging into it:
a cadence gives customer updates in minutes or in business days, never both."""


def _deep_merge(base: dict[str, Any], override: dict[str, Any], *, whole: bool = False) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and not whole:
            merged[key] = _deep_merge(merged[key], value, whole=key in _WHOLE_ENTRIES)
        else:
            merged[key] = value
    return merged


def default_policy_text() -> str:
    """The packaged default policy file, comments included."""
    return resources.files("customer_escalation.prompts").joinpath("policy.yaml").read_text(encoding="utf-8")


def _parse(text: str, origin: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin} is not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{origin} must hold a mapping of settings, not {type(data).__name__}")
    return data


def load_policy(path: Path | None = None) -> PolicyConfig:
    """The default policy, with the file at `path` merged over it.

    Raises:
        ConfigError: the file cannot be read, is not YAML, or holds an invalid value (the message names the
            file and the setting).
    """
    data = _parse(default_policy_text(), "the default policy")
    origin = "the default policy"
    if path is not None:
        origin = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read policy file {path}: {exc}") from exc
        data = _deep_merge(data, _parse(text, str(path)))
    try:
        return PolicyConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or '(top level)'}: {error['msg']}"
            for error in exc.errors()
        )
        raise ConfigError(f"invalid policy in {origin}: {problems}") from exc


__all__ = [
    "MAX_DAYS",
    "MAX_MINUTES",
    "SEVERITIES",
    "BusinessHours",
    "Cadence",
    "PolicyConfig",
    "Severity",
    "SignalKind",
    "SlaPair",
    "TierSla",
    "default_policy_text",
    "load_policy",
    "nested_quantifier",
]
