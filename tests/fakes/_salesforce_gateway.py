"""Request plumbing of the Salesforce fake: the bearer token, API versions, the org's daily request
allowance (`Sforce-Limit-Info`), injected faults and Salesforce's error bodies (a JSON array of
`{"message", "errorCode"}`), in front of the fake's endpoints.

Fault knobs (set them on the instance): `unauthorized` (401 `INVALID_SESSION_ID`), `daily_allowance`
(the org's 24-hour request limit; every request counts, and past it each answers 403
`REQUEST_LIMIT_EXCEEDED`), `concurrent_limit_next` (that many 403 `REQUEST_LIMIT_EXCEEDED` answers for
too many concurrent long requests), `fail_next` (5xx statuses, one per request), `malformed_next`.
`calls` logs every request.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import calls
from ._salesforce_soql import SoqlError
from .faults import QueuedFaults, RejectedError

SUPPORTED_VERSIONS = frozenset(f"{n}.0" for n in range(31, 67))
_VERSION = re.compile(r"/services/data/v(\d+\.\d)(?:/|$)")


class Call(calls.Call):
    """One request the fake received, with the SOQL text it asked to run."""

    @property
    def soql(self) -> str | None:
        return self.params.get("q")


def errors(status: int, code: str, message: str, **headers: str) -> JSONResponse:
    return JSONResponse([{"message": message, "errorCode": code}], status_code=status, headers=headers)


class SalesforceGateway(QueuedFaults):
    """Auth, versions, the daily allowance and faults for a Salesforce fake; wrap endpoints with `_wrap`."""

    def __init__(self, *, token: str, daily_allowance: int) -> None:
        QueuedFaults.__init__(self)
        self.token = token
        self.calls: list[Call] = []
        self.unauthorized = False
        self.daily_allowance = daily_allowance
        self.api_used = 0
        self.concurrent_limit_next = 0

    def queries(self) -> list[str]:
        """The SOQL text of every query request, in order."""
        return [c.soql for c in self.calls if c.soql is not None]

    def _usage(self) -> dict[str, str]:
        return {"Sforce-Limit-Info": f"api-usage={self.api_used}/{self.daily_allowance}"}

    def _admit(self, request: Request) -> None:
        if self.unauthorized or request.headers.get("authorization") != f"Bearer {self.token}":
            raise RejectedError(errors(401, "INVALID_SESSION_ID", "Session expired or invalid"))
        version = _VERSION.match(request.url.path)
        if version is None or version.group(1) not in SUPPORTED_VERSIONS:
            raise RejectedError(errors(404, "NOT_FOUND", "The requested resource does not exist"))
        if self.api_used >= self.daily_allowance:
            raise RejectedError(
                errors(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", **self._usage())
            )
        self.api_used += 1
        if self.concurrent_limit_next:
            self.concurrent_limit_next -= 1
            raise RejectedError(
                errors(
                    403, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded.", **self._usage()
                )
            )
        self._raise_queued_fault(
            lambda: errors(500, "UNKNOWN_EXCEPTION", "An unexpected error occurred. Please try again."),
            outage="Service unavailable",
            cut_short='{"totalSize": 1, "done": true, "recor',
        )

    def _wrap(
        self, handler: Callable[[Request], Awaitable[Response]]
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            self.calls.append(Call.of(request))
            try:
                self._admit(request)
                response = await handler(request)
            except RejectedError as rejected:
                return rejected.response
            except SoqlError as error:
                response = errors(400, error.code, str(error))
            response.headers.update(self._usage())
            return response

        return endpoint

    @staticmethod
    def version_of(request: Request) -> str:
        match = _VERSION.match(request.url.path)
        return match.group(1) if match else ""


__all__ = ["SUPPORTED_VERSIONS", "Call", "RejectedError", "SalesforceGateway", "errors"]
