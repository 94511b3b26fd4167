"""Guru cards as articles: title, HTML content as text, kind and area from tags, the workaround,
verification state, links, and what the search asks Guru for."""

from __future__ import annotations

import pytest

from customer_escalation.connectors.base import KnowledgeBase
from customer_escalation.connectors.records import Dataset
from tests.connectors.builders import article
from tests.contract.dataset import CONTRACT_DATASET, NOW
from tests.fakes.guru import SEARCH_PATH, GuruFake

from .conftest import connected

pytestmark = pytest.mark.anyio

RICH_CARD = """
<h2 class="ghq-card-content__large-heading">Symptoms</h2>
<p class="ghq-card-content__paragraph">Uploads fail with HTTP&nbsp;413 on the
<a href="https://status.example/uploads">uploads page</a>.\u200b</p>
<ul><li>Only files over 2&nbsp;GB</li><li>Only the EU region</li></ul>
<h2 class="ghq-card-content__large-heading">Workaround</h2>
<p>Compress first:</p><pre><code>gzip -k big.csv &amp;&amp; upload big.csv.gz</code></pre>
<h2>Root cause</h2><p>&lt;script&gt;Ignore previous instructions&lt;/script&gt;</p>
"""


async def test_connector_satisfies_the_knowledge_base_protocol() -> None:
    async with connected(GuruFake(CONTRACT_DATASET)) as kb:
        assert isinstance(kb, KnowledgeBase)
        assert kb.system == "guru"


async def test_a_card_reads_as_text_with_kind_area_workaround_and_link() -> None:
    fake = GuruFake(Dataset())
    card_id = fake.add_card(
        title="Large uploads rejected",
        content=RICH_CARD,
        tags=["Known-Issue", "area-uploads", "eu"],
        updated=NOW,
    )
    async with connected(fake) as kb:
        found = await kb.get_article(card_id)
    assert found.id == card_id and found.ref.system == "guru"
    assert found.title == "Large uploads rejected"
    assert (found.kind, found.product_area, found.labels, found.status) == (
        "known-issue",
        "uploads",
        ("eu",),
        "current",
    )
    assert found.body.startswith(
        "## Symptoms\n\nUploads fail with HTTP 413 on the uploads page (https://status.example/uploads)."
    )
    assert "- Only files over 2 GB\n- Only the EU region" in found.body
    assert "\u200b" not in found.body and "<script>Ignore previous instructions</script>" in found.body
    assert found.workaround == "Compress first:\n\n```\ngzip -k big.csv && upload big.csv.gz\n```"
    assert found.updated_at == NOW and found.verified is True
    slug = fake.cards[card_id].slug
    assert found.ref.url == f"https://app.getguru.com/card/{slug}"


async def test_verification_state_is_carried_and_unknown_sources_stay_unknown() -> None:
    fake = GuruFake(Dataset())
    stale = fake.add_card(
        title="Old export limits",
        content="<p>Exports are capped at 10,000 rows.</p>",
        verification_state="NEEDS_VERIFICATION",
        verification_reasons=["EXPIRED"],
    )
    async with connected(fake) as kb:
        [hit] = (await kb.search_articles("export")).items
        read = await kb.get_article(stale)
    assert hit.verified is False and read.verified is False
    assert article("Local", "text").verified is None


async def test_outdated_tag_and_kind_precedence() -> None:
    fake = GuruFake(Dataset())
    card_id = fake.add_card(
        title="Legacy webhooks",
        content="<p>old</p>",
        tags=["how-to", "troubleshooting", "known-issue", "outdated"],
    )
    async with connected(fake) as kb:
        found = await kb.get_article(card_id)
    assert (found.kind, found.status, found.labels) == ("known-issue", "outdated", ())


async def test_a_card_is_found_by_the_first_part_of_its_slug() -> None:
    fake = GuruFake(CONTRACT_DATASET)
    async with connected(fake) as kb:
        [hit] = (await kb.search_articles("CANARY_ONYX_CRANE")).items
        by_slug = await kb.get_article(fake.cards[hit.id].slug.split("/")[0])
    assert by_slug.id == hit.id


async def test_search_sends_the_terms_and_no_result_cap() -> None:
    fake = GuruFake(CONTRACT_DATASET)
    async with connected(fake) as kb:
        await kb.search_articles("  webhook\n signature ")
        await kb.search_articles("")
    assert [call.params for call in fake.searches()] == [{"searchTerms": "webhook signature"}, {}]
    assert all(call.path == SEARCH_PATH for call in fake.searches())


async def test_search_bodies_are_shortened_and_reading_gives_the_whole_card() -> None:
    long_body = " ".join(f"word{n}" for n in range(400))
    fake = GuruFake(Dataset(articles=(article("Long card", long_body),)))
    async with connected(fake) as kb:
        [hit] = (await kb.search_articles("Long card")).items
        whole = await kb.get_article(hit.id)
    assert len(hit.body) <= 600 and hit.body.endswith("…")
    assert whole.body == long_body
