"""Grounding graders: no invented record ids and no invented money figures in the output."""

from __future__ import annotations

from collections.abc import Iterable

from ...connectors.records import Dataset
from .base import CheckResult, Observation, grader, missing_output, result
from .facts import facts_of, id_tokens, money_amounts


def _exists(ref: str, dataset: Dataset) -> bool:
    """Whether an evidence id (``ticket:123``, ``message:C1:17.2``) names a record of the world."""
    kind, _, ident = ref.partition(":")
    ids: dict[str, set[str]] = {
        "ticket": {t.id for t in dataset.tickets},
        "account": {a.id for a in dataset.accounts},
        "issue": {i.key for i in dataset.issues},
        "article": {a.id for a in dataset.articles},
        "message": {f"{m.channel_id}:{m.id}" for m in dataset.messages},
    }
    return ident in ids.get(kind, set())


@grader("grounded_ids")
def check_grounded_ids(obs: Observation) -> CheckResult | None:
    """No invented ids: every record the drafter cited exists (citing a real record no tool returned is
    dropped from the brief by the loop, not counted here), and every id-like token in the output is a
    record id or appears in the records' text."""
    if not obs.scenario.must_not.invented_ids:
        return None
    if obs.output is None or obs.result is None:
        return missing_output("grounded_ids", obs)
    facts = facts_of(obs.dataset)
    invented = sorted(
        t
        for t in id_tokens(obs.result.markdown)
        if t not in facts.ids and t not in facts.text and t not in obs.scenario.issue
    )
    cited = [ref for ref in obs.result.invented_ids if not _exists(ref, obs.dataset)]
    problems = []
    if cited:
        problems.append(f"the drafter cited records that do not exist: {', '.join(cited)}")
    if invented:
        problems.append(f"the output names ids found in no record: {', '.join(invented)}")
    if problems:
        return result("grounded_ids", False, "; ".join(problems))
    return result(
        "grounded_ids", True, f"{len(id_tokens(obs.result.markdown))} id-like tokens, all in the records"
    )


def _figures(obs: Observation) -> list[float]:
    """ARR and deal amounts of the records and the assessment's figures (amounts quoted in the records'
    text are looked up only for what these do not explain)."""
    ds = obs.dataset
    figures = [a.arr for a in ds.accounts if a.arr is not None]
    figures += [o.amount for o in ds.opportunities if o.amount is not None]
    if obs.assessment is not None:
        revenue = obs.assessment.revenue
        figures += [
            float(value)
            for value in (revenue.arr_at_risk, revenue.open_opportunity_amount, revenue.requesting_arr)
            if value is not None
        ]
    return figures + [value for _, value, _ in money_amounts(obs.scenario.issue)]


def _explained(value: float, rounded: bool, known: Iterable[float]) -> bool:
    return any(abs(value - k) <= (max(1.0, 0.05 * k) if rounded else 1.0) for k in known)


@grader("grounded_figures")
def check_grounded_figures(obs: Observation) -> CheckResult | None:
    """No invented figures: every money amount in the output is an ARR or deal amount from the records, a
    figure of the assessment, or an amount quoted in the records."""
    if not obs.scenario.must_not.invented_figures:
        return None
    if obs.output is None or obs.result is None:
        return missing_output("grounded_figures", obs)
    known = _figures(obs)
    amounts = money_amounts(obs.result.markdown)
    invented = [
        written
        for written, value, rounded in amounts
        if not _explained(value, rounded, known)
        and not _explained(value, rounded, facts_of(obs.dataset).amounts)
    ]
    if invented:
        return result(
            "grounded_figures", False, "amounts found in no record or assessment: " + ", ".join(invented)
        )
    return result(
        "grounded_figures", True, f"{len(amounts)} money amounts, all from the records or the assessment"
    )


__all__ = ["check_grounded_figures", "check_grounded_ids"]
