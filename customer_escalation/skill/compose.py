"""Turn a draft and the policy's assessment into the final brief or support-handling note.

The draft holds the prose; the assessment holds the figures. Cited records are grounded: only records
that a tool actually returned during the run can be cited, so the brief never links an invented id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .brief import ContextItem, EscalationBrief, SupportHandling
from .draft import BriefDraft
from .views import AssessmentView, from_wire
from .visible_text import for_people

_ORDER = {"Medium": 0, "High": 1, "Critical": 2}
_UNSAFE_LABEL = re.compile(r"[\[\]\(\)\n\r`<>]")


def _label_text(text: object, limit: int = 90) -> str:
    """A record's title or opening words for a label: what a person sees of it, without what is addressed
    to a machine reader, on one line of at most `limit` characters, cut at a word boundary."""
    cleaned = " ".join(_UNSAFE_LABEL.sub(" ", for_people(str(text or ""))).split())
    if len(cleaned) <= limit:
        return cleaned
    cut = cleaned[: limit - 1]
    if not cleaned[limit - 1].isspace() and cut.rfind(" ") >= limit // 3:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-") + "…"


@dataclass
class KnownRecords:
    """Every record a tool returned during the run, by evidence id, with a label and a link."""

    items: dict[str, ContextItem] = field(default_factory=dict)
    seen_text: list[str] = field(default_factory=list)
    """The raw text of every tool result, to check that a link or id in drafted prose came from a record."""

    def add_text(self, text: str) -> None:
        self.seen_text.append(text)

    def mentions(self, token: str) -> bool:
        """Whether `token` appears in any tool result (JSON-escaped forms included)."""
        escaped = token.replace("/", "\\/")
        return any(token in text or escaped in text for text in self.seen_text)

    def add_result(self, tool: str, data: dict[str, Any] | None) -> None:
        """Remember the records in one structured tool result."""
        if not data:
            return
        for ticket in _listed(data, "tickets", "ticket"):
            self._ticket(ticket)
        for account in data.get("breadth", {}).get("accounts", []):
            if f"account:{account['id']}" not in self.items:
                self._account(account, None)
        for account in _listed(data, "accounts", "account"):
            self._account(account, account.get("url"))
        messages = list(data.get("messages", []))
        if "thread" in data:
            # results leave empty lists out: a thread without replies has no "replies" key
            messages += [data["thread"]["root"], *data["thread"].get("replies", [])]
        for message in messages:
            text = message.get("untrusted", {}).get("text", "")
            channel = _name(message, "channel_name")
            self._add(
                f"message:{message['channel_id']}:{message['id']}",
                "thread",
                f"#{_label_text(channel, 40)} {message['created_at'][:10]}: {_label_text(text, 70)}",
                message.get("url"),
            )
        for issue in _listed(data, "issues", "issue"):
            title = issue.get("untrusted", {}).get("title", "")
            self._add(
                f"issue:{issue['key']}",
                "issue",
                f"{issue['key']} ({issue['kind']}, {issue['status'].replace('_', ' ')}): {_label_text(title)}",
                issue.get("url"),
            )
        for article in _listed(data, "articles", "article"):
            title = article.get("untrusted", {}).get("title", "")
            self._add(
                f"article:{article['id']}",
                "article",
                f"{article['id']} ({article['kind']}): {_label_text(title)}",
                article.get("url"),
            )

    def _account(self, account: dict[str, Any], url: str | None) -> None:
        self._add(
            f"account:{account['id']}",
            "account",
            f"{_label_text(_name(account, 'name'))} ({account.get('tier') or 'tier unknown'}) in the CRM",
            url,
        )

    def _ticket(self, ticket: dict[str, Any]) -> None:
        subject = ticket.get("untrusted", {}).get("subject", "")
        org = _name(ticket, "organization_name") or "unknown organization"
        self._add(
            f"ticket:{ticket['id']}",
            "ticket",
            f"Ticket {ticket['id']} ({_label_text(org, 40)}, {ticket['status'].replace('_', ' ')}): {_label_text(subject)}",
            ticket.get("url"),
        )

    def _add(self, ref: str, kind: str, label: str, url: str | None) -> None:
        self.items[ref] = ContextItem.model_validate({"kind": kind, "label": label, "ref": ref, "url": url})

    def known(self, ref: str) -> bool:
        return ref in self.items

    def context(self, refs: list[str]) -> list[ContextItem]:
        order = {"ticket": 0, "thread": 1, "issue": 2, "article": 3, "account": 4}
        found = [self.items[r] for r in dict.fromkeys(refs) if r in self.items]
        return sorted(found, key=lambda item: order.get(item.kind, 9))


def _listed(data: dict[str, Any], plural: str, single: str) -> list[dict[str, Any]]:
    """The records of one kind in a tool result: a search's list, or the one record a read returns."""
    return list(data.get(plural, [])) + ([data[single]] if single in data else [])


def _name(record: dict[str, Any], key: str) -> str:
    """A name a result carries inside `untrusted` (or, from an older server, beside it)."""
    return str(record.get("untrusted", {}).get(key) or record.get(key) or "")


_URL = re.compile(r"https?://[^\s)\]>\"'`“”‘’«»]+")
_KEY = re.compile(r"\b([A-Z][A-Z0-9]{1,9})-(\d{1,7})\b")
_TICKET = re.compile(r"\b(tickets?\s+#?)(\d{2,12})\b", re.IGNORECASE)
_PROSE_FIELDS = (
    "summary",
    "workflow_impact",
    "issue_description",
    "reproduction_note",
    "last_update_to_customer",
    "customer_expectation",
    "escalation_risk",
    "severity_argument",
    "suggested_reply",
)


def ground_prose(draft: BriefDraft, known: KnownRecords) -> tuple[BriefDraft, list[str]]:
    """The draft with links, tracker-style keys and ticket numbers that appear in no tool result taken out
    of its prose, and what was taken out.

    A model may invent a link or an id, or recall one from outside the run; only what the records contain
    may reach the brief. Keys are checked for the prefixes the records use (``ENG-``, ``KB-``...), so
    ordinary tokens such as ``UTF-8`` pass.
    """
    urls = {item.url for item in known.items.values() if item.url}
    hosts = {_host(u) for u in urls}
    ids = {ref.partition(":")[2] for ref in known.items}
    prefixes = {m.group(1) for i in ids if (m := _KEY.fullmatch(i))}
    tickets = {ref.partition(":")[2] for ref in known.items if ref.startswith("ticket:")}
    removed: list[str] = []

    def clean(text: str) -> str:
        def url(m: re.Match[str]) -> str:
            found = m.group(0).rstrip(".,;:!?")
            if found in urls or _host(found) in hosts or known.mentions(found):
                return m.group(0)
            removed.append(found)
            return "[link removed: not in the records]" + m.group(0)[len(found) :]

        def key(m: re.Match[str]) -> str:
            if m.group(1) in prefixes and m.group(0) not in ids and not known.mentions(m.group(0)):
                removed.append(m.group(0))
                return "[unverified id]"
            return m.group(0)

        def ticket(m: re.Match[str]) -> str:
            if tickets and m.group(2) not in tickets and not known.mentions(m.group(2)):
                removed.append(f"ticket {m.group(2)}")
                return f"{m.group(1)}[unverified number]"
            return m.group(0)

        return _TICKET.sub(ticket, _KEY.sub(key, _URL.sub(url, text)))

    update: dict[str, Any] = {f: clean(v) for f in _PROSE_FIELDS if isinstance(v := getattr(draft, f), str)}
    for name in ("whats_been_tried", "whats_needed", "why"):
        update[name] = [clean(x) for x in getattr(draft, name)]
    if draft.reproduction is not None:
        r = draft.reproduction
        update["reproduction"] = r.model_copy(
            update={
                "steps": [clean(x) for x in r.steps],
                "expected": clean(r.expected),
                "actual": clean(r.actual),
                "environment": clean(r.environment),
            }
        )
    return draft.model_copy(update=update), list(dict.fromkeys(removed))


def _host(url: str) -> str:
    return url.split("://", 1)[-1].split("/", 1)[0].lower()


def grounded(draft: BriefDraft, known: KnownRecords) -> tuple[list[str], list[str]]:
    """The draft's cited ids split into (known, invented)."""
    good = [r for r in draft.cited_records if known.known(r)]
    bad = [r for r in draft.cited_records if not known.known(r)]
    return good, bad


def compose(
    draft: BriefDraft,
    assessment: dict[str, Any],
    known: KnownRecords,
    *,
    reporter: str,
    today: date,
    notes: list[str],
) -> EscalationBrief | SupportHandling:
    """The final output for the policy's decision.

    Args:
        assessment: the structured result of `escalation_assess` (an `AssessmentView` as JSON).
        notes: lines added to Supporting Context (unavailable sources, how it was drafted).

    Raises:
        ValueError: the draft's decision differs from the assessment's, or required prose is missing.
    """
    if draft.decision != assessment["decision"]:
        raise ValueError(
            f"escalation_assess decided {assessment['decision']} ({assessment['decision_reason']}); "
            f"the draft says {draft.decision}"
        )
    cited, _ = grounded(draft, known)
    refs = cited + [r for r in _assessment_refs(assessment) if known.known(r)]
    extra = [ContextItem(kind="note", label=note) for note in notes]
    if draft.decision == "handle_in_support":
        resolving = [r for r in assessment.get("resolving_records", []) if known.known(r)]
        return SupportHandling(
            summary=draft.summary,
            reported_by=reporter,
            date=today,
            why=draft.why or [assessment["decision_reason"]],
            resolved_by=known.context(resolving),
            suggested_reply=draft.suggested_reply or "",
            supporting_context=known.context(refs) + extra,
        )

    lines = assessment["brief_lines"]
    lines = {"whats_needed": [], **lines}
    severity = lines["severity"]
    note = lines.get("severity_note")
    requested = draft.requested_severity
    if requested is not None and _ORDER[requested] > _ORDER[severity]:
        why = f": {draft.severity_argument}" if draft.severity_argument else ""
        note = f"raised from the policy's {severity}{why}"
        severity = requested
    asks = list(dict.fromkeys([*draft.whats_needed, *lines["whats_needed"]]))[:6]
    return EscalationBrief(
        summary=draft.summary,
        severity=severity,
        severity_note=note,
        target_team=lines["target_team"],
        reported_by=reporter,
        date=today,
        customers_affected=lines["customers_affected"],
        workflow_impact=draft.workflow_impact or "",
        revenue_at_risk=lines["revenue_at_risk"],
        time_in_queue=lines["time_in_queue"],
        sla_status=lines["sla_status"],
        issue_description=draft.issue_description or "",
        whats_been_tried=draft.whats_been_tried,
        reproduction=draft.reproduction,
        reproduction_note=draft.reproduction_note or "Not applicable: this is not a bug report.",
        last_update_to_customer=draft.last_update_to_customer or "",
        customer_expectation=draft.customer_expectation or "",
        escalation_risk=draft.escalation_risk or "",
        whats_needed=asks,
        deadline=lines["deadline"],
        supporting_context=known.context(refs) + extra,
    )


@dataclass(frozen=True)
class Composed:
    """A brief (or support-handling note) made from a draft and its assessment."""

    output: EscalationBrief | SupportHandling
    assessment: AssessmentView
    unavailable: list[str]
    """Sources that could not be read, from the assessment and the caller."""
    invented: list[str]
    """Cited ids, links and ids in the prose that no record supports; left out of the brief."""


def compose_brief(
    draft: BriefDraft,
    assessment: dict[str, Any],
    known: KnownRecords,
    *,
    reporter: str,
    today: date,
    unavailable: list[str] | tuple[str, ...] = (),
    drafted_without_llm: bool = False,
) -> Composed:
    """The one way a draft becomes a brief, for the command line's loop and `escalation_compose`: the
    prose grounded in the records (`ground_prose`), unknown cited ids dropped, the figures from the
    policy's assessment, the template exact.

    Args:
        assessment: the structured result of `escalation_assess`, as sent (lean) or whole.
        unavailable: sources the caller could not read, added to the assessment's own.

    Raises:
        ValueError: the draft is incomplete, or its decision differs from the assessment's.
        pydantic.ValidationError: `assessment` is not an assessment.
    """
    problems = draft.problems()
    if problems:
        raise ValueError("the draft is incomplete: " + "; ".join(problems))
    verdict = from_wire(AssessmentView, assessment)
    whole = verdict.model_dump(mode="json")
    draft, unsupported = ground_prose(draft, known)
    _, invented = grounded(draft, known)
    missing = list(dict.fromkeys([*verdict.unavailable, *unavailable]))
    notes = []
    if missing:
        notes.append("Sources unavailable while drafting: " + "; ".join(missing))
    if unsupported:
        notes.append(
            "Left out of the drafted text because no record supports them: " + ", ".join(unsupported)
        )
    if drafted_without_llm:
        notes.append(
            "Drafted without an LLM by the offline planner from the records above; read it before sending."
        )
    output = compose(draft, whole, known, reporter=reporter, today=today, notes=notes)
    return Composed(output, verdict, missing, list(dict.fromkeys([*invented, *unsupported])))


def _assessment_refs(assessment: dict[str, Any]) -> list[str]:
    refs: list[str] = []
    for finding in assessment.get("criteria_met", []) + assessment.get("handle_criteria_met", []):
        refs.extend(finding.get("evidence", []))
    return [r for r in refs if r.split(":", 1)[0] in {"ticket", "issue", "article", "message", "account"}]


__all__ = ["Composed", "KnownRecords", "compose", "compose_brief", "ground_prose", "grounded"]
