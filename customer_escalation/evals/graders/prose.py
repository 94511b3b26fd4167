"""Prose graders: the brief's prose against the records, whatever the decision.

They apply to every scenario whose output has the prose they are about, and are left out otherwise:
reproduction steps where the records hold one, actions (not acknowledgements) under what was tried,
accounts by name, customer drafts written for the customer, missed commitments flagged, whole-word quotes.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from .base import CheckResult, Observation, cited, grader, result
from .facts import facts_of


def _cited_records(obs: Observation) -> tuple[list[Any], list[Any]]:
    """The tickets and tracker bugs the output cites, as the scenario's world holds them."""
    refs = cited(obs)
    tickets = [t for t in obs.dataset.tickets if f"ticket:{t.id}" in refs]
    bugs = [i for i in obs.dataset.issues if f"issue:{i.key}" in refs and i.kind == "bug"]
    return tickets, bugs


_REPRODUCED = re.compile(r"(?i)\b(reproduced|how to reproduce|steps to reproduce|repro steps)\b")
_NOT_REPRODUCED = re.compile(r"(?i)(can'?t|cannot|could ?n[o']t|unable to|not able to) reproduce")


def _holds_reproduction(text: str) -> bool:
    numbers = [int(n) for n in re.findall(r"^\s*(\d{1,2})[.)]\s+\S", text, re.MULTILINE)]
    steps = any(a == 1 and b == 2 for a, b in pairwise(numbers))
    return steps or bool(_REPRODUCED.search(text) and not _NOT_REPRODUCED.search(text))


@grader("repro_present")
def check_repro_present(obs: Observation) -> CheckResult | None:
    """When the cited tickets or tracker bugs hold a reproduction (numbered steps, or a record that it
    was reproduced) and the brief is about a bug, the brief gives steps rather than "Unknown"."""
    brief = obs.result.brief if obs.result is not None else None
    if brief is None:
        return None
    rules = {f.rule for f in obs.assessment.criteria_met} if obs.assessment is not None else set()
    if "security_concern" in rules or (
        brief.reproduction is None and brief.reproduction_note.startswith("Not applicable")
    ):
        return None
    tickets, bugs = _cited_records(obs)
    texts = [(f"ticket {t.id}", "\n".join([t.description, *(c.body for c in t.comments)])) for t in tickets]
    texts += [(i.key, i.body) for i in bugs]
    holding = [where for where, text in texts if _holds_reproduction(text)]
    if not holding:
        return None
    if brief.reproduction is None:
        return result(
            "repro_present",
            False,
            f"{', '.join(holding)} hold a reproduction; the brief says: {brief.reproduction_note[:160]}",
        )
    filled = [
        name
        for name in ("expected", "actual", "environment")
        if not getattr(brief.reproduction, name).lower().startswith("unknown")
    ]
    passed = len(brief.reproduction.steps) >= 1 and "actual" in filled
    return result(
        "repro_present",
        passed,
        f"{len(brief.reproduction.steps)} steps; filled: {', '.join(filled) or 'none'} (records with one: {', '.join(holding)})",
    )


_ACKNOWLEDGEMENTS = re.compile(
    r"(?i)\b(?:shared your (?:message|request|feedback)|passed (?:it|this|your \w+) (?:on|to)|i can confirm|"
    r"we(?:'re| are) aware|i(?:'ll| will) (?:come back|get back|update you|follow up|let you know)|"
    r"raised (?:it|this) with|thank(?:s| you) for|sorry (?:for|about))\b"
)
_ACTION = re.compile(
    r"(?i)\b(tried|retried|retrying|reduced|dropped|switched|rolled back|reproduced|workaround|cleared|"
    r"restarted|re-?enabled|rotated|removed|lowered|verified|checked|tested|split|splitting|narrowed|traced|"
    r"confirmed that|disabled|stopgap|avoids?|for now|re-?ran|upgraded|downgraded|replaced|compared|"
    r"Nothing to troubleshoot|Unknown: no troubleshooting|Nothing recorded)\b"
)


@grader("tried_actions")
def check_tried_actions(obs: Observation) -> CheckResult | None:
    """Every item under "What's Been Tried" is an action someone took (and its result), not an
    acknowledgement, a hand-off or a promise."""
    brief = obs.result.brief if obs.result is not None else None
    if brief is None:
        return None
    bad = [
        item
        for item in brief.whats_been_tried
        if _ACKNOWLEDGEMENTS.search(item.split("): ", 1)[-1]) or not _ACTION.search(item)
    ]
    if bad:
        return result("tried_actions", False, "not an action: " + " | ".join(b[:140] for b in bad[:3]))
    return result("tried_actions", True, f"{len(brief.whats_been_tried)} items, each an action")


@grader("account_names")
def check_account_names(obs: Observation) -> CheckResult | None:
    """No account slug (``umbrella-health``) where the CRM has a name for the account."""
    if obs.output is None or obs.result is None:
        return None
    text = re.sub(r"https?://\S+|\S+@\S+|\(\S+\)$", " ", obs.result.markdown, flags=re.MULTILINE)
    slugs = [
        (a.id, a.name)
        for a in obs.dataset.accounts
        if re.search(r"[-_]", a.id)
        and a.id.lower() != a.name.lower()
        and re.search(rf"(?<![\w/.:-]){re.escape(a.id)}(?![\w/-])", text)
    ]
    if slugs:
        return result("account_names", False, "; ".join(f"{i} written instead of {n}" for i, n in slugs[:4]))
    return result("account_names", True, "accounts are named as the CRM names them")


def _customer_drafts(obs: Observation) -> list[tuple[str, str]]:
    """The customer-facing texts of a run: the suggested reply, or the update and de-escalation message
    the escalation would draft."""
    from ...connectors.records import EscalationEntry
    from ...skill.actions import EscalationCase, customer_update_text, deescalation_drafts

    result = obs.result
    if result is None or obs.output is None:
        return []
    if result.handling is not None:
        return [("suggested reply", result.handling.suggested_reply)]
    case = EscalationCase.from_run(result, obs.scenario.issue, obs.scenario.account)
    requester = next((t.requester.name for t in obs.dataset.tickets if t.id == case.primary_ticket_id), None)
    update = customer_update_text(case, name=requester, now=obs.scenario.now)
    entry = EscalationEntry(
        id="ESC-1",
        fingerprint=case.fingerprint,
        issue=case.issue,
        summary=case.summary,
        decision="escalate",
        status="open",
        created_at=obs.scenario.now,
        updated_at=obs.scenario.now,
    )
    message = deescalation_drafts(
        entry, case, "the fix is released", now=obs.scenario.now, name=requester
    ).customer_message
    return [("customer update", update), ("de-escalation message", message)]


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


@grader("customer_wording")
def check_customer_wording(obs: Observation) -> CheckResult | None:
    """Customer-facing drafts greet by name or neutrally (never "Hi user,"), never paste the internal
    issue title, and never claim there is no fault on our side."""
    drafts = _customer_drafts(obs)
    if not drafts:
        return None
    internal = {_plain(obs.scenario.issue)}
    output = obs.output
    if output is not None:
        internal.add(_plain(output.summary))
    problems = []
    for title, text in drafts:
        plain = _plain(text)
        if any(t and len(t) > 12 and t in plain for t in internal):
            problems.append(f"the {title} pastes the internal issue title")
        if re.search(r"(?im)^(?:hi|hello|dear) (?:user|customer|admin|support|team|there|requester)\b", text):
            problems.append(f"the {title} greets a placeholder: {text.splitlines()[0][:40]}")
        if re.search(r"(?i)nothing in our records points to a fault|not a fault on our side", text):
            problems.append(f"the {title} says there is no fault on our side")
    if problems:
        return result("customer_wording", False, "; ".join(problems))
    return result("customer_wording", True, f"{len(drafts)} customer draft(s) written for the customer")


_PROMISE = re.compile(
    r"(?i)\b(?:i|we)(?:'ll| will) (?:come back|get back|follow up|update you|send|call|share|confirm|"
    r"let you know|reply)\b[^.?!]*\b(today|tonight|this afternoon|end of (?:the )?day|tomorrow|within the hour|"
    r"within an hour)\b"
)


def _missed_promises(obs: Observation) -> list[tuple[str, str]]:
    """(ticket id, promise) for public agent promises with a time that passed with no later public reply."""
    from datetime import timedelta

    tickets, _ = _cited_records(obs)
    found = []
    for ticket in tickets:
        comments = sorted(ticket.comments, key=lambda c: c.created_at)
        for i, comment in enumerate(comments):
            if comment.author.role != "agent" or not comment.public:
                continue
            match = _PROMISE.search(comment.body)
            if match is None:
                continue
            when_ = match.group(1).lower()
            end = comment.created_at.replace(hour=23, minute=59, second=0, microsecond=0)
            due = (
                comment.created_at + timedelta(hours=1)
                if "hour" in when_
                else end + timedelta(days=1)
                if when_ == "tomorrow"
                else end
            )
            later = any(c.author.role == "agent" and c.public for c in comments[i + 1 :])
            if due < obs.scenario.now and not later:
                found.append((ticket.id, match.group(0)))
    return found


@grader("missed_commitments")
def check_missed_commitments(obs: Observation) -> CheckResult | None:
    """A promise to the customer with a time ("I'll come back to you today") that passed without a
    follow-up is flagged under Escalation risk, with its quote."""
    brief = obs.result.brief if obs.result is not None else None
    if brief is None:
        return None
    missed = _missed_promises(obs)
    if not missed:
        return None
    risk = brief.escalation_risk.lower()
    flagged = [
        (t, p)
        for t, p in missed
        if "missed commitment" in risk and p.lower()[:30] in risk and f"ticket {t}" in risk
    ]
    return result(
        "missed_commitments",
        len(flagged) == len(missed),
        f"{len(flagged)} of {len(missed)} missed promises flagged: "
        + "; ".join(f"ticket {t}: {p}" for t, p in missed),
    )


_QUOTE = re.compile(r"\u201c([^\u201c\u201d]{2,})\u201d")


@grader("quote_boundaries")
def check_quote_boundaries(obs: Observation) -> CheckResult | None:
    """Quotes end on a whole word (a shortened quote ends on a word boundary with an ellipsis), and no
    quote is followed by a stray full stop after its own (``.”.``)."""
    if obs.output is None or obs.result is None:
        return None
    text = obs.result.markdown
    facts = facts_of(obs.dataset)
    problems = []
    if re.search(r"[.!?]\u201d\.", text):
        problems.append("a stray full stop after a quote that ends one")
    for match in _QUOTE.finditer(text):
        quote = re.sub(r"\[[^\]]*\]", " ", match.group(1)).rstrip()  # redaction markers are ours
        words = re.findall(r"[\w][\w'-]*", quote)
        if not words:
            continue
        last = words[-1].rstrip("'-")
        if last not in facts.words and last not in re.findall(r"\w[\w'-]*", obs.scenario.issue):
            problems.append(f"quote ends mid-word: …{quote[-40:]}")
    if problems:
        return result("quote_boundaries", False, "; ".join(problems[:3]))
    return result("quote_boundaries", True, f"{len(_QUOTE.findall(text))} quotes, each ending on a word")


__all__ = [
    "check_account_names",
    "check_customer_wording",
    "check_missed_commitments",
    "check_quote_boundaries",
    "check_repro_present",
    "check_tried_actions",
]
