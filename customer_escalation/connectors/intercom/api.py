"""Requests to Intercom's REST API: every one carries the `Intercom-Version` header.

The version is a header, not an auth header, so it is sent per request rather than by the policy (the
policy's headers are treated as secrets and scrubbed from every message).
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from .._http import HttpApi
from .settings import DEFAULT_API_VERSION

ModelT = TypeVar("ModelT", bound=BaseModel)


class IntercomApi:
    """`HttpApi` calls with the `Intercom-Version` header on every request."""

    def __init__(self, api: HttpApi, version: str = DEFAULT_API_VERSION) -> None:
        self.http = api
        self.version = version

    async def get(self, path: str, model: type[ModelT], endpoint: str, **params: Any) -> ModelT:
        return await self.http.request_model(
            "GET", path, model, params=params or None, headers=self._headers(), endpoint=endpoint
        )

    async def post(
        self, path: str, model: type[ModelT], endpoint: str, body: Any, *, idempotent: bool
    ) -> ModelT:
        return await self.http.request_model(
            "POST",
            path,
            model,
            json_body=body,
            headers=self._headers(),
            endpoint=endpoint,
            idempotent=idempotent,
        )

    def _headers(self) -> dict[str, str]:
        return {"Intercom-Version": self.version}


__all__ = ["IntercomApi", "ModelT"]
