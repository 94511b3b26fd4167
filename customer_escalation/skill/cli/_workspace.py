"""``customer-escalation workspace``: create, inspect, import into and generate local workspaces."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._common import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    add_workspace_flag,
    progress_stream,
    settings_from_args,
)

if TYPE_CHECKING:
    from ...connectors.local import LocalWorkspace, WorkspaceStats

FORMATS = ("zendesk-json", "csv", "accounts-csv")
IMPORT_HELP = """\
formats (an example of each ships in the repository under examples/import/):

  zendesk-json  A Zendesk ticket export: an API response object {"tickets": [...], "users": [...],
                "organizations": [...]} (users and organizations optional), a bare list of tickets,
                or NDJSON with one ticket (or one response page) per line. Each ticket needs id,
                status (new, open, pending, hold, solved, closed) and created_at (ISO 8601 or Unix
                seconds); it may have subject, description, priority, type, tags, requester_id,
                assignee_id, organization_id, updated_at, solved_at and comments (a list of objects
                with id, body or plain_body, author_id, public, created_at). Users have id, name,
                email, role; organizations (id, name, domain_names) also become CRM accounts.

  csv           Tickets, one per row. Required columns: id, subject, created_at.
                Optional: description, status, priority, type, channel, tags, requester_name,
                requester_email, organization, organization_id, organization_domain,
                assignee_name, assignee_email, product_area, updated_at, solved_at.

  accounts-csv  CRM accounts, one per row (repeat the account on extra rows for more contacts).
                Required: name. Optional: id, domains, tier, plan, arr, renewal_date, owner_name,
                owner_email, health, reference_customer, public_facing, industry, contact_name,
                contact_email, contact_title, contact_executive.
                tier: free, pro, business, enterprise; health: green, yellow, red; arr: an amount
                (480000, 480k, $1.2M); renewal_date: 2027-02-20; reference_customer,
                public_facing, contact_executive: yes or no; domains: separated by commas or
                spaces. Without an id the id is made from the name (Acme Corp -> acme-corp), as a
                ticket import names organizations, so tickets and accounts line up (for
                tickets from a Zendesk export, give each account its organization's id).

Ids are whole numbers or text of letters, digits and - _ . : # @ + (at most 128 characters).
With --mapping, a YAML or JSON file maps field names to your column headers (e.g. `id: Ticket ID`);
without one, columns named like the fields are used. An import merges into the workspace: an account
or ticket already there keeps every field the file does not carry (empty cells carry nothing), and
domains, contacts, tags and comments are added to, never removed."""


def register(subparsers: Any) -> None:
    """Add the ``workspace`` command and its subcommands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "workspace",
        help="create, inspect, import into or generate the local workspace",
        description=(
            "The local workspace is one SQLite file that serves every connector category when no "
            "vendor is configured. It is created with a demo company on first use."
        ),
    )
    parser.set_defaults(handler=_usage(parser))
    commands = parser.add_subparsers(dest="workspace_command", metavar="COMMAND")

    init = commands.add_parser("init", help="create a workspace (with the demo company by default)")
    add_workspace_flag(init)
    content = init.add_mutually_exclusive_group()
    content.add_argument("--demo", action="store_true", help="fill it with the demo company (the default)")
    content.add_argument("--empty", action="store_true", help="create it without records")
    init.add_argument("--force", action="store_true", help="replace an existing workspace file")
    init.add_argument(
        "--drop-history",
        action="store_true",
        help="with --force, also discard the escalation history the file holds",
    )
    init.set_defaults(handler=_init)

    stats = commands.add_parser("stats", help="show what the workspace holds")
    add_workspace_flag(stats)
    stats.add_argument("--json", action="store_true", help="print JSON instead of text")
    stats.set_defaults(handler=_stats)

    imports = commands.add_parser(
        "import",
        help="import tickets (Zendesk JSON export or CSV) or CRM accounts (CSV)",
        description=(
            "Import tickets or accounts in one transaction: a malformed file changes nothing and the "
            "error names the line or record at fault."
        ),
        epilog=IMPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_workspace_flag(imports)
    imports.add_argument("file", type=Path, metavar="FILE", help="the export file")
    imports.add_argument("--format", required=True, choices=FORMATS, help="the file's format (see below)")
    imports.add_argument(
        "--mapping",
        type=Path,
        metavar="FILE",
        help="for csv and accounts-csv: YAML or JSON mapping of field names to column headers",
    )
    imports.set_defaults(handler=_import)

    generate = commands.add_parser(
        "generate",
        help="write a large synthetic workspace for benchmarks",
        description="Write a workspace of synthetic accounts and tickets (benchmark data, not the demo).",
    )
    add_workspace_flag(generate)
    generate.add_argument("--tickets", type=_count, required=True, metavar="N", help="number of tickets")
    generate.add_argument(
        "--out", type=Path, metavar="PATH", help="file to write (default: the workspace path)"
    )
    generate.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default: 0)")
    generate.add_argument("--force", action="store_true", help="replace an existing file")
    generate.set_defaults(handler=_generate)

    migrate = commands.add_parser(
        "migrate",
        help="copy the workspace and its history into a PostgreSQL database",
        description=(
            "Copy every record, the write log and the escalation history of the workspace file into an "
            "empty PostgreSQL database, in one transaction, and check that every count matches. Then set "
            "CUSTOMER_ESCALATION_DATABASE_URL to that URL to use it."
        ),
    )
    add_workspace_flag(migrate)
    migrate.add_argument("--to", required=True, metavar="URL", help="postgresql://user:password@host:port/db")
    migrate.set_defaults(handler=_migrate)


def _usage(parser: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    def show(args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return EXIT_USAGE

    return show


def _count(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _init(args: argparse.Namespace) -> int:
    from ...connectors.local import LocalWorkspace

    path = settings_from_args(args).workspace
    if path.exists() and not args.force:
        raise CliError(f"{path} already exists; use --force to replace it", EXIT_FAILURE)
    if path.exists() and not args.drop_history:
        _refuse_if_history(path)
    started = time.perf_counter()
    dataset = None
    if not args.empty:
        from ...connectors.base import utc_now
        from ...connectors.local.demo import build_demo

        dataset = build_demo(utc_now())
    with LocalWorkspace.create(path, dataset, force=args.force) as workspace:
        stats = workspace.stats()
    kind = "an empty" if args.empty else "a demo"
    print(f"created {kind} workspace at {path} in {time.perf_counter() - started:.1f} s: {_summary(stats)}")
    return EXIT_OK


def _stats(args: argparse.Namespace) -> int:
    with _open(args) as workspace:
        stats = workspace.stats()
    if args.json:
        payload = {
            "path": str(stats.path),
            "schema_version": stats.schema_version,
            "size_bytes": stats.size_bytes,
            "counts": dict(stats.counts),
        }
        print(json.dumps(payload, indent=2))
        return EXIT_OK
    print(f"workspace  {stats.path}")
    print(f"schema     version {stats.schema_version}")
    print(f"size       {_size(stats.size_bytes)}")
    width = max(len(name) for name in stats.counts)
    for name, count in stats.counts.items():
        print(f"{name:<{width}}  {count:>12,}")
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from ...connectors.errors import WorkspaceExistsError
    from ...connectors.local import LocalWorkspace
    from ...connectors.local.importers import (
        ACCOUNT_CSV_FIELDS,
        CSV_FIELDS,
        read_accounts_csv,
        read_csv,
        read_mapping,
        read_zendesk_export,
    )

    if args.mapping is not None and args.format == "zendesk-json":
        raise CliError("--mapping only applies to --format csv and accounts-csv", EXIT_USAGE)
    path = settings_from_args(args).workspace
    if args.format == "csv":
        mapping = read_mapping(args.mapping, CSV_FIELDS) if args.mapping is not None else None
        dataset = read_csv(args.file, mapping)
    elif args.format == "accounts-csv":
        mapping = read_mapping(args.mapping, ACCOUNT_CSV_FIELDS) if args.mapping is not None else None
        dataset = read_accounts_csv(args.file, mapping)
    else:
        dataset = read_zendesk_export(args.file)
    try:
        workspace = LocalWorkspace.create(path)
    except WorkspaceExistsError:
        workspace = LocalWorkspace.open(path, create_demo=False)
    else:
        print(f"customer-escalation: created an empty workspace at {path}", file=sys.stderr)
    with workspace:
        workspace.load(dataset, merge=True)
    comments = sum(len(t.comments) for t in dataset.tickets)
    print(
        f"imported {len(dataset.tickets):,} tickets ({comments:,} comments) and "
        f"{len(dataset.accounts):,} accounts from {args.file} into {path}"
    )
    return EXIT_OK


def _generate(args: argparse.Namespace) -> int:
    from ...connectors.base import utc_now
    from ...connectors.local.generate import generate_workspace

    out: Path = args.out if args.out is not None else settings_from_args(args).workspace
    if out.exists() and not args.force:
        raise CliError(
            f"{out} already exists; use --force to replace it, or --out for another file", EXIT_FAILURE
        )
    if out.exists():
        _refuse_if_history(out)
    stream = progress_stream()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if stream is not None and (now - last[0] > 0.25 or done == total):
            last[0] = now
            stream.write(f"\rgenerating tickets: {done:,} / {total:,}")
            stream.flush()

    started = time.perf_counter()
    result = generate_workspace(
        out, args.tickets, seed=args.seed, now=utc_now(), progress=progress, force=args.force
    )
    if stream is not None:
        stream.write("\n")
    size = out.stat().st_size
    print(
        f"generated {result.tickets:,} tickets ({result.comments:,} comments) and {result.accounts:,} accounts "
        f"in {time.perf_counter() - started:.1f} s: {out} ({_size(size)})"
    )
    return EXIT_OK


def _migrate(args: argparse.Namespace) -> int:
    from ...connectors.errors import WorkspaceError
    from ...connectors.postgres.migrate import copy_workspace

    if not args.to.startswith(("postgresql://", "postgres://")):
        raise CliError(
            "--to needs a postgresql:// URL (postgresql://user:password@host:port/database)", EXIT_USAGE
        )
    path = settings_from_args(args).workspace
    try:
        report = copy_workspace(path, args.to)
    except WorkspaceError as exc:
        raise CliError(str(exc), EXIT_FAILURE) from exc
    print(f"copied {report.source} into {report.target}; every count matches:")
    width = max(len(name) for name in report.counts)
    for name, count in report.counts.items():
        print(f"  {name:<{width}}  {count:>12,}")
    return EXIT_OK


def _refuse_if_history(path: Path) -> None:
    """Stop before replacing a workspace file that holds escalation history.

    Raises:
        CliError: the file records escalations.
    """
    from ...connectors.errors import WorkspaceError
    from ...connectors.factory import open_history_store

    try:
        with open_history_store(path, create=False) as history:
            recorded = len(history.escalations(limit=1))
    except WorkspaceError:
        return  # not a readable workspace: nothing to keep
    if recorded:
        raise CliError(
            f"{path} holds escalation history that replacing it would discard; add --drop-history to "
            "replace it anyway, or use --workspace for another file",
            EXIT_FAILURE,
        )


def _open(args: argparse.Namespace) -> LocalWorkspace:
    from ...connectors.factory import creates_demo
    from ...connectors.local import LocalWorkspace

    settings = settings_from_args(args)
    path = settings.workspace
    workspace = LocalWorkspace.open(path, create_demo=creates_demo(settings))
    if workspace.created_demo:
        print(f"customer-escalation: created a demo workspace at {path}", file=sys.stderr)
    return workspace


def _summary(stats: WorkspaceStats) -> str:
    shown = ("tickets", "accounts", "messages", "issues", "articles")
    return ", ".join(f"{stats.counts[name]:,} {name}" for name in shown)


def _size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


__all__ = ["FORMATS", "IMPORT_HELP", "register"]
