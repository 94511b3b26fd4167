"""Full-text search in the local workspace: safe queries, matching, ranking, filters and pages."""

from __future__ import annotations

import asyncio
import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customer_escalation.connectors.base import MAX_PAGE_SIZE
from customer_escalation.connectors.errors import InvalidQueryError, NotFoundError
from customer_escalation.connectors.local import LocalWorkspace, search
from customer_escalation.connectors.local.search import MAX_PHRASES, parse_query
from customer_escalation.connectors.records import Dataset, Ticket
from tests.connectors.builders import article, issue
from tests.connectors.paging import every_page, ids_of
from tests.contract.dataset import CONTRACT_DATASET

from ._helpers import account, ago, clock, message, ticket

pytestmark = pytest.mark.anyio

OPERATOR_SOUP = st.sampled_from(
    [
        '"',
        "'",
        "*",
        "NEAR",
        "NEAR(",
        "AND",
        "OR",
        "NOT",
        "-",
        ":",
        "(",
        ")",
        "^",
        "{",
        "}",
        "+",
        "subject:",
        " ",
    ]
)
ANY_TEXT = st.lists(
    st.one_of(st.text(st.characters(exclude_categories=()), max_size=8), OPERATOR_SOUP), max_size=12
).map("".join)
"""Any Unicode (lone surrogates included) mixed with FTS5 syntax."""


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalWorkspace]:
    path = tmp_path_factory.mktemp("search") / "ws.sqlite"
    workspace = LocalWorkspace.create(path, CONTRACT_DATASET, clock=clock)
    yield workspace
    workspace.close()


def _workspace(tmp_path: Path, dataset: Dataset) -> LocalWorkspace:
    return LocalWorkspace.create(tmp_path / "ws.sqlite", dataset, clock=clock)


@given(ANY_TEXT)
def test_parsed_phrases_hold_only_lowercase_letters_and_digits(text: str) -> None:
    phrases = parse_query(text)
    assert len(phrases) <= MAX_PHRASES
    for phrase in phrases:
        for token in phrase.tokens:
            assert re.fullmatch(r"[^\W_]+", token)
            assert token == token.lower() or not token.isascii()
        assert phrase.expression.count('"') == 2


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=ANY_TEXT)
def test_no_user_text_makes_any_search_raise(shared: LocalWorkspace, text: str) -> None:
    async def every_search() -> None:
        await shared.search_tickets(text)
        await shared.search_accounts(text)
        await shared.search_messages(text)
        await shared.search_issues(text)
        await shared.search_articles(text)

    asyncio.run(every_search())


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '""',
        'webhook"',
        "NEAR(webhook retries)",
        "webhook AND",
        "OR",
        "NOT webhook",
        "-webhook",
        "subject:webhook",
        "{subject}: webhook",
        "(",
        "webhook*",
        "^webhook",
        "\x00",
        "😀 webhook",
        "İstanbul",
        "   ",
        "x" * 100_000,
        "webhook " * 20_000,
    ],
)
async def test_operators_quotes_and_huge_text_are_searched_as_plain_words(
    shared: LocalWorkspace, text: str
) -> None:
    page = await shared.search_tickets(text)
    if "webhook" in text.lower():
        assert {t.id for t in page.items} >= {"101", "102", "104", "105"}


async def test_a_query_of_only_punctuation_lists_tickets_like_an_empty_one(shared: LocalWorkspace) -> None:
    punctuation = await shared.search_tickets("*** -- ()")
    empty = await shared.search_tickets("")
    assert [t.id for t in punctuation.items] == [t.id for t in empty.items]


EXPORTS = (
    ticket("1", "Export failing", "export error", updated=ago(days=5)),
    ticket("2", "Export failing", "export error saml", updated=ago(days=4)),
    ticket("3", "Export failing", "export error", updated=ago(days=3)),
    ticket("4", "SAML assertion", "saml only", updated=ago(days=2)),
)
"""Tickets where "export" and "error" are common words once two tickets count as many."""

RANKINGS = [
    pytest.param(
        (ticket("1", "Checkout error on submit"),), "errors", ["1"], None, id="stemming-finds-the-plural"
    ),
    pytest.param(
        (
            ticket("1", "API question", "The API is fine."),
            ticket("2", "Status page", "We got a 500 from the API."),
            ticket("3", "Intermittent failures", "API returning 500 errors intermittently since Monday."),
            ticket("4", "Invoice", "Wrong address."),
        ),
        "API returning 500 errors intermittently",
        ["3", "2", "1"],
        None,
        id="tickets-with-every-word-come-before-tickets-with-some",
    ),
    pytest.param(
        (
            ticket("1", "Question about our plan", "The invoice total looks odd to us."),
            ticket("2", "Invoice total looks odd", "Please check our plan."),
        ),
        "invoice",
        ["2", "1"],
        None,
        id="a-match-in-the-subject-ranks-above-one-in-the-body",
    ),
    pytest.param(
        (
            ticket("1", "Log line", "saw CANARY_COBALT_OTTER in the log"),
            ticket("2", "Other log", "saw canary otter cobalt in the log"),
        ),
        "CANARY_COBALT_OTTER",
        ["1"],
        None,
        id="a-chunk-with-punctuation-matches-its-words-in-order",
    ),
    pytest.param(
        EXPORTS, "saml export", ["2", "4"], 2, id="common-words-order-results-without-selecting-them"
    ),
    pytest.param(EXPORTS, "export error", ["3", "2", "1"], 2, id="only-common-words-still-select"),
    pytest.param(
        (
            ticket("1", "Login error after update", "details", updated=ago(days=9)),
            ticket("2", "Question", "a login error again", updated=ago(days=2)),
            ticket("3", "Another question", "login error seen", updated=ago(days=1)),
        ),
        "login error",
        ["1", "3", "2"],
        1,
        id="common-words-in-the-subject-put-a-ticket-first",
    ),
]


@pytest.mark.parametrize(("tickets", "query", "ranked", "common_docs"), RANKINGS)
async def test_a_ticket_search_finds_and_ranks(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tickets: tuple[Ticket, ...],
    query: str,
    ranked: list[str],
    common_docs: int | None,
) -> None:
    if common_docs is not None:
        monkeypatch.setattr(search, "COMMON_DOCS", common_docs)
    with _workspace(tmp_path, Dataset(tickets=tickets)) as workspace:
        page = await workspace.search_tickets(query)
    assert [t.id for t in page.items] == ranked


async def test_comment_text_is_searched(shared: LocalWorkspace) -> None:
    page = await shared.search_tickets("dlv_8812")
    assert [t.id for t in page.items] == ["101"]


async def test_stopwords_are_dropped_unless_the_query_has_nothing_else(tmp_path: Path) -> None:
    dataset = Dataset(tickets=(ticket("1", "The export is empty"), ticket("2", "Invoice for the export")))
    with _workspace(tmp_path, dataset) as workspace:
        with_stopwords = await workspace.search_tickets("the invoice")
        only_stopwords = await workspace.search_tickets("the")
    assert [t.id for t in with_stopwords.items] == ["2"]
    assert {t.id for t in only_stopwords.items} == {"1", "2"}


async def test_accounts_are_found_by_domain(tmp_path: Path) -> None:
    dataset = Dataset(
        accounts=(
            account("a", "Acme Corp", "acme.example"),
            account("b", "Acme Corporation", "acmecorp.example"),
        )
    )
    with _workspace(tmp_path, dataset) as workspace:
        by_domain = await workspace.search_accounts("acmecorp.example")
        by_name = await workspace.search_accounts("acme")
    assert [a.id for a in by_domain.items] == ["b"]
    assert {a.id for a in by_name.items} == {"a", "b"}


async def test_an_empty_query_lists_the_most_recently_updated_first_with_a_total(
    shared: LocalWorkspace,
) -> None:
    page = await shared.search_tickets("", status=["open", "pending"])
    assert [t.id for t in page.items] == ["101", "104", "102"]
    assert page.total == 3


async def test_a_small_result_carries_its_total(shared: LocalWorkspace) -> None:
    page = await shared.search_tickets("webhook", limit=2)
    assert page.total == 4
    assert page.has_more


async def test_pages_walk_every_match_once_in_the_order_of_one_big_page(tmp_path: Path) -> None:
    dataset = Dataset(
        tickets=tuple(ticket(str(n), f"Webhook problem {n}", "webhook " * (n % 4 + 1)) for n in range(1, 24))
    )
    with _workspace(tmp_path, dataset) as workspace:
        whole = await workspace.search_tickets("webhook", limit=100)
        pages = await every_page(
            lambda cursor: workspace.search_tickets("webhook", limit=5, cursor=cursor), most=20
        )
        walked = ids_of(pages)
    assert walked == [t.id for t in whole.items]
    assert len(walked) == 23


async def test_a_record_added_between_pages_does_not_shift_later_pages(tmp_path: Path) -> None:
    dataset = Dataset(tickets=tuple(ticket(str(n), f"Webhook problem {n}") for n in range(1, 7)))
    with _workspace(tmp_path, dataset) as workspace:
        first = await workspace.search_tickets("webhook", limit=3)
        workspace.load(Dataset(tickets=(ticket("99", "Webhook problem again"),)))
        assert first.next_cursor is not None
        second = await workspace.search_tickets("webhook", limit=3, cursor=first.next_cursor)
        fresh = await workspace.search_tickets("webhook", limit=10)
    seen = [t.id for t in first.items] + [t.id for t in second.items]
    assert sorted(seen, key=int) == ["1", "2", "3", "4", "5", "6"]
    assert "99" in [t.id for t in fresh.items]


async def test_a_cursor_must_come_from_the_same_filters(shared: LocalWorkspace) -> None:
    page = await shared.search_tickets("webhook", limit=1)
    assert page.next_cursor is not None
    with pytest.raises(InvalidQueryError):
        await shared.search_tickets("webhook", limit=1, status=["open"], cursor=page.next_cursor)


@pytest.mark.parametrize("position", ["abc", [1], [-1, 5], [True, 3], {"o": 1}])
async def test_a_cursor_with_a_forged_position_is_rejected(shared: LocalWorkspace, position: object) -> None:
    page = await shared.search_tickets("webhook", limit=1)
    assert page.next_cursor is not None
    with pytest.raises(InvalidQueryError):
        await shared.search_tickets("webhook", limit=1, cursor=_with_position(page.next_cursor, position))


def _with_position(cursor: str, position: object) -> str:
    """The cursor as a client editing it by hand would make it: same query, another position."""
    data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    data["p"] = position
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


async def test_a_limit_above_the_maximum_is_capped(tmp_path: Path) -> None:
    dataset = Dataset(tickets=tuple(ticket(str(n), "Webhook") for n in range(MAX_PAGE_SIZE + 5)))
    with _workspace(tmp_path, dataset) as workspace:
        page = await workspace.search_tickets("webhook", limit=1_000)
    assert len(page.items) == MAX_PAGE_SIZE
    assert page.has_more


@pytest.mark.parametrize(
    "filters",
    [{"status": ["stale"]}, {"since": ago(days=1).replace(tzinfo=None)}, {"status": "opened"}],
)
async def test_invalid_ticket_filters_are_rejected(
    shared: LocalWorkspace, filters: dict[str, object]
) -> None:
    with pytest.raises(InvalidQueryError):
        await shared.search_tickets("webhook", **filters)  # type: ignore[arg-type]


async def test_ticket_filters_combine_with_text_and_with_an_empty_query(shared: LocalWorkspace) -> None:
    recent_open = await shared.search_tickets("webhook", status=["open"], since=ago(days=3))
    by_org = await shared.search_tickets("", organization_id="fabrikam")
    assert {t.id for t in recent_open.items} == {"101", "102"}
    assert [t.id for t in by_org.items] == ["103", "106"]


async def test_messages_filter_by_channel_name_or_id_and_unknown_channels_raise(
    shared: LocalWorkspace,
) -> None:
    by_name = await shared.search_messages("webhooks", channel="#ext-northwind")
    by_id = await shared.search_messages("webhooks", channel="C200")
    recent = await shared.search_messages("invoice", since=ago(days=1))
    assert [m.id for m in by_name.items] == [m.id for m in by_id.items] == ["1700000180.000400"]
    assert recent.items == ()
    with pytest.raises(NotFoundError, match="support-escalations"):
        await shared.search_messages("webhooks", channel="no-such-channel")


async def test_issue_and_article_filters_narrow_results(tmp_path: Path) -> None:
    dataset = Dataset(
        issues=(
            issue("ENG-1", "Login loop", kind="bug"),
            issue("PROD-1", "Login via passkeys", kind="feature"),
        ),
        articles=(
            article("Login loop after SSO", "Clear cookies.", kind="known-issue"),
            article("Setting up login", "Open settings.", kind="how-to"),
        ),
    )
    with _workspace(tmp_path, dataset) as workspace:
        features = await workspace.search_issues("login", kind="feature")
        open_issues = await workspace.search_issues("login", status=["open"])
        known = await workspace.search_articles("login", kind="known-issue")
        with pytest.raises(InvalidQueryError):
            await workspace.search_articles("login", kind="faq")  # type: ignore[arg-type]
    assert [i.key for i in features.items] == ["PROD-1"]
    assert {i.key for i in open_issues.items} == {"ENG-1", "PROD-1"}
    assert [a.id for a in known.items] == ["Login loop after SSO"]


async def test_pages_of_a_common_words_query_never_overlap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "COMMON_DOCS", 1)
    monkeypatch.setattr(search, "TITLE_WINDOW", 4)
    dataset = Dataset(
        tickets=tuple(
            ticket(
                str(n),
                "Login error" if n % 3 == 0 else "Question",
                "login error details",
                updated=ago(days=30 - n),
            )
            for n in range(1, 16)
        )
    )
    with _workspace(tmp_path, dataset) as workspace:
        whole = await workspace.search_tickets("login error", limit=100)
        pages = await every_page(
            lambda cursor: workspace.search_tickets("login error", limit=2, cursor=cursor), most=20
        )
        walked = ids_of(pages)
    assert walked == [t.id for t in whole.items]
    assert len(set(walked)) == 15
    assert walked[:2] == ["15", "12"]


async def test_a_search_ranks_only_the_newest_matches_beyond_the_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "WINDOW", 3)
    dataset = Dataset(tickets=tuple(ticket(str(n), "Webhook", f"webhook case {n}") for n in range(1, 8)))
    with _workspace(tmp_path, dataset) as workspace:
        page = await workspace.search_tickets("webhook")
    assert {t.id for t in page.items} == {"5", "6", "7"}
    assert page.total is None


async def test_unknown_words_return_an_empty_page_with_a_zero_total(shared: LocalWorkspace) -> None:
    page = await shared.search_tickets("zzqqxx nonexistentword")
    assert page.items == ()
    assert page.total == 0
    assert page.next_cursor is None


async def test_messages_in_a_new_channel_register_it(tmp_path: Path) -> None:
    dataset = Dataset(messages=(message("C9", "ops", "1.000001", "disk full on db-3"),))
    with _workspace(tmp_path, dataset) as workspace:
        channels = await workspace.list_channels()
        found = await workspace.search_messages("disk", channel="ops")
    assert [c.name for c in channels] == ["ops"]
    assert [m.id for m in found.items] == ["1.000001"]
