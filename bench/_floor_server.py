"""The floor for the server's cost per call: a minimal MCP server on the same SDK and HTTP mode.

One tool, `support_search_tickets(query)`, whose answer is a fixed ten-item structured result shaped
and sized like a page of ticket summaries (about 7,000 characters), with its output schema. Served as
`serve --http` serves: streamable HTTP, stateless, JSON responses, the SDK's bearer-token check,
uvicorn with its default HTTP protocol. No connector, no views, no size cap, no middleware of ours:
what remains is the SDK's and the web stack's cost of one call.

    python -m bench._floor_server 127.0.0.1:0      # token in CUSTOMER_ESCALATION_TOKEN

It announces ``serving MCP on <url>`` on stderr once it listens, as `serve --http` does.
"""

from __future__ import annotations

import os
import sys

import anyio
import uvicorn
from mcp.server.auth.provider import AccessToken, TokenVerifier
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer
from pydantic import BaseModel

from customer_escalation.skill.cli._serve import listen, parse_address, url_of


class Untrusted(BaseModel):
    subject: str
    snippet: str


class Item(BaseModel):
    id: str
    status: str
    priority: str
    type: str
    organization_id: str
    organization_name: str
    requester_name: str
    requester_domain: str
    product_area: str
    tags: list[str]
    created_at: str
    updated_at: str
    comment_count: int
    untrusted: Untrusted


class Page(BaseModel):
    total: int
    next_cursor: str | None
    tickets: list[Item]


PAGE = Page(
    total=120,
    next_cursor="eyJwIjpbMTAsMTIwXX0",
    tickets=[
        Item(
            id=str(40_000 + n),
            status="open",
            priority="high",
            type="problem",
            organization_id=f"org-{n}",
            organization_name=f"Organisation {n}",
            requester_name="Sam Example",
            requester_domain="org.example",
            product_area="ingestion",
            tags=["api", "ingestion", "5xx"],
            created_at="2026-11-20T03:00:00Z",
            updated_at="2026-11-20T05:00:00Z",
            comment_count=3,
            untrusted=Untrusted(
                subject=f"Intermittent errors from the batch endpoint, case {n}",
                snippet="Since this morning some of our batch calls come back with a server error; "
                "retrying a few seconds later works. We send about three hundred events per batch "
                "from one region and nothing changed on our side before it started.",
            ),
        )
        for n in range(10)
    ],
)


class OneToken(TokenVerifier):
    def __init__(self, token: str) -> None:
        self._token = token

    async def verify_token(self, token: str) -> AccessToken | None:
        if token == self._token:
            return AccessToken(token="redacted", client_id="bench", scopes=[])
        return None


def floor_server(token: str) -> MCPServer:
    server = MCPServer(
        "floor",
        log_level="WARNING",
        token_verifier=OneToken(token),
        auth=AuthSettings(issuer_url="http://127.0.0.1/", resource_server_url=None, required_scopes=[]),
    )

    @server.tool()
    async def support_search_tickets(query: str = "") -> Page:
        """A fixed page of ten ticket summaries."""
        return PAGE

    return server


def main() -> None:
    host, port = parse_address(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:0")
    server = floor_server(os.environ["CUSTOMER_ESCALATION_TOKEN"])
    app = server.streamable_http_app(stateless_http=True, json_response=True, host=host)
    sock = listen(host, port)
    print(f"floor: serving MCP on {url_of(sock)}", file=sys.stderr, flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    anyio.run(lambda: uvicorn.Server(config).serve(sockets=[sock]))


if __name__ == "__main__":
    main()
