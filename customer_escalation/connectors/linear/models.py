"""Linear's GraphQL responses, as far as the connector reads them.

Names are Linear's own (camelCase through aliases). Every response is validated once, where the HTTP
call returns (`HttpApi.request_model`), as an `Envelope` around the operation's ``data``; a body of
another shape is an `UpstreamError` naming the operation there and nowhere else. GraphQL errors never
reach these models: the policy turns a body with ``errors`` into a connector error first.

Field types say how forgiving a field is: ids, identifiers, timestamps and the connections that carry
the records are strict; names, labels and the like read as None (or empty) when they are missing or of
another shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from typing import Annotated, Any, Generic, Self, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    JsonValue,
    StrictBool,
    StrictStr,
    StringConstraints,
)

from ..vendor import Lenient, VendorErrorBody, VendorModel

DataT = TypeVar("DataT")


def _objects_only(value: Any) -> Any:
    if value is None:
        return []
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else value


Text = Lenient[Annotated[StrictStr, StringConstraints(min_length=1)]]
"""A non-empty string, or None."""
Key = Annotated[StrictStr, StringConstraints(min_length=1)]
"""An id or identifier: required, a non-empty string."""
Timestamp = Annotated[AwareDatetime, AfterValidator(lambda moment: moment.astimezone(UTC))]
"""An ISO 8601 timestamp with an offset (Linear sends ``...Z``), as an aware UTC datetime."""
ObjectsOnly = BeforeValidator(_objects_only)
"""For a list field: null reads as empty, entries that are not objects are skipped."""


class Named(VendorModel):
    """An object of which only the name is read (project, milestone, label, user)."""

    name: Text = None


class State(VendorModel):
    """A workflow state: its name and type (triage, backlog, unstarted, started, completed, canceled)."""

    name: Text = None
    type: Text = None


class TeamRef(VendorModel):
    key: Text = None


class LabelConnection(VendorModel):
    nodes: Annotated[tuple[Named, ...], ObjectsOnly] = ()


class Attachment(VendorModel):
    """A link to an outside record: its address, title and the metadata its creator stored."""

    url: Text = None
    title: Text = None
    metadata: Lenient[dict[str, JsonValue]] = None


class AttachmentConnection(VendorModel):
    nodes: Annotated[tuple[Attachment, ...], ObjectsOnly] = ()


class Comment(VendorModel):
    body: Text = None
    created_at: Timestamp = Field(alias="createdAt")
    user: Lenient[Named] = None


class CommentConnection(VendorModel):
    nodes: Annotated[tuple[Comment, ...], ObjectsOnly] = ()


class HistoryEntry(VendorModel):
    """One change of an issue; only state changes are read."""

    created_at: Timestamp = Field(alias="createdAt")
    from_state: Lenient[State] = Field(None, alias="fromState")
    to_state: Lenient[State] = Field(None, alias="toState")


class HistoryConnection(VendorModel):
    nodes: Annotated[tuple[HistoryEntry, ...], ObjectsOnly] = ()


class Issue(VendorModel):
    """An issue as `queries.ISSUE_FIELDS` selects it (plus comments and history for one issue)."""

    id: Key
    identifier: Key
    title: Text = None
    description: Text = None
    url: Text = None
    priority: Lenient[float] = None
    created_at: Timestamp = Field(alias="createdAt")
    updated_at: Timestamp = Field(alias="updatedAt")
    completed_at: Lenient[Timestamp] = Field(None, alias="completedAt")
    canceled_at: Lenient[Timestamp] = Field(None, alias="canceledAt")
    state: Lenient[State] = None
    team: Lenient[TeamRef] = None
    project: Lenient[Named] = None
    project_milestone: Lenient[Named] = Field(None, alias="projectMilestone")
    labels: Lenient[LabelConnection] = None
    attachments: Lenient[AttachmentConnection] = None
    comments: Lenient[CommentConnection] = None
    history: Lenient[HistoryConnection] = None


class PageInfo(VendorModel):
    has_next_page: StrictBool = Field(alias="hasNextPage")
    end_cursor: Text = Field(None, alias="endCursor")

    @property
    def following(self) -> str | None:
        """The cursor of the next page, or None on the last one."""
        return self.end_cursor if self.has_next_page else None


class IssueConnection(VendorModel):
    """``issues``: one page of issues."""

    nodes: list[Issue]
    page_info: PageInfo = Field(alias="pageInfo")


class IssueSearchPayload(IssueConnection):
    """``searchIssues``: one page of issues by relevance, and how many match in all."""

    total_count: Lenient[int] = Field(None, alias="totalCount")


class Team(VendorModel):
    id: Key
    key: Key
    name: Text = None


class TeamConnection(VendorModel):
    nodes: list[Team]


class Label(VendorModel):
    id: Key
    name: Text = None
    team: Lenient[Team] = None


class LabelList(VendorModel):
    nodes: list[Label]


class Viewer(VendorModel):
    id: Key
    name: Text = None


class CreatedIssue(VendorModel):
    id: Key
    identifier: Key
    url: Text = None


class IssuePayload(VendorModel):
    """``issueCreate``: whether it succeeded and the issue it made."""

    success: StrictBool
    issue: Lenient[CreatedIssue] = None


class SearchData(VendorModel):
    search_issues: IssueSearchPayload = Field(alias="searchIssues")


class ListData(VendorModel):
    issues: IssueConnection


class IssueData(VendorModel):
    issue: Issue | None = None


class ExistingData(VendorModel):
    issue: CreatedIssue | None = None


class TeamsData(VendorModel):
    teams: TeamConnection


class LabelsData(VendorModel):
    issue_labels: LabelList = Field(alias="issueLabels")


class ViewerData(VendorModel):
    viewer: Viewer


class CreateData(VendorModel):
    issue_create: IssuePayload = Field(alias="issueCreate")


class Envelope(VendorModel, Generic[DataT]):
    """A GraphQL response: ``{"data": {...}}``."""

    data: DataT


class ErrorExtensions(VendorModel):
    type: Text = None
    code: Text = None
    user_error: Lenient[StrictBool] = Field(None, alias="userError")
    user_presentable_message: Text = Field(None, alias="userPresentableMessage")


class GraphQLError(VendorModel):
    message: Text = None
    extensions: Lenient[ErrorExtensions] = None

    @property
    def kind(self) -> str:
        """Linear's error type (``ratelimited``, ``invalid input``, ...), lower case; "" when absent."""
        extensions = self.extensions
        if extensions is None:
            return ""
        return (extensions.type or extensions.code or "").replace("_", " ").casefold()

    @property
    def text(self) -> str:
        """The most readable message: the one meant for people, else the technical one."""
        extensions = self.extensions
        presentable = extensions.user_presentable_message if extensions is not None else None
        return " ".join((presentable or self.message or self.kind or "error").split())


class ErrorBody(VendorErrorBody):
    """A body carrying GraphQL ``errors`` (with or without ``data``)."""

    errors: Annotated[tuple[GraphQLError, ...], ObjectsOnly] = ()

    @classmethod
    def read(cls, body: object) -> Self | None:
        """The errors of `body`, or None when it has none (or is not a GraphQL body at all)."""
        if not isinstance(body, Mapping) or not body.get("errors"):
            return None
        parsed = super().read(body)
        return parsed if parsed is not None and parsed.errors else None


__all__ = [
    "Attachment",
    "Comment",
    "CreateData",
    "CreatedIssue",
    "Envelope",
    "ErrorBody",
    "ExistingData",
    "GraphQLError",
    "HistoryEntry",
    "Issue",
    "IssueConnection",
    "IssueData",
    "IssuePayload",
    "IssueSearchPayload",
    "Label",
    "LabelsData",
    "ListData",
    "SearchData",
    "Team",
    "TeamsData",
    "ViewerData",
]
