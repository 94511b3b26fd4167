"""Hidden and machine-addressed text as a class: decision changes over the generated set (run by hand).

From the repository root:

    python -m bench.bench_injection_classes
    python -m bench.bench_injection_classes -v        # every text that changed a decision or was quoted

Every text of `tests/hostile/injection_classes.py` (carriers x payloads in the six places: ticket
subject, body, customer comment, chat message, tracker issue title, knowledge-base article) is planted
in its record of the demo company and run through the offline path; the outcome is compared with the
same world without it. Printed: texts tried, texts the planner saw, decision changes (decision, target
or severity differ), texts copied into the output, per place and per kind of carrier.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections import Counter
from pathlib import Path

from tests.hostile.attacks import DemoWorld
from tests.hostile.injection_classes import CARRIERS, PLACES, PLANTED, Runs

_HIDDEN_CARRIERS = 12
"""The first carriers hide their text by the rendering; the rest address a machine reader."""


async def _measure(verbose: bool) -> None:
    hidden = {c.name for c in CARRIERS[:_HIDDEN_CARRIERS]}
    with tempfile.TemporaryDirectory() as folder:
        runs = Runs(DemoWorld(Path(folder)))
        changed: Counter[str] = Counter()
        quoted: Counter[str] = Counter()
        tried: Counter[str] = Counter()
        seen = 0
        for planted in PLANTED:
            clean = await runs.run(planted.place, planted.host, None)
            attacked = await runs.run(planted.place, planted.host, planted.text)
            kind = "hidden" if planted.carrier in hidden else "addressed"
            tried[planted.place] += 1
            tried[kind] += 1
            seen += attacked.seen
            assert clean.outcome is not None
            if attacked.outcome is None or attacked.outcome.key() != clean.outcome.key():
                changed[planted.place] += 1
                changed[kind] += 1
                if verbose:
                    after = attacked.outcome.key() if attacked.outcome else attacked.error
                    print(f"changed  {planted.id}: {clean.outcome.key()} -> {after}")
            if attacked.quoted:
                quoted[planted.place] += 1
                quoted[kind] += 1
                if verbose:
                    print(f"quoted   {planted.id}")
    total = len(PLANTED)
    print(f"texts tried: {total}, seen by the planner: {seen}")
    print(
        f"decision changes: {sum(changed[p] for p in PLACES)}, quoted in the output: {sum(quoted[p] for p in PLACES)}"
    )
    print(f"{'':<12}{'tried':>7}{'changed':>9}{'quoted':>8}")
    for key in (*PLACES, "hidden", "addressed"):
        print(f"{key:<12}{tried[key]:>7}{changed[key]:>9}{quoted[key]:>8}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list texts that changed a decision")
    args = parser.parse_args()
    asyncio.run(_measure(args.verbose))


if __name__ == "__main__":
    main()
