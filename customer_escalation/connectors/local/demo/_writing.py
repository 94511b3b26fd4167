"""What a background ticket says and how it is written: its plan (topic or tracker issue) in a voice."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from ...records import (
    Account,
    Contact,
    Person,
    TicketType,
)
from ._common import (
    Slots,
    add_typos,
)
from ._topics import GENERIC_FIXES, Topic
from ._tracker import IssueDraft
from ._tracker_bank import BugSpec, FeatureSpec
from ._voices import (
    AGENT_GREETINGS,
    AGENT_SIGNOFFS,
    CONTEXT_NEUTRAL,
    CONTEXT_PROBLEM,
    Voice,
)


@dataclass
class Ctx:
    """What one ticket is about and who is involved."""

    account: Account
    requester: Contact
    created: datetime
    voice: Voice
    agent: Person
    slots: Slots


class Writer:
    """Builds the text of one background ticket."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def prose(self, ctx: Ctx, text: str) -> str:
        text = ctx.slots.fill(text)
        typos = self.rng.choice(ctx.voice.typos)
        if typos:
            text = add_typos(text, self.rng, typos)
        return text

    def description(self, ctx: Ctx, plan: Plan) -> str:
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

    def agent(self, ctx: Ctx, text: str, *, greet: bool = True) -> str:
        rng = self.rng
        parts = []
        if greet and rng.random() < 0.85:
            parts.append(ctx.slots.fill(rng.choice(AGENT_GREETINGS)))
        parts.append(ctx.slots.fill(text))
        parts.append(ctx.slots.fill(rng.choice(AGENT_SIGNOFFS)))
        return "\n\n".join(parts)

    def customer(self, ctx: Ctx, text: str) -> str:
        text = self.prose(ctx, text)
        if ctx.voice.lowercase and self.rng.random() < 0.7:
            text = text[0].lower() + text[1:]
        return text


@dataclass
class Plan:
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


def topic_plan(rng: random.Random, topic: Topic) -> Plan:
    case = rng.choice(topic.cases)
    return Plan(
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


def issue_plan(rng: random.Random, issue: IssueDraft) -> Plan:
    spec = issue.spec
    if isinstance(spec, BugSpec):
        return Plan(
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
    return Plan(
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
