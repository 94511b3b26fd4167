"""What every vendor package shares besides the HTTP layer: the base of its response models, the one place
a response body is validated, and following a vendor's pagination."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Self, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)

from .errors import UpstreamError

Json = Any


class VendorModel(BaseModel):
    """Base of every vendor's private response models.

    Fields the vendor adds later are ignored, values are immutable, and a field may be filled by its
    name or its alias (vendors spell fields in camelCase or with reserved words such as ``type``).
    """

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class VendorErrorBody(VendorModel):
    """Base of a vendor's error-body model, read where a request failed: a body of another shape (an
    HTML page from a proxy, say) must not fail the error path, so it reads as no error body."""

    @classmethod
    def read(cls, body: object) -> Self | None:
        """The error body, or None when the body is not one."""
        try:
            return cls.model_validate(body)
        except ValidationError:
            return None


ModelT = TypeVar("ModelT", bound=BaseModel)
T = TypeVar("T")


def _or_none(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except ValidationError:
        return None


def _or_empty(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except ValidationError:
        return ()


OrNone = WrapValidator(_or_none)
"""For a field a record can do without: a value that does not validate reads as None, as a missing one."""
OrEmpty = WrapValidator(_or_empty)
"""For a list field a record can do without: a value that does not validate reads as an empty list."""
NullAsEmpty = BeforeValidator(lambda value: () if value is None else value)
"""For a list field: null reads as an empty list."""
NullAsEmptyMapping = BeforeValidator(lambda value: {} if value is None else value)
"""For a mapping field: null reads as an empty mapping."""
Lenient = Annotated[T | None, OrNone]
"""`T`, or None when the value does not validate as one."""


def parse_body(model: type[ModelT], body: Json, *, system: str, endpoint: str) -> ModelT:
    """Validate a vendor's JSON body against `model`: the one place a response's shape is checked.

    Raises:
        UpstreamError: the body does not have the documented shape; the message names the endpoint and
            the first fields that differ, never the values (they may hold customer text or secrets).
    """
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}"
            for error in exc.errors(include_url=False, include_input=False)[:3]
        )
        raise UpstreamError(
            f"{system}: {endpoint} returned a body of an unexpected shape ({problems})", system=system
        ) from None


async def collect_pages(
    fetch: Callable[[Any], Awaitable[tuple[list[Any], Any]]],
    *,
    max_items: int,
    max_pages: int = 20,
    first: Any = None,
) -> tuple[list[Any], Any]:
    """Follow a vendor's pagination until `max_items` are collected or there is nothing more.

    `fetch(token)` returns one page's items and the next token (None at the end). Stops early at the
    cap, on a repeated token (a vendor bug that would loop forever) and after `max_pages`. Returns the
    items and the token to resume from (None when exhausted).
    """
    items: list[Any] = []
    token = first
    seen: set[str] = set()
    for _ in range(max_pages):
        page, token = await fetch(token)
        items.extend(page)
        if token is None or len(items) >= max_items:
            break
        key = json.dumps(token, sort_keys=True, default=str)
        if key in seen:
            token = None
            break
        seen.add(key)
    return items[:max_items], token


__all__ = [
    "Lenient",
    "ModelT",
    "NullAsEmpty",
    "NullAsEmptyMapping",
    "OrEmpty",
    "OrNone",
    "VendorErrorBody",
    "VendorModel",
    "collect_pages",
    "parse_body",
]
