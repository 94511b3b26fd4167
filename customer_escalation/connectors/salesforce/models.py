"""The parts of Salesforce's REST API responses this connector reads, as private pydantic models.

A SOQL query answers `{"totalSize", "done", "nextRecordsUrl"?, "records": [...]}`; each record carries
`attributes` (its type and REST url), the fields the query selected under their API names, and
relationship fields (`Owner`) as nested records or null. Field values keep their JSON types: numbers for
currency and number fields, booleans for checkboxes, strings for text, picklists, dates and date-times.
Errors are a JSON array of `{"message", "errorCode", "fields"}`.

A body is validated once, where it arrives (`HttpApi.get_model`); one of another shape is an
`UpstreamError` naming the endpoint. Record ids and the lists that carry records are strict; the values
a record can do without are read leniently, in `mapping`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationError, model_validator

from ..vendor import OrNone, VendorModel
from .soql import is_record_id

FieldValue = str | int | float | bool | None
"""A scalar field value as Salesforce sends it."""


def _record_id(value: object) -> str:
    if isinstance(value, str) and is_record_id(value):
        return value
    raise ValueError("not a Salesforce record id")


RecordId = Annotated[str, BeforeValidator(_record_id)]
OptionalText = Annotated[str | None, OrNone]


class Attributes(VendorModel):
    type: OptionalText = None
    url: OptionalText = None


class Related(VendorModel):
    """A record reached through a relationship field (`Owner`), with the fields the query named."""

    attributes: Annotated[Attributes | None, OrNone] = None
    name: OptionalText = Field(None, alias="Name")
    email: OptionalText = Field(None, alias="Email")


def _scalars(record: Any) -> dict[str, FieldValue]:
    if not isinstance(record, Mapping):
        return {}
    return {str(k): v for k, v in record.items() if isinstance(v, str | int | float | bool) or v is None}


class SObject(VendorModel):
    """One record of a query: its id, its scalar fields by API name and its related records."""

    id: RecordId = Field(alias="Id")
    attributes: Annotated[Attributes | None, OrNone] = None
    values: Mapping[str, FieldValue] = {}
    """Every scalar field of the record, by API name (custom fields included)."""
    owner: Annotated[Related | None, OrNone] = Field(None, alias="Owner")

    @model_validator(mode="before")
    @classmethod
    def _collect_values(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "values" not in data:
            return {**data, "values": _scalars(data)}
        return data

    def value(self, field: str | None) -> FieldValue:
        """The value of `field`, or None when it is unset, absent or not configured."""
        return self.values.get(field) if field else None


class QueryResult(VendorModel):
    """`GET /services/data/vXX.X/query?q=...` and the query-more `GET` of its `nextRecordsUrl`."""

    total_size: int = Field(alias="totalSize")
    done: bool
    next_records_url: OptionalText = Field(None, alias="nextRecordsUrl")
    records: tuple[SObject, ...]


class ErrorItem(VendorModel):
    message: OptionalText = None
    error_code: OptionalText = Field(None, alias="errorCode")


def read_errors(body: object) -> tuple[ErrorItem, ...]:
    """Salesforce's error array (a lone error object is read as a list of one); () for anything else,
    an HTML page say."""
    items = body if isinstance(body, list) else [body]
    found: list[ErrorItem] = []
    for item in items:
        try:
            found.append(ErrorItem.model_validate(item))
        except ValidationError:
            continue
    return tuple(found)


__all__ = ["Attributes", "ErrorItem", "FieldValue", "QueryResult", "Related", "SObject", "read_errors"]
