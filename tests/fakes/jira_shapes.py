"""Jira's JSON for the records the Jira fake is seeded with: statuses, resolutions, priorities, issue
types, projects, users, issues and their changelogs, with timestamps in the user's time zone."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from customer_escalation.connectors.records import TrackerIssue
from tests.fakes.atlassian import text_to_adf

_STATUS_CATEGORIES = {
    "new": {"id": 2, "key": "new", "colorName": "blue-gray", "name": "To Do"},
    "indeterminate": {"id": 4, "key": "indeterminate", "colorName": "yellow", "name": "In Progress"},
    "done": {"id": 3, "key": "done", "colorName": "green", "name": "Done"},
}
STATUSES: dict[str, tuple[str, str]] = {
    "To Do": ("10000", "new"),
    "In Progress": ("3", "indeterminate"),
    "In Review": ("10001", "indeterminate"),
    "Done": ("10002", "done"),
    "Closed": ("6", "done"),
    "Reopened": ("4", "new"),
}
RESOLUTIONS = {"Done": "10000", "Won't Do": "10001", "Duplicate": "10002", "Cannot Reproduce": "10003"}
PRIORITIES = {"Highest": "1", "High": "2", "Medium": "3", "Low": "4", "Lowest": "5"}
ISSUE_TYPES = {"Bug": "10004", "Story": "10001", "Task": "10002", "Epic": "10000", "Subtask": "10003"}
_OUR_STATUS = {
    "open": ("To Do", None),
    "in_progress": ("In Progress", None),
    "resolved": ("Done", "Done"),
    "closed": ("Closed", "Done"),
    "reopened": ("Reopened", None),
    "wont_fix": ("Done", "Won't Do"),
}
_OUR_KIND = {"bug": "Bug", "feature": "Story", "task": "Task"}


def jira_time(moment: datetime, zone: ZoneInfo) -> str:
    """Jira's timestamp format: milliseconds and a colon-less offset, in the user's time zone."""
    local = moment.astimezone(zone)
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}" + local.strftime("%z")


class JiraShapes:
    """Builds Jira's JSON for the fake (mixed into `JiraFake`, whose fields it reads)."""

    base_url: str
    email: str
    user_timezone: str
    statuses: Mapping[str, tuple[str, str]]
    resolutions: Mapping[str, str]
    zone: ZoneInfo
    issues: dict[str, dict[str, Any]]
    changelogs: dict[str, list[dict[str, Any]]]
    _project_names: dict[str, str]
    _next_id: int

    def _new_id(self) -> str:
        self._next_id += 1
        return str(self._next_id)

    def _status(self, name: str) -> dict[str, Any]:
        status_id, category = self.statuses[name]
        cat = _STATUS_CATEGORIES[category]
        return {
            "self": f"{self.base_url}/rest/api/3/status/{status_id}",
            "description": "",
            "iconUrl": f"{self.base_url}/images/icons/statuses/generic.png",
            "name": name,
            "id": status_id,
            "statusCategory": {"self": f"{self.base_url}/rest/api/3/statuscategory/{cat['id']}", **cat},
        }

    def _named(self, kind: str, name: str, ident: str) -> dict[str, Any]:
        return {"self": f"{self.base_url}/rest/api/3/{kind}/{ident}", "id": ident, "name": name}

    def _project(self, key: str) -> dict[str, Any]:
        return {
            "self": f"{self.base_url}/rest/api/3/project/{key}",
            "id": str(10000 + zlib.crc32(key.encode()) % 9000),
            "key": key,
            "name": self._project_names[key],
            "projectTypeKey": "software",
            "simplified": False,
            "avatarUrls": {
                "48x48": f"{self.base_url}/rest/api/3/universal_avatar/view/type/project/avatar/10400"
            },
        }

    def _versions(self, name: str | None, released: datetime) -> list[dict[str, Any]]:
        if name is None:
            return []
        version = self._named("version", name, "10100")
        return [
            {
                **version,
                "archived": False,
                "released": True,
                "description": "",
                "releaseDate": released.date().isoformat(),
            }
        ]

    def _seed(self, issue: TrackerIssue) -> None:
        project = issue.project or issue.key.split("-")[0]
        self._project_names.setdefault(project, project.title())
        status_name, resolution = _OUR_STATUS[issue.status]
        resolved = issue.resolved_at or (issue.updated_at if resolution else None)
        labels = [
            *issue.labels,
            *(f"ticket-{t}" for t in issue.linked_ticket_ids),
            *(f"account-{a}" for a in issue.linked_account_ids),
        ]
        category_change = issue.reopened_at or (resolved if resolution else issue.created_at)
        fields: dict[str, Any] = {
            "summary": issue.title,
            "description": text_to_adf(issue.body) if issue.body else None,
            "issuetype": self._issue_type(_OUR_KIND[issue.kind]),
            "status": self._status(status_name),
            "resolution": self._named("resolution", resolution, self.resolutions[resolution])
            if resolution
            else None,
            "resolutiondate": jira_time(resolved, self.zone) if resolution and resolved else None,
            "priority": self._priority(issue.priority.title()) if issue.priority else None,
            "project": self._project(project),
            "labels": labels,
            "components": [
                self._named("component", c, str(11000 + i)) for i, c in enumerate(issue.components)
            ],
            "fixVersions": self._versions(issue.fix_version, issue.created_at),
            "created": jira_time(issue.created_at, self.zone),
            "updated": jira_time(issue.updated_at, self.zone),
            "statuscategorychangedate": jira_time(category_change, self.zone),
            "comment": {"comments": [], "self": "", "maxResults": 0, "total": 0, "startAt": 0},
            "assignee": None,
            "reporter": self._user(),
        }
        issue_id = self._new_id()
        fields["comment"]["self"] = f"{self.base_url}/rest/api/3/issue/{issue_id}/comment"
        self.issues[issue.key] = {
            "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
            "id": issue_id,
            "self": f"{self.base_url}/rest/api/3/issue/{issue_id}",
            "key": issue.key,
            "fields": fields,
        }
        history: list[dict[str, Any]] = []
        if issue.status == "reopened" and issue.resolved_at and issue.reopened_at:
            history = [
                self._history(issue.resolved_at, "In Progress", "Done", resolution="Done"),
                self._history(issue.reopened_at, "Done", "Reopened", resolution=None),
            ]
        self.changelogs[issue.key] = history

    def _history(self, at: datetime, before: str, after: str, *, resolution: str | None) -> dict[str, Any]:
        items = [
            {
                "field": "resolution",
                "fieldtype": "jira",
                "from": None if resolution else "10000",
                "fromString": None if resolution else "Done",
                "to": self.resolutions[resolution] if resolution else None,
                "toString": resolution,
            },
            {
                "field": "status",
                "fieldtype": "jira",
                "fieldId": "status",
                "from": self.statuses[before][0],
                "fromString": before,
                "to": self.statuses[after][0],
                "toString": after,
            },
        ]
        return {
            "id": self._new_id(),
            "author": self._user(),
            "created": jira_time(at, self.zone),
            "items": items,
        }

    def _user(self) -> dict[str, Any]:
        return {
            "self": f"{self.base_url}/rest/api/3/user?accountId=5b10a2844c20165700ede21g",
            "accountId": "5b10a2844c20165700ede21g",
            "emailAddress": self.email,
            "displayName": "Escalation Bot",
            "active": True,
            "timeZone": self.user_timezone,
            "accountType": "atlassian",
        }

    def _issue_type(self, name: str) -> dict[str, Any]:
        ident = ISSUE_TYPES[name]
        return {
            **self._named("issuetype", name, ident),
            "description": "",
            "iconUrl": f"{self.base_url}/rest/api/2/universal_avatar/view/type/issuetype/avatar/10303",
            "subtask": name == "Subtask",
            "avatarId": 10303,
            "hierarchyLevel": 1 if name == "Epic" else 0,
        }

    def _priority(self, name: str) -> dict[str, Any]:
        return {
            **self._named("priority", name, PRIORITIES[name]),
            "iconUrl": f"{self.base_url}/images/icons/priorities/{name.lower()}.svg",
        }


__all__ = ["ISSUE_TYPES", "PRIORITIES", "RESOLUTIONS", "STATUSES", "JiraShapes", "jira_time"]
