"""Brief content graders: the customers and ARR at risk the labels expect, the records it must cite and
the words it must contain."""

from __future__ import annotations

import math
from collections.abc import Iterable

from .base import CheckResult, Observation, cited, grader, missing_output, result


@grader("customers")
def check_customers(obs: Observation) -> CheckResult | None:
    expected = obs.scenario.expected.customers
    if expected is None:
        return None
    if obs.output is None or obs.assessment is None:
        return missing_output("customers", obs)
    breadth = obs.assessment.breadth
    named = {a.id for a in breadth.accounts}
    count = breadth.customers
    want = set(expected)
    missing, extra = sorted(want - named), sorted(named - want)
    unmatched = count - len(named)
    passed = not missing and not extra and unmatched == 0
    detail = [f"expected {sorted(want) or 'none'}"]
    if missing:
        detail.append(f"missing {missing}")
    if extra:
        detail.append(f"extra {extra}")
    if unmatched:
        detail.append(f"{unmatched} account(s) not in the CRM")
    return result(
        "customers", passed, "; ".join(detail) if not passed else f"exactly {sorted(named) or 'none'}"
    )


@grader("arr")
def check_arr(obs: Observation) -> CheckResult | None:
    expected = obs.scenario.expected.arr
    if expected is None:
        return None
    if obs.output is None or obs.assessment is None:
        return missing_output("arr", obs)
    actual = obs.assessment.revenue.arr_at_risk
    if expected.value is None:
        return result("arr", actual is None, f"expected unknown, got {_money(actual)}")
    passed = actual is not None and math.isclose(float(actual), expected.value, rel_tol=expected.rel_tol)
    return result(
        "arr",
        passed,
        f"expected {_money(expected.value)} (±{expected.rel_tol:.0%}), got {_money(actual)}",
    )


def _money(value: float | None) -> str:
    return "unknown" if value is None else f"${value:,.0f}"


def _matches(wanted: str, refs: Iterable[str]) -> bool:
    if ":" in wanted and wanted.split(":", 1)[0] in {"ticket", "account", "issue", "article", "message"}:
        return wanted in refs
    return any(ref.split(":", 1)[1] == wanted or ref.endswith(":" + wanted) for ref in refs)


@grader("must_cite")
def check_must_cite(obs: Observation) -> CheckResult | None:
    wanted = obs.scenario.expected.must_cite
    if not wanted:
        return None
    if obs.output is None:
        return missing_output("must_cite", obs)
    refs = cited(obs)
    missing = [w for w in wanted if not _matches(w, refs)]
    if missing:
        return result(
            "must_cite",
            False,
            f"not cited: {', '.join(missing)} (cited: {', '.join(sorted(refs)) or 'none'})",
        )
    return result("must_cite", True, f"cites {', '.join(wanted)}")


@grader("must_contain")
def check_must_contain(obs: Observation) -> CheckResult | None:
    wanted = obs.scenario.expected.must_contain
    if not wanted:
        return None
    if obs.output is None:
        return missing_output("must_contain", obs)
    text = obs.result.markdown.casefold() if obs.result else ""
    missing = [w for w in wanted if w.casefold() not in text]
    if missing:
        return result("must_contain", False, "missing: " + "; ".join(repr(m) for m in missing))
    return result("must_contain", True, "contains " + "; ".join(repr(w) for w in wanted))


__all__ = ["check_arr", "check_customers", "check_must_cite", "check_must_contain"]
