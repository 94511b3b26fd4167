"""Confluence Cloud's responses, as far as the connector reads them.

Search is v1 (``GET /wiki/rest/api/search``, with each page's storage body, labels and version
expanded); pages and spaces are v2 (``/wiki/api/v2/pages/{id}``, ``/wiki/api/v2/spaces``). Names are
Confluence's own (``_links``, camelCase through aliases). Every response is validated once, where the
HTTP call returns, so a body of another shape is an `UpstreamError` naming the endpoint there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import parse_qs, urlsplit

from pydantic import AfterValidator, Field, StrictInt, StrictStr, model_validator

from ..atlassian import (
    EmptyAsObject,
    Id,
    Lenient,
    Named,
    NullAsEmpty,
    ObjectOrEmpty,
    ObjectOrNone,
    OptionalTimestamp,
    Text,
    Timestamp,
)
from ..vendor import VendorModel


def _cursor_of(next_link: str | None) -> str | None:
    if next_link is None:
        return None
    cursors = parse_qs(urlsplit(next_link).query).get("cursor")
    if not cursors:
        raise ValueError("_links.next carries no cursor")
    return cursors[0]


class Storage(VendorModel):
    value: Lenient[StrictStr] = None


class Body(VendorModel):
    storage: Storage | None = None


class LabelList(VendorModel):
    results: Annotated[tuple[Named, ...], NullAsEmpty] = ()

    @property
    def names(self) -> list[str]:
        """Label names in lower case, as CQL compares them."""
        return [label.name.lower() for label in self.results if label.name]


class Metadata(VendorModel):
    labels: LabelList | None = None


class SearchVersion(VendorModel):
    when: Timestamp | None = None


class PageLinks(VendorModel):
    webui: Text = None
    base: Text = None


class Content(VendorModel):
    """The ``content`` of a search result."""

    id: Id
    type: Lenient[StrictStr] = None
    status: Lenient[StrictStr] = None
    title: Text = None
    body: Body | None = None
    metadata: Annotated[Metadata, EmptyAsObject] = Metadata()
    version: Annotated[SearchVersion | None, ObjectOrNone] = None
    links: Annotated[PageLinks | None, ObjectOrNone] = Field(None, alias="_links")


class SearchResult(VendorModel):
    """One hit of a CQL search; its ``title`` carries highlight markers."""

    content: Content
    title: Lenient[StrictStr] = None
    url: Text = None
    last_modified: OptionalTimestamp = Field(None, alias="lastModified")

    @model_validator(mode="after")
    def _pages_have_a_date(self) -> SearchResult:
        if self.content.type == "page" and self.updated is None:
            raise ValueError("a page result has neither lastModified nor content.version.when")
        return self

    @property
    def updated(self) -> datetime | None:
        return self.last_modified or (self.content.version.when if self.content.version else None)


class SearchLinks(VendorModel):
    base: Text = None
    next_cursor: Annotated[Text, AfterValidator(_cursor_of)] = Field(None, alias="next")


class SearchPage(VendorModel):
    """``GET /wiki/rest/api/search``: one page of results, the cursor of the next, the total."""

    results: list[SearchResult]
    links: Annotated[SearchLinks, ObjectOrEmpty] = Field(SearchLinks(), alias="_links")
    total_size: Lenient[Annotated[StrictInt, Field(ge=0)]] = Field(None, alias="totalSize")

    @property
    def base(self) -> str | None:
        """The wiki root the results' links are relative to, when Confluence gives an https one."""
        base = self.links.base
        return base if base and base.startswith("https://") else None


class PageVersion(VendorModel):
    created_at: Timestamp = Field(alias="createdAt")


class PageV2(VendorModel):
    """``GET /wiki/api/v2/pages/{id}`` with ``body-format=storage`` and ``include-labels=true``."""

    id: Id
    space_id: Id = Field(alias="spaceId")
    title: Lenient[StrictStr] = None
    status: Lenient[StrictStr] = None
    body: Annotated[Body, EmptyAsObject] = Body()
    labels: LabelList | None = None
    version: PageVersion
    links: Annotated[PageLinks, ObjectOrEmpty] = Field(PageLinks(), alias="_links")


class Space(VendorModel):
    id: Id
    key: Lenient[StrictStr] = None


class SpaceList(VendorModel):
    """``GET /wiki/api/v2/spaces``: spaces by key."""

    results: list[Space]


__all__ = ["Content", "PageV2", "SearchPage", "SearchResult", "SpaceList"]
