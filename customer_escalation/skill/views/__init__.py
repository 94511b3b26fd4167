"""Compact views of records for tool results, and the size cap every result obeys.

Views keep what a model needs to reason about an escalation and drop the rest (no raw vendor JSON, no
customer e-mail addresses: only their domain). Customer- and third-party-written text sits in each
view's `untrusted` object, cleaned of invisible characters, so it is plainly data and not instructions.
`fit` cuts a result to a character budget: long untrusted texts first, then trailing items, always
saying what was cut and how to get it.
"""

from .assessment import AssessmentView, assessment_view
from .records import (
    SHORT_NOTICE,
    UNTRUSTED_NOTE,
    AccountResult,
    AccountSearchResult,
    ArticleResult,
    ArticleSearchResult,
    IssueResult,
    IssueSearchResult,
    MessageSearchResult,
    ThreadResult,
    TicketResult,
    TicketSearchResult,
    View,
    account_detail,
    account_summary,
    article_summary,
    clean,
    issue_summary,
    message_view,
    thread_view,
    ticket_detail,
    ticket_summary,
)
from .wire import (
    CONCISE_LEFT_OUT,
    EMPTY_FIELDS,
    Detail,
    compact_json,
    fit,
    from_wire,
    page_fields,
    to_seconds_json,
    to_wire,
)

__all__ = [
    "CONCISE_LEFT_OUT",
    "EMPTY_FIELDS",
    "SHORT_NOTICE",
    "UNTRUSTED_NOTE",
    "AccountResult",
    "AccountSearchResult",
    "ArticleResult",
    "ArticleSearchResult",
    "AssessmentView",
    "Detail",
    "IssueResult",
    "IssueSearchResult",
    "MessageSearchResult",
    "ThreadResult",
    "TicketResult",
    "TicketSearchResult",
    "View",
    "account_detail",
    "account_summary",
    "article_summary",
    "assessment_view",
    "clean",
    "compact_json",
    "fit",
    "from_wire",
    "issue_summary",
    "message_view",
    "page_fields",
    "thread_view",
    "ticket_detail",
    "ticket_summary",
    "to_seconds_json",
    "to_wire",
]
