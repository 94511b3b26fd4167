"""A small world every backend is seeded with for the contract suite.

Distinctive phrases (`CANARY_*`) make "search finds this record" checks independent of ranking.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from customer_escalation.connectors.records import (
    Account,
    Article,
    Channel,
    ChatMessage,
    Comment,
    Contact,
    Dataset,
    Opportunity,
    Organization,
    Person,
    Ref,
    SlaTarget,
    Ticket,
    TrackerIssue,
)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def ago(**kwargs: float) -> datetime:
    return NOW - timedelta(**kwargs)


def _ref(system_id: str) -> Ref:
    return Ref(system="local", id=system_id)


NORTHWIND = Account(
    ref=_ref("northwind"),
    id="northwind",
    name="Northwind Traders",
    domains=("northwind.example",),
    tier="enterprise",
    plan="Enterprise Annual",
    arr=240_000.0,
    renewal_date=date(2027, 1, 15),
    owner=Person(name="Priya Raman", email="priya.raman@vendor.example", role="internal"),
    contacts=(
        Contact(
            name="Lena Ortiz", email="lena.ortiz@northwind.example", title="VP Engineering", is_executive=True
        ),
        Contact(name="Sam Reed", email="sam.reed@northwind.example", title="IT admin"),
    ),
    health="yellow",
    reference_customer=True,
    industry="Logistics",
)
CONTOSO = Account(
    ref=_ref("contoso"),
    id="contoso",
    name="Contoso Pharma",
    domains=("contoso.example",),
    tier="business",
    arr=60_000.0,
    renewal_date=date(2027, 6, 1),
    contacts=(Contact(name="Ada Chen", email="ada.chen@contoso.example", title="Data engineer"),),
    health="green",
)
FABRIKAM = Account(
    ref=_ref("fabrikam"),
    id="fabrikam",
    name="Fabrikam Studio",
    domains=("fabrikam.example",),
    tier="pro",
    arr=9_600.0,
    health="green",
)

OPPORTUNITIES = (
    Opportunity(
        ref=_ref("opp-1"),
        id="opp-1",
        account_id="northwind",
        name="Northwind renewal 2027",
        stage="negotiation",
        amount=250_000.0,
        close_date=date(2027, 1, 10),
        is_open=True,
        kind="renewal",
    ),
    Opportunity(
        ref=_ref("opp-2"),
        id="opp-2",
        account_id="northwind",
        name="Northwind analytics add-on",
        stage="closed won",
        amount=30_000.0,
        close_date=date(2026, 5, 1),
        is_open=False,
        kind="expansion",
    ),
)


def _org(account: Account) -> Organization:
    return Organization(
        id=account.id, name=account.name, domain=account.domains[0] if account.domains else None
    )


def _ticket(
    ticket_id: str,
    subject: str,
    description: str,
    *,
    account: Account,
    requester: str,
    status: str = "open",
    priority: str | None = "normal",
    created: datetime,
    updated: datetime | None = None,
    comments: tuple[Comment, ...] = (),
    sla: tuple[SlaTarget, ...] = (),
    tags: tuple[str, ...] = (),
    solved: datetime | None = None,
) -> Ticket:
    return Ticket.model_validate(
        {
            "ref": _ref(ticket_id),
            "id": ticket_id,
            "subject": subject,
            "description": description,
            "status": status,
            "priority": priority,
            "type": "problem",
            "channel": "email",
            "tags": tags,
            "requester": Person(
                name=requester.split("@")[0].replace(".", " ").title(), email=requester, role="customer"
            ),
            "organization": _org(account),
            "created_at": created,
            "updated_at": updated or created,
            "solved_at": solved,
            "sla": sla,
            "comments": comments,
        }
    )


TICKETS = (
    _ticket(
        "101",
        "Webhook deliveries failing with 502",
        "Since this morning every webhook delivery to our endpoint fails. CANARY_QUARTZ_FALCON shows in the "
        "delivery log next to HTTP 502 Bad Gateway.",
        account=NORTHWIND,
        requester="sam.reed@northwind.example",
        priority="urgent",
        created=ago(hours=5),
        updated=ago(hours=1),
        comments=(
            Comment(
                id="101-1",
                author=Person(name="Jo Park", email="jo.park@vendor.example", role="agent"),
                body="Thanks Sam, can you send one failing delivery id?",
                public=True,
                created_at=ago(hours=4),
            ),
            Comment(
                id="101-2",
                author=Person(name="Sam Reed", email="sam.reed@northwind.example", role="customer"),
                body="Delivery id dlv_8812, still failing. CANARY_COBALT_OTTER",
                public=True,
                created_at=ago(hours=2),
            ),
        ),
        sla=(
            SlaTarget(
                policy="Enterprise 24/7",
                metric="first_reply",
                target_minutes=60,
                breach_at=ago(hours=4),
                fulfilled_at=ago(hours=4),
            ),
            SlaTarget(
                policy="Enterprise 24/7", metric="next_reply", target_minutes=60, breach_at=ago(hours=1)
            ),
        ),
        tags=("webhooks", "enterprise"),
    ),
    _ticket(
        "102",
        "Webhook retries pile up",
        "Webhook retries for our staging endpoint pile up in the queue. Not urgent.",
        account=CONTOSO,
        requester="ada.chen@contoso.example",
        priority="low",
        created=ago(days=2),
        tags=("webhooks",),
    ),
    _ticket(
        "103",
        "How do I rotate an API key?",
        "We want to rotate our API key without downtime. CANARY_MAPLE_HERON",
        account=FABRIKAM,
        requester="ops@fabrikam.example",
        status="solved",
        created=ago(days=10),
        updated=ago(days=9),
        solved=ago(days=9),
    ),
    _ticket(
        "104",
        "Webhook signature mismatch",
        "The webhook signature header does not match our computed HMAC.",
        account=CONTOSO,
        requester="ada.chen@contoso.example",
        status="pending",
        created=ago(days=1),
    ),
    _ticket(
        "105",
        "Webhook endpoint timeout settings",
        "Can we raise the webhook timeout above 10 seconds?",
        account=NORTHWIND,
        requester="sam.reed@northwind.example",
        status="solved",
        created=ago(days=30),
        updated=ago(days=29),
        solved=ago(days=29),
    ),
    _ticket(
        "106",
        "Invoice address change",
        "Please update the billing address on our invoices.",
        account=FABRIKAM,
        requester="ops@fabrikam.example",
        status="closed",
        priority=None,
        created=ago(days=60),
        updated=ago(days=55),
        solved=ago(days=58),
    ),
)

WEBHOOK_TICKET_IDS = frozenset({"101", "102", "104", "105"})
"""Tickets whose subject mentions webhooks: a search for "webhook" finds at least these."""

CHANNELS = (
    Channel(id="C100", name="support-escalations", kind="internal"),
    Channel(id="C200", name="ext-northwind", kind="shared", account_id="northwind"),
)


def _message(
    msg_id: str,
    channel: Channel,
    text: str,
    *,
    author: str,
    at: datetime,
    thread: str | None = None,
    replies: int = 0,
) -> ChatMessage:
    return ChatMessage(
        ref=Ref(system="local", id=f"{channel.id}:{msg_id}"),
        id=msg_id,
        channel_id=channel.id,
        channel_name=channel.name,
        thread_id=thread,
        author=Person(name=author, role="internal" if channel.kind == "internal" else "customer"),
        text=text,
        created_at=at,
        reply_count=replies,
    )


MESSAGES = (
    _message(
        "1700000000.000100",
        CHANNELS[0],
        "Northwind webhooks failing with 502 since 07:00, anyone seen this? CANARY_AMBER_LYNX",
        author="Jo Park",
        at=ago(hours=3),
        replies=2,
    ),
    _message(
        "1700000060.000200",
        CHANNELS[0],
        "Yes, the delivery workers restarted at 06:55; looking.",
        author="Mia Stone",
        at=ago(hours=2, minutes=50),
        thread="1700000000.000100",
    ),
    _message(
        "1700000120.000300",
        CHANNELS[0],
        "Rolled back the worker image, watching.",
        author="Mia Stone",
        at=ago(hours=2, minutes=40),
        thread="1700000000.000100",
    ),
    _message(
        "1700000180.000400",
        CHANNELS[1],
        "Any update on the webhooks? Our ops team is blocked.",
        author="Sam Reed",
        at=ago(hours=1, minutes=30),
    ),
    _message(
        "1700000240.000500", CHANNELS[0], "Reminder: invoice run tomorrow.", author="Ana Lee", at=ago(days=3)
    ),
)
THREAD_ROOT = MESSAGES[0]

ISSUES = (
    TrackerIssue(
        ref=_ref("ENG-42"),
        key="ENG-42",
        title="Webhook delivery workers return 502 after restart",
        body="Delivery workers come back without the TLS bundle. CANARY_TEAL_BADGER",
        kind="bug",
        status="in_progress",
        priority="high",
        project="ENG",
        labels=("webhooks", "customer-impact"),
        linked_ticket_ids=("101",),
        linked_account_ids=("northwind",),
        created_at=ago(hours=2),
        updated_at=ago(hours=1),
    ),
    TrackerIssue(
        ref=_ref("ENG-17"),
        key="ENG-17",
        title="Duplicate webhook deliveries on retry",
        body="Retries are sent twice when the first attempt times out.",
        kind="bug",
        status="reopened",
        priority="medium",
        project="ENG",
        fix_version="2026.10.2",
        created_at=ago(days=40),
        updated_at=ago(days=2),
        resolved_at=ago(days=20),
        reopened_at=ago(days=2),
    ),
    TrackerIssue(
        ref=_ref("PROD-7"),
        key="PROD-7",
        title="Configurable webhook timeout",
        body="Customers ask for timeouts above 10 seconds. CANARY_SAGE_WREN",
        kind="feature",
        status="open",
        project="PROD",
        linked_account_ids=("northwind",),
        created_at=ago(days=29),
        updated_at=ago(days=29),
    ),
)

ARTICLES = (
    Article(
        ref=_ref("KB-1"),
        id="KB-1",
        title="Webhook signature mismatch",
        body="Signatures are computed over the raw body. CANARY_IVORY_MOTH",
        kind="known-issue",
        workaround="Compute the HMAC over the raw request bytes, before JSON parsing.",
        product_area="webhooks",
        labels=("webhooks",),
        updated_at=ago(days=100),
    ),
    Article(
        ref=_ref("KB-2"),
        id="KB-2",
        title="Rotating API keys without downtime",
        body="Create a second key, deploy it, then revoke the first. CANARY_ONYX_CRANE",
        kind="how-to",
        product_area="api",
        updated_at=ago(days=200),
    ),
    Article(
        ref=_ref("KB-3"),
        id="KB-3",
        title="Webhook delivery troubleshooting",
        body="Check that the endpoint answers within 10 seconds with a 2xx status.",
        kind="troubleshooting",
        product_area="webhooks",
        updated_at=ago(days=50),
    ),
)

CONTRACT_DATASET = Dataset(
    accounts=(NORTHWIND, CONTOSO, FABRIKAM),
    opportunities=OPPORTUNITIES,
    tickets=TICKETS,
    channels=CHANNELS,
    messages=MESSAGES,
    issues=ISSUES,
    articles=ARTICLES,
)
