"""Settings: the one place that reads environment variables and the configuration file.

Values come from, in order of precedence: the process environment, then an optional TOML file
(`CUSTOMER_ESCALATION_CONFIG`, else `config.toml` in the user config directory) whose top-level keys
are the same variable names, e.g. ``CUSTOMER_ESCALATION_SUPPORT = "zendesk"``. Keep secrets in the
environment. Vendor connectors read their own variables (``ZENDESK_*``, ``JIRA_*`` ...) through
`Settings.vendor`, so each vendor's variables are documented beside its code and in CONNECTORS.md.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Self

import platformdirs
from pydantic import BaseModel, ConfigDict, ValidationError

from .base import CATEGORIES, Category
from .errors import ConfigError

APP_NAME = "customer-escalation"
PREFIX = "CUSTOMER_ESCALATION_"
LOCAL = "local"
NONE = "none"

KNOWN_SYSTEMS: dict[Category, tuple[str, ...]] = {
    "support": (LOCAL, "zendesk", "intercom", NONE),
    "crm": (LOCAL, "hubspot", "salesforce", NONE),
    "chat": (LOCAL, "slack", NONE),
    "tracker": (LOCAL, "jira", "linear", NONE),
    "kb": (LOCAL, "confluence", "guru", "zendesk", "intercom", "notion", NONE),
}
"""Which systems can serve each category; `none` leaves the category unconfigured."""

DEFAULT_RESULT_CHARS = 8_000


def split_list(value: str | None) -> tuple[str, ...]:
    """Split a comma- (or semicolon-) separated setting into its parts."""
    if not value:
        return ()
    return tuple(part.strip() for part in value.replace(";", ",").split(",") if part.strip())


def _parse_bool(name: str, value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, not {value!r}")


def _parse_int(name: str, value: str | None, default: int, *, minimum: int = 1) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {number}")
    return number


@dataclass(frozen=True)
class Settings:
    """Everything the application is configured with. Build it with `load_settings`."""

    workspace: Path
    """The local SQLite workspace file."""
    backends: Mapping[Category, str]
    """Which system serves each category (`local`, a vendor name, or `none`)."""
    policy_file: Path | None = None
    """A YAML file overriding the escalation policy defaults."""
    result_chars: int = DEFAULT_RESULT_CHARS
    """Hard cap on the text of one MCP tool result."""
    read_only: bool = False
    """Refuse every write, whatever else is configured."""
    write_channels: tuple[str, ...] = ()
    """Chat channels that escalations may be posted to."""
    write_projects: tuple[str, ...] = ()
    """Tracker projects that issues may be created in."""
    write_tickets: bool = True
    """Whether internal notes may be added to tickets."""
    staff_domains: tuple[str, ...] = ()
    """Our own e-mail domains: addresses under them are kept when text is redacted."""
    server_token: str | None = field(default=None, repr=False)
    """Bearer token the HTTP MCP server requires."""
    anthropic_api_key: str | None = field(default=None, repr=False)
    model: str | None = None
    """Claude model id; None uses the pinned default (`skill.models.catalog.DEFAULT_MODEL`)."""
    reporter: str | None = None
    """Default name for the brief's "Reported by" line."""
    config_file: Path | None = None
    """The configuration file that was read, if any."""
    database_url: str | None = field(default=None, repr=False)
    """A ``postgresql://`` URL: the workspace and the history live in that database instead of the file."""
    _values: Mapping[str, str] = field(default_factory=dict, repr=False)

    def vendor(self, prefix: str) -> Mapping[str, str]:
        """All configured variables starting with `prefix` (e.g. ``"ZENDESK_"``), for a vendor connector."""
        return MappingProxyType({k: v for k, v in self._values.items() if k.startswith(prefix) and v != ""})

    def value(self, name: str) -> str | None:
        """One configured variable, or None."""
        value = self._values.get(name)
        return value if value else None

    def flag(self, name: str, default: bool) -> bool:
        """A true/false variable; raises ConfigError naming it when the value is neither."""
        return _parse_bool(name, self.value(name), default)

    def require(self, name: str, *, purpose: str) -> str:
        """A variable that must be set; raises ConfigError naming it and what it is for."""
        value = self.value(name)
        if value is None:
            raise ConfigError(f"{name} is not set; it is needed for {purpose}")
        return value


def default_workspace_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "workspace.sqlite"


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def _read_config_file(path: Path, *, explicit: bool) -> dict[str, str]:
    if not path.exists():
        if explicit:
            raise ConfigError(f"configuration file {path} does not exist (from {PREFIX}CONFIG)")
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read configuration file {path}: {exc}") from exc
    values: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, bool):
            values[key] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            values[key] = str(value)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            values[key] = ",".join(value)
        else:
            raise ConfigError(f"{path}: {key} must be a string, number, boolean or list of strings")
    return values


def load_settings(
    env: Mapping[str, str] | None = None,
    *,
    workspace: Path | None = None,
    policy_file: Path | None = None,
) -> Settings:
    """Read the configuration.

    Args:
        env: variables to read instead of `os.environ` (tests pass their own).
        workspace: overrides `CUSTOMER_ESCALATION_WORKSPACE` (the `--workspace` flag).
        policy_file: overrides `CUSTOMER_ESCALATION_POLICY` (the `--policy` flag).

    Raises:
        ConfigError: a value is invalid or the configuration file cannot be read.
    """
    environ = dict(os.environ if env is None else env)
    config_name = environ.get(f"{PREFIX}CONFIG")
    config_path = Path(config_name).expanduser() if config_name else default_config_path()
    values = _read_config_file(config_path, explicit=bool(config_name))
    config_file = config_path if values else None
    values.update({k: v for k, v in environ.items() if v != ""})

    backends: dict[Category, str] = {}
    for category in CATEGORIES:
        name = f"{PREFIX}{category.upper()}"
        system = values.get(name, LOCAL).strip().lower()
        if system not in KNOWN_SYSTEMS[category]:
            choices = ", ".join(KNOWN_SYSTEMS[category])
            raise ConfigError(f"{name}={system!r} is not supported; choose one of: {choices}")
        backends[category] = system

    workspace_value = values.get(f"{PREFIX}WORKSPACE")
    if workspace is None:
        workspace = Path(workspace_value).expanduser() if workspace_value else default_workspace_path()
    policy_value = values.get(f"{PREFIX}POLICY")
    if policy_file is None and policy_value:
        policy_file = Path(policy_value).expanduser()

    return Settings(
        workspace=workspace,
        backends=MappingProxyType(backends),
        policy_file=policy_file,
        result_chars=_parse_int(
            f"{PREFIX}RESULT_CHARS", values.get(f"{PREFIX}RESULT_CHARS"), DEFAULT_RESULT_CHARS, minimum=3000
        ),
        read_only=_parse_bool(f"{PREFIX}READ_ONLY", values.get(f"{PREFIX}READ_ONLY"), False),
        write_channels=split_list(values.get(f"{PREFIX}WRITE_CHANNELS")),
        write_projects=split_list(values.get(f"{PREFIX}WRITE_PROJECTS")),
        write_tickets=_parse_bool(f"{PREFIX}WRITE_TICKETS", values.get(f"{PREFIX}WRITE_TICKETS"), True),
        staff_domains=split_list(values.get(f"{PREFIX}STAFF_DOMAINS")),
        server_token=values.get(f"{PREFIX}TOKEN"),
        anthropic_api_key=values.get("ANTHROPIC_API_KEY"),
        model=values.get(f"{PREFIX}MODEL"),
        reporter=values.get(f"{PREFIX}REPORTER"),
        config_file=config_file,
        database_url=_database_url(values.get(f"{PREFIX}DATABASE_URL")),
        _values=MappingProxyType(values),
    )


def _database_url(value: str | None) -> str | None:
    """`CUSTOMER_ESCALATION_DATABASE_URL`, checked to be a PostgreSQL URL."""
    if not value:
        return None
    if not value.startswith(("postgresql://", "postgres://")):
        raise ConfigError(
            f"{PREFIX}DATABASE_URL must be a postgresql:// URL (the SQLite workspace is chosen with "
            f"{PREFIX}WORKSPACE)"
        )
    return value


__all__ = [
    "APP_NAME",
    "DEFAULT_RESULT_CHARS",
    "KNOWN_SYSTEMS",
    "LOCAL",
    "NONE",
    "PREFIX",
    "Settings",
    "default_config_path",
    "default_workspace_path",
    "load_settings",
    "split_list",
]


class VendorSettings(BaseModel):
    """Base of one vendor's settings, declared once beside its connector.

    Each field's alias is the variable that sets it (``ZENDESK_SUBDOMAIN``); secrets are `SecretStr`,
    so they never show in a repr, a log line or an error. Build one with `from_settings`.
    """

    model_config = ConfigDict(
        frozen=True, extra="ignore", populate_by_name=False, use_attribute_docstrings=True
    )

    @classmethod
    def from_settings(cls, settings: Settings, *, also: Sequence[str] = ()) -> Self:
        """Read the vendor's variables from `settings`.

        Args:
            also: problems the caller found beyond the fields' own checks (a variable only some uses
                need, say), reported after them in the same error.

        Raises:
            ConfigError: one line naming each variable that is missing or malformed, never its value.
        """
        names = [info.alias or name for name, info in cls.model_fields.items()]
        values = {name: value for name in names if (value := settings.value(name)) is not None}
        try:
            config = cls.model_validate(values)
        except ValidationError as exc:
            purposes = {info.alias or name: info.description for name, info in cls.model_fields.items()}
            problems = [
                _setting_problem(error, purposes.get(str(error["loc"][0])) if error["loc"] else None)
                for error in exc.errors(include_url=False, include_input=False)
            ]
            raise ConfigError("; ".join([*problems, *also])) from None
        if also:
            raise ConfigError("; ".join(also))
        return config


def _setting_problem(error: Any, purpose: str | None) -> str:
    """One problem, led by the variable it is about (none for a check across several variables); a missing
    variable says what it is for (the field's docstring, first sentence)."""
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {_problem(error, purpose)}" if where else _problem(error, purpose)


def _problem(error: Any, purpose: str | None) -> str:
    if error["type"] != "missing":
        return str(error["msg"]).removeprefix("Value error, ")
    if not purpose:
        return "is not set"
    first = " ".join(purpose.split()).split(". ")[0].rstrip(".")
    return f"is not set ({first[:1].lower()}{first[1:]})"
