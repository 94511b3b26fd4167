"""Rules for handling the issue in support: a documented answer, guidance, a known limitation, an open
escalation that already covers it, a fix that worked, earlier tickets solved in support."""

from __future__ import annotations

from ....connectors.records import Article
from ..attempts import any_tried
from ..facts import Facts
from ..refs import article_ref, ticket_ref
from .outcomes import listed
from .registry import Outcome, support_rule


def _answer_failed(f: Facts) -> bool:
    """The customer says a fix a current article documents did not help."""
    return any_tried(f.current_articles, f.hits_of("workaround_failed"))


def _titled(a: Article) -> str:
    return f"{a.id}: {a.title}"


def _ref(a: Article) -> str:
    return article_ref(a.id)


@support_rule("documented_workaround", "Documented solution or known workaround")
def documented_workaround(f: Facts) -> Outcome:
    failed = _answer_failed(f)
    found = [a for a in f.trusted_articles if a.kind == "known-issue" and a.workaround and not failed]
    return listed(found, _titled, _ref, absent="no known-issue article with a workaround")


@support_rule("documented_fix", "Configuration or setup issue support can resolve")
def documented_fix(f: Facts) -> Outcome:
    failed = _answer_failed(f)
    found = [a for a in f.trusted_articles if a.kind == "troubleshooting" and not failed]
    absent = "the customer says the documented fix did not help" if failed else "no troubleshooting article"
    return listed(found, _titled, _ref, absent=absent)


@support_rule("guidance_needed", "Customer needs guidance or training, not a fix")
def guidance_needed(f: Facts) -> Outcome:
    question = bool(f.issue_how_to) or f.only_questions
    guides = [a for a in f.trusted_articles if a.kind in {"how-to", "reference"}]
    if question and guides:
        reason = f"a how-to question answered by {', '.join(a.id for a in guides)}"
    else:
        reason = "a how-to question, but no guide found" if question else "not a how-to question"
    return Outcome(
        met=question and bool(guides),
        reason=reason,
        evidence=[article_ref(a.id) for a in guides] if question else [],
    )


@support_rule("known_limitation", "Known limitation with a documented alternative")
def known_limitation(f: Facts) -> Outcome:
    found = [a for a in f.trusted_articles if a.kind in {"reference", "known-issue"} and a.workaround]
    return listed(found, lambda a: f"{a.id} documents an alternative", _ref)


@support_rule(
    "already_escalated",
    "Already escalated: the same open incident has an escalation; add this customer to it",
    strength="hard",
)
def already_escalated(f: Facts) -> Outcome:
    """An open escalation covers one of the open bugs, and this issue brings customers it does not list."""
    open_keys = {i.key for i in f.open_bugs}
    affected = set(f.affected_ids)
    covering = [
        p
        for p in f.ev.history
        if p.status == "open" and open_keys & set(p.issue_keys) and affected - set(p.account_ids)
    ]
    reasons = [
        f"{p.id} is open for {', '.join(sorted(open_keys & set(p.issue_keys)))}; new customer(s): "
        + ", ".join(sorted(affected - set(p.account_ids)))
        for p in covering
    ]
    return Outcome(
        met=bool(covering),
        reason="; ".join(reasons) or "no open escalation covers this incident",
        evidence=[f"escalation:{p.id}" for p in covering],
    )


@support_rule(
    "resolved_by_customer", "The issue resolved itself or the fix worked: de-escalate, and document the cause"
)
def resolved_by_customer(f: Facts) -> Outcome:
    sources = sorted(f.resolved_sources)
    return Outcome(
        met=bool(sources),
        reason="the customer says it works again: " + ", ".join(sources)
        if sources
        else "nobody says it is resolved",
        evidence=sources,
    )


@support_rule("previously_solved", "Previous similar tickets were resolved at the support level")
def previously_solved(f: Facts) -> Outcome:
    """Earlier tickets solved without a link to a bug, while no bug is open."""
    solved = [t for t in f.earlier if t.status in {"solved", "closed"}]
    open_bug_links = {k for i in f.open_bugs for k in (i.linked_ticket_ids or ())}
    in_support = [t for t in solved if t.id not in open_bug_links and not t.linked_issue_keys]
    return Outcome(
        met=bool(in_support) and not f.open_bugs,
        reason=(", ".join(f"ticket {t.id}" for t in in_support) + " solved in support")
        if in_support
        else "no earlier similar ticket solved in support",
        evidence=[ticket_ref(t.id) for t in in_support],
    )
