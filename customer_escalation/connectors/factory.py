"""Build the connector registry that the settings describe.

Every category defaults to the local workspace. A vendor module is imported only when a category
uses it, and exposes ``from_settings(settings, category, *, client=None)`` returning the connector
(a `VendorFactory`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx2

from .base import CATEGORIES, CATEGORY_TITLES, Category, Clock, Connector, Registry, utc_now
from .errors import ConfigError
from .settings import LOCAL, NONE, Settings, default_workspace_path

if TYPE_CHECKING:
    from .local.history_store import SqliteHistoryStore
    from .postgres.history import PostgresHistoryStore

C = TypeVar("C", bound=Connector)

Build = Callable[[Settings, Category, httpx2.AsyncClient | None], C]
"""What builds a vendor's connector once the category is known to be one it serves."""


class VendorFactory(Generic[C]):
    """A vendor package's ``from_settings(settings, category, *, client=None)``.

    It refuses a category the vendor cannot serve, naming the vendor and the categories it serves, then
    builds the connector.

    Args:
        build: the connector from the settings, the category and the HTTP client to use (None: the
            connector makes its own). It raises ConfigError, naming each variable missing or invalid
            (never its value).
        system: the vendor's name, as the settings spell it.
        serves: the categories the vendor can serve.
    """

    def __init__(self, build: Build[C], *, system: str, serves: Collection[Category]) -> None:
        self._build = build
        self.system = system
        self.serves: frozenset[Category] = frozenset(serves)
        self.__doc__ = (
            f"{(build.__doc__ or '').rstrip()}\n\nRaises:\n    ConfigError: a category other than "
            f"{', '.join(sorted(self.serves))}, or a variable missing or invalid."
        )

    def __call__(
        self, settings: Settings, category: Category, *, client: httpx2.AsyncClient | None = None
    ) -> C:
        """The vendor's connector for `category`, configured from `settings`, sending through `client`.

        Raises:
            ConfigError: the vendor cannot serve `category`, or a variable is missing or invalid.
        """
        if category not in self.serves:
            raise ConfigError(self._refusal(category))
        return self._build(settings, category, client)

    def _refusal(self, category: str) -> str:
        """Why this vendor cannot serve `category`, e.g. "slack serves only the chat category (chat), not
        'kb'"."""
        served = [c for c in CATEGORIES if c in self.serves]
        titles = " and ".join(CATEGORY_TITLES[c] for c in served)
        plural = "categories" if len(served) > 1 else "category"
        return f"{self.system} serves only the {titles} {plural} ({' and '.join(served)}), not {category!r}"


VENDOR_MODULES: dict[str, str] = {
    "zendesk": ".zendesk",
    "hubspot": ".hubspot",
    "salesforce": ".salesforce",
    "slack": ".slack",
    "jira": ".jira",
    "confluence": ".confluence",
    "linear": ".linear",
    "notion": ".notion",
    "intercom": ".intercom",
    "guru": ".guru",
}


def build_vendor(
    system: str, settings: Settings, category: Category, *, client: httpx2.AsyncClient | None = None
) -> Connector:
    """One vendor connector for `category`, configured from `settings`.

    Raises:
        ConfigError: the system is unknown or its variables are missing.
    """
    module_name = VENDOR_MODULES.get(system)
    if module_name is None:
        raise ConfigError(f"no connector for {system!r}")
    module = importlib.import_module(module_name, __package__)
    connector: Connector = module.from_settings(settings, category, client=client)
    return connector


def build_registry(
    settings: Settings,
    *,
    clock: Clock = utc_now,
    clients: dict[str, httpx2.AsyncClient] | None = None,
    create_demo: bool | None = None,
) -> Registry:
    """The registry for `settings`: the local workspace where configured (opened once), vendors elsewhere.

    Args:
        clock: "now" for the local workspace (demo data is laid out relative to it).
        clients: per-system HTTP clients to inject (tests point them at vendor fakes).
        create_demo: create the workspace with the demo company when the file does not exist. By
            default only the default location (the user data directory) gets one: a workspace path
            that was given but does not exist is more likely a typo than a wish for demo data.

    Raises:
        ConfigError, WorkspaceError: a category cannot be served as configured.
    """
    local: Any = None
    if create_demo is None:
        create_demo = creates_demo(settings)
    chosen: dict[Category, Connector | None] = {}
    try:
        for category in CATEGORIES:
            system = settings.backends.get(category, LOCAL)
            if system == NONE:
                chosen[category] = None
            elif system == LOCAL:
                if local is None:
                    local = _open_workspace(settings, clock=clock, create_demo=create_demo)
                chosen[category] = local
            else:
                chosen[category] = build_vendor(
                    system, settings, category, client=(clients or {}).get(system)
                )
    except BaseException:
        if local is not None:
            local.close()
        raise
    return Registry(
        support=chosen["support"],  # type: ignore[arg-type]
        crm=chosen["crm"],  # type: ignore[arg-type]
        chat=chosen["chat"],  # type: ignore[arg-type]
        tracker=chosen["tracker"],  # type: ignore[arg-type]
        kb=chosen["kb"],  # type: ignore[arg-type]
    )


def creates_demo(settings: Settings) -> bool:
    """Whether a missing workspace file is created with the demo company: only at the default location."""
    try:
        return settings.workspace.resolve() == default_workspace_path().resolve()
    except OSError:
        return False


def _open_workspace(settings: Settings, *, clock: Clock, create_demo: bool) -> Any:
    """The local workspace: in the PostgreSQL database when `database_url` is set, else in the file."""
    if settings.database_url:
        from .postgres.workspace import PostgresWorkspace

        return PostgresWorkspace.open(settings.database_url, clock=clock)
    from .local import LocalWorkspace

    return LocalWorkspace.open(settings.workspace, clock=clock, create_demo=create_demo)


def open_history_store(
    path: Path, *, clock: Clock = utc_now, create: bool = True, database_url: str | None = None
) -> SqliteHistoryStore | PostgresHistoryStore:
    """The escalation history in the workspace file at `path` (see `SqliteHistoryStore.open`), or in
    the PostgreSQL database at `database_url` when one is given (its tables are created when missing).

    Raises:
        WorkspaceError: the file is missing and `create` is False, is not a workspace, or is newer; or
            the database cannot be reached.
    """
    if database_url:
        from .postgres.history import PostgresHistoryStore

        return PostgresHistoryStore.open(database_url, clock=clock)
    from .local.history_store import SqliteHistoryStore

    return SqliteHistoryStore.open(path, clock=clock, create=create)


__all__ = [
    "VENDOR_MODULES",
    "Build",
    "VendorFactory",
    "build_registry",
    "build_vendor",
    "creates_demo",
    "open_history_store",
]
