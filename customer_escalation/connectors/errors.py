"""Errors raised by connectors and configuration.

Every failure below the MCP server is one of these; vendor and transport errors are translated once,
in `connectors._http`, with `raise ... from exc`. Messages are written for whoever reads them next,
often a model: they say what failed and what to do instead.

    CustomerEscalationError
    ├── ConfigError                 missing or invalid settings (names the variable or file)
    ├── WorkspaceError              the local workspace file is missing, corrupt or too new
    ├── ImportFileError             an import file is malformed (names the file and line or record)
    └── ConnectorError              a connector could not answer (carries `system`)
        ├── AuthError               401: credentials missing, wrong or expired
        ├── PermissionDeniedError   403: authenticated but not allowed (scope, allowlist)
        ├── NotFoundError           no such record
        ├── InvalidQueryError       400/422 or a bad filter or cursor
        ├── EndpointGoneError       410: the vendor removed the endpoint
        ├── RateLimitedError        429 (or a quota) after retries; carries `retry_after`
        ├── UpstreamError           5xx after retries, timeouts, malformed bodies
        └── WriteRefusedError       a write blocked by read-only mode or an allowlist
"""

from __future__ import annotations


class CustomerEscalationError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigError(CustomerEscalationError):
    """The configuration is missing something or holds an invalid value."""


class WorkspaceError(CustomerEscalationError):
    """The local workspace file cannot be used as it is."""


class WorkspaceExistsError(WorkspaceError):
    """A workspace file was to be created where one already exists (perhaps just made by another process)."""


class ImportFileError(CustomerEscalationError):
    """An import file could not be read; nothing was imported."""


class ConnectorError(CustomerEscalationError):
    """A connector could not answer. `system` names it (`local`, `zendesk`, ...)."""

    def __init__(self, message: str, *, system: str = "unknown") -> None:
        super().__init__(message)
        self.system = system


class AuthError(ConnectorError):
    """Credentials are missing, wrong or expired."""


class PermissionDeniedError(ConnectorError):
    """Authenticated, but not allowed to read or write this."""


class NotFoundError(ConnectorError):
    """No such record."""


class InvalidQueryError(ConnectorError):
    """The query, filter or cursor is not valid."""


class EndpointGoneError(ConnectorError):
    """The vendor removed this endpoint (HTTP 410); the connector needs an update."""


class RateLimitedError(ConnectorError):
    """Rate limited or out of quota, still after retrying."""

    def __init__(self, message: str, *, system: str = "unknown", retry_after: float | None = None) -> None:
        super().__init__(message, system=system)
        self.retry_after = retry_after


class UpstreamError(ConnectorError):
    """The remote system failed: 5xx after retries, a timeout, or a body we cannot read."""

    def __init__(self, message: str, *, system: str = "unknown", status: int | None = None) -> None:
        super().__init__(message, system=system)
        self.status = status


class WriteRefusedError(ConnectorError):
    """A write was refused by configuration: read-only mode or a target missing from an allowlist."""


__all__ = [
    "AuthError",
    "ConfigError",
    "ConnectorError",
    "CustomerEscalationError",
    "EndpointGoneError",
    "ImportFileError",
    "InvalidQueryError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "UpstreamError",
    "WorkspaceError",
    "WorkspaceExistsError",
    "WriteRefusedError",
]
