"""The chat workspace's channels (``data/channels.yaml``): internal ones and shared customer channels."""

from __future__ import annotations

from pydantic import TypeAdapter

from ...records import Channel
from ..world import ChannelSpec
from ._data import table

CHANNELS: tuple[Channel, ...] = tuple(
    Channel(id=c.id, name=c.name, kind=c.kind, account_id=c.account)
    for c in table("channels.yaml", "channels", TypeAdapter(tuple[ChannelSpec, ...]))
)
CHANNEL_NAMES: dict[str, str] = {channel.id: channel.name for channel in CHANNELS}
_IDS = {channel.name: channel.id for channel in CHANNELS}

SUPPORT_ESCALATIONS = _IDS["support-escalations"]
ENG_INCIDENTS = _IDS["eng-incidents"]
PRODUCT_FEEDBACK = _IDS["product-feedback"]
CS_ENTERPRISE = _IDS["cs-enterprise"]
SHARED = tuple(channel.id for channel in CHANNELS if channel.kind == "shared")
"""The shared channels with customers, in file order."""
