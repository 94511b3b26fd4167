"""The records behind each scenario, written out by hand and placed relative to `now`.

Customer text here is deliberately specific (request ids, exact counts, real error output) because
the product's evals read it the way a support lead would.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ...records import (
    Account,
    Article,
    ArticleKind,
    ChatMessage,
    IssueKind,
    IssueStatus,
    Person,
    SlaTarget,
    Ticket,
    TicketPriority,
    TicketStatus,
    TrackerIssue,
)
from . import _scenarios as s
from ._channels import CHANNEL_NAMES
from ._common import Staff, TicketType, build_ticket, comment, ref
from ._company import (
    AISHA,
    BEN,
    CAMILLE,
    DANA,
    DEVON,
    ELISE,
    FARID,
    HANA,
    LEONA,
    LUCAS,
    MARCUS,
    MEI,
    NADIA,
    OSKAR,
    RILEY,
    ROSA,
    SOFIA,
    TARIQ,
    TOMAS,
    WILLA,
)

CommentSpec = tuple[datetime, Person, str, bool]
"""(when, author, body, public)"""


def _dow(at: datetime) -> str:
    return at.strftime("%A")


def _hm(at: datetime) -> str:
    return at.strftime("%H:%M")


def _md(at: date) -> str:
    return f"{at.strftime('%B')} {at.day}"


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class StoryRecords:
    """Everything the scenarios add to the dataset."""

    tickets: list[Ticket] = field(default_factory=list)
    issues: list[TrackerIssue] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    messages: list[ChatMessage] = field(default_factory=list)


class _StoryWriter:
    """Collects the scenario records, each placed relative to `now`."""

    def __init__(self, now: datetime, accounts: Mapping[str, Account]) -> None:
        self.now = now
        self.accounts = accounts
        self.out = StoryRecords()

    def ago(self, days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
        return self.now - timedelta(days=days, hours=hours, minutes=minutes)

    def created(self, fixed: s.FixedTicket) -> datetime:
        return self.now - fixed.age

    def customer(self, account_id: str, name: str) -> Person:
        account = self.accounts[account_id]
        contact = next(c for c in account.contacts if c.name == name)
        return Person(name=contact.name, email=contact.email, role="customer")

    def ticket(
        self,
        fixed: s.FixedTicket,
        account_id: str,
        requester: str,
        *,
        subject: str,
        description: str,
        status: TicketStatus,
        priority: TicketPriority,
        type_: TicketType,
        channel: str,
        tags: tuple[str, ...],
        area: str,
        assignee: Staff | None,
        comments: Sequence[CommentSpec] = (),
        solved_at: datetime | None = None,
        sla: tuple[SlaTarget, ...] | None = None,
        linked: tuple[str, ...] = (),
    ) -> None:
        ticket_id = fixed.id
        built = tuple(
            comment(ticket_id, i, author, body, at, public=public)
            for i, (at, author, body, public) in enumerate(comments, start=1)
        )
        self.out.tickets.append(
            build_ticket(
                ticket_id=ticket_id,
                account=self.accounts[account_id],
                requester=self.customer(account_id, requester),
                subject=subject,
                description=description,
                status=status,
                priority=priority,
                type_=type_,
                channel=channel,
                tags=tags,
                area=area,
                assignee=assignee.person if assignee else None,
                created_at=self.created(fixed),
                comments=built,
                solved_at=solved_at,
                sla=sla,
                linked_issue_keys=linked,
            )
        )

    def thread(
        self,
        root: s.FixedMessage,
        author: Person,
        text: str,
        replies: Sequence[tuple[s.FixedMessage, Person, str]] = (),
    ) -> None:
        channel_name = CHANNEL_NAMES[root.channel_id]
        self.out.messages.append(self._message(root, channel_name, author, text, None, len(replies)))
        for reply, reply_author, reply_text in replies:
            self.out.messages.append(self._message(reply, channel_name, reply_author, reply_text, root.id, 0))

    def _message(
        self,
        fixed: s.FixedMessage,
        channel_name: str,
        author: Person,
        text: str,
        thread_id: str | None,
        reply_count: int,
    ) -> ChatMessage:
        return ChatMessage(
            ref=ref(f"{fixed.channel_id}:{fixed.id}"),
            id=fixed.id,
            channel_id=fixed.channel_id,
            channel_name=channel_name,
            thread_id=thread_id,
            author=author,
            text=text,
            created_at=self.now - fixed.age,
            reply_count=reply_count,
        )

    def issue(
        self,
        key: str,
        title: str,
        body: str,
        *,
        kind: IssueKind,
        status: IssueStatus,
        priority: str,
        created_at: datetime,
        updated_at: datetime,
        labels: tuple[str, ...],
        components: tuple[str, ...],
        tickets: tuple[str, ...] = (),
        accounts: tuple[str, ...] = (),
        fix_version: str | None = None,
        resolved_at: datetime | None = None,
        reopened_at: datetime | None = None,
    ) -> None:
        self.out.issues.append(
            TrackerIssue.model_validate(
                {
                    "ref": ref(key),
                    "key": key,
                    "title": title,
                    "body": body,
                    "kind": kind,
                    "status": status,
                    "priority": priority,
                    "project": key.split("-")[0],
                    "labels": labels,
                    "components": components,
                    "linked_ticket_ids": tickets,
                    "linked_account_ids": accounts,
                    "fix_version": fix_version,
                    "created_at": created_at,
                    "updated_at": updated_at,
                    "resolved_at": resolved_at,
                    "reopened_at": reopened_at,
                }
            )
        )

    def article(
        self,
        article_id: str,
        title: str,
        body: str,
        *,
        kind: ArticleKind,
        area: str,
        labels: tuple[str, ...],
        updated_at: datetime,
        workaround: str | None = None,
    ) -> None:
        self.out.articles.append(
            Article(
                ref=ref(article_id),
                id=article_id,
                title=title,
                body=body,
                kind=kind,
                workaround=workaround,
                product_area=area,
                labels=labels,
                updated_at=updated_at,
            )
        )


def _reply(
    channel_id: str, days: float = 0, hours: float = 0, minutes: float = 0, *, micro: int
) -> s.FixedMessage:
    return s.FixedMessage(channel_id, timedelta(days=days, hours=hours, minutes=minutes), micro)


def _api_500s(w: _StoryWriter) -> None:
    rollout = w.ago(days=4, hours=12, minutes=4)
    a1 = w.created(s.ACME_BATCH_URGENT)
    priya = w.customer("acme-corp", "Priya Natarajan")
    w.ticket(
        s.ACME_BATCH_URGENT,
        "acme-corp",
        "Priya Natarajan",
        subject="Intermittent HTTP 500 on POST /v2/events/batch - production ingestion affected",
        description=(
            "Hi Tessera team,\n\n"
            f"Since {_dow(rollout)} around {_hm(rollout)} UTC our API calls to POST "
            "https://api.tessera.example/v2/events/batch are returning 500 errors intermittently. It's roughly "
            "3-5% of batch calls, not all of them, and nothing changed on our side (the last deploy of our "
            "ingestion service was the week before).\n\n"
            "Typical response:\n\n"
            "    HTTP/1.1 500 Internal Server Error\n"
            "    content-type: application/json\n"
            '    {"error":"internal_error","message":"An unexpected error occurred","request_id":"req_7f3a9c2e41"}\n\n'
            "How to reproduce (this is what our on-call did this morning):\n"
            "1. Authenticate with a server-side key (full ingest scope).\n"
            "2. POST a batch of 500 events to /v2/events/batch (about 1.2 MB of JSON).\n"
            "3. Repeat 200 times, one request at a time.\n"
            "4. About 8 of the 200 come back 500 instead of 202.\n\n"
            "Expected: 202 Accepted for every batch.\n"
            "Actual: ~4% return 500 internal_error, seemingly at random. Retrying the same batch usually works.\n\n"
            "Environment: tessera-python 4.2.1 on Python 3.11, workers in AWS us-east-1, batches of 250-500 "
            "events (1.0-1.3 MB each). Small single-event calls look fine.\n\n"
            "This feeds our nightly customer sync so it is urgent for us. A few failing request ids: "
            "req_7f3a9c2e41, req_7f3b01d9a7, req_7f3b22c4e0.\n\n"
            "Priya Natarajan\nDirector of Platform Engineering, Acme Corp"
        ),
        status="on_hold",
        priority="urgent",
        type_="incident",
        channel="email",
        tags=("api", "ingestion", "5xx", "enterprise", "eng-escalated"),
        area="ingestion",
        assignee=RILEY,
        linked=(s.ENG_BATCH_500,),
        comments=(
            (
                a1 + timedelta(minutes=22),
                RILEY.person,
                "Hi Priya,\n\nThanks for the detailed report and the repro steps, that helps a lot. I've set this to "
                "urgent. Could you send 5-10 more request ids from failed calls, with timestamps if you have them, and "
                "let me know whether you see any 500s on single-event calls (POST /v2/events)? That tells us whether "
                "it is tied to the batch path.\n\nRiley\nTessera Support",
                True,
            ),
            (
                a1 + timedelta(hours=2, minutes=10),
                priya,
                "Here's a longer sample from last night's run (times UTC):\n\n"
                f"{_stamp(a1 - timedelta(hours=9, minutes=12))}  req_7f3c4a81d2  500  events=500  bytes=1214882\n"
                f"{_stamp(a1 - timedelta(hours=9, minutes=3))}  req_7f3c5b07e9  500  events=500  bytes=1198310\n"
                f"{_stamp(a1 - timedelta(hours=8, minutes=47))}  req_7f3c6e3f10  500  events=450  bytes=1090417\n"
                f"{_stamp(a1 - timedelta(hours=8, minutes=21))}  req_7f3c80aa5b  500  events=500  bytes=1231006\n"
                f"{_stamp(a1 - timedelta(hours=7, minutes=58))}  req_7f3c9d4c77  500  events=480  bytes=1170554\n\n"
                "Single-event calls: zero 500s in the same window as far as we can tell. Every failure is on "
                "/v2/events/batch and all of them are batches of 400+ events.",
                True,
            ),
            (
                a1 + timedelta(hours=5),
                RILEY.person,
                "Reproduced on test workspace ws_demo_ingest_07 (us-east-1): 500-event batches (~1.2 MB) failed 9/200, "
                "100-event batches (~240 KB) 0/200. Looks size related, not account specific. Filed ENG-3412 and "
                "linked this ticket and Lena's. Gateway team says ingest-gw 3.8.0 went out in us-east-1 "
                f"{_dow(rollout)} at {_hm(rollout)} UTC.",
                False,
            ),
            (
                a1 + timedelta(hours=5, minutes=20),
                RILEY.person,
                "Quick update: we reproduced the 500s on our side with large batches (around 500 events) and not with "
                "small ones, so it isn't your account or your keys. Engineering is investigating now under a bug "
                "ticket. In the meantime, sending 100 events or fewer per batch should avoid the error. I'll update "
                "you as soon as I hear more.\n\nRiley",
                True,
            ),
            (
                a1 + timedelta(days=1, hours=3),
                priya,
                "We dropped the batch size to 100 as a stopgap. No 500s since, but throughput roughly halved and last "
                "night's sync ran past its 06:00 UTC window by about 90 minutes, so downstream reports were late. "
                "We're not losing data (the job logs failed batches and we replay them by hand) but this isn't "
                "sustainable for us. What's the ETA on a fix?",
                True,
            ),
            (
                a1 + timedelta(days=1, hours=4, minutes=5),
                RILEY.person,
                "Understood, and sorry about the nightly window. I've passed the throughput impact and the 06:00 "
                "deadline to engineering so it's part of their prioritisation. I don't have an ETA yet; I'll come back "
                "to you by tomorrow at the latest.\n\nRiley",
                True,
            ),
            (
                a1 + timedelta(days=2, hours=6),
                RILEY.person,
                "Update from engineering: they've narrowed it down to a change in our ingest gateway that affects "
                "request bodies above roughly 1 MB. A fix is being worked on; there is no release date yet. Smaller "
                "batches remain the recommended workaround until then.",
                True,
            ),
            (
                w.ago(minutes=20),
                priya,
                "Hi Riley, the sync overran the window again last night (~2h). We need a date we can plan around - "
                "can you get us an ETA today?",
                True,
            ),
        ),
        sla=(
            SlaTarget(
                policy="Enterprise 24/7",
                metric="first_reply",
                target_minutes=60,
                breach_at=a1 + timedelta(minutes=60),
                fulfilled_at=a1 + timedelta(minutes=22),
            ),
            SlaTarget(
                policy="Enterprise 24/7",
                metric="next_reply",
                target_minutes=60,
                breach_at=w.ago(minutes=20) + timedelta(minutes=60),
            ),
            SlaTarget(policy="Enterprise 24/7", metric="resolution", target_minutes=1440, paused=True),
        ),
    )
    a2 = w.created(s.ACME_SYNC_TRACEBACK)
    w.ticket(
        s.ACME_SYNC_TRACEBACK,
        "acme-corp",
        "Lena Voss",
        subject="nightly sync job: 500 Internal Server Error from events batch endpoint",
        description=(
            "Our nightly sync (Airflow DAG acme_customer_sync) has failed a few tasks every night this week. Each "
            "failure is a 500 from the batch endpoint. Traceback from the worker:\n\n"
            "Traceback (most recent call last):\n"
            '  File "/opt/airflow/dags/acme_customer_sync/push.py", line 88, in push_batch\n'
            "    resp = client.events.batch(events=chunk)\n"
            '  File "/usr/local/lib/python3.11/site-packages/tessera/resources/events.py", line 141, in batch\n'
            '    return self._post("/v2/events/batch", body={"events": events})\n'
            '  File "/usr/local/lib/python3.11/site-packages/tessera/_base_client.py", line 402, in _post\n'
            "    raise self._make_status_error(response)\n"
            "tessera.InternalServerError: Error code: 500 - {'error': 'internal_error', 'message': 'An unexpected "
            "error occurred', 'request_id': 'req_80c4d1f2aa'}\n\n"
            "SDK is tessera-python 4.2.1. Retrying the same chunk usually works on the 2nd or 3rd try, which is "
            "why I'd call it intermittent. I think Priya already opened something about this, feel free to merge.\n\n"
            "Lena\nAcme Corp data team"
        ),
        status="open",
        priority="normal",
        type_="problem",
        channel="web",
        tags=("api", "ingestion", "sdk-python"),
        area="ingestion",
        assignee=RILEY,
        linked=(s.ENG_BATCH_500,),
        comments=(
            (
                a2 + timedelta(minutes=40),
                RILEY.person,
                f"Hi Lena, yes, this is the same problem Priya reported in #{s.ACME_BATCH_URGENT.id}. Engineering is "
                "working on it. I'll keep this ticket open as well so you get the updates directly. Until it's "
                "fixed, 100-event chunks avoid the error.\n\nRiley",
                True,
            ),
            (a2 + timedelta(minutes=45), RILEY.person, "Linked to ENG-3412, same root cause.", False),
            (
                a2 + timedelta(hours=3),
                w.customer("acme-corp", "Lena Voss"),
                "Thanks. We switched the DAG to 100-event chunks. It's slower but the tasks go green.",
                True,
            ),
        ),
    )
    a3 = w.created(s.ACME_LOYALTY_500S)
    w.ticket(
        s.ACME_LOYALTY_500S,
        "acme-corp",
        "Tobias Reinholt",
        subject="500 errors from the batch API on a second service - anything on the status page?",
        description=(
            "Hey support, another of our services (loyalty-events, sends ~300-event batches from us-east-1) started "
            "getting the same intermittent 500s from the API today, about 3% of POST /v2/events/batch calls:\n\n"
            "    POST /v2/events/batch -> 500 Internal Server Error\n"
            '    {"error":"internal_error","message":"An unexpected error occurred","request_id":"req_8a91e0c3f5"}\n\n'
            "status.tessera.example shows all green, which confused our on-call. Is this the known issue Priya's "
            "team is tracking, and is there a public incident we can subscribe to?\n\n"
            "Tobias Reinholt, SRE @ Acme Corp"
        ),
        status="open",
        priority="high",
        type_="problem",
        channel="web",
        tags=("api", "ingestion", "5xx"),
        area="ingestion",
        assignee=SOFIA,
        comments=(
            (
                a3 + timedelta(minutes=50),
                SOFIA.person,
                "Hi Tobias, yes, this looks like the same batch-size related problem your colleagues reported. "
                "It's with our engineering team; there is no public status page incident because it affects a "
                "small share of large batch requests. Keeping batches at 100 events or fewer avoids it for now. "
                "I'll make sure you're copied on updates.\n\nSofia, Tessera Support",
                True,
            ),
            (
                a3 + timedelta(hours=2),
                w.customer("acme-corp", "Tobias Reinholt"),
                "ok, we'll cut the batch size on loyalty-events too. would still like an ETA.",
                True,
            ),
        ),
    )
    w.issue(
        s.ENG_BATCH_500,
        "events/batch returns 500 for payloads over 1 MB after ingest gateway upgrade",
        (
            f"Since ingest-gw 3.8.0 rolled out to us-east-1 ({_stamp(rollout)} UTC), POST /v2/events/batch "
            "intermittently returns 500 internal_error for request bodies above ~1 MB.\n\n"
            "Repro (support, test workspace ws_demo_ingest_07): 500-event batches (~1.2 MB) fail 9/200; 100-event "
            "batches (~240 KB) 0/200. Single-event POST /v2/events unaffected.\n\n"
            "Gateway logs for failing requests: `upstream prematurely closed connection while reading response "
            "header from upstream`. 3.8.0 changed the request body buffering defaults; bodies that spill to disk "
            "are sometimes handed to ingest-api truncated and ingest-api answers 500.\n\n"
            f"Customer impact: Acme Corp (#{s.ACME_BATCH_URGENT.id}, #{s.ACME_SYNC_TRACEBACK.id}), ~3-5% of their "
            "batch calls. Workaround: batches of 100 events, at roughly half the throughput. No data loss: clients "
            "get a 500 and can retry.\n\n"
            "Plan: restore the previous buffer size in the gateway config, add a regression test with 1.5 MB bodies, "
            "roll forward (no rollback: 3.8.0 carries the TLS fix)."
        ),
        kind="bug",
        status="in_progress",
        priority="high",
        created_at=a1 + timedelta(hours=5, minutes=8),
        updated_at=w.ago(hours=7),
        labels=("ingestion", "api", "customer-impact", "regression"),
        components=("ingest-gateway", "ingest-api"),
        tickets=(s.ACME_BATCH_URGENT.id, s.ACME_SYNC_TRACEBACK.id),
        accounts=("acme-corp",),
    )
    w.thread(
        s.ACME_INCIDENT_ROOT,
        FARID.person,
        f"Seeing elevated 5xx on ingest-gw in us-east-1 since the 3.8.0 rollout at {_hm(rollout)} UTC. ~0.3% of "
        "POST /v2/events/batch, nothing in eu-west-1 yet. Not enough to page, watching.",
        (
            (
                _reply(s.ENG_INCIDENTS, days=4, hours=0, minutes=10, micro=220931),
                OSKAR.person,
                "Looking at the samples, the failures correlate with big bodies, almost all > 1 MB.",
            ),
            (
                _reply(s.ENG_INCIDENTS, days=3, hours=16, minutes=40, micro=301447),
                RILEY.person,
                "Support has a repro on a test workspace: 500-event batches fail, 100-event ones don't. Acme Corp is "
                "seeing 3-5% of their batches fail. Filed ENG-3412.",
            ),
            (
                _reply(s.ENG_INCIDENTS, days=3, hours=14, micro=18820),
                TARIQ.person,
                "Thanks. We're not rolling the gateway back, 3.8.0 carries the TLS fix; we'll patch forward. "
                "ENG-3412 is ours.",
            ),
            (
                _reply(s.ENG_INCIDENTS, days=1, hours=3, micro=644012),
                OSKAR.person,
                "Buffer config patch is in review. Aiming for us-east-1 once the change freeze lifts.",
            ),
        ),
    )
    w.thread(
        s.ACME_ESCALATION_ASK,
        NADIA.person,
        f"Any update on ENG-3412? Acme Corp has three tickets open on the batch 500s (#{s.ACME_BATCH_URGENT.id} is "
        "urgent). They're running 100-event batches as a workaround and missing their nightly window. Renewal is "
        "in about 2.5 months and Dana says the account is already yellow.",
        (
            (
                _reply(s.SUPPORT_ESCALATIONS, hours=4, minutes=10, micro=55390),
                OSKAR.person,
                "Patch is in review, will confirm a rollout time in this thread once it's approved.",
            ),
            (
                _reply(s.SUPPORT_ESCALATIONS, hours=3, minutes=50, micro=78113),
                DANA.person,
                "Thanks. Acme is a reference customer, please keep me posted, I'm talking to Priya today.",
            ),
        ),
    )
    w.thread(
        s.ACME_SHARED_ETA,
        priya,
        "Morning all - any ETA on the batch endpoint fix? We're on 100-event batches and the nightly sync overran "
        "again. A date we can plan around would really help.",
        (
            (
                _reply(s.EXT_ACME, minutes=50, micro=11274),
                DANA.person,
                "Hi Priya, chasing engineering right now, I'll come back to you today with whatever I have.",
            ),
        ),
    )
    w.article(
        s.KB_RETRYING_REQUESTS,
        "Retrying failed API requests",
        (
            "Network errors and some HTTP responses are transient and safe to retry. Retry on 429 Too Many Requests "
            "(wait for the number of seconds in the Retry-After header), 502, 503 and 504, and on connection resets "
            "or timeouts. Do not retry 400, 401, 403, 404 or 422: the request will fail the same way again.\n\n"
            "Use exponential backoff with jitter: wait 1 s, then 2 s, 4 s, 8 s (each plus a random 0-1 s), and "
            "give up after 5 attempts. The official SDKs do this for you (tessera-python: max_retries, default 2; "
            "tessera-node: maxRetries).\n\n"
            "Send an Idempotency-Key header on POST requests so that a retried request is never applied twice. Keys "
            "are remembered for 24 hours.\n\n"
            "If a request keeps failing with a 5xx, contact support with the request_id from the response body."
        ),
        kind="how-to",
        area="api",
        labels=("api", "retries", "sdk"),
        updated_at=w.ago(days=140),
    )


def _export_missing_rows(w: _StoryWriter) -> None:
    release = w.ago(days=6, hours=2)
    g1 = w.created(s.GLOBEX_EXPORT_SHORT)
    omar = w.customer("globex", "Omar Haddad")
    w.ticket(
        s.GLOBEX_EXPORT_SHORT,
        "globex",
        "Omar Haddad",
        subject="S3 export has fewer rows than the dashboard",
        description=(
            "Hello,\n\n"
            'our scheduled daily export (job "orders_daily", CSV to s3://globex-analytics-raw/tessera/) delivered a '
            "file this morning with exactly 100,000 rows. The Orders dashboard for the same date range shows 131,442. "
            "The file itself looks complete (gzip is valid, last line is intact), it's just short. Earlier days were "
            "60-90k rows and matched the dashboard.\n\n"
            "Is there a row limit on scheduled exports we don't know about? We're on the Business plan.\n\n"
            "Thanks,\nOmar Haddad | Analytics Lead | Globex"
        ),
        status="open",
        priority="normal",
        type_="problem",
        channel="email",
        tags=("exports", "s3", "data-mismatch"),
        area="exports",
        assignee=MEI,
        linked=(s.ENG_EXPORT_TRUNCATION,),
        comments=(
            (
                g1 + timedelta(hours=3),
                MEI.person,
                "Hi Omar,\n\nThere's no row limit on scheduled exports, so this shouldn't happen. Could you send me the "
                "export id (Settings > Exports, it starts with exp_) and confirm the dashboard's date range is set to "
                "UTC like the export?\n\nMei\nTessera Support",
                True,
            ),
            (
                g1 + timedelta(hours=5),
                omar,
                "Export id is exp_2Hq8XkP4, dashboard is in UTC. I checked yesterday's file too: 100,000 rows vs "
                "118,907 in the dashboard. So it's exactly 100,000 twice in a row.",
                True,
            ),
            (
                g1 + timedelta(hours=18),
                MEI.person,
                "Reproduced with a 150k-row test export: file stops at 100,000, job says succeeded. Filed ENG-3398 "
                "with Leona's team.",
                False,
            ),
            (
                g1 + timedelta(hours=19),
                MEI.person,
                "Thanks Omar. We've confirmed a problem on our side: scheduled exports larger than 100,000 rows are "
                "being cut off at 100,000, even though the job reports success. Engineering is on it. Until it's "
                "fixed, splitting the export by date range so each file stays under 100,000 rows gives you complete "
                "files (see 'Exporting large datasets' in our help center).\n\nMei",
                True,
            ),
            (
                g1 + timedelta(days=1, hours=2),
                omar,
                "OK, we split it into two half-day exports for now. Please tell us when it's fixed - our finance "
                "reconciliation runs on these numbers and we'll need to re-pull the affected days.",
                True,
            ),
        ),
    )
    i1 = w.created(s.INITECH_EXPORT_SHORT)
    ravi = w.customer("initech", "Ravi Menon")
    w.ticket(
        s.INITECH_EXPORT_SHORT,
        "initech",
        "Ravi Menon",
        subject="Rows missing from GCS export?",
        description=(
            "hey, our nightly export to GCS (gs://initech-bi-landing/tessera/events_*.csv) seems to be missing data. "
            "yesterday's file = 100000 rows, but the same query in Explore gives 112,907. the day before was also "
            "exactly 100000 which seems... suspicious. did something change recently?\n\n"
            "ravi"
        ),
        status="pending",
        priority="normal",
        type_="problem",
        channel="web",
        tags=("exports", "gcs"),
        area="exports",
        assignee=BEN,
        linked=(s.ENG_EXPORT_TRUNCATION,),
        comments=(
            (
                i1 + timedelta(hours=4),
                BEN.person,
                "Hi Ravi, thanks for flagging. This matches a bug we're already fixing where large scheduled exports "
                "stop at 100,000 rows. The events themselves are stored correctly; only the export file is cut short. "
                "Splitting the export by date range (e.g. two 12-hour exports) avoids it for now.\n\nBen, Tessera "
                "Support",
                True,
            ),
            (i1 + timedelta(hours=4, minutes=5), BEN.person, "Linked to ENG-3398.", False),
            (
                i1 + timedelta(hours=6),
                ravi,
                "ok good to know the data is there. we need the full history for a backfill though - will we be able "
                "to re-run the export for the affected days once it's fixed?",
                True,
            ),
            (
                i1 + timedelta(hours=7),
                BEN.person,
                "Yes, you can re-run a scheduled export for any past date range from the export's menu (Run for "
                "dates...). I'll let you know as soon as the fix is out.",
                True,
            ),
        ),
    )
    u1 = w.created(s.UMBRELLA_EXPORT_SHORT)
    due = w.now + timedelta(days=6)
    w.ticket(
        s.UMBRELLA_EXPORT_SHORT,
        "umbrella-health",
        "Claire Dunmore",
        subject="Compliance report incomplete - export missing records",
        description=(
            "Hello Support,\n\n"
            'Our monthly compliance report is built from the scheduled Tessera export "access_events_monthly" (CSV, '
            "delivered to our S3 bucket umbrella-compliance-exports in us-east-2). The latest file contains 100,000 "
            "records, while the access dashboard shows 248,310 events for the same period. The report is therefore "
            "incomplete and we cannot submit it to our compliance committee in its current form.\n\n"
            "Could you please confirm whether the export is being truncated, and how we can obtain a complete data "
            f"set? The report is due on {_md(due)}.\n\n"
            "Kind regards,\nClaire Dunmore\nCompliance Manager, Umbrella Health"
        ),
        status="open",
        priority="high",
        type_="problem",
        channel="email",
        tags=("exports", "s3", "compliance", "enterprise"),
        area="exports",
        assignee=AISHA,
        comments=(
            (
                u1 + timedelta(minutes=35),
                AISHA.person,
                "Dear Claire,\n\nThank you for the precise numbers. I can confirm that the export stopping at exactly "
                "100,000 records is a defect on our side, not a problem with your configuration, and I have raised it "
                "with engineering with high priority. I'll come back to you with a plan for a complete data set well "
                f"before {_md(due)}.\n\nBest regards,\nAisha Karimi\nTessera Support",
                True,
            ),
            (
                u1 + timedelta(hours=1, minutes=50),
                AISHA.person,
                "Third one this week - Globex, Initech, now Umbrella. Exactly 100,000 again. Not linked to ENG-3398 "
                "yet, raising in #support-escalations.",
                False,
            ),
            (
                u1 + timedelta(hours=20),
                w.customer("umbrella-health", "Claire Dunmore"),
                "Thank you. Please note our compliance committee meets shortly after the due date, and an incomplete "
                "access report is a finding in itself. We need either the fix or a verified complete extract.",
                True,
            ),
        ),
    )
    w.issue(
        s.ENG_EXPORT_TRUNCATION,
        "Scheduled export truncates when the cursor crosses 100k rows",
        (
            "Scheduled CSV exports stop at exactly 100,000 rows when the result set is larger. The export worker "
            "pages through results with a cursor of 10,000 rows; after the 10th page the cursor comes back empty and "
            "the writer treats that as end of data: no error, the file is finalised and the job is marked "
            "succeeded.\n\n"
            f"Started with the cursor encoding change in 2026.11.2 (released {_stamp(release)} UTC). Affects S3 and "
            "GCS destinations alike.\n\n"
            f"Reports: Globex (#{s.GLOBEX_EXPORT_SHORT.id}, 100,000 of 131,442 rows), Initech "
            f"(#{s.INITECH_EXPORT_SHORT.id}, 100,000 of 112,907).\n\n"
            "Customers see missing rows in their export files and have no error to tell them. Stored data is intact; "
            "only the files are short. Customers will need to re-run exports for affected dates after the fix."
        ),
        kind="bug",
        status="open",
        priority="high",
        created_at=g1 + timedelta(hours=18, minutes=10),
        updated_at=w.ago(days=3, hours=1),
        labels=("exports", "data-integrity", "regression"),
        components=("export-worker",),
        tickets=(s.GLOBEX_EXPORT_SHORT.id, s.INITECH_EXPORT_SHORT.id),
        accounts=("globex", "initech"),
    )
    w.thread(
        s.EXPORT_THIRD_CUSTOMER,
        AISHA.person,
        "third customer this week with missing export rows, looks like ENG-3398. Umbrella Health "
        f"(#{s.UMBRELLA_EXPORT_SHORT.id}) this time - their compliance report is short, file stops at exactly "
        "100,000 rows like Globex and Initech. Can someone pick up ENG-3398 today? It's still sitting in Open.",
        (
            (
                _reply(s.SUPPORT_ESCALATIONS, days=1, hours=5, micro=300911),
                LEONA.person,
                "Sorry, that slipped through triage. Taking it now; I'll add Umbrella to the issue.",
            ),
        ),
    )
    w.article(
        s.KB_LARGE_EXPORTS,
        "Exporting large datasets",
        (
            "Scheduled and one-off exports can deliver hundreds of millions of rows, but large files are slow to "
            "produce and to load. For the best results:\n\n"
            "- Split exports by date range, for example one export per day or per 12 hours, so each file stays "
            "small and a failed run only affects one slice.\n"
            "- Choose compressed CSV (gzip) or Parquet. Parquet files are usually 5-10x smaller.\n"
            "- Select only the columns you need.\n"
            "- Deliver to S3 or GCS rather than downloading from the browser; browser downloads are limited to "
            "1 GB.\n\n"
            "To re-run an export for past dates, open the export's menu and choose Run for dates."
        ),
        kind="how-to",
        area="exports",
        labels=("exports", "performance"),
        updated_at=w.ago(days=95),
    )


_LOOP_HAR = (
    "  POST https://app.tessera.example/sso/saml/acs   302  Location: /login\n"
    "  GET  https://app.tessera.example/login          302  Location: {idp}\n"
    "  POST https://app.tessera.example/sso/saml/acs   302  Location: /login\n"
    "  GET  https://app.tessera.example/login          302  Location: {idp}\n"
)
_CHROME_SAMESITE = (
    'This attempt to set a cookie via a Set-Cookie header was blocked because it had the "SameSite=Strict" '
    "attribute but came from a cross-site response which was not the response to a top-level navigation."
)


def _sso_login_loop(w: _StoryWriter) -> None:
    release = w.ago(hours=20, minutes=5)
    first_reports = release + timedelta(minutes=50)
    m1 = w.created(s.MERIDIAN_SSO_LOOP)
    sanna = w.customer("meridian-freight", "Sanna Lindqvist")
    w.ticket(
        s.MERIDIAN_SSO_LOOP,
        "meridian-freight",
        "Sanna Lindqvist",
        subject="URGENT: SSO login loop - nobody can sign in",
        description=(
            "Hi,\n\n"
            f"Since about {_hm(first_reports)} UTC none of our users can get into Tessera through SSO. They sign in "
            "at Okta fine, get sent back to Tessera and land on the Tessera login page again, click Sign in with "
            "SSO, Okta, back to the login page... an endless loop. Password login for our break-glass admin "
            "works.\n\n"
            "We haven't changed anything in Okta or in Tessera's SSO settings for months. It affects everyone we've "
            "asked, in Chrome, Edge and Firefox.\n\n"
            "HAR from one of our dispatch managers shows the loop:\n\n"
            + _LOOP_HAR.format(idp="https://login.meridianfreight.example/app/tessera/exk4d1r7q2/sso/saml")
            + "\nAbout 300 dispatchers rely on the dashboards for shift planning. Please treat as urgent.\n\n"
            "Sanna Lindqvist\nIT Operations Lead, Meridian Freight"
        ),
        status="open",
        priority="urgent",
        type_="incident",
        channel="email",
        tags=("sso", "saml", "okta", "login", "enterprise"),
        area="sso",
        assignee=AISHA,
        linked=(s.ENG_SSO_LOOP,),
        comments=(
            (
                m1 + timedelta(minutes=14),
                AISHA.person,
                "Hi Sanna,\n\nThank you, we're on it. We are investigating SSO sign-in problems right now and I'll "
                "update you within the hour.\n\nAisha\nTessera Support",
                True,
            ),
            (m1 + timedelta(hours=2, minutes=35), AISHA.person, "Linked to ENG-3430.", False),
            (
                m1 + timedelta(hours=2, minutes=45),
                AISHA.person,
                "Update: engineering has traced the loop to a change in yesterday's release that affects how the "
                "session cookie is set after the SSO redirect. It isn't caused by your Okta configuration, so please "
                "don't change it. A fix is being prepared; password login for admins keeps working in the meantime.",
                True,
            ),
            (
                w.ago(hours=5),
                sanna,
                "Still looping. Our dispatch planning is running off spreadsheets for the second shift now. We need an "
                "ETA we can pass to operations.",
                True,
            ),
        ),
    )
    h1 = w.created(s.HALCYON_SSO_LOOP)
    w.ticket(
        s.HALCYON_SSO_LOOP,
        "halcyon-media",
        "Kwame Asante",
        subject="Users redirected back to login page after Azure AD sign-in",
        description=(
            "Since the early hours, SAML SSO from Entra ID (Azure AD) lands users back on "
            "https://app.tessera.example/login instead of their workspace. Sign-in at Microsoft succeeds (sign-in "
            "logs show success, no AADSTS errors), the SAML response is posted to our ACS URL "
            "https://app.tessera.example/sso/saml/acs and Tessera answers 302 to /login.\n\n"
            "Chrome DevTools > Network > the acs request > Cookies shows tsr_session with this warning:\n\n"
            f"  {_CHROME_SAMESITE}\n\n"
            "So the session cookie never sticks and we loop. Did you change your cookie settings? Our config is "
            "untouched since go-live.\n\n"
            "Kwame Asante\nIdentity & Access Engineer | Halcyon Media"
        ),
        status="open",
        priority="urgent",
        type_="incident",
        channel="web",
        tags=("sso", "saml", "azure-ad", "login", "enterprise"),
        area="sso",
        assignee=DEVON,
        linked=(s.ENG_SSO_LOOP,),
        comments=(
            (
                h1 + timedelta(minutes=25),
                DEVON.person,
                "Hi Kwame, thanks, the SameSite detail is very useful and I've passed it straight to engineering. "
                "We're treating this as urgent and I'll update you as soon as we know more.\n\nDevon",
                True,
            ),
            (
                h1 + timedelta(hours=1, minutes=5),
                DEVON.person,
                "Second enterprise SSO loop in two hours, same symptom as Meridian. Both SAML, different IdPs.",
                False,
            ),
            (
                w.ago(hours=7),
                w.customer("halcyon-media", "Kwame Asante"),
                "Any news? Our newsroom analysts have been locked out for most of the day.",
                True,
            ),
        ),
    )
    p1 = w.created(s.PINECREST_SSO_LOOP)
    w.ticket(
        s.PINECREST_SSO_LOOP,
        "pinecrest-insurance",
        "Megan Albright",
        subject="SAML login loops between OneLogin and Tessera",
        description=(
            "Good morning,\n\n"
            "All Pinecrest users authenticating to Tessera through OneLogin are caught in a redirect loop as of "
            "today. The OneLogin event log records successful authentications and SAML assertions being issued, "
            "but Tessera returns the user to the sign-in page each time. We have verified that our ACS URL matches "
            "your documentation exactly (https://app.tessera.example/sso/saml/acs, no trailing slash) and that the "
            "signing certificate is valid until 2028.\n\n"
            "This affects approximately 450 staff, including our claims analytics team. Please advise urgently.\n\n"
            "Regards,\nMegan Albright\nIdentity Architect, Pinecrest Insurance"
        ),
        status="open",
        priority="urgent",
        type_="incident",
        channel="email",
        tags=("sso", "saml", "onelogin", "login", "enterprise"),
        area="sso",
        assignee=AISHA,
        linked=(s.ENG_SSO_LOOP,),
        comments=(
            (
                p1 + timedelta(minutes=31),
                AISHA.person,
                "Dear Megan,\n\nThank you for checking the ACS URL and certificate. We are aware of an SSO sign-in "
                "problem affecting several customers since our latest release and engineering is working on it with "
                "the highest priority. No change is needed on your side.\n\nAisha Karimi\nTessera Support",
                True,
            ),
            (p1 + timedelta(minutes=33), AISHA.person, "Linked to ENG-3430.", False),
        ),
    )
    t1 = w.created(s.TIDEWATER_SSO_LOOP)
    w.ticket(
        s.TIDEWATER_SSO_LOOP,
        "tidewater-energy",
        "Luis Carvajal",
        subject="Login loop after SSO since yesterday",
        description=(
            "SSO broken for us since yesterday evening. Okta -> Tessera -> login page -> Okta -> ... forever. Tried "
            "clearing cookies, incognito, different browsers. Same. Nothing changed on our side.\n\n"
            "Is this on your end? We saw a release note for 2026.11.3 yesterday.\n\n"
            "Luis\nTidewater Energy IT"
        ),
        status="open",
        priority="urgent",
        type_="incident",
        channel="web",
        tags=("sso", "saml", "okta", "login", "enterprise"),
        area="sso",
        assignee=SOFIA,
        linked=(s.ENG_SSO_LOOP,),
        comments=(
            (
                t1 + timedelta(minutes=18),
                SOFIA.person,
                "Hi Luis, yes, this is on our side and related to the 2026.11.3 release. Engineering is preparing a "
                "fix. Admins can still sign in with a password if you need to get in urgently.\n\nSofia",
                True,
            ),
            (t1 + timedelta(minutes=20), SOFIA.person, "ENG-3430. Fourth enterprise account.", False),
            (
                t1 + timedelta(hours=1, minutes=40),
                w.customer("tidewater-energy", "Luis Carvajal"),
                "Our field ops dashboards are on public screens in the control rooms and currently show a login "
                "page. Please hurry.",
                True,
            ),
        ),
    )
    i1 = w.created(s.IRONWOOD_SSO_LOOP)
    w.ticket(
        s.IRONWOOD_SSO_LOOP,
        "ironwood-manufacturing",
        "Patrick Keane",
        subject="Can't log in via SSO - redirect loop (HAR attached)",
        description=(
            "Hello, our users can't log into Tessera. After the Microsoft login they get bounced back to the "
            "Tessera login page, over and over (14 redirects in 20 seconds in the HAR I attached).\n\n"
            + _LOOP_HAR.format(idp="https://login.ironwoodmfg.example/adfs/ls/?SAMLRequest=...")
            + "\nConsole:\n"
            '  Cookie "tsr_session" was blocked: SameSite=Strict on a cross-site response\n\n'
            "We need this fixed today, our plant managers use the Tessera dashboards for shift handover.\n\n"
            "Patrick Keane\nIT Manager, Ironwood Manufacturing"
        ),
        status="open",
        priority="urgent",
        type_="incident",
        channel="email",
        tags=("sso", "saml", "azure-ad", "login", "enterprise"),
        area="sso",
        assignee=DEVON,
        linked=(s.ENG_SSO_LOOP,),
        comments=(
            (
                i1 + timedelta(minutes=21),
                DEVON.person,
                "Hi Patrick, thanks for the HAR. This is a known problem since our latest release, not your Azure AD "
                "setup. Engineering is working on a fix and I'll keep you updated here.\n\nDevon",
                True,
            ),
            (i1 + timedelta(minutes=24), DEVON.person, "Linked ENG-3430 (5th enterprise account).", False),
        ),
    )
    w.issue(
        s.ENG_SSO_LOOP,
        "SAML login loop after 2026.11.3: tsr_session blocked (SameSite=Strict) on the ACS POST",
        (
            "Since 2026.11.3 (deployed "
            f"{_stamp(release)} UTC) SAML sign-in loops: the IdP POSTs the SAMLResponse to /sso/saml/acs, we answer "
            "302 /login with Set-Cookie tsr_session, the browser drops the cookie, /login finds no session and "
            "redirects to the IdP again.\n\n"
            "Cause: the cookie hardening change in 2026.11.3 switched tsr_session from SameSite=Lax to "
            "SameSite=Strict. The ACS POST comes from the IdP's origin, so it's a cross-site response and browsers "
            "refuse to set a Strict cookie on it. Every SAML workspace is affected (Okta, Entra ID, OneLogin; SP- "
            "and IdP-initiated). Password logins are not affected.\n\n"
            "Rollback is not possible (2026.11.3 also migrated the sessions table). Hotfix 2026.11.4 sets "
            "tsr_session back to SameSite=Lax; canary first, then all regions."
        ),
        kind="bug",
        status="in_progress",
        priority="highest",
        created_at=w.ago(hours=15, minutes=5),
        updated_at=w.ago(hours=2),
        labels=("sso", "saml", "regression", "customer-impact", "sev2"),
        components=("auth", "web-session"),
        tickets=(
            s.MERIDIAN_SSO_LOOP.id,
            s.HALCYON_SSO_LOOP.id,
            s.PINECREST_SSO_LOOP.id,
            s.TIDEWATER_SSO_LOOP.id,
            s.IRONWOOD_SSO_LOOP.id,
        ),
        accounts=(
            "meridian-freight",
            "halcyon-media",
            "pinecrest-insurance",
            "tidewater-energy",
            "ironwood-manufacturing",
        ),
    )
    w.thread(
        s.SSO_INCIDENT_ROOT,
        HANA.person,
        "SSO login loop reported by several Enterprise customers since 2026.11.3 went out. SAML ACS POST -> 302 "
        "/login -> IdP -> ACS ... The session cookie is blocked on the ACS response (SameSite=Strict). Opening "
        "ENG-3430, treating as sev2.",
        (
            (
                _reply(s.ENG_INCIDENTS, hours=15, micro=71442),
                TARIQ.person,
                "Confirmed in staging with our Okta dev tenant. The cookie hardening in 2026.11.3 flipped tsr_session "
                "from Lax to Strict; the IdP POST to /sso/saml/acs is cross-site so the browser drops it.",
            ),
            (
                _reply(s.ENG_INCIDENTS, hours=13, micro=90157),
                AISHA.person,
                "Support: three enterprise accounts so far (Meridian Freight, Halcyon Media, Pinecrest Insurance). "
                "All SAML, none changed their config.",
            ),
            (
                _reply(s.ENG_INCIDENTS, hours=6, micro=12908),
                HANA.person,
                "Rollback attempt failed: 2026.11.3 also ran the sessions table migration, we can't roll back "
                "cleanly. Going with hotfix 2026.11.4 (tsr_session back to SameSite=Lax).",
            ),
            (
                _reply(s.ENG_INCIDENTS, hours=2, minutes=30, micro=440671),
                AISHA.person,
                "Now five: + Tidewater Energy, Ironwood Manufacturing. Everyone is asking for an ETA.",
            ),
            (
                _reply(s.ENG_INCIDENTS, hours=2, micro=501239),
                HANA.person,
                "2026.11.4 is in CI. If the canary is clean, production tomorrow morning UTC.",
            ),
        ),
    )
    w.thread(
        s.MERIDIAN_SHARED_LOOP,
        sanna,
        "Still looping on our side. Dispatch planning is running off spreadsheets today. Any ETA?",
        (
            (
                _reply(s.EXT_MERIDIAN, hours=11, minutes=30, micro=8812),
                TOMAS.person,
                "Hi Sanna, engineering found the cause (a change in yesterday's release) and is working on the fix. "
                "I'll post here as soon as I have a time.",
            ),
        ),
    )
    w.article(
        s.KB_SSO_TRAILING_SLASH,
        "SSO redirect loop when the ACS URL has a trailing slash",
        (
            "Symptom: after signing in at the identity provider, users are sent back to the Tessera login page and "
            "the sign-in starts over. The IdP shows a successful authentication.\n\n"
            "Cause: the Assertion Consumer Service (ACS) URL configured in the identity provider ends with a slash "
            "(https://app.tessera.example/sso/saml/acs/). Tessera redirects that address to the canonical one with "
            "a GET, the SAML response is lost on the way, and no session is created.\n\n"
            "This happens right after the SAML app is set up or edited. It does not happen to a configuration that "
            "has been working."
        ),
        kind="known-issue",
        area="sso",
        labels=("sso", "saml", "login"),
        updated_at=w.ago(days=210),
        workaround=(
            "In the identity provider's SAML app settings, set the ACS URL (Reply URL in Entra ID) to exactly "
            "https://app.tessera.example/sso/saml/acs, with no trailing slash, save, and sign in again from a new "
            "browser window."
        ),
    )


def _audit_log_churn(w: _StoryWriter) -> None:
    renewal = w.accounts["kestrel-bank"].renewal_date
    k0 = w.created(s.KESTREL_AUDIT_QUESTION)
    samuel = w.customer("kestrel-bank", "Samuel Okonjo")
    w.ticket(
        s.KESTREL_AUDIT_QUESTION,
        "kestrel-bank",
        "Samuel Okonjo",
        subject="Exporting audit logs to Splunk?",
        description=(
            "Hi,\n\nIs there a way to export the Tessera audit log (sign-ins, permission changes, API key creation) "
            "to our SIEM? Splunk HEC or an S3 drop would both work for us. We need at least 12 months of history for "
            "our regulator.\n\nThanks,\nSamuel Okonjo\nHead of Security Operations, Kestrel Bank"
        ),
        status="closed",
        priority="normal",
        type_="question",
        channel="email",
        tags=("audit-log", "siem", "feature-request"),
        area="audit-log",
        assignee=MEI,
        linked=(s.PROD_AUDIT_EXPORT,),
        solved_at=k0 + timedelta(days=1, hours=2),
        comments=(
            (
                k0 + timedelta(hours=1, minutes=40),
                MEI.person,
                "Hi Samuel,\n\nThanks for asking. Today the audit log can be viewed and filtered in Settings > Audit "
                "log and keeps 90 days of events, but it can't be exported or streamed to a SIEM. I've logged your "
                "use case (Splunk, 12 months retention) with our product team and added Kestrel Bank to the existing "
                "feature request, so you'll hear from us when it's planned.\n\nMei\nTessera Support",
                True,
            ),
            (k0 + timedelta(hours=1, minutes=45), MEI.person, "Added Kestrel Bank to PROD-412.", False),
            (
                k0 + timedelta(hours=20),
                samuel,
                "Understood, thanks. Please keep us posted - this will come up in our next regulatory review.",
                True,
            ),
        ),
    )
    k1 = w.created(s.KESTREL_AUDIT_ULTIMATUM)
    w.ticket(
        s.KESTREL_AUDIT_ULTIMATUM,
        "kestrel-bank",
        "Ingrid Hallberg",
        subject="Audit log export - requirement for our renewal",
        description=(
            "Dear Tessera team,\n\n"
            "I am writing to you directly because this has now become a blocking issue for us.\n\n"
            "Our regulator requires that we retain audit logs for every third-party platform that processes customer "
            "data for at least one year, and that we can stream them into our SIEM (Splunk Enterprise Security). "
            "Tessera only shows 90 days of audit events in the product and offers no export or streaming. We raised "
            f"this in {_md(k0)} (your ref #{s.KESTREL_AUDIT_QUESTION.id}) and were told a feature request had been "
            "logged. We have heard nothing since.\n\n"
            "To be explicit: without a committed delivery date for audit log export (SIEM streaming and 12-month "
            f"retention) before our renewal on {_md(renewal) if renewal else 'the renewal date'}, we will not be able "
            "to renew. Our procurement team has already been asked to prepare alternatives.\n\n"
            "I would like a call with your VP of Product, or another member of your leadership team, this week to "
            "discuss a roadmap commitment.\n\n"
            "Regards,\nIngrid Hallberg\nChief Information Security Officer, Kestrel Bank"
        ),
        status="open",
        priority="high",
        type_="question",
        channel="email",
        tags=("audit-log", "siem", "renewal", "enterprise", "executive"),
        area="audit-log",
        assignee=MEI,
        linked=(s.PROD_AUDIT_EXPORT,),
        comments=(
            (
                k1 + timedelta(minutes=55),
                MEI.person,
                "Dear Ingrid,\n\nThank you for setting this out so clearly. I've shared your message with your account "
                "team (Marcus Oyelaran) and our product team, and I'll come back to you today about the call you "
                "asked for.\n\nMei Tanaka\nTessera Support",
                True,
            ),
            (
                k1 + timedelta(hours=2, minutes=10),
                MARCUS.person,
                "Context for whoever picks this up: Kestrel had a demo with a competitor last week (their Head of "
                "SecOps told me, sounds like Segmentry). Audit log export is the gap they keep quoting. Renewal is "
                "$620k and closes in four weeks. This needs leadership and product, not a ticket reply. Churn risk "
                "is real.",
                False,
            ),
            (k1 + timedelta(hours=2, minutes=15), MEI.person, "Linked to PROD-412.", False),
        ),
    )
    w.issue(
        s.PROD_AUDIT_EXPORT,
        "Audit log export and SIEM streaming",
        (
            "Customers in regulated industries need audit events outside Tessera: export (CSV/JSON to S3 or GCS) and "
            "streaming to a SIEM (Splunk HEC, Microsoft Sentinel, Datadog), with retention of at least 12 months. "
            "Today the audit log keeps 90 days and is view-only in Settings > Audit log.\n\n"
            "Requests so far: Kestrel Bank (regulator, Splunk), Pinecrest Insurance (Sentinel), Umbrella Health "
            "(HIPAA evidence), Larkspur Systems (SOC 2 auditors), Copperleaf Foods (retention only).\n\n"
            "This is the missing feature regulated enterprise accounts quote most often, and it has come up as a "
            "churn risk in renewal conversations.\n\n"
            "Open questions: storage cost of 12-month retention; whether streaming ships before export; event schema "
            "versioning."
        ),
        kind="feature",
        status="open",
        priority="medium",
        created_at=w.ago(days=118),
        updated_at=w.ago(days=9),
        labels=("audit-log", "compliance", "enterprise-ask"),
        components=("audit-log",),
        tickets=(s.KESTREL_AUDIT_QUESTION.id, s.KESTREL_AUDIT_ULTIMATUM.id),
        accounts=(
            "kestrel-bank",
            "pinecrest-insurance",
            "umbrella-health",
            "larkspur-systems",
            "copperleaf-foods",
        ),
    )
    w.thread(
        s.AUDIT_FEEDBACK_REQUEST,
        TOMAS.person,
        "Another audit log export request: Pinecrest Insurance wants to stream audit events into Microsoft Sentinel "
        "and keep a year of history. Added them to PROD-412, that's five accounts on it now.",
        (
            (
                _reply(s.PRODUCT_FEEDBACK, days=9, hours=1, micro=2211),
                ELISE.person,
                "Thanks. It's on the candidate list for next half, no date yet. Storage cost for 12-month retention "
                "is the open question.",
            ),
        ),
    )
    w.thread(
        s.KESTREL_RENEWAL_AT_RISK,
        MARCUS.person,
        f"Kestrel Bank renewal ($620k, closes {_md(renewal) if renewal else 'next month'}) is at risk. Their CISO put "
        "it in writing: no committed date for audit log export, no renewal. They want a call with our VP Product this "
        "week. Health moved to red.",
        (
            (
                _reply(s.CS_ENTERPRISE, hours=19, minutes=30, micro=377120),
                ROSA.person,
                "Thanks Marcus. Looping in Camille. Let's get product and leadership in a room tomorrow.",
            ),
            (
                _reply(s.CS_ENTERPRISE, hours=18, micro=400026),
                CAMILLE.person,
                "Happy to take the call. I can't commit a date before we size PROD-412; Elise, can we have a rough "
                "estimate by Thursday?",
            ),
        ),
    )
    w.article(
        s.KB_AUDIT_LOG_REFERENCE,
        "Audit log: what is recorded and how long it is kept",
        (
            "The audit log records security-relevant actions in your workspace: sign-ins and failed sign-ins, SSO "
            "and SCIM configuration changes, user invitations, role changes and removals, API key creation and "
            "revocation, export and webhook configuration changes, and deletions of dashboards and segments.\n\n"
            "Each entry shows who acted, when, from which IP address and what changed.\n\n"
            "Retention: events are kept for 90 days and can be viewed and filtered in Settings > Audit log by "
            "workspace admins.\n\n"
            "Known limitation: audit events cannot currently be exported or streamed to external systems such as a "
            "SIEM. If you need this, contact your account team."
        ),
        kind="reference",
        area="audit-log",
        labels=("audit-log", "security", "compliance"),
        updated_at=w.ago(days=160),
    )


def _webhook_signature(w: _StoryWriter) -> None:
    o1 = w.created(s.ORCHID_SIGNATURE)
    w.ticket(
        s.ORCHID_SIGNATURE,
        "orchid-retail",
        "Jess Tamura",
        subject="Webhook signature verification failing (HMAC mismatch)",
        description=(
            "Hi! We're setting up webhooks for profile.updated and every single delivery fails our signature check. "
            "We compute HMAC-SHA256 with the signing secret from the dashboard and compare it with the v1 value of "
            "the Tessera-Signature header, but they never match.\n\n"
            "Our handler (Express):\n\n"
            "app.post('/hooks/tessera', express.json(), (req, res) => {\n"
            "  const header = req.get('Tessera-Signature'); // t=1731512345,v1=5b0c9e...\n"
            "  const [t, v1] = header.split(',').map((part) => part.split('=')[1]);\n"
            "  const expected = crypto\n"
            "    .createHmac('sha256', process.env.TESSERA_WEBHOOK_SECRET)\n"
            "    .update(`${t}.${JSON.stringify(req.body)}`)\n"
            "    .digest('hex');\n"
            "  if (expected !== v1) return res.status(401).send('bad signature');\n"
            "  // ...\n"
            "});\n\n"
            "We double-checked the secret (rotated it once, same result). Are we doing something wrong or is the "
            "signature broken on your side?\n\nThanks, Jess (Orchid Retail)"
        ),
        status="pending",
        priority="normal",
        type_="problem",
        channel="web",
        tags=("webhooks", "signature"),
        area="webhooks",
        assignee=BEN,
        comments=(
            (
                o1 + timedelta(hours=2, minutes=15),
                BEN.person,
                "Hi Jess,\n\nThanks for including the handler, that makes it easy to spot. express.json() parses the "
                "body, and JSON.stringify(req.body) produces different bytes from what we signed (key order, spacing "
                "and unicode escaping can all change). The signature has to be computed over the raw request body, "
                "exactly as received.\n\nSwap express.json() for express.raw({ type: 'application/json' }) on that "
                "route and use req.body (a Buffer) in the HMAC, then JSON.parse it afterwards. Details in our article "
                f"{s.KB_WEBHOOK_SIGNATURES} 'Webhook signatures do not match'.\n\nBen\nTessera Support",
                True,
            ),
            (
                o1 + timedelta(hours=3),
                w.customer("orchid-retail", "Jess Tamura"),
                "ahh that makes sense. I'll change it tomorrow morning and let you know.",
                True,
            ),
        ),
    )
    for fixed, account, requester, subject, body, fix in (
        (
            s.HARBOR_SIGNATURE_SOLVED,
            "harbor-goods",
            "Lucy Pemberton",
            "Tessera-Signature never matches in our Flask app",
            "Hello, we verify webhook signatures in Flask like this:\n\n"
            "    payload = json.dumps(request.get_json())\n"
            '    expected = hmac.new(secret, f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()\n\n'
            "and hmac.compare_digest(expected, v1) is always False. Secret is correct (copied twice). Help?\n\nLucy",
            "Hi Lucy, json.dumps(request.get_json()) re-serialises the payload, so the bytes differ from what we "
            "signed. Use request.get_data() (the raw body) in the HMAC instead. Full example in "
            f"{s.KB_WEBHOOK_SIGNATURES}. Let me know if it still fails!",
        ),
        (
            s.LUMEN_SIGNATURE_SOLVED,
            "lumen-dental",
            "Arjun Pillai",
            "Webhook signature mismatch after PHP upgrade",
            "Since we moved our webhook receiver to a new PHP service the signature check fails for all deliveries. "
            "We do json_encode(json_decode($body, true)) to normalise the payload before hashing. Signature header "
            "looks like t=...,v1=... Same secret as before.",
            "Hi Arjun, json_decode/json_encode changes the bytes (for example PHP escapes forward slashes by "
            "default), so the HMAC no longer matches. Hash the raw body from file_get_contents('php://input') "
            f"instead; see {s.KB_WEBHOOK_SIGNATURES}.",
        ),
    ):
        created = w.created(fixed)
        w.ticket(
            fixed,
            account,
            requester,
            subject=subject,
            description=body,
            status="closed",
            priority="normal",
            type_="problem",
            channel="web",
            tags=("webhooks", "signature"),
            area="webhooks",
            assignee=BEN if account == "harbor-goods" else SOFIA,
            solved_at=created + timedelta(hours=30),
            comments=(
                (
                    created + timedelta(hours=3),
                    (BEN if account == "harbor-goods" else SOFIA).person,
                    fix,
                    True,
                ),
                (
                    created + timedelta(hours=27),
                    w.customer(account, requester),
                    "That was it, verification passes now. Thanks!",
                    True,
                ),
            ),
        )
    w.article(
        s.KB_WEBHOOK_SIGNATURES,
        "Webhook signatures do not match",
        (
            "Every webhook delivery carries a Tessera-Signature header of the form t=<unix time>,v1=<hex digest>. "
            "The digest is HMAC-SHA256, keyed with the endpoint's signing secret, over the string "
            "<t>.<raw request body>.\n\n"
            "Symptom: your computed digest never matches v1, for every delivery, even with the right secret.\n\n"
            "Cause: the body was parsed and serialised again before hashing (JSON.stringify, json.dumps, "
            "json_encode, a framework's JSON middleware). Re-serialised JSON differs from the bytes we sent in key "
            "order, whitespace or escaping, so the digest differs.\n\n"
            "Also check that you use the secret of this endpoint (each endpoint has its own) and compare digests "
            "with a constant-time function."
        ),
        kind="known-issue",
        area="webhooks",
        labels=("webhooks", "signature", "security"),
        updated_at=w.ago(days=120),
        workaround=(
            "Compute the HMAC over the raw request body exactly as received, before any JSON parsing: express.raw() "
            "in Express, request.get_data() in Flask, await request.body() in FastAPI, "
            "file_get_contents('php://input') in PHP. Parse the JSON only after the signature is verified."
        ),
    )


def _security_cross_tenant(w: _StoryWriter) -> None:
    f1 = w.created(s.FERNHILL_OTHER_WORKSPACE)
    w.ticket(
        s.FERNHILL_OTHER_WORKSPACE,
        "fernhill-studio",
        "Olivia Brandt",
        subject="Not sure if this is a problem - seeing a different company's dashboards",
        description=(
            "Hi there,\n\n"
            "I'm not sure if this is expected or if I'm doing something wrong, so apologies if it's a silly "
            "question.\n\n"
            "I was sharing a dashboard link with a colleague and noticed our workspace id in the URL: "
            "https://app.tessera.example/w/ws_4481/dashboards. Out of curiosity I changed it to ws_4482 and the page "
            "loaded dashboards that aren't ours. They look like another company's charts (different product names, "
            "revenue by region and so on). I didn't click into anything and went straight back to our workspace.\n\n"
            "Is this how it's supposed to work? I just wanted to let someone know in case it isn't.\n\n"
            "Thanks so much,\nOlivia\nFernhill Studio"
        ),
        status="new",
        priority="normal",
        type_="question",
        channel="web",
        tags=("dashboards",),
        area="dashboards",
        assignee=None,
        comments=(
            (
                f1 + timedelta(minutes=20),
                w.customer("fernhill-studio", "Olivia Brandt"),
                "Sorry, one more thing: I checked once more in a private window, logged in as myself, to make sure it "
                "wasn't something cached, and it was the same. I haven't shared the link with anyone.",
                True,
            ),
        ),
    )


def _acme_logistics_webhooks(w: _StoryWriter) -> None:
    l1 = w.created(s.ACME_LOGISTICS_WEBHOOKS)
    first_410 = l1 - timedelta(hours=7, minutes=18)
    log = "\n".join(
        f"  {_stamp(first_410 + timedelta(minutes=minutes))}  {event:<16} POST  410 Gone  attempt {attempt}/5"
        for minutes, event, attempt in (
            (0, "profile.updated", 1),
            (1, "profile.updated", 2),
            (6, "segment.entered", 1),
            (31, "profile.updated", 3),
            (94, "segment.entered", 3),
        )
    )
    w.ticket(
        s.ACME_LOGISTICS_WEBHOOKS,
        "acme-logistics",
        "Jordan Reyes",
        subject="Webhooks stopped firing",
        description=(
            "Hi, Jordan from Acme here. Our webhooks stopped firing at some point yesterday - we haven't received a "
            f"profile.updated or segment.entered event since around {_hm(first_410)} UTC. Nothing changed in our "
            "Tessera settings as far as I know. Can you check if something is wrong on your end?\n\n"
            "Jordan Reyes\nAcme Logistics"
        ),
        status="pending",
        priority="normal",
        type_="problem",
        channel="email",
        tags=("webhooks",),
        area="webhooks",
        assignee=DEVON,
        comments=(
            (
                l1 + timedelta(hours=1, minutes=10),
                DEVON.person,
                "Hi Jordan,\n\nI had a look at the delivery log for your endpoint "
                "https://hooks.acmelogistics.example/tessera:\n\n"
                f"{log}\n  ...\n"
                f"  {_stamp(first_410 + timedelta(hours=2, minutes=40))}  endpoint disabled after 25 consecutive "
                "410 responses\n\n"
                "Your endpoint started answering 410 Gone at that time. We treat 410 as 'this endpoint no longer "
                "exists' and disable the endpoint automatically after repeated 410s, which is why deliveries "
                "stopped. Could you check whether that route was removed or renamed in a recent deploy on your side? "
                "Once it returns 2xx again you can re-enable it under Settings > Webhooks (steps in "
                f"{s.KB_WEBHOOK_DISABLED}), and you can replay the missed events from the same page.\n\n"
                "Devon\nTessera Support",
                True,
            ),
            (
                l1 + timedelta(hours=1, minutes=12),
                DEVON.person,
                "Delivery log: 25x 410 from the customer's endpoint, auto-disabled. Nothing on our side. Waiting on "
                "customer.",
                False,
            ),
        ),
    )
    w.article(
        s.KB_WEBHOOK_DISABLED,
        "Webhook endpoint disabled after repeated failures",
        (
            "Tessera disables a webhook endpoint automatically when it answers 410 Gone 25 times in a row, or fails "
            "(timeouts, connection errors, 5xx) continuously for 72 hours. The endpoint shows a Disabled badge in "
            "Settings > Webhooks and the workspace admins get an email.\n\n"
            "To find out why: open the endpoint and look at Recent deliveries. The status column shows what your "
            "server answered. A 410 means your server says the route no longer exists; 404 often means a renamed "
            "path; 401/403 means your server rejected our request."
        ),
        kind="troubleshooting",
        area="webhooks",
        labels=("webhooks", "delivery"),
        updated_at=w.ago(days=75),
        workaround=(
            "1. Fix the endpoint so it returns a 2xx status (use Send test event to check). 2. In Settings > "
            "Webhooks, open the endpoint and click Re-enable. 3. Use Replay failed deliveries to resend events from "
            "the last 7 days."
        ),
    )


def _scim_sla_breach(w: _StoryWriter) -> None:
    b1 = w.created(s.BLUEFIN_SCIM_IMPORT)
    anika = w.customer("bluefin-capital", "Anika Sorensen")
    w.ticket(
        s.BLUEFIN_SCIM_IMPORT,
        "bluefin-capital",
        "Anika Sorensen",
        subject="SCIM bulk import failing - blocked onboarding ~400 employees",
        description=(
            "Hi,\n\n"
            "We're trying to provision our staff into Tessera via SCIM from Okta (bulk import, 412 users). Every "
            "single user fails with:\n\n"
            "HTTP/1.1 400 Bad Request\n"
            '{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"invalid_attribute: '
            'emails[0].type","status":"400"}\n\n'
            "We're blocked onboarding ~400 employees who are supposed to start using Tessera this week. Our Okta app "
            "uses the default attribute mappings. Pushing a single test user from Okta fails the same way.\n\n"
            "SCIM base URL: https://api.tessera.example/scim/v2\n\n"
            "Anika Sorensen\nIT Systems Manager, Bluefin Capital"
        ),
        status="open",
        priority="high",
        type_="problem",
        channel="email",
        tags=("scim", "provisioning", "okta", "import"),
        area="scim",
        assignee=LUCAS,
        comments=(
            (
                b1 + timedelta(hours=6, minutes=10),
                LUCAS.person,
                "Hi Anika,\n\nSorry for the slow first reply. Could you confirm the SCIM token was generated by a "
                "workspace admin, and send us the raw request body Okta sends for one failing user (Okta System Log > "
                "the failed push event > Debug context)?\n\nLucas\nTessera Support",
                True,
            ),
            (
                b1 + timedelta(hours=8),
                anika,
                "Token was created by me, I'm workspace admin. Request body for one user:\n\n"
                "POST /scim/v2/Users\n"
                '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],'
                '"userName":"a.kowalski@bluefincapital.example",'
                '"name":{"givenName":"Adam","familyName":"Kowalski"},'
                '"emails":[{"primary":true,"value":"a.kowalski@bluefincapital.example","type":"work"}],'
                '"active":true}\n\n'
                "Response is the same 400 invalid_attribute: emails[0].type.",
                True,
            ),
            (
                b1 + timedelta(days=1, hours=2),
                LUCAS.person,
                "Thanks Anika. 'work' is a valid type, so this is unexpected. Could you try removing the type from the "
                "email mapping in Okta as a test and push one user again?",
                True,
            ),
            (
                b1 + timedelta(days=1, hours=20),
                anika,
                "Okta still sends type:'work' for the primary email - it's not editable in the Tessera SCIM app "
                "template. Same error. Honestly we're stuck, it's been almost two days.",
                True,
            ),
            (
                b1 + timedelta(days=2, hours=1),
                LUCAS.person,
                "Tried the exact payload against our SCIM test harness: 201 Created on a test workspace. Can't "
                "reproduce. Could be workspace-specific (custom email domain policy?). Need someone who can read the "
                "prod SCIM request logs for bluefin-capital.",
                False,
            ),
            (
                w.ago(hours=6),
                anika,
                "Any update? We had to push back onboarding for the new joiners, people are working without access. "
                "Please escalate this.",
                True,
            ),
        ),
    )


def _duplicate_alerts(w: _StoryWriter) -> None:
    fixed_at = w.ago(days=21, hours=4)
    reopened = w.ago(days=2, hours=2)
    older = (
        (
            s.BRIGHTLINE_DUPLICATES_BEFORE_FIX,
            "brightline-health",
            "Derek Fontaine",
            "Getting every alert twice in Slack",
            "Hello, since last week every alert from our 'Missed appointments' rule arrives twice in our Slack "
            "channel and twice by email, a few seconds apart. It started after we changed the rule's threshold. Is "
            "this a known thing?\n\nDerek Fontaine\nBrightline Health",
        ),
        (
            s.COPPERLEAF_DUPLICATES_BEFORE_FIX,
            "copperleaf-foods",
            "Gemma Strickland",
            "Duplicate alert emails",
            "We receive duplicate alert emails for the 'Checkout conversion drop' alert. Same alert, same "
            "timestamp, two emails. We edited the alert's recipients on Monday, not sure if related.",
        ),
        (
            s.QUARRY_DUPLICATES_BEFORE_FIX,
            "quarry-labs",
            "Dana Kim",
            "alerts firing 2x after editing threshold",
            "after I edited the threshold on our error-rate alert it now notifies twice each time (slack + email "
            "both doubled). deleting and recreating the rule fixes it but that loses the history. bug?",
        ),
    )
    for fixed, account, requester, subject, body in older:
        created = w.created(fixed)
        w.ticket(
            fixed,
            account,
            requester,
            subject=subject,
            description=body,
            status="closed",
            priority="normal",
            type_="problem",
            channel="web",
            tags=("notifications", "alerts", "duplicate"),
            area="notifications",
            assignee=SOFIA,
            linked=(s.ENG_DUPLICATE_ALERTS,),
            solved_at=fixed_at + timedelta(hours=2),
            comments=(
                (
                    created + timedelta(hours=2),
                    SOFIA.person,
                    "Thanks for reporting this. It's a known bug: editing an alert rule can leave the previous "
                    "version scheduled as well, so each trigger notifies twice. Disabling and re-enabling the rule "
                    "after an edit stops the duplicates. Engineering is working on a fix and I'll update this ticket "
                    "when it ships.",
                    True,
                ),
                (created + timedelta(hours=2, minutes=5), SOFIA.person, "Linked to ENG-3120.", False),
                (
                    fixed_at + timedelta(hours=2),
                    SOFIA.person,
                    "Good news: the fix for duplicate alert notifications shipped in release 2026.10.2, which is live "
                    "for all workspaces. No action is needed on your side. I'm marking this solved; reply any time if "
                    "you see duplicates again.",
                    True,
                ),
            ),
        )
    d1 = w.created(s.BRIGHTLINE_DUPLICATES_BACK)
    derek = w.customer("brightline-health", "Derek Fontaine")
    w.ticket(
        s.BRIGHTLINE_DUPLICATES_BACK,
        "brightline-health",
        "Derek Fontaine",
        subject="Duplicate alert notifications are back",
        description=(
            f"Hi, we were told this was fixed in 2026.10.2 (our ticket #{s.BRIGHTLINE_DUPLICATES_BEFORE_FIX.id}) but "
            "since yesterday we're getting each alert twice again, in Slack #clinops-alerts and by email. Rules "
            "affected: 'Missed appointments' and 'Intake backlog'. We edited both via the API last week. The "
            "disable/re-enable trick doesn't help this time.\n\nDerek"
        ),
        status="open",
        priority="normal",
        type_="problem",
        channel="web",
        tags=("notifications", "alerts", "duplicate", "regression"),
        area="notifications",
        assignee=SOFIA,
        linked=(s.ENG_DUPLICATE_ALERTS,),
        comments=(
            (
                d1 + timedelta(hours=1, minutes=30),
                SOFIA.person,
                "Hi Derek, sorry about this. Could you send the rule ids (from the rule's URL) and one example of a "
                "doubled alert with its time? I'll check whether this is the same issue as before.",
                True,
            ),
            (
                d1 + timedelta(hours=3),
                derek,
                "Rule ids rul_58Kd2 and rul_58Kd9. Example: 'Missed appointments' fired at 07:00:04 and 07:00:06 UTC "
                "today, both posted to Slack and both emailed.",
                True,
            ),
        ),
    )
    d2 = w.created(s.COPPERLEAF_DUPLICATES_AGAIN)
    w.ticket(
        s.COPPERLEAF_DUPLICATES_AGAIN,
        "copperleaf-foods",
        "Gemma Strickland",
        subject="Alerts duplicated again",
        description=(
            "Hello again - the duplicate alert emails we reported a few weeks ago are happening again since "
            "yesterday. 'Checkout conversion drop' and 'Inventory sync stale' both send two emails and two Slack "
            "posts per trigger. Was the fix rolled back?\n\nGemma Strickland\nCopperleaf Foods"
        ),
        status="open",
        priority="normal",
        type_="problem",
        channel="email",
        tags=("notifications", "alerts", "duplicate"),
        area="notifications",
        assignee=BEN,
        comments=(
            (
                d2 + timedelta(hours=2),
                BEN.person,
                "Hi Gemma, the fix wasn't rolled back, so this needs a closer look. I've passed your example to "
                "engineering together with another customer's report. I'll update you as soon as I know more.",
                True,
            ),
            (
                d2 + timedelta(hours=2, minutes=10),
                BEN.person,
                "Second report since the fix. Asking about ENG-3120.",
                False,
            ),
        ),
    )
    d3 = w.created(s.BRIGHTLINE_ONCALL_PAGED_TWICE)
    w.ticket(
        s.BRIGHTLINE_ONCALL_PAGED_TWICE,
        "brightline-health",
        "Yasmin Qureshi",
        subject="Double notifications again - on-call paged twice for every alert",
        description=(
            "Our on-call clinician lead was paged twice for every alert overnight (Slack + email, all doubled). "
            "This is the second time we're dealing with this and we were told it was fixed. Please escalate: "
            "alert fatigue is a patient-safety concern for us.\n\n"
            "Yasmin Qureshi\nHead of Clinical Systems, Brightline Health"
        ),
        status="open",
        priority="high",
        type_="problem",
        channel="email",
        tags=("notifications", "alerts", "duplicate", "regression"),
        area="notifications",
        assignee=SOFIA,
        linked=(s.ENG_DUPLICATE_ALERTS,),
        comments=(
            (
                d3 + timedelta(minutes=45),
                SOFIA.person,
                "Hi Yasmin, I'm sorry. The original bug has been reopened by engineering and your reports are linked "
                "to it. Until it's fixed, muting the Slack destination on the affected rules and keeping email (or "
                "the other way round) halves the noise.",
                True,
            ),
        ),
    )
    w.issue(
        s.ENG_DUPLICATE_ALERTS,
        "Alert notifications sent twice when a rule is edited",
        (
            "Editing an alert rule registers the new rule version with the scheduler without cancelling the job of "
            "the previous version, so each trigger notifies twice (Slack and email) until the notifications worker "
            "restarts.\n\n"
            f"Fixed in 2026.10.2: cancel the previous job on edit, dedupe deliveries on (rule id, version, trigger "
            f"time). Resolved {_md(fixed_at)}.\n\n"
            f"Reopened {_md(reopened)}: duplicates reported again by Brightline Health "
            f"(#{s.BRIGHTLINE_DUPLICATES_BACK.id}, #{s.BRIGHTLINE_ONCALL_PAGED_TWICE.id}) and Copperleaf Foods. "
            "Both edited rules through the API (PATCH /v2/alert-rules/{id}); the 2026.10.2 fix only covers edits made "
            "in the UI."
        ),
        kind="bug",
        status="reopened",
        priority="high",
        created_at=w.ago(days=52, hours=3),
        updated_at=reopened,
        labels=("notifications", "alerts", "customer-impact"),
        components=("notifications-worker", "alert-scheduler"),
        tickets=(
            s.BRIGHTLINE_DUPLICATES_BEFORE_FIX.id,
            s.COPPERLEAF_DUPLICATES_BEFORE_FIX.id,
            s.QUARRY_DUPLICATES_BEFORE_FIX.id,
            s.BRIGHTLINE_DUPLICATES_BACK.id,
            s.BRIGHTLINE_ONCALL_PAGED_TWICE.id,
        ),
        accounts=("brightline-health", "copperleaf-foods", "quarry-labs"),
        fix_version="2026.10.2",
        resolved_at=fixed_at,
        reopened_at=reopened,
    )
    w.thread(
        s.DUPLICATES_FIXED_ANNOUNCEMENT,
        WILLA.person,
        "FYI ENG-3120 (duplicate alert notifications after editing a rule) is fixed in 2026.10.2, rolled out to all "
        "regions. Support, you can close out the Brightline, Copperleaf and Quarry tickets.",
        (
            (
                _reply(s.SUPPORT_ESCALATIONS, days=21, hours=2, micro=911346),
                SOFIA.person,
                "Thanks Willa! Closing them with a note now.",
            ),
        ),
    )
    w.article(
        s.KB_DUPLICATE_ALERTS,
        "Alert notifications sent twice after editing a rule",
        (
            "Status: fixed in release 2026.10.2.\n\n"
            "Symptom: after an alert rule was edited, every trigger sent two notifications to each destination "
            "(Slack, email, webhook), a few seconds apart.\n\n"
            "Cause: the previous version of the rule stayed scheduled next to the edited one.\n\n"
            "Release 2026.10.2 corrects this for all workspaces; no action is needed. Rules edited before the "
            "release were cleaned up automatically."
        ),
        kind="known-issue",
        area="notifications",
        labels=("notifications", "alerts", "fixed"),
        updated_at=fixed_at + timedelta(hours=5),
        workaround="Before 2026.10.2: disable and re-enable the rule after editing it.",
    )


def _how_to_api_key(w: _StoryWriter) -> None:
    sa = w.created(s.SABLE_KEY_ROTATION)
    w.ticket(
        s.SABLE_KEY_ROTATION,
        "sable-analytics",
        "Mateo Ruiz",
        subject="Rotate API key without downtime?",
        description=(
            "Hey, our security policy now requires rotating API keys every 90 days. How do I rotate the server key "
            "we use for ingestion without dropping events while the new key rolls out to ~30 pods? Can two keys be "
            "active at the same time?\n\nThanks, Mateo (Sable Analytics)"
        ),
        status="new",
        priority="normal",
        type_="question",
        channel="web",
        tags=("api", "api-keys"),
        area="api",
        assignee=None,
        comments=(
            (
                sa + timedelta(minutes=40),
                w.customer("sable-analytics", "Mateo Ruiz"),
                "Also: when I revoke the old key, do in-flight requests that already authenticated fail?",
                True,
            ),
        ),
    )
    for fixed, account, requester, body, answer, agent in (
        (
            s.QUARRY_KEY_ROTATION_SOLVED,
            "quarry-labs",
            "Dana Kim",
            "what's the recommended way to rotate our API key? don't want to break ingestion during the switch",
            "Hi Dana, you can have several active keys, so: create a new key in Settings > API keys, roll it out, "
            "check the old key's 'Last used' column stops moving, then revoke the old one. Step by step in "
            f"{s.KB_ROTATING_KEYS}.",
            DEVON,
        ),
        (
            s.LUMEN_KEY_ROTATION_SOLVED,
            "lumen-dental",
            "Arjun Pillai",
            "Our auditors ask us to rotate the Tessera API key quarterly. Is there a way to do this with zero "
            "downtime, or do we need a maintenance window?",
            "Hi Arjun, no maintenance window needed. Keys are independent, so you can run old and new side by side "
            f"while you deploy, then revoke the old one. Article {s.KB_ROTATING_KEYS} has the steps.",
            RILEY,
        ),
    ):
        created = w.created(fixed)
        w.ticket(
            fixed,
            account,
            requester,
            subject="API key rotation"
            if account == "quarry-labs"
            else "Rotating the API key without downtime",
            description=body,
            status="closed",
            priority="low",
            type_="question",
            channel="web",
            tags=("api", "api-keys"),
            area="api",
            assignee=agent,
            solved_at=created + timedelta(hours=26),
            comments=(
                (created + timedelta(hours=4), agent.person, answer, True),
                (created + timedelta(hours=24), w.customer(account, requester), "Perfect, thanks.", True),
            ),
        )
    w.article(
        s.KB_ROTATING_KEYS,
        "Rotating API keys without downtime",
        (
            "A workspace can have up to 10 active API keys, and each works independently, so you can rotate a key "
            "without a maintenance window:\n\n"
            "1. In Settings > API keys, create a new key with the same scopes as the old one.\n"
            "2. Deploy the new key to every service that uses the old one.\n"
            "3. Watch the old key's Last used column. When it hasn't changed for a while, nothing uses it any more.\n"
            "4. Revoke the old key.\n\n"
            "Revoking takes effect within a minute. Requests already accepted are processed; new requests with the "
            "revoked key get 401 invalid_api_key."
        ),
        kind="how-to",
        area="api",
        labels=("api", "api-keys", "security"),
        updated_at=w.ago(days=180),
    )


def _look_alikes(w: _StoryWriter) -> None:
    """Older, solved tickets that share words with a scenario but have a different, resolved cause."""
    created = w.created(s.LARKSPUR_EXPORT_TIMEZONE)
    w.ticket(
        s.LARKSPUR_EXPORT_TIMEZONE,
        "larkspur-systems",
        "Kofi Mensah",
        subject="Export missing rows for the last day?",
        description=(
            "The daily export for yesterday has about 4,100 rows fewer than the Events dashboard shows for the same "
            "day. Are we missing data?"
        ),
        status="closed",
        priority="normal",
        type_="question",
        channel="web",
        tags=("exports", "timezone"),
        area="exports",
        assignee=MEI,
        solved_at=created + timedelta(days=1),
        comments=(
            (
                created + timedelta(hours=3),
                MEI.person,
                "Hi Kofi, no data is missing: the export runs for the UTC day while your dashboard is set to "
                "America/Chicago, so the two cover different 24 hours. Set the export's time zone to match "
                "(Export settings > Time zone) and the numbers will line up.",
                True,
            ),
            (
                created + timedelta(hours=20),
                w.customer("larkspur-systems", "Kofi Mensah"),
                "Yep, matches now.",
                True,
            ),
        ),
    )
    for fixed, account, requester, idp in (
        (s.LUMEN_ACS_TRAILING_SLASH, "lumen-dental", "Arjun Pillai", "Entra ID"),
        (s.QUARRY_ACS_TRAILING_SLASH, "quarry-labs", "Sven Aaltonen", "Okta"),
    ):
        created = w.created(fixed)
        w.ticket(
            fixed,
            account,
            requester,
            subject=f"Login loop right after setting up {idp} SSO",
            description=(
                f"We just configured SAML with {idp} and test users end up back on the Tessera login page after "
                "authenticating. Loop. What did we miss?"
            ),
            status="closed",
            priority="normal",
            type_="problem",
            channel="web",
            tags=("sso", "saml", "setup"),
            area="sso",
            assignee=DEVON,
            solved_at=created + timedelta(hours=5),
            comments=(
                (
                    created + timedelta(hours=1),
                    DEVON.person,
                    "The ACS URL in your IdP app ends with a slash (.../sso/saml/acs/). Remove the trailing slash and "
                    f"try again; see {s.KB_SSO_TRAILING_SLASH}.",
                    True,
                ),
                (created + timedelta(hours=4), w.customer(account, requester), "That was it, thanks!", True),
            ),
        )
    created = w.created(s.HARBOR_API_502_MAINTENANCE)
    w.ticket(
        s.HARBOR_API_502_MAINTENANCE,
        "harbor-goods",
        "Lucy Pemberton",
        subject="502 Bad Gateway from api.tessera.example last night",
        description=(
            "Between 02:00 and 02:20 UTC our jobs got 502 Bad Gateway from api.tessera.example for every call. "
            "Fine again now. Was there an outage?"
        ),
        status="closed",
        priority="low",
        type_="question",
        channel="web",
        tags=("api", "maintenance"),
        area="api",
        assignee=RILEY,
        solved_at=created + timedelta(hours=6),
        comments=(
            (
                created + timedelta(hours=2),
                RILEY.person,
                "Hi Lucy, that was our announced database maintenance window (status.tessera.example has the notice). "
                "The SDK retries 502s automatically; any calls that still failed can simply be re-sent.",
                True,
            ),
        ),
    )


def build_stories(now: datetime, accounts: Mapping[str, Account]) -> StoryRecords:
    """All scenario records, laid out relative to `now`."""
    writer = _StoryWriter(now, accounts)
    for story in (
        _api_500s,
        _export_missing_rows,
        _sso_login_loop,
        _audit_log_churn,
        _webhook_signature,
        _security_cross_tenant,
        _acme_logistics_webhooks,
        _scim_sla_breach,
        _duplicate_alerts,
        _how_to_api_key,
        _look_alikes,
    ):
        story(writer)
    return writer.out


__all__ = ["StoryRecords", "build_stories"]
