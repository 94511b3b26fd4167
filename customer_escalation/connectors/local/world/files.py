"""Reading world files: YAML holding records (and, for a whole world, its settings and clock)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .builder import WorldError
from .specs import Records, WorldSettings
from .times import Moment

M = TypeVar("M", bound=BaseModel)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it: the demo's data files are large."""


class WorldFile(Records):
    """One world file: records, optionally with what the file is about, its settings and its clock."""

    about: str = ""
    """What the file holds, for the people who edit it."""
    settings: WorldSettings | None = None
    now: Moment | None = None
    """The clock of a world that is always built at the same moment (an ISO date-time)."""


def field_path(loc: Iterable[int | str], data: Any) -> str:
    """A validation error's location as ``tickets[0] (501).subject``, naming list items by id or key."""
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(item, int):
            label = ""
            if isinstance(node, list) and item < len(node) and isinstance(node[item], dict):
                ident = node[item].get("id") or node[item].get("key")
                label = f" ({ident})" if ident else ""
            parts.append(f"[{item}]{label}")
            node = node[item] if isinstance(node, list) and item < len(node) else None
        else:
            parts.append(("." if parts else "") + item)
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts) or "(top level)"


def read_yaml(source: Path | Traversable) -> Any:
    """A YAML file's data.

    Raises:
        WorldError: the file cannot be read or is not YAML.
    """
    try:
        return yaml.load(source.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise WorldError(f"{source}: cannot read: {exc}") from exc


def read_model(source: Path | Traversable, model: type[M]) -> M:
    """A YAML file read as `model`.

    Raises:
        WorldError: the file cannot be read, or a field is invalid (the message names the field).
    """
    data = read_yaml(source)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{field_path(e['loc'], data)}: {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors(include_url=False)
        )
        raise WorldError(f"{source}: {problems}") from exc


def read_world(source: Path | Traversable) -> WorldFile:
    """One world file.

    Raises:
        WorldError: the file cannot be read or a field is invalid.
    """
    return read_model(source, WorldFile)


def clock_of(world: WorldFile, source: str) -> datetime:
    """The fixed clock a world file names.

    Raises:
        WorldError: the file names no absolute `now`.
    """
    if not isinstance(world.now, datetime):
        raise WorldError(f"{source}: now: a fixed world needs an absolute date-time")
    return world.now


__all__ = ["WorldFile", "clock_of", "field_path", "read_model", "read_world", "read_yaml"]
