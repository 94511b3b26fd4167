"""The ``CONFLUENCE_*`` variables (see CONNECTORS.md), falling back on Jira's site and credentials."""

from __future__ import annotations

from pydantic import Field, SecretStr

from ..atlassian import Credentials, Scope, SiteUrl
from ..errors import ConfigError
from ..settings import VendorSettings

PREFIX = "CONFLUENCE_"
JIRA_PREFIX = "JIRA_"


class ConfluenceSettings(VendorSettings):
    """How to reach a Confluence Cloud wiki and as whom.

    The wiki root is ``CONFLUENCE_BASE_URL``, else ``JIRA_BASE_URL`` + ``/wiki``. The credentials are
    the ``CONFLUENCE_`` ones when any of them is set, else the ``JIRA_`` ones; the two are never mixed.
    """

    base_url: SiteUrl | None = Field(None, alias="CONFLUENCE_BASE_URL")
    email: str | None = Field(None, alias="CONFLUENCE_EMAIL")
    api_token: SecretStr | None = Field(None, alias="CONFLUENCE_API_TOKEN")
    oauth_token: SecretStr | None = Field(None, alias="CONFLUENCE_OAUTH_TOKEN")
    spaces: Scope = Field((), alias="CONFLUENCE_SPACES")
    jira_base_url: SiteUrl | None = Field(None, alias="JIRA_BASE_URL")
    jira_email: str | None = Field(None, alias="JIRA_EMAIL")
    jira_api_token: SecretStr | None = Field(None, alias="JIRA_API_TOKEN")
    jira_oauth_token: SecretStr | None = Field(None, alias="JIRA_OAUTH_TOKEN")

    def wiki_url(self, purpose: str) -> str:
        """The wiki root.

        Raises:
            ConfigError: neither ``CONFLUENCE_BASE_URL`` nor ``JIRA_BASE_URL`` is set.
        """
        if self.base_url is not None:
            return self.base_url
        if self.jira_base_url is not None:
            return self.jira_base_url + "/wiki"
        raise ConfigError(
            f"CONFLUENCE_BASE_URL is not set (nor JIRA_BASE_URL to derive it from); it is needed for {purpose}"
        )

    def credentials(self) -> Credentials:
        """The ``CONFLUENCE_`` credential variables as configured."""
        return Credentials(PREFIX, self.oauth_token, self.email, self.api_token)

    def jira_credentials(self) -> Credentials:
        """The ``JIRA_`` credential variables, the fallback when no ``CONFLUENCE_`` one is set."""
        return Credentials(JIRA_PREFIX, self.jira_oauth_token, self.jira_email, self.jira_api_token)


__all__ = ["ConfluenceSettings"]
