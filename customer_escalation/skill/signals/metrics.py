"""Measuring the detector on labelled sentences: precision, recall and F1 per kind, and their macro mean.

Input is JSON Lines, one object a line: ``{"id": ..., "text": ..., "signals": [...]}``; ``signals`` (the
expected kinds) is optional. Kinds are the public ones (`detect.PUBLIC_KINDS`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .detect import PUBLIC_KINDS, kinds_in


class CorpusError(ValueError):
    """A line of a signals file that cannot be read; says which line and why."""


@dataclass(frozen=True)
class Line:
    id: str
    text: str
    expected: tuple[str, ...] | None
    predicted: tuple[str, ...]


@dataclass(frozen=True)
class KindScore:
    kind: str
    tp: int
    fp: int
    fn: int
    support: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if not self.fn else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Report:
    lines: tuple[Line, ...]
    scores: tuple[KindScore, ...] = field(default=())

    @property
    def labelled(self) -> int:
        return sum(1 for line in self.lines if line.expected is not None)

    @property
    def macro_precision(self) -> float:
        return _mean(s.precision for s in self.scores)

    @property
    def macro_recall(self) -> float:
        return _mean(s.recall for s in self.scores)

    @property
    def macro_f1(self) -> float:
        return _mean(s.f1 for s in self.scores)

    def summary(self) -> dict[str, object]:
        return {
            "summary": True,
            "lines": len(self.lines),
            "labelled": self.labelled,
            "macro": {
                "precision": round(self.macro_precision, 4),
                "recall": round(self.macro_recall, 4),
                "f1": round(self.macro_f1, 4),
            },
            "kinds": {
                s.kind: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                    "support": s.support,
                    "tp": s.tp,
                    "fp": s.fp,
                    "fn": s.fn,
                }
                for s in self.scores
            },
        }


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


def read_lines(path: Path) -> Iterator[tuple[str, str, tuple[str, ...] | None]]:
    """``(id, text, expected kinds or None)`` for each non-blank line of `path`."""
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                item = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{path.name} line {number}: not JSON ({exc.msg})") from None
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise CorpusError(f'{path.name} line {number}: needs an object with a string "text"')
            labels = item.get("signals")
            if labels is not None and (
                not isinstance(labels, list) or not all(isinstance(k, str) for k in labels)
            ):
                raise CorpusError(f'{path.name} line {number}: "signals" must be a list of kind names')
            unknown = sorted(set(labels or ()) - set(PUBLIC_KINDS))
            if unknown:
                raise CorpusError(
                    f"{path.name} line {number}: unknown kind {', '.join(unknown)} "
                    f"(known: {', '.join(PUBLIC_KINDS)})"
                )
            yield str(item.get("id", number)), item["text"], tuple(labels) if labels is not None else None


def evaluate(items: Iterable[tuple[str, str, tuple[str, ...] | None]]) -> Report:
    """Predict every line and score the labelled ones."""
    lines = tuple(
        Line(id=i, text=t, expected=e, predicted=tuple(kinds_in(t, PUBLIC_KINDS))) for i, t, e in items
    )
    scored = [line for line in lines if line.expected is not None]
    if not scored:
        return Report(lines=lines)
    scores = []
    for kind in PUBLIC_KINDS:
        tp = fp = fn = support = 0
        for line in scored:
            assert line.expected is not None
            want, got = kind in line.expected, kind in line.predicted
            support += want
            tp += want and got
            fp += got and not want
            fn += want and not got
        scores.append(KindScore(kind=kind, tp=tp, fp=fp, fn=fn, support=support))
    return Report(lines=lines, scores=tuple(scores))


__all__ = ["CorpusError", "KindScore", "Line", "Report", "evaluate", "read_lines"]
