"""The next steps a person asks for after a brief (the `brief` flags), and de-escalation: each step is
planned, previewed or executed, and reported; a failed step does not stop the others."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Literal

from ...connectors.blocking import off_loop
from ...connectors.errors import CustomerEscalationError, WriteRefusedError
from ...connectors.records import EscalationEntry
from .case import EscalationCase
from .customer import CustomerContext, customer_context
from .kinds import ActionKind, FrozenModel
from .ledger import describe
from .messages import (
    DeescalationDrafts,
    brief_note,
    chat_text,
    customer_update_text,
    deescalation_drafts,
    issue_draft,
)
from .planner import required
from .plans import ActionPlan, ActionResult
from .reminders import reminders_for

if TYPE_CHECKING:
    from .executor import Actions

PlanBuilder = Callable[[], "ActionPlan | Awaitable[ActionPlan]"]
StepStatus = Literal[
    "preview", "executed", "linked", "existing", "skipped", "failed", "refused", "not_applicable"
]
_HANDLED = "handled in support: there is no escalation to act on"


class NextSteps(FrozenModel):
    """The next steps a person asked for with the `brief` flags."""

    post_to: str | None = None
    """`--post-to CHANNEL`."""
    create_issue: str | None = None
    """`--create-issue [PROJECT]`: a project key, or "" for the first allowed project; None when not asked."""
    add_note: bool = False
    draft_update: bool = False
    remind: bool = False

    @property
    def requested(self) -> bool:
        """Whether any step was asked for."""
        return (
            self.post_to is not None
            or self.create_issue is not None
            or self.add_note
            or self.draft_update
            or self.remind
        )


class StepResult(FrozenModel):
    """One requested step: its action's result, or why it did not run."""

    title: str
    status: StepStatus
    detail: str = ""
    result: ActionResult | None = None

    @property
    def ok(self) -> bool:
        """False when the step failed or was refused."""
        return self.status not in {"failed", "refused"}


Run = Callable[[str, PlanBuilder], Awaitable[StepResult]]
"""Plans one step with its builder, previews or executes it, and reports it under its title."""


async def next_steps(
    actions: Actions, escalation: EscalationEntry, case: EscalationCase, steps: NextSteps, *, execute: bool
) -> list[StepResult]:
    """Run the next steps a person asked for after a brief, in this order: chat post, tracker issue,
    internal note, customer update draft, reminders. A failure is recorded and reported, and the
    remaining steps still run.
    """
    now = actions.now()
    run = partial(_step, actions, execute=execute)
    results: list[StepResult] = []
    if steps.post_to is not None:
        results.append(await _chat_post(actions, run, escalation, case, steps.post_to))
    if steps.create_issue is not None:
        results.append(await _tracker_issue(actions, run, escalation, case, steps.create_issue, execute))
    if steps.add_note:
        results.append(await _note(actions, run, escalation, case))
    if steps.draft_update:
        results.append(await _customer_update(actions, run, escalation, case, now))
    if steps.remind:
        results.append(await _reminders(actions, run, escalation, case, now))
    return results


def _skip(title: str, why: str, status: StepStatus = "not_applicable") -> StepResult:
    return StepResult(title=title, status=status, detail=why)


async def _chat_post(
    actions: Actions, run: Run, escalation: EscalationEntry, case: EscalationCase, channel: str
) -> StepResult:
    title = f"chat post to {channel}"
    if case.decision != "escalate":
        return _skip(title, _HANDLED)
    text = chat_text(case, escalation.id)
    return await run(title, partial(actions.plan_chat_post, escalation, channel, text))


async def _tracker_issue(
    actions: Actions,
    run: Run,
    escalation: EscalationEntry,
    case: EscalationCase,
    asked: str,
    execute: bool,
) -> StepResult:
    project = asked or (actions.rules.projects[0] if actions.rules.projects else "")
    title = f"tracker issue in {project or '(no project)'}"
    if case.decision != "escalate":
        return _skip(title, _HANDLED)
    if not project:
        why = "name a project (--create-issue PROJECT) or list one in CUSTOMER_ESCALATION_WRITE_PROJECTS"
        return _skip(title, why, "refused")
    draft = issue_draft(case, project, escalation.id)
    build = partial(
        actions.plan_issue, escalation, draft, related_issue_keys=case.issue_keys, look_up=not execute
    )
    return await run(title, build)


async def _note(actions: Actions, run: Run, escalation: EscalationEntry, case: EscalationCase) -> StepResult:
    ticket = case.primary_ticket_id
    if ticket is None:
        return _skip("internal note", "no related ticket to add it to")
    note = brief_note(case, escalation.id)
    return await run(
        f"internal note on ticket {ticket}", partial(actions.plan_note, escalation, ticket, note)
    )


async def _customer_update(
    actions: Actions, run: Run, escalation: EscalationEntry, case: EscalationCase, now: datetime
) -> StepResult:
    ticket = case.primary_ticket_id
    if ticket is None:
        return _skip("customer update draft", "no related ticket to add it to")

    async def plan() -> ActionPlan:
        # Addressed to the ticket's requester when the ticket can be read.
        context = await customer_context(actions.registry.support, ticket)
        text = customer_update_text(case, name=context.name, now=now, context=context)
        return actions.plan_note(escalation, ticket, text, kind="customer_update")

    return await run(f"customer update draft on ticket {ticket}", plan)


async def _reminders(
    actions: Actions, run: Run, escalation: EscalationEntry, case: EscalationCase, now: datetime
) -> StepResult:
    if case.decision != "escalate" or case.follow_up is None:
        return _skip("follow-up reminders", _HANDLED)
    reminders = reminders_for(case, case.follow_up, now=now)
    return await run("follow-up reminders", partial(actions.plan_followups, escalation, reminders))


async def deescalate(
    actions: Actions, escalation_id: str, reason: str, *, execute: bool
) -> tuple[EscalationEntry, DeescalationDrafts, list[StepResult]]:
    """Record that an escalation is de-escalated and why, draft the notes, and preview or post them (see
    `Actions.deescalate`)."""
    reason = required("reason", reason)
    if actions.rules.read_only:
        raise WriteRefusedError(
            "de-escalating records a status change, and writes are turned off by "
            "CUSTOMER_ESCALATION_READ_ONLY=true; set it to false to de-escalate",
            system="history",
        )
    history = actions.history
    entry = await off_loop(history.escalation, escalation_id)
    case = EscalationCase.from_entry(entry)
    done = [a for a in await off_loop(history.actions, escalation_id=entry.id) if a.state == "done"]
    channels = list(dict.fromkeys(a.target for a in done if a.kind == "chat_post"))
    tracker = [a.ref for a in done if a.kind == "tracker_issue" and a.ref is not None]
    now = actions.now()
    if entry.status == "deescalated" and entry.status_reason:
        reason = entry.status_reason
    ticket = case.primary_ticket_id
    support = actions.registry.support
    context = await customer_context(support, ticket) if ticket is not None else CustomerContext()
    drafts = deescalation_drafts(
        entry,
        case,
        reason,
        now=entry.status_changed_at or now,
        tracker=tracker,
        name=context.name,
        subject=context.subject,
    )
    entry = await off_loop(
        history.set_status, entry.id, "deescalated", reason=reason, learning=drafts.learning
    )
    results = await _team_notes(actions, entry, channels, drafts.team_note, execute=execute)
    if ticket is None:
        results.append(StepResult(title="ticket notes", status="not_applicable", detail="no related ticket"))
        return entry, drafts, results
    notes: tuple[tuple[ActionKind, str, str], ...] = (
        ("deescalation_note", drafts.ticket_update, f"ticket update on {ticket}"),
        ("deescalation_customer", drafts.customer_message, f"customer message draft on {ticket}"),
    )
    for kind, body, title in notes:
        build = partial(actions.plan_note, entry, ticket, body, kind=kind)
        results.append(await _step(actions, title, build, execute=execute))
    return entry, drafts, results


async def _team_notes(
    actions: Actions, entry: EscalationEntry, channels: list[str], note: str, *, execute: bool
) -> list[StepResult]:
    """The team note to every channel the escalation was posted to."""
    results: list[StepResult] = []
    for channel in channels:
        build = partial(actions.plan_chat_post, entry, channel, note, kind="deescalation_chat")
        results.append(await _step(actions, f"team note to {channel}", build, execute=execute))
    if not channels:
        why = "the escalation was never posted to a channel; send the team note yourself"
        results.append(StepResult(title="team note", status="not_applicable", detail=why))
    return results


async def _step(actions: Actions, title: str, build: PlanBuilder, *, execute: bool) -> StepResult:
    try:
        planned = build()
        plan = await planned if inspect.isawaitable(planned) else planned
        result = await actions.run(plan, execute=execute)
    except WriteRefusedError as exc:
        return StepResult(title=title, status="refused", detail=str(exc))
    except CustomerEscalationError as exc:
        return StepResult(title=title, status="failed", detail=describe(exc))
    return StepResult(title=title, status=result.status, detail=result.detail, result=result)


__all__ = ["NextSteps", "PlanBuilder", "StepResult", "StepStatus", "deescalate", "next_steps"]
