"""Background tickets: about 1,500 everyday requests over 90 days, each written in a customer's voice."""

from __future__ import annotations

import random
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ...records import (
    Account,
    Comment,
    Contact,
    Person,
    SlaTarget,
    Ticket,
    TicketPriority,
    TicketStatus,
)
from ._common import (
    SLA_MINUTES,
    SlotMaker,
    Slots,
    TicketType,
    add_typos,
    build_ticket,
    comment,
    sla_targets,
    ticket_id_at,
)
from ._company import FIRST_NAMES, FRONTLINE, LAST_NAMES, SUPPORT_TEAM
from ._topics import GENERIC_FIXES, TOPICS, WISHES, Topic
from ._tracker import IssueDraft, release_after
from ._tracker_bank import BugSpec, FeatureSpec
from ._voices import (
    AGENT_GREETINGS,
    AGENT_HOLD,
    AGENT_SIGNOFFS,
    AGENT_SOLVED,
    CONTEXT_NEUTRAL,
    CONTEXT_PROBLEM,
    INTERNAL_NOTES,
    TRIAGE_NOTES,
    VOICE_WEIGHTS,
    VOICES,
    Voice,
)

_PRIORITIES: tuple[TicketPriority, ...] = ("low", "normal", "high", "urgent")
_TIER_WEIGHT = {"enterprise": 40, "business": 25, "pro": 14, "free": 5}
_CHANNELS = (("email", 45), ("web", 35), ("chat", 12), ("api", 8))
_RECENT = timedelta(days=30)

# Areas kept away from accounts whose scenario they would blur: (account, area, for how long; None = always).
_KEEP_AWAY: Mapping[str, Mapping[str, timedelta | None]] = {
    "acme-corp": {"api": _RECENT, "ingestion": _RECENT},
    "acme-logistics": {"webhooks": None},
    "orchid-retail": {"webhooks": None},
    "fernhill-studio": {"dashboards": _RECENT},
    "bluefin-capital": {"scim": None, "sso": _RECENT},
    "brightline-health": {"notifications": None},
    "copperleaf-foods": {"notifications": None},
    "quarry-labs": {"notifications": _RECENT},
    "globex": {"exports": _RECENT},
    "initech": {"exports": _RECENT},
    "umbrella-health": {"exports": _RECENT},
    "larkspur-systems": {"exports": _RECENT},
    "meridian-freight": {"sso": _RECENT},
    "halcyon-media": {"sso": _RECENT},
    "pinecrest-insurance": {"sso": _RECENT},
    "tidewater-energy": {"sso": _RECENT},
    "ironwood-manufacturing": {"sso": _RECENT},
    "sable-analytics": {"api": _RECENT},
    "kestrel-bank": {"audit-log": None},
}


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _alnum(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(n))


def _choice(*options: str) -> SlotMaker:
    return lambda s: s.rng.choice(options)


def _wish(s: Slots) -> str:
    wish, short = s.rng.choice(WISHES)
    s.set("wish_short", short)
    return wish


def _wish_short(s: Slots) -> str:
    _ = s["wish"]  # drawing the wish fixes its short form too
    return s["wish_short"]


def _tz(s: Slots) -> str:
    return s.rng.choice(
        (
            "America/New_York",
            "Europe/Berlin",
            "Asia/Singapore",
            "Australia/Sydney",
            "America/Chicago",
            "Europe/London",
        )
    )


def _email_other(s: Slots) -> str:
    return f"{s.rng.choice(FIRST_NAMES).lower()}.{s.rng.choice(LAST_NAMES).lower()}@{s['domain']}"


_MAKERS: Mapping[str, SlotMaker] = {
    "n_small": lambda s: str(s.rng.randint(2, 9)),
    "n_users": _choice("25", "40", "60", "85", "120", "150", "240", "300", "450", "800", "1,200"),
    "n_k": _choice("12", "40", "75", "120", "250", "400", "900"),
    "pct": lambda s: str(s.rng.randint(2, 9)),
    "req_id": lambda s: "req_" + _hex(s.rng, 10),
    "region": _choice("us-east-1", "eu-west-1", "us-west-2", "eu-central-1", "ap-southeast-2"),
    "region_human": _choice("the EU", "US East", "Sydney", "Frankfurt", "Singapore", "Oregon"),
    "sdk": _choice("tessera-python 4.1.3", "tessera-node 6.3.0", "tessera-go v2.8.1", "tessera-java 3.4.0"),
    "platform": _choice("iOS", "Android", "React Native", "Flutter"),
    "browser": _choice(
        "Chrome 131 on macOS 14.6",
        "Firefox 132 on Windows 11",
        "Edge 130 on Windows 10",
        "Safari 18.1 on macOS 15",
        "Chrome 130 on Ubuntu 22.04",
    ),
    "idp": _choice(
        "Okta", "Entra ID", "Azure AD", "OneLogin", "Google Workspace", "JumpCloud", "PingFederate"
    ),
    "bucket": lambda s: f"s3://{s['slug']}-{s.rng.choice(('data', 'analytics', 'exports', 'lake'))}/tessera/",
    "short_id": lambda s: _alnum(s.rng, 8),
    "export_name": _choice(
        "daily_events", "orders_daily", "profiles_full", "weekly_revenue", "campaign_touches"
    ),
    "cron": _choice("0 2 * * *", "30 1 * * *", "0 4 * * 1-5", "15 0 * * *"),
    "tz": _tz,
    "tz_city": lambda s: s["tz"].split("/")[1].replace("_", " "),
    "dash": _choice(
        "Revenue overview",
        "Weekly active users",
        "Checkout funnel",
        "Churn cohorts",
        "Campaign performance",
        "Exec KPIs",
        "Store traffic",
        "Onboarding",
    ),
    "invoice": lambda s: f"INV-2026-{s.rng.randint(10000, 99999)}",
    "amount": lambda s: f"${s.rng.randint(2, 90) * 50:,}.00",
    "po": lambda s: f"PO-{s.rng.randint(100000, 999999)}",
    "vat": lambda s: (
        s.rng.choice(("DE", "NL", "FR", "IE", "GB", "SE")) + str(s.rng.randint(100000000, 999999999))
    ),
    "billing_email": lambda s: (
        f"{s.rng.choice(('finance', 'accounts.payable', 'ap', 'billing'))}@{s['domain']}"
    ),
    "card": lambda s: str(s.rng.randint(1000, 9999)),
    "seats": _choice("10", "15", "25", "50", "75", "100"),
    "rate": _choice("100 requests per second", "50 requests per second", "20 requests per second"),
    "retry_after": lambda s: str(s.rng.randint(1, 30)),
    "hook_url": lambda s: s.rng.choice(
        (
            f"https://api.{s['domain']}/webhooks/tessera",
            f"https://hooks.{s['domain']}/tessera",
            f"https://{s['domain']}/wh",
        )
    ),
    "delivery_id": lambda s: "dlv_" + _hex(s.rng, 12),
    "key_hint": lambda s: f"sk_live_...{s['key_last']}",
    "key_last": lambda s: _alnum(s.rng, 4),
    "integration": _choice("Salesforce", "HubSpot", "Snowflake", "BigQuery", "Segment", "Braze", "Redshift"),
    "team": _choice("data", "growth", "marketing ops", "platform", "analytics", "finance", "CX", "product"),
    "team_slug": _choice("growth", "data", "ops", "marketing", "eng"),
    "latency": _choice("10-15 minutes", "20-30 minutes", "almost an hour", "5-10 minutes"),
    "aws_req": lambda s: _alnum(s.rng, 16).upper(),
    "aws_ext": lambda s: _alnum(s.rng, 40),
    "aws_acct": lambda s: str(s.rng.randint(100000000000, 999999999999)),
    "uuid": lambda s: (
        f"{_hex(s.rng, 8)}-{_hex(s.rng, 4)}-{_hex(s.rng, 4)}-{_hex(s.rng, 4)}-{_hex(s.rng, 12)}"
    ),
    "email_other": _email_other,
    "wish": _wish,
    "wish_short": _wish_short,
    "deadline_event": _choice(
        "board meeting next week",
        "quarterly review",
        "launch next week",
        "audit at the end of the month",
        "big campaign on Friday",
    ),
    "agent_or_team": _choice("team", "support team", "Tessera folks", "all", "there"),
}


@dataclass
class _Ctx:
    """What one ticket is about and who is involved."""

    account: Account
    requester: Contact
    created: datetime
    voice: Voice
    agent: Person
    slots: Slots


def _fixed_slots(
    account: Account, requester: Contact, created: datetime, agent: Person, ws_id: str
) -> dict[str, str]:
    first, _, last = requester.name.partition(" ")
    hour = created.hour
    daypart = "morning" if 5 <= hour < 12 else "afternoon" if hour < 18 else "evening"
    since_at = created - timedelta(days=1 + (hour % 3))
    return {
        "first": first,
        "last": last,
        "first_lower": first.lower(),
        "initial": first[0],
        "title": requester.title or "admin",
        "company": account.name,
        "domain": account.domains[0] if account.domains else f"{account.id}.example",
        "slug": account.id,
        "plan": account.plan or "Pro",
        "agent": (agent.name or "").split()[0],
        "ws_id": ws_id,
        "daypart": daypart,
        "weekday": since_at.strftime("%A"),
        "since": ("yesterday", "this morning", f"on {since_at.strftime('%A')}", "earlier today", "last week")[
            hour % 5
        ],
        "time": (created - timedelta(minutes=17 + hour * 3)).strftime("%H:%M"),
        "last_month": (created.replace(day=1) - timedelta(days=1)).strftime("%B"),
    }


class _Writer:
    """Builds the text of one background ticket."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def prose(self, ctx: _Ctx, text: str) -> str:
        text = ctx.slots.fill(text)
        typos = self.rng.choice(ctx.voice.typos)
        if typos:
            text = add_typos(text, self.rng, typos)
        return text

    def description(self, ctx: _Ctx, plan: _Plan) -> str:
        rng = self.rng
        voice = ctx.voice
        body = self.prose(ctx, plan.problem)
        if rng.random() < 0.35:
            lines = CONTEXT_NEUTRAL if plan.question else CONTEXT_NEUTRAL + CONTEXT_PROBLEM
            context = self.prose(ctx, rng.choice(lines))
            body = f"{context} {body}" if rng.random() < 0.4 else f"{body} {context}"
        if voice.lowercase and rng.random() < 0.7:
            body = body[0].lower() + body[1:]
        opener = ctx.slots.fill(rng.choice(voice.greetings) + rng.choice(voice.intros))
        if opener[-1:] not in ("", " ", "\n"):
            opener += " "
        parts = [opener + body]
        if plan.details and rng.random() < 0.7:
            parts.append(ctx.slots.fill(rng.choice(plan.details)))
        if plan.asks and not plan.question and rng.random() < 0.4:
            parts.append(self.prose(ctx, rng.choice(plan.asks)))
        closer = ctx.slots.fill(rng.choice(voice.closers))
        signature = ctx.slots.fill(rng.choice(voice.signatures))
        tail = "\n".join(p for p in (closer, signature) if p)
        if tail:
            parts.append(tail)
        return "\n\n".join(parts)

    def agent(self, ctx: _Ctx, text: str, *, greet: bool = True) -> str:
        rng = self.rng
        parts = []
        if greet and rng.random() < 0.85:
            parts.append(ctx.slots.fill(rng.choice(AGENT_GREETINGS)))
        parts.append(ctx.slots.fill(text))
        parts.append(ctx.slots.fill(rng.choice(AGENT_SIGNOFFS)))
        return "\n\n".join(parts)

    def customer(self, ctx: _Ctx, text: str) -> str:
        text = self.prose(ctx, text)
        if ctx.voice.lowercase and self.rng.random() < 0.7:
            text = text[0].lower() + text[1:]
        return text


@dataclass
class _Plan:
    """The content a ticket's conversation draws from."""

    area: str
    types: tuple[TicketType, ...]
    priorities: tuple[int, int, int, int]
    tags: tuple[str, ...]
    subject: str
    problem: str
    details: tuple[str, ...]
    asks: tuple[str, ...]
    replies: tuple[str, ...]
    followups: tuple[str, ...]
    fixes: tuple[str, ...]
    notes: tuple[str, ...]
    clarify: tuple[tuple[str, str], ...] = ()
    question: bool = False
    issue: IssueDraft | None = None


def _topic_plan(rng: random.Random, topic: Topic) -> _Plan:
    case = rng.choice(topic.cases)
    return _Plan(
        area=topic.area,
        types=("question",)
        if case.question
        else tuple(t for t in topic.types if t != "question") or topic.types,
        priorities=topic.priorities,
        tags=topic.tags,
        subject=rng.choice(case.subjects),
        problem=rng.choice(case.problems),
        details=case.details,
        asks=topic.asks,
        replies=case.replies,
        followups=case.followups,
        fixes=case.fixes or GENERIC_FIXES,
        notes=topic.notes,
        clarify=case.clarify,
        question=case.question,
    )


def _issue_plan(rng: random.Random, issue: IssueDraft) -> _Plan:
    spec = issue.spec
    if isinstance(spec, BugSpec):
        return _Plan(
            area=issue.area,
            types=("problem",),
            priorities=(1, 6, 3, 0),
            tags=(issue.area, "bug"),
            subject=rng.choice(spec.subjects),
            problem=rng.choice(spec.symptoms),
            details=(spec.error,) if spec.error else (),
            asks=(
                "Is this a known bug?",
                "Any workaround until it's fixed?",
                "Can you confirm it's on your side?",
            ),
            replies=(
                "Thanks for the report. I can reproduce this on a test workspace, so it's a bug on our side, not your "
                "setup. I've raised it with our engineers and linked your ticket so you hear about the fix.",
                "This is a known bug that our engineering team is tracking. I've added your report to it.",
            ),
            followups=("Thanks, please keep us posted.", "OK. Any idea when it'll be fixed?"),
            fixes=(),
            notes=(f"Linked to {issue.key}.", f"Known bug, {issue.key}."),
            issue=issue,
        )
    assert isinstance(spec, FeatureSpec)
    return _Plan(
        area=issue.area,
        types=("question",),
        priorities=(5, 5, 0, 0),
        tags=(issue.area, "feature-request"),
        subject=rng.choice(
            (f"Feature request: {spec.ask}", f"Any plans for {spec.ask}?", f"Request - {spec.ask}")
        ),
        problem=rng.choice(
            (
                f"We'd love {spec.ask}. Right now we work around it by hand and it costs us time every week.",
                f"Is {spec.ask} on the roadmap? A few people on our {{team}} team keep asking me.",
                f"Not a bug, more of a wish: {spec.ask}. Is anything like that planned?",
            )
        ),
        details=(),
        asks=(),
        replies=(
            "Thanks for the suggestion! It isn't available today. I've added your use case and your account to the "
            "feature request our product team keeps for this, so you'll hear from us if it gets planned.",
            "Good idea, and you're not the only one asking. I've logged your request with our product team; I can't "
            "share a timeline today.",
        ),
        followups=(),
        fixes=(),
        notes=(f"Added to {issue.key}.",),
        question=True,
        issue=issue,
    )


class BackgroundTickets:
    """Generates the background tickets and records their links to tracker issues."""

    def __init__(
        self,
        now: datetime,
        rng: random.Random,
        accounts: Sequence[Account],
        issues: Sequence[IssueDraft],
        taken_ids: set[str],
    ) -> None:
        self.now = now
        self.rng = rng
        self.accounts = list(accounts)
        self.weights = [_TIER_WEIGHT[a.tier or "free"] for a in self.accounts]
        self.linkable = [i for i in issues if i.kind in ("bug", "feature")]
        self.taken = taken_ids
        self.writer = _Writer(rng)
        self.ws_ids = {a.id: f"ws_{rng.randint(10000, 99999)}" for a in self.accounts}

    def build(self, count: int) -> list[Ticket]:
        tickets = [self._ticket() for _ in range(count)]
        tickets.sort(key=lambda t: t.created_at)
        return tickets

    def _age(self) -> timedelta:
        rng = self.rng
        while True:
            # Busier recently (growing customer base) and on weekdays, mostly in EU/US working hours.
            days = 90 * (1 - rng.random() ** 0.85)
            at = self.now - timedelta(days=days)
            hour = int(rng.triangular(6, 23, 15))
            at = at.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)
            if at.weekday() >= 5 and rng.random() < 0.7:
                continue
            age = self.now - at
            if timedelta(minutes=10) < age < timedelta(days=90):
                return age

    def _unique_id(self, age: timedelta) -> tuple[str, timedelta]:
        while True:
            ticket_id = ticket_id_at(age)
            if ticket_id not in self.taken:
                self.taken.add(ticket_id)
                return ticket_id, age
            age += timedelta(minutes=4)

    def _allowed(self, account: Account, area: str, age: timedelta) -> bool:
        window = _KEEP_AWAY.get(account.id, {}).get(area, timedelta(0))
        return window is not None and age > window

    def _plan(self, account: Account, age: timedelta) -> _Plan | None:
        rng = self.rng
        created = self.now - age
        if rng.random() < 0.11:
            candidates = [
                i
                for i in self.linkable
                if len(i.tickets) < (3 if i.kind == "bug" else 5)
                and i.created_at - timedelta(days=2) <= created
                and (i.resolved_at is None or created < i.resolved_at)
                # A bug report waits on engineering; keep those waits away from scenario accounts' SLAs.
                and (i.kind == "feature" or account.id not in _KEEP_AWAY)
            ]
            if candidates:
                issue = rng.choice(candidates)
                if self._allowed(account, issue.area, age):
                    return _issue_plan(rng, issue)
        topics = [t for t in TOPICS if not (t.paying_only and account.tier == "free")]
        topic = rng.choices(topics, weights=[t.weight for t in topics])[0]
        if not self._allowed(account, topic.area, age):
            return None
        return _topic_plan(rng, topic)

    def _ticket(self) -> Ticket:
        rng = self.rng
        while True:
            account = rng.choices(self.accounts, weights=self.weights)[0]
            age = self._age()
            plan = self._plan(account, age)
            if plan is not None:
                break
        ticket_id, age = self._unique_id(age)
        created = self.now - age
        requester = rng.choice(account.contacts)
        agent_staff = rng.choice(FRONTLINE)
        voice = rng.choices(VOICES, weights=VOICE_WEIGHTS)[0]
        slots = Slots(
            rng,
            _MAKERS,
            _fixed_slots(account, requester, created, agent_staff.person, self.ws_ids[account.id]),
        )
        peer = rng.choice([s for s in SUPPORT_TEAM if s is not agent_staff])
        slots.set("agent_peer", peer.first)
        ctx = _Ctx(account, requester, created, voice, agent_staff.person, slots)
        priority = rng.choices(_PRIORITIES, weights=plan.priorities)[0]
        if account.tier == "enterprise" and priority == "normal" and rng.random() < 0.2:
            priority = "high"
        slots.set("area", plan.area)
        slots.set("priority", priority)
        subject = slots.fill(plan.subject)
        slots.set("subject", subject)
        slots.set("subject_lower", subject[0].lower() + subject[1:])
        subject = slots.fill(rng.choice(voice.subject_styles))
        description = self.writer.description(ctx, plan)
        comments, status, solved_at = self._conversation(ticket_id, ctx, plan, priority)
        customer = Person(name=requester.name, email=requester.email, role="customer")
        sla = self._sla(account, priority, created, comments, solved_at, status)
        while account.id in _KEEP_AWAY and priority != "low" and self._breached(sla):
            # Scenario accounts carry no unrelated SLA breach that could change a scenario's outcome.
            priority = _PRIORITIES[_PRIORITIES.index(priority) - 1]
            sla = self._sla(account, priority, created, comments, solved_at, status)
        linked: tuple[str, ...] = ()
        if plan.issue is not None:
            plan.issue.tickets.append(ticket_id)
            plan.issue.accounts.append(account.id)
            linked = (plan.issue.key,)
        tags = plan.tags + ((account.tier,) if account.tier in ("enterprise", "business") else ())
        return build_ticket(
            ticket_id=ticket_id,
            account=account,
            requester=customer,
            subject=subject,
            description=description,
            status=status,
            priority=priority,
            type_=rng.choice(plan.types),
            channel=rng.choices([c for c, _ in _CHANNELS], weights=[w for _, w in _CHANNELS])[0],
            tags=tags,
            area=plan.area,
            assignee=None if status == "new" else agent_staff.person,
            created_at=created,
            comments=comments,
            solved_at=solved_at,
            sla=sla,
            linked_issue_keys=linked,
        )

    def _first_reply_delay(self, account: Account, priority: TicketPriority) -> timedelta:
        rng = self.rng
        tier = account.tier
        if tier is None or tier not in SLA_MINUTES:
            return timedelta(hours=rng.uniform(2, 30))
        target = SLA_MINUTES[tier][priority][0]
        late = account.id not in _KEEP_AWAY and rng.random() < 0.04
        return timedelta(minutes=target * (rng.uniform(1.1, 2.5) if late else rng.uniform(0.05, 0.9)))

    def _conversation(
        self, ticket_id: str, ctx: _Ctx, plan: _Plan, priority: TicketPriority
    ) -> tuple[tuple[Comment, ...], TicketStatus, datetime | None]:
        rng = self.rng
        writer = self.writer
        now = self.now
        created = ctx.created
        customer = Person(name=ctx.requester.name, email=ctx.requester.email, role="customer")
        age_days = (now - created).total_seconds() / 86400
        first_delay = self._first_reply_delay(ctx.account, priority)
        events: list[tuple[datetime, str, Person, str, bool]] = []
        issue = plan.issue

        if created + first_delay > now - timedelta(minutes=5):
            # Nobody has answered yet: a triage note or the customer adding something.
            at = created + timedelta(
                minutes=rng.uniform(1, max(1.5, (now - created).total_seconds() / 60 - 1))
            )
            if rng.random() < 0.5:
                body = ctx.slots.fill(rng.choice(TRIAGE_NOTES))
                events.append((at, "note", ctx.agent, body, False))
            else:
                events.append(
                    (at, "customer", customer, writer.customer(ctx, rng.choice(ctx.voice.pings)), True)
                )
            return self._finish(ticket_id, events, "new", None)

        t = created + first_delay
        outcome = self._outcome(age_days)
        tier = ctx.account.tier
        if ctx.account.id in _KEEP_AWAY and tier is not None and tier in SLA_MINUTES and outcome != "on_hold":
            # Scenario accounts carry no unrelated SLA breach that could change a scenario's outcome.
            resolution_days = SLA_MINUTES[tier][priority][1] / 1440
            if age_days > 0.8 * resolution_days:
                outcome = "solved"
        if plan.clarify and outcome in ("solved", "open", "pending") and rng.random() < 0.6:
            question, answer = rng.choice(plan.clarify)
            events.append((t, "agent", ctx.agent, writer.agent(ctx, question), True))
            t += timedelta(hours=rng.uniform(0.3, 20))
            events.append((t, "customer", customer, writer.customer(ctx, answer), True))
            t += timedelta(hours=rng.uniform(0.2, 6))
        events.append((t, "agent", ctx.agent, writer.agent(ctx, rng.choice(plan.replies)), True))
        note = None
        if issue is not None or (plan.notes and rng.random() < 0.5):
            note = rng.choice(plan.notes)
        elif rng.random() < 0.25:
            note = rng.choice(INTERNAL_NOTES)
        if note is not None:
            events.append(
                (t + timedelta(minutes=rng.uniform(1, 30)), "note", ctx.agent, ctx.slots.fill(note), False)
            )
        solved_at: datetime | None = None

        if issue is not None:
            return self._issue_conversation(ticket_id, ctx, plan, events, t, customer)
        if outcome == "pending":
            return self._finish(ticket_id, events, "pending", None)
        if outcome == "on_hold":
            t += timedelta(hours=rng.uniform(0.5, 30))
            events.append((t, "customer", customer, writer.customer(ctx, rng.choice(ctx.voice.pings)), True))
            t += timedelta(hours=rng.uniform(0.3, 4))
            events.append(
                (t, "agent", ctx.agent, writer.agent(ctx, rng.choice(AGENT_HOLD), greet=False), True)
            )
            return self._finish(ticket_id, events, "on_hold", None)
        if outcome == "open":
            t += timedelta(hours=rng.uniform(0.5, 30))
            events.append((t, "customer", customer, writer.customer(ctx, rng.choice(ctx.voice.pings)), True))
            return self._finish(ticket_id, events, "open", None)
        if plan.followups and rng.random() < 0.7:
            t += timedelta(hours=rng.uniform(0.3, 26))
            events.append((t, "customer", customer, writer.customer(ctx, rng.choice(plan.followups)), True))
            if rng.random() < 0.75:
                t += timedelta(hours=rng.uniform(0.1, 5))
                fix = f"{rng.choice(plan.fixes)} {rng.choice(AGENT_SOLVED)}".strip()
                events.append((t, "agent", ctx.agent, writer.agent(ctx, fix, greet=rng.random() < 0.4), True))
        solved_at = t + timedelta(minutes=rng.uniform(1, 90))
        return self._finish(ticket_id, events, "solved", solved_at)

    def _outcome(self, age_days: float) -> str:
        rng = self.rng
        roll = rng.random()
        if age_days > 14:
            return "solved" if roll < 0.97 else rng.choice(("on_hold", "pending"))
        if age_days > 4:
            return (
                "solved" if roll < 0.7 else "pending" if roll < 0.83 else "open" if roll < 0.93 else "on_hold"
            )
        return "solved" if roll < 0.4 else "pending" if roll < 0.65 else "open" if roll < 0.92 else "on_hold"

    def _issue_conversation(
        self,
        ticket_id: str,
        ctx: _Ctx,
        plan: _Plan,
        events: list[tuple[datetime, str, Person, str, bool]],
        t: datetime,
        customer: Person,
    ) -> tuple[tuple[Comment, ...], TicketStatus, datetime | None]:
        rng = self.rng
        issue = plan.issue
        assert issue is not None
        if issue.kind == "feature":
            return self._finish(ticket_id, events, "solved", t + timedelta(minutes=rng.uniform(2, 60)))
        if issue.is_done and issue.resolved_at is not None and issue.resolved_at > t:
            if issue.status == "wont_fix":
                text = (
                    "An update on this: our engineers looked into it and decided not to change this behaviour for "
                    "now. I'm sorry that's not the answer you hoped for; your feedback is recorded on the issue."
                )
            else:
                version, shipped = release_after(self.now, issue.resolved_at)
                text = f"Good news: the fix for this shipped in release {version} and is live for your workspace."
                t = max(t, shipped)
            at = max(t, issue.resolved_at) + timedelta(hours=rng.uniform(1, 20))
            events.append((at, "agent", ctx.agent, self.writer.agent(ctx, text), True))
            return self._finish(ticket_id, events, "solved", at + timedelta(minutes=5))
        if rng.random() < 0.5:
            t += timedelta(hours=rng.uniform(1, 40))
            events.append(
                (t, "customer", customer, self.writer.customer(ctx, rng.choice(plan.followups)), True)
            )
        status: TicketStatus = "on_hold" if (self.now - ctx.created) > timedelta(days=2) else "pending"
        return self._finish(ticket_id, events, status, None)

    def _finish(
        self,
        ticket_id: str,
        events: list[tuple[datetime, str, Person, str, bool]],
        status: TicketStatus,
        solved_at: datetime | None,
    ) -> tuple[tuple[Comment, ...], TicketStatus, datetime | None]:
        limit = self.now - timedelta(minutes=1)
        kept = sorted((e for e in events if e[0] <= limit), key=lambda e: e[0])
        if solved_at is not None and solved_at > limit:
            solved_at = None
            status = "open" if kept and kept[-1][1] == "customer" else "pending"
        elif status == "solved" and solved_at is not None and solved_at < self.now - timedelta(days=4):
            status = "closed" if self.rng.random() < 0.8 else "solved"
        if len(kept) < len(events) and status in ("on_hold", "open", "pending"):
            status = "open" if kept and kept[-1][1] == "customer" else "pending"
        comments = tuple(
            comment(ticket_id, i, author, body, at, public=public)
            for i, (at, _, author, body, public) in enumerate(kept[:8], start=1)
        )
        return comments, status, solved_at

    def _breached(self, targets: tuple[SlaTarget, ...]) -> bool:
        return any(
            t.breach_at is not None and not t.paused and (t.fulfilled_at or self.now) > t.breach_at
            for t in targets
        )

    def _sla(
        self,
        account: Account,
        priority: TicketPriority,
        created: datetime,
        comments: tuple[Comment, ...],
        solved_at: datetime | None,
        status: TicketStatus,
    ) -> tuple[SlaTarget, ...]:
        first_reply = next((c.created_at for c in comments if c.public and c.author.role == "agent"), None)
        targets = sla_targets(
            account.tier, priority, created, first_reply_at=first_reply, solved_at=solved_at
        )
        if status == "on_hold":
            # Resolution time is paused while the ticket waits on another team.
            targets = tuple(
                t.model_copy(update={"paused": True, "breach_at": None}) if t.metric == "resolution" else t
                for t in targets
            )
        return targets
