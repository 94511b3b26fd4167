"""Building blocks of the Jira and Confluence response models, and the error body both products send.

Vendor JSON is read only through these models (`connectors._http.VendorModel` subclasses), validated
once where the HTTP call returns. Field types say how forgiving a field is:

* `Text`: a non-empty string, or None for anything else (missing, null, empty, another type): the
  optional names and labels a record can do without.
* `Timestamp` / `OptionalTimestamp`: an ISO 8601 timestamp with an offset, as an aware UTC datetime;
  a malformed one fails validation (the record's dates matter), without echoing the value.
* `Lenient[T]`: `T`, or None when the value is missing or of another shape.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
    JsonValue,
    StrictStr,
    StringConstraints,
)
from pydantic.functional_validators import PlainValidator
from pydantic_core import PydanticCustomError

from ..vendor import Lenient, NullAsEmpty, VendorModel
from .text import parse_optional_time, parse_time


def _objects_only(value: Any) -> Any:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else value


def _object_or_none(value: Any) -> Any:
    return value if isinstance(value, dict) else None


def _object_or_empty(value: Any) -> Any:
    return value if isinstance(value, dict) else {}


def _empty_as_object(value: Any) -> Any:
    return value or {}


ObjectsOnly = BeforeValidator(_objects_only)
"""For a list field: entries that are not objects are skipped."""
ObjectOrNone = BeforeValidator(_object_or_none)
"""For an optional object field: anything but an object reads as None (an object is validated)."""
ObjectOrEmpty = BeforeValidator(_object_or_empty)
"""For an object field whose parts all have defaults: anything but an object reads as ``{}``."""
EmptyAsObject = BeforeValidator(_empty_as_object)
"""For an object field whose parts all have defaults: null (or another empty value) reads as ``{}``."""

Text = Lenient[Annotated[StrictStr, StringConstraints(min_length=1)]]
"""A non-empty string, or None."""


def _timestamp(value: Any) -> datetime:
    try:
        return parse_time(value)
    except ValueError:
        raise PydanticCustomError("timestamp", "not a timestamp with a UTC offset") from None


def _optional_timestamp(value: Any) -> datetime | None:
    try:
        return parse_optional_time(value)
    except ValueError:
        raise PydanticCustomError("timestamp", "not a timestamp with a UTC offset") from None


Timestamp = Annotated[datetime, PlainValidator(_timestamp)]
"""An Atlassian timestamp (``2026-11-20T07:00:00.000-0500`` or ``...Z``) as an aware UTC datetime."""
OptionalTimestamp = Annotated[datetime | None, PlainValidator(_optional_timestamp)]
"""A timestamp, or None for null or an empty string."""
Id = Annotated[str, Field(coerce_numbers_to_str=True)]
"""An id the vendor may send as a string or a number."""


class Named(VendorModel):
    """An object of which only the name is read (status, priority, issue type, version, label ...)."""

    name: Text = None


class ErrorItem(VendorModel):
    """One entry of Confluence v2's ``errors: [{status, code, title, detail}]``."""

    title: JsonValue = None
    code: JsonValue = None
    detail: JsonValue = None


class ErrorBody(VendorModel):
    """An error body: Jira's ``{errorMessages, errors: {field: text}}``, Confluence v1's ``{message}``
    or Confluence v2's ``{errors: [...]}``."""

    error_messages: Lenient[list[JsonValue]] = Field(None, alias="errorMessages")
    field_errors: Lenient[dict[str, JsonValue]] = Field(None, alias="errors")
    """Jira's ``errors``: field name -> message."""
    error_list: Lenient[list[Lenient[ErrorItem]]] = Field(None, alias="errors")
    """Confluence v2's ``errors``: a list of error objects."""
    message: Text = None


__all__ = [
    "EmptyAsObject",
    "ErrorBody",
    "ErrorItem",
    "Id",
    "Lenient",
    "Named",
    "NullAsEmpty",
    "ObjectOrEmpty",
    "ObjectOrNone",
    "ObjectsOnly",
    "OptionalTimestamp",
    "Text",
    "Timestamp",
]
