"""The Linear fake's workspace: teams, workflow states, labels and issues seeded from a `Dataset`, and
the resolvers of the schema's queries and mutations over them (methods named as Linear's fields)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from customer_escalation.connectors.records import Dataset, TrackerIssue
from tests.fakes.linear_schema import DEFAULT_FIRST, MAX_FIRST, compare, label_matches, linear_time, matches

Record = dict[str, Any]

STATES = (
    ("Triage", "triage"),
    ("Backlog", "backlog"),
    ("Todo", "unstarted"),
    ("Reopened", "unstarted"),
    ("In Progress", "started"),
    ("In Review", "started"),
    ("Done", "completed"),
    ("Canceled", "canceled"),
    ("Duplicate", "canceled"),
)
STATUS_STATES = {
    "open": "Todo",
    "in_progress": "In Progress",
    "reopened": "Reopened",
    "resolved": "Done",
    "closed": "Done",
    "wont_fix": "Canceled",
}
KIND_LABELS = {"bug": "Bug", "feature": "Feature"}
PRIORITY_NUMBERS = {None: 0, "highest": 1, "high": 2, "medium": 3, "low": 4, "lowest": 4}
PRIORITY_LABELS = {0: "No priority", 1: "Urgent", 2: "High", 3: "Medium", 4: "Low"}
TEAM_NAMES = {"ENG": "Engineering", "PROD": "Product", "SUP": "Support"}
_UUID_V4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def _id(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "fake-linear:" + ":".join(parts)))


def _input_error(message: str, presentable: str | None = None) -> GraphQLError:
    extensions = {"type": "invalid input", "code": "INPUT_ERROR", "userError": True}
    if presentable:
        extensions["userPresentableMessage"] = presentable
    return GraphQLError(message, extensions=extensions)


class LinearData:
    """The workspace's records and the resolvers; `LinearFake` adds HTTP, auth and faults."""

    ticket_url: str
    account_url: str
    base_url: str
    now: Callable[[], datetime]

    def seed(self, dataset: Dataset) -> None:
        self.user = {
            "id": _id("user"),
            "name": "Escalation Bot",
            "displayName": "escalations",
            "email": "bot@vendor.example",
        }
        self.team_by_key: dict[str, Record] = {}
        self.states: dict[tuple[str, str], Record] = {}
        self.labels: list[Record] = []
        self.records: dict[str, Record] = {}
        for key in dict.fromkeys([*TEAM_NAMES, *(issue.key.split("-")[0] for issue in dataset.issues)]):
            self.add_team(key)
        for name in ("Bug", "Feature", "Improvement", *(label for i in dataset.issues for label in i.labels)):
            self.add_label(name)
        for team in ("ENG", "PROD"):
            self.add_label("escalation", team=team)
        for issue in dataset.issues:
            self.put_issue(self.record_of(issue))

    # -- building the workspace ---------------------------------------------------------------------

    def add_team(self, key: str) -> Record:
        team = {"id": _id("team", key), "key": key, "name": TEAM_NAMES.get(key, key.title())}
        self.team_by_key[key] = team
        for name, kind in STATES:
            self.states[(key, name)] = {
                "id": _id("state", key, name),
                "name": name,
                "type": kind,
                "color": "#aaa",
            }
        return team

    def add_label(self, name: str, *, team: str | None = None) -> Record:
        existing = next(
            (lb for lb in self.labels if lb["name"] == name and (lb["team"] or {}).get("key") == team), None
        )
        if existing is not None:
            return existing
        label = {
            "id": _id("label", team or "", name),
            "name": name,
            "color": "#bbb",
            "team": self.team_by_key[team] if team else None,
        }
        self.labels.append(label)
        return label

    def put_issue(self, record: Record) -> None:
        """Store an issue given as the fake's own record (for mapping edge cases)."""
        self.records[record["id"]] = record

    def record_of(self, issue: TrackerIssue) -> Record:
        """The fake's record of a dataset issue: state from its status, kind as a label, links as
        attachments at the ticket and account addresses, resolving and reopening in its history."""
        team_key, number = issue.key.rsplit("-", 1)
        team = self.team_by_key[team_key]
        done = issue.status in {"resolved", "closed", "wont_fix"}
        labels = [self.add_label(name) for name in (*issue.labels, KIND_LABELS.get(issue.kind, "")) if name]
        links = [(self.ticket_url, t, "Support ticket") for t in issue.linked_ticket_ids]
        links += [(self.account_url, a, "Customer account") for a in issue.linked_account_ids]
        history = []
        if issue.resolved_at is not None:
            history.append(self._move(team_key, "In Progress", "Done", issue.resolved_at))
            if issue.reopened_at is not None:
                history.append(self._move(team_key, "Done", STATUS_STATES[issue.status], issue.reopened_at))
        return {
            "id": _id("issue", issue.key),
            "identifier": issue.key,
            "number": float(number),
            "title": issue.title,
            "description": issue.body,
            "url": f"https://linear.app/acme/issue/{issue.key}/{_slug(issue.title)}",
            "priority": float(PRIORITY_NUMBERS[issue.priority]),
            "createdAt": issue.created_at,
            "updatedAt": issue.updated_at,
            "completedAt": issue.resolved_at if done and issue.status != "wont_fix" else None,
            "canceledAt": issue.resolved_at if issue.status == "wont_fix" else None,
            "startedAt": None,
            "state": self.states[(team_key, STATUS_STATES[issue.status])],
            "team": team,
            "project": {"id": _id("project", c), "name": c}
            if (c := next(iter(issue.components), None))
            else None,
            "projectMilestone": {"id": _id("ms", issue.fix_version), "name": issue.fix_version}
            if issue.fix_version
            else None,
            "assignee": None,
            "labels": labels,
            "attachments": [
                self._attachment(template.replace("{id}", i), f"{what} {i}", {}, issue.created_at)
                for template, i, what in links
            ],
            "comments": [],
            "history": history,
        }

    def _move(self, team: str, before: str, after: str, at: datetime) -> Record:
        return {
            "id": _id("history", team, before, after, at.isoformat()),
            "createdAt": at,
            "fromState": self.states[(team, before)],
            "toState": self.states[(team, after)],
        }

    @staticmethod
    def _attachment(url: str, title: str, metadata: dict[str, Any], at: datetime) -> Record:
        return {
            "id": _id("attachment", url),
            "url": url,
            "title": title,
            "subtitle": None,
            "metadata": metadata,
            "sourceType": "api",
            "createdAt": at,
        }

    def find(self, key: str) -> Record | None:
        return self.records.get(key) or next(
            (r for r in self.records.values() if r["identifier"] == key), None
        )

    # -- queries ------------------------------------------------------------------------------------

    def viewer(self, info: GraphQLResolveInfo) -> Record:
        return self.user

    def teams(self, info: GraphQLResolveInfo, **args: Any) -> Record:
        where = args.get("filter") or {}
        teams = [
            t
            for t in self.team_by_key.values()
            if all(compare(t[f], test) for f, test in where.items() if test)
        ]
        return _connection(teams, args.get("first"), args.get("after"))

    def issue(self, info: GraphQLResolveInfo, id: str) -> Record:
        record = self.find(id)
        if record is None:
            raise _input_error("Entity not found: Issue", "Could not find referenced Issue.")
        return self._view(record)

    def issues(self, info: GraphQLResolveInfo, **args: Any) -> Record:
        found = [r for r in self.records.values() if matches(r, args.get("filter"))]
        order = args.get("orderBy") or "createdAt"
        found.sort(key=lambda r: (r[order], r["id"]), reverse=True)
        return _connection([self._view(r) for r in found], args.get("first"), args.get("after"))

    def searchIssues(self, info: GraphQLResolveInfo, term: str, **args: Any) -> Record:
        words = [w for w in re.split(r"[^\w]+", term.casefold()) if w]
        if not words:
            raise _input_error("term must not be empty")
        scored = []
        for record in self.records.values():
            parts = [record["title"], record["description"] or ""]
            if args.get("includeComments"):
                parts += [c["body"] for c in record["comments"]]
            text = " ".join(parts).casefold()
            if matches(record, args.get("filter")) and all(w in text for w in words):
                scored.append((sum(text.count(w) for w in words), record))
        scored.sort(key=lambda pair: (pair[0], pair[1]["updatedAt"]), reverse=True)
        nodes = [{**self._view(r), "metadata": {"score": score}} for score, r in scored]
        return {**_connection(nodes, args.get("first"), args.get("after")), "totalCount": float(len(nodes))}

    def issueLabels(self, info: GraphQLResolveInfo, **args: Any) -> Record:
        found = [label for label in self.labels if label_matches(label, args.get("filter") or {})]
        return _connection(found, args.get("first"), args.get("after"))

    # -- mutations ----------------------------------------------------------------------------------

    def issueCreate(self, info: GraphQLResolveInfo, input: Record) -> Record:
        team = next((t for t in self.team_by_key.values() if t["id"] == input["teamId"]), None)
        if team is None:
            raise _input_error("Entity not found: Team", "Could not find referenced Team.")
        issue_id = input.get("id") or str(uuid.uuid4())
        if not _UUID_V4.match(issue_id):
            raise _input_error("Argument Validation Error", "id must be a UUID v4.")
        if issue_id in self.records:
            raise _input_error("Entity already exists", "An issue with this id already exists.")
        title = (input.get("title") or "").strip()
        if not title:
            raise _input_error("Argument Validation Error", "title should not be empty.")
        if input.get("priority") not in (None, 0, 1, 2, 3, 4):
            raise _input_error("Argument Validation Error", "priority must be between 0 and 4.")
        labels = []
        for label_id in input.get("labelIds") or []:
            label = next((lb for lb in self.labels if lb["id"] == label_id), None)
            if label is None or (label["team"] is not None and label["team"]["id"] != team["id"]):
                raise _input_error("Entity not found: IssueLabel", "Could not find referenced IssueLabel.")
            labels.append(label)
        number = 1 + max((int(r["number"]) for r in self.records.values() if r["team"] is team), default=0)
        identifier = f"{team['key']}-{number}"
        now = self.now()
        record = {
            "id": issue_id, "identifier": identifier, "number": float(number), "title": title,
            "description": input.get("description"),
            "url": f"https://linear.app/acme/issue/{identifier}/{_slug(title)}",
            "priority": float(input.get("priority") or 0), "createdAt": now, "updatedAt": now,
            "completedAt": None, "canceledAt": None, "startedAt": None,
            "state": self.states[(team["key"], "Backlog")], "team": team, "project": None,
            "projectMilestone": None, "assignee": None, "labels": labels, "attachments": [],
            "comments": [], "history": [],
        }  # fmt: skip
        self.records[issue_id] = record
        return {"lastSyncId": 1.0, "success": True, "issue": self._view(record)}

    def attachmentCreate(self, info: GraphQLResolveInfo, input: Record) -> Record:
        record = self.find(input["issueId"])
        if record is None:
            raise _input_error("Entity not found: Issue", "Could not find referenced Issue.")
        if not re.match(r"^https?://", input["url"]):
            raise _input_error("Argument Validation Error", "url must be a URL address.")
        attachment = self._attachment(input["url"], input["title"], input.get("metadata") or {}, self.now())
        record["attachments"] = [a for a in record["attachments"] if a["url"] != input["url"]] + [attachment]
        return {"lastSyncId": 2.0, "success": True, "attachment": _wire(attachment)}

    def _view(self, record: Record) -> Record:
        """An issue as the resolvers see it: timestamps as Linear writes them, connections paged on demand."""
        view = _wire(record)
        view["priorityLabel"] = PRIORITY_LABELS[int(record["priority"])]
        for name in ("labels", "attachments", "comments", "history"):
            view[name] = _paged(record[name])
        return view


def _wire(record: Record) -> Record:
    return {
        name: linear_time(value) if isinstance(value, datetime) else value for name, value in record.items()
    }


def _paged(items: Sequence[Record]) -> Callable[..., Record]:
    return lambda info, first=None, after=None: _connection([_wire(item) for item in items], first, after)


def _connection(items: list[Record], first: int | None, after: str | None) -> Record:
    size = DEFAULT_FIRST if first is None else first
    if not 0 <= size <= MAX_FIRST:
        raise _input_error("Argument Validation Error", f"first must be between 0 and {MAX_FIRST}.")
    start = 0
    if after:
        ids = [item["id"] for item in items]
        if after not in ids:
            raise _input_error("Invalid cursor", "The pagination cursor is not valid.")
        start = ids.index(after) + 1
    window = items[start : start + size]
    return {
        "nodes": window,
        "pageInfo": {
            "hasPreviousPage": start > 0,
            "hasNextPage": start + len(window) < len(items),
            "startCursor": window[0]["id"] if window else None,
            "endCursor": window[-1]["id"] if window else None,
        },
    }


def _slug(title: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", title.lower()))[:60]


__all__ = ["KIND_LABELS", "STATES", "STATUS_STATES", "LinearData", "Record"]
