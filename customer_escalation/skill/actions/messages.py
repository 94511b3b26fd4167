"""What the actions say: the chat post, the tracker issue, the brief as an internal note, the customer
update draft and the de-escalation notes.

The wording lives in `prompts/*.j2` (`chat_post.md.j2`, `issue_body.md.j2`, `related_tickets.md.j2`,
`brief_note.md.j2`, `customer_update_lines.j2` with `customer_update.md.j2`, `deescalation_*.md.j2`);
here is only what goes into them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from ...connectors.base import IssueDraft
from ...connectors.records import EscalationEntry, Ref
from .. import customer_text, prompt_files
from ..brief import ContextItem, when
from ..policy import duration_text
from .case import EscalationCase
from .customer import CustomerContext
from .kinds import ESCALATION_LABEL, PRIORITY_OF, FrozenModel


def _render(name: str, **context: Any) -> str:
    """A message template rendered, without the final newline its file ends with."""
    return prompt_files.render(name, **context).removesuffix("\n")


def chat_text(case: EscalationCase, escalation_id: str) -> str:
    """The chat post for the target team: the brief's key lines, what is needed and where to read more."""
    return _render(
        "chat_post.md.j2",
        summary=case.summary,
        brief=case.brief,
        escalation_id=escalation_id,
        tickets=[_link(item) for item in case.links if item.kind == "ticket"],
        issues=[_link(item) for item in case.links if item.kind == "issue"],
    )


def issue_draft(case: EscalationCase, project: str, escalation_id: str) -> IssueDraft:
    """The tracker issue for a brief: a bug (a feature request when the target is Product) with the
    impact, the reproduction steps and links back to the tickets."""
    body = _render(
        "issue_body.md.j2",
        brief=case.brief,
        related=ticket_links_markdown(case.links),
        escalation_id=escalation_id,
    )
    return IssueDraft(
        project=project,
        title=_one_line(case.summary, 200),
        body_markdown=body.strip() + "\n",
        kind="feature" if case.target == "Product" else "bug",
        priority=PRIORITY_OF.get(case.severity) if case.severity else None,
        labels=(ESCALATION_LABEL,),
        linked_ticket_ids=case.ticket_ids,
        linked_account_ids=case.account_ids,
    )


def ticket_links_markdown(links: Iterable[ContextItem]) -> list[str]:
    """A "Related tickets" section, line by line: each ticket as a link when its system gives one."""
    tickets = [item for item in links if item.kind == "ticket"]
    if not tickets:
        return []
    return _render("related_tickets.md.j2", tickets=tickets).split("\n")


def brief_note(case: EscalationCase, escalation_id: str) -> str:
    """The internal note that puts the brief (or the support-handling note) on the ticket."""
    return _render(
        "brief_note.md.j2",
        escalating=case.decision == "escalate",
        escalation_id=escalation_id,
        markdown=case.markdown,
    )


def customer_update_text(
    case: EscalationCase,
    *,
    name: str | None,
    now: datetime,
    context: CustomerContext | None = None,
) -> str:
    """A customer update for a person to review and send: acknowledgement, what we know in plain words,
    what is next, answers to what the customer asked (ETA, call, credit) and when the next update
    comes (the severity's customer cadence). Written as an internal note; the wording is in
    `prompts/customer_update.md.j2` and `prompts/customer_update_lines.j2`."""
    lines = prompt_files.macros("customer_update_lines.j2")
    context = context or CustomerContext(name=name)
    header = str(lines.header())
    if case.decision != "escalate" or case.handling is not None:
        reply = case.handling.suggested_reply if case.handling is not None else ""
        return f"{header}\n\n{reply}".strip() + "\n"
    team = str(lines.team(case.target))
    severity = (case.severity or "high").lower()
    line = case.target_line or ""
    second = line.split("also ", 1)[1].strip().lower() if "also " in line else None
    issues = [item for item in case.links if item.kind == "issue"]
    working = any("in progress" in item.label for item in issues)
    known = [str(lines.what_we_know(case.target, team, bool(issues), working))]
    if len(case.account_ids) > 1:
        known.append(str(lines.other_customers()))
    if context.workaround:
        known.append(str(lines.workaround(context.workaround)))
    follow_up = case.follow_up
    due = when(max(follow_up.next_customer_due, now)) if follow_up is not None else None
    asks = customer_text.Asks(
        eta="eta" in context.asks, call="call" in context.asks, credit="credit" in context.asks
    )
    return customer_text.customer_update(
        header=header,
        name=context.name or name,
        subject=context.subject,
        ticket_id=case.primary_ticket_id,
        known=known,
        team=team,
        next_step=str(lines.next_step(case.target, team, severity, second)),
        asks=asks,
        due=due,
        every=follow_up.customer_every if follow_up is not None else None,
        reporter=case.reporter,
    )


class DeescalationDrafts(FrozenModel):
    """The notes the spec's de-escalation section asks for."""

    team_note: str
    """For the team the issue was escalated to."""
    ticket_update: str
    """The resolution, for the ticket (an internal note)."""
    customer_message: str
    """For a person to send to the customer (an internal note, never public)."""
    learning: str
    """What was learned, kept in the history."""


def deescalation_drafts(
    entry: EscalationEntry,
    case: EscalationCase,
    reason: str,
    *,
    now: datetime,
    tracker: Sequence[Ref] = (),
    name: str | None = None,
    subject: str | None = None,
) -> DeescalationDrafts:
    """Draft the four de-escalation notes for `entry`.

    Args:
        tracker: the tracker issues filed or linked for it.
        name: the customer's name, for the greeting (a neutral one when it is not a real name).
        subject: the ticket's subject, the customer's words for the issue (never our internal title).
    """
    reason = " ".join(reason.split())
    facts = {
        "escalation_id": entry.id,
        "summary": case.summary,
        "reason": reason,
        "target": entry.target or case.target_line or "the receiving team",
        "severity": entry.severity,
        "held": duration_text(max(1, int((now - entry.created_at).total_seconds() // 60))),
        "created": when(entry.created_at),
        "issues": ", ".join(ref.id for ref in tracker),
    }
    customer = customer_text.deescalation_message(
        name=name, subject=subject, ticket_id=case.primary_ticket_id, reason=reason, reporter=case.reporter
    )
    return DeescalationDrafts(
        team_note=_render("deescalation_team.md.j2", **facts) + "\n",
        ticket_update=_render("deescalation_ticket.md.j2", now=when(now), **facts) + "\n",
        customer_message=customer,
        learning=_render("deescalation_learning.md.j2", **facts),
    )


def _link(item: ContextItem) -> dict[str, str | None]:
    """A related record as the chat post names it: its id (the label when it has none) and its link."""
    return {"label": item.ref.partition(":")[2] if item.ref else item.label, "url": item.url}


def _one_line(text: str, limit: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


__all__ = [
    "DeescalationDrafts",
    "brief_note",
    "chat_text",
    "customer_update_text",
    "deescalation_drafts",
    "issue_draft",
    "ticket_links_markdown",
]
