"""`customer-escalation eval --calibrate`: the rubric judge against the hand-labelled calibration set."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._common import EXIT_OK, EXIT_USAGE, CliError

if TYPE_CHECKING:
    from ...connectors.settings import Settings


def run_calibration(args: argparse.Namespace, settings: Settings, client: Any | None) -> int:
    """Judge every labelled item and print the agreement; write JSON with `--report`."""
    from ...evals.calibration import CalibrationError, calibrate, load_calibration
    from ...evals.graders import RubricGrader
    from ..models.catalog import judge_for

    if client is None:
        raise CliError(
            "--calibrate asks the Claude judge: set ANTHROPIC_API_KEY, or give --replay FILE with a recording",
            EXIT_USAGE,
        )
    path = args.calibrate if isinstance(args.calibrate, Path) else None
    try:
        items = load_calibration(path)
    except CalibrationError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    judge = args.judge_model or judge_for(settings.model)
    grader = RubricGrader(client, model=judge)
    print(f"customer-escalation: calibrating {judge} on {len(items)} labelled outputs", file=sys.stderr)
    report = asyncio.run(calibrate(grader, items))
    print(report.text())
    if args.report is not None:
        data = report.model_dump(mode="json")
        data.update(agreement=report.agreement, kappa=report.kappa, per_criterion=report.per_criterion())
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"customer-escalation: wrote {args.report}", file=sys.stderr)
    return EXIT_OK


__all__ = ["run_calibration"]
