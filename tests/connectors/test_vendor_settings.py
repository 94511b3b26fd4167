"""The shared base of vendor settings: one line per problem, what a missing variable is for, no values."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import Field, SecretStr, model_validator

from customer_escalation.connectors.errors import ConfigError
from customer_escalation.connectors.settings import VendorSettings, load_settings


class _Pair(VendorSettings):
    user: str | None = Field(None, alias="EXAMPLE_USER")
    password: SecretStr | None = Field(None, alias="EXAMPLE_PASSWORD")

    @model_validator(mode="after")
    def _both_or_neither(self) -> _Pair:
        if (self.user is None) != (self.password is None):
            raise ValueError("set EXAMPLE_USER and EXAMPLE_PASSWORD together")
        return self


class _Example(VendorSettings):
    token: SecretStr = Field(alias="EXAMPLE_TOKEN")
    """The token that reads tickets. Rotate it yearly."""
    site: str = Field(alias="EXAMPLE_SITE")
    pages: int = Field(10, alias="EXAMPLE_PAGES")


def _settings(tmp_path: Path, **values: str) -> _Example:
    config = tmp_path / "config.toml"
    config.write_text("")
    return _Example.from_settings(load_settings({"CUSTOMER_ESCALATION_CONFIG": str(config), **values}))


def test_every_problem_is_named_on_one_line_with_what_a_missing_variable_is_for(
    tmp_path: Path,
) -> None:
    with pytest.raises(ConfigError) as caught:
        _settings(tmp_path, EXAMPLE_PAGES="many")
    message = str(caught.value)
    assert "\n" not in message
    assert "EXAMPLE_TOKEN: is not set (the token that reads tickets)" in message
    assert "EXAMPLE_SITE: is not set" in message
    assert "EXAMPLE_PAGES: " in message
    assert "many" not in message


def test_a_malformed_value_is_never_echoed(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _settings(tmp_path, EXAMPLE_TOKEN="s3cret-value", EXAMPLE_SITE="x", EXAMPLE_PAGES="s3cret-value")
    assert "s3cret-value" not in str(caught.value)


def test_valid_values_are_read_by_their_variable_and_the_secret_stays_hidden(
    tmp_path: Path,
) -> None:
    read = _settings(tmp_path, EXAMPLE_TOKEN="s3cret-value", EXAMPLE_SITE="acme", EXAMPLE_PAGES="3")
    assert (read.site, read.pages) == ("acme", 3)
    assert read.token.get_secret_value() == "s3cret-value"
    assert "s3cret-value" not in repr(read)


def test_a_check_across_variables_reads_as_one_plain_sentence(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("")
    with pytest.raises(ConfigError) as caught:
        _Pair.from_settings(load_settings({"CUSTOMER_ESCALATION_CONFIG": str(config), "EXAMPLE_USER": "ann"}))
    assert str(caught.value) == "set EXAMPLE_USER and EXAMPLE_PASSWORD together"
