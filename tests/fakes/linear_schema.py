"""The part of Linear's GraphQL schema the Linear fake serves, written out as SDL, with what the fake
needs around it: the custom scalars, the complexity Linear charges for a query, and ``IssueFilter``
evaluated against the fake's issues.

The types, fields and arguments carry Linear's names and shapes, so a query the connector sends is
validated here as Linear would validate it: a misspelt field or argument fails the test.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from string import Template
from typing import Any

from graphql import (
    FieldNode,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
    build_schema,
    value_from_ast_untyped,
)

_ISSUE_FIELDS = """\
  id: ID! identifier: String! number: Float! title: String! description: String url: String!
  priority: Float! priorityLabel: String!
  createdAt: DateTime! updatedAt: DateTime! completedAt: DateTime canceledAt: DateTime startedAt: DateTime
  state: WorkflowState! team: Team! project: Project projectMilestone: ProjectMilestone assignee: User
  labels(first: Int, after: String): IssueLabelConnection!
  attachments(first: Int, after: String): AttachmentConnection!
  comments(first: Int, after: String): CommentConnection!
  history(first: Int, after: String): IssueHistoryConnection!
"""
"""The fields an issue and an issue search result both carry in Linear's schema."""

SDL = Template("""
scalar DateTime
scalar JSONObject

enum PaginationOrderBy { createdAt updatedAt }

type PageInfo { hasPreviousPage: Boolean! hasNextPage: Boolean! startCursor: String endCursor: String }

type User { id: ID! name: String! displayName: String! email: String! }
type Team { id: ID! key: String! name: String! }
type TeamConnection { nodes: [Team!]! pageInfo: PageInfo! }
type WorkflowState { id: ID! name: String! type: String! color: String! }
type IssueLabel { id: ID! name: String! color: String! team: Team }
type IssueLabelConnection { nodes: [IssueLabel!]! pageInfo: PageInfo! }
type Project { id: ID! name: String! }
type ProjectMilestone { id: ID! name: String! }
type Comment { id: ID! body: String! createdAt: DateTime! updatedAt: DateTime! user: User }
type CommentConnection { nodes: [Comment!]! pageInfo: PageInfo! }
type Attachment {
  id: ID! title: String! subtitle: String url: String! metadata: JSONObject! sourceType: String
  createdAt: DateTime!
}
type AttachmentConnection { nodes: [Attachment!]! pageInfo: PageInfo! }
type IssueHistory { id: ID! createdAt: DateTime! fromState: WorkflowState toState: WorkflowState }
type IssueHistoryConnection { nodes: [IssueHistory!]! pageInfo: PageInfo! }

type Issue {
$issue_fields}

type IssueSearchResult {
$issue_fields  metadata: JSONObject!
}

type IssueConnection { nodes: [Issue!]! pageInfo: PageInfo! }
type IssueSearchPayload { nodes: [IssueSearchResult!]! pageInfo: PageInfo! totalCount: Float! }

input StringComparator {
  eq: String neq: String in: [String!] nin: [String!] eqIgnoreCase: String neqIgnoreCase: String
  containsIgnoreCase: String
}
input IDComparator { eq: ID neq: ID in: [ID!] nin: [ID!] }
input DateComparator { eq: DateTime gt: DateTime gte: DateTime lt: DateTime lte: DateTime }
input TeamFilter { id: IDComparator key: StringComparator name: StringComparator }
input WorkflowStateFilter { name: StringComparator type: StringComparator }
input IssueLabelFilter { id: IDComparator name: StringComparator }
input IssueLabelCollectionFilter {
  id: IDComparator name: StringComparator some: IssueLabelFilter every: IssueLabelFilter
}
input IssueFilter {
  id: IDComparator number: IDComparator team: TeamFilter state: WorkflowStateFilter
  labels: IssueLabelCollectionFilter createdAt: DateComparator updatedAt: DateComparator
  and: [IssueFilter!] or: [IssueFilter!]
}

input IssueCreateInput {
  id: String teamId: String! title: String description: String priority: Int labelIds: [String!]
  stateId: String assigneeId: String projectId: String
}
input AttachmentCreateInput {
  issueId: String! url: String! title: String! subtitle: String metadata: JSONObject iconUrl: String
}
type IssuePayload { lastSyncId: Float! success: Boolean! issue: Issue }
type AttachmentPayload { lastSyncId: Float! success: Boolean! attachment: Attachment! }

type Query {
  viewer: User!
  teams(filter: TeamFilter, first: Int, after: String): TeamConnection!
  issue(id: String!): Issue!
  issues(filter: IssueFilter, first: Int, after: String, orderBy: PaginationOrderBy): IssueConnection!
  searchIssues(
    term: String!, filter: IssueFilter, first: Int, after: String, includeComments: Boolean,
    teamId: String, orderBy: PaginationOrderBy
  ): IssueSearchPayload!
  issueLabels(filter: IssueLabelFilter, first: Int, after: String): IssueLabelConnection!
}

type Mutation {
  issueCreate(input: IssueCreateInput!): IssuePayload!
  attachmentCreate(input: AttachmentCreateInput!): AttachmentPayload!
}
""").substitute(issue_fields=_ISSUE_FIELDS)

DEFAULT_FIRST = 50
MAX_FIRST = 250
MAX_COMPLEXITY = 10_000


def linear_time(moment: datetime) -> str:
    """A timestamp as Linear writes it: UTC with milliseconds and ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_time(value: Any) -> datetime:
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("a DateTime needs an offset")
    return moment.astimezone(UTC)


def build_linear_schema() -> GraphQLSchema:
    """The schema; its custom scalars pass values through (the fake writes timestamps as
    `linear_time` strings and reads the ones in filters with `parse_time`)."""
    return build_schema(SDL)


# -- complexity --------------------------------------------------------------------------------------


def complexity(operation: OperationDefinitionNode, variables: Mapping[str, Any]) -> int:
    """What Linear charges: 0.1 per scalar, 1 per object, a connection's children times its ``first``
    (50 when not given), rounded up."""
    return math.ceil(_cost(operation.selection_set, variables))


def _cost(selections: SelectionSetNode | None, variables: Mapping[str, Any]) -> float:
    total = 0.0
    for node in selections.selections if selections is not None else ():
        if not isinstance(node, FieldNode):
            continue
        if node.selection_set is None:
            total += 0.1
            continue
        args = {arg.name.value: value_from_ast_untyped(arg.value, variables) for arg in node.arguments or ()}
        children = _cost(node.selection_set, variables)
        is_connection = any(
            isinstance(s, FieldNode) and s.name.value == "nodes" for s in node.selection_set.selections
        )
        total += 1 + children * (args.get("first") or DEFAULT_FIRST if is_connection else 1)
    return total


# -- IssueFilter -------------------------------------------------------------------------------------


def matches(issue: Mapping[str, Any], where: Mapping[str, Any] | None) -> bool:
    """Whether `issue` (the fake's own record) passes the ``IssueFilter`` `where`."""
    for name, condition in (where or {}).items():
        if condition is None:
            continue
        if name == "and" and not all(matches(issue, part) for part in condition):
            return False
        if name == "or" and not any(matches(issue, part) for part in condition):
            return False
        if name in {"id", "number"} and not compare(issue[name], condition):
            return False
        if name in {"createdAt", "updatedAt"} and not compare(issue[name], _times(condition)):
            return False
        if name in {"team", "state"} and not all(
            compare(issue[name][field], test) for field, test in condition.items() if test is not None
        ):
            return False
        if name == "labels" and not _labels_match(issue["labels"], condition):
            return False
    return True


def _times(test: Mapping[str, Any]) -> dict[str, Any]:
    return {op: parse_time(value) for op, value in test.items() if value is not None}


def _labels_match(labels: list[Mapping[str, Any]], condition: Mapping[str, Any]) -> bool:
    for name, test in condition.items():
        if test is None:
            continue
        if name == "some" and not any(label_matches(label, test) for label in labels):
            return False
        if name == "every" and not all(label_matches(label, test) for label in labels):
            return False
        if name in {"id", "name"} and not any(compare(label[name], test) for label in labels):
            return False
    return True


def label_matches(label: Mapping[str, Any], where: Mapping[str, Any]) -> bool:
    return all(compare(label[name], test) for name, test in where.items() if test is not None)


def compare(value: Any, test: Mapping[str, Any]) -> bool:
    """A Linear comparator (``{eq: ...}``, ``{in: [...]}``, ``{gte: ...}`` ...) applied to `value`."""
    folded = str(value).casefold()
    checks = {
        "eq": lambda wanted: value == wanted,
        "neq": lambda wanted: value != wanted,
        "in": lambda wanted: value in wanted,
        "nin": lambda wanted: value not in wanted,
        "eqIgnoreCase": lambda wanted: folded == wanted.casefold(),
        "neqIgnoreCase": lambda wanted: folded != wanted.casefold(),
        "containsIgnoreCase": lambda wanted: wanted.casefold() in folded,
        "gt": lambda wanted: value > wanted,
        "gte": lambda wanted: value >= wanted,
        "lt": lambda wanted: value < wanted,
        "lte": lambda wanted: value <= wanted,
    }
    return all(checks[op](wanted) for op, wanted in test.items() if wanted is not None)


__all__ = [
    "DEFAULT_FIRST",
    "MAX_COMPLEXITY",
    "MAX_FIRST",
    "build_linear_schema",
    "complexity",
    "label_matches",
    "linear_time",
    "matches",
    "parse_time",
]
