"""The demo company: a deterministic, realistic world for the local workspace, demos and evals.

Tessera, a fictional customer data platform, with about 60 customer accounts, 1,500 tickets over the
last 90 days, chat channels, tracker issues and knowledge-base articles. Ten scenarios are planted in
it (`DEMO_SCENARIOS`): the four usage examples of the product spec and the harder cases around them,
each with the records a support lead would find and the outcome the product should reach.
"""

from ._build import DEMO_SEED, build_demo
from ._scenarios import DEMO_SCENARIOS, DemoScenario

__all__ = ["DEMO_SCENARIOS", "DEMO_SEED", "DemoScenario", "build_demo"]
