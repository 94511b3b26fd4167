"""The demo company's data files (``data/``): the company, its name pools, stories and phrase banks."""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.abc import Traversable
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from ..world import Records, Spec, WorldError, WorldSettings, read_model, read_world, read_yaml

T = TypeVar("T")


def data_file(name: str) -> Traversable:
    """A file of the demo's data folder, by its path inside it (``stories/01-api-500s.yaml``)."""
    return resources.files(__package__) / "data" / name


class CompanyFile(Spec):
    about: str = ""
    settings: WorldSettings
    teams: dict[str, tuple[str, ...]]
    """Team name → the names of its people (who answers tickets, owns accounts, posts in chat)."""


class NamedCompany(Spec):
    name: str
    industry: str


class NamesFile(Spec):
    about: str = ""
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    executive_titles: tuple[str, ...]
    staff_titles: tuple[str, ...]
    companies: tuple[NamedCompany, ...]


@cache
def company() -> CompanyFile:
    return read_model(data_file("company.yaml"), CompanyFile)


@cache
def names() -> NamesFile:
    return read_model(data_file("names.yaml"), NamesFile)


@cache
def stories() -> Records:
    """Every story's records, in file-name order."""
    folder = data_file("stories")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)
    records = Records()
    for file in files:
        records = records + read_world(file)
    return records


@cache
def _table(name: str) -> Any:
    return read_yaml(data_file(name))


def table(name: str, key: str, shape: TypeAdapter[T]) -> T:
    """The list or mapping under `key` in the data file `name`, read as `shape`.

    Raises:
        WorldError: the file cannot be read, or its entry does not fit `shape`.
    """
    try:
        return shape.validate_python(_table(name)[key])
    except (KeyError, TypeError, ValidationError) as exc:
        raise WorldError(f"{data_file(name)}: {key}: {exc}") from exc
