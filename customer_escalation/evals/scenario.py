"""Scenario files: loading, validation, and the world of records each scenario runs in.

A scenario is one YAML file: the issue a support lead types, the records it needs (layered on the demo
company or on an empty world), the outcome the written policy leads to, and what must never happen.
Times in records are written relative to the scenario's fixed clock (``-3h``, ``-2d``, ``+21d``), so a
scenario means the same thing on every run. See ``evals/README.md`` for the format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ..connectors.base import Category
from ..connectors.errors import CustomerEscalationError
from ..connectors.local import world
from ..connectors.local.world import Records, layered
from ..connectors.records import Dataset, Decision, Severity, Target

DEFAULT_NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
"""The fixed clock scenarios run against unless they set `now` (a Wednesday afternoon, in business hours)."""
WRITE_TOOLS = ("chat_post_message", "tracker_create_issue", "support_add_internal_note", "followup_schedule")
"""The MCP server's write tools; an eval run must call none of them."""
NO_CRITERION = "no_criterion"
"""The rule name for the policy's fallback: nothing is met, so support asks the customer for details."""
SYSTEM = "local"

Base = Literal["demo", "empty"]


class ScenarioError(CustomerEscalationError):
    """A scenario file is invalid; the message names the file and the field."""


# --------------------------------------------------------------------------- expectations and the scenario


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ArrExpectation(_Spec):
    value: float | None
    """ARR at risk in USD; null when it must be reported unknown (no affected account has a figure)."""
    rel_tol: float = Field(default=0.01, ge=0, le=1)


class Expected(_Spec):
    """The outcome the written policy leads to. Fields left out are not checked."""

    decision: Decision
    target: Target | None = None
    secondary: Target | None = None
    """Checked only when given; an explicit null means there must be no secondary team."""
    severity: Severity | None = None
    customers: tuple[str, ...] | None = None
    """The exact set of affected account ids."""
    arr: ArrExpectation | None = None
    must_cite: tuple[str, ...] = ()
    """Records the output must link, as evidence ids (``ticket:123``, ``issue:ENG-1``) or bare ids."""
    must_contain: tuple[str, ...] = ()
    """Facts that must appear in the output (case-insensitive)."""

    @field_validator("decision", mode="before")
    @classmethod
    def _short_decision(cls, value: Any) -> Any:
        return "handle_in_support" if value == "handle" else value

    @field_validator("must_cite", mode="before")
    @classmethod
    def _ids_as_text(cls, value: Any) -> Any:
        return [str(v) for v in value] if isinstance(value, list) else value

    @model_validator(mode="after")
    def _labels_fit_the_decision(self) -> Expected:
        if self.decision == "escalate":
            missing = [name for name in ("target", "severity") if getattr(self, name) is None]
            if missing:
                raise ValueError(f"an escalation needs {' and '.join(missing)}")
        else:
            given = [name for name in ("target", "severity") if getattr(self, name) is not None]
            if given or self.secondary is not None:
                raise ValueError(
                    f"handle_in_support has no {', '.join(given or ['secondary'])}; remove it or escalate"
                )
        return self


class Injected(_Spec):
    """The outcome an injected instruction asks for; reaching it means the instruction was obeyed."""

    decision: Decision | None = None
    target: Target | None = None
    severity: Severity | None = None


class MustNot(_Spec):
    """What must never happen in a run."""

    pii: tuple[str, ...] = ()
    """Strings (contact e-mails, phone numbers, secrets) that must not appear anywhere in the output."""
    canaries: tuple[str, ...] = ()
    """Marker strings planted in injected instructions; seeing one in the output means it was obeyed."""
    injected: Injected | None = None
    write_tools: tuple[str, ...] = WRITE_TOOLS
    invented_ids: bool = True
    """Every id-like token in the output must exist in the records."""
    invented_figures: bool = True
    """Every money amount in the output must be a figure from the records or the assessment."""


class Reference(_Spec):
    """The records a correct run rests on: a reference solution, used to check the labels, never gated."""

    demo: str | None = None
    """Take the ids from a scenario of the demo company (``DEMO_SCENARIOS``) by name."""
    ticket_ids: tuple[str, ...] = ()
    account_ids: tuple[str, ...] = ()
    issue_keys: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = ()
    message_ids: tuple[str, ...] = ()
    """As ``<channel id>:<message id>``."""

    @field_validator("ticket_ids", mode="before")
    @classmethod
    def _ids_as_text(cls, value: Any) -> Any:
        return [str(v) for v in value] if isinstance(value, list) else value


class Scenario(_Spec):
    """One eval task: the issue, its world, the expected outcome and what must not happen."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    purpose: str = Field(min_length=10)
    rule: tuple[str, ...]
    """The policy rule(s) that decide it, by finding name (e.g. ``security_concern``)."""
    issue: str = Field(min_length=3, max_length=4_000)
    account: str | None = None
    base: Base = "empty"
    now: datetime = DEFAULT_NOW
    faults: dict[Category, Literal["unavailable"]] = Field(default_factory=dict)
    """Connector categories that fail on every call during the run."""
    records: Records = Records()
    reference: Reference = Reference()
    expected: Expected
    must_not: MustNot = MustNot()
    tags: tuple[str, ...] = ()
    gates: tuple[str, ...] | None = None
    """Checks that decide the pass; default every applicable check. The others are diagnostics."""
    rubric: tuple[str, ...] = ()
    """Extra criteria for the optional Claude rubric grader."""
    known_issue: str | None = None
    """A known disagreement between the labels and the current policy code, planner or graders, with the
    evidence. The scenario is graded as usual; this only explains an expected failure."""
    source: str = Field(default="", exclude=True)
    """Where the scenario was read from (set by the loader)."""

    @field_validator("rule", mode="before")
    @classmethod
    def _one_or_more(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("rule")
    @classmethod
    def _known_rules(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("name at least one policy rule")
        unknown = [r for r in value if r not in policy_rules()]
        if unknown:
            raise ValueError(
                f"unknown policy rule {', '.join(unknown)}; known: {', '.join(sorted(policy_rules()))}"
            )
        return value

    @field_validator("now", mode="before")
    @classmethod
    def _aware(cls, value: Any) -> Any:
        moment = world.moment(value)
        if isinstance(moment, timedelta):
            raise ValueError("now must be an absolute date-time")
        return moment

    @field_validator("gates")
    @classmethod
    def _known_gates(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        from .check_names import CHECK_NAMES

        if value is not None:
            unknown = [g for g in value if g not in CHECK_NAMES]
            if unknown:
                raise ValueError(f"unknown check {', '.join(unknown)}; known: {', '.join(CHECK_NAMES)}")
        return value

    @model_validator(mode="after")
    def _injection_differs_from_the_answer(self) -> Scenario:
        injected = self.must_not.injected
        if injected is not None:
            for name in ("decision", "target", "severity"):
                wanted = getattr(injected, name)
                if wanted is not None and wanted == getattr(self.expected, name):
                    raise ValueError(
                        f"must_not.injected.{name} is {wanted!r}, the expected outcome itself; an injection "
                        "must ask for something the policy would not do"
                    )
        return self

    @property
    def paraphrase_of(self) -> str | None:
        for tag in self.tags:
            if tag.startswith("paraphrase-of:"):
                return tag.split(":", 1)[1]
        return None

    def clock(self) -> Callable[[], datetime]:
        now = self.now
        return lambda: now


@cache
def policy_rules() -> frozenset[str]:
    """Every rule name the policy reports, plus `no_criterion` for its fallback."""
    from ..skill.policy import rule_names

    return frozenset({*rule_names(), NO_CRITERION})


# ----------------------------------------------------------------------------------------------- loading

ScenarioSource = Path | Traversable


def packaged_scenarios() -> Traversable:
    """The scenarios shipped inside the package."""
    return resources.files("customer_escalation.evals") / "scenarios"


def parse_scenario(text: str, origin: str) -> Scenario:
    """A scenario from YAML text; `origin` names it in errors.

    Raises:
        ScenarioError: the text is not YAML, not a mapping, or a field is invalid (the message names
            `origin` and the field).
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{origin}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ScenarioError(f"{origin}: a scenario file must hold a mapping, not {type(data).__name__}")
    try:
        scenario = Scenario.model_validate({**data, "source": origin})
    except ValidationError as exc:
        problems = "; ".join(
            f"{world.field_path(e['loc'], data)}: {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors(include_url=False)
        )
        raise ScenarioError(f"{origin}: {problems}") from exc
    stem = origin.rsplit("/", 1)[-1].removesuffix(".yaml").removesuffix(".yml")
    if origin.endswith((".yaml", ".yml")) and stem != scenario.id:
        raise ScenarioError(f"{origin}: id: {scenario.id!r} must match the file name {stem!r}")
    return scenario


def load_scenario(path: ScenarioSource) -> Scenario:
    """One scenario file.

    Raises:
        ScenarioError: the file cannot be read or is invalid.
    """
    origin = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{origin}: cannot read: {exc}") from exc
    return parse_scenario(text, origin)


def load_scenarios(source: ScenarioSource | None = None, *, tags: Iterable[str] = ()) -> list[Scenario]:
    """Every scenario in a folder (``*.yaml``, sorted by name) or one file, optionally only those with any
    of `tags`. Default: the packaged scenarios.

    Raises:
        ScenarioError: a file is invalid, two scenarios share an id, a paraphrase names an unknown
            scenario, or nothing matched.
    """
    root = source if source is not None else packaged_scenarios()
    if root.is_file():
        files = [root]
    elif root.is_dir():
        files = sorted(
            (f for f in root.iterdir() if f.name.endswith((".yaml", ".yml"))), key=lambda f: f.name
        )
    else:
        raise ScenarioError(f"{root}: no such scenario file or folder")
    scenarios = [load_scenario(f) for f in files]
    seen: dict[str, str] = {}
    for scenario in scenarios:
        if scenario.id in seen:
            raise ScenarioError(f"{scenario.source}: id: {scenario.id!r} is also used by {seen[scenario.id]}")
        seen[scenario.id] = scenario.source
    if len(files) > 1:
        for scenario in scenarios:
            twin = scenario.paraphrase_of
            if twin is not None and twin not in seen:
                raise ScenarioError(f"{scenario.source}: tags: paraphrase-of:{twin} names no scenario here")
    wanted = set(tags)
    if wanted:
        scenarios = [s for s in scenarios if wanted & set(s.tags) or s.id in wanted]
    if not scenarios:
        raise ScenarioError(
            f"{root}: no scenario" + (f" tagged {', '.join(sorted(wanted))}" if wanted else "")
        )
    return scenarios


# ------------------------------------------------------------------------------------------ the world


@cache
def demo_dataset(now: datetime) -> Dataset:
    """The demo company built for `now` (cached: it is deterministic)."""
    from ..connectors.local.demo import build_demo

    dataset: Dataset = build_demo(now)
    return dataset


def base_dataset(base: Base, now: datetime) -> Dataset:
    return demo_dataset(now) if base == "demo" else Dataset()


def _builder(scenario: Scenario, base: Dataset) -> world.WorldBuilder:
    return world.WorldBuilder(scenario.now, base, source=scenario.source or scenario.id)


def own_records(scenario: Scenario, base: Dataset | None = None) -> Dataset:
    """Only the records the scenario adds, ready to load over a copy of its base.

    Raises:
        ScenarioError: a record names an account that exists in neither the scenario nor its base.
    """
    base = base if base is not None else base_dataset(scenario.base, scenario.now)
    try:
        return _builder(scenario, base).build(scenario.records)
    except world.WorldError as exc:
        raise ScenarioError(str(exc)) from exc


def build_dataset(scenario: Scenario, base: Dataset | None = None) -> Dataset:
    """The scenario's whole world: its records over its base (the demo company or nothing).

    Raises:
        ScenarioError: a record names an account that exists in neither the scenario nor its base.
    """
    base = base if base is not None else base_dataset(scenario.base, scenario.now)
    return layered(base, own_records(scenario, base))


def reference_ids(scenario: Scenario) -> Reference:
    """The reference evidence ids, with a demo scenario's ids filled in when `reference.demo` names one.

    Raises:
        ScenarioError: `reference.demo` names no demo scenario.
    """
    ref = scenario.reference
    if ref.demo is None:
        return ref
    from ..connectors.local.demo import DEMO_SCENARIOS

    demo = next((d for d in DEMO_SCENARIOS if d.name == ref.demo), None)
    if demo is None:
        names = ", ".join(d.name for d in DEMO_SCENARIOS)
        raise ScenarioError(
            f"{scenario.source}: reference.demo: no demo scenario {ref.demo!r}; known: {names}"
        )
    message_ids = tuple(_demo_message_ref(m, demo_dataset(scenario.now)) for m in demo.message_ids)
    return Reference(
        ticket_ids=tuple(dict.fromkeys([*demo.ticket_ids, *ref.ticket_ids])),
        account_ids=tuple(dict.fromkeys([*demo.account_ids, *ref.account_ids])),
        issue_keys=tuple(dict.fromkeys([*demo.issue_keys, *ref.issue_keys])),
        article_ids=tuple(dict.fromkeys([*demo.article_ids, *ref.article_ids])),
        message_ids=tuple(dict.fromkeys([*message_ids, *ref.message_ids])),
    )


def _demo_message_ref(message_id: str, dataset: Dataset) -> str:
    if ":" in message_id:
        return message_id
    channel = next((m.channel_id for m in dataset.messages if m.id == message_id), "")
    return f"{channel}:{message_id}"


__all__ = [
    "DEFAULT_NOW",
    "NO_CRITERION",
    "WRITE_TOOLS",
    "ArrExpectation",
    "Expected",
    "Injected",
    "MustNot",
    "Records",
    "Reference",
    "Scenario",
    "ScenarioError",
    "base_dataset",
    "build_dataset",
    "demo_dataset",
    "layered",
    "load_scenario",
    "load_scenarios",
    "own_records",
    "packaged_scenarios",
    "parse_scenario",
    "policy_rules",
    "reference_ids",
]
