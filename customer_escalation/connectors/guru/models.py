"""The parts of Guru's API responses this connector reads, as private pydantic models.

Names are Guru's own (camelCase through aliases). ``GET /api/v1/search/query`` answers a JSON array of
cards and pages with a ``Link`` header; ``GET /api/v1/cards/{id}/extended`` answers one card. A body is
validated once, where it arrives (`HttpApi.get_model`); one of another shape is an `UpstreamError`
naming the endpoint there. Ids and the card's date are strict; the rest a record can do without is
lenient: a value of the wrong type reads as missing.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    ConfigDict,
    Field,
    RootModel,
    StrictStr,
    StringConstraints,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)

from ..vendor import Lenient, VendorErrorBody, VendorModel


def _objects_only(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    if not isinstance(value, list):
        return ()
    return handler([item for item in value if isinstance(item, dict)])


def _strings_only(value: Any) -> tuple[str, ...]:
    return tuple(item for item in value if isinstance(item, str)) if isinstance(value, list) else ()


Text = Lenient[Annotated[StrictStr, StringConstraints(min_length=1)]]
Id = Annotated[StrictStr, StringConstraints(min_length=1, max_length=200)]


class Collection(VendorModel):
    """The collection a card lives in."""

    id: Id
    name: Text = None
    slug: Text = None


class Tag(VendorModel):
    value: Text = None


VerificationState = Literal["TRUSTED", "NEEDS_VERIFICATION"]


class Card(VendorModel):
    """One card, as search results and the extended card endpoint both give it."""

    id: Id
    slug: Text = None
    preferred_phrase: Text = Field(None, alias="preferredPhrase")
    """The card's title."""
    content: Text = None
    """The card's body as HTML."""
    collection: Lenient[Collection] = None
    tags: Annotated[tuple[Tag, ...], WrapValidator(_objects_only)] = ()
    verification_state: Lenient[VerificationState] = Field(None, alias="verificationState")
    verification_reasons: Annotated[tuple[str, ...], WrapValidator(lambda v, _: _strings_only(v))] = Field(
        (), alias="verificationReasons"
    )
    last_modified: AwareDatetime = Field(alias="lastModified")
    next_verification_date: Lenient[AwareDatetime] = Field(None, alias="nextVerificationDate")

    @property
    def verified(self) -> bool | None:
        """True for a trusted card, False for one that needs verification (unverified or expired)."""
        if self.verification_state is None:
            return None
        return self.verification_state == "TRUSTED"

    @property
    def tag_values(self) -> list[str]:
        """Tag values in lower case, as the mapping compares them."""
        return [tag.value.strip().lower() for tag in self.tags if tag.value and tag.value.strip()]


class CardList(RootModel[tuple[Card, ...]]):
    """``GET /api/v1/search/query``: one page of cards (the next page is in the ``Link`` header)."""

    model_config = ConfigDict(frozen=True)


class Team(VendorModel):
    id: Id


class TeamList(RootModel[tuple[Team, ...]]):
    """``GET /api/v1/teams``: the team the credentials belong to."""

    model_config = ConfigDict(frozen=True)


class ErrorBody(VendorErrorBody):
    """Guru's error body: a ``description`` (some endpoints say ``message``)."""

    description: Text = None
    message: Text = None

    def reason(self) -> str | None:
        text = self.description or self.message
        return " ".join(text.split())[:300] if text else None


__all__ = ["Card", "CardList", "Collection", "ErrorBody", "Tag", "TeamList"]
