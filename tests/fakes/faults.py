"""Fault injection the vendor fakes share: answering a request with a prepared response instead of the
endpoint's, and the queued outages (`fail_next`) and bodies cut short (`malformed_next`) a test sets."""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import Response


class RejectedError(Exception):
    """Answer the request with `response` instead of the endpoint's."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def outage_page(status: int, words: str) -> Response:
    """A 5xx as the proxy in front of a vendor serves it: a short HTML page, not the vendor's JSON."""
    html = f"<html><body><h1>{status}</h1>{words}</body></html>"
    return Response(html, status_code=status, media_type="text/html")


class QueuedFaults:
    """`fail_next` (5xx statuses, one per request: 500 as the vendor's own error body, others as an
    outage page) and `malformed_next` (that many JSON bodies cut short)."""

    def __init__(self) -> None:
        self.fail_next: list[int] = []
        self.malformed_next = 0

    def _raise_queued_fault(self, server_error: Callable[[], Response], outage: str, cut_short: str) -> None:
        """Raise `RejectedError` for the next queued fault, if any: `server_error()` for a 500, an outage
        page saying `outage` for another status, or the JSON text `cut_short`."""
        if self.fail_next:
            status = self.fail_next.pop(0)
            raise RejectedError(server_error() if status == 500 else outage_page(status, outage))
        if self.malformed_next:
            self.malformed_next -= 1
            raise RejectedError(Response(cut_short, media_type="application/json"))
