"""Figures for the Zendesk connector against the fake Zendesk API (run by hand, prints figures).

From the repository root:

    python -m bench.bench_zendesk_burst [--runs 3]

1. Burst: 100 concurrent ticket searches against the fake limited to 10 requests per fixed one-second
   window (429 with `Retry-After` = seconds left in the window, rounded up). The limit allows them in
   10 s; the figure is the measured time, its ratio to 10 s (median of the runs) and the error count.
   Real `asyncio.sleep`: the waits are real.
2. Pages: walking a search whose matches span 5 pages fetches exactly 5 pages, and a search with more
   matches than Zendesk's 1,000-result cap stops after the 10th page instead of asking for an 11th.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import dataclass

import httpx2

from customer_escalation.connectors._http import HttpApi
from customer_escalation.connectors.records import Dataset
from customer_escalation.connectors.zendesk.policy import ZendeskPolicy
from customer_escalation.connectors.zendesk.support import ZendeskSupportPlatform
from tests.contract.dataset import CONTRACT_DATASET, NOW
from tests.fakes.zendesk import ZendeskFake, bulk_tickets

SEARCH = "/api/v2/search.json"
BURST = 100
LIMIT_PER_SECOND = 10
ALLOWED_SECONDS = BURST / LIMIT_PER_SECOND


@dataclass(frozen=True)
class BurstRun:
    seconds: float
    errors: int
    throttled: int
    requests: int


def _connector(fake: ZendeskFake) -> ZendeskSupportPlatform:
    client = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), base_url=fake.base_url)
    api = HttpApi(
        ZendeskPolicy(email=fake.email, api_token="zd-test-token"), base_url=fake.base_url, client=client
    )
    return ZendeskSupportPlatform(api)


async def burst_once() -> BurstRun:
    start = time.monotonic()
    # Windows start with the burst, so every run sees the same ten full windows.
    fake = ZendeskFake(CONTRACT_DATASET, clock=lambda: NOW, monotonic=lambda: time.monotonic() - start)
    fake.rate_limit = LIMIT_PER_SECOND
    support = _connector(fake)
    began = time.perf_counter()
    results = await asyncio.gather(
        *(support.search_tickets("webhook", limit=5) for _ in range(BURST)), return_exceptions=True
    )
    seconds = time.perf_counter() - began
    await support.aclose()
    errors = sum(1 for r in results if isinstance(r, BaseException))
    return BurstRun(seconds, errors, fake.throttled, len(fake.requests_to(SEARCH)))


async def pages_walked(tickets: int, limit: int) -> tuple[int, int, int, int]:
    """Requests sent, items seen, pages returned, and 422 answers for walking one search to its end."""
    fake = ZendeskFake(Dataset(tickets=bulk_tickets(tickets, "gizmo")), clock=lambda: NOW)
    support = _connector(fake)
    seen = pages = 0
    cursor = None
    while True:
        page = await support.search_tickets("gizmo", limit=limit, cursor=cursor)
        pages += 1
        seen += len(page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    await support.aclose()
    requests = fake.requests_to(SEARCH)
    refused = sum(1 for c in requests if int(c.params["page"]) * int(c.params["per_page"]) > 1_000)
    return len(requests), seen, pages, refused


async def main(runs: int) -> None:
    print(
        f"burst: {BURST} concurrent searches, fake limit {LIMIT_PER_SECOND}/s, allowed {ALLOWED_SECONDS:.1f} s"
    )
    measured: list[BurstRun] = []
    for number in range(1, runs + 1):
        run = await burst_once()
        measured.append(run)
        print(
            f"  run {number}: {run.seconds:.2f} s  ratio {run.seconds / ALLOWED_SECONDS:.3f}  "
            f"errors {run.errors}  429s {run.throttled}  requests {run.requests}"
        )
    median = statistics.median(r.seconds for r in measured)
    print(
        f"  median: {median:.2f} s  ratio {median / ALLOWED_SECONDS:.3f}  "
        f"errors total {sum(r.errors for r in measured)}  within 15%: {abs(median / ALLOWED_SECONDS - 1) <= 0.15}"
    )

    requests, seen, pages, refused = await pages_walked(50, 10)
    print(f"pages: 50 matches at 10 a page -> {pages} pages, {requests} search requests, {seen} tickets")
    requests, seen, pages, refused = await pages_walked(1_050, 100)
    print(
        f"cap: 1,050 matches at 100 a page -> stopped after {pages} pages ({requests} requests), "
        f"{seen} tickets, {refused} requests past the 1,000-result cap"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3, help="burst repetitions (the median is reported)")
    asyncio.run(main(parser.parse_args().runs))
