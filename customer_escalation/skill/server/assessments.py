"""Assessments kept in the history, by id, so that `escalation_compose` rests a brief on the very
assessment `escalation_assess` returned and on the records it read, not on what a caller restates."""

from __future__ import annotations

import json
import re
from typing import Any

from mcp.server.mcpserver.exceptions import ToolError

from ...connectors.blocking import off_loop
from ...connectors.errors import NotFoundError, WorkspaceError
from .. import views
from ..brief import ContextItem
from ..compose import KnownRecords
from ..policy import Evidence
from .shared import ServerState

_UNSAFE = re.compile(r"[\[\]()\n\r`<>*_]")


async def keep(
    state: ServerState, view: views.AssessmentView, evidence: Evidence, supplied: list[str]
) -> views.AssessmentView:
    """`view` with the id it is kept under; unchanged when the server keeps no history or cannot write."""
    if state.history is None:
        return view
    known = _known(evidence, supplied)
    data = {
        "issue": evidence.issue,
        "assessment": view.model_dump(mode="json"),
        "records": {ref: item.model_dump(mode="json") for ref, item in known.items.items()},
        "seen": known.seen_text,
    }
    try:
        assessment_id = await off_loop(state.history.record_assessment, data)
    except WorkspaceError:
        return view
    return view.model_copy(update={"assessment_id": assessment_id})


async def load(state: ServerState, assessment_id: str) -> tuple[str, dict[str, Any], KnownRecords]:
    """The issue, the assessment (as `escalation_assess` returned it) and the records it read.

    Raises:
        ToolError: there is no history, or no such assessment.
    """
    if state.history is None:
        raise ToolError(
            "escalation_compose needs the escalation history, and this server was started without it"
        )
    try:
        data = await off_loop(state.history.assessment, assessment_id)
    except NotFoundError as exc:
        raise ToolError(f"{exc}; call escalation_assess and pass the assessment_id it returns") from exc
    except WorkspaceError as exc:
        raise ToolError(f"the escalation history cannot be read: {exc}. Tell the user") from exc
    known = KnownRecords()
    for text in data.get("seen", []):
        known.add_text(str(text))
    for ref, item in data.get("records", {}).items():
        known.items[ref] = ContextItem.model_validate(item)
    return str(data["issue"]), dict(data["assessment"]), known


def _known(evidence: Evidence, supplied: list[str]) -> KnownRecords:
    """The records an assessment read, labelled and linked as a brief's Supporting Context cites them;
    a record the assistant supplied says so, and where it lives."""
    known = KnownRecords()
    results: list[dict[str, Any]] = [
        {"tickets": [views.to_wire(views.ticket_summary(t)) for t in evidence.tickets]},
        {"accounts": [views.to_wire(views.account_summary(a)) for a in evidence.accounts]},
        {"messages": [views.to_wire(views.message_view(m)) for m in evidence.messages]},
        {"issues": [views.to_wire(views.issue_summary(i)) for i in evidence.issues]},
        {"articles": [views.to_wire(views.article_summary(a)) for a in evidence.articles]},
    ]
    for result in results:
        known.add_result("", result)
        known.add_text(json.dumps(result, ensure_ascii=False))
    systems = {f"ticket:{t.id}": t.ref for t in evidence.tickets}
    systems |= {f"account:{a.id}": a.ref for a in evidence.accounts}
    systems |= {f"message:{m.channel_id}:{m.id}": m.ref for m in evidence.messages}
    systems |= {f"issue:{i.key}": i.ref for i in evidence.issues}
    systems |= {f"article:{a.id}": a.ref for a in evidence.articles}
    for ref in supplied:
        item = known.items.get(ref)
        if item is not None and ref in systems:
            kind, _, ident = ref.partition(":")
            where = _plain(f"{ident} in {systems[ref].system}")
            label = f"{kind.capitalize()} {where} (as the assistant read it)"
            known.items[ref] = item.model_copy(update={"label": label})
    return known


def _plain(text: str) -> str:
    """Text for a link label: no markdown or markup characters, on one line."""
    return " ".join(_UNSAFE.sub(" ", text).split())[:120]


__all__ = ["keep", "load"]
