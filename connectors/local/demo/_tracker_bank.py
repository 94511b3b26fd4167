"""Background tracker content: everyday bugs, feature requests and engineering tasks.

Bugs carry the customer's way of describing them, so tickets linked to a bug read like reports of it.
None of them touches a scenario's symptom.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BugSpec:
    area: str
    component: str
    title: str
    subjects: tuple[str, ...]
    symptoms: tuple[str, ...]
    error: str = ""


@dataclass(frozen=True)
class FeatureSpec:
    area: str
    title: str
    ask: str


@dataclass(frozen=True)
class TaskSpec:
    area: str
    title: str
    body: str


BUGS: tuple[BugSpec, ...] = (
    BugSpec(
        "dashboards",
        "charts",
        "Chart fails to render when a filter references a deleted property",
        ("Chart shows 'failed to render'", "One chart broken on our main dashboard"),
        (
            "One of our charts shows 'Chart failed to render' since we cleaned up some old properties.",
            "A chart on '{dash}' stopped rendering this week, the others are fine.",
        ),
        "Chart failed to render: TypeError: Cannot read properties of undefined (reading 'map')",
    ),
    BugSpec(
        "dashboards",
        "pdf-render",
        "Dashboard PDF export cuts off the bottom charts",
        ("PDF export of dashboard is cut off", "Bottom charts cut off in PDF"),
        ("When we export '{dash}' to PDF the charts at the bottom of the page are cut off.",),
    ),
    BugSpec(
        "dashboards",
        "date-picker",
        "Date picker ignores the workspace's week start (Monday)",
        ("Week starts on Sunday in date picker", "Weekly charts use the wrong week start"),
        (
            "Our workspace is set to start weeks on Monday but the date picker and weekly charts start on Sunday.",
        ),
    ),
    BugSpec(
        "dashboards",
        "charts",
        "Table chart sort order resets after auto-refresh",
        ("Table sorting keeps resetting",),
        ("Every time the dashboard refreshes, the table chart jumps back to the default sort.",),
    ),
    BugSpec(
        "dashboards",
        "charts",
        "Percent change shows Infinity% when the previous period is zero",
        ("'Infinity%' on our KPI tile", "KPI shows Infinity%"),
        ("A KPI tile shows 'Infinity%' as the change because last week's value was 0.",),
    ),
    BugSpec(
        "dashboards",
        "embed",
        "Embedded dashboards ignore the theme=dark parameter",
        ("Embed ignores dark theme",),
        (
            "Our embedded dashboard always renders in the light theme, even with theme=dark in the signed URL.",
        ),
    ),
    BugSpec(
        "dashboards",
        "email-digest",
        "Scheduled dashboard emails show blank charts in Outlook desktop",
        ("Blank charts in scheduled dashboard email", "Dashboard email empty in Outlook"),
        (
            "The Monday dashboard email arrives with empty boxes where the charts should be (Outlook on Windows). "
            "On the phone it looks fine.",
        ),
    ),
    BugSpec(
        "dashboards",
        "workspace-switcher",
        "Workspace switcher search is case-sensitive",
        ("Can't find workspace in switcher",),
        ("Typing 'emea' in the workspace switcher doesn't find our 'EMEA Marketing' workspace.",),
    ),
    BugSpec(
        "dashboards",
        "members",
        "Members page shows 'Last active: never' for SSO users",
        ("Last active shows never",),
        ("All our SSO users show 'Last active: never' on the members page although they use Tessera daily.",),
    ),
    BugSpec(
        "dashboards",
        "segments",
        "Segment condition 'is not set' matches empty strings",
        ("Segment 'is not set' includes empty values", "Segment count too high"),
        (
            "Our segment 'phone is not set' includes profiles whose phone is an empty string, so the count is off.",
        ),
    ),
    BugSpec(
        "ingestion",
        "ingest-api",
        "Property names with non-ASCII characters are rejected",
        ("Events rejected because of property name", "400 for property names with accents"),
        ("Events with property names in French (e.g. 'catégorie') are rejected.",),
        '{"error":"invalid_event","message":"property name must match ^[A-Za-z0-9_ .-]+$","field":'
        '"events[0].properties.catégorie"}',
    ),
    BugSpec(
        "ingestion",
        "identity",
        "identify() with a numeric user_id creates a second profile",
        ("Two profiles per user after identify",),
        ("Users identified with user_id 12345 (number) and '12345' (string) end up as two profiles.",),
    ),
    BugSpec(
        "ingestion",
        "ios-sdk",
        "iOS SDK drops events queued while the app is in the background",
        ("iOS events missing when app backgrounded", "iOS SDK losing events"),
        ("Events tracked right before users background our iOS app never arrive. Android is fine.",),
    ),
    BugSpec(
        "ingestion",
        "geo-enrichment",
        "Geo enrichment maps some IPv6 ranges to the wrong country",
        ("Wrong country for some visitors",),
        (
            "Part of our Canadian traffic shows up as US in the country breakdown, mostly mobile users on IPv6.",
        ),
    ),
    BugSpec(
        "ingestion",
        "ingest-api",
        "Timestamps with +05:45 offset are shifted by 15 minutes",
        ("Event times off by 15 minutes",),
        ("Events from our Kathmandu office (UTC+05:45) show up 15 minutes off in the timeline.",),
    ),
    BugSpec(
        "api",
        "profiles-api",
        "List profiles ignores updated_since when segment_id is also set",
        ("updated_since filter ignored",),
        (
            "GET /v2/profiles?segment_id=...&updated_since=... returns all members, not just recently updated ones.",
        ),
    ),
    BugSpec(
        "api",
        "openapi",
        "OpenAPI spec marks cursor as required on list endpoints",
        ("OpenAPI spec: cursor required?",),
        (
            "Our generated client refuses to call list endpoints without a cursor because the OpenAPI spec marks it "
            "required.",
        ),
    ),
    BugSpec(
        "api",
        "sdk-python",
        "tessera-python 4.1: max_retries not applied to 429 responses",
        ("Python SDK doesn't retry 429",),
        ("With max_retries=5 the Python SDK still raises RateLimitError on the first 429.",),
        "tessera.RateLimitError: Error code: 429 - {'error': 'rate_limited', 'retry_after': 2}",
    ),
    BugSpec(
        "api",
        "sdk-node",
        "tessera-node types: Profile.properties typed as Record<string, string>",
        ("TypeScript types wrong for properties",),
        (
            "TypeScript complains when we read a numeric property because properties are typed as strings only.",
        ),
    ),
    BugSpec(
        "api",
        "profiles-api",
        "Idempotency-Key not honoured on PATCH /v2/profiles",
        ("Idempotency key ignored on PATCH",),
        (
            "Retried PATCH requests with the same Idempotency-Key are applied again (counter property incremented "
            "twice).",
        ),
    ),
    BugSpec(
        "exports",
        "export-ui",
        "Export schedule shows times in the browser's time zone",
        ("Export schedule time displayed wrong",),
        (
            "The export schedule page shows 03:00 but the export runs at 02:00 our time; looks like it shows my "
            "browser's time zone.",
        ),
    ),
    BugSpec(
        "exports",
        "export-worker",
        "Parquet export writes booleans as strings",
        ("Booleans are strings in Parquet export",),
        (
            "In the Parquet export, is_subscribed comes through as the strings 'true'/'false' instead of booleans.",
        ),
    ),
    BugSpec(
        "exports",
        "export-worker",
        "CSV export doesn't escape line breaks inside quoted values",
        ("CSV breaks in Excel", "Newlines in CSV export"),
        ("Profiles with a line break in the address field break the CSV when we open it in Excel.",),
    ),
    BugSpec(
        "exports",
        "destinations",
        "GCS destination test fails for buckets with uniform bucket-level access",
        ("GCS test connection fails (uniform access)",),
        (
            "Test connection for our GCS bucket fails although the service account has Storage Object Creator.",
        ),
        "Destination test failed: 400 Bad Request: Cannot get legacy ACL for an object when uniform bucket-level "
        "access is enabled.",
    ),
    BugSpec(
        "exports",
        "export-worker",
        "File name date placeholder uses UTC, not the schedule's time zone",
        ("Export file names have the wrong date",),
        ("Our 00:30 Sydney-time export is named with yesterday's date.",),
    ),
    BugSpec(
        "sso",
        "auth",
        "SSO settings reject IdP metadata with a UTF-8 BOM",
        ("Can't upload IdP metadata", "Metadata upload error"),
        ("Uploading the metadata XML from our IdP fails with a parse error.",),
        "Could not parse metadata: XML or text declaration not at start of entity: line 1, column 1",
    ),
    BugSpec(
        "sso",
        "auth",
        "JIT-provisioned users get the default role instead of the mapped role",
        ("SSO users get wrong role",),
        ("New users created on first SSO login get Viewer even though our role mapping says Editor.",),
    ),
    BugSpec(
        "sso",
        "auth",
        "Secondary SAML certificate not used for validation after upload",
        ("Certificate rotation not working",),
        (
            "We uploaded our new IdP certificate as secondary, switched the IdP, and sign-in failed with Invalid "
            "signature.",
        ),
        "SAML response rejected: Invalid signature",
    ),
    BugSpec(
        "scim",
        "scim",
        "SCIM displayName changes not reflected in the members list",
        ("Name changes from IdP not syncing",),
        ("When someone changes their name in our IdP, Tessera still shows the old name.",),
    ),
    BugSpec(
        "scim",
        "scim",
        "Renaming a pushed group creates a new team instead of renaming",
        ("Group rename created duplicate team", "Renamed group shows up as new team"),
        ("We renamed a group in our IdP and now there are two teams in Tessera, the old one is empty.",),
    ),
    BugSpec(
        "webhooks",
        "webhook-ui",
        "Delivery log search finds nothing older than 24 hours",
        ("Can't search older webhook deliveries",),
        ("Searching the delivery log by delivery id only works for the last day.",),
    ),
    BugSpec(
        "webhooks",
        "webhook-delivery",
        "Replaying failed deliveries sends them out of order",
        ("Replayed webhook events out of order",),
        (
            "After replaying a few hours of failed deliveries, our system received the events in a random order.",
        ),
    ),
    BugSpec(
        "webhooks",
        "webhook-ui",
        "Webhook URL with an explicit port is rejected as invalid",
        ("Can't add webhook URL with port",),
        ("Adding https://hooks.{domain}:8443/tessera as an endpoint says 'Invalid URL'.",),
    ),
    BugSpec(
        "notifications",
        "notifications-worker",
        "Slack alerts show values without thousands separators",
        ("Alert values hard to read in Slack",),
        ("Alert messages in Slack show 1234567 instead of 1,234,567.",),
    ),
    BugSpec(
        "notifications",
        "notifications-worker",
        "Alert emails use the workspace time zone, not the recipient's",
        ("Wrong time in alert emails",),
        ("Our US team gets alert emails with times in CET, which is our workspace default.",),
    ),
    BugSpec(
        "notifications",
        "alert-scheduler",
        "Snoozed alerts resume an hour early after a DST change",
        ("Snoozed alert woke up early",),
        (
            "We snoozed an alert until Monday 09:00 and it fired at 08:00 - the clocks changed over the weekend.",
        ),
    ),
    BugSpec(
        "billing",
        "invoicing",
        "Invoice PDF shows the VAT ID twice for EU customers",
        ("VAT ID printed twice on invoice",),
        ("Our latest invoice shows our VAT ID twice in the address block.",),
    ),
    BugSpec(
        "billing",
        "billing-ui",
        "Seat count on the billing page includes suspended SCIM users",
        ("Seat count too high", "Billing page counts suspended users"),
        ("Billing says we use {seats} seats but we only have fewer active members; the rest are suspended.",),
    ),
    BugSpec(
        "billing",
        "invoicing",
        "Proration line missing on upgrade invoices",
        ("Upgrade invoice doesn't show proration",),
        ("The invoice after our upgrade shows the full price with no proration line, finance is confused.",),
    ),
    BugSpec(
        "integrations",
        "salesforce",
        "Salesforce sync fails on picklist values longer than 255 characters",
        ("Salesforce sync error on picklist",),
        ("Salesforce sync fails since we added a long picklist value.",),
        "Sync failed: STRING_TOO_LONG: Industry__c: data value too large",
    ),
    BugSpec(
        "integrations",
        "hubspot",
        "HubSpot integration maps lifecycle stage to the wrong property",
        ("HubSpot lifecycle stage mapped wrong",),
        ("Lifecycle stage from HubSpot shows up in our 'lead_status' property.",),
    ),
    BugSpec(
        "integrations",
        "snowflake",
        "Snowflake sync fails when the schema name is lower case",
        ("Snowflake sync can't find schema",),
        ("Our Snowflake sync fails because it looks for ANALYTICS instead of our lower-case schema.",),
        "Sync failed: Warehouse error: SQL compilation error: Schema 'TESSERA_DB.ANALYTICS' does not exist or not "
        "authorized.",
    ),
    BugSpec(
        "integrations",
        "bigquery",
        "BigQuery sync fails for ingestion-time partitioned tables",
        ("BigQuery sync error on partitioned table",),
        ("The BigQuery sync fails on our ingestion-time partitioned events table.",),
        "Sync failed: 400 Cannot query over table without a filter over column(s) '_PARTITIONTIME'",
    ),
    BugSpec(
        "integrations",
        "segment-source",
        "Segment source: traits in context.traits are dropped",
        ("Traits missing from Segment events",),
        ("Traits we send in context.traits via Segment don't show up on profiles.",),
    ),
    BugSpec(
        "audit-log",
        "audit-log",
        "Audit log actor filter returns nothing for SCIM-provisioned users",
        ("Audit log filter by user empty",),
        ("Filtering the audit log by actor shows nothing for users created through SCIM.",),
    ),
    BugSpec(
        "audit-log",
        "audit-log",
        "Audit entries for dashboard deletion lack the dashboard name",
        ("Audit log doesn't say which dashboard was deleted",),
        ("The audit log says a dashboard was deleted but not which one.",),
    ),
    BugSpec(
        "ingestion",
        "imports",
        "Profile CSV import fails on UTF-8 files with a BOM",
        ("CSV import fails on first column", "Profile import error"),
        ("Our profile CSV import fails with 'column email not found' although the first column is email.",),
    ),
    BugSpec(
        "dashboards",
        "funnels",
        "Funnel chart drops users whose steps share a timestamp",
        ("Funnel conversion looks too low",),
        (
            "Our checkout funnel shows lower conversion than our own data; steps logged in the same second seem to "
            "get lost.",
        ),
    ),
    BugSpec(
        "api",
        "segments-api",
        "Segment members endpoint returns stale results for up to 10 minutes",
        ("Segment members API out of date",),
        (
            "Profiles we just added to a segment don't appear in GET /v2/segments/<id>/members for a few minutes.",
        ),
    ),
    BugSpec(
        "notifications",
        "notifications-worker",
        "Microsoft Teams webhook alerts fail with 400 for long titles",
        ("Teams alerts not arriving",),
        ("Alerts to our Teams channel stopped for rules with long names.",),
        "Delivery to Teams failed: 400 Bad Request: Summary or Text is required.",
    ),
)

FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec("dashboards", "Dark mode for the web app", "dark mode in the dashboard app"),
    FeatureSpec("api", "Terraform provider for exports, alerts and destinations", "a Terraform provider"),
    FeatureSpec("dashboards", "Annotations on time-series charts", "annotations on charts for releases"),
    FeatureSpec("dashboards", "Mobile app (iOS and Android)", "a mobile app for dashboards"),
    FeatureSpec("dashboards", "Sankey chart type for user flows", "sankey charts"),
    FeatureSpec("dashboards", "Comments on dashboards", "comments on dashboards"),
    FeatureSpec("dashboards", "Nested dashboard folders", "folders inside folders"),
    FeatureSpec("dashboards", "Copy dashboards between workspaces", "copying dashboards between workspaces"),
    FeatureSpec("exports", "SFTP export destination", "exports to our SFTP server"),
    FeatureSpec("dashboards", "Fiscal calendar support", "fiscal quarters in date ranges"),
    FeatureSpec("dashboards", "Custom roles on the Pro plan", "custom roles on Pro"),
    FeatureSpec("api", "API keys with expiry dates", "API keys that expire automatically"),
    FeatureSpec("scim", "SCIM: custom attributes mapped to profile properties", "custom SCIM attributes"),
    FeatureSpec("webhooks", "Webhook filters on event properties", "filtering webhook events by property"),
    FeatureSpec("notifications", "Anomaly detection alerts", "alerts that detect anomalies automatically"),
    FeatureSpec("integrations", "Slack app: ask for a metric from Slack", "querying metrics from Slack"),
    FeatureSpec("exports", "Azure Blob Storage export destination", "exports to Azure Blob Storage"),
    FeatureSpec("notifications", "Microsoft Teams as a native alert destination", "native Teams alerts"),
    FeatureSpec("billing", "Data residency in ap-southeast-2", "hosting our data in Australia"),
    FeatureSpec("api", "IP allowlisting for API keys", "IP allowlists for API keys"),
    FeatureSpec("billing", "Usage alerts at workspace level", "alerts when we approach our event volume"),
    FeatureSpec("ingestion", "Descriptions for profile properties", "descriptions on properties"),
    FeatureSpec("dashboards", "Saved filters", "saved filters we can reuse"),
    FeatureSpec(
        "dashboards", "Per-step conversion windows in funnels", "different conversion windows per funnel step"
    ),
    FeatureSpec("dashboards", "Retention cohorts by custom event", "retention by a custom event"),
    FeatureSpec("dashboards", "Row-level security for embedded dashboards", "row-level security in embeds"),
    FeatureSpec("notifications", "Bulk edit alert rules", "editing many alert rules at once"),
    FeatureSpec("webhooks", "mTLS client certificates for webhooks", "mutual TLS on webhooks"),
    FeatureSpec("dashboards", "Segment size history", "a history of segment sizes"),
    FeatureSpec("ingestion", "Calculated properties", "calculated properties"),
    FeatureSpec("integrations", "Jira integration for alerts", "creating Jira issues from alerts"),
    FeatureSpec("sso", "Password policy settings", "our own password policy"),
    FeatureSpec("sso", "Configurable session timeout", "a shorter session timeout"),
    FeatureSpec("exports", "Google Sheets export destination", "exporting to Google Sheets"),
    FeatureSpec("api", "GraphQL API", "a GraphQL API"),
    FeatureSpec("billing", "Send invoices to several email addresses", "invoices to more than one address"),
    FeatureSpec("integrations", "Pipedrive integration", "a Pipedrive integration"),
    FeatureSpec("dashboards", "Chart-level permissions", "hiding some charts from some users"),
)

TASKS: tuple[TaskSpec, ...] = (
    TaskSpec(
        "api",
        "Upgrade Postgres to 16 in eu-west-1",
        "Follow the us-east-1 runbook; maintenance window needed.",
    ),
    TaskSpec("api", "Rotate staging TLS certificates", "Staging certs expire next month."),
    TaskSpec("exports", "Move export worker to the new job queue", "Part of the queue consolidation."),
    TaskSpec(
        "api", "Remove deprecated v1 endpoints", "Usage is below 0.1% of traffic; announce 90 days ahead."
    ),
    TaskSpec(
        "sso", "Add canary checks for the auth service", "Synthetic sign-in per region every 5 minutes."
    ),
    TaskSpec("api", "Run tessera-node CI on Node 22", "Node 18 goes end-of-life."),
    TaskSpec("ingestion", "Runbook: draining an ingest backlog", "Write down what we did last time."),
    TaskSpec("notifications", "Load test the notifications worker", "Target 5x current peak."),
    TaskSpec("dashboards", "Remove feature flags older than 6 months", "List in the flags dashboard."),
    TaskSpec("dashboards", "Move the dashboards query cache to Redis 7", "Redis 6 is out of support."),
    TaskSpec(
        "api", "Clearer error message for invalid_cursor", "Tell users cursors expire after 10 minutes."
    ),
    TaskSpec(
        "api", "Include request_id in SDK exception messages", "Support asks for it in every 5xx ticket."
    ),
    TaskSpec("scim", "Document SCIM group sync", "Docs gap found in support tickets."),
    TaskSpec("billing", "SOC 2 evidence collection for Q4", "Access reviews and change management samples."),
    TaskSpec(
        "dashboards", "Pen test remediation: tighten CSP headers", "Finding L-3 from the annual pen test."
    ),
    TaskSpec("sso", "Upgrade the SAML library", "Security advisory for the XML parser dependency."),
    TaskSpec("ingestion", "Split ingest-api deploys by region", "Reduce blast radius of deploys."),
    TaskSpec("api", "Announce end of support for tessera-python 3.x", "Six months' notice."),
    TaskSpec("exports", "Add metrics for export duration and size", "Needed for capacity planning."),
    TaskSpec("dashboards", "Archive stale staging workspaces", "Over 400 unused staging workspaces."),
    TaskSpec(
        "exports", "On-call rotation for the data delivery team", "Currently covered by platform on-call."
    ),
    TaskSpec("billing", "Automate the sub-processor list page", "Generate from the vendor register."),
    TaskSpec("ingestion", "Reduce worker image size", "Images are 2.1 GB; target under 600 MB."),
    TaskSpec("api", "Region failover game day", "Quarterly exercise."),
    TaskSpec("ingestion", "Backfill geo enrichment for March", "After the GeoIP database update."),
    TaskSpec("api", "Migration guide for tessera-node 6", "Many questions about named exports."),
    TaskSpec(
        "exports", "Review IAM permissions requested for export destinations", "Ask for the least privilege."
    ),
)
