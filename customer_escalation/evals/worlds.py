"""Fresh worlds for eval trials: a local workspace per trial, and the registry a scenario's faults make.

Each scenario and trial gets a copy of its base world (built once per base and clock, then copied) with
the scenario's own records loaded over it. A category a scenario lists under `faults` is served by a
connector whose every call fails, as a timed-out vendor would.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

from ..connectors.base import CATEGORIES, CATEGORY_TITLES, Category, Registry
from ..connectors.errors import UpstreamError
from ..connectors.local import LocalWorkspace
from ..connectors.records import Dataset
from .scenario import Scenario, base_dataset, layered, own_records


class _Unavailable:
    """A connector whose every call fails, as a timed-out vendor would."""

    def __init__(self, inner: Any, category: Category) -> None:
        self.system: str = inner.system
        self._title = CATEGORY_TITLES[category]

    async def aclose(self) -> None:
        return None

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        async def fail(*args: Any, **kwargs: Any) -> Any:
            raise UpstreamError(f"the {self._title} timed out", system=self.system)

        return fail


class Worlds:
    """Fresh workspaces for scenario trials, built from cached base files in a scratch folder.

    Args:
        workdir: where the workspace files go; a temporary folder (removed by `close`) when None.
    """

    def __init__(self, workdir: Path | None = None) -> None:
        self._own_dir = workdir is None
        self.root = Path(tempfile.mkdtemp(prefix="ce-evals-")) if workdir is None else workdir
        self.root.mkdir(parents=True, exist_ok=True)
        self._bases: dict[tuple[str, str], Path] = {}
        self._datasets: dict[str, tuple[Dataset, Dataset]] = {}
        self._counter = itertools.count()

    def _records(self, scenario: Scenario) -> tuple[Dataset, Dataset]:
        """(the scenario's own records, its whole world), cached."""
        if scenario.id not in self._datasets:
            base = base_dataset(scenario.base, scenario.now)
            own = own_records(scenario, base)
            self._datasets[scenario.id] = (own, layered(base, own))
        return self._datasets[scenario.id]

    def dataset(self, scenario: Scenario) -> Dataset:
        """The scenario's whole world of records.

        Raises:
            ScenarioError: a record refers to an account that does not exist.
        """
        return self._records(scenario)[1]

    def _base_file(self, scenario: Scenario) -> Path | None:
        if scenario.base == "empty":
            return None
        key = (scenario.base, scenario.now.isoformat())
        if key not in self._bases:
            path = self.root / f"base-{len(self._bases)}.sqlite"
            LocalWorkspace.create(
                path, base_dataset(scenario.base, scenario.now), clock=scenario.clock()
            ).close()
            self._bases[key] = path
        return self._bases[key]

    def open(self, scenario: Scenario) -> LocalWorkspace:
        """A new workspace holding the scenario's world; the caller closes it.

        Raises:
            ScenarioError: a record refers to an account that does not exist.
            WorkspaceError: the file cannot be written.
        """
        own, _ = self._records(scenario)
        path = self.root / f"{scenario.id}-{next(self._counter)}.sqlite"
        base = self._base_file(scenario)
        if base is None:
            return LocalWorkspace.create(path, own, clock=scenario.clock())
        shutil.copyfile(base, path)
        workspace = LocalWorkspace.open(path, clock=scenario.clock(), create_demo=False)
        workspace.load(own)
        return workspace

    def discard(self, workspace: LocalWorkspace) -> None:
        workspace.close()
        for suffix in ("", "-wal", "-shm"):
            workspace.path.with_name(workspace.path.name + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        if self._own_dir:
            shutil.rmtree(self.root, ignore_errors=True)


def registry_with_faults(workspace: LocalWorkspace, faults: Iterable[Category]) -> Registry:
    failing = set(faults)
    parts: dict[str, Any] = {
        c: (_Unavailable(workspace, c) if c in failing else workspace) for c in CATEGORIES
    }
    return Registry(**parts)


__all__ = ["Worlds", "registry_with_faults"]
