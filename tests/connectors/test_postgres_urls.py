"""A database URL's password never reaches a message, however the URL or the library's error spells it."""

from __future__ import annotations

import pytest

from customer_escalation.connectors.postgres.schema import redacted, without_secrets

URLS = {
    "in the authority": "postgresql://bot:S3CRET-pw@127.0.0.1:5432/escalations",
    "as a query parameter": "postgresql://127.0.0.1/escalations?user=bot&password=S3CRET-pw",
    "as a keyword": "host=127.0.0.1 user=bot password=S3CRET-pw dbname=escalations",
    "percent-encoded": "postgresql://bot:S3CRET%2Dpw@127.0.0.1/escalations",
}


@pytest.mark.parametrize("url", URLS.values(), ids=URLS.keys())
def test_the_password_is_left_out_of_the_shown_url_and_of_any_error_text(url: str) -> None:
    shown = redacted(url)
    assert "S3CRET" not in shown and "bot@127.0.0.1" in shown
    error = f'connection to "{url}" failed: password "S3CRET-pw" rejected'
    assert "S3CRET" not in without_secrets(error, url)


def test_the_password_is_left_out_as_the_url_spells_it_too() -> None:
    assert "S3CRET" not in without_secrets('bad token "S3CRET%2Dpw"', URLS["percent-encoded"])


def test_a_url_the_library_cannot_read_is_not_repeated() -> None:
    url = "postgresql://bot:S3CRET%zz@127.0.0.1/escalations"
    assert "S3CRET" not in redacted(url)
    assert "S3CRET" not in without_secrets('invalid percent-encoded token: "S3CRET%zz"', url)
