"""Rules on the state of the product: lost data, production down, a confirmed bug, a problem support cannot
diagnose, a missing feature."""

from __future__ import annotations

from ..attempts import any_tried
from ..facts import Facts, hit_refs, where_found
from ..models import Strength
from ..refs import issue_ref
from .outcomes import signalled
from .registry import Outcome, rule


@rule("data_loss", "Data corruption or loss, data integrity at risk", strength="hard")
def data_loss(f: Facts) -> Outcome:
    return signalled(
        f.hits_of("data_loss"), label="data integrity signal", absent="no sign of data loss or corruption"
    )


@rule("production_down", "Production system down", strength="hard")
def production_down(f: Facts) -> Outcome:
    """Soft instead of hard when a single customer's outage has a current article documenting the fix:
    support's to resolve, unless the customer says that fix did not help."""
    down = f.hits_of("production_down")
    single = len(f.affected_ids) <= 1 and not f.has("multi_customer")
    documented = bool(f.documented_answers) and single and not f.has("workaround_failed")
    strength: Strength = "soft" if documented else "hard"
    return Outcome(
        met=bool(down),
        reason=(f"production-down signal: {where_found(down)}" if down else "nothing says production is down")
        + ("; a current article documents the fix" if down and documented else ""),
        evidence=hit_refs(down),
        hits=down,
        strength=strength,
    )


@rule("confirmed_bug", "Bug confirmed and needs a code fix", strength="soft")
def confirmed_bug(f: Facts) -> Outcome:
    reproduced = f.hits_of("reproduced")
    return Outcome(
        met=bool(f.open_bugs) or bool(reproduced),
        reason=", ".join(f"{i.key} {i.status}" for i in f.open_bugs)
        or (f"reproduced by support: {where_found(reproduced)}" if reproduced else "none"),
        evidence=[issue_ref(i.key) for i in f.open_bugs] + list(hit_refs(reproduced)),
        hits=reproduced,
    )


@rule("beyond_support", "Beyond support's ability to diagnose", strength="soft")
def beyond_support(f: Facts) -> Outcome:
    """Support could not reproduce it, or the customer tried support's own documented answer and it failed."""
    not_repro = f.hits_of("not_reproduced")
    attempts = f.hits_of("workaround_failed")
    failed = attempts if any_tried(f.documented_answers, attempts) else []
    reason = (
        (f"support could not reproduce: {where_found(not_repro)}" if not_repro else "")
        + ("; " if not_repro and failed else "")
        + (f"the customer tried the fix without success: {where_found(failed)}" if failed else "")
    )
    return Outcome(
        met=bool(not_repro) or bool(failed),
        reason=reason or "none",
        evidence=hit_refs(not_repro) + hit_refs(failed),
        hits=not_repro or failed,
    )


@rule("feature_gap", "Feature gap causing customer pain", strength="soft")
def feature_gap(f: Facts) -> Outcome:
    feature = f.hits_of("feature_gap")
    return Outcome(
        met=bool(feature) or bool(f.features),
        reason=", ".join([i.key for i in f.features]) or where_found(feature) or "none",
        evidence=[issue_ref(i.key) for i in f.features] + list(hit_refs(feature)),
        hits=feature,
    )
