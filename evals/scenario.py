"""Scenario files: loading, validation, and the world of records each scenario runs in.

A scenario is one YAML file: the issue a support lead types, the records it needs (layered on the demo
company or on an empty world), the outcome the written policy leads to, and what must never happen.
Times in records are written relative to the scenario's fixed clock (``-3h``, ``-2d``, ``+21d``), so a
scenario means the same thing on every run. See ``evals/README.md`` for the format.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ..connectors.base import Category
from ..connectors.errors import CustomerEscalationError
from ..connectors.records import (
    Account,
    Article,
    ArticleKind,
    Channel,
    ChatMessage,
    Comment,
    Contact,
    Dataset,
    Decision,
    Health,
    IssueKind,
    IssueStatus,
    Opportunity,
    Organization,
    Person,
    Ref,
    Severity,
    SlaMetric,
    SlaTarget,
    Target,
    Ticket,
    TicketPriority,
    TicketStatus,
    Tier,
    TrackerIssue,
)

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


# ----------------------------------------------------------------------------------------------- times

_OFFSET = re.compile(r"^([+-])((?:\d+(?:\.\d+)?[wdhm])+)$")
_PART = re.compile(r"(\d+(?:\.\d+)?)([wdhm])")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}


def _offset(text: str) -> timedelta | None:
    match = _OFFSET.match(text.strip().replace(" ", ""))
    if match is None:
        return None
    total = sum(
        (timedelta(**{_UNITS[unit]: float(amount)}) for amount, unit in _PART.findall(match[2])), timedelta()
    )
    return total if match[1] == "+" else -total


def _moment(value: Any) -> datetime | timedelta:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        offset = _offset(value)
        if offset is not None:
            return offset
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    raise ValueError(f"{value!r} is neither a relative time like -3h, -2d, +1w nor an ISO date-time")


def _day(value: Any) -> date | timedelta:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        offset = _offset(value)
        if offset is not None:
            return offset
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{value!r} is neither a relative day like +21d nor an ISO date")


Moment = Annotated[datetime | timedelta, BeforeValidator(_moment)]
"""A point in time: relative to the scenario's clock (``-3h``, ``-2d4h``) or an ISO date-time."""
Day = Annotated[date | timedelta, BeforeValidator(_day)]
"""A calendar day: relative (``+21d``) or an ISO date."""


def _at(moment: datetime | timedelta, now: datetime) -> datetime:
    return now + moment if isinstance(moment, timedelta) else moment


def _on(day: date | timedelta, now: datetime) -> date:
    return (now + day).date() if isinstance(day, timedelta) else day


# ----------------------------------------------------------------------------------------- record specs


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PersonSpec(_Spec):
    name: str
    email: str | None = None
    role: Literal["customer", "agent", "internal", "bot", "system"] | None = None


def _person(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value


PersonField = Annotated[PersonSpec, BeforeValidator(_person)]
"""A person: a bare name, or ``{name, email, role}``."""


class ContactSpec(_Spec):
    name: str
    email: str | None = None
    title: str | None = None
    executive: bool = False


class AccountSpec(_Spec):
    """A CRM account; only `id` is required."""

    id: str
    name: str | None = None
    """Defaults to the id in title case."""
    domains: tuple[str, ...] | None = None
    """Defaults to ``<id>.example``."""
    tier: Tier | None = "pro"
    plan: str | None = None
    arr: float | None = None
    renewal: Day | None = None
    owner: str | None = None
    contacts: tuple[ContactSpec, ...] = ()
    health: Health | None = None
    reference_customer: bool = False
    public_facing: bool = False
    industry: str | None = None


class OpportunitySpec(_Spec):
    id: str
    account: str
    name: str | None = None
    stage: str = "Negotiation"
    amount: float | None = None
    close: Day | None = None
    open: bool = True
    kind: Literal["new", "renewal", "expansion", "other"] = "renewal"


class CommentSpec(_Spec):
    by: Literal["customer", "agent", "internal"] | PersonSpec = "agent"
    body: str
    at: Moment = timedelta(hours=-1)
    public: bool = True


class SlaSpec(_Spec):
    metric: SlaMetric
    target: int | None = None
    """Target in minutes."""
    breach: Moment | None = None
    fulfilled: Moment | None = None
    paused: bool = False
    policy: str | None = None


class OrganizationSpec(_Spec):
    id: str
    name: str
    domain: str | None = None


class TicketSpec(_Spec):
    """A ticket; the organization follows from `account` unless `organization` is given."""

    id: str
    account: str | None = None
    organization: OrganizationSpec | None = None
    """An organization the CRM may not know (for unmatched tickets)."""
    subject: str
    body: str
    status: TicketStatus = "open"
    priority: TicketPriority | None = "normal"
    type: Literal["problem", "incident", "question", "task"] | None = "problem"
    channel: str | None = "email"
    tags: tuple[str, ...] = ()
    requester: PersonField | None = None
    """Defaults to the account's first contact."""
    assignee: PersonField | None = None
    area: str | None = None
    created: Moment = timedelta(hours=-2)
    updated: Moment | None = None
    solved: Moment | None = None
    sla: tuple[SlaSpec, ...] = ()
    """Platform SLA metrics; without them the policy's fallback targets for the account's tier apply."""
    comments: tuple[CommentSpec, ...] = ()
    links: tuple[str, ...] = ()
    """Tracker issue keys the ticket is linked to."""

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class IssueSpec(_Spec):
    key: str
    title: str
    body: str = ""
    kind: IssueKind = "bug"
    status: IssueStatus = "open"
    priority: Literal["highest", "high", "medium", "low", "lowest"] | None = None
    project: str | None = None
    """Defaults to the key's prefix."""
    labels: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    tickets: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    fix_version: str | None = None
    created: Moment = timedelta(days=-7)
    updated: Moment | None = None
    resolved: Moment | None = None
    reopened: Moment | None = None

    @field_validator("tickets", mode="before")
    @classmethod
    def _ids_as_text(cls, value: Any) -> Any:
        return [str(v) for v in value] if isinstance(value, list) else value


class ArticleSpec(_Spec):
    id: str
    title: str
    body: str = ""
    kind: ArticleKind = "how-to"
    workaround: str | None = None
    area: str | None = None
    labels: tuple[str, ...] = ()
    status: Literal["current", "outdated"] = "current"
    updated: Moment = timedelta(days=-30)


class ChannelSpec(_Spec):
    id: str
    name: str
    kind: Literal["internal", "shared"] = "internal"
    account: str | None = None


class MessageSpec(_Spec):
    """A chat message; an unknown `channel` is created as an internal channel of that name."""

    channel: str
    id: str | None = None
    """Defaults to a Slack-like timestamp id derived from `at`."""
    text: str
    at: Moment = timedelta(hours=-1)
    author: PersonField = PersonSpec(name="Support", role="internal")
    thread: str | None = None
    """The id of the thread's root message, for replies."""


class Records(_Spec):
    """The records a scenario adds to its base world (same id replaces the base's record)."""

    accounts: tuple[AccountSpec, ...] = ()
    opportunities: tuple[OpportunitySpec, ...] = ()
    tickets: tuple[TicketSpec, ...] = ()
    channels: tuple[ChannelSpec, ...] = ()
    messages: tuple[MessageSpec, ...] = ()
    issues: tuple[IssueSpec, ...] = ()
    articles: tuple[ArticleSpec, ...] = ()


# --------------------------------------------------------------------------- expectations and the scenario


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
        moment = _moment(value)
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


def _field_path(loc: Iterable[int | str], data: Any) -> str:
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(item, int):
            label = ""
            if isinstance(node, list) and item < len(node) and isinstance(node[item], dict):
                ident = node[item].get("id") or node[item].get("key")
                label = f" ({ident})" if ident else ""
            parts.append(f"[{item}]{label}")
            node = node[item] if isinstance(node, list) and item < len(node) else None
        else:
            parts.append(("." if parts else "") + item)
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts) or "(top level)"


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
            f"{_field_path(e['loc'], data)}: {e['msg'].removeprefix('Value error, ')}"
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


def _title(ident: str) -> str:
    return ident.replace("-", " ").replace("_", " ").title()


@cache
def demo_dataset(now: datetime) -> Dataset:
    """The demo company built for `now` (cached: it is deterministic)."""
    from ..connectors.local.demo import build_demo

    dataset: Dataset = build_demo(now)
    return dataset


def base_dataset(base: Base, now: datetime) -> Dataset:
    return demo_dataset(now) if base == "demo" else Dataset()


class _Builder:
    def __init__(self, scenario: Scenario, base: Dataset) -> None:
        self.s = scenario
        self.now = scenario.now
        self.base = base
        self.accounts: dict[str, Account] = {a.id: a for a in base.accounts}

    def fail(self, where: str, message: str) -> ScenarioError:
        return ScenarioError(f"{self.s.source or self.s.id}: records.{where}: {message}")

    def account(self, spec: AccountSpec) -> Account:
        domains = spec.domains if spec.domains is not None else (f"{spec.id}.example",)
        return Account(
            ref=Ref(system=SYSTEM, id=spec.id, url=f"https://crm.example/accounts/{spec.id}"),
            id=spec.id,
            name=spec.name or _title(spec.id),
            domains=domains,
            tier=spec.tier,
            plan=spec.plan,
            arr=spec.arr,
            renewal_date=_on(spec.renewal, self.now) if spec.renewal is not None else None,
            owner=Person(name=spec.owner, role="internal") if spec.owner else None,
            contacts=tuple(
                Contact(
                    name=c.name,
                    email=c.email
                    or (f"{c.name.lower().replace(' ', '.')}@{domains[0]}" if domains else None),
                    title=c.title,
                    is_executive=c.executive,
                )
                for c in spec.contacts
            ),
            health=spec.health,
            reference_customer=spec.reference_customer,
            public_facing=spec.public_facing,
            industry=spec.industry,
            created_at=self.now - timedelta(days=400),
        )

    def _known_account(self, account_id: str, where: str) -> Account:
        account = self.accounts.get(account_id)
        if account is None:
            raise self.fail(where, f"account {account_id!r} is not among the accounts")
        return account

    def opportunity(self, spec: OpportunitySpec, where: str) -> Opportunity:
        account = self._known_account(spec.account, f"{where}.account")
        return Opportunity(
            ref=Ref(system=SYSTEM, id=spec.id),
            id=spec.id,
            account_id=spec.account,
            name=spec.name or f"{account.name} - {spec.kind}",
            stage=spec.stage,
            amount=spec.amount,
            close_date=_on(spec.close, self.now) if spec.close is not None else None,
            is_open=spec.open,
            kind=spec.kind,
        )

    def _speaker(self, by: Any) -> Person:
        if isinstance(by, PersonSpec):
            return Person(name=by.name, email=by.email, role=by.role or "customer")
        names = {"agent": "Riley Support", "internal": "Sam Engineer"}
        return Person(name=names[by], role=by)

    def _requester(self, account: Account | None) -> Person:
        if account is not None and account.contacts:
            first = account.contacts[0]
            return Person(name=first.name, email=first.email, role="customer")
        domain = account.domains[0] if account is not None and account.domains else "customer.example"
        return Person(name="Customer", email=f"customer@{domain}", role="customer")

    def ticket(self, spec: TicketSpec, where: str) -> Ticket:
        account = self._known_account(spec.account, f"{where}.account") if spec.account else None
        if spec.organization is not None:
            org = Organization(
                id=spec.organization.id, name=spec.organization.name, domain=spec.organization.domain
            )
        elif account is not None:
            org = Organization(
                id=account.id, name=account.name, domain=account.domains[0] if account.domains else None
            )
        else:
            org = None
        requester = (
            Person(
                name=spec.requester.name, email=spec.requester.email, role=spec.requester.role or "customer"
            )
            if spec.requester is not None
            else self._requester(account)
        )
        created = _at(spec.created, self.now)
        comments = tuple(
            Comment(
                id=f"{spec.id}-{i + 1}",
                author=requester if c.by == "customer" else self._speaker(c.by),
                body=c.body,
                public=c.public,
                created_at=_at(c.at, self.now),
            )
            for i, c in enumerate(spec.comments)
        )
        solved = _at(spec.solved, self.now) if spec.solved is not None else None
        updated = (
            _at(spec.updated, self.now)
            if spec.updated is not None
            else max([created, *(c.created_at for c in comments), *([solved] if solved else [])])
        )
        return Ticket(
            ref=Ref(system=SYSTEM, id=spec.id, url=f"https://support.example/tickets/{spec.id}"),
            id=spec.id,
            subject=spec.subject,
            description=spec.body,
            status=spec.status,
            priority=spec.priority,
            type=spec.type,
            channel=spec.channel,
            tags=spec.tags,
            requester=requester,
            organization=org,
            assignee=(
                Person(name=spec.assignee.name, email=spec.assignee.email, role=spec.assignee.role or "agent")
                if spec.assignee
                else None
            ),
            product_area=spec.area,
            created_at=created,
            updated_at=updated,
            solved_at=solved,
            sla=tuple(
                SlaTarget(
                    policy=m.policy,
                    metric=m.metric,
                    target_minutes=m.target,
                    breach_at=_at(m.breach, self.now) if m.breach is not None else None,
                    fulfilled_at=_at(m.fulfilled, self.now) if m.fulfilled is not None else None,
                    paused=m.paused,
                )
                for m in spec.sla
            ),
            comments=comments,
            linked_issue_keys=spec.links,
        )

    def issue(self, spec: IssueSpec) -> TrackerIssue:
        created = _at(spec.created, self.now)
        resolved = _at(spec.resolved, self.now) if spec.resolved is not None else None
        reopened = _at(spec.reopened, self.now) if spec.reopened is not None else None
        updated = (
            _at(spec.updated, self.now)
            if spec.updated is not None
            else max([created, *(t for t in (resolved, reopened) if t is not None)])
        )
        return TrackerIssue(
            ref=Ref(system=SYSTEM, id=spec.key, url=f"https://tracker.example/browse/{spec.key}"),
            key=spec.key,
            title=spec.title,
            body=spec.body,
            kind=spec.kind,
            status=spec.status,
            priority=spec.priority,
            project=spec.project or spec.key.split("-", 1)[0],
            labels=spec.labels,
            components=spec.components,
            linked_ticket_ids=spec.tickets,
            linked_account_ids=spec.accounts,
            fix_version=spec.fix_version,
            created_at=created,
            updated_at=updated,
            resolved_at=resolved,
            reopened_at=reopened,
        )

    def article(self, spec: ArticleSpec) -> Article:
        return Article(
            ref=Ref(system=SYSTEM, id=spec.id, url=f"https://help.example/articles/{spec.id}"),
            id=spec.id,
            title=spec.title,
            body=spec.body,
            kind=spec.kind,
            workaround=spec.workaround,
            product_area=spec.area,
            labels=spec.labels,
            status=spec.status,
            updated_at=_at(spec.updated, self.now),
        )

    def messages(self, specs: tuple[MessageSpec, ...], channels: dict[str, Channel]) -> list[ChatMessage]:
        """Messages with ids derived from their time when not given, and reply counts on thread roots."""
        ids: list[str] = []
        for i, spec in enumerate(specs):
            at = _at(spec.at, self.now)
            ids.append(spec.id or f"{int(at.timestamp())}.{i + 1:06d}")
        replies: dict[tuple[str, str], int] = {}
        for spec in specs:
            if spec.thread is not None:
                replies[(spec.channel, spec.thread)] = replies.get((spec.channel, spec.thread), 0) + 1
        out: list[ChatMessage] = []
        for spec, ident in zip(specs, ids, strict=True):
            channel = channels[spec.channel]
            out.append(
                ChatMessage(
                    ref=Ref(system=SYSTEM, id=f"{channel.id}:{ident}"),
                    id=ident,
                    channel_id=channel.id,
                    channel_name=channel.name,
                    thread_id=spec.thread,
                    author=Person(
                        name=spec.author.name, email=spec.author.email, role=spec.author.role or "internal"
                    ),
                    text=spec.text,
                    created_at=_at(spec.at, self.now),
                    reply_count=replies.get((spec.channel, ident), 0),
                )
            )
        return out

    def build(self) -> Dataset:
        """The scenario's own records (accounts first, so the others can refer to them)."""
        r = self.s.records
        accounts = [self.account(a) for a in r.accounts]
        self.accounts.update({a.id: a for a in accounts})
        opportunities = [
            self.opportunity(o, f"opportunities[{i}] ({o.id})") for i, o in enumerate(r.opportunities)
        ]
        tickets = [self.ticket(t, f"tickets[{i}] ({t.id})") for i, t in enumerate(r.tickets)]
        for i, issue in enumerate(r.issues):
            for account_id in issue.accounts:
                self._known_account(account_id, f"issues[{i}] ({issue.key}).accounts")
        known = {c.id: c for c in self.base.channels}
        channels = {
            c.id: Channel(id=c.id, name=c.name, kind=c.kind, account_id=c.account) for c in r.channels
        }
        for spec in r.messages:
            if spec.channel not in channels:
                channels[spec.channel] = known.get(spec.channel) or Channel(
                    id=spec.channel, name=spec.channel
                )
        return Dataset(
            accounts=tuple(accounts),
            opportunities=tuple(opportunities),
            tickets=tuple(tickets),
            channels=tuple(
                c for c in channels.values() if c.id not in known or c.id in {x.id for x in r.channels}
            ),
            messages=tuple(self.messages(r.messages, channels)),
            issues=tuple(self.issue(i) for i in r.issues),
            articles=tuple(self.article(a) for a in r.articles),
        )


def _merge(base: tuple[Any, ...], own: tuple[Any, ...], key: Callable[[Any], str]) -> tuple[Any, ...]:
    merged = {key(item): item for item in base}
    merged.update({key(item): item for item in own})
    return tuple(merged.values())


def own_records(scenario: Scenario, base: Dataset | None = None) -> Dataset:
    """Only the records the scenario adds, ready to load over a copy of its base.

    Raises:
        ScenarioError: a record names an account that exists in neither the scenario nor its base.
    """
    world = base if base is not None else base_dataset(scenario.base, scenario.now)
    return _Builder(scenario, world).build()


def layered(base: Dataset, own: Dataset) -> Dataset:
    """`own` over `base`: a record with the same id replaces the base's."""
    return Dataset(
        accounts=_merge(base.accounts, own.accounts, lambda a: a.id),
        opportunities=_merge(base.opportunities, own.opportunities, lambda o: o.id),
        tickets=_merge(base.tickets, own.tickets, lambda t: t.id),
        channels=_merge(base.channels, own.channels, lambda c: c.id),
        messages=_merge(base.messages, own.messages, lambda m: f"{m.channel_id}:{m.id}"),
        issues=_merge(base.issues, own.issues, lambda i: i.key),
        articles=_merge(base.articles, own.articles, lambda a: a.id),
    )


def build_dataset(scenario: Scenario, base: Dataset | None = None) -> Dataset:
    """The scenario's whole world: its records over its base (the demo company or nothing).

    Raises:
        ScenarioError: a record names an account that exists in neither the scenario nor its base.
    """
    world = base if base is not None else base_dataset(scenario.base, scenario.now)
    return layered(world, _Builder(scenario, world).build())


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
