"""JQL over the Jira fake's issues: which fields a query may name, how their values read, how dates
and ORDER BY are interpreted (mixed into `JiraFake`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.fakes.atlassian import adf_plain
from tests.fakes.atlassian_query import FieldSpec, QueryError
from tests.fakes.jira_shapes import _STATUS_CATEGORIES, ISSUE_TYPES, PRIORITIES

_RELATIVE = re.compile(r"^([-+]?)(\d+)([wdhm])$")


class JiraJql:
    """The JQL fields of the fake's issues."""

    statuses: Mapping[str, tuple[str, str]]
    resolutions: Mapping[str, str]
    zone: ZoneInfo
    now: Callable[[], datetime]
    _project_names: dict[str, str]

    _project: Callable[[str], dict[str, Any]]
    """The JSON of a project (from `JiraShapes`)."""

    def _jql_fields(self) -> dict[str, FieldSpec]:
        def names(path: str, *keys: str) -> Callable[[Any], list[str]]:
            def get(raw: Any) -> list[str]:
                value = raw["fields"].get(path)
                if not isinstance(value, dict):
                    return []
                return [str(value[k]) for k in keys if value.get(k) is not None]

            return get

        def category(raw: Any) -> list[str]:
            cat = raw["fields"]["status"]["statusCategory"]
            return [cat["name"], cat["key"], str(cat["id"])]

        def text(*paths: str) -> Callable[[Any], str]:
            def get(raw: Any) -> str:
                fields = raw["fields"]
                parts = []
                for path in paths:
                    if path == "comment":
                        parts.extend(adf_plain(c.get("body")) for c in fields["comment"]["comments"])
                    elif path == "description":
                        parts.append(adf_plain(fields.get("description")))
                    else:
                        parts.append(str(fields.get(path) or ""))
                return " ".join(parts)

            return get

        def when(path: str) -> Callable[[Any], datetime | None]:
            return lambda raw: (
                datetime.fromisoformat(raw["fields"][path]) if raw["fields"].get(path) else None
            )

        project = names("project", "key", "name", "id")
        issue_type = names("issuetype", "name", "id")

        def known_projects() -> set[str]:
            return {
                v
                for key in self._project_names
                for v in (key, self._project_names[key], self._project(key)["id"])
            }

        types = FieldSpec("value", issue_type, known=lambda: {*ISSUE_TYPES, *ISSUE_TYPES.values()})
        return {
            "project": FieldSpec("value", project, known=known_projects),
            "issuetype": types,
            "type": types,
            "status": FieldSpec(
                "value",
                names("status", "name", "id"),
                known=lambda: {v for name, (ident, _) in self.statuses.items() for v in (name, ident)},
            ),
            "statuscategory": FieldSpec(
                "value",
                category,
                known=lambda: {
                    str(v)
                    for cat in _STATUS_CATEGORIES.values()
                    for v in (cat["name"], cat["key"], cat["id"])
                },
            ),
            "resolution": FieldSpec(
                "value",
                names("resolution", "name", "id"),
                known=lambda: {*self.resolutions, *self.resolutions.values()},
            ),
            "priority": FieldSpec(
                "value", names("priority", "name", "id"), known=lambda: {*PRIORITIES, *PRIORITIES.values()}
            ),
            "labels": FieldSpec("value", lambda raw: list(raw["fields"].get("labels") or [])),
            "key": FieldSpec("value", lambda raw: [raw["key"], raw["id"]]),
            "issuekey": FieldSpec("value", lambda raw: [raw["key"], raw["id"]]),
            "fixversion": FieldSpec(
                "value", lambda raw: [v["name"] for v in raw["fields"].get("fixVersions") or []]
            ),
            "text": FieldSpec("text", text("summary", "description", "comment")),
            "summary": FieldSpec("text", text("summary")),
            "description": FieldSpec("text", text("description")),
            "comment": FieldSpec("text", text("comment")),
            "created": FieldSpec("date", when("created")),
            "updated": FieldSpec("date", when("updated")),
            "resolved": FieldSpec("date", when("resolutiondate")),
        }

    def _jql_date(self, value: str) -> datetime:
        relative = _RELATIVE.match(value.strip())
        if relative:
            sign = -1 if relative.group(1) == "-" else 1
            unit = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}[relative.group(3)]
            return self.now() + sign * timedelta(**{unit: int(relative.group(2))})
        for pattern in ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d"):
            try:
                return datetime.strptime(value.strip(), pattern).replace(tzinfo=self.zone)
            except ValueError:
                continue
        raise QueryError(
            f"Date value '{value}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', "
            "'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'."
        )

    @staticmethod
    def _sort_key(raw: Any, name: str) -> Any:
        fields = raw["fields"]
        if name in {"updated", "created"}:
            return datetime.fromisoformat(fields[name])
        if name in {"key", "issuekey"}:
            project, number = raw["key"].split("-")
            return (project, int(number))
        if name == "priority":
            return int((fields.get("priority") or {}).get("id", 99))
        return str(fields.get(name) or "")


__all__ = ["JiraJql"]
