"""The command line: the only place that prints, reads flags and exits.

Each subcommand lives in its own module with ``register(subparsers)``; modules import heavy
dependencies (the SDKs, the server) inside their handlers so that ``--help`` stays fast.

Exit codes: 0 done (a brief was written), 1 failure, 2 usage or configuration error,
3 handled in support (no escalation warranted), 4 written while a source was unavailable.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from ... import __version__
from ._common import EXIT_FAILURE, EXIT_USAGE, CliError

SUBCOMMAND_MODULES = (
    "_brief",
    "_workspace",
    "_serve",
    "_eval",
    "_connectors",
    "_history",
    "_signals",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="customer-escalation",
        description=(
            "Turn a support issue into an escalation brief for engineering, product, security or "
            "leadership, with context from your support platform, CRM, chat, tracker and knowledge base."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log diagnostics to stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    from ...connectors.scrub import ScrubFilter

    # Vendors and SDKs log requests and error bodies at debug level (-v): no credential reaches stderr.
    for log_handler in logging.getLogger().handlers:
        if not any(isinstance(f, ScrubFilter) for f in log_handler.filters):
            log_handler.addFilter(ScrubFilter())
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    from ...connectors.errors import ConfigError, CustomerEscalationError

    try:
        code: int = handler(args)
        sys.stdout.flush()  # inside the try: a reader that went away is seen here, not at exit
    except BrokenPipeError:
        return _reader_went_away()
    except BaseException as raised:
        # Errors raised inside an MCP session arrive wrapped in the task group's exception groups.
        exc = _expected(raised)
        if exc is None:
            raise
        if isinstance(exc, CliError):
            print(f"customer-escalation: {exc}", file=sys.stderr)
            return exc.exit_code
        if isinstance(exc, ConfigError):
            print(f"customer-escalation: configuration error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        if isinstance(exc, CustomerEscalationError):
            from ..models.base import AccountNotFoundError

            print(f"customer-escalation: {exc}", file=sys.stderr)
            return EXIT_USAGE if isinstance(exc, AccountNotFoundError) else EXIT_FAILURE
        print("customer-escalation: interrupted", file=sys.stderr)
        return 130
    return code


def _reader_went_away() -> int:
    """stdout was closed by its reader (``| head``): stop quietly, as command-line tools do.

    What is still buffered is dropped (pointing stdout at the null device), so that flushing it at exit
    does not fail a second time.
    """
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return EXIT_FAILURE


def _expected(exc: BaseException) -> BaseException | None:
    """The error to report in one line: `exc`, or the first such error inside an exception group;
    None for anything else (a bug, which keeps its traceback)."""
    from ...connectors.errors import CustomerEscalationError

    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            found = _expected(inner)
            if found is not None:
                return found
        return None
    if isinstance(exc, CliError | CustomerEscalationError | KeyboardInterrupt):
        return exc
    return None


__all__ = ["build_parser", "main"]
