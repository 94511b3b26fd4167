"""Shared pieces of the command line: exit codes, errors and settings from common flags."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from ...connectors.settings import Settings

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_HANDLED_IN_SUPPORT = 3
EXIT_PARTIAL = 4
"""A brief or support note was written, but at least one source could not be read."""


class CliError(Exception):
    """A failure to report on stderr with an exit code; no traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def add_workspace_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workspace",
        type=Path,
        metavar="PATH",
        help="the local workspace file (default: $CUSTOMER_ESCALATION_WORKSPACE or the user data directory)",
    )


def add_record_flag(parser: argparse.ArgumentParser) -> None:
    """`--record FILE`: keep every Claude request and response, for replay."""
    parser.add_argument(
        "--record",
        type=Path,
        metavar="FILE",
        help="append every Claude request and response to FILE as JSON lines, without credentials "
        "(default: $CUSTOMER_ESCALATION_RECORD)",
    )


def add_policy_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--policy", type=Path, metavar="FILE", help="escalation policy file overriding the defaults (YAML)"
    )


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Settings from the environment, with `--workspace` and `--policy` applied when given."""
    from ...connectors.settings import load_settings

    return load_settings(
        workspace=getattr(args, "workspace", None), policy_file=getattr(args, "policy", None)
    )


def progress_stream() -> TextIO | None:
    """stderr when it is a terminal (progress is shown), else None."""
    return sys.stderr if sys.stderr.isatty() else None


__all__ = [
    "EXIT_FAILURE",
    "EXIT_HANDLED_IN_SUPPORT",
    "EXIT_OK",
    "EXIT_PARTIAL",
    "EXIT_USAGE",
    "CliError",
    "add_policy_flag",
    "add_workspace_flag",
    "progress_stream",
    "settings_from_args",
]
