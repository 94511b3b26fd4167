"""Background tickets: about 1,500 everyday requests over 90 days, each written in a customer's voice."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from ...records import (
    Account,
    Comment,
    Person,
    SlaTarget,
    Ticket,
    TicketPriority,
    TicketStatus,
)
from ._common import (
    SLA_MINUTES,
    Slots,
    build_ticket,
    comment,
    sla_targets,
    ticket_id_at,
)
from ._company import FRONTLINE, SUPPORT_TEAM
from ._slots import MAKERS, fixed_slots
from ._topics import TOPICS
from ._tracker import IssueDraft, release_after
from ._voices import (
    AGENT_HOLD,
    AGENT_SOLVED,
    INTERNAL_NOTES,
    TRIAGE_NOTES,
    VOICE_WEIGHTS,
    VOICES,
)
from ._writing import Ctx, Plan, Writer, issue_plan, topic_plan

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
        self.writer = Writer(rng)
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

    def _plan(self, account: Account, age: timedelta) -> Plan | None:
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
                    return issue_plan(rng, issue)
        topics = [t for t in TOPICS if not (t.paying_only and account.tier == "free")]
        topic = rng.choices(topics, weights=[t.weight for t in topics])[0]
        if not self._allowed(account, topic.area, age):
            return None
        return topic_plan(rng, topic)

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
            MAKERS,
            fixed_slots(account, requester, created, agent_staff.person, self.ws_ids[account.id]),
        )
        peer = rng.choice([s for s in SUPPORT_TEAM if s is not agent_staff])
        slots.set("agent_peer", peer.first)
        ctx = Ctx(account, requester, created, voice, agent_staff.person, slots)
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
        self, ticket_id: str, ctx: Ctx, plan: Plan, priority: TicketPriority
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
        ctx: Ctx,
        plan: Plan,
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
        targets = sla_targets(account.tier, priority, created, comments, solved_at)
        if status == "on_hold":
            # Resolution time is paused while the ticket waits on another team.
            targets = tuple(
                t.model_copy(update={"paused": True, "breach_at": None}) if t.metric == "resolution" else t
                for t in targets
            )
        return targets
