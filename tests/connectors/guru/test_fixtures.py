"""Guru's documented response shapes, pinned: hand-written fixtures in the shape of Guru's API
reference, read by our response models, and the fake held to the same models and keys.

The fixtures live in tests/fixtures/vendors/guru/; their names, ids and text are invented.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest

from customer_escalation.connectors.errors import (
    AuthError,
    InvalidQueryError,
    NotFoundError,
    RateLimitedError,
)
from customer_escalation.connectors.guru.models import Card, CardList, TeamList
from customer_escalation.connectors.vendor import parse_body
from tests.connectors.vendor_shapes import shape_differences, vendor_fixture
from tests.contract.dataset import CONTRACT_DATASET
from tests.fakes.clock import VirtualClock
from tests.fakes.guru import BASE_URL, SEARCH_PATH, GuruFake

from .conftest import scripted

pytestmark = pytest.mark.anyio

CARD_ID = "8d41c2e7-35b0-4f6a-9c1e-2b7d90a4f3c5"


def _fixture(name: str) -> Any:
    return vendor_fixture("guru", name)


def _shape_differences(documented: Any, served: Any) -> list[str]:
    return shape_differences(documented, served, depth=4)


# --- (a) the documented shapes read as we expect ----------------------------------------------------


def test_documented_cards_read_title_collection_tags_dates_and_verification() -> None:
    card = parse_body(Card, _fixture("card-extended.json"), system="guru", endpoint="GET card")
    assert (card.id, card.preferred_phrase) == (CARD_ID, "Export jobs stall at 99 percent")
    assert card.collection is not None and card.collection.name == "Support Runbooks"
    assert card.tag_values == ["known-issue", "area-exports", "csv"]
    assert card.last_modified == datetime(2026, 8, 14, 9, 12, 45, 318000, tzinfo=UTC)
    assert (card.verified, card.verification_reasons) == (False, ("EXPIRED",))
    found = parse_body(CardList, _fixture("search-query.json"), system="guru", endpoint="GET search")
    assert [(c.preferred_phrase, c.verified) for c in found.root] == [
        ("Resetting SSO for a locked workspace", True),
        ("SSO login loops after IdP certificate rotation", False),
    ]
    (team,) = parse_body(TeamList, _fixture("teams.json"), system="guru", endpoint="GET teams").root
    assert team.id == "0b6d2f9a-4e13-4c87-a2d5-9f7e1c3b8a40"


def _documented_team(request: httpx2.Request) -> httpx2.Response:
    if request.url.path == f"/api/v1/cards/{CARD_ID}/extended":
        return httpx2.Response(200, json=_fixture("card-extended.json"))
    if request.url.path == SEARCH_PATH:
        return httpx2.Response(200, json=_fixture("search-query.json"))
    return httpx2.Response(404, json=_fixture("errors.json")["not_found"])


async def test_articles_are_read_from_documented_responses() -> None:
    async with scripted(_documented_team) as kb:
        card = await kb.get_article(CARD_ID)
        hits = (await kb.search_articles("sso")).items
    assert (card.kind, card.product_area, card.labels, card.verified) == (
        "known-issue",
        "exports",
        ("csv",),
        False,
    )
    assert card.body.startswith(
        "Large CSV exports stop at 99% when the archive step runs out of scratch space."
    )
    assert card.workaround == (
        "1. Split the export by month.\n2. Download each part from the exports page (https://docs.example/exports)."
    )
    assert card.ref.url == "https://app.getguru.com/card/TqR84nLc/Export-jobs-stall-at-99-percent"
    assert [(a.kind, a.product_area, a.verified) for a in hits] == [
        ("how-to", "sso", True),
        ("troubleshooting", None, False),
    ]
    assert "| Plan | Who may reset |\n|---|---|\n| Business | Owners |" in hits[0].body


@pytest.mark.parametrize(
    ("status", "name", "error"),
    [
        (401, "unauthorized", AuthError),
        (404, "not_found", NotFoundError),
        (400, "bad_request", InvalidQueryError),
        (429, "rate_limited", RateLimitedError),
    ],
)
async def test_documented_errors_map_to_connector_errors(
    status: int, name: str, error: type[Exception]
) -> None:
    body = _fixture("errors.json")[name]
    async with scripted(lambda request: httpx2.Response(status, json=body), VirtualClock()) as kb:
        with pytest.raises(error):
            await kb.get_article(CARD_ID)


# --- (b) the fake answers in the same shapes --------------------------------------------------------


async def _served(fake: GuruFake, path: str, params: dict[str, str] | None = None) -> Any:
    basic = base64.b64encode(f"{fake.user}:{fake.token}".encode()).decode()
    transport = httpx2.ASGITransport(app=fake.app)
    async with httpx2.AsyncClient(
        transport=transport, base_url=BASE_URL, headers={"Authorization": f"Basic {basic}"}
    ) as client:
        response = await client.get(path, params=params)
    assert response.is_success, response.text
    return response.json()


async def test_the_fakes_search_card_and_team_have_the_documented_shape() -> None:
    fake = GuruFake(CONTRACT_DATASET)
    found = await _served(fake, SEARCH_PATH, {"searchTerms": "webhook"})
    card = await _served(fake, f"/api/v1/cards/{found[0]['id']}/extended")
    teams = await _served(fake, "/api/v1/teams")
    for served, model, name in [
        (found, CardList, "search-query.json"),
        (card, Card, "card-extended.json"),
        (teams, TeamList, "teams.json"),
    ]:
        parse_body(model, served, system="guru", endpoint=name)
        assert _shape_differences(_fixture(name), served) == [], name


async def test_the_fakes_errors_have_the_documented_shape() -> None:
    fake = GuruFake(CONTRACT_DATASET)
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), base_url=BASE_URL) as client:
        response = await client.get("/api/v1/teams")
    assert response.status_code == 401
    assert _shape_differences(_fixture("errors.json")["unauthorized"], response.json()) == []


def test_the_shape_check_notices_a_renamed_key() -> None:
    documented = _fixture("card-extended.json")
    drifted = {**documented, "preferredphrase": documented["preferredPhrase"]}
    del drifted["preferredPhrase"]
    assert _shape_differences(documented, drifted) == [
        "body: keys differ by ['preferredPhrase', 'preferredphrase']"
    ]
