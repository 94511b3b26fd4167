"""Word banks for generated benchmark tickets: product areas with their subjects and sentences.

Templates use ``{slot}`` fields filled from `SLOTS` (shared) or the area's own slots. The text is
plain ASCII without quotes or backslashes, so it can be placed in JSON without escaping (checked when
the pools are built).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Area:
    """A product area: how often tickets are about it, and the text they are made of."""

    name: str
    weight: float
    tags: tuple[str, ...]
    subjects: tuple[str, ...]
    sentences: tuple[str, ...]
    slots: dict[str, tuple[str, ...]] = field(default_factory=dict)


SLOTS: dict[str, tuple[str, ...]] = {
    "browser": ("Chrome", "Firefox", "Safari", "Edge", "Brave", "Arc"),
    "os": ("Windows 11", "Windows 10", "macOS Sonoma", "macOS Ventura", "Ubuntu 22.04", "ChromeOS"),
    "region": ("EU", "US East", "US West", "APAC", "UK", "Canada", "Australia", "Frankfurt", "Virginia"),
    "n": tuple(str(n) for n in (2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 75, 120, 200, 350, 500)),
    "pct": tuple(str(n) for n in (5, 10, 15, 20, 25, 30, 40, 50, 60, 75, 90)),
    "when": (
        "since yesterday",
        "since this morning",
        "for two days",
        "since the last release",
        "after the update on Tuesday",
        "since Monday",
        "for about a week",
        "since we renewed",
        "after your maintenance window",
        "since the weekend",
        "intermittently for a few days",
        "since 9am today",
    ),
    "team": (
        "our finance team",
        "the operations team",
        "our admins",
        "the sales team",
        "our support agents",
        "the engineering team",
        "our warehouse staff",
        "the marketing team",
        "several managers",
        "our contractors",
        "the night shift",
        "our auditors",
    ),
    "day": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "plan": ("Pro", "Business", "Enterprise", "Starter", "Team"),
}

AREAS: tuple[Area, ...] = (
    Area(
        name="api",
        weight=9,
        tags=("api", "developer"),
        subjects=(
            "API returning {code} errors intermittently",
            "{endpoint} endpoint times out",
            "Rate limit 429 on {endpoint} even at low volume",
            "API pagination skips records on {endpoint}",
            "SDK {sdk} throws on {endpoint}",
            "API token rejected with 401",
            "Bulk {endpoint} requests failing with {code}",
            "Slow API responses from {region}",
            "Unexpected null fields in {endpoint} payload",
            "API version v{version} deprecation question",
        ),
        sentences=(
            "Calls to the {endpoint} endpoint return {code} about {pct} percent of the time.",
            "We retry with exponential backoff but the {code} responses keep coming back.",
            "Our integration sends roughly {n} requests per minute, well under the documented limit.",
            "The response body only says internal error with no request id.",
            "The {sdk} SDK raises an exception when the payload contains a cursor.",
            "Pagination with the next cursor returns the same page twice.",
            "Latency for {endpoint} went from 200 ms to several seconds {when}.",
            "We rotated the API token and the new one is rejected with 401 unauthorized.",
            "The JSON payload is missing the updated_at field for some records.",
            "Our nightly sync job fails halfway because of these API errors.",
            "The Retry-After header is missing from the 429 responses.",
            "We see the errors from our {region} servers but not from the office.",
        ),
        slots={
            "code": ("500", "502", "503", "504", "429", "400", "422"),
            "endpoint": (
                "orders",
                "contacts",
                "invoices",
                "search",
                "users",
                "events",
                "exports",
                "projects",
            ),
            "sdk": ("Python", "Node", "Ruby", "Java", "Go", "PHP"),
            "version": ("1", "2", "3"),
        },
    ),
    Area(
        name="webhooks",
        weight=5,
        tags=("webhooks", "developer"),
        subjects=(
            "Webhook deliveries failing with {code}",
            "Webhook retries pile up in the queue",
            "Webhook signature mismatch on {event} events",
            "Duplicate webhook deliveries for {event}",
            "Webhook endpoint disabled after failures",
            "Missing {event} webhook events",
            "Webhook timeout is too short for our endpoint",
        ),
        sentences=(
            "Every webhook delivery to our endpoint fails with {code} {when}.",
            "The delivery log shows {n} failed attempts for the {event} event.",
            "Our HMAC check fails because the signature header does not match the raw body.",
            "We receive the same {event} webhook two or three times within a minute.",
            "The endpoint was automatically disabled after repeated delivery failures.",
            "Our receiver answers within two seconds, so the timeouts are surprising.",
            "Retries arrive hours late and out of order.",
            "Some {event} events never arrive at all even though the change is visible in the app.",
            "We rotated the signing secret and deliveries started failing right after.",
        ),
        slots={
            "code": ("502", "503", "504", "400", "401", "timeout"),
            "event": ("order.created", "invoice.paid", "user.updated", "ticket.closed", "payment.failed"),
        },
    ),
    Area(
        name="sso",
        weight=6,
        tags=("sso", "authentication"),
        subjects=(
            "SSO login loop with {idp}",
            "SAML assertion rejected for some users",
            "Users redirected back to the login page after {idp} sign in",
            "SCIM provisioning not creating users from {idp}",
            "SAML certificate expiring, how to rotate",
            "Single sign-on broken for {team}",
            "Just-in-time provisioning assigns the wrong role",
        ),
        sentences=(
            "After signing in with {idp} users land back on the login page in a loop.",
            "The SAML response is rejected with an invalid audience error.",
            "It affects about {n} users, mostly {team}.",
            "Clearing cookies in {browser} does not help.",
            "SCIM pushes from {idp} return 409 conflict for existing users.",
            "Our identity provider certificate expires next week and we need to rotate it without downtime.",
            "New users created by just-in-time provisioning get the viewer role instead of editor.",
            "The problem started {when} and nothing changed in our {idp} configuration.",
            "Direct login with a password still works for the admins.",
            "The assertion contains the email attribute but your side reports it as missing.",
        ),
        slots={"idp": ("Okta", "Azure AD", "Google Workspace", "OneLogin", "Ping", "JumpCloud", "Auth0")},
    ),
    Area(
        name="login",
        weight=7,
        tags=("login", "authentication"),
        subjects=(
            "Cannot log in after password reset",
            "Two-factor codes not accepted",
            "Account locked after failed attempts",
            "Password reset email never arrives",
            "Session expires every few minutes",
            "Login page shows a blank screen in {browser}",
        ),
        sentences=(
            "The password reset link says it has expired even when used immediately.",
            "Authenticator codes are rejected although the phone clock is correct.",
            "The account was locked after {n} failed attempts and the unlock email never came.",
            "We checked spam folders and the reset email is not there.",
            "Users get logged out every few minutes while working.",
            "The login page stays blank in {browser} on {os}.",
            "Recovery codes were lost when the employee changed phones.",
            "This blocks {team} from starting their shift.",
        ),
    ),
    Area(
        name="billing",
        weight=8,
        tags=("billing",),
        subjects=(
            "Invoice shows the wrong number of seats",
            "Charged twice for the {plan} plan",
            "Refund request for unused seats",
            "VAT number missing from invoice",
            "Credit card declined at renewal",
            "Question about proration after upgrading to {plan}",
            "Invoice address change",
            "Need a copy of invoice {invoice}",
        ),
        sentences=(
            "Our invoice lists {n} seats but we only have {n} active users.",
            "The card was charged twice on {day} for the same billing period.",
            "We downgraded to {plan} and expected a prorated credit.",
            "Our VAT number is missing, so finance cannot book the invoice.",
            "The renewal payment failed and the account now shows a warning banner.",
            "Please update the billing address on our invoices to the new office.",
            "We need invoice {invoice} re-issued with the purchase order number.",
            "{team} asks whether annual billing gives a discount.",
            "The receipt shows the amount in USD but our contract is in EUR.",
        ),
        slots={"invoice": tuple(f"INV-{n}" for n in range(2031, 2081, 7))},
    ),
    Area(
        name="export",
        weight=5,
        tags=("data-export", "reporting"),
        subjects=(
            "Data export missing rows",
            "Scheduled export to {target} stopped running",
            "CSV export truncated at {n} rows",
            "Export has wrong timezone on dates",
            "Export job stuck at {pct} percent",
        ),
        sentences=(
            "The CSV export is missing rows compared with what the dashboard shows.",
            "About {pct} percent of the rows from last week are not in the file.",
            "The scheduled export to {target} has not run {when}.",
            "Dates in the export are in UTC while the app shows local time.",
            "The export job has been stuck at {pct} percent for hours.",
            "We reconcile the export every morning and the totals no longer match.",
            "Large exports with more than {n} thousand rows get truncated.",
            "Three of our customers noticed the missing data before we did.",
        ),
        slots={"target": ("S3", "BigQuery", "Snowflake", "Google Drive", "SFTP", "Azure Blob")},
    ),
    Area(
        name="import",
        weight=3,
        tags=("import",),
        subjects=(
            "CSV import fails on row {n}",
            "Import creates duplicate contacts",
            "Special characters garbled after import",
            "Import mapping does not keep custom fields",
        ),
        sentences=(
            "The import stops with a validation error on row {n} but the row looks fine.",
            "Every import run creates duplicates instead of updating existing contacts.",
            "Names with accents turn into question marks after the import.",
            "The file is UTF-8 encoded and opens correctly in a spreadsheet.",
            "Custom fields are dropped even though they are mapped in the wizard.",
            "We import about {n} hundred records every {day}.",
        ),
    ),
    Area(
        name="reports",
        weight=6,
        tags=("reporting", "dashboards"),
        subjects=(
            "Dashboard shows stale data",
            "Report filters ignored for {widget}",
            "Dashboard loading slowly",
            "Numbers in the {widget} do not match the export",
            "Scheduled report email not sent",
        ),
        sentences=(
            "The dashboard still shows numbers from {day}.",
            "The {widget} ignores the date filter and shows all time.",
            "Loading the dashboard takes more than {n} seconds for {team}.",
            "The totals in the {widget} differ from the CSV export.",
            "The weekly report email did not go out {when}.",
            "Refreshing does not help and other browsers behave the same.",
        ),
        slots={
            "widget": ("revenue chart", "funnel widget", "pipeline report", "usage table", "cohort chart")
        },
    ),
    Area(
        name="notifications",
        weight=4,
        tags=("notifications", "email"),
        subjects=(
            "Email notifications delayed by hours",
            "Notifications going to spam",
            "Cannot unsubscribe from digest emails",
            "Slack notifications stopped",
            "Duplicate notification emails",
        ),
        sentences=(
            "Notification emails arrive {n} hours after the event.",
            "Our mail server marks the notifications as spam since the sender changed.",
            "The unsubscribe link in the digest leads to an error page.",
            "Notifications to our Slack channel stopped {when}.",
            "Each assignment sends the same email three times.",
            "SPF and DKIM checks pass on our side.",
        ),
    ),
    Area(
        name="mobile",
        weight=5,
        tags=("mobile",),
        subjects=(
            "{app} app crashes on launch",
            "Push notifications not received on {app}",
            "Offline changes lost after sync",
            "{app} app stuck on loading screen",
            "Cannot upload photos from the {app} app",
        ),
        sentences=(
            "The {app} app crashes right after the splash screen {when}.",
            "Push notifications stopped arriving on {app} devices.",
            "Changes made offline are gone after the app syncs.",
            "The app hangs on the loading screen on version {version}.",
            "Reinstalling the app did not fix it.",
            "About {n} field workers use the app every day.",
        ),
        slots={"app": ("iOS", "Android", "iPad"), "version": ("4.2.1", "4.3.0", "4.3.2", "5.0.0", "5.0.1")},
    ),
    Area(
        name="integrations",
        weight=6,
        tags=("integrations",),
        subjects=(
            "{tool} sync stopped",
            "{tool} integration needs reconnecting every day",
            "Field mapping to {tool} broken",
            "{tool} OAuth token expired",
            "Records duplicated in {tool}",
        ),
        sentences=(
            "The {tool} sync stopped {when} and shows no error.",
            "We have to reconnect the {tool} integration every morning.",
            "Custom field mapping to {tool} resets after saving.",
            "The OAuth connection to {tool} says the token expired.",
            "Every sync run duplicates records in {tool}.",
            "The integration log shows {n} failed records.",
            "{team} relies on this sync for daily reporting.",
        ),
        slots={
            "tool": (
                "Salesforce",
                "HubSpot",
                "Zapier",
                "Jira",
                "Slack",
                "Microsoft Teams",
                "QuickBooks",
                "Xero",
            )
        },
    ),
    Area(
        name="permissions",
        weight=4,
        tags=("permissions", "admin"),
        subjects=(
            "User gets access denied on {page}",
            "Cannot invite guest users",
            "Custom role missing permissions",
            "Admin cannot remove a user",
        ),
        sentences=(
            "A user with the editor role gets 403 access denied on {page}.",
            "Guest invitations fail with an unknown error.",
            "The custom role we created cannot see {page}.",
            "Removing a deactivated user fails for our admins.",
            "We need to restrict {team} to read only access.",
        ),
        slots={"page": ("the settings page", "reports", "billing", "the API keys page", "shared projects")},
    ),
    Area(
        name="performance",
        weight=5,
        tags=("performance",),
        subjects=(
            "Application very slow in {region}",
            "Pages time out during peak hours",
            "Search takes {n} seconds",
            "High latency after release",
        ),
        sentences=(
            "Pages take {n} seconds to load for users in {region}.",
            "During peak hours between 9 and 11 the app times out.",
            "Search results take {n} seconds where they used to be instant.",
            "Latency increased right after the release on {day}.",
            "Our network team sees no packet loss on our side.",
            "A spinner stays on screen and then the request fails with a gateway timeout.",
        ),
    ),
    Area(
        name="audit",
        weight=3,
        tags=("compliance", "audit-log"),
        subjects=(
            "Audit log missing events",
            "Need audit log export for compliance",
            "Data retention settings question",
            "GDPR deletion request",
            "Security questionnaire for renewal",
        ),
        sentences=(
            "The audit log has no entries for permission changes made {when}.",
            "Our auditors need a full audit log export for the last {n} months.",
            "We need to configure data retention to {n} days.",
            "Please delete all personal data for a former employee under GDPR.",
            "Our security team requires a completed questionnaire before the renewal.",
            "Without audit logs we cannot pass our SOC 2 review.",
            "We are evaluating alternatives that include audit logging.",
        ),
    ),
    Area(
        name="files",
        weight=3,
        tags=("files", "uploads"),
        subjects=(
            "File upload fails for large PDFs",
            "Attachments not showing preview",
            "Upload limit question",
            "Uploaded files disappear",
        ),
        sentences=(
            "Uploading a PDF larger than {n} MB fails without an error message.",
            "Attachments show a broken preview icon in {browser}.",
            "Files uploaded {when} are no longer visible.",
            "We need to attach scanned contracts of about {n} MB each.",
        ),
    ),
    Area(
        name="security",
        weight=2,
        tags=("security",),
        subjects=(
            "Suspicious login attempts on our account",
            "Possible XSS in comment field",
            "API token exposed in a public repository",
            "Vulnerability report",
        ),
        sentences=(
            "We see login attempts from unknown countries on several accounts.",
            "A researcher reported a possible cross site scripting issue in the comment field.",
            "One of our developers pushed an API token to a public repository by mistake.",
            "Please confirm whether customer data could have been accessed.",
            "We need to know how to revoke all sessions immediately.",
        ),
    ),
    Area(
        name="account",
        weight=6,
        tags=("account",),
        subjects=(
            "Change account owner",
            "Cancel subscription",
            "Merge two workspaces",
            "Verify our domain",
            "Rename workspace",
            "Upgrade to {plan} plan",
        ),
        sentences=(
            "Our account owner left the company and we need to transfer ownership.",
            "We want to cancel at the end of the current billing period.",
            "We ended up with two workspaces and want to merge them.",
            "The domain verification TXT record is in place but verification fails.",
            "Please rename our workspace to match the new company name.",
            "We are considering the {plan} plan for {team}.",
        ),
    ),
    Area(
        name="howto",
        weight=8,
        tags=("how-to", "question"),
        subjects=(
            "How do I set up {feature}",
            "Question about {feature}",
            "Best way to configure {feature}",
            "Is {feature} available on the {plan} plan",
            "Documentation for {feature}",
        ),
        sentences=(
            "We would like to set up {feature} for {team}.",
            "The documentation for {feature} seems out of date.",
            "Is {feature} included in the {plan} plan or is it an add-on.",
            "Could you share a guide or a short video.",
            "We tried following the help article but got stuck at step {n}.",
        ),
        slots={
            "feature": (
                "approval workflows",
                "custom fields",
                "recurring tasks",
                "automation rules",
                "time tracking",
                "the public API",
                "calendar sync",
                "multi currency",
                "sandbox environments",
            )
        },
    ),
)

OPENINGS: tuple[str, ...] = (
    "Hi team,",
    "Hello,",
    "Hi support,",
    "Good morning,",
    "Hi there,",
    "Hello support team,",
    "",
    "",
)

CONTEXT: tuple[str, ...] = (
    "We are on the {plan} plan with {n} users.",
    "This happens in {browser} on {os}.",
    "Our users are mostly in {region}.",
    "{team} noticed it first.",
    "It started {when}.",
    "Nothing changed on our side as far as we know.",
    "We checked the status page and it shows all systems operational.",
    "We have a renewal coming up so this is getting attention internally.",
    "This is blocking {team} from finishing month end close.",
    "Our customers are starting to complain.",
    "A workaround would be fine for now.",
    "Please treat this as urgent.",
    "This is not urgent but we would like to understand it.",
    "We saw a similar problem a few months ago that was fixed.",
    "Screenshots are attached.",
    "Let me know if you need logs or a HAR file.",
)

CLOSINGS: tuple[str, ...] = ("Thanks,", "Thank you.", "Best regards,", "Cheers,", "Thanks in advance.", "")

AGENT_REPLIES: tuple[str, ...] = (
    "Thanks for reaching out. Could you send a screenshot and the time it happened?",
    "Thanks for the details. I have shared this with our engineering team and will update you.",
    "Could you tell me which browser and version you are using?",
    "I was able to reproduce this and raised it with the product team.",
    "Can you send the request id from the response headers?",
    "This is a known issue and a fix is planned for the next release.",
    "As a workaround, please try clearing the cache and signing in again.",
    "I have applied a change on our side. Could you check again?",
    "Our logs show {n} failed attempts from your account {when}.",
    "I have escalated this to our {tier} team for a closer look.",
    "The fix has been deployed. Please confirm that it works for you.",
    "I will close this ticket for now. Reply to reopen it at any time.",
)

CUSTOMER_REPLIES: tuple[str, ...] = (
    "Thanks, the screenshot is attached.",
    "It happened again this morning around 10.",
    "We use {browser} on {os}.",
    "The workaround helps but it is not a long term solution.",
    "Any update on this? {team} is still blocked.",
    "Confirmed, it works now. Thank you.",
    "This is still happening for {n} users.",
    "Can we get on a call to go through it?",
)

REPLY_SLOTS: dict[str, tuple[str, ...]] = {"tier": ("tier 2", "engineering", "platform", "billing")}

AGENTS: tuple[str, ...] = (
    "Jo Park", "Mia Stone", "Ana Lee", "Ravi Shah", "Noor Aziz", "Tom Berg", "Lina Vogel", "Kai Moreno",
    "Eva Novak", "Sam Osei", "Ines Costa", "Leo Brandt",
)  # fmt: skip
FIRST_NAMES: tuple[str, ...] = (
    "Alex", "Priya", "Jordan", "Chen", "Fatima", "Lukas", "Maria", "Kenji", "Amara", "Diego", "Sofia",
    "Omar", "Hannah", "Ivan", "Aisha", "Noah", "Elena", "Mateo", "Yuki", "Grace", "Tariq", "Zoe",
    "Felix", "Nadia", "Oscar", "Leila", "Ben", "Carmen", "Ruth", "Victor",
)  # fmt: skip
LAST_NAMES: tuple[str, ...] = (
    "Smith", "Garcia", "Kim", "Nguyen", "Patel", "Muller", "Rossi", "Tanaka", "Okafor", "Silva",
    "Johansson", "Kowalski", "Dubois", "Haddad", "Moreau", "Schmidt", "Lopez", "Ivanova", "Brown",
    "Wilson", "Jensen", "Costa", "Fischer", "Novak", "Reyes", "Andersen", "Khan", "Meyer", "Walsh", "Ortiz",
)  # fmt: skip
COMPANY_WORDS: tuple[str, ...] = (
    "Northwind", "Contoso", "Fabrikam", "Globex", "Initech", "Umbra", "Vandelay", "Stark", "Wayne",
    "Acme", "Hooli", "Pied", "Soylent", "Tyrell", "Wonka", "Cyberdyne", "Gringotts", "Oceanic",
    "Massive", "Monarch", "Blue Harbor", "Red Rock", "Silver Creek", "Green Valley", "Iron Gate",
    "Bright Path", "Summit", "Pioneer", "Atlas", "Zenith", "Nimbus", "Vertex", "Lumen", "Quartz",
    "Cobalt", "Juniper", "Cedar", "Harbor", "Falcon", "Orion",
)  # fmt: skip
COMPANY_KINDS: tuple[str, ...] = (
    "Traders", "Pharma", "Studio", "Logistics", "Labs", "Health", "Bank", "Foods", "Energy", "Freight",
    "Retail", "Systems", "Media", "Insurance", "Robotics", "Analytics", "Partners", "Holdings",
    "Software", "Clinics",
)  # fmt: skip
INDUSTRIES: tuple[str, ...] = (
    "Logistics", "Healthcare", "Financial services", "Retail", "Manufacturing", "Software", "Media",
    "Education", "Energy", "Insurance",
)  # fmt: skip

__all__ = [
    "AGENTS",
    "AGENT_REPLIES",
    "AREAS",
    "CLOSINGS",
    "COMPANY_KINDS",
    "COMPANY_WORDS",
    "CONTEXT",
    "CUSTOMER_REPLIES",
    "FIRST_NAMES",
    "INDUSTRIES",
    "LAST_NAMES",
    "OPENINGS",
    "REPLY_SLOTS",
    "SLOTS",
    "Area",
]
