"""Calibrating the rubric judge: how often it agrees with hand labels.

The calibration set (`judge-calibration/briefs.yaml`) holds briefs and support notes, good and
deliberately flawed, each labelled by a person against the rubric's criteria. `calibrate` asks the
judge for a verdict on every labelled criterion and reports the agreement, Cohen's kappa (agreement
beyond what the label balance alone would give), the disagreements, and what the judge cost. Run it
with `customer-escalation eval --calibrate`; with ``--record FILE`` the judge's responses are kept,
and ``--replay FILE`` repeats a recorded run offline.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .graders import ESCALATION_CRITERIA, HANDLING_CRITERIA, RubricGrader


class CalibrationError(ValueError):
    """The calibration file cannot be read or holds an invalid item."""


class CalibrationItem(BaseModel):
    """One labelled output."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    decision: Literal["escalate", "handle_in_support"]
    issue: str
    records: str = ""
    """The records the output cites, one per line, as the judge is shown them."""
    output: str
    labels: dict[str, bool]
    """The person's verdict per criterion key."""
    flaw: str | None = None
    """What is deliberately wrong, when something is."""

    @property
    def criteria(self) -> dict[str, str]:
        base = ESCALATION_CRITERIA if self.decision == "escalate" else HANDLING_CRITERIA
        return {key: base[key] for key in self.labels}

    @model_validator(mode="after")
    def _known_criteria(self) -> CalibrationItem:
        base = ESCALATION_CRITERIA if self.decision == "escalate" else HANDLING_CRITERIA
        unknown = sorted(set(self.labels) - set(base))
        if unknown or not self.labels:
            raise ValueError(f"labels must name criteria of {sorted(base)}; got {sorted(self.labels)}")
        return self


def default_path() -> Path:
    return Path(str(resources.files("customer_escalation.evals").joinpath("judge-calibration/briefs.yaml")))


def load_calibration(path: Path | None = None) -> list[CalibrationItem]:
    """The labelled items of `path` (default: the shipped set).

    Raises:
        CalibrationError: the file is unreadable, not a list, or an item is invalid or repeated.
    """
    path = path or default_path()
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CalibrationError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, list):
        raise CalibrationError(f"{path}: expected a list of items")
    items: list[CalibrationItem] = []
    for number, raw in enumerate(data, start=1):
        try:
            items.append(CalibrationItem.model_validate(raw))
        except ValidationError as exc:
            raise CalibrationError(f"{path}: item {number}: {exc.errors(include_url=False)}") from exc
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        raise CalibrationError(f"{path}: item ids repeat")
    return items


class Verdict(BaseModel):
    model_config = ConfigDict(frozen=True)

    item: str
    criterion: str
    label: bool
    judged: bool | None
    """None when the judge gave no verdict (or failed)."""
    evidence: str = ""

    @property
    def agrees(self) -> bool:
        return self.judged is not None and self.judged == self.label


class CalibrationReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    judge: str
    items: int
    verdicts: list[Verdict]
    usage: dict[str, Any] = Field(default_factory=dict)

    @property
    def graded(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.judged is not None]

    @property
    def agreement(self) -> float | None:
        graded = self.graded
        return sum(v.agrees for v in graded) / len(graded) if graded else None

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa between the labels and the judge over the graded verdicts."""
        graded = self.graded
        if not graded:
            return None
        n = len(graded)
        observed = sum(v.agrees for v in graded) / n
        label_yes = sum(v.label for v in graded) / n
        judge_yes = sum(bool(v.judged) for v in graded) / n
        expected = label_yes * judge_yes + (1 - label_yes) * (1 - judge_yes)
        return 1.0 if expected == 1 else (observed - expected) / (1 - expected)

    def per_criterion(self) -> dict[str, tuple[int, int]]:
        """criterion -> (agreed, graded)."""
        table: dict[str, tuple[int, int]] = {}
        for v in self.graded:
            agreed, total = table.get(v.criterion, (0, 0))
            table[v.criterion] = (agreed + v.agrees, total + 1)
        return dict(sorted(table.items()))

    def text(self) -> str:
        """The report for a terminal."""
        graded = self.graded
        lines = [
            f"Judge: {self.judge}",
            f"Items: {self.items}, labelled verdicts: {len(self.verdicts)}, graded: {len(graded)}",
        ]
        if self.agreement is not None and self.kappa is not None:
            agreed = sum(v.agrees for v in graded)
            lines.append(
                f"Agreement with the hand labels: {agreed}/{len(graded)} ({self.agreement:.1%}), "
                f"Cohen's kappa {self.kappa:.2f}"
            )
        for criterion, (agreed, total) in self.per_criterion().items():
            lines.append(f"  {criterion:<16} {agreed}/{total}")
        disagreements = [v for v in self.verdicts if not v.agrees]
        if disagreements:
            lines.append("Disagreements (label -> judge):")
            for v in disagreements:
                judged = "no verdict" if v.judged is None else ("pass" if v.judged else "fail")
                lines.append(
                    f"  {v.item} {v.criterion}: {'pass' if v.label else 'fail'} -> {judged}"
                    + (f" ({v.evidence[:120]})" if v.evidence else "")
                )
        if self.usage:
            lines.append(f"Judge usage: {self.usage}")
        return "\n".join(lines)


async def calibrate(grader: RubricGrader, items: Sequence[CalibrationItem]) -> CalibrationReport:
    """Ask the judge about every item, one at a time (so that a recording replays in order)."""
    verdicts: list[Verdict] = []
    for item in items:
        try:
            judged = await grader.judge(
                issue=item.issue, output=item.output, records=item.records, criteria=item.criteria
            )
        except Exception as exc:  # a failed call leaves the item's verdicts ungraded, reported as such
            judged = {}
            failure = f"the judge failed: {exc}"
        else:
            failure = "the judge gave no verdict"
        for criterion, label in item.labels.items():
            verdict = judged.get(criterion)
            verdicts.append(
                Verdict(
                    item=item.id,
                    criterion=criterion,
                    label=label,
                    judged=None if verdict is None else bool(verdict.get("passed")),
                    evidence=failure if verdict is None else str(verdict.get("evidence", ""))[:500],
                )
            )
    return CalibrationReport(
        judge=grader.model,
        items=len(items),
        verdicts=verdicts,
        usage=grader.usage.model_dump(mode="json"),
    )


__all__ = [
    "CalibrationError",
    "CalibrationItem",
    "CalibrationReport",
    "Verdict",
    "calibrate",
    "default_path",
    "load_calibration",
]
