"""Atlassian Document Format: ADF -> readable text, and markdown -> ADF for creates."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_escalation.connectors.atlassian import adf_to_text, markdown_to_adf
from tests.fakes.jira import adf_problem


def doc(*content: dict[str, Any]) -> dict[str, Any]:
    return {"type": "doc", "version": 1, "content": list(content)}


def para(*content: dict[str, Any]) -> dict[str, Any]:
    return {"type": "paragraph", "content": list(content)}


def text(value: str, *marks: dict[str, Any]) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": value}
    if marks:
        node["marks"] = list(marks)
    return node


def link(href: str) -> dict[str, Any]:
    return {"type": "link", "attrs": {"href": href}}


def item(*content: dict[str, Any]) -> dict[str, Any]:
    return {"type": "listItem", "content": list(content)}


def nodes_of(document: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    found = [document] if document.get("type") == kind else []
    for child in document.get("content", []):
        found.extend(nodes_of(child, kind))
    return found


# ADF -> text --------------------------------------------------------------------------------------


def test_headings_and_paragraphs_read_as_markdown_like_text() -> None:
    rendered = adf_to_text(
        doc(
            {"type": "heading", "attrs": {"level": 2}, "content": [text("Impact")]},
            para(text("Deliveries fail "), text("since 07:00", {"type": "strong"}), text(".")),
        )
    )
    assert rendered == "## Impact\n\nDeliveries fail since 07:00."


def test_nested_and_ordered_lists_keep_markers_and_indentation() -> None:
    nested = {"type": "bulletList", "content": [item(para(text("inner")))]}
    rendered = adf_to_text(
        doc(
            {
                "type": "orderedList",
                "attrs": {"order": 3},
                "content": [item(para(text("third")), nested), item(para(text("fourth")))],
            }
        )
    )
    assert rendered == "3. third\n   - inner\n4. fourth"


def test_code_blocks_keep_language_and_exact_text() -> None:
    code = {
        "type": "codeBlock",
        "attrs": {"language": "bash"},
        "content": [text("curl -v  https://x\n  echo")],
    }
    assert adf_to_text(doc(code)) == "```bash\ncurl -v  https://x\n  echo\n```"


def test_links_show_their_target_once_even_across_marked_runs() -> None:
    rendered = adf_to_text(
        doc(
            para(
                text("see "),
                text("the ", link("https://status.example")),
                text("status page", link("https://status.example"), {"type": "strong"}),
                text(" or "),
                text("https://docs.example", link("https://docs.example")),
            )
        )
    )
    assert rendered == "see the status page (https://status.example) or https://docs.example"


def test_inline_nodes_become_readable_words() -> None:
    rendered = adf_to_text(
        doc(
            para(
                {"type": "mention", "attrs": {"id": "5b10", "text": "@Mia Stone"}},
                text(" "),
                {"type": "mention", "attrs": {"id": "5b11", "text": "Jo Park"}},
                text(" "),
                {"type": "emoji", "attrs": {"shortName": ":fire:", "text": "🔥"}},
                text(" "),
                {"type": "inlineCard", "attrs": {"url": "https://acme.atlassian.net/browse/ENG-1"}},
                text(" due "),
                {"type": "date", "attrs": {"timestamp": "1795046400000"}},
                text(" "),
                {"type": "status", "attrs": {"text": "BLOCKED", "color": "red"}},
                {"type": "hardBreak"},
                text("next line ", {"type": "code"}),
            )
        )
    )
    assert rendered == (
        "@Mia Stone @Jo Park 🔥 https://acme.atlassian.net/browse/ENG-1 due 2026-11-19 [BLOCKED]\n`next line `"
    )


def test_tables_become_pipe_rows_with_a_header_rule() -> None:
    def cell(kind: str, value: str) -> dict[str, Any]:
        return {"type": kind, "content": [para(text(value))]}

    table = {
        "type": "table",
        "content": [
            {"type": "tableRow", "content": [cell("tableHeader", "Customer"), cell("tableHeader", "Errors")]},
            {"type": "tableRow", "content": [cell("tableCell", "Northwind"), cell("tableCell", "502")]},
        ],
    }
    assert adf_to_text(doc(table)) == "| Customer | Errors |\n|---|---|\n| Northwind | 502 |"


def test_panels_quotes_rules_media_and_tasks_stay_legible() -> None:
    rendered = adf_to_text(
        doc(
            {"type": "panel", "attrs": {"panelType": "warning"}, "content": [para(text("Do not restart"))]},
            {"type": "blockquote", "content": [para(text("quoted")), para(text("twice"))]},
            {"type": "rule"},
            {"type": "mediaSingle", "content": [{"type": "media", "attrs": {"alt": "trace.png", "id": "x"}}]},
            {
                "type": "taskList",
                "attrs": {"localId": "t"},
                "content": [
                    {"type": "taskItem", "attrs": {"state": "DONE"}, "content": [text("roll back")]},
                    {"type": "taskItem", "attrs": {"state": "TODO"}, "content": [text("post-mortem")]},
                ],
            },
            {"type": "expand", "attrs": {"title": "Logs"}, "content": [para(text("502 at 07:01"))]},
        )
    )
    assert rendered.split("\n\n") == [
        "Warning: Do not restart",
        "> quoted\n>\n> twice",
        "---",
        "[attachment: trace.png]",
        "- [x] roll back\n- [ ] post-mortem",
        "Logs\n502 at 07:01",
    ]


def test_unknown_nodes_still_give_their_text() -> None:
    rendered = adf_to_text(doc({"type": "bodiedExtension", "content": [para(text("inside a macro"))]}))
    assert rendered == "inside a macro"


def test_invisible_and_bidi_characters_are_removed() -> None:
    rendered = adf_to_text(doc(para(text("pay\u200bload \u202eevil\u202c done\ufeff"))))
    assert rendered == "payload evil done"


def test_plain_strings_and_missing_descriptions_are_accepted() -> None:
    assert adf_to_text("h1. wiki markup from an old field") == "h1. wiki markup from an old field"
    assert adf_to_text(None) == ""


def test_a_document_that_is_not_adf_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        adf_to_text(["not", "a", "node"])
    with pytest.raises(TypeError):
        adf_to_text(doc(para({"type": "text"})))


# markdown -> ADF ----------------------------------------------------------------------------------


def test_headings_and_paragraphs_with_line_breaks() -> None:
    document = markdown_to_adf("# Summary\nfirst line\nsecond line\n\nSecond paragraph\n===")
    assert document["content"] == [
        {"type": "heading", "attrs": {"level": 1}, "content": [text("Summary")]},
        para(text("first line"), {"type": "hardBreak"}, text("second line")),
        {"type": "heading", "attrs": {"level": 1}, "content": [text("Second paragraph")]},
    ]


def test_inline_marks_bold_italic_strike_and_code() -> None:
    document = markdown_to_adf("A **bold** and *it* and _also_ ~~gone~~ and `x **y**`")
    assert document["content"][0]["content"] == [
        text("A "),
        text("bold", {"type": "strong"}),
        text(" and "),
        text("it", {"type": "em"}),
        text(" and "),
        text("also", {"type": "em"}),
        text(" "),
        text("gone", {"type": "strike"}),
        text(" and "),
        text("x **y**", {"type": "code"}),
    ]


def test_code_inside_bold_keeps_only_the_code_mark() -> None:
    document = markdown_to_adf("**run `make`**")
    assert document["content"][0]["content"] == [
        text("run ", {"type": "strong"}),
        text("make", {"type": "code"}),
    ]


def test_snake_case_and_escaped_markers_stay_literal() -> None:
    document = markdown_to_adf(r"CANARY_NEW_ISSUE and \*not em\* and a * b * c")
    assert document["content"][0]["content"] == [text("CANARY_NEW_ISSUE and *not em* and a * b * c")]


def test_links_autolinks_and_bare_urls_get_link_marks() -> None:
    document = markdown_to_adf(
        "See [the runbook](https://wiki.example/run) or <https://status.example>, or https://x.example/a_(b)."
    )
    assert document["content"][0]["content"] == [
        text("See "),
        text("the runbook", link("https://wiki.example/run")),
        text(" or "),
        text("https://status.example", link("https://status.example")),
        text(", or "),
        text("https://x.example/a_(b)", link("https://x.example/a_(b)")),
        text("."),
    ]


def test_unsafe_link_schemes_stay_plain_text() -> None:
    document = markdown_to_adf("[click](javascript:alert(1)) [file](file:///etc/passwd)")
    assert nodes_of(document, "text") == [text("[click](javascript:alert(1)) [file](file:///etc/passwd)")]


def test_nested_bullet_and_ordered_lists() -> None:
    document = markdown_to_adf("5. five\n   - sub a\n   - sub b\n6. six\n\n* other list")
    ordered, bullets = document["content"]
    assert ordered["type"] == "orderedList"
    assert ordered["attrs"] == {"order": 5}
    first = ordered["content"][0]["content"]
    assert first[0] == para(text("five"))
    assert first[1]["type"] == "bulletList"
    assert adf_to_text(doc(first[1])) == "- sub a\n- sub b"
    assert adf_to_text(doc(bullets)) == "- other list"


def test_list_items_hold_no_headings_or_rules() -> None:
    document = markdown_to_adf("- item\n\n  ## heading in item\n\n  text")
    assert adf_problem(document) is None
    assert nodes_of(document, "heading") == []
    assert "heading in item" in adf_to_text(document)


def test_fenced_code_keeps_language_and_is_not_parsed() -> None:
    document = markdown_to_adf("```python\nx = a_b * c_d  # **not bold**\n```\nafter")
    code, after = document["content"]
    assert code == {
        "type": "codeBlock",
        "attrs": {"language": "python"},
        "content": [text("x = a_b * c_d  # **not bold**")],
    }
    assert after == para(text("after"))


def test_quotes_and_rules() -> None:
    document = markdown_to_adf("> quoted **text**\n> # heading\n\n---\nend")
    quote, rule, end = document["content"]
    assert quote["type"] == "blockquote"
    assert quote["content"][1] == para(text("heading", {"type": "strong"}))
    assert rule == {"type": "rule"}
    assert end == para(text("end"))


def test_empty_markdown_is_an_empty_document() -> None:
    assert markdown_to_adf("  \n\n") == {"type": "doc", "version": 1, "content": []}


def test_a_created_description_reads_back_as_the_same_words() -> None:
    markdown = "## Reproduction\n1. Send a webhook\n2. See a **502**\n\nCustomer: *Northwind* (ticket 101)"
    assert adf_to_text(markdown_to_adf(markdown)) == (
        "## Reproduction\n\n1. Send a webhook\n2. See a 502\n\nCustomer: Northwind (ticket 101)"
    )


_MARKDOWNISH = st.lists(
    st.sampled_from([*"ab _*`~#>-+1.)[]()<>:/\\\n \t|=h", "https://x.example", "\u200b", "```", "    "]),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_MARKDOWNISH)
def test_any_markdown_becomes_valid_adf(markdown: str) -> None:
    document = markdown_to_adf(markdown)
    assert adf_problem(document) is None, (markdown, document)
    adf_to_text(document)
