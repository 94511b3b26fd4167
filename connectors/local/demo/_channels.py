"""The chat workspace's channels: four internal ones and shared channels with some enterprise customers."""

from __future__ import annotations

from ...records import Channel
from ._scenarios import (
    CS_ENTERPRISE,
    ENG_INCIDENTS,
    EXT_ACME,
    EXT_HALCYON,
    EXT_KESTREL,
    EXT_MERIDIAN,
    EXT_PINECREST,
    EXT_UMBRELLA,
    PRODUCT_FEEDBACK,
    SUPPORT_ESCALATIONS,
)

CHANNELS: tuple[Channel, ...] = (
    Channel(id=SUPPORT_ESCALATIONS, name="support-escalations"),
    Channel(id=ENG_INCIDENTS, name="eng-incidents"),
    Channel(id=PRODUCT_FEEDBACK, name="product-feedback"),
    Channel(id=CS_ENTERPRISE, name="cs-enterprise"),
    Channel(id=EXT_ACME, name="ext-acme-corp", kind="shared", account_id="acme-corp"),
    Channel(id=EXT_KESTREL, name="ext-kestrel-bank", kind="shared", account_id="kestrel-bank"),
    Channel(id=EXT_MERIDIAN, name="ext-meridian-freight", kind="shared", account_id="meridian-freight"),
    Channel(id=EXT_UMBRELLA, name="ext-umbrella-health", kind="shared", account_id="umbrella-health"),
    Channel(id=EXT_HALCYON, name="ext-halcyon-media", kind="shared", account_id="halcyon-media"),
    Channel(
        id=EXT_PINECREST, name="ext-pinecrest-insurance", kind="shared", account_id="pinecrest-insurance"
    ),
)
CHANNEL_NAMES: dict[str, str] = {channel.id: channel.name for channel in CHANNELS}
