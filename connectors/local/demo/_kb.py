"""Background knowledge-base articles: how-tos, troubleshooting guides, known issues and references."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from ...records import Article, ArticleKind
from ._common import ref

_FIXED_NUMBERS = frozenset({109, 118, 131, 150, 162, 167, 173, 204})


@dataclass(frozen=True)
class _Entry:
    title: str
    kind: ArticleKind
    area: str
    body: str
    workaround: str | None = None
    outdated: bool = False


_ENTRIES: tuple[_Entry, ...] = (
    _Entry(
        "Getting started: send your first event",
        "how-to",
        "ingestion",
        "Every source has a write key (Settings > Sources). Paste the browser snippet into your site's <head>, or "
        "install an SDK and call track('Signed Up'). Events appear in Live view within a minute. Use a separate "
        "development workspace while you build your tracking plan.",
    ),
    _Entry(
        "API rate limits",
        "reference",
        "api",
        "Limits apply per workspace, across all keys: Free 20 requests/second, Pro 50, Business and Enterprise 100, "
        "with bursts up to twice the limit for a few seconds. Exceeding the limit returns 429 Too Many Requests with "
        "a Retry-After header in seconds. Bulk imports and exports do not count against the request limit.",
    ),
    _Entry(
        "Paginating API results",
        "reference",
        "api",
        "List endpoints return up to 100 records and a next_cursor. Pass it back unchanged to get the next page. "
        "Cursors expire 10 minutes after they are issued; an expired cursor returns 400 invalid_cursor. For large "
        "reads use an export.",
    ),
    _Entry(
        "API errors and what they mean",
        "reference",
        "api",
        "400 invalid_request / invalid_event: the body failed validation (the field is named in the response). "
        "401 invalid_api_key: the key is wrong or revoked. 403 insufficient_scope: the key lacks a scope. 404: no such "
        "record. 409: conflict with an existing record. 429: rate limited, see Retry-After. 5xx: our side; retry with "
        "backoff and contact support with the request_id if it persists.",
    ),
    _Entry(
        "Upgrading to tessera-python 4",
        "how-to",
        "api",
        "Version 4 renames the client to Tessera, groups methods by resource (client.profiles.list) and raises typed "
        "errors (RateLimitError, AuthenticationError, InternalServerError). Timeouts and retries are configured on the "
        "client: Tessera(timeout=30, max_retries=2). Version 3 is supported until the end of next quarter.",
    ),
    _Entry(
        "Event validation rules",
        "reference",
        "ingestion",
        "Event names up to 200 characters. Property names: letters, digits, spaces, dots, dashes and underscores. "
        "timestamp: ISO-8601 with a time zone, or epoch milliseconds as an integer. Once a property has received "
        "values of one type, other types are rejected with 400 invalid_event.",
    ),
    _Entry(
        "Identity resolution and profile merging",
        "how-to",
        "ingestion",
        "Anonymous activity is merged into a known profile when you call identify with a user_id and the anonymous_id "
        "you already sent. Optional merge rules (Settings > Identity) can also merge by email. Merges cannot be "
        "undone; test rules in a development workspace first.",
    ),
    _Entry(
        "Deleting personal data (GDPR and CCPA requests)",
        "how-to",
        "ingestion",
        "Delete a profile from its page or with DELETE /v2/profiles/<id>. The profile, its events and its data in "
        "exports generated afterwards are removed within 30 days (usually 24 hours). A deletion certificate is "
        "emailed to the workspace owner.",
    ),
    _Entry(
        "Scheduling exports",
        "how-to",
        "exports",
        "Open the export, then Schedule. Choose a preset (hourly, daily, weekly) or Custom with a cron expression and "
        "a time zone; the schedule follows daylight saving time. The shortest interval is one hour. Each run covers "
        "the period since the previous run.",
    ),
    _Entry(
        "Setting up an S3 export destination",
        "how-to",
        "exports",
        "Create an IAM role that trusts Tessera's AWS account with the external id shown on the destination page, "
        "and allow s3:PutObject and s3:AbortMultipartUpload on the bucket path. For SSE-KMS buckets also allow "
        "kms:GenerateDataKey and kms:Decrypt on the key. Use Test connection to check.",
    ),
    _Entry(
        "Export fails with AccessDenied (403)",
        "troubleshooting",
        "exports",
        "Check, in order: the external id in the role's trust policy; the bucket name and path; s3:PutObject on "
        "arn:aws:s3:::<bucket>/<path>/*; KMS permissions for encrypted buckets; a bucket policy or SCP that denies "
        "access from outside your organisation.",
    ),
    _Entry(
        "Setting up a Google Cloud Storage destination",
        "how-to",
        "exports",
        "Grant the service account shown on the destination page the Storage Object Creator role on the bucket. "
        "Buckets with uniform bucket-level access are supported.",
    ),
    _Entry(
        "Export file formats",
        "reference",
        "exports",
        "CSV (comma, semicolon, tab or pipe, optional header row, optional gzip), JSON Lines and Parquet (snappy). "
        "Timestamps are ISO-8601 in UTC unless you pick another format in the export's settings.",
    ),
    _Entry(
        "Configuring SAML single sign-on",
        "how-to",
        "sso",
        "In Settings > SSO copy the ACS URL (https://app.tessera.example/sso/saml/acs) and the Entity ID "
        "(https://app.tessera.example/sso/saml/metadata) into your identity provider, use emailAddress as the NameID "
        "format, then upload the IdP metadata. Test with one user before requiring SSO for everyone.",
    ),
    _Entry(
        "Rotating your SAML signing certificate",
        "how-to",
        "sso",
        "Upload the new certificate as the secondary certificate in Settings > SSO. Tessera accepts assertions "
        "signed with either certificate, so you can switch the IdP at any time. Remove the old certificate "
        "afterwards.",
    ),
    _Entry(
        "SAML error messages",
        "troubleshooting",
        "sso",
        "Audience restriction mismatch: the Entity ID in the IdP differs from the one in Settings > SSO. Invalid "
        "signature: the certificate in Tessera is not the one signing the response. NameID format not supported: use "
        "emailAddress. AADSTS50011 (Entra ID): the Reply URL does not match the ACS URL.",
    ),
    _Entry(
        "Provisioning users with SCIM",
        "how-to",
        "scim",
        "Create a SCIM token in Settings > SCIM (workspace admins only) and use https://api.tessera.example/scim/v2 as "
        "the base URL. Users are created, updated and suspended from the IdP. Turn on Match existing users if people "
        "were invited before SCIM; turn on Sync groups as teams to create teams from pushed groups.",
    ),
    _Entry(
        "SCIM returns 409 uniqueness",
        "troubleshooting",
        "scim",
        "A 409 with scimType uniqueness means a user with that userName already exists, usually invited by hand "
        "before SCIM was enabled.",
        workaround="Turn on Match existing users in Settings > SCIM and push the user again.",
    ),
    _Entry(
        "SCIM tokens stop working when their creator is removed",
        "known-issue",
        "scim",
        "SCIM tokens are tied to the admin who created them. When that admin is removed from the workspace, the "
        "token is revoked and the IdP receives 401 for every call.",
        workaround="Create a new token as a current admin and update it in the IdP.",
    ),
    _Entry(
        "Setting up webhooks",
        "how-to",
        "webhooks",
        "Add an endpoint in Settings > Webhooks, choose the event types, and respond with any 2xx status within 10 "
        "seconds. Failed deliveries are retried 5 times over about 3 hours; deliveries from the last 7 days can be "
        "replayed. Every delivery is signed; see the signature article before going live.",
    ),
    _Entry(
        "Webhook deliveries time out",
        "troubleshooting",
        "webhooks",
        "We wait 10 seconds for a response. If your handler processes the event before responding, respond first "
        "and process asynchronously (a queue or a background job). Check the delivery log for the time each attempt "
        "took.",
    ),
    _Entry(
        "Dashboards load slowly",
        "troubleshooting",
        "dashboards",
        "Charts that break down by a property with many distinct values over long date ranges are the usual cause. "
        "Limit breakdowns to the top values, shorten the default date range, and set a dashboard cache of 15 minutes "
        "or more.",
    ),
    _Entry(
        "Sharing and embedding dashboards",
        "how-to",
        "dashboards",
        "Share > Invite adds workspace members. Share > Guest link creates a read-only link with an optional expiry. "
        "Share > Embed creates a signed URL for your own site. Share > Schedule email sends a PDF on a schedule.",
    ),
    _Entry(
        "Chart shows 'failed to render' after deleting properties",
        "known-issue",
        "dashboards",
        "Charts whose filters reference a deleted property fail to render with a TypeError instead of showing a "
        "clear message.",
        workaround="Open the chart, remove the filter that shows an unknown property, and save.",
    ),
    _Entry(
        "Sending alerts to Slack and email",
        "how-to",
        "notifications",
        "Connect Slack in Settings > Integrations. Private channels appear only after you /invite @Tessera. Alert "
        "emails come from alerts@tessera.example; allowlist it if your mail server filters external senders. Snooze "
        "pauses an alert until a date without deleting it.",
    ),
    _Entry(
        "Invoices, billing contacts and VAT",
        "how-to",
        "billing",
        "Workspace admins find every invoice in Settings > Billing > Invoices. The billing contact, address, PO "
        "number and VAT ID can be edited there and apply from the next invoice. Contact support to reissue an "
        "existing invoice.",
    ),
    _Entry(
        "How usage is counted",
        "reference",
        "billing",
        "Events: every accepted event, including those sent with debug=true. Monthly tracked users: every profile "
        "with at least one event in the calendar month. Seats: active members; suspended members do not count. "
        "We never drop events when you exceed your volume; overage is billed at your contract rate.",
    ),
    _Entry(
        "Connecting Salesforce",
        "how-to",
        "integrations",
        "Use a dedicated integration user with API access. Pick the objects and fields to sync in Field mapping. The "
        "sync runs every 15 minutes; Sync now starts one immediately. If the integration user's password changes, "
        "reconnect the integration.",
    ),
    _Entry(
        "Warehouse syncs (Snowflake, BigQuery, Redshift)",
        "how-to",
        "integrations",
        "Grant the Tessera user USAGE on the database and schema and SELECT on the tables to sync. Schema and table "
        "names are case sensitive in Snowflake when quoted.",
    ),
    _Entry(
        "Password reset and two-factor authentication",
        "how-to",
        "sso",
        "Reset links are valid for 60 minutes. Admins can reset another member's 2FA in Settings > Members. In "
        "workspaces that require SSO, password login is disabled except for break-glass admins.",
    ),
    _Entry(
        "Exporting data with the legacy CSV download",
        "how-to",
        "exports",
        "Use Data > Download CSV to get up to 50,000 rows from any table view. For larger files use an export.",
        outdated=True,
    ),
    _Entry(
        "Installing the tessera CLI (v0.x)",
        "how-to",
        "api",
        "Download the binary for your platform from the releases page and put it on your PATH. Log in with "
        "tessera auth --key <api key>.",
        outdated=True,
    ),
    _Entry(
        "Workspace roles and permissions",
        "reference",
        "dashboards",
        "Owner: everything, including billing and deleting the workspace. Admin: members, settings, keys. Editor: "
        "create and change dashboards, segments, alerts and exports. Viewer: dashboards only, no raw profiles or "
        "events. Custom roles are available on Business and Enterprise.",
    ),
)


def build_articles(now: datetime, rng: random.Random) -> list[Article]:
    """The background articles with seeded ids and update times."""
    numbers = [n for n in range(101, 260) if n not in _FIXED_NUMBERS]
    chosen = sorted(rng.sample(numbers, len(_ENTRIES)))
    articles = []
    for number, entry in zip(chosen, _ENTRIES, strict=True):
        article_id = f"KB-{number}"
        age = rng.uniform(400, 900) if entry.outdated else rng.uniform(5, 380)
        articles.append(
            Article(
                ref=ref(article_id),
                id=article_id,
                title=entry.title,
                body=entry.body,
                kind=entry.kind,
                workaround=entry.workaround,
                product_area=entry.area,
                labels=(entry.area, entry.kind),
                status="outdated" if entry.outdated else "current",
                updated_at=now - timedelta(days=age, minutes=rng.randrange(1440)),
            )
        )
    return articles
