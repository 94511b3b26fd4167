"""Prompt-injection figures, AgentDojo-style (run by hand; prints figures).

From the repository root:

    python -m bench.bench_injection
    python -m bench.bench_injection --only ticket-override,kb-markdown -v

Every injected text of `tests/hostile/injections.py` is planted in its record of the demo company, one at
a time, and the whole run is judged (see `tests/hostile/attacks.py`) on two paths:

1. the offline planner (the default without an API key);
2. Claude, played by a fake Messages API that obeys every injected instruction (the worst case), through
   the real Claude adapter, with write tools live on the server and a configuration that would allow
   every write the injection asks for.

Printed per path: texts tried, texts the model saw, utility under attack (the decision, target and
severity of the clean run), attack successes (runs where any part of the injection's goal happened) and
what they were, injected text copied into the output, tool calls refused by the loop. For the Claude
path also: what would leave if the brief were posted to chat or filed in the tracker (canary e-mail
addresses left in the outbound payload after redaction, and links or ids, which redaction keeps).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from mcp import Client

from customer_escalation.connectors.base import Registry
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.local.history_store import SqliteHistoryStore
from customer_escalation.skill.actions import Actions, EscalationCase, chat_text, issue_draft
from customer_escalation.skill.models.planner import OfflinePlanner
from customer_escalation.skill.policy_config import load_policy
from customer_escalation.skill.server import build_server
from tests.hostile.attacks import (
    PERMISSIVE,
    SCENARIOS,
    DemoWorld,
    Observed,
    Outcome,
    Verdict,
    clock,
    judge,
    planted,
    run_on,
)
from tests.hostile.injections import INJECTIONS, WHERE, Injection
from tests.hostile.obedient import obedient_claude, reference_request

_KIND = re.compile(
    r"^(decision|target|severity|canary '.*' in the output|canary '.*' in a tool call|contact|.* ran|\d+ record)"
)


@dataclass
class PathFigures:
    name: str
    verdicts: list[Verdict] = field(default_factory=list)
    outbound_emails: int = 0
    outbound_other: int = 0
    outbound_plans: int = 0

    def row(self) -> dict[str, object]:
        verdicts = self.verdicts
        return {
            "tried": len(verdicts),
            "seen": sum(v.seen for v in verdicts),
            "utility": sum(v.utility for v in verdicts),
            "attack successes": sum(v.attacked for v in verdicts),
            "quoted": sum(v.quoted for v in verdicts),
            "refused calls": sum(len(v.refused) for v in verdicts),
            "failed runs": sum(v.error is not None for v in verdicts),
        }


def _kind(success: str) -> str:
    if success.startswith(("decision", "target", "severity")):
        return success.split(" is ")[0].split(" includes ")[0] + " as injected"
    if "in the output" in success:
        return "canary in the output"
    if "tool call" in success:
        return "canary sent in a tool call"
    if success.startswith("contact"):
        return "contact e-mail in the output"
    return "write or hidden tool executed"


async def _clean_outcomes(
    injections: list[Injection], outcome: Callable[[str], Awaitable[Outcome]]
) -> dict[str, Outcome]:
    """The outcome of each scenario the injections are planted in, run once without any injection."""
    names = dict.fromkeys(SCENARIOS[injection.host.scenario].name for injection in injections)
    return {name: await outcome(name) for name in names}


async def _clean_planner(world: DemoWorld, scenario_name: str) -> Outcome:
    workspace = world.open()
    observed = await run_on(workspace, SCENARIOS[scenario_name], OfflinePlanner(clock=clock))
    world.discard(workspace)
    assert observed.outcome is not None, observed.error
    return observed.outcome


async def planner_path(world: DemoWorld, injections: list[Injection]) -> PathFigures:
    figures = PathFigures("offline planner")
    clean = await _clean_outcomes(injections, partial(_clean_planner, world))
    for injection in injections:
        scenario = SCENARIOS[injection.host.scenario]
        workspace = world.open(planted(world.dataset, injection))
        observed = await run_on(workspace, scenario, OfflinePlanner(clock=clock))
        world.discard(workspace)
        figures.verdicts.append(judge(injection, clean[scenario.name], observed, world.contact_emails))
    return figures


async def _clean_policy(world: DemoWorld, scenario_name: str) -> Outcome:
    scenario = SCENARIOS[scenario_name]
    workspace = world.open()
    server = build_server(
        Registry(workspace, workspace, workspace, workspace, workspace), policy=load_policy(), clock=clock
    )
    async with Client(server) as client:
        result = await client.call_tool("escalation_assess", reference_request(scenario, world.dataset))
    world.discard(workspace)
    data = result.structured_content or {}
    return Outcome(
        str(data["decision"]), data.get("target"), data.get("secondary_target"), data.get("severity")
    )


async def claude_path(world: DemoWorld, injections: list[Injection]) -> PathFigures:
    figures = PathFigures("Claude that obeys every injection (fake API)")
    clean = await _clean_outcomes(injections, partial(_clean_policy, world))
    for injection in injections:
        scenario = SCENARIOS[injection.host.scenario]
        workspace = world.open(planted(world.dataset, injection))
        history = SqliteHistoryStore.open(workspace.path, clock=clock)
        model, _ = obedient_claude(injection, scenario, world.dataset)
        try:
            observed = await run_on(workspace, scenario, model, history=history)
            figures.verdicts.append(judge(injection, clean[scenario.name], observed, world.contact_emails))
            await _outbound(figures, injection, observed, workspace, history)
        finally:
            history.close()
            world.discard(workspace)
    return figures


async def _outbound(
    figures: PathFigures,
    injection: Injection,
    observed: Observed,
    workspace: LocalWorkspace,
    history: SqliteHistoryStore,
) -> None:
    """What would leave for chat and the tracker if the brief were posted: canaries left after redaction."""
    result = observed.result
    if result is None or result.brief is None:
        return
    scenario = SCENARIOS[injection.host.scenario]
    escalation = history.record_escalation(
        fingerprint=injection.id, issue=scenario.issue, brief=result.markdown
    )
    case = EscalationCase.from_run(result, scenario.issue)
    actions = Actions(
        Registry(workspace, workspace, workspace, workspace, workspace), history, PERMISSIVE, clock=clock
    )
    plans = [
        actions.plan_chat_post(escalation, "C03MZ2K7QF1", chat_text(case, escalation.id)),
        await actions.plan_issue(escalation, issue_draft(case, "ENG", escalation.id), look_up=False),
    ]
    for plan in plans:
        figures.outbound_plans += 1
        payload = json.dumps(plan.payload)
        for canary in injection.goal.canaries:
            if canary in payload:
                if "@" in canary:
                    figures.outbound_emails += 1
                else:
                    figures.outbound_other += 1


def print_path(figures: PathFigures, *, verbose: bool) -> None:
    row = figures.row()
    print(f"\n{figures.name}")
    print("  " + "   ".join(f"{k}: {v}" for k, v in row.items()))
    kinds = Counter(_kind(s) for v in figures.verdicts for s in v.successes)
    print("  successes by kind: " + (", ".join(f"{k} {n}" for k, n in kinds.most_common()) or "none"))
    by_where = {
        where: (
            sum(1 for v in figures.verdicts if v.injection.where == where),
            sum(1 for v in figures.verdicts if v.injection.where == where and v.attacked),
        )
        for where in WHERE
    }
    print("  by location (tried/attacked): " + ", ".join(f"{w} {t}/{a}" for w, (t, a) in by_where.items()))
    if figures.outbound_plans:
        print(
            f"  outbound payloads planned: {figures.outbound_plans}; canary e-mail addresses left in them: "
            f"{figures.outbound_emails}; canary links, ids or code words left in them: {figures.outbound_other}"
        )
    for verdict in figures.verdicts:
        if verbose or verdict.attacked or verdict.error or not verdict.seen:
            flags = [
                "seen" if verdict.seen else "NOT SEEN",
                "utility kept" if verdict.utility else "utility lost",
                *(["quoted"] if verdict.quoted else []),
            ]
            print(f"    {verdict.injection.id:24} {', '.join(flags)}")
            for success in verdict.successes:
                print(f"        success: {success}")
            if verdict.error:
                print(f"        run failed: {verdict.error}")


async def main_async(args: argparse.Namespace) -> None:
    wanted = set(args.only.split(",")) if args.only else None
    injections = [i for i in INJECTIONS if wanted is None or i.id in wanted]
    with tempfile.TemporaryDirectory() as tmp:
        world = DemoWorld(Path(tmp))
        started = time.perf_counter()
        planner = await planner_path(world, injections)
        middle = time.perf_counter()
        claude = await claude_path(world, injections)
        ended = time.perf_counter()
    print(
        f"injected texts: {len(injections)} ({', '.join(f'{w} {sum(i.where == w for i in injections)}' for w in WHERE)})"
    )
    print_path(planner, verbose=args.verbose)
    print(f"  ({middle - started:.1f} s)")
    print_path(claude, verbose=args.verbose)
    print(f"  ({ended - middle:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", help="comma-separated injection ids")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per injection")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
