"""Imports point down the layers, and the skill reads connectors only through their public modules.

Layers, lowest first: records (0), connector protocols (1), connectors (2), skill (3), agent and
models (4), evals and the command line (5). Every import of every module under connectors/, skill/ and
evals/ (absolute or relative, at the top, in a function or under TYPE_CHECKING) is resolved to the
module it names, and none may name a module of a higher layer.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "customer_escalation"
"""The package: `connectors/`, `skill/`, `evals/` and `prompts/` under it."""
PACKAGE = "customer_escalation"
CHECKED = ("connectors", "skill", "evals")
LAYER_NAMES = ("records", "connector protocols", "connectors", "skill", "agent and models", "evals and CLI")


def layer_of(module: str) -> int:
    """The layer of a module named relative to the package (``skill.policy``; ``""`` is the package)."""
    parts = module.split(".") if module else []
    top, second = [*parts, "", ""][:2]
    if top == "connectors":
        if second == "records":
            return 0
        return 1 if second in {"base", "errors"} and len(parts) == 2 else 2
    if top == "skill":
        if second in {"agent", "models"}:
            return 4
        return 5 if second == "cli" else 3
    if top == "evals":
        return 5
    return 0  # the package itself (its version) and the prompt files


@dataclass(frozen=True)
class Edge:
    source: str
    line: int
    target: str

    def __str__(self) -> str:
        return (
            f"{self.source}:{self.line} ({LAYER_NAMES[layer_of(self.source)]}) imports "
            f"{self.target} ({LAYER_NAMES[layer_of(self.target)]})"
        )


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(module: str, root: Path) -> bool:
    base = root.joinpath(*module.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _package_of(path: Path, root: Path) -> list[str]:
    name = module_name(path, root)
    parts = name.split(".") if name else []
    return parts if path.name == "__init__.py" else parts[:-1]


def _absolute(name: str) -> str | None:
    """`customer_escalation.skill.policy` -> `skill.policy`; None for a module outside the package."""
    if name == PACKAGE:
        return ""
    return name.removeprefix(PACKAGE + ".") if name.startswith(PACKAGE + ".") else None


def imports(path: Path, root: Path = ROOT) -> list[Edge]:
    """Every module of the package that the file at `path` imports, with the line of the import."""
    source = module_name(path, root)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    edges: list[Edge] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _absolute(alias.name)
                if target is not None:
                    edges.append(Edge(source, node.lineno, target))
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = _absolute(node.module or "")
                if base is None:
                    continue
            else:
                package = _package_of(path, root)
                kept = len(package) - (node.level - 1)
                base = ".".join([*package[: max(kept, 0)], *([node.module] if node.module else [])])
            for alias in node.names:
                named = f"{base}.{alias.name}" if base else alias.name
                edges.append(Edge(source, node.lineno, named if _is_module(named, root) else base))
    return edges


def upward_imports(root: Path = ROOT) -> list[str]:
    """Every import of a module in a higher layer than the importing one."""
    found = (
        str(edge)
        for top in CHECKED
        for path in sorted((root / top).rglob("*.py"))
        for edge in imports(path, root)
        if layer_of(edge.target) > layer_of(edge.source)
    )
    return list(dict.fromkeys(found))


def private_connector_imports(root: Path = ROOT) -> list[str]:
    """Imports by the skill (and everything above it) of a connector module whose name starts with `_`."""
    return [
        str(edge)
        for top in ("skill", "evals")
        for path in sorted((root / top).rglob("*.py"))
        for edge in imports(path, root)
        if edge.target.startswith("connectors.")
        and any(part.startswith("_") for part in edge.target.split(".")[1:])
    ]


def test_every_import_points_down_the_layers() -> None:
    assert upward_imports() == []


def test_the_skill_imports_no_private_connector_module() -> None:
    assert private_connector_imports() == []


def test_modules_get_the_layers_of_the_design() -> None:
    assert layer_of("connectors.records") == layer_of("connectors.records.history") == 0
    assert layer_of("connectors.base") == layer_of("connectors.errors") == 1
    assert layer_of("connectors.local.history_store") == layer_of("connectors.base_extra") == 2
    assert layer_of("skill.history") == layer_of("skill.policy") == 3
    assert layer_of("skill.agent") == layer_of("skill.models.reference") == 4
    assert layer_of("skill.cli._eval") == layer_of("evals.runner") == 5


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for top in CHECKED:
        (root / top).mkdir(exist_ok=True)
    return root


def test_the_check_notices_an_upward_relative_import(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "connectors/__init__.py": "",
            "connectors/records/__init__.py": "",
            "connectors/records/history.py": "from ...skill import policy\n",
            "connectors/local/__init__.py": "",
            "connectors/local/store.py": "def f():\n    from ..records import history\n",
            "skill/__init__.py": "",
            "skill/policy.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .agent import RunResult\n",
            "skill/agent.py": "",
        },
    )
    assert upward_imports(root) == [
        "connectors.records.history:1 (records) imports skill.policy (skill)",
        "skill.policy:3 (skill) imports skill.agent (agent and models)",
    ]


def test_the_check_notices_an_upward_absolute_import_and_a_private_connector_module(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "connectors/__init__.py": "",
            "connectors/base.py": "import customer_escalation.connectors.slack\n",
            "connectors/slack.py": "",
            "connectors/_http.py": "",
            "skill/__init__.py": "",
            "skill/views.py": "from customer_escalation.evals.graders import grade\nfrom ..connectors import _http\n",
            "evals/__init__.py": "",
            "evals/graders.py": "",
        },
    )
    assert upward_imports(root) == [
        "connectors.base:1 (connector protocols) imports connectors.slack (connectors)",
        "skill.views:1 (skill) imports evals.graders (evals and CLI)",
    ]
    assert private_connector_imports(root) == ["skill.views:2 (skill) imports connectors._http (connectors)"]
