"""`customer-escalation history` and `customer-escalation deescalate`, and how action results are printed.

`history` lists what was escalated, what was done about it (every preview, write, skip, refusal and
failure, with its idempotency key) and the follow-ups due. `deescalate` records that an escalation is
no longer needed and why, and drafts the notes that close the loop.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, TextIO

from ._common import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliError, add_workspace_flag, settings_from_args

if TYPE_CHECKING:
    from ...connectors.records import EscalationEntry
    from ..actions import ActionResult, DeescalationDrafts, StepResult
    from ..history import HistoryStore

_STATUS_LABELS = {
    "preview": "preview",
    "executed": "done",
    "linked": "linked",
    "existing": "done earlier",
    "skipped": "skipped",
    "failed": "FAILED",
    "refused": "REFUSED",
    "not_applicable": "not applicable",
}
_DURATION = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_BEGINNING = datetime(1970, 1, 1, tzinfo=UTC)
"""Nothing in a history is older; `--since` further back means everything."""


def register(subparsers: Any) -> None:
    history = subparsers.add_parser(
        "history",
        help="list escalations, what was done about them and the follow-ups due",
        description=(
            "List the escalations in the history (newest first) with every action taken or previewed "
            "for them and their follow-up reminders. Give an ID to see one escalation with its brief."
        ),
    )
    history.add_argument("id", nargs="?", metavar="ID", help="one escalation, e.g. ESC-3")
    history.add_argument(
        "--since",
        metavar="WHEN",
        help="only what changed since: a duration back from now (30m, 24h, 7d, 2w) or a date/time (2026-11-20)",
    )
    history.add_argument("--json", action="store_true", help="print JSON")
    add_workspace_flag(history)
    history.set_defaults(handler=run_history)

    deescalate = subparsers.add_parser(
        "deescalate",
        help="record that an escalation is no longer needed and draft the notes that close the loop",
        description=(
            "Mark escalation ID de-escalated with the reason, and draft the note to the team it went to, "
            "the ticket update, the customer message and the learning. The notes are previewed unless "
            "--execute is given: then the team note is posted to every channel the escalation was posted "
            "to, and the ticket update and the customer message draft become internal notes."
        ),
    )
    deescalate.add_argument("id", metavar="ID", help="the escalation, e.g. ESC-3")
    deescalate.add_argument(
        "--reason", required=True, help="why it is de-escalated, e.g. 'workaround found: ...'"
    )
    deescalate.add_argument(
        "--execute", action="store_true", help="post the notes instead of previewing them"
    )
    deescalate.add_argument("--json", action="store_true", help="print JSON")
    add_workspace_flag(deescalate)
    deescalate.set_defaults(handler=run_deescalate)


def parse_since(text: str, now: datetime) -> datetime:
    """`--since`: a duration back from `now` (``24h``, ``7d``) or an ISO date or time (UTC unless it says).

    Raises:
        CliError: the value is neither.
    """
    match = _DURATION.match(text)
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        try:
            return max(now - timedelta(**{_UNITS[unit]: amount}), _BEGINNING)
        except OverflowError:
            return _BEGINNING  # further back than any date: everything
    try:
        if len(text.strip()) == 10:
            return datetime.combine(date.fromisoformat(text.strip()), time(0), tzinfo=UTC)
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CliError(
            f"--since {text!r} is neither a duration like 24h or 7d nor a date like 2026-11-20", EXIT_USAGE
        ) from None
    try:
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:
        raise CliError(f"--since {text!r} is out of range", EXIT_USAGE) from None
    return max(moment, _BEGINNING)


# ------------------------------------------------------------------------------------ history


def run_history(args: argparse.Namespace) -> int:
    from ...connectors.factory import open_history_store

    settings = settings_from_args(args)
    if not settings.database_url and not settings.workspace.exists():
        if args.json:
            print(json.dumps({"escalations": []}))
        else:
            print("No escalations recorded yet.")
        return EXIT_OK
    with open_history_store(settings.workspace, create=False, database_url=settings.database_url) as history:
        since = parse_since(args.since, history.now()) if args.since else None
        if args.id:
            entries: Sequence[EscalationEntry] = (history.escalation(args.id),)
        else:
            entries = history.escalations(since=since)
        listed = [_listing(history, entry, since) for entry in entries]
    if args.json:
        print(json.dumps({"escalations": listed}, indent=2, default=str))
        return EXIT_OK
    if not listed:
        print("No escalations recorded" + (f" since {args.since}." if args.since else " yet."))
    for number, item in enumerate(listed):
        if number:
            print()
        _print_escalation(item, sys.stdout)
        if args.id:
            print()
            print(item["brief"], end="" if item["brief"].endswith("\n") else "\n")
    return EXIT_OK


def _listing(history: HistoryStore, entry: EscalationEntry, since: datetime | None) -> dict[str, Any]:
    data = entry.model_dump(mode="json", exclude={"data"})
    data["actions"] = [
        a.model_dump(mode="json", exclude_none=True) for a in history.actions(escalation_id=entry.id)
    ]
    data["events"] = [
        e.model_dump(mode="json", exclude_none=True)
        for e in history.events(escalation_id=entry.id, since=since)
    ]
    data["followups"] = [f.model_dump(mode="json") for f in history.followups(escalation_id=entry.id)]
    return data


def _print_escalation(item: dict[str, Any], out: TextIO) -> None:
    decision = "escalated" if item["decision"] == "escalate" else "handled in support"
    head = [item["id"], item["status"], decision, item.get("severity"), item.get("target")]
    print("  ".join(str(part) for part in head if part), file=out)
    print(f"  {item.get('summary') or item['issue']}", file=out)
    facts = [f"created {_when(item['created_at'])}", f"updated {_when(item['updated_at'])}"]
    if item["runs"] > 1:
        facts.append(f"{item['runs']} briefs")
    if item["ticket_ids"]:
        facts.append("tickets " + ", ".join(item["ticket_ids"]))
    if item["account_ids"]:
        facts.append("accounts " + ", ".join(item["account_ids"]))
    print("  " + "; ".join(facts), file=out)
    if item["status"] != "open" and item.get("status_changed_at"):
        print(
            f"  {item['status']} {_when(item['status_changed_at'])}: {item.get('status_reason') or ''}",
            file=out,
        )
    if item.get("learning"):
        print(f"  learning: {item['learning']}", file=out)
    if item["events"]:
        print("  actions:", file=out)
        for event in item["events"]:
            ref = event.get("ref")
            where = f" -> {ref['id']}" + (f" {ref['url']}" if ref.get("url") else "") if ref else ""
            label = _STATUS_LABELS.get(event["outcome"], event["outcome"])
            print(
                f"    {_when(event['at'])}  {label:<12} {event['kind']} to {event['target']}{where}",
                file=out,
            )
            print(f"      key {event['idempotency_key']}: {event.get('detail') or ''}".rstrip(": "), file=out)
    if item["followups"]:
        print("  follow-ups:", file=out)
        for followup in item["followups"]:
            every = f" ({followup['every']})" if followup.get("every") else ""
            print(
                f"    {_when(followup['due_at'])}  {followup['status']:<9} {followup['kind']}{every}: "
                f"{followup['note']}",
                file=out,
            )


# ------------------------------------------------------------------------------------ deescalate


def run_deescalate(args: argparse.Namespace) -> int:
    if not args.reason.strip():
        raise CliError("--reason is empty: say why the escalation is no longer needed", EXIT_USAGE)
    settings = settings_from_args(args)
    if not settings.workspace.exists():
        raise CliError(f"no escalation history at {settings.workspace}", EXIT_FAILURE)
    entry, drafts, steps = asyncio.run(_deescalate(args, settings))
    if args.json:
        payload = {
            "escalation": entry.model_dump(mode="json", exclude={"data", "brief"}),
            "drafts": drafts.model_dump(mode="json"),
            "actions": [step.model_dump(mode="json", exclude_none=True) for step in steps],
        }
        print(json.dumps(payload, indent=2, default=str))
    else:
        _print_drafts(entry, drafts)
    print_steps(steps, show_payload=False)
    return EXIT_FAILURE if any(not step.ok for step in steps) else EXIT_OK


async def _deescalate(
    args: argparse.Namespace, settings: Any
) -> tuple[EscalationEntry, DeescalationDrafts, list[StepResult]]:
    from ..actions import Actions
    from ._session import open_backends

    async with open_backends(settings) as backends:
        actions = Actions(backends.registry, backends.history, backends.writes)
        return await actions.deescalate(args.id, args.reason, execute=args.execute)


def _print_drafts(entry: EscalationEntry, drafts: DeescalationDrafts) -> None:
    when = entry.status_changed_at.strftime("%Y-%m-%d %H:%M UTC") if entry.status_changed_at else ""
    print(f"{entry.id} is de-escalated ({when}): {entry.status_reason}")
    sections = (
        ("Note to the team", drafts.team_note),
        ("Ticket update (internal note)", drafts.ticket_update),
        ("Customer message (draft for a person to send)", drafts.customer_message),
        ("Learning (kept in the history)", drafts.learning),
    )
    for title, text in sections:
        print(f"\n## {title}\n{text.rstrip()}")


# ------------------------------------------------------------------------------------ action results


def print_steps(steps: Sequence[StepResult], *, show_payload: bool, out: TextIO | None = None) -> None:
    """Print what each requested step did (on stderr by default); previews with their payload."""
    out = out or sys.stderr
    if not steps:
        return
    print("\nNext steps:", file=out)
    for step in steps:
        label = _STATUS_LABELS.get(step.status, step.status)
        print(f"  [{label}] {step.title}: {step.detail}", file=out)
        result = step.result
        if result is None:
            continue
        if step.status == "preview":
            print(f"      key {result.idempotency_key}; {result.redaction}", file=out)
            if result.note:
                print(f"      note: {result.note}", file=out)
            if show_payload:
                for line in payload_lines(result):
                    print(f"      | {line}".rstrip(), file=out)
        elif result.ref is not None:
            print(f"      {result.ref.id}" + (f" {result.ref.url}" if result.ref.url else ""), file=out)
    if any(step.status == "preview" for step in steps):
        print("  Nothing was sent: run the same command with --execute to carry these out.", file=out)


def payload_lines(result: ActionResult) -> list[str]:
    """The payload of a planned action as a person reads it."""
    payload = result.payload
    if "text" in payload:
        return str(payload["text"]).splitlines()
    if "issue" in payload:
        issue = payload["issue"]
        labels = ", ".join(issue.get("labels") or ())
        lines = [
            f"Project: {issue['project']}   Kind: {issue['kind']}   Priority: {issue.get('priority') or 'none'}",
            f"Labels: {labels or 'none'}",
            f"Title: {issue['title']}",
            "",
        ]
        return lines + str(issue["body_markdown"]).splitlines()
    if "body" in payload:
        return str(payload["body"]).splitlines()
    if "reminders" in payload:
        return [
            f"{_when(r['due_at'])}  {r['kind']}"
            + (f" ({r['every']})" if r.get("every") else "")
            + f": {r['note']}"
            for r in payload["reminders"]
        ]
    return [json.dumps(payload, default=str)]


def _when(value: str | datetime) -> str:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


__all__ = ["parse_since", "payload_lines", "print_steps", "register", "run_deescalate", "run_history"]
