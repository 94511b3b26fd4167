"""One world format and one builder for every world: the demo company, eval scenarios, test worlds.

A world is records written as a support lead would (`Records`: accounts, tickets, chat, tracker
issues, articles), with times relative to a clock (`times`), built into a `Dataset` by
`WorldBuilder` and layered over another world with `layered`.
"""

from . import specs
from .builder import SYSTEM, WorldBuilder, WorldError
from .files import WorldFile, clock_of, field_path, read_model, read_world, read_yaml
from .merge import layered
from .specs import *  # noqa: F403  (the names listed in specs.__all__)
from .tickets import last_update, organization_of, tier_sla
from .times import Day, Moment, at, format_offset, moment, on, parse_offset

__all__ = [
    *specs.__all__,
    "SYSTEM",
    "Day",
    "Moment",
    "WorldBuilder",
    "WorldError",
    "WorldFile",
    "at",
    "clock_of",
    "field_path",
    "format_offset",
    "last_update",
    "layered",
    "moment",
    "on",
    "organization_of",
    "parse_offset",
    "read_model",
    "read_world",
    "read_yaml",
    "tier_sla",
]
