"""`customer-escalation connectors check`: probe each configured connector."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import TYPE_CHECKING, Any

from ._common import EXIT_FAILURE, EXIT_OK, add_workspace_flag, settings_from_args

if TYPE_CHECKING:
    from ...connectors.base import Category
    from ...connectors.settings import Settings

CHECK_SECONDS = 15.0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("connectors", help="inspect the configured connectors")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        help="probe every category: ok, auth failed, permission denied, unreachable, misconfigured, not configured",
        description="Make one cheap authenticated read per category. Secrets are never printed.",
    )
    check.add_argument("--json", action="store_true", help="print JSON")
    add_workspace_flag(check)
    check.set_defaults(handler=run)


async def probe(settings: Settings, category: Category) -> dict[str, str]:
    """The state of one category's connector."""
    from ...connectors.errors import (
        AuthError,
        ConfigError,
        ConnectorError,
        PermissionDeniedError,
        WorkspaceError,
    )
    from ...connectors.factory import build_vendor
    from ...connectors.settings import LOCAL, NONE

    system = settings.backends.get(category, LOCAL)
    row = {"category": category, "system": system}
    if system == NONE:
        return {**row, "status": "not configured", "detail": f"CUSTOMER_ESCALATION_{category.upper()}=none"}
    try:
        if system == LOCAL:
            from ...connectors.local import LocalWorkspace

            connector: Any = LocalWorkspace.open(settings.workspace, create_demo=False)
        else:
            connector = build_vendor(system, settings, category)
    except (ConfigError, WorkspaceError) as exc:
        return {**row, "status": "misconfigured", "detail": str(exc)}
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            await connector.check()
    except TimeoutError:
        return {**row, "status": "unreachable", "detail": f"no answer within {CHECK_SECONDS:g} seconds"}
    except AuthError as exc:
        return {**row, "status": "auth failed", "detail": str(exc)}
    except PermissionDeniedError as exc:
        return {**row, "status": "permission denied", "detail": str(exc)}
    except ConnectorError as exc:
        return {**row, "status": "unreachable", "detail": str(exc)}
    finally:
        await connector.aclose()
    return {**row, "status": "ok", "detail": str(getattr(connector, "path", "")) if system == LOCAL else ""}


def run(args: argparse.Namespace) -> int:
    from ...connectors.base import CATEGORIES, CATEGORY_TITLES

    settings = settings_from_args(args)

    async def probe_all() -> list[dict[str, str]]:
        return list(await asyncio.gather(*(probe(settings, c) for c in CATEGORIES)))

    rows = asyncio.run(probe_all())
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            title = CATEGORY_TITLES[row["category"]]  # type: ignore[index]
            detail = f"  ({row['detail']})" if row["detail"] else ""
            print(f"{title:<17} {row['system']:<11} {row['status']}{detail}")
    healthy = {"ok", "not configured"}
    return EXIT_OK if all(r["status"] in healthy for r in rows) else EXIT_FAILURE


__all__ = ["probe", "register", "run"]
