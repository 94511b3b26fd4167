"""What a create sends: the new issue's input, its links, and the id that makes creates idempotent.

Linear lets the client choose a new issue's id (``IssueCreateInput.id``, a UUID v4). The connector
derives it from the idempotency key, so the key is recorded on the issue itself: before creating, it
asks for the issue with that id, and a repeated create (even from a restarted process) finds the
first one instead of writing a second.

Ticket and account links become attachments at the configured ticket or account address, with the
id in their metadata (Linear shows them on the issue like its own support integrations' links); links
without a configured address are listed at the end of the description instead.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any
from urllib.parse import quote

from ..base import IssueDraft
from ..text import single_line, truncate
from .mapping import ACCOUNT_META, PRIORITY_NUMBERS, TICKET_META, Links

ID_NAMESPACE = "customer-escalation:linear:"
TITLE_CHARS = 255


def issue_id_for(idempotency_key: str) -> str:
    """The id of the issue created for `idempotency_key`: a UUID in version 4 format, derived from it."""
    digest = hashlib.sha256((ID_NAMESPACE + idempotency_key.strip()).encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def create_input(
    draft: IssueDraft, *, issue_id: str, team_id: str, label_ids: list[str], links: Links
) -> dict[str, Any]:
    """The ``IssueCreateInput``: markdown description, priority number, label ids, the chosen id."""
    description = draft.body_markdown.strip()
    unlinked = _unlinked(draft, links)
    if unlinked:
        description = "\n\n".join(part for part in (description, unlinked) if part)
    values: dict[str, Any] = {
        "id": issue_id,
        "teamId": team_id,
        "title": truncate(single_line(draft.title), TITLE_CHARS),
    }
    if description:
        values["description"] = description
    if draft.priority is not None:
        values["priority"] = PRIORITY_NUMBERS[draft.priority]
    if label_ids:
        values["labelIds"] = label_ids
    return values


def attachment_inputs(draft: IssueDraft, *, issue_id: str, links: Links) -> list[dict[str, Any]]:
    """One ``AttachmentCreateInput`` per ticket and account link that has an address."""
    inputs: list[dict[str, Any]] = []
    for ids, template, meta, what in (
        (draft.linked_ticket_ids, links.ticket_url, TICKET_META, "Support ticket"),
        (draft.linked_account_ids, links.account_url, ACCOUNT_META, "Customer account"),
    ):
        if template is None:
            continue
        for record_id in dict.fromkeys(i.strip() for i in ids if i.strip()):
            inputs.append(
                {
                    "issueId": issue_id,
                    "url": template.replace("{id}", quote(record_id, safe="")),
                    "title": f"{what} {record_id}",
                    "metadata": {meta: record_id},
                }
            )
    return inputs


def _unlinked(draft: IssueDraft, links: Links) -> str:
    lines = []
    if draft.linked_ticket_ids and links.ticket_url is None:
        lines.append(f"Support tickets: {', '.join(draft.linked_ticket_ids)}")
    if draft.linked_account_ids and links.account_url is None:
        lines.append(f"Customer accounts: {', '.join(draft.linked_account_ids)}")
    return "\n".join(lines)


__all__ = ["attachment_inputs", "create_input", "issue_id_for"]
