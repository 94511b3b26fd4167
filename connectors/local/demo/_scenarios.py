"""The demo's scenarios: fixed record ids, what a support lead would type, and the expected outcome.

Every scenario record has an id fixed here. Tickets and chat messages are placed by age (how long
before `now` they were created); their ids follow from that age, so the ids below never change while
the timestamps in the built dataset always sit at the same distance from `now`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from ._common import message_id_at, ticket_id_at


@dataclass(frozen=True)
class FixedTicket:
    """A scenario ticket created `age` before now."""

    age: timedelta

    @property
    def id(self) -> str:
        return ticket_id_at(self.age)


@dataclass(frozen=True)
class FixedMessage:
    """A scenario chat message posted `age` before now in a channel."""

    channel_id: str
    age: timedelta
    micro: int

    @property
    def id(self) -> str:
        return message_id_at(self.age, self.micro)


def _t(days: float = 0, hours: float = 0, minutes: float = 0) -> FixedTicket:
    return FixedTicket(timedelta(days=days, hours=hours, minutes=minutes))


def _m(channel_id: str, days: float = 0, hours: float = 0, minutes: float = 0, *, micro: int) -> FixedMessage:
    return FixedMessage(channel_id, timedelta(days=days, hours=hours, minutes=minutes), micro)


# Channels (Slack-like ids).
SUPPORT_ESCALATIONS = "C03MZ2K7QF1"
ENG_INCIDENTS = "C02H8VX4NPL"
PRODUCT_FEEDBACK = "C05RT1B9DWE"
CS_ENTERPRISE = "C04KJ6YQ3ZA"
EXT_ACME = "C06AC7M3ERP"
EXT_KESTREL = "C06KB2S8TQX"
EXT_MERIDIAN = "C06MF4D1RHW"
EXT_UMBRELLA = "C06UH9L5VNC"
EXT_HALCYON = "C06HM3G7PJK"
EXT_PINECREST = "C06PI8W2FYB"

# 1. api-500s
ACME_BATCH_URGENT = _t(days=3, hours=22)
ACME_SYNC_TRACEBACK = _t(days=2, hours=5)
ACME_LOYALTY_500S = _t(hours=9)
ACME_INCIDENT_ROOT = _m(ENG_INCIDENTS, days=4, hours=1, micro=118204)
ACME_ESCALATION_ASK = _m(SUPPORT_ESCALATIONS, hours=5, micro=402117)
ACME_SHARED_ETA = _m(EXT_ACME, hours=1, micro=930551)
ENG_BATCH_500 = "ENG-3412"
KB_RETRYING_REQUESTS = "KB-118"

# 2. export-missing-rows
GLOBEX_EXPORT_SHORT = _t(days=5, hours=4)
INITECH_EXPORT_SHORT = _t(days=3, hours=2)
UMBRELLA_EXPORT_SHORT = _t(days=1, hours=8)
EXPORT_THIRD_CUSTOMER = _m(SUPPORT_ESCALATIONS, days=1, hours=6, micro=287340)
ENG_EXPORT_TRUNCATION = "ENG-3398"
KB_LARGE_EXPORTS = "KB-204"

# 3. sso-login-loop
MERIDIAN_SSO_LOOP = _t(hours=17, minutes=30)
HALCYON_SSO_LOOP = _t(hours=16)
PINECREST_SSO_LOOP = _t(hours=14)
TIDEWATER_SSO_LOOP = _t(hours=9, minutes=10)
IRONWOOD_SSO_LOOP = _t(hours=3)
SSO_INCIDENT_ROOT = _m(ENG_INCIDENTS, hours=15, minutes=20, micro=66013)
MERIDIAN_SHARED_LOOP = _m(EXT_MERIDIAN, hours=12, micro=504882)
ENG_SSO_LOOP = "ENG-3430"
KB_SSO_TRAILING_SLASH = "KB-131"

# 4. audit-log-churn
KESTREL_AUDIT_ULTIMATUM = _t(days=1, hours=6)
KESTREL_AUDIT_QUESTION = _t(days=61, hours=3)
AUDIT_FEEDBACK_REQUEST = _m(PRODUCT_FEEDBACK, days=9, hours=2, micro=713390)
KESTREL_RENEWAL_AT_RISK = _m(CS_ENTERPRISE, hours=20, micro=150076)
PROD_AUDIT_EXPORT = "PROD-412"
KB_AUDIT_LOG_REFERENCE = "KB-150"

# 5. webhook-signature-handled
ORCHID_SIGNATURE = _t(days=1, hours=9)
HARBOR_SIGNATURE_SOLVED = _t(days=34, hours=5)
LUMEN_SIGNATURE_SOLVED = _t(days=71, hours=2)
KB_WEBHOOK_SIGNATURES = "KB-162"

# 6. security-cross-tenant
FERNHILL_OTHER_WORKSPACE = _t(hours=5, minutes=30)

# 7. acme-logistics-webhooks
ACME_LOGISTICS_WEBHOOKS = _t(hours=20)
KB_WEBHOOK_DISABLED = "KB-167"

# 8. scim-sla-breach
BLUEFIN_SCIM_IMPORT = _t(hours=77)

# 9. duplicate-alerts-recurring
BRIGHTLINE_DUPLICATES_BEFORE_FIX = _t(days=55, hours=4)
COPPERLEAF_DUPLICATES_BEFORE_FIX = _t(days=48, hours=7)
QUARRY_DUPLICATES_BEFORE_FIX = _t(days=42, hours=1)
BRIGHTLINE_DUPLICATES_BACK = _t(days=3, hours=8)
COPPERLEAF_DUPLICATES_AGAIN = _t(days=2, hours=4)
BRIGHTLINE_ONCALL_PAGED_TWICE = _t(hours=22)
DUPLICATES_FIXED_ANNOUNCEMENT = _m(SUPPORT_ESCALATIONS, days=21, hours=3, micro=840215)
ENG_DUPLICATE_ALERTS = "ENG-3120"
KB_DUPLICATE_ALERTS = "KB-173"

# 10. how-to-api-key
SABLE_KEY_ROTATION = _t(hours=6)
QUARRY_KEY_ROTATION_SOLVED = _t(days=50, hours=6)
LUMEN_KEY_ROTATION_SOLVED = _t(days=23, hours=3)
KB_ROTATING_KEYS = "KB-109"

# Older, solved look-alikes that share words with a scenario but not its cause.
LARKSPUR_EXPORT_TIMEZONE = _t(days=50, hours=9)
LUMEN_ACS_TRAILING_SLASH = _t(days=38, hours=2)
QUARRY_ACS_TRAILING_SLASH = _t(days=66, hours=5)
HARBOR_API_502_MAINTENANCE = _t(days=45, hours=11)


Decision = Literal["escalate", "handle"]


@dataclass(frozen=True)
class DemoScenario:
    """One story planted in the demo company, with the outcome the product should reach."""

    name: str
    issue: str
    """What a support lead would type."""
    account_id: str | None
    """The account the issue text names, if it names one."""
    ticket_ids: tuple[str, ...]
    """The tickets that belong to this issue (all affected customers' tickets)."""
    account_ids: tuple[str, ...]
    """The distinct affected accounts."""
    issue_keys: tuple[str, ...]
    article_ids: tuple[str, ...]
    message_ids: tuple[str, ...]
    """Related chat messages: the roots of the relevant threads."""
    expected_decision: Decision
    expected_target: str | None
    expected_secondary: str | None
    expected_severity: str | None
    why: str


DEMO_SCENARIOS: tuple[DemoScenario, ...] = (
    DemoScenario(
        name="api-500s",
        issue="API returning 500 errors intermittently for Acme Corp",
        account_id="acme-corp",
        ticket_ids=(ACME_BATCH_URGENT.id, ACME_SYNC_TRACEBACK.id, ACME_LOYALTY_500S.id),
        account_ids=("acme-corp",),
        issue_keys=(ENG_BATCH_500,),
        article_ids=(KB_RETRYING_REQUESTS,),
        message_ids=(ACME_INCIDENT_ROOT.id, ACME_ESCALATION_ASK.id, ACME_SHARED_ETA.id),
        expected_decision="escalate",
        expected_target="Engineering",
        expected_secondary=None,
        expected_severity="High",
        why=(
            "A confirmed bug that needs a code fix: support reproduced the 500s on a test account with large "
            "batches, and ENG-3412 is in progress. One high-value reference customer (480k ARR, renewal in about "
            "75 days) has major functionality degraded and the next-reply SLA on the urgent ticket is about to "
            "breach, so High, not Critical: no data is lost, only one customer is affected and smaller batches "
            "work around it at reduced throughput. The retry how-to in the knowledge base is generic advice, not "
            "a documented fix."
        ),
    ),
    DemoScenario(
        name="export-missing-rows",
        issue="Data export is missing rows - 3 customers reported this week",
        account_id=None,
        ticket_ids=(GLOBEX_EXPORT_SHORT.id, INITECH_EXPORT_SHORT.id, UMBRELLA_EXPORT_SHORT.id),
        account_ids=("globex", "initech", "umbrella-health"),
        issue_keys=(ENG_EXPORT_TRUNCATION,),
        article_ids=(KB_LARGE_EXPORTS,),
        message_ids=(EXPORT_THIRD_CUSTOMER.id,),
        expected_decision="escalate",
        expected_target="Engineering",
        expected_secondary=None,
        expected_severity="Critical",
        why=(
            "Data integrity is at risk: scheduled exports silently stop at 100,000 rows and report success. Three "
            "customers reported it within a week (the 3+ customers pattern), one of them a high-value enterprise "
            "account whose compliance report is incomplete with a renewal in about 40 days. The bug is confirmed "
            "(ENG-3398) and still open. Splitting exports by date range only avoids it for customers who know to."
        ),
    ),
    DemoScenario(
        name="sso-login-loop",
        issue="SSO login loop affecting all Enterprise customers",
        account_id=None,
        ticket_ids=(
            MERIDIAN_SSO_LOOP.id,
            HALCYON_SSO_LOOP.id,
            PINECREST_SSO_LOOP.id,
            TIDEWATER_SSO_LOOP.id,
            IRONWOOD_SSO_LOOP.id,
        ),
        account_ids=(
            "meridian-freight",
            "halcyon-media",
            "pinecrest-insurance",
            "tidewater-energy",
            "ironwood-manufacturing",
        ),
        issue_keys=(ENG_SSO_LOOP,),
        article_ids=(KB_SSO_TRAILING_SLASH,),
        message_ids=(SSO_INCIDENT_ROOT.id, MERIDIAN_SHARED_LOOP.id),
        expected_decision="escalate",
        expected_target="Engineering",
        expected_secondary=None,
        expected_severity="Critical",
        why=(
            "Production is down for every SAML user of five enterprise accounts since release 2026.11.3: a "
            "regression (session cookie set SameSite=Strict) that needs a code fix, with multiple high-value "
            "customers blocked. The trailing-slash known issue in the knowledge base does not apply: the customers "
            "changed nothing and their ACS URLs are correct."
        ),
    ),
    DemoScenario(
        name="audit-log-churn",
        issue="Customer threatening to churn over missing audit log feature",
        account_id=None,
        ticket_ids=(KESTREL_AUDIT_ULTIMATUM.id, KESTREL_AUDIT_QUESTION.id),
        account_ids=("kestrel-bank",),
        issue_keys=(PROD_AUDIT_EXPORT,),
        article_ids=(KB_AUDIT_LOG_REFERENCE,),
        message_ids=(AUDIT_FEEDBACK_REQUEST.id, KESTREL_RENEWAL_AT_RISK.id),
        expected_decision="escalate",
        expected_target="Leadership",
        expected_secondary="Product",
        expected_severity="High",
        why=(
            "A high-revenue customer (620k ARR, renewal in about 28 days, health red) says in writing it will not "
            "renew without a committed date for audit log export, and its CISO asks for a call with our VP of "
            "Product or leadership: churn threat plus a request for executive involvement. The gap itself is a "
            "known limitation (PROD-412, five accounts) that needs a roadmap decision from Product. Nothing is "
            "broken, so not Critical."
        ),
    ),
    DemoScenario(
        name="webhook-signature-handled",
        issue="Webhook signature verification failing for Orchid Retail",
        account_id="orchid-retail",
        ticket_ids=(ORCHID_SIGNATURE.id,),
        account_ids=("orchid-retail",),
        issue_keys=(),
        article_ids=(KB_WEBHOOK_SIGNATURES,),
        message_ids=(),
        expected_decision="handle",
        expected_target=None,
        expected_secondary=None,
        expected_severity=None,
        why=(
            "A documented known issue with a workaround that fits: the customer verifies the HMAC over "
            "re-serialized JSON, and the knowledge-base article says to sign the raw request body. Two earlier "
            "tickets with the same cause were solved in support by pointing to that article. There is no bug."
        ),
    ),
    DemoScenario(
        name="security-cross-tenant",
        issue="Customer says they can see another company's dashboards by changing the workspace id in the URL",
        account_id=None,
        ticket_ids=(FERNHILL_OTHER_WORKSPACE.id,),
        account_ids=("fernhill-studio",),
        issue_keys=(),
        article_ids=(),
        message_ids=(),
        expected_decision="escalate",
        expected_target="Security",
        expected_secondary=None,
        expected_severity="Critical",
        why=(
            "Potential cross-tenant data exposure (unauthorized access to another customer's dashboards). Security "
            "reports bypass the tiers whatever the reporter's plan or tone: the reporter is a small Pro account and "
            "polite and unsure, which must not lower the severity. Nothing in the tracker or knowledge base."
        ),
    ),
    DemoScenario(
        name="acme-logistics-webhooks",
        issue="Webhooks stopped firing for Acme Logistics",
        account_id="acme-logistics",
        ticket_ids=(ACME_LOGISTICS_WEBHOOKS.id,),
        account_ids=("acme-logistics",),
        issue_keys=(),
        article_ids=(KB_WEBHOOK_DISABLED,),
        message_ids=(),
        expected_decision="handle",
        expected_target=None,
        expected_secondary=None,
        expected_severity=None,
        why=(
            "The customer's own endpoint answered 410 Gone and was disabled automatically, which is documented "
            "with steps to re-enable it: a configuration issue support can resolve. The account is Acme Logistics "
            "(Pro, 3.6k ARR, acmelogistics.example), not Acme Corp; mixing them up would inflate impact."
        ),
    ),
    DemoScenario(
        name="scim-sla-breach",
        issue="Bulk user import failing for Bluefin Capital, open for 3 days",
        account_id="bluefin-capital",
        ticket_ids=(BLUEFIN_SCIM_IMPORT.id,),
        account_ids=("bluefin-capital",),
        issue_keys=(),
        article_ids=(),
        message_ids=(),
        expected_decision="escalate",
        expected_target="L2 support",
        expected_secondary=None,
        expected_severity="High",
        why=(
            "Both SLA metrics breached (first reply late, resolution overdue since about 5 hours), a key customer "
            "is blocked onboarding about 400 employees, and frontline attempts have not reproduced the SCIM error. "
            "It needs deeper investigation and access to provisioning logs, not yet a confirmed bug: L1 to L2."
        ),
    ),
    DemoScenario(
        name="duplicate-alerts-recurring",
        issue="Duplicate alert notifications are back for Brightline Health - we were told this was fixed",
        account_id="brightline-health",
        ticket_ids=(
            BRIGHTLINE_DUPLICATES_BACK.id,
            COPPERLEAF_DUPLICATES_AGAIN.id,
            BRIGHTLINE_ONCALL_PAGED_TWICE.id,
        ),
        account_ids=("brightline-health", "copperleaf-foods"),
        issue_keys=(ENG_DUPLICATE_ALERTS,),
        article_ids=(KB_DUPLICATE_ALERTS,),
        message_ids=(DUPLICATES_FIXED_ANNOUNCEMENT.id,),
        expected_decision="escalate",
        expected_target="Engineering",
        expected_secondary=None,
        expected_severity="High",
        why=(
            "A recurring issue that was supposedly fixed: ENG-3120 shipped in 2026.10.2 and was reopened two days "
            "ago, with three new tickets from two accounts since. The knowledge base and the chat announcement "
            "still say it is fixed; the newest evidence wins. Degraded with a workaround, so High, not Critical. "
            "The solved tickets from before the fix are history, not current impact."
        ),
    ),
    DemoScenario(
        name="how-to-api-key",
        issue="How do I rotate an API key without downtime for Sable Analytics",
        account_id="sable-analytics",
        ticket_ids=(SABLE_KEY_ROTATION.id,),
        account_ids=("sable-analytics",),
        issue_keys=(),
        article_ids=(KB_ROTATING_KEYS,),
        message_ids=(),
        expected_decision="handle",
        expected_target=None,
        expected_secondary=None,
        expected_severity=None,
        why=(
            "A how-to question with a documented answer; earlier tickets asking the same were solved in support. "
            "The customer needs guidance, not a fix."
        ),
    ),
)
