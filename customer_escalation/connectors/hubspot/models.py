"""The parts of HubSpot's CRM API responses this connector reads, as private pydantic models.

Field names are HubSpot's own (aliases for its camelCase). A body is validated once, where it arrives
(`HttpApi.get_model` / `request_model`); one of another shape is an `UpstreamError` naming the endpoint
there. Fields a record can do without are lenient: a value of the wrong type reads as missing, as an
absent one does. Ids and the lists that carry the records are strict.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from pydantic import BeforeValidator, Field

from ..crm_values import is_digits, scalar_text
from ..vendor import NullAsEmptyMapping, OrEmpty, OrNone, VendorErrorBody, VendorModel


def _numeric_id(value: object) -> str:
    match value:
        case bool():
            raise ValueError("not a numeric id")
        case str() | int():
            text = str(value).strip()
            if is_digits(text):
                return text
    raise ValueError("not a numeric id")


PropertyText = Annotated[str | None, BeforeValidator(scalar_text)]
"""HubSpot documents property values as strings; numbers and booleans are read as their text."""
"""A property value as text; a value that is neither text, number nor boolean reads as None."""
RecordId = Annotated[str, BeforeValidator(_numeric_id)]
"""A record id: digits, sent as a string (v3) or a number (v4 associations)."""
OptionalText = Annotated[str | None, OrNone]
OptionalCount = Annotated[int | None, OrNone]


class CrmObject(VendorModel):
    """One company, contact or deal: an id, string-or-null properties and a creation time."""

    id: RecordId
    properties: Annotated[Mapping[str, PropertyText], NullAsEmptyMapping] = {}
    created_at: OptionalText = Field(None, alias="createdAt")


class NextPage(VendorModel):
    after: str | int


class Paging(VendorModel):
    next: NextPage | None = None


class _Paged(VendorModel):
    paging: Paging | None = None

    def next_after(self) -> str | None:
        """The `after` of the next page, or None on the last page."""
        following = self.paging.next if self.paging is not None else None
        if following is None:
            return None
        return str(following.after) or None


class ObjectPage(_Paged):
    """A page of records: `GET /crm/v3/objects/{type}` and `POST /crm/v3/objects/{type}/search`."""

    results: tuple[CrmObject, ...] = ()
    total: OptionalCount = None


class BatchRead(VendorModel):
    """`POST /crm/v3/objects/{type}/batch/read`; ids that no longer exist come back under `errors`."""

    results: tuple[CrmObject, ...] = ()


class Association(VendorModel):
    to_object_id: RecordId = Field(alias="toObjectId")


class AssociationPage(_Paged):
    """`GET /crm/v4/objects/{type}/{id}/associations/{toType}`."""

    results: tuple[Association, ...] = ()


class Owner(VendorModel):
    """`GET /crm/v3/owners/{id}`."""

    first_name: PropertyText = Field(None, alias="firstName")
    last_name: PropertyText = Field(None, alias="lastName")
    email: PropertyText = None


class StageMetadata(VendorModel):
    is_closed: PropertyText = Field(None, alias="isClosed")


class PipelineStage(VendorModel):
    id: OptionalText = None
    label: PropertyText = None
    metadata: Annotated[StageMetadata | None, OrNone] = None


class Pipeline(VendorModel):
    stages: tuple[PipelineStage, ...] = ()


class Pipelines(VendorModel):
    """`GET /crm/v3/pipelines/deals`."""

    results: tuple[Pipeline, ...] = ()


class ErrorContext(VendorModel):
    required_granular_scopes: Annotated[tuple[PropertyText, ...], OrEmpty] = Field(
        (), alias="requiredGranularScopes"
    )
    required_scopes: Annotated[tuple[PropertyText, ...], OrEmpty] = Field((), alias="requiredScopes")


class ErrorDetail(VendorModel):
    context: Annotated[ErrorContext | None, OrNone] = None


_LenientDetail = Annotated[ErrorDetail | None, OrNone]


class ErrorBody(VendorErrorBody):
    """HubSpot's error body: `message`, `category`, `correlationId`; `policyName` on a 429."""

    message: OptionalText = None
    category: OptionalText = None
    correlation_id: OptionalText = Field(None, alias="correlationId")
    policy_name: OptionalText = Field(None, alias="policyName")
    errors: Annotated[tuple[_LenientDetail, ...], OrEmpty] = ()

    def required_scopes(self) -> list[str]:
        """The scopes a 403 says the token lacks."""
        found: list[str] = []
        for detail in self.errors:
            context = detail.context if detail is not None else None
            if context is None:
                continue
            for scope in (*context.required_granular_scopes, *context.required_scopes):
                if scope is not None and scope not in found:
                    found.append(scope)
        return found


__all__ = [
    "Association",
    "AssociationPage",
    "BatchRead",
    "CrmObject",
    "ErrorBody",
    "ObjectPage",
    "Owner",
    "Pipelines",
]
