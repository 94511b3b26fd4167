"""Small builders for synthetic records in policy and brief tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from customer_escalation.connectors.records import (
    Account,
    Article,
    ChatMessage,
    Comment,
    Contact,
    Organization,
    Person,
    Ref,
    SlaTarget,
    Ticket,
    TrackerIssue,
)
from customer_escalation.skill.policy import Assessment, Evidence, assess
from customer_escalation.skill.policy_config import PolicyConfig, load_policy

NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)  # a Wednesday
POLICY = load_policy()


def ago(**kw: float) -> datetime:
    return NOW - timedelta(**kw)


def account(
    account_id: str,
    *,
    tier: str | None = "pro",
    arr: float | None = 12_000.0,
    renewal_in_days: int | None = None,
    reference: bool = False,
    contacts: tuple[Contact, ...] = (),
) -> Account:
    return Account(
        ref=Ref(system="local", id=account_id),
        id=account_id,
        name=account_id.replace("-", " ").title(),
        domains=(f"{account_id}.example",),
        tier=tier,  # type: ignore[arg-type]
        arr=arr,
        renewal_date=(NOW.date() + timedelta(days=renewal_in_days)) if renewal_in_days is not None else None,
        reference_customer=reference,
        contacts=contacts,
    )


_counter = iter(range(1000, 100000))


def comment(body: str, *, role: str = "agent", public: bool = True, at: datetime | None = None) -> Comment:
    return Comment(
        id=str(next(_counter)),
        author=Person(name=role.title(), role=role),  # type: ignore[arg-type]
        body=body,
        public=public,
        created_at=at or ago(hours=1),
    )


def ticket(
    ticket_id: str,
    text: str = "Something is wrong with exports.",
    *,
    account_id: str = "pro-co",
    status: str = "open",
    priority: str | None = "normal",
    created: datetime | None = None,
    comments: tuple[Comment, ...] = (),
    sla: tuple[SlaTarget, ...] | None = None,
    type_: str | None = "problem",
    solved: datetime | None = None,
    requester: str | None = None,
    product_area: str | None = None,
    linked: tuple[str, ...] = (),
) -> Ticket:
    created = created or ago(hours=6)
    return Ticket(
        ref=Ref(system="local", id=ticket_id, url=f"https://support.example/tickets/{ticket_id}"),
        id=ticket_id,
        subject=text[:60],
        description=text,
        status=status,  # type: ignore[arg-type]
        priority=priority,  # type: ignore[arg-type]
        type=type_,  # type: ignore[arg-type]
        requester=Person(
            name="Req", email=requester or f"user{ticket_id}@{account_id}.example", role="customer"
        ),
        organization=Organization(id=account_id, name=account_id.title()),
        created_at=created,
        updated_at=max(created, ago(hours=1)) if created <= NOW else created,
        solved_at=solved,
        comments=comments,
        sla=sla
        if sla is not None
        else (
            SlaTarget(
                policy="p",
                metric="first_reply",
                target_minutes=240,
                breach_at=created + timedelta(hours=4),
                fulfilled_at=created + timedelta(hours=1),
            ),
        ),
        product_area=product_area,
        linked_issue_keys=linked,
    )


def bug(
    key: str,
    *,
    status: str = "open",
    kind: str = "bug",
    linked_accounts: tuple[str, ...] = (),
    resolved: datetime | None = None,
    reopened: datetime | None = None,
    fix_version: str | None = None,
    linked_tickets: tuple[str, ...] = (),
) -> TrackerIssue:
    return TrackerIssue(
        ref=Ref(system="local", id=key),
        key=key,
        title=f"{key} title",
        body="details",
        kind=kind,  # type: ignore[arg-type]
        status=status,  # type: ignore[arg-type]
        linked_account_ids=linked_accounts,
        linked_ticket_ids=linked_tickets,
        created_at=ago(days=30),
        updated_at=ago(days=1),
        resolved_at=resolved,
        reopened_at=reopened,
        fix_version=fix_version,
    )


def article(
    article_id: str,
    *,
    kind: str = "known-issue",
    workaround: str | None = "Do X instead.",
    verified: bool | None = None,
) -> Article:
    return Article(
        ref=Ref(system="local", id=article_id),
        id=article_id,
        title=f"{article_id} title",
        body="body",
        kind=kind,  # type: ignore[arg-type]
        workaround=workaround,
        updated_at=ago(days=100),
        verified=verified,
    )


def message(text: str, *, channel: str = "C1", msg_id: str = "1.0") -> ChatMessage:
    return ChatMessage(
        ref=Ref(system="local", id=f"{channel}:{msg_id}"),
        id=msg_id,
        channel_id=channel,
        channel_name="support-escalations",
        author=Person(name="Jo", role="internal"),
        text=text,
        created_at=ago(hours=2),
    )


def evidence(
    issue: str = "Exports failing",
    *,
    tickets: tuple[Ticket, ...] = (),
    accounts: tuple[Account, ...] = (),
    named: tuple[str, ...] = (),
    **kw: Any,
) -> Evidence:
    by_id = {a.id for a in accounts}
    mapping = {t.id: t.organization.id for t in tickets if t.organization and t.organization.id in by_id}
    return Evidence(
        issue=issue,
        now=NOW,
        tickets=tickets,
        accounts=accounts,
        ticket_accounts=mapping,
        named_account_ids=named,
        **kw,
    )


def reported(text: str, customer: Account | None = None, **kw: Any) -> Evidence:
    """An issue reported in one ticket ("1", its text the issue) by one customer, a pro account unless
    `customer` is given; `kw` adds the other evidence (issues, articles, history, ...)."""
    customer = customer or account("pro-co")
    return evidence(text, tickets=(ticket("1", text, account_id=customer.id),), accounts=(customer,), **kw)


def judge(ev: Evidence, config: PolicyConfig = POLICY) -> Assessment:
    return assess(ev, config)


def met(a: Assessment, rule: str) -> bool:
    return any(f.rule == rule and f.met for f in (*a.escalate_findings, *a.handle_findings))


__all__ = [
    "NOW",
    "POLICY",
    "account",
    "ago",
    "article",
    "bug",
    "comment",
    "date",
    "evidence",
    "judge",
    "message",
    "met",
    "reported",
    "ticket",
]
