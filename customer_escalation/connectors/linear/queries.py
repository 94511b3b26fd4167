"""The GraphQL documents the connector sends to ``POST /graphql``, each a named operation.

Connections multiply Linear's complexity cost by their ``first``, so nested lists ask for few nodes and
the issue lists page at `VENDOR_PAGE_MAX`.
"""

from __future__ import annotations

VENDOR_PAGE_MAX = 50
"""Issues per request (Linear's own default page size)."""
NESTED_MAX = 20
"""Labels and attachments read per issue."""
COMMENTS_MAX = 50
"""Comments read with one issue; the newest are shown."""
HISTORY_MAX = 50
"""History entries read with one issue, for when it was resolved and reopened."""

ISSUE_FIELDS = f"""
    id identifier title description url priority
    createdAt updatedAt completedAt canceledAt
    state {{ name type }}
    team {{ key }}
    project {{ name }}
    projectMilestone {{ name }}
    labels(first: {NESTED_MAX}) {{ nodes {{ name }} }}
    attachments(first: {NESTED_MAX}) {{ nodes {{ url title metadata }} }}
"""

SEARCH_ISSUES = f"""
query IssueSearch($term: String!, $filter: IssueFilter, $first: Int, $after: String) {{
  searchIssues(term: $term, filter: $filter, first: $first, after: $after, includeComments: true) {{
    nodes {{ {ISSUE_FIELDS} }}
    pageInfo {{ hasNextPage endCursor }}
    totalCount
  }}
}}
"""

LIST_ISSUES = f"""
query IssueList($filter: IssueFilter, $first: Int, $after: String) {{
  issues(filter: $filter, first: $first, after: $after, orderBy: updatedAt) {{
    nodes {{ {ISSUE_FIELDS} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""

ISSUE = f"""
query Issue($id: String!) {{
  issue(id: $id) {{
    {ISSUE_FIELDS}
    comments(first: {COMMENTS_MAX}) {{ nodes {{ body createdAt user {{ name }} }} }}
    history(first: {HISTORY_MAX}) {{ nodes {{ createdAt fromState {{ name type }} toState {{ name type }} }} }}
  }}
}}
"""

TEAMS = """
query Teams($keys: [String!]) {
  teams(filter: { key: { in: $keys } }) { nodes { id key name } }
}
"""

LABELS = """
query Labels($names: [String!]) {
  issueLabels(filter: { name: { in: $names } }, first: 100) { nodes { id name team { id key } } }
}
"""

VIEWER = """
query Viewer {
  viewer { id name }
}
"""

EXISTING = """
query Existing($id: String!) {
  issue(id: $id) { id identifier url }
}
"""


def create_mutation(attachments: int) -> str:
    """``issueCreate`` followed by `attachments` ``attachmentCreate`` calls, in one request.

    Mutations of one request run in order, so the attachments (``$a0`` ...) find the issue, whose id the
    connector chose (``$input.id``).
    """
    variables = "".join(f", $a{n}: AttachmentCreateInput!" for n in range(attachments))
    links = "".join(f"\n  a{n}: attachmentCreate(input: $a{n}) {{ success }}" for n in range(attachments))
    return (
        f"mutation IssueCreate($input: IssueCreateInput!{variables}) {{\n"
        "  issueCreate(input: $input) { success issue { id identifier url } }"
        f"{links}\n}}\n"
    )


__all__ = [
    "COMMENTS_MAX",
    "EXISTING",
    "HISTORY_MAX",
    "ISSUE",
    "ISSUE_FIELDS",
    "LABELS",
    "LIST_ISSUES",
    "NESTED_MAX",
    "SEARCH_ISSUES",
    "TEAMS",
    "VENDOR_PAGE_MAX",
    "VIEWER",
    "create_mutation",
]
