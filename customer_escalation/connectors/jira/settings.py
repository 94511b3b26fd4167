"""The ``JIRA_*`` variables (see CONNECTORS.md), read once into one validated object."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, SecretStr
from pydantic_core import PydanticCustomError

from ..atlassian import Credentials, Names, Scope, SiteUrl
from ..settings import VendorSettings

PREFIX = "JIRA_"


def _known_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PydanticCustomError("time_zone", "is not a known time zone (such as Europe/Berlin)") from None
    return name


class JiraSettings(VendorSettings):
    """How to reach a Jira Cloud site, as whom, and how its issue types and resolutions read."""

    base_url: SiteUrl = Field(alias="JIRA_BASE_URL")
    """The Jira Cloud site to read issues from (https://your-site.atlassian.net)."""
    email: str | None = Field(None, alias="JIRA_EMAIL")
    api_token: SecretStr | None = Field(None, alias="JIRA_API_TOKEN")
    oauth_token: SecretStr | None = Field(None, alias="JIRA_OAUTH_TOKEN")
    projects: Scope = Field((), alias="JIRA_PROJECTS")
    bug_types: Names = Field(("Bug",), alias="JIRA_BUG_TYPE")
    feature_types: Names = Field(("Story",), alias="JIRA_FEATURE_TYPE")
    task_types: Names = Field(("Task",), alias="JIRA_TASK_TYPE")
    wont_fix_resolutions: Names = Field(("Won't Do", "Won't Fix"), alias="JIRA_WONT_FIX_RESOLUTIONS")
    timezone: Annotated[str, AfterValidator(_known_zone)] | None = Field(None, alias="JIRA_TIMEZONE")

    def credentials(self) -> Credentials:
        """The credential variables as configured (`Credentials.auth` checks they are complete)."""
        return Credentials(PREFIX, self.oauth_token, self.email, self.api_token)


__all__ = ["JiraSettings"]
