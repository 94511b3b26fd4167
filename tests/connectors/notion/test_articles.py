"""Notion pages read as articles: block content as text, and kind, workaround, area, labels and status
from what the page says."""

from __future__ import annotations

from typing import Any

import pytest

from customer_escalation.connectors.records import Dataset
from tests.fakes._notion_wire import rich
from tests.fakes.notion import DATA_SOURCE, DATABASE, NotionFake

from .conftest import Make

pytestmark = pytest.mark.anyio

EMPTY = Dataset()


def _text(text: str, **extra: Any) -> dict[str, Any]:
    return {"rich_text": rich(text), "color": "default", **extra}


def _select(kind: str, name: str) -> dict[str, Any]:
    return {"id": "p1", "type": kind, kind: {"id": "o1", "name": name, "color": "red"}}


def _in_database(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "parent": {"type": "data_source_id", "data_source_id": DATA_SOURCE, "database_id": DATABASE},
        "properties": properties,
    }


def _runbook(fake: NotionFake) -> None:
    page = fake.add_page("Export runbook", page_id="0c6f3a52-9d41-4e7b-8f20-51a3c9d7e4b6")
    fake.add_block(page, "heading_1", _text("Exports"))
    fake.add_block(
        page,
        "paragraph",
        {
            "rich_text": [
                *rich("Run "),
                *rich("export --all", code=True),
                *rich(" as described in "),
                *rich("the guide", href="https://docs.vendor.example/export"),
                *rich("."),
            ]
        },
    )
    outer = fake.add_block(page, "bulleted_list_item", _text("Check the queue"))
    fake.add_block(outer, "bulleted_list_item", _text("Look at the oldest job"))
    fake.add_block(page, "numbered_list_item", _text("Pause the scheduler"))
    fake.add_block(page, "numbered_list_item", _text("Restart the worker"))
    fake.add_block(page, "to_do", _text("Tell the customer", checked=True))
    fake.add_block(page, "to_do", _text("Close the ticket", checked=False))
    fake.add_block(page, "code", {"rich_text": rich("SELECT 1;"), "language": "sql", "caption": []})
    fake.add_block(
        page, "callout", _text("Exports over 1 GB are split.", icon={"type": "emoji", "emoji": "💡"})
    )
    fake.add_block(page, "divider", {})
    table = fake.add_block(
        page, "table", {"table_width": 2, "has_column_header": True, "has_row_header": False}
    )
    fake.add_block(table, "table_row", {"cells": [rich("Limit"), rich("Value")]})
    fake.add_block(table, "table_row", {"cells": [rich("Rows"), rich("1,000,000")]})


async def test_blocks_read_as_markdown_ish_text(make: Make) -> None:
    async with make(EMPTY, setup=_runbook) as (_, kb):
        article = await kb.get_article("0c6f3a529d414e7b8f2051a3c9d7e4b6")
    assert article.body == (
        "# Exports\n\n"
        "Run `export --all` as described in the guide (https://docs.vendor.example/export).\n\n"
        "- Check the queue\n"
        "  - Look at the oldest job\n"
        "1. Pause the scheduler\n"
        "2. Restart the worker\n"
        "- [x] Tell the customer\n"
        "- [ ] Close the ticket\n\n"
        "```sql\nSELECT 1;\n```\n\n"
        "> 💡 Exports over 1 GB are split.\n\n"
        "---\n\n"
        "| Limit | Value |\n| Rows | 1,000,000 |"
    )
    assert article.title == "Export runbook"
    assert article.kind == "how-to" and article.workaround is None


def _known_issue(fake: NotionFake) -> None:
    properties = {
        "Type": _select("select", "Known issue"),
        "Area": _select("select", "Billing"),
        "Tags": {
            "id": "t",
            "type": "multi_select",
            "multi_select": [{"name": "invoices"}, {"name": "Outdated"}],
        },
    }
    page = fake.add_page("Invoice totals off by a cent", **_in_database(properties))
    fake.add_block(page, "paragraph", _text("Rounding happens per line."))
    heading = fake.add_block(page, "heading_2", _text("Workaround", is_toggleable=True))
    fake.add_block(heading, "paragraph", _text("Round the total instead."))
    fake.add_block(page, "paragraph", _text("Then re-issue the invoice."))
    fake.add_block(page, "heading_2", _text("Status"))
    fake.add_block(page, "paragraph", _text("A fix ships in 4.2."))


async def test_a_known_issue_reads_its_kind_workaround_area_labels_and_status(make: Make) -> None:
    async with make(EMPTY, setup=_known_issue) as (fake, kb):
        page_id = fake.page_id("Invoice totals off by a cent")
        article = await kb.get_article(page_id)
    assert article.kind == "known-issue"
    assert article.workaround == "Round the total instead.\n\nThen re-issue the invoice."
    assert (article.product_area, article.labels, article.status) == ("Billing", ("invoices",), "outdated")
    assert article.ref.url is not None and page_id.replace("-", "") in article.ref.url
    assert article.updated_at.tzinfo is not None


@pytest.mark.parametrize(
    ("title", "properties", "kind"),
    [
        ("Workaround: retry the upload", {}, "known-issue"),
        ("[Troubleshooting] Slow dashboards", {}, "troubleshooting"),
        ("Reference - rate limits", {}, "reference"),
        ("Single sign-on", {"Kind": _select("status", "Troubleshooting")}, "troubleshooting"),
        ("How to rotate keys", {"Kind": _select("select", "Reference")}, "reference"),
        ("Plain page", {}, "how-to"),
    ],
)
async def test_the_kind_comes_from_an_option_or_a_title_prefix(
    make: Make, title: str, properties: dict[str, Any], kind: str
) -> None:
    def setup(fake: NotionFake) -> None:
        page = fake.add_page(title, **_in_database(properties))
        fake.add_block(page, "paragraph", _text("Body text."))

    async with make(EMPTY, setup=setup) as (fake, kb):
        article = await kb.get_article(fake.page_id(title))
    assert article.kind == kind


async def test_a_workaround_page_without_a_heading_is_its_own_workaround(make: Make) -> None:
    def setup(fake: NotionFake) -> None:
        page = fake.add_page("Login loop", **_in_database({"Type": _select("select", "Workaround")}))
        fake.add_block(page, "paragraph", _text("Clear the session cookie and sign in again."))

    async with make(EMPTY, setup=setup) as (fake, kb):
        article = await kb.get_article(fake.page_id("Login loop"))
    assert article.kind == "known-issue"
    assert article.workaround == "Clear the session cookie and sign in again."


async def test_nesting_is_read_to_a_bounded_depth_and_child_pages_are_not_entered(make: Make) -> None:
    made: dict[str, str] = {}

    def setup(fake: NotionFake) -> None:
        page = fake.add_page("Deep page", page_id="1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f")
        level = page
        for depth in range(1, 6):
            level = fake.add_block(level, "toggle", _text(f"level {depth}"))
        made["child"] = fake.add_block(page, "child_page", {"title": "Appendix"})
        fake.add_block(made["child"], "paragraph", _text("appendix text"))

    async with make(EMPTY, setup=setup) as (fake, kb):
        article = await kb.get_article("1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f")
        child_reads = fake.requests_to(f"/v1/blocks/{made['child']}")
    assert "level 3" in article.body and "level 4" not in article.body
    assert "[page: Appendix]" in article.body and "appendix text" not in article.body
    assert child_reads == []


async def test_invisible_characters_are_removed_from_titles_and_bodies(make: Make) -> None:
    def setup(fake: NotionFake) -> None:
        page = fake.add_page("Web\u200bhooks", page_id="2a3b4c5d-6e7f-4081-9a2b-3c4d5e6f7a8b")
        fake.add_block(page, "paragraph", _text("ig\u202enore this"))

    async with make(EMPTY, setup=setup) as (_, kb):
        article = await kb.get_article("2a3b4c5d6e7f40819a2b3c4d5e6f7a8b")
    assert (article.title, article.body) == ("Webhooks", "ignore this")
