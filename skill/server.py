"""The MCP server: read tools for the five connector categories, the policy tool, write tools,
resources and prompt.

`build_server(registry, policy=...)` returns an `MCPServer`. Tools are thin: one connector call, a
compact view, the size cap. Connector failures are raised as tool errors whose text tells the model
what to do next; an HTTP failure never turns into an empty result. The write tools preview unless
``dry_run=false`` and go through `skill.actions` (allowlists, read-only mode, idempotency, redaction,
history); they need the history store passed as `history`.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from typing import Annotated, Any, Literal, TypeVar

from mcp.server.auth.provider import AccessToken, TokenVerifier
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError, UnexpectedToolError
from mcp.server.mcpserver.prompts.base import UserMessage
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS, CallToolResult, TextContent, ToolAnnotations
from pydantic import BeforeValidator, Field, ValidationError

from .. import __version__
from ..connectors.base import (
    CATEGORY_TITLES,
    Category,
    Clock,
    IssueDraft,
    Registry,
    utc_now,
)
from ..connectors.errors import (
    AuthError,
    ConfigError,
    ConnectorError,
    InvalidQueryError,
    NotFoundError,
    RateLimitedError,
    WorkspaceError,
    WriteRefusedError,
)
from ..connectors.records import ArticleKind, IssueKind, IssueStatus, TicketStatus
from . import prompt_files, views
from .actions import (
    ESCALATION_LABEL,
    PRIORITY_OF,
    ActionKind,
    ActionResult,
    Actions,
    EscalationCase,
    WriteRules,
    escalation_for,
    past_escalations,
    reminders_for,
    ticket_links_markdown,
)
from .brief import schema_text
from .evidence import EvidenceRequest, collect
from .grounding import ClaimedFinding, ground
from .history import HistoryStore
from .policy import assess, follow_up_for
from .policy_config import PolicyConfig, Severity

logger = logging.getLogger("customer_escalation.server")

SERVER_NAME = "customer-escalation"
MAX_LIMIT = 25
READ = ToolAnnotations(read_only_hint=True, open_world_hint=True)
POLICY_TOOL = ToolAnnotations(read_only_hint=True, open_world_hint=False)
WRITE = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=True
)
INSTRUCTIONS = (
    "Tools to package a support issue into an escalation brief: search and read tickets (support_*), "
    "accounts (crm_*), chat (chat_*), tracker issues (tracker_*) and knowledge-base articles (kb_*), then "
    "call escalation_assess with the ids of the related records for the decision, impact, severity and "
    "target. The `customer-escalation` prompt walks through the whole workflow. Write tools (chat_post_message, "
    "tracker_create_issue, support_add_internal_note, followup_schedule) return a preview unless "
    "dry_run=false; write only what the user asked for. " + views.UNTRUSTED_NOTE
)
_SEARCH_TOOL = {
    "support": "support_search_tickets",
    "crm": "crm_search_accounts",
    "chat": "chat_search_messages",
    "tracker": "tracker_search_issues",
    "kb": "kb_search_articles",
}


def _number_as_text(value: Any) -> Any:
    """An integer id as its text: clients that parse `ticket_id=58590` as JSON send a number."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


AsText = BeforeValidator(_number_as_text)
Query = Annotated[
    str, Field(max_length=500, description="Words to look for; plain language, no query syntax.")
]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT, description=f"Results per page, 1-{MAX_LIMIT}.")]
Cursor = Annotated[
    str | None, Field(max_length=2048, description="`next_cursor` from the previous page, unchanged.")
]
Id = Annotated[str, Field(min_length=1, max_length=200), AsText]
IdList = Annotated[list[Id], Field(max_length=50)]
EscalationId = Annotated[
    str | None,
    Field(max_length=40, description="ESC-<n> from an earlier write result or the history."),
]
IssueText = Annotated[
    str | None,
    Field(
        max_length=4_000,
        description="The issue in one line, when there is no escalation id; with ticket_ids it names the escalation.",
    ),
]
DryRun = Annotated[
    bool,
    Field(
        description="True (default): return a preview, send nothing. False: write, once per escalation and target."
    ),
]

C = TypeVar("C")

RESOURCE_NOT_FOUND = -32002
"""The resource-not-found code of MCP up to 2025-11-25; 2026-07-28 retired it for -32602."""
_CONNECTOR_HINT = re.compile(r";\s*(?:search|look)\b[^;]*$", re.IGNORECASE)


def not_found_text(exc: NotFoundError, category: Category) -> str:
    """The connector's not-found message with one hint, naming the search tool, instead of its own."""
    message = _CONNECTOR_HINT.sub("", str(exc).rstrip(" ."))
    return f"{message}; search with {_SEARCH_TOOL[category]} to find the right id"


def resource_not_found(ctx: Context[Any], uri: str, message: str) -> MCPError:
    """A not-found protocol error for a resource template whose id matches nothing."""
    legacy = (ctx.protocol_version or "") < "2026-07-28"
    return MCPError(code=RESOURCE_NOT_FOUND if legacy else INVALID_PARAMS, message=message, data={"uri": uri})


class EscalationServer(MCPServer):
    """`MCPServer` that answers a client's mistakes in words the client can act on: an unknown prompt or
    a missing prompt argument is an invalid-params error naming it (not an internal error and a logged
    traceback), and tool arguments that fail validation are named field by field (not a raw dump)."""

    async def get_prompt(
        self, name: str, arguments: dict[str, Any] | None = None, context: Context[Any, Any] | None = None
    ) -> Any:
        prompts = {prompt.name: prompt for prompt in await self.list_prompts()}
        if name not in prompts:
            known = ", ".join(sorted(prompts)) or "none"
            raise MCPError(INVALID_PARAMS, f"no prompt {name!r}; prompts: {known}", {"name": name})
        given = arguments or {}
        for argument in prompts[name].arguments or []:
            value = given.get(argument.name)
            if argument.required and not (isinstance(value, str) and value.strip()):
                raise MCPError(
                    INVALID_PARAMS,
                    f"prompt {name!r} needs the argument {argument.name!r}"
                    + (f": {argument.description}" if argument.description else ""),
                    {"name": name, "argument": argument.name},
                )
        return await super().get_prompt(name, arguments, context)

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> Any:
        try:
            return await super().call_tool(name, arguments, context)
        except UnexpectedToolError:
            raise
        except ToolError as exc:
            if isinstance(exc.__cause__, ValidationError):
                raise ToolError(invalid_arguments_text(name, exc.__cause__)) from exc.__cause__
            raise


def invalid_arguments_text(tool: str, error: ValidationError) -> str:
    """What is wrong with a tool's arguments, one clause per field, without echoing the values."""
    problems = []
    for item in error.errors(include_url=False, include_input=False):
        field = ".".join(str(part) for part in item["loc"]) or "arguments"
        problems.append(f"{field}: {item['msg']}")
    # The same prefix as the SDK's other tool errors.
    return (
        f"Error executing tool {tool}: invalid arguments: "
        + "; ".join(problems)
        + "; correct them and call again"
    )


class StaticTokenVerifier(TokenVerifier):
    """Accepts one bearer token, compared in constant time."""

    def __init__(self, token: str) -> None:
        self._token = token.encode()

    async def verify_token(self, token: str) -> AccessToken | None:
        if hmac.compare_digest(token.encode(), self._token):
            return AccessToken(
                token="redacted", client_id="customer-escalation-client", scopes=["escalation"]
            )
        return None


def reply(data: dict[str, Any]) -> CallToolResult:
    """A tool result: `data` as structured content and, compact, as text."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data)


def _as_utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def build_server(
    registry: Registry,
    *,
    policy: PolicyConfig,
    result_chars: int = 8_000,
    clock: Clock = utc_now,
    token: str | None = None,
    history: HistoryStore | None = None,
    writes: WriteRules | None = None,
    demo: bool = False,
) -> MCPServer:
    """The MCP server over `registry`.

    Args:
        policy: the escalation policy `escalation_assess` applies.
        result_chars: hard cap on the JSON text of any one tool result.
        clock: "now" for SLA and duration figures.
        token: when set, HTTP requests must carry ``Authorization: Bearer <token>``.
        history: the escalation history: past escalations for the policy's recurring rule, and the
            record and idempotency claims of the write tools (which fail without it).
        writes: what the write tools may write where (default: no channel, no project, ticket notes).
        demo: every category is the built-in demo workspace: mark every tool result as demo data
            (`skill.demo`).
    """
    auth: dict[str, Any] = {}
    if token:
        auth = {
            "token_verifier": StaticTokenVerifier(token),
            "auth": AuthSettings(
                issuer_url="http://127.0.0.1/", resource_server_url=None, required_scopes=[]
            ),
        }
    if demo:
        from .demo import DEMO_NOTICE, DemoMarker

        auth["middleware"] = [DemoMarker()]
    server = EscalationServer(
        SERVER_NAME,
        instructions=INSTRUCTIONS + (" " + DEMO_NOTICE if demo else ""),
        version=__version__,
        log_level="WARNING",
        **auth,
    )

    def connector(category: Category, value: C | None) -> C:
        if value is None:
            raise ToolError(
                f"no {CATEGORY_TITLES[category]} is connected; continue without it and list it as "
                "unavailable in the brief"
            )
        return value

    @contextmanager
    def translated(category: Category) -> Iterator[None]:
        title = CATEGORY_TITLES[category]
        try:
            yield
        except NotFoundError as exc:
            raise ToolError(not_found_text(exc, category)) from exc
        except InvalidQueryError as exc:
            raise ToolError(f"{exc}; correct the arguments and try again") from exc
        except AuthError as exc:
            raise ToolError(
                f"the {title} ({exc.system}) rejected its credentials: {exc}. Tell the user; continue with "
                f"the other sources and list the {title} as unavailable"
            ) from exc
        except RateLimitedError as exc:
            raise ToolError(
                f"the {title} ({exc.system}) is rate limiting requests: {exc}. Continue with the other "
                f"sources and list the {title} as unavailable"
            ) from exc
        except ConnectorError as exc:
            raise ToolError(
                f"the {title} ({exc.system}) is unavailable: {exc}. Continue with the other sources and "
                f"list the {title} as unavailable in the brief"
            ) from exc
        except WorkspaceError as exc:
            raise ToolError(
                f"the {title} (local workspace) is unavailable: {exc}. Continue with the other sources and "
                f"list the {title} as unavailable in the brief"
            ) from exc

    @contextmanager
    def resource_errors(ctx: Context[Any], uri: str, category: Category) -> Iterator[None]:
        """A resource read's failures as protocol errors: not found names the id, the rest say why."""
        try:
            with translated(category):
                yield
        except ToolError as exc:
            if isinstance(exc.__cause__, NotFoundError):
                raise resource_not_found(ctx, uri, not_found_text(exc.__cause__, category)) from None
            raise ResourceError(str(exc)) from None

    def cap(result: views.View, more: str, *, lean: bool = True) -> CallToolResult:
        return reply(views.fit(views.to_wire(result, lean=lean), result_chars, how_to_get_more=more))

    runner = Actions(registry, history, writes, clock=clock) if history is not None else None

    def actions() -> Actions:
        if runner is None:
            raise ToolError(
                "writes are unavailable: this server was started without the escalation history, which "
                "records every write and keeps it from happening twice"
            )
        return runner

    @contextmanager
    def write_errors() -> Iterator[None]:
        try:
            yield
        except WriteRefusedError as exc:
            raise ToolError(f"refused by the configuration: {exc}. Tell the user; do not retry") from exc
        except NotFoundError as exc:
            raise ToolError(f"{exc}; check the id and try again") from exc
        except (ConfigError, InvalidQueryError) as exc:
            raise ToolError(f"{exc}; correct the arguments and try again") from exc
        except (ConnectorError, WorkspaceError) as exc:
            raise ToolError(
                f"the write failed and is recorded in the history: {exc}. Tell the user; calling again "
                "with the same arguments retries it without writing twice"
            ) from exc

    def action_reply(result: ActionResult) -> CallToolResult:
        data = result.model_dump(mode="json", exclude_none=True)
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        if len(text) > result_chars:
            data["payload"] = {"omitted": f"{len(text):,} characters; the payload is in the history"}
            text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data)

    # ------------------------------------------------------------------ support platform

    @server.tool(annotations=READ, title="Search support tickets")
    async def support_search_tickets(
        query: Query = "",
        status: Annotated[list[TicketStatus] | None, Field(description="Only these statuses.")] = None,
        updated_since: Annotated[
            datetime | None, Field(description="Only tickets updated at or after.")
        ] = None,
        organization_id: Annotated[
            str | None, Field(max_length=200, description="Only this organization."), AsText
        ] = None,
        limit: Limit = 10,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, views.TicketSearchResult]:
        """Search support tickets by symptom, error text or customer; use it to find every affected customer."""
        support = connector("support", registry.support)
        with translated("support"):
            page = await support.search_tickets(
                query,
                status=status,
                since=_as_utc(updated_since),
                organization_id=organization_id,
                limit=limit,
                cursor=cursor,
            )
        result = views.TicketSearchResult(
            tickets=[views.ticket_summary(t) for t in page.items], **views.page_fields(page)
        )
        return cap(result, "Read single tickets with support_get_ticket, or search with a lower limit.")

    @server.tool(annotations=READ, title="Read a support ticket")
    async def support_get_ticket(ticket_id: Id) -> Annotated[CallToolResult, views.TicketResult]:
        """Read one ticket with its conversation, internal notes and SLA metrics."""
        support = connector("support", registry.support)
        with translated("support"):
            ticket = await support.get_ticket(ticket_id)
        return cap(
            views.TicketResult(ticket=views.ticket_detail(ticket)),
            "The first and the latest comments are kept; open the ticket link for the rest.",
        )

    # ------------------------------------------------------------------ CRM

    @server.tool(annotations=READ, title="Search customer accounts")
    async def crm_search_accounts(
        query: Query, limit: Limit = 10, cursor: Cursor = None
    ) -> Annotated[CallToolResult, views.AccountSearchResult]:
        """Find customer accounts by name or domain; check domains when names are alike."""
        crm = connector("crm", registry.crm)
        with translated("crm"):
            page = await crm.search_accounts(query, limit=limit, cursor=cursor)
        result = views.AccountSearchResult(
            accounts=[views.account_summary(a) for a in page.items], **views.page_fields(page)
        )
        return cap(result, "Search with a lower limit or a more specific name.")

    @server.tool(annotations=READ, title="Read a customer account")
    async def crm_get_account(account_id: Id) -> Annotated[CallToolResult, views.AccountResult]:
        """Read an account: tier, ARR, renewal date, owner, health, contacts and open deals."""
        crm = connector("crm", registry.crm)
        with translated("crm"):
            account = await crm.get_account(account_id)
            opportunities = await crm.list_opportunities(account_id)
        return cap(
            views.AccountResult(account=views.account_detail(account, opportunities)),
            "Open the account link in the CRM for the full list of contacts and deals.",
        )

    # ------------------------------------------------------------------ chat

    @server.tool(annotations=READ, title="Search chat messages")
    async def chat_search_messages(
        query: Query,
        channel: Annotated[
            str | None, Field(max_length=200, description="Channel id or name."), AsText
        ] = None,
        since: Annotated[datetime | None, Field(description="Only messages at or after.")] = None,
        limit: Limit = 10,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, views.MessageSearchResult]:
        """Search internal discussions and shared customer channels for this issue."""
        chat = connector("chat", registry.chat)
        with translated("chat"):
            page = await chat.search_messages(
                query, channel=channel, since=_as_utc(since), limit=limit, cursor=cursor
            )
        result = views.MessageSearchResult(
            messages=[views.message_view(m) for m in page.items], **views.page_fields(page)
        )
        return cap(result, "Read a thread with chat_get_thread, or search with a lower limit.")

    @server.tool(annotations=READ, title="Read a chat thread")
    async def chat_get_thread(channel_id: Id, thread_id: Id) -> Annotated[CallToolResult, views.ThreadResult]:
        """Read a chat thread: the root message and its replies, oldest first."""
        chat = connector("chat", registry.chat)
        with translated("chat"):
            thread = await chat.get_thread(channel_id, thread_id)
        return cap(
            views.ThreadResult(thread=views.thread_view(thread)), "Open the thread link for all replies."
        )

    # ------------------------------------------------------------------ project tracker

    @server.tool(annotations=READ, title="Search tracker issues")
    async def tracker_search_issues(
        query: Query,
        status: Annotated[list[IssueStatus] | None, Field(description="Only these statuses.")] = None,
        kind: Annotated[IssueKind | None, Field(description="bug, feature or task.")] = None,
        updated_since: Annotated[
            datetime | None, Field(description="Only issues updated at or after.")
        ] = None,
        limit: Limit = 10,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, views.IssueSearchResult]:
        """Search the tracker for related bugs and feature requests and their engineering status."""
        tracker = connector("tracker", registry.tracker)
        with translated("tracker"):
            page = await tracker.search_issues(
                query, status=status, kind=kind, since=_as_utc(updated_since), limit=limit, cursor=cursor
            )
        result = views.IssueSearchResult(
            issues=[views.issue_summary(i) for i in page.items], **views.page_fields(page)
        )
        return cap(result, "Read one issue with tracker_get_issue, or search with a lower limit.")

    @server.tool(annotations=READ, title="Read a tracker issue")
    async def tracker_get_issue(key: Id) -> Annotated[CallToolResult, views.IssueResult]:
        """Read one tracker issue with its status, fix version and linked tickets and accounts."""
        tracker = connector("tracker", registry.tracker)
        with translated("tracker"):
            issue = await tracker.get_issue(key)
        return cap(
            views.IssueResult(issue=views.issue_summary(issue, full=True)), "Open the issue link for more."
        )

    # ------------------------------------------------------------------ knowledge base

    @server.tool(annotations=READ, title="Search knowledge-base articles")
    async def kb_search_articles(
        query: Query,
        kind: Annotated[
            ArticleKind | None, Field(description="how-to, troubleshooting, known-issue, reference.")
        ] = None,
        limit: Limit = 10,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, views.ArticleSearchResult]:
        """Search the knowledge base for known issues, workarounds and how-to guides."""
        kb = connector("kb", registry.kb)
        with translated("kb"):
            page = await kb.search_articles(query, kind=kind, limit=limit, cursor=cursor)
        result = views.ArticleSearchResult(
            articles=[views.article_summary(a) for a in page.items], **views.page_fields(page)
        )
        return cap(result, "Read one article with kb_get_article, or search with a lower limit.")

    @server.tool(annotations=READ, title="Read a knowledge-base article")
    async def kb_get_article(article_id: Id) -> Annotated[CallToolResult, views.ArticleResult]:
        """Read one knowledge-base article, with its workaround if it documents one."""
        kb = connector("kb", registry.kb)
        with translated("kb"):
            article = await kb.get_article(article_id)
        return cap(
            views.ArticleResult(article=views.article_summary(article, full=True)), "Open the article link."
        )

    # ------------------------------------------------------------------ the policy

    @server.tool(annotations=POLICY_TOOL, title="Assess an escalation")
    async def escalation_assess(
        issue: Annotated[
            str, Field(min_length=1, max_length=4_000, description="The issue as the user described it.")
        ],
        ticket_ids: IdList | None = None,
        account_ids: IdList | None = None,
        message_ids: Annotated[
            list[Annotated[str, Field(min_length=3, max_length=200), AsText]] | None,
            Field(max_length=50, description="Chat messages as `<channel id>:<message id>`."),
        ] = None,
        issue_keys: IdList | None = None,
        article_ids: IdList | None = None,
        findings: Annotated[
            list[ClaimedFinding] | None,
            Field(
                max_length=50,
                description="What you read in the records: kind, record and the customer's exact words. "
                "Kept only when the quote stands in that record's customer-written text.",
            ),
        ] = None,
        summary: Annotated[
            str | None,
            Field(max_length=4_000, description="Your own summary of the issue; never read as evidence."),
        ] = None,
    ) -> Annotated[CallToolResult, views.AssessmentView]:
        """Decide escalate or handle in support, and compute impact, severity, target, SLA and cadence from the records.

        Pass the ids of every record that is really about this issue; figures come from the records, so
        do not pass numbers. Ids that do not exist are reported back as missing. `issue` is the user's
        own words, as typed; put your own summary in `summary`. Add `findings` for what you read
        (production down, data loss, a security exposure, a churn threat...) with the customer's exact
        words: the policy decides on those that the records bear out and on its own reading, and says
        where the two disagree.
        """
        del (
            summary
        )  # kept apart from `issue` so that a model's paraphrase is never scanned as the user's words
        request = EvidenceRequest(
            issue=issue,
            ticket_ids=tuple(ticket_ids or ()),
            account_ids=tuple(account_ids or ()),
            message_ids=tuple(message_ids or ()),
            issue_keys=tuple(issue_keys or ()),
            article_ids=tuple(article_ids or ()),
        )
        evidence = await collect(registry, request, now=clock())
        asked = sum(
            len(ids) for ids in (ticket_ids, account_ids, message_ids, issue_keys, article_ids) if ids
        )
        found = len(evidence.tickets) + len(evidence.accounts) + len(evidence.messages)
        found += len(evidence.issues) + len(evidence.articles)
        if asked and not found and not evidence.unavailable:
            # a decision on no record would be a confident guess: say what was not found instead
            raise ToolError(
                "none of the records passed exists here: "
                + ", ".join(evidence.missing[:20])
                + ". Pass ids as the search and get tools return them; records from another system's "
                "tools cannot be read by this server"
            )
        if findings:
            grounded = ground(list(findings), evidence)
            evidence = evidence.model_copy(
                update={"claimed": grounded.kept, "refused_claims": grounded.refused}
            )
        if history is not None:
            try:
                earlier = history.related_escalations(
                    account_ids=[a.id for a in evidence.accounts],
                    ticket_ids=[t.id for t in evidence.tickets],
                    issue_keys=[i.key for i in evidence.issues],
                    status=("open", "closed", "deescalated"),
                )
            except WorkspaceError as exc:
                unavailable = (*evidence.unavailable, f"escalation history ({exc})")
                evidence = evidence.model_copy(update={"unavailable": unavailable})
            else:
                evidence = evidence.model_copy(update={"history": past_escalations(earlier)})
        return cap(
            views.assessment_view(assess(evidence, policy)),
            "Pass fewer records to see every detail.",
            lean=False,
        )

    # ------------------------------------------------------------------ writes

    @server.tool(annotations=WRITE, title="Post to a chat channel")
    async def chat_post_message(
        channel: Annotated[
            str,
            Field(min_length=1, max_length=200, description="Channel name or id, from the write allowlist."),
            AsText,
        ],
        text: Annotated[
            str,
            Field(
                min_length=1, max_length=12_000, description="The message; personal data is redacted first."
            ),
        ],
        escalation_id: EscalationId = None,
        issue: IssueText = None,
        ticket_ids: IdList | None = None,
        account_ids: IdList | None = None,
        thread_id: Annotated[
            str | None, Field(max_length=200, description="Reply in this thread."), AsText
        ] = None,
        dry_run: DryRun = True,
    ) -> Annotated[CallToolResult, ActionResult]:
        """Post an escalation to the target team's chat channel; a redacted preview unless dry_run is false."""
        runner = actions()
        with write_errors():
            escalation = escalation_for(
                runner.history,
                escalation_id=escalation_id,
                issue=issue,
                ticket_ids=ticket_ids or (),
                account_ids=account_ids or (),
            )
            # Redacting a long message is CPU work: a worker thread does it, the event loop stays free.
            plan = await asyncio.to_thread(
                partial(runner.plan_chat_post, escalation, channel, text, thread_id=thread_id)
            )
            result = await runner.run(plan, execute=not dry_run)
        return action_reply(result)

    @server.tool(annotations=WRITE, title="Create a tracker issue")
    async def tracker_create_issue(
        project: Annotated[
            str, Field(min_length=1, max_length=50, description="Project key, from the write allowlist.")
        ],
        title: Annotated[str, Field(min_length=3, max_length=200)],
        body: Annotated[
            str,
            Field(
                min_length=1,
                max_length=30_000,
                description="Markdown: impact, reproduction steps, expected and actual. Links to the "
                "tickets are added.",
            ),
        ],
        kind: Annotated[IssueKind, Field(description="bug, or feature for a product gap.")] = "bug",
        priority: Annotated[
            Literal["highest", "high", "medium", "low", "lowest"] | None,
            Field(description="Default: from the escalation's severity."),
        ] = None,
        related_issue_keys: Annotated[
            IdList | None, Field(description="Known related issues; an open one is linked instead.")
        ] = None,
        escalation_id: EscalationId = None,
        issue: IssueText = None,
        ticket_ids: IdList | None = None,
        account_ids: IdList | None = None,
        dry_run: DryRun = True,
    ) -> Annotated[CallToolResult, ActionResult]:
        """File a bug or feature request for an escalation, or link the open issue that already covers it.

        A redacted preview unless dry_run is false.
        """
        runner = actions()
        with write_errors():
            escalation = escalation_for(
                runner.history,
                escalation_id=escalation_id,
                issue=issue,
                ticket_ids=ticket_ids or (),
                account_ids=account_ids or (),
            )
            links = await runner.ticket_links(escalation.ticket_ids)
            text = "\n".join([body.rstrip(), "", *ticket_links_markdown(links)]).strip() + "\n"
            severity = escalation.severity
            draft = IssueDraft(
                project=project,
                title=title,
                body_markdown=text,
                kind=kind,
                priority=priority or (PRIORITY_OF.get(severity) if severity in PRIORITY_OF else None),
                labels=(ESCALATION_LABEL,),
                linked_ticket_ids=escalation.ticket_ids,
                linked_account_ids=escalation.account_ids,
            )
            plan = await runner.plan_issue(
                escalation, draft, related_issue_keys=related_issue_keys or (), look_up=dry_run
            )
            result = await runner.run(plan, execute=not dry_run)
        return action_reply(result)

    @server.tool(annotations=WRITE, title="Add an internal note to a ticket")
    async def support_add_internal_note(
        ticket_id: Id,
        body: Annotated[str, Field(min_length=1, max_length=30_000, description="The note, markdown.")],
        purpose: Annotated[
            Literal["brief", "customer_update"],
            Field(description="brief: the escalation brief; customer_update: a draft for a person to send."),
        ] = "brief",
        escalation_id: EscalationId = None,
        issue: IssueText = None,
        ticket_ids: IdList | None = None,
        account_ids: IdList | None = None,
        dry_run: DryRun = True,
    ) -> Annotated[CallToolResult, ActionResult]:
        """Add a private note to a ticket (never visible to the customer); a preview unless dry_run is false."""
        runner = actions()
        with write_errors():
            escalation = escalation_for(
                runner.history,
                escalation_id=escalation_id,
                issue=issue,
                ticket_ids=[ticket_id, *(ticket_ids or ())],
                account_ids=account_ids or (),
            )
            kind: ActionKind = "customer_update" if purpose == "customer_update" else "internal_note"
            plan = runner.plan_note(escalation, ticket_id, body, kind=kind)
            result = await runner.run(plan, execute=not dry_run)
        return action_reply(result)

    @server.tool(annotations=WRITE, title="Schedule follow-up reminders")
    async def followup_schedule(
        severity: Annotated[Severity | None, Field(description="Default: the escalation's severity.")] = None,
        escalation_id: EscalationId = None,
        issue: IssueText = None,
        ticket_ids: IdList | None = None,
        account_ids: IdList | None = None,
        dry_run: DryRun = True,
    ) -> Annotated[CallToolResult, ActionResult]:
        """Schedule the next internal check and customer update at the severity's cadence; a preview unless
        dry_run is false."""
        runner = actions()
        with write_errors():
            escalation = escalation_for(
                runner.history,
                escalation_id=escalation_id,
                issue=issue,
                ticket_ids=ticket_ids or (),
                account_ids=account_ids or (),
            )
            chosen = severity or (escalation.severity if escalation.severity in PRIORITY_OF else None)
            if chosen is None:
                raise ConfigError(
                    "the escalation has no severity yet; pass severity (Critical, High or Medium)"
                )
            now = clock()
            case = EscalationCase.from_entry(escalation)
            reminders = reminders_for(case, follow_up_for(chosen, policy, now), now=now)
            plan = runner.plan_followups(escalation, reminders)
            result = await runner.run(plan, execute=not dry_run)
        return action_reply(result)

    # ------------------------------------------------------------------ resources and prompt

    @server.resource(
        "customer-escalation://brief-template",
        name="brief-template",
        title="Escalation brief template",
        description="The format every escalation brief follows.",
        mime_type="text/markdown",
    )
    def brief_template() -> str:
        return prompt_files.text("brief-template.md")

    @server.resource(
        "customer-escalation://policy",
        name="escalation-policy",
        title="Escalation policy",
        description="When to escalate, where to, how severe, SLA rules and follow-up cadence, as configured.",
        mime_type="text/markdown",
    )
    def policy_text() -> str:
        return prompt_files.render("policy.md.j2", c=policy)

    @server.resource(
        "customer-escalation://brief-schema",
        name="brief-schema",
        title="Brief JSON schema",
        description="JSON schemas of the escalation brief and the support-handling note.",
        mime_type="application/json",
    )
    def brief_schema() -> str:
        return schema_text()

    @server.resource(
        "ticket://{ticket_id}", name="ticket", title="Support ticket", mime_type="application/json"
    )
    async def ticket_resource(ticket_id: str, ctx: Context[Any]) -> str:
        with resource_errors(ctx, f"ticket://{ticket_id}", "support"):
            result = await support_get_ticket(ticket_id)
        return json.dumps(result.structured_content, indent=2)

    @server.resource(
        "account://{account_id}", name="account", title="Customer account", mime_type="application/json"
    )
    async def account_resource(account_id: str, ctx: Context[Any]) -> str:
        with resource_errors(ctx, f"account://{account_id}", "crm"):
            result = await crm_get_account(account_id)
        return json.dumps(result.structured_content, indent=2)

    @server.prompt(
        name="customer-escalation",
        title="Customer escalation",
        description="Package a support issue into an escalation brief, or decide it stays in support.",
    )
    def customer_escalation(issue: str, account: str = "") -> list[UserMessage]:
        return [UserMessage(prompt_files.render("workflow.md.j2", issue=issue, account=account))]

    return server


__all__ = [
    "INSTRUCTIONS",
    "MAX_LIMIT",
    "SERVER_NAME",
    "EscalationServer",
    "StaticTokenVerifier",
    "build_server",
]
