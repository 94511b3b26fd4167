"""Phrase banks for background tickets: topics made of cases, each case one coherent conversation.

A case holds a few ways a customer might describe one problem, the error output they might paste,
and the agent's answer, the customer's reaction and the agent's closing that fit it. The customer's
voice around it comes from `_voices`. `{name}` slots are filled per ticket. Topics stay clear of the
scenarios' symptoms: no batch-endpoint 500s, no short exports, no SSO loops, no doubled alerts, no
webhook signature mismatches, no cross-workspace access.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._common import TicketType


@dataclass(frozen=True)
class Case:
    subjects: tuple[str, ...]
    problems: tuple[str, ...]
    """Different ways to describe the same problem or question."""
    replies: tuple[str, ...]
    """The agent's answer; every entry fits every problem phrasing."""
    followups: tuple[str, ...]
    """The customer's reaction to the answer."""
    fixes: tuple[str, ...] = ()
    """The agent's closing words; generic ones when empty."""
    details: tuple[str, ...] = ()
    """Pasted error output, logs or config."""
    clarify: tuple[tuple[str, str], ...] = ()
    """(agent question, customer answer) exchanges that may come before the answer."""
    question: bool = False
    """A how-to question rather than a problem report."""


@dataclass(frozen=True)
class Topic:
    key: str
    area: str
    types: tuple[TicketType, ...]
    priorities: tuple[int, int, int, int]
    """Weights for low, normal, high, urgent."""
    tags: tuple[str, ...]
    cases: tuple[Case, ...]
    asks: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    weight: int = 10
    paying_only: bool = False


_REQUEST_ID = (
    "Could you send the request_id from one failing response (it's in the JSON body)? Then I can look at exactly "
    "what happened on our side.",
    "Sure, here's one from this morning: {req_id}.",
)

TOPICS: tuple[Topic, ...] = (
    Topic(
        key="rate-limits",
        area="api",
        types=("problem", "question"),
        priorities=(1, 6, 3, 0),
        tags=("api", "rate-limit", "429"),
        asks=("Can you raise our limit temporarily?", "What's the recommended way to throttle on our side?"),
        notes=("Rate limit question, standard answer. No limit increase needed.",),
        weight=12,
        cases=(
            Case(
                subjects=(
                    "429 Too Many Requests during nightly backfill",
                    "Backfill keeps getting throttled",
                ),
                problems=(
                    "We're backfilling about {n_k}k profiles and after a few minutes every call to GET /v2/profiles "
                    "returns 429. Our worker runs {n_small} threads.",
                    "Our backfill job ({n_k}k records) gets throttled with 429s almost immediately. It pages through "
                    "/v2/profiles with {n_small} parallel workers.",
                ),
                details=(
                    "HTTP/1.1 429 Too Many Requests\nRetry-After: {retry_after}\n\n"
                    '{"error":"rate_limited","message":"Rate limit of {rate} exceeded","retry_after":{retry_after}}',
                    "[{time}:02Z] WARN  backfill  GET /v2/profiles?cursor=... -> 429 (retry_after={retry_after}s)\n"
                    "[{time}:03Z] WARN  backfill  GET /v2/profiles?cursor=... -> 429 (retry_after={retry_after}s)",
                ),
                replies=(
                    "The limit on your plan is {rate} per workspace, shared by all keys. With {n_small} workers "
                    "paging at full speed the job bursts above it. Waiting for the number of seconds in Retry-After "
                    "before retrying, and capping the job at 2-3 workers, will let it finish without errors.",
                    "For a backfill that size an export is the better tool: it doesn't count against the request "
                    "limit and finishes in minutes. If you'd rather stay on the REST API, honour Retry-After and cap "
                    "concurrency at 2-3 workers.",
                ),
                followups=(
                    "We cut it to 2 workers and sleep on Retry-After. Backfill finished overnight, no errors.",
                    "Export did it in 6 minutes. Should have asked sooner!",
                ),
                fixes=(
                    "Great, glad it ran through. The SDKs can also retry 429s for you if you set max_retries.",
                ),
            ),
            Case(
                subjects=(
                    "Rate limited (429) even though we're way under the limit?",
                    "Unexpected 429s on bursts",
                ),
                problems=(
                    "The usage page says we're at {pct}% of our API quota but we still get 429s in bursts, mostly "
                    "around {time} UTC.",
                    "We're nowhere near the documented limit but see 429 Too Many Requests a few times an hour.",
                ),
                details=(
                    "tessera.RateLimitError: Error code: 429 - {'error': 'rate_limited', 'message': 'Rate limit of "
                    "{rate} exceeded', 'retry_after': {retry_after}}",
                ),
                clarify=(
                    (
                        "Could you tell me which key the failing calls use, and whether anything else (a staging "
                        "environment, a second service) sends requests to the same workspace?",
                        "Same key for everything. Now that you ask, our staging env does point at this workspace.",
                    ),
                ),
                replies=(
                    "The quota on the usage page is monthly; the rate limit is per second and shared by every key in "
                    "the workspace. Your staging environment's sync runs at the top of each hour and together they "
                    "exceed {rate} for a few seconds. A separate workspace for staging keeps them apart.",
                ),
                followups=("Moved staging to its own workspace, no 429s since yesterday.",),
            ),
            Case(
                subjects=("What are the API rate limits on {plan}?", "Rate limits for our plan"),
                problems=(
                    "I can't find the actual rate limits for our plan in the docs. We want to size a sync of roughly "
                    "{n_k}k events a day.",
                    "Quick question before we build our integration: what's the request rate limit on {plan}, and is "
                    "it per key or per workspace?",
                ),
                replies=(
                    "On {plan} it's {rate} per workspace, shared by all keys, with short bursts up to twice that. "
                    "{n_k}k events a day is far below it, especially if you send them in batches.",
                ),
                followups=("Perfect, that's plenty. Thanks!", "Good to know it's per workspace. Thanks."),
                question=True,
            ),
        ),
    ),
    Topic(
        key="api-auth",
        area="api",
        types=("problem",),
        priorities=(1, 5, 3, 1),
        tags=("api", "auth"),
        weight=9,
        cases=(
            Case(
                subjects=("401 invalid_api_key since this morning", "API key suddenly rejected"),
                problems=(
                    "Our integration stopped working at {time} UTC: every request returns 401 invalid_api_key. "
                    "Nobody here admits to touching the keys.",
                    "All our API calls fail with 401 since {since}. The key hasn't changed in our config.",
                ),
                details=(
                    'HTTP/1.1 401 Unauthorized\n{"error":"invalid_api_key","message":"The API key provided is invalid '
                    'or has been revoked","request_id":"{req_id}"}',
                ),
                replies=(
                    "The key ending in {key_last} was revoked by {email_other} at {time} UTC, which is why it's "
                    "rejected; the audit log shows the same. Creating a new key (Settings > API keys) and deploying "
                    "it will get you going again.",
                ),
                followups=(
                    "Ah, someone cleaned up 'old' keys. Mystery solved, new key deployed.",
                    "Found the culprit, thanks. We're back up.",
                ),
                fixes=(
                    "Glad that's sorted. The key's Last used column shows whether a key is still in use before "
                    "anyone revokes it.",
                ),
            ),
            Case(
                subjects=(
                    "403 insufficient_scope on POST /v2/segments",
                    "Can read but can't write with our key",
                ),
                problems=(
                    "Reads work fine but creating a segment fails with 403 insufficient_scope.",
                    "GET requests work with our key, but any POST gives 403.",
                ),
                details=(
                    'HTTP/1.1 403 Forbidden\n{"error":"insufficient_scope","message":"This key lacks the '
                    'segments:write scope","request_id":"{req_id}"}',
                ),
                replies=(
                    "Keys only carry the scopes chosen when they were created, and this one is read-only. Create a "
                    "key with the write scopes you need (Settings > API keys > New key) and use it for writes.",
                ),
                followups=("New key with write scope works. Thanks!",),
            ),
            Case(
                subjects=("Key works in Postman but not from our server", "401 only from our backend"),
                problems=(
                    "Same key, same request: it works from Postman and fails from our backend with 401.",
                    "Our backend gets 401 invalid_api_key, but pasting the same key into curl works.",
                ),
                details=(
                    "curl -s -H 'Authorization: Bearer {key_hint}' https://api.tessera.example/v2/me\n"
                    '{"id":"usr_{short_id}","workspace":"{ws_id}"}',
                ),
                replies=(
                    "When a key works by hand but not from a service, the header usually differs. Could you log the "
                    "exact Authorization header your backend sends, with the middle of the key masked? A common "
                    "culprit is a trailing newline from the secrets manager.",
                ),
                followups=(
                    "Found it - the secret had a trailing \\n from how it was stored in Vault. Trimmed it, all good.",
                ),
            ),
        ),
    ),
    Topic(
        key="pagination",
        area="api",
        types=("question", "problem"),
        priorities=(3, 6, 1, 0),
        tags=("api", "pagination"),
        weight=6,
        cases=(
            Case(
                subjects=("invalid_cursor when paging through /v2/events", "Cursor expires mid-run"),
                problems=(
                    "We page through /v2/events with the next_cursor from each response, but 10-15 minutes into the "
                    "run we get 400 invalid_cursor.",
                    "Our sync dies partway with invalid_cursor. We pass next_cursor back unchanged, I checked.",
                ),
                details=(
                    'HTTP/1.1 400 Bad Request\n{"error":"invalid_cursor","message":"The cursor has expired or is '
                    'malformed. Start again without a cursor.","request_id":"{req_id}"}',
                ),
                replies=(
                    "Cursors are valid for 10 minutes after the page that produced them. If processing a page takes "
                    "longer, fetch all pages first and process afterwards, or use an export for large reads.",
                ),
                followups=(
                    "Our processing step was slow. We fetch everything first now, no more invalid_cursor.",
                ),
            ),
            Case(
                subjects=("Page size above 100?", "Faster way to read all profiles?"),
                problems=(
                    "Is there a way to get more than 100 records per page? Paging through {n_k}k profiles takes "
                    "forever.",
                ),
                replies=(
                    "100 is the maximum page size. For reads in the tens of thousands a one-off export (Exports > New "
                    "export) is much faster and doesn't count against your rate limit.",
                ),
                followups=("Export works for us. Thanks!",),
                question=True,
            ),
            Case(
                subjects=("Getting the same records twice when paginating",),
                problems=(
                    "When we paginate profiles sorted by updated_at we sometimes get records we've already seen on "
                    "the next page.",
                ),
                replies=(
                    "If records change while you page, the updated_at order shifts under you. Paging by created_at, "
                    "which never changes, avoids seeing a record twice.",
                ),
                followups=("Switched to created_at, no more repeats.",),
            ),
        ),
    ),
    Topic(
        key="sdk",
        area="api",
        types=("question", "problem"),
        priorities=(2, 6, 2, 0),
        tags=("api", "sdk"),
        weight=8,
        cases=(
            Case(
                subjects=(
                    "ImportError after upgrading tessera-python",
                    "Upgrading tessera-python from 3.x to 4.x",
                ),
                problems=(
                    "After upgrading to tessera-python 4.2 our jobs fail at import time.",
                    "We're moving from tessera-python 3.9 to 4.x and our code breaks immediately.",
                ),
                details=(
                    "Traceback (most recent call last):\n"
                    '  File "/app/jobs/sync.py", line 3, in <module>\n'
                    "    from tessera import Client\n"
                    "ImportError: cannot import name 'Client' from 'tessera' "
                    "(/usr/local/lib/python3.12/site-packages/tessera/__init__.py)",
                ),
                replies=(
                    "In 4.x the client class is Tessera (from tessera import Tessera) and methods are grouped by "
                    "resource (client.profiles.list instead of client.list_profiles). UPGRADING.md in the SDK "
                    "repository lists every change. Pinning 3.9 is also fine; it's supported until the end of next "
                    "quarter.",
                ),
                followups=(
                    "UPGRADING.md is what I was looking for. Maybe link it from the docs site?",
                    "Got it working with the new import, thanks.",
                ),
                fixes=("Good idea, I've passed that on to our docs team.",),
            ),
            Case(
                subjects=(
                    "TypeError in tessera-node after upgrade",
                    "tessera-node 6: Cannot read properties of undefined",
                ),
                problems=("Since upgrading tessera-node to 6.x our sync worker crashes on the first call.",),
                details=(
                    "TypeError: Cannot read properties of undefined (reading 'create')\n"
                    "    at SyncWorker.push (/srv/app/dist/sync.js:41:37)\n"
                    "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
                ),
                replies=(
                    "tessera-node 6 switched to named exports. Replace the default import with "
                    "import { Tessera } from 'tessera-node' and the rest should work as before.",
                ),
                followups=("That was it. Works now.",),
            ),
            Case(
                subjects=("Go SDK: context deadline exceeded", "SDK timeout configuration"),
                problems=(
                    "Calls from our Go service time out after 10 seconds when we fetch large segments.",
                    "How do I set a longer timeout in the SDK? Some of our calls legitimately take 30+ seconds.",
                ),
                details=(
                    'Get "https://api.tessera.example/v2/segments/seg_{short_id}/members": context deadline exceeded '
                    "(Client.Timeout exceeded while awaiting headers)",
                ),
                replies=(
                    "You can pass a timeout when creating the client (WithTimeout in Go, timeout=60 in Python, "
                    "timeout: 60_000 in Node) or per request. For segment members, a smaller page size also keeps "
                    "each call short.",
                ),
                followups=("Timeout setting did the trick.",),
            ),
        ),
    ),
    Topic(
        key="ingest-validation",
        area="ingestion",
        types=("problem",),
        priorities=(1, 6, 3, 0),
        tags=("ingestion", "validation", "400"),
        weight=10,
        cases=(
            Case(
                subjects=(
                    "Events rejected: timestamp must be ISO-8601",
                    "invalid_event for events from our app",
                ),
                problems=(
                    "Some of the events from our {platform} app are rejected with 400 invalid_event.",
                    "Part of our mobile events never arrive; the SDK log says invalid_event.",
                ),
                details=(
                    'HTTP/1.1 400 Bad Request\n{"error":"invalid_event","message":"timestamp must be an ISO-8601 '
                    'string","field":"events[{n_small}].timestamp","request_id":"{req_id}"}',
                ),
                clarify=(
                    (
                        "Could you share one full failing request body, or its request_id? Then I can tell you which "
                        "field is rejected.",
                        "Here's one: request id {req_id}. The app sends the timestamp as a string of epoch millis.",
                    ),
                ),
                replies=(
                    "The timestamp must be an ISO-8601 string with a time zone (2026-03-14T09:26:53Z) or epoch "
                    "milliseconds as an integer. The failing events send the milliseconds as a string, which is "
                    "rejected.",
                ),
                followups=(
                    "Our serializer quoted the number. Fixed in the app, thanks for the quick answer.",
                ),
            ),
            Case(
                subjects=("Property type mismatch - events dropped?", "400 invalid_event on checkout events"),
                problems=(
                    "Since our release on {weekday}, events with an order_total property are rejected.",
                    "Checkout events stopped showing up after our last deploy. Everything else arrives.",
                ),
                details=(
                    '{"error":"invalid_event","message":"property order_total was number, received string",'
                    '"field":"events[0].properties.order_total"}',
                ),
                replies=(
                    "Once a property has received values of one type its type is locked. order_total was a number "
                    "and the release started sending it as a string. Casting it back to a number fixes it; renaming "
                    "the property is the alternative.",
                ),
                followups=("Yep, a refactor turned it into a string. Fixed, thanks.",),
            ),
            Case(
                subjects=("currency property rejected", "Events dropped: currency"),
                problems=("Our backend logs warnings about dropped checkout_completed events.",),
                details=(
                    "WARN [tessera] dropped event 'checkout_completed': 400 invalid_event (properties.currency: "
                    "expected string of length 3)",
                ),
                replies=(
                    "currency must be a three-letter ISO code (USD, EUR). The dropped events send the symbol ($) "
                    "instead.",
                ),
                followups=("Some old clients still send the symbol. We'll map it server-side. Thanks!",),
            ),
        ),
    ),
    Topic(
        key="ingest-delay",
        area="ingestion",
        types=("question", "problem", "incident"),
        priorities=(1, 6, 2, 0),
        tags=("ingestion", "latency"),
        weight=6,
        cases=(
            Case(
                subjects=("Events take a while to show up in dashboards", "Dashboard numbers lag behind"),
                problems=(
                    "Events we send show up in our dashboards {latency} later. Is that expected?",
                    "Our '{dash}' dashboard is always {latency} behind what we see in our own logs.",
                ),
                replies=(
                    "Ingested events are queryable within about a minute, but dashboards cache query results for up "
                    "to 15 minutes to stay fast. The refresh button bypasses the cache, and you can lower the cache "
                    "time in the dashboard's settings.",
                ),
                followups=("Refresh shows them immediately. Lowered the cache to 5 minutes, thanks.",),
            ),
            Case(
                subjects=("How real-time is the event stream?",),
                problems=(
                    "Marketing wants a real-time campaign dashboard. How long from ingestion to dashboard?",
                ),
                replies=(
                    "End to end it's usually under a minute. For a live campaign dashboard, set its cache to 1 minute "
                    "in the dashboard settings.",
                ),
                followups=("Ok, good to know. Thanks.",),
                question=True,
            ),
        ),
    ),
    Topic(
        key="identity",
        area="ingestion",
        types=("question",),
        priorities=(2, 7, 1, 0),
        tags=("ingestion", "identity"),
        weight=5,
        cases=(
            Case(
                subjects=("Two profiles for the same customer", "Merging anonymous and known profiles"),
                problems=(
                    "We see two profiles for many customers: one anonymous from the website and one from our CRM sync.",
                    "A lot of our customers have a second, anonymous profile with their website visits on it.",
                ),
                replies=(
                    "Call identify with the user_id once the user logs in, passing the anonymous_id you already have. "
                    "Tessera then merges the anonymous history into the known profile, on every device.",
                ),
                followups=("We weren't passing the anonymous_id. Fixed in our login flow.",),
            ),
            Case(
                subjects=("Merge profiles by email?", "Profile merge rules"),
                problems=("Can we merge profiles by email instead of user_id?",),
                replies=(
                    "Yes: Settings > Identity > Merge rules. Be careful with shared inboxes (support@...), which would "
                    "merge unrelated people; merges can't be undone.",
                ),
                followups=("Thanks, enabling it on a test workspace first.",),
                question=True,
            ),
        ),
    ),
    Topic(
        key="export-schedule",
        area="exports",
        types=("question", "task"),
        priorities=(3, 6, 1, 0),
        tags=("exports", "schedule"),
        weight=9,
        cases=(
            Case(
                subjects=("Schedule an export at a specific time?", "Export schedule and time zones"),
                problems=(
                    'We want our export "{export_name}" to run every day at 06:00 {tz_city} time. I can only see '
                    "UTC in the schedule picker.",
                    'Our daily export "{export_name}" arrives at 02:00 UTC but our warehouse load starts earlier '
                    "in {tz_city}. Can it follow our local time?",
                ),
                details=("Current schedule (from the export settings): cron {cron}, time zone UTC",),
                replies=(
                    "The schedule accepts a cron expression and a time zone under Export settings > Schedule > "
                    "Advanced. For 06:00 in {tz} use 0 6 * * * with that time zone; it follows daylight saving "
                    "automatically.",
                ),
                followups=("Found the Advanced toggle, all set.",),
            ),
            Case(
                subjects=("Can exports run weekly instead of daily?", "Hourly exports?"),
                problems=(
                    "Is it possible to schedule an export weekly, on Mondays only?",
                    "Can a scheduled export run more often than once a day? Hourly would be ideal.",
                ),
                replies=(
                    "Yes: choose Custom in the export's schedule and enter a cron expression, e.g. 0 5 * * 1 for "
                    "Mondays at 05:00 or 0 * * * * for hourly. The shortest interval is one hour.",
                ),
                followups=("Perfect, that works for us.",),
                question=True,
            ),
        ),
    ),
    Topic(
        key="export-destination",
        area="exports",
        types=(
            "problem",
            "incident",
        ),
        priorities=(1, 5, 4, 0),
        tags=("exports", "destination"),
        notes=("Customer-side IAM issue, standard checklist.",),
        weight=9,
        cases=(
            Case(
                subjects=(
                    "S3 export fails with AccessDenied",
                    "Test connection fails for new S3 destination",
                ),
                problems=(
                    "I'm setting up a new export destination to {bucket} and Test connection fails.",
                    "Our new S3 destination ({bucket}) won't connect. We followed the setup guide.",
                ),
                details=(
                    "Export failed: AccessDenied: Access Denied (Service: Amazon S3; Status Code: 403; Error Code: "
                    "AccessDenied; Request ID: {aws_req}; S3 Extended Request ID: {aws_ext})",
                ),
                replies=(
                    "The role we assume needs s3:PutObject and s3:AbortMultipartUpload on the bucket path, and its "
                    "trust policy must contain the external id shown on the destination page. The external id is "
                    "the most common miss; could you double-check it?",
                ),
                followups=("It was the external id, copy-paste error. Test connection passes now.",),
            ),
            Case(
                subjects=(
                    "Export to S3 failing after we enabled KMS",
                    "Export broke after bucket encryption change",
                ),
                problems=(
                    "After our security team enforced SSE-KMS on the bucket, exports to S3 fail.",
                    "Exports stopped working the day our cloud team turned on KMS encryption for {bucket}.",
                ),
                details=(
                    "Export failed: KMS.AccessDeniedException: User: arn:aws:sts::{aws_acct}:assumed-role/"
                    "tessera-export/exp_{short_id} is not authorized to perform: kms:GenerateDataKey on resource",
                ),
                replies=(
                    "With SSE-KMS the role also needs kms:GenerateDataKey and kms:Decrypt on the key, and the key "
                    "policy must allow the role. Once added, Test connection should pass and you can re-run the "
                    "failed export from its menu.",
                ),
                followups=("Added the KMS permissions, re-ran it and the file is there.",),
            ),
            Case(
                subjects=("GCS destination: permission denied", "Export to GCS failed last night"),
                problems=(
                    "Our export to GCS failed last night; the export history shows a permission error.",
                ),
                details=(
                    "Export failed: 403 Forbidden: tessera-export@tessera-prod.iam.gserviceaccount.example does "
                    "not have storage.objects.create access to the Google Cloud Storage object.",
                ),
                replies=(
                    "Our service account needs the Storage Object Creator role on the bucket (Viewer isn't enough). "
                    "It looks like the bucket's IAM was changed recently. After granting it, Run now on the export "
                    "re-delivers last night's file.",
                ),
                followups=("Someone tidied up IAM. Role granted again, export delivered.",),
            ),
        ),
    ),
    Topic(
        key="export-format",
        area="exports",
        types=("question",),
        priorities=(4, 6, 0, 0),
        tags=("exports", "format"),
        weight=6,
        cases=(
            Case(
                subjects=("CSV delimiter for exports", "Semicolon instead of comma in CSV?"),
                problems=(
                    "Our ERP only reads semicolon-separated files. Can the CSV export use ; instead of a comma?",
                ),
                replies=(
                    "Yes, the export's Format settings let you choose the delimiter (comma, semicolon, tab or pipe) "
                    "and whether to include a header row.",
                ),
                followups=("Found it, thanks!",),
                question=True,
            ),
            Case(
                subjects=("Parquet exports?", "Export format options"),
                problems=("Do you support Parquet for exports? Our data team would prefer it to CSV.",),
                replies=(
                    "Yes, pick Parquet under the export's Format settings. Files are snappy-compressed and "
                    "usually much smaller than CSV.",
                ),
                followups=("Switching to Parquet, thank you.",),
                question=True,
            ),
            Case(
                subjects=("Date format in export files", "Timestamp format in CSV export"),
                problems=(
                    "Timestamps in the export are ISO-8601 with a Z; our loader wants 'YYYY-MM-DD HH:MM:SS'.",
                ),
                replies=(
                    "The export's Format settings include a timestamp format; 'Date and time (no zone)' gives "
                    "exactly that.",
                ),
                followups=("Perfect.",),
                question=True,
            ),
            Case(
                subjects=("Exported file names", "Date in export file name?"),
                problems=(
                    "Is it possible to put the date in the exported file name, like {export_name}_2026-03-01.csv?",
                ),
                replies=(
                    "Yes: the File name field accepts placeholders for the export name, the run date and the run "
                    "time (the help text next to the field lists them), so each run writes a dated file.",
                ),
                followups=("Great, that's what we needed.",),
                question=True,
            ),
        ),
    ),
    Topic(
        key="sso-setup",
        area="sso",
        types=("question", "problem"),
        priorities=(1, 6, 3, 0),
        tags=("sso", "saml", "setup"),
        weight=10,
        cases=(
            Case(
                subjects=("SSO: Audience restriction error", "SAML setup with {idp} fails"),
                problems=(
                    "We're setting up SAML with {idp} for our {n_users} users and the test sign-in fails.",
                    "First test of our new {idp} SSO integration fails with an error page from Tessera.",
                ),
                details=(
                    "SAML response rejected: Audience restriction mismatch (expected "
                    "https://app.tessera.example/sso/saml/metadata, got https://app.tessera.example)",
                ),
                replies=(
                    "The Audience (Entity ID) in {idp} must be exactly https://app.tessera.example/sso/saml/metadata; "
                    "yours is set to the app's root URL. Both values are on the SSO settings page to copy from.",
                ),
                followups=("Entity ID was wrong, fixed. Test sign-in works now.",),
            ),
            Case(
                subjects=("AADSTS50011 when testing SSO", "Entra ID error when testing SSO"),
                problems=("Testing SSO from Entra ID gives an error before we even reach Tessera.",),
                details=(
                    "AADSTS50011: The redirect URI 'https://app.tessera.example/sso/saml/acs' specified in the "
                    "request does not match the redirect URIs configured for the application '{uuid}'.",
                ),
                replies=(
                    "AADSTS50011 comes from Entra ID itself: the Reply URL in your enterprise app must be "
                    "https://app.tessera.example/sso/saml/acs. Once it matches, the test will go through.",
                ),
                followups=("Reply URL had a typo. Working now.",),
            ),
            Case(
                subjects=("SAML certificate rotation", "Rotating our IdP signing certificate"),
                problems=(
                    "Our IdP signing certificate expires in {n_small} weeks. What's the procedure to rotate it "
                    "without locking everyone out?",
                ),
                replies=(
                    "Upload the new certificate as the secondary certificate in Settings > SSO first. Tessera accepts "
                    "both until you remove the old one, so you can switch the IdP whenever suits you.",
                ),
                followups=("Uploaded as secondary, switching next week. Thanks.",),
                question=True,
            ),
            Case(
                subjects=("How do we enforce SSO for all users?", "Disable password login"),
                problems=("Once SSO works, can we force everyone to use it and disable password login?",),
                replies=(
                    "Yes: Settings > SSO > Require SSO. Keep at least one admin with a password as a break-glass "
                    "account in case the IdP is unavailable.",
                ),
                followups=("Required SSO, kept one break-glass admin. All good.",),
                question=True,
            ),
            Case(
                subjects=("SSO test fails with NameID error",),
                problems=("Our test SSO sign-in from {idp} is rejected by Tessera.",),
                details=(
                    "SAML response rejected: NameID format urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified "
                    "is not supported; use emailAddress",
                ),
                replies=(
                    "Set the NameID format in {idp} to emailAddress and send the user's email as the NameID.",
                ),
                followups=("Changed the NameID format, it works.",),
            ),
        ),
    ),
    Topic(
        key="password-2fa",
        area="sso",
        types=("problem", "question"),
        priorities=(1, 6, 2, 1),
        tags=("login", "password", "2fa"),
        weight=8,
        cases=(
            Case(
                subjects=("Password reset email never arrives", "No reset email"),
                problems=(
                    "I requested a password reset {n_small} times and no email arrived (checked spam).",
                    "The password reset email doesn't arrive, not even in junk.",
                ),
                replies=(
                    "Reset emails come from no-reply@tessera.example, and I can see the last attempts were rejected "
                    "by your mail server. Could you ask IT to allow that address? I've sent a fresh link.",
                ),
                followups=("IT allowlisted it, email arrived. Thanks!",),
            ),
            Case(
                subjects=("Lost my phone, can't do 2FA", "New phone - locked out by 2FA"),
                problems=(
                    "I got a new phone and my authenticator codes are gone. I can't log in to Tessera anymore.",
                ),
                replies=(
                    "For security we can't turn off 2FA from support, but a workspace admin on your side can reset "
                    "it under Settings > Members > (your name) > Reset 2FA. You'll then set it up again at login.",
                ),
                followups=("Our admin reset it, I'm back in.",),
            ),
            Case(
                subjects=("Can't log in - 'Invalid email or password'", "Password not accepted"),
                problems=(
                    "I'm sure my password is right but the login page says invalid email or password.",
                ),
                replies=(
                    "Your workspace requires SSO, so password login is disabled for your account. Use Sign in with "
                    "SSO on the login page.",
                ),
                followups=("Oh, the SSO button, of course. Sorry!",),
            ),
        ),
    ),
    Topic(
        key="scim",
        area="scim",
        types=("problem", "question"),
        priorities=(1, 6, 3, 0),
        tags=("scim", "provisioning"),
        weight=7,
        cases=(
            Case(
                subjects=("SCIM: user already exists (409)", "Some users fail to provision"),
                problems=("A handful of users fail to provision from {idp} with a 409 error.",),
                details=(
                    '409 Conflict\n{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"scimType":'
                    '"uniqueness","detail":"User with userName {email_other} already exists","status":"409"}',
                ),
                replies=(
                    "A 409 means those users were invited by hand before SCIM was enabled. Turn on 'Match existing "
                    "users' in Settings > SCIM and re-run the push; they'll be linked by email.",
                ),
                followups=("Turned on matching and re-pushed, all users linked now.",),
            ),
            Case(
                subjects=("Deprovisioned users still active?", "Unassigned users still show in Tessera"),
                problems=("When we unassign someone in {idp} they still show up in Tessera's member list.",),
                replies=(
                    "Unassigning sends active=false, which suspends the user: they show as Suspended and can't sign "
                    "in or use a seat. To remove them entirely, delete the user in {idp}.",
                ),
                followups=("I see them as Suspended now, that's fine for us.",),
            ),
            Case(
                subjects=("Group push not creating teams", "SCIM groups missing"),
                problems=("We push groups from {idp} but no teams appear in Tessera.",),
                replies=(
                    "Group push creates teams only when 'Sync groups as teams' is on in Settings > SCIM. It's "
                    "off by default.",
                ),
                followups=("It was off. Teams are there now.",),
            ),
            Case(
                subjects=("SCIM token expired?", "Provisioning returns 401"),
                problems=("Provisioning stopped working yesterday; {idp} shows 401 for every call.",),
                details=(
                    '401 Unauthorized\n{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":'
                    '"Invalid or expired token","status":"401"}',
                ),
                replies=(
                    "SCIM tokens are tied to the admin who created them, and that admin was removed from the "
                    "workspace yesterday. A current admin can create a new token in Settings > SCIM.",
                ),
                followups=("The token was created by someone who left. New token works.",),
            ),
        ),
    ),
    Topic(
        key="webhook-setup",
        area="webhooks",
        types=("question", "problem"),
        priorities=(2, 6, 2, 0),
        tags=("webhooks",),
        weight=8,
        cases=(
            Case(
                subjects=("Webhook deliveries timing out", "Timeouts in webhook delivery log"),
                problems=(
                    "Deliveries to {hook_url} show timeouts in the delivery log, but our endpoint is up.",
                ),
                details=(
                    "Delivery {delivery_id}  segment.entered  POST {hook_url}  timeout after 10000 ms (attempt 2/5)",
                ),
                replies=(
                    "We wait 10 seconds for a response. If your handler does the work before responding, return 200 "
                    "first and process asynchronously; that usually clears the timeouts.",
                ),
                followups=("Moved the processing to a queue, no more timeouts.",),
            ),
            Case(
                subjects=("TLS error on webhook delivery", "Webhooks failing after certificate renewal"),
                problems=(
                    "Our endpoint got a new certificate and deliveries have failed with a TLS error since.",
                ),
                details=(
                    "Delivery {delivery_id}  profile.updated  POST {hook_url}  error: unable to verify the first "
                    "certificate",
                ),
                replies=(
                    "'unable to verify the first certificate' means the server sends its certificate without the "
                    "intermediate chain. Installing the full chain on your endpoint fixes it, and you can replay the "
                    "failed deliveries afterwards.",
                ),
                followups=("Full chain installed, deliveries are green again.",),
            ),
            Case(
                subjects=("Which events can trigger a webhook?", "Webhook when a profile enters a segment?"),
                problems=("We'd like a webhook when a profile enters a segment. Is that an event type?",),
                replies=(
                    "segment.entered and segment.exited are available; pick the event types per endpoint in "
                    "Settings > Webhooks.",
                ),
                followups=("Great, set it up.",),
                question=True,
            ),
            Case(
                subjects=(
                    "Webhook retries - how many and how often?",
                    "What happens if our endpoint is down?",
                ),
                problems=("If our endpoint is down for an hour, do we lose the events?",),
                replies=(
                    "No: we retry failed deliveries 5 times over about 3 hours, and you can replay deliveries from "
                    "the last 7 days, so a one-hour outage loses nothing.",
                ),
                followups=("Good to know, thanks.",),
                question=True,
            ),
        ),
    ),
    Topic(
        key="dashboard-performance",
        area="dashboards",
        types=(
            "problem",
            "incident",
        ),
        priorities=(1, 6, 3, 0),
        tags=("dashboards", "performance"),
        weight=8,
        cases=(
            Case(
                subjects=(
                    "Dashboard very slow to load",
                    "'{dash}' dashboard spinning forever",
                    "Query timed out",
                ),
                problems=(
                    "Our '{dash}' dashboard takes over a minute to load since we added two charts.",
                    "Some charts on '{dash}' load and others show 'Query timed out'.",
                ),
                details=("Query timed out after 60s. Try a shorter date range or fewer breakdowns.",),
                clarify=(
                    (
                        "Could you send me the dashboard link? Then I can look at the queries behind the slow charts.",
                        "Here: https://app.tessera.example/w/{ws_id}/dashboards/{short_id}",
                    ),
                ),
                replies=(
                    "The slow charts break down by a property with thousands of distinct values over 12 months. "
                    "Limiting the breakdown to the top 20 values (chart settings > Breakdown > Limit) brings it "
                    "under 5 seconds in my test.",
                ),
                followups=("Top 20 limit works, dashboard loads in a few seconds now.",),
            ),
            Case(
                subjects=("Chart fails to render", "Error instead of chart"),
                problems=("One chart on '{dash}' shows an error instead of data. The others are fine.",),
                details=("Error: breakdown by 'properties.sku' exceeds 10,000 distinct values",),
                replies=(
                    "That chart breaks down by SKU, which has more than 10,000 values. Switch the breakdown to "
                    "category, or add a filter first.",
                ),
                followups=("Breakdown by category makes more sense anyway. Thanks.",),
            ),
        ),
    ),
    Topic(
        key="dashboard-howto",
        area="dashboards",
        types=("question",),
        priorities=(4, 6, 0, 0),
        tags=("dashboards", "how-to"),
        weight=8,
        cases=(
            Case(
                subjects=("Scheduled dashboard email", "Email a dashboard every Monday?"),
                problems=(
                    "Our exec team wants the '{dash}' dashboard emailed every Monday morning. Possible?",
                ),
                replies=(
                    "Yes: open the dashboard, Share > Schedule email, pick Monday 08:00 and the recipients. "
                    "They get a PDF and a link.",
                ),
                followups=("Set it up, thanks!",),
                question=True,
            ),
            Case(
                subjects=("Embed a dashboard in our intranet", "Embedding dashboards"),
                problems=("Can we embed '{dash}' in our intranet page? It's behind our own SSO.",),
                replies=(
                    "Dashboards can be embedded with a signed URL (Share > Embed). Viewers don't need a Tessera "
                    "login; access is controlled by your intranet.",
                ),
                followups=("Perfect, exactly what I needed.",),
                question=True,
            ),
            Case(
                subjects=("Download chart data as CSV", "Numbers behind a chart"),
                problems=("How do I get the numbers behind a chart as a CSV?",),
                replies=(
                    "Every chart's menu has Download > CSV, which exports the data behind the chart as displayed.",
                ),
                followups=("Found it, thanks.",),
                question=True,
            ),
            Case(
                subjects=(
                    "Dashboard filters for all charts at once",
                    "One date filter for a whole dashboard",
                ),
                problems=("Is there a way to apply one date filter to every chart on a dashboard?",),
                replies=(
                    "Add a dashboard-level filter (Filters > Add filter at the top of the dashboard); it applies "
                    "to every chart that has that property.",
                ),
                followups=("That's it, thank you.",),
                question=True,
            ),
            Case(
                subjects=("Share a dashboard with people outside our workspace",),
                problems=(
                    "We'd like to share '{dash}' with an agency we work with, without giving them a seat.",
                ),
                replies=(
                    "Share > Guest link creates a read-only link with an optional expiry date; no seat needed.",
                ),
                followups=("Guest link works perfectly.",),
                question=True,
            ),
        ),
    ),
    Topic(
        key="notifications-setup",
        area="notifications",
        types=("question", "problem"),
        priorities=(2, 6, 2, 0),
        tags=("notifications", "alerts"),
        weight=7,
        cases=(
            Case(
                subjects=("Alert emails not arriving", "Nobody got the alert email"),
                problems=("We set up an alert on '{dash}' but nobody received the email when it triggered.",),
                replies=(
                    "The alert did trigger and the email went out, but your mail server rejected it (550 5.7.1). "
                    "Allowlisting alerts@tessera.example should fix it.",
                ),
                followups=("IT added the address. Got the next alert.",),
            ),
            Case(
                subjects=(
                    "Slack channel not in the list for alerts",
                    "Connect alerts to a private Slack channel",
                ),
                problems=(
                    "I want alerts in our #{team_slug}-alerts Slack channel but it isn't in the channel list.",
                ),
                replies=(
                    "Private channels appear only after you invite the Tessera app (/invite @Tessera in the "
                    "channel). Then refresh the list.",
                ),
                followups=("Invited the app, channel shows up now.",),
            ),
            Case(
                subjects=("Mute an alert for the weekend", "Pause an alert temporarily"),
                problems=("Can we pause an alert over the weekend without deleting it?",),
                replies=(
                    "Yes, each alert has a Snooze option (until a date and time). It keeps the rule and its "
                    "history.",
                ),
                followups=("Snooze is exactly it, thanks.",),
                question=True,
            ),
            Case(
                subjects=("Alert threshold question",),
                problems=("What's the difference between 'above threshold' and 'changes by %' for alerts?",),
                replies=(
                    "'Above threshold' compares the value with a fixed number; 'changes by %' compares it with "
                    "the same period before.",
                ),
                followups=("Clear, thanks.",),
                question=True,
            ),
        ),
    ),
    Topic(
        key="billing-invoice",
        area="billing",
        types=("question", "task"),
        priorities=(3, 6, 1, 0),
        tags=("billing", "invoice"),
        weight=10,
        paying_only=True,
        cases=(
            Case(
                subjects=("Invoice {invoice} - PO number missing", "PO number on invoice"),
                problems=(
                    "Our finance team can't process invoice {invoice} without our PO number ({po}) on it.",
                ),
                replies=(
                    "I've reissued {invoice} with PO {po} and sent it to your billing contact. Future invoices "
                    "will carry the PO number too.",
                ),
                followups=("Received, thank you!",),
            ),
            Case(
                subjects=("Need a copy of last month's invoice", "Invoice copy for {last_month}"),
                problems=(
                    "Could you send us a copy of the invoice for {last_month}? The colleague who received it has left.",
                ),
                replies=(
                    "Workspace admins can always download invoices under Settings > Billing > Invoices. I've "
                    "emailed you the {last_month} invoice as well.",
                ),
                followups=("Got it, thanks for the quick turnaround.",),
            ),
            Case(
                subjects=("Update billing address and VAT ID",),
                problems=("Please update our billing address and add our VAT ID {vat} to future invoices.",),
                replies=("Done: address updated and VAT ID {vat} added. Both appear from the next invoice.",),
                followups=("Thanks!",),
            ),
            Case(
                subjects=("Change billing contact",),
                problems=("We'd like invoices to go to {billing_email} instead of the previous contact.",),
                replies=("Updated: invoices now go to {billing_email}.",),
                followups=("Perfect.",),
            ),
            Case(
                subjects=("Invoice in EUR instead of USD?",),
                problems=("Is it possible to be invoiced in EUR from the next renewal?",),
                replies=(
                    "Currency is set per contract, so I've passed the EUR request to your account manager, who "
                    "will include it in the renewal paperwork.",
                ),
                followups=("Thanks, we'll wait for them.",),
                question=True,
            ),
        ),
    ),
    Topic(
        key="billing-payment",
        area="billing",
        types=("problem", "question"),
        priorities=(1, 5, 4, 0),
        tags=("billing", "payment"),
        weight=7,
        paying_only=True,
        cases=(
            Case(
                subjects=("Card payment declined", "Payment failed - workspace read-only?"),
                problems=(
                    "We got an email that the payment for our {plan} plan failed. The card ending {card} is valid.",
                ),
                details=("Payment failed: Your card was declined. (decline_code: do_not_honor)",),
                replies=(
                    "The bank declined with 'do_not_honor', a generic decline from the card issuer. A call to the "
                    "bank or another card in Settings > Billing usually fixes it; we retry automatically in 3 days "
                    "and nothing is restricted in the meantime.",
                ),
                followups=("Bank says it was a fraud check. Paid now.",),
            ),
            Case(
                subjects=("Charged twice this month?", "Double charge on our card"),
                problems=("Our card statement shows two charges of {amount} from Tessera this month.",),
                replies=(
                    "One of those is a pending authorisation from the card update that your bank will release; "
                    "only one charge was captured. I've attached the receipt.",
                ),
                followups=("Makes sense, the second one has disappeared. Thanks for checking.",),
            ),
            Case(
                subjects=("Upgrade from Pro to Business - proration", "How is an upgrade billed?"),
                problems=("If we upgrade from Pro to Business mid-cycle, how is it billed?",),
                replies=(
                    "An upgrade is prorated: you pay the difference for the rest of the current term, and the "
                    "new price applies from the renewal.",
                ),
                followups=("Clear, thanks.",),
                question=True,
            ),
        ),
    ),
    Topic(
        key="billing-usage",
        area="billing",
        types=("question",),
        priorities=(3, 6, 1, 0),
        tags=("billing", "usage"),
        weight=6,
        paying_only=True,
        cases=(
            Case(
                subjects=("Event volume overage warning", "What happens if we go over our event volume?"),
                problems=(
                    "We got a warning that we're at {pct}0% of our monthly event volume. What happens if we go over?",
                ),
                replies=(
                    "Nothing stops: we never drop events. Overage is billed per million events at your contract "
                    "rate, and your account manager will reach out to talk options first.",
                ),
                followups=("OK, thanks for explaining.",),
                question=True,
            ),
            Case(
                subjects=("Seat limit reached - can't invite new users",),
                problems=("We can't invite more users: 'seat limit reached'. We're at {seats} seats.",),
                replies=(
                    "Your plan includes {seats} seats. An admin can add seats in Settings > Billing, or free some "
                    "by removing inactive members (Members, sort by Last active).",
                ),
                followups=("Removed a few old accounts, we're good.",),
            ),
            Case(
                subjects=("How are monthly tracked users counted?",),
                problems=("How exactly are monthly tracked users counted? Anonymous visitors too?",),
                replies=(
                    "A tracked user is any profile with at least one event in the month, anonymous ones "
                    "included. Traffic removed by the bot filter doesn't count.",
                ),
                followups=("Thanks, that helps with our forecast.",),
                question=True,
            ),
        ),
    ),
    Topic(
        key="integrations",
        area="integrations",
        types=("problem", "question", "incident"),
        priorities=(1, 6, 3, 0),
        tags=("integrations",),
        weight=9,
        cases=(
            Case(
                subjects=("Salesforce sync failing", "Reconnect Salesforce after password change"),
                problems=(
                    "The Salesforce sync shows an error since {weekday} and no new data has come through.",
                    "Our Salesforce admin changed the integration user's password and now the sync is red.",
                ),
                details=("Sync failed: INVALID_SESSION_ID: Session expired or invalid",),
                replies=(
                    "The integration's session expired when the password changed. Reconnecting it (Integrations "
                    "> Salesforce > Reconnect) restores the sync, and it catches up from where it stopped.",
                ),
                followups=("Reconnected, data is flowing again.",),
            ),
            Case(
                subjects=(
                    "{integration} integration - fields not mapping",
                    "Custom fields missing from {integration} sync",
                ),
                problems=("Custom fields from {integration} don't appear as profile properties.",),
                replies=(
                    "Custom fields have to be selected in the integration's Field mapping first; they aren't "
                    "synced by default.",
                ),
                followups=("Mapping was it, thanks.",),
            ),
            Case(
                subjects=("Snowflake sync error", "Warehouse sync can't see our table"),
                problems=(
                    "Our Snowflake sync has failed since {since} with an 'object does not exist' error.",
                ),
                details=(
                    "Sync failed: Warehouse error: SQL compilation error: Object 'ANALYTICS.PUBLIC.TESSERA_EVENTS' "
                    "does not exist or not authorized.",
                ),
                replies=(
                    "The Tessera user can no longer see that table; it looks like a permissions change on your "
                    "side. Granting SELECT on it again will fix the sync.",
                ),
                followups=("Permissions restored, sync is green.",),
            ),
            Case(
                subjects=("How often does the {integration} sync run?",),
                problems=("How often does the {integration} sync run, and can we trigger it manually?",),
                replies=(
                    "Every 15 minutes; the Sync now button on the integration page starts one immediately.",
                ),
                followups=("Great, thanks.",),
                question=True,
            ),
        ),
    ),
    Topic(
        key="user-management",
        area="dashboards",
        types=("question", "task"),
        priorities=(3, 6, 1, 0),
        tags=("users", "permissions"),
        weight=7,
        cases=(
            Case(
                subjects=("Remove a user who left the company",),
                problems=(
                    "{email_other} left the company. How do we remove them and keep the dashboards they created?",
                ),
                replies=(
                    "Removing a member keeps everything they created; their dashboards move to the admin who "
                    "removes them. Members > (name) > Remove.",
                ),
                followups=("Done, thanks.",),
                question=True,
            ),
            Case(
                subjects=("Transfer workspace ownership",),
                problems=("We need to transfer workspace ownership from our former CTO to me.",),
                replies=(
                    "If the current owner has left, we can transfer it after written confirmation from another "
                    "admin. I'll send you the form.",
                ),
                followups=("Form sent back.",),
                fixes=("Ownership transferred. You'll see the Owner badge next to your name now.",),
            ),
            Case(
                subjects=("Custom roles?", "View dashboards without raw data"),
                problems=("Is there a role that can view dashboards but not see raw profile data?",),
                replies=(
                    "The Viewer role sees dashboards but not profiles or raw events. Custom roles are available "
                    "on Business and Enterprise.",
                ),
                followups=("Viewer is enough for us.",),
                question=True,
            ),
            Case(
                subjects=("Give a contractor view-only access",),
                problems=("A contractor needs access to a single dashboard for {n_small} weeks.",),
                replies=(
                    "Share the dashboard with a guest link that expires (Share > Guest link > Expiry). No seat "
                    "needed.",
                ),
                followups=("Guest link works perfectly.",),
                question=True,
            ),
        ),
    ),
    Topic(
        key="data-deletion",
        area="ingestion",
        types=("task", "question"),
        priorities=(2, 6, 2, 0),
        tags=("privacy", "deletion"),
        weight=5,
        cases=(
            Case(
                subjects=("GDPR deletion request for a customer", "Erase one person's data"),
                problems=(
                    "We received a deletion request under GDPR. How do we remove all data for one person?",
                ),
                replies=(
                    "Delete the profile from its page or with DELETE /v2/profiles/<profile_id>. The profile and "
                    "its events are erased within 30 days (usually 24 hours) and you get a confirmation for your "
                    "records.",
                ),
                followups=("Deleted, thanks for the confirmation.",),
                question=True,
            ),
            Case(
                subjects=("Delete test events from production",),
                problems=(
                    "Someone ran a load test against production and we now have ~{n_k}k fake events. Can they be deleted?",
                ),
                replies=(
                    "Yes: Settings > Data > Delete events (admins only). Filter on the load test's source or "
                    "time window and check the preview before you confirm.",
                ),
                followups=("Gone, thank you.",),
            ),
            Case(
                subjects=("DSAR - export all data for one person",),
                problems=(
                    "We need to answer a data subject access request. How do we export everything about one profile?",
                ),
                replies=(
                    "Profiles > (profile) > Export gives a JSON file with every property and event for that "
                    "person.",
                ),
                followups=("Export worked.",),
                question=True,
            ),
        ),
    ),
    Topic(
        key="cli",
        area="api",
        types=("problem", "question"),
        priorities=(3, 6, 1, 0),
        tags=("cli",),
        weight=4,
        cases=(
            Case(
                subjects=("tessera CLI: command not found after install",),
                problems=("Installed the CLI with pip and the tessera command isn't found.",),
                details=("$ tessera --version\nzsh: command not found: tessera",),
                replies=(
                    "pip put it in ~/.local/bin, which isn't on your PATH. Add it, or install with pipx "
                    "(pipx install tessera-cli), which handles that.",
                ),
                followups=("pipx worked.",),
            ),
            Case(
                subjects=("CLI login behind corporate proxy",),
                problems=("We're behind a proxy and `tessera login` hangs, then fails.",),
                details=(
                    "$ tessera login\nOpening browser for authentication...\nError: request to "
                    "https://api.tessera.example/v2/oauth/device failed, reason: connect ETIMEDOUT",
                ),
                replies=(
                    "The CLI honours HTTPS_PROXY. Export it before running tessera login and it will get "
                    "through.",
                ),
                followups=("HTTPS_PROXY did it. Thanks!",),
            ),
        ),
    ),
    Topic(
        key="feature-ask",
        area="dashboards",
        types=("question",),
        priorities=(5, 5, 0, 0),
        tags=("feature-request",),
        weight=6,
        cases=(
            Case(
                subjects=(
                    "Feature request: {wish_short}",
                    "Suggestion: {wish_short}",
                    "Any plans for {wish_short}?",
                ),
                problems=(
                    "Not a problem, just a wish: {wish}.",
                    "Our team keeps asking for {wish_short}. Is it on the roadmap?",
                    "Would it be possible to add {wish}? It would save us a lot of manual work.",
                ),
                replies=(
                    "Thanks for the suggestion! I've added your request to our product team's list with your use "
                    "case, so you'll hear from us if it gets planned. I can't share a timeline today.",
                ),
                followups=("Thanks!",),
                question=True,
            ),
        ),
    ),
    Topic(
        key="security-paperwork",
        area="billing",
        types=("task",),
        priorities=(2, 7, 1, 0),
        tags=("security-review", "procurement"),
        weight=5,
        paying_only=True,
        cases=(
            Case(
                subjects=("SOC 2 report request", "Pen test summary for our audit"),
                problems=(
                    "Our procurement team needs your latest SOC 2 Type II report for the annual vendor review.",
                ),
                replies=(
                    "The SOC 2 Type II report and the pen test summary are in our Trust Center "
                    "(trust.tessera.example) after accepting the NDA there; access is usually granted within a "
                    "day.",
                ),
                followups=("Access granted, thank you.",),
                question=True,
            ),
            Case(
                subjects=("Security questionnaire for vendor review",),
                problems=(
                    "Attached is our vendor security questionnaire ({n_small}0 questions). Could you fill it in "
                    "by the end of the month?",
                ),
                replies=(
                    "I've passed it to our security team. Many answers are already in the Trust Center; they'll "
                    "complete the rest and send it back before your deadline.",
                ),
                followups=("Thanks, we'll wait for the completed version.",),
                fixes=("The completed questionnaire is attached.",),
            ),
            Case(
                subjects=("DPA signature", "Sub-processor list"),
                problems=("Can you countersign our DPA? Legal has marked up two clauses.",),
                replies=(
                    "Our standard DPA is pre-signed in Settings > Legal. For a marked-up version your account "
                    "manager will coordinate with our legal team.",
                ),
                followups=("Thanks, I'll reach out to them.",),
            ),
        ),
    ),
    Topic(
        key="getting-started",
        area="ingestion",
        types=("question",),
        priorities=(4, 6, 0, 0),
        tags=("onboarding",),
        weight=8,
        cases=(
            Case(
                subjects=(
                    "Getting started - where do I find my write key?",
                    "Where's the key for the snippet?",
                ),
                problems=("Just signed up. Where do I find the key to put in the JavaScript snippet?",),
                replies=(
                    "Settings > Sources > (your website) shows the write key and the snippet ready to copy.",
                ),
                followups=("Found it, thanks.",),
                question=True,
            ),
            Case(
                subjects=("Free plan limits",),
                problems=("What are the limits of the free plan? We're a small team evaluating.",),
                replies=(
                    "The free plan includes 1 million events a month, 3 seats and 90 days of history. You can "
                    "upgrade at any time without losing data.",
                ),
                followups=("Perfect, that's enough for our evaluation.",),
                question=True,
            ),
            Case(
                subjects=("Does the JavaScript snippet work with Next.js?",),
                problems=("Does the browser snippet work with a Next.js app using the app router?",),
                replies=(
                    "Yes. Load it in a client component, or use the tessera-js package with the provider from "
                    "our Next.js guide.",
                ),
                followups=("The provider works nicely, thanks.",),
                question=True,
            ),
            Case(
                subjects=("Testing without polluting production data",),
                problems=("How do I test our tracking without mixing test data into production?",),
                replies=(
                    "Create a second workspace for development (free), or send events with debug=true; debug "
                    "events are kept out of dashboards.",
                ),
                followups=("Second workspace it is.",),
                question=True,
            ),
        ),
    ),
)

WISHES = (
    ("dark mode in the dashboard app", "dark mode"),
    ("a Terraform provider so we can manage exports and alerts as code", "a Terraform provider"),
    ("annotations on charts to mark releases and campaigns", "chart annotations"),
    ("a mobile app for checking dashboards on the go", "a mobile app"),
    ("sankey charts for user flows", "sankey charts"),
    ("comments on dashboards so we can discuss numbers in place", "dashboard comments"),
    ("folders inside folders for dashboards", "nested folders"),
    ("a way to copy a dashboard between workspaces", "copying dashboards between workspaces"),
    ("scheduled exports straight to SFTP", "SFTP exports"),
    ("custom date ranges like fiscal quarters", "fiscal calendar support"),
)

GENERIC_FIXES = (
    "Great, glad that sorted it!",
    "Thanks for confirming.",
    "Perfect, happy to help.",
    "Good to hear.",
    "Great!",
)
