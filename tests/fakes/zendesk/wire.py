"""Zendesk's wire conventions shared by the fake's routes.

Error bodies, side-load lists, the requests the fake logs and the faults it can be told to inject.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import JSONResponse, Response

SEARCH_CAP = 1_000
ERROR_BODIES: dict[int, dict[str, Any]] = {
    400: {"error": "InvalidValue", "description": "Invalid value"},
    401: {"error": "Couldn't authenticate you"},
    403: {
        "error": "Forbidden",
        "description": "You do not have access to this page. Please contact the account owner of this help desk for further help.",
    },
    404: {"error": "RecordNotFound", "description": "Not found"},
    410: {"error": "Gone", "description": "This endpoint has been removed"},
    422: {"error": "RecordInvalid", "description": "Record validation errors"},
    500: {"error": "InternalError", "description": "Something went wrong"},
    502: {"error": "BadGateway", "description": "Bad gateway"},
    503: {"error": "ServiceUnavailable", "description": "Service temporarily unavailable"},
}
NOT_FOUND = {"error": "RecordNotFound", "description": "Not found"}


@dataclass
class Fault:
    kind: str
    """`status`, `not-json` or `wrong-shape`."""
    times: int
    path: str | None
    status: int = 500
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    after: bool = False
    """For `status` faults: handle the request first (a write is stored), then answer with the fault."""


def includes(value: str) -> set[str]:
    inner = re.sub(r"^\w+\((.*)\)$", r"\1", value.strip())
    return {part.strip() for part in inner.split(",") if part.strip()}


def invalid(field_name: str, description: str) -> Response:
    return JSONResponse(
        {
            "error": "RecordInvalid",
            "description": "Record validation errors",
            "details": {field_name: [{"description": description, "error": "InvalidValue"}]},
        },
        422,
    )


def corrupted(response: Response, kind: str) -> Response:
    if kind == "not-json":
        return Response(b'{"results": [{"id": 1, ', 200, media_type="application/json")
    original = json.loads(bytes(response.body))
    broken = {
        key: "unexpected" if isinstance(value, list | dict) else value for key, value in original.items()
    }
    return JSONResponse(broken, 200)
