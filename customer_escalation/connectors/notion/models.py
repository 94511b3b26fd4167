"""The parts of Notion's API responses this connector reads, as private pydantic models.

Names are Notion's own (snake_case already). Every body is validated once, where it arrives
(`HttpApi.get_model` / `request_model`), so a body of another shape is an `UpstreamError` naming the
endpoint there. Ids, timestamps and the lists that carry records are strict; what a record can do
without (a property's value, a block's colour, an icon) is lenient.

A block carries its content under a key named by its ``type`` (``"paragraph": {...}``); `Block`
lifts that object into `content`, so the text conversion reads one model whatever the type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Self

from pydantic import (
    AwareDatetime,
    Field,
    StrictBool,
    StrictStr,
    model_validator,
)

from ..vendor import NullAsEmpty, OrEmpty, OrNone, VendorErrorBody, VendorModel

Lenient = Annotated[Any, OrNone]
OptionalText = Annotated[StrictStr | None, OrNone]
Timestamp = AwareDatetime


class Link(VendorModel):
    url: OptionalText = None


class TextContent(VendorModel):
    content: OptionalText = None
    link: Annotated[Link | None, OrNone] = None


class Annotations(VendorModel):
    bold: StrictBool = False
    italic: StrictBool = False
    strikethrough: StrictBool = False
    code: StrictBool = False


class RichText(VendorModel):
    """One run of rich text: ``text``, ``mention`` or ``equation``; `plain_text` is always there."""

    type: StrictStr = "text"
    plain_text: OptionalText = None
    href: OptionalText = None
    text: Annotated[TextContent | None, OrNone] = None
    annotations: Annotated[Annotations | None, OrNone] = None


RichTexts = Annotated[tuple[RichText, ...], NullAsEmpty]


class Option(VendorModel):
    """A select, multi-select or status option."""

    name: OptionalText = None


class Property(VendorModel):
    """A page property value; only the types the mapping reads are modelled."""

    type: StrictStr
    title: Annotated[RichTexts, OrEmpty] = ()
    rich_text: Annotated[RichTexts, OrEmpty] = ()
    select: Annotated[Option | None, OrNone] = None
    status: Annotated[Option | None, OrNone] = None
    multi_select: Annotated[tuple[Option, ...], OrEmpty] = ()

    def options(self) -> tuple[str, ...]:
        """The names of the chosen options (select, status or multi-select)."""
        chosen = [self.select, self.status, *self.multi_select]
        return tuple(o.name for o in chosen if o is not None and o.name)


class Parent(VendorModel):
    """Where an object lives: ``page_id``, ``data_source_id`` (with ``database_id``), ``database_id``,
    ``block_id`` or ``workspace``."""

    type: StrictStr
    page_id: OptionalText = None
    data_source_id: OptionalText = None
    database_id: OptionalText = None
    block_id: OptionalText = None

    def ids(self) -> tuple[str, ...]:
        """Every ancestor id this parent names (a data source names its database too)."""
        found = (self.page_id, self.data_source_id, self.database_id, self.block_id)
        return tuple(i for i in found if i)


class PageObject(VendorModel):
    """A page (`GET /v1/pages/{id}`, search results); search can also return data sources, whose
    ``object`` is ``data_source``."""

    object: StrictStr
    id: StrictStr
    url: OptionalText = None
    created_time: Timestamp | None = None
    last_edited_time: Timestamp
    parent: Annotated[Parent | None, OrNone] = None
    archived: StrictBool = False
    in_trash: StrictBool = False
    properties: Mapping[str, Annotated[Property | None, OrNone]] = {}

    def title(self) -> str:
        """The text of the page's title property, whatever the property is called."""
        for prop in self.properties.values():
            if prop is not None and prop.type == "title":
                return "".join(run.plain_text or "" for run in prop.title)
        return ""

    @property
    def gone(self) -> bool:
        return self.archived or self.in_trash


class SearchResults(VendorModel):
    """``POST /v1/search``."""

    results: tuple[PageObject, ...]
    next_cursor: OptionalText = None
    has_more: StrictBool = False


class BlockContent(VendorModel):
    """The type-named object of a block, with the fields every readable type uses."""

    rich_text: Annotated[RichTexts, OrEmpty] = ()
    caption: Annotated[RichTexts, OrEmpty] = ()
    checked: Annotated[bool | None, OrNone] = None
    language: OptionalText = None
    title: OptionalText = None
    url: OptionalText = None
    expression: OptionalText = None
    cells: Annotated[tuple[RichTexts, ...], OrEmpty] = ()
    icon: Lenient = None


class Block(VendorModel):
    """One block of `GET /v1/blocks/{id}/children` (or `GET /v1/blocks/{id}`)."""

    object: StrictStr = "block"
    id: StrictStr
    type: StrictStr
    has_children: StrictBool = False
    in_trash: StrictBool = False
    archived: StrictBool = False
    parent: Annotated[Parent | None, OrNone] = None
    content: BlockContent = Field(default_factory=BlockContent)

    @model_validator(mode="before")
    @classmethod
    def _lift_content(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("type"), str):
            inner = data.get(data["type"])
            return {**data, "content": inner if isinstance(inner, dict) else {}}
        return data


class BlockList(VendorModel):
    """``GET /v1/blocks/{id}/children``."""

    results: tuple[Block, ...]
    next_cursor: OptionalText = None
    has_more: StrictBool = False


class Ancestor(VendorModel):
    """Any object read only for its parent: a page, a database or a block."""

    id: StrictStr
    parent: Parent | None = None


class ErrorBody(VendorErrorBody):
    """Notion's error body: ``{"object": "error", "status", "code", "message"}``."""

    object: OptionalText = None
    code: OptionalText = None
    message: OptionalText = None

    @classmethod
    def read(cls, body: Any) -> Self | None:  # `object` names the field here
        """The error body, or None when the body is not one (its ``object`` is not ``error``)."""
        error = super().read(body)
        return error if error is not None and error.object == "error" else None


__all__ = [
    "Ancestor",
    "Block",
    "BlockContent",
    "BlockList",
    "ErrorBody",
    "PageObject",
    "Parent",
    "Property",
    "RichText",
    "SearchResults",
]
