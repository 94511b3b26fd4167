"""Jira Cloud's responses, as far as the connector reads them (REST API v3).

Names are Jira's own (camelCase through aliases). Every response is validated once, where the HTTP
call returns (`HttpApi.request_model` / `get_model`), so a body of another shape is an `UpstreamError`
naming the endpoint there and nowhere else.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, RootModel, StrictBool, StrictInt, StrictStr

from ..atlassian import (
    AdfDocument,
    Lenient,
    Named,
    NullAsEmpty,
    ObjectOrNone,
    ObjectsOnly,
    OptionalTimestamp,
    Text,
    Timestamp,
)
from ..vendor import VendorModel


class StatusCategory(VendorModel):
    key: Text = None


class Status(Named):
    status_category: Lenient[StatusCategory] = Field(None, alias="statusCategory")


class ProjectRef(VendorModel):
    key: Text = None


class Author(VendorModel):
    display_name: Text = Field(None, alias="displayName")


class Comment(VendorModel):
    author: Lenient[Author] = None
    body: AdfDocument = None
    created: Timestamp


class CommentPage(VendorModel):
    """The ``comment`` field: a page of comments, oldest first, and how many there are in all."""

    comments: Annotated[tuple[Comment, ...], NullAsEmpty] = ()
    total: Lenient[StrictInt] = None


class ChangeItem(VendorModel):
    field: Lenient[StrictStr] = None
    from_: Lenient[StrictStr | StrictInt] = Field(None, alias="from")
    to: Lenient[StrictStr | StrictInt] = None

    @property
    def clears_resolution(self) -> bool:
        return self.field == "resolution" and self.to is None and self.from_ is not None

    @property
    def sets_resolution(self) -> bool:
        return self.field == "resolution" and self.to is not None


class History(VendorModel):
    created: Timestamp
    items: Annotated[tuple[ChangeItem, ...], ObjectsOnly, NullAsEmpty] = ()


class Changelog(VendorModel):
    histories: Annotated[tuple[History, ...], NullAsEmpty] = ()


class IssueFields(VendorModel):
    """The fields the connector asks for (`SEARCH_FIELDS`, plus ``comment`` on a single issue)."""

    summary: Lenient[StrictStr] = None
    description: AdfDocument = None
    issuetype: Lenient[Named] = None
    status: Lenient[Status] = None
    resolution: Lenient[Named] = None
    priority: Lenient[Named] = None
    project: Lenient[ProjectRef] = None
    labels: Annotated[tuple[str, ...], NullAsEmpty] = ()
    components: Annotated[tuple[Lenient[Named], ...], NullAsEmpty] = ()
    fix_versions: Annotated[tuple[Lenient[Named], ...], NullAsEmpty] = Field((), alias="fixVersions")
    created: Timestamp
    updated: Timestamp
    resolutiondate: OptionalTimestamp = None
    statuscategorychangedate: OptionalTimestamp = None
    comment: Annotated[CommentPage | None, ObjectOrNone] = None


class IssueKey(VendorModel):
    key: Annotated[StrictStr, Field(min_length=1)]


class Issue(IssueKey):
    """``GET /rest/api/3/issue/{key}`` (with ``expand=changelog``), or one hit of a search."""

    fields: IssueFields
    changelog: Changelog | None = None


class SearchPage(VendorModel):
    """``POST /rest/api/3/search/jql``: one page of issues and the token of the next."""

    issues: list[Issue]
    next_page_token: Text = Field(None, alias="nextPageToken")
    is_last: Lenient[StrictBool] = Field(None, alias="isLast")

    @property
    def following(self) -> str | None:
        return None if self.is_last is True else self.next_page_token


class KeySearchPage(VendorModel):
    """A search that asked for no fields worth mapping: only the keys are read."""

    issues: list[IssueKey]


class CreatedIssue(IssueKey):
    """``POST /rest/api/3/issue`` answers ``{id, key, self}``."""


class Myself(VendorModel):
    """``GET /rest/api/3/myself``: the account behind the credentials."""

    time_zone: Text = Field(None, alias="timeZone")


class NamedList(RootModel[list[Named]]):
    """``GET /rest/api/3/status`` and ``GET /rest/api/3/issuetype``: every status or issue type."""


class ResolutionPage(VendorModel):
    """``GET /rest/api/3/resolution/search``: one page of resolutions."""

    values: list[Named]
    is_last: Lenient[StrictBool] = Field(None, alias="isLast")


__all__ = [
    "Changelog",
    "Comment",
    "CommentPage",
    "CreatedIssue",
    "History",
    "Issue",
    "IssueFields",
    "KeySearchPage",
    "Myself",
    "NamedList",
    "ResolutionPage",
    "SearchPage",
]
