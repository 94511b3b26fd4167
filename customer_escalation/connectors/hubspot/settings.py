"""The HubSpot connector's settings: the ``HUBSPOT_*`` variables, declared once.

HUBSPOT_ACCESS_TOKEN          a private app access token (required; a secret)
HUBSPOT_BASE_URL              API root, default https://api.hubapi.com (https, or http on loopback)
HUBSPOT_PORTAL_ID             the numeric HubSpot account id; records then link to HubSpot's web app
HUBSPOT_UI_DOMAIN             host of the web app, default app.hubspot.com (app-eu1... for EU portals)
HUBSPOT_CLOSED_STAGES         comma-separated deal stage ids that end a deal in this portal
HUBSPOT_PROPERTY_<FACT>       internal name of the company or deal property holding that fact
                              (ARR, TIER, PLAN, RENEWAL_DATE, HEALTH, REFERENCE, PUBLIC_FACING,
                              OWNER, DEAL_KIND; defaults in `PropertyMap`)
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

from ..setting_values import Token, checked_base_url, setting_problem
from ..settings import VendorSettings, split_list
from .mapping import DEFAULT_UI_DOMAIN, PropertyMap

DEFAULT_BASE_URL = "https://api.hubapi.com"

_PROPERTY_NAME = re.compile(r"[A-Za-z0-9_]{1,100}")
_HOSTNAME = re.compile(
    r"(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+"
)


def _portal_id(value: str) -> str:
    text = value.strip()
    if not (text.isascii() and text.isdigit()):
        raise setting_problem("must be the numeric HubSpot account id")
    return text


def _host_name(value: str) -> str:
    host = value.strip().lower()
    if not _HOSTNAME.fullmatch(host):
        raise setting_problem(f"must be a host name such as {DEFAULT_UI_DOMAIN}, without scheme or path")
    return host


def _property_name(value: str) -> str:
    name = value.strip()
    if not _PROPERTY_NAME.fullmatch(name):
        raise setting_problem("must be a HubSpot property's internal name (letters, digits and underscores)")
    return name


PropertyName = Annotated[str, AfterValidator(_property_name)]


class HubSpotSettings(VendorSettings):
    """Everything the HubSpot connector is configured with; each alias is the variable that sets it."""

    access_token: Token = Field(alias="HUBSPOT_ACCESS_TOKEN")
    """The private app's access token, which reads companies, contacts, deals and owners."""
    base_url: Annotated[str, checked_base_url("HUBSPOT_BASE_URL")] = Field(
        DEFAULT_BASE_URL, alias="HUBSPOT_BASE_URL"
    )
    portal_id: Annotated[str, AfterValidator(_portal_id)] | None = Field(None, alias="HUBSPOT_PORTAL_ID")
    ui_domain: Annotated[str, AfterValidator(_host_name)] = Field(
        DEFAULT_UI_DOMAIN, alias="HUBSPOT_UI_DOMAIN"
    )
    closed_stages: Annotated[tuple[str, ...], BeforeValidator(split_list)] = Field(
        (), alias="HUBSPOT_CLOSED_STAGES"
    )
    property_arr: PropertyName | None = Field(None, alias="HUBSPOT_PROPERTY_ARR")
    property_tier: PropertyName | None = Field(None, alias="HUBSPOT_PROPERTY_TIER")
    property_plan: PropertyName | None = Field(None, alias="HUBSPOT_PROPERTY_PLAN")
    property_renewal_date: PropertyName | None = Field(None, alias="HUBSPOT_PROPERTY_RENEWAL_DATE")
    property_health: PropertyName | None = Field(None, alias="HUBSPOT_PROPERTY_HEALTH")
    property_reference: PropertyName | None = Field(None, alias="HUBSPOT_PROPERTY_REFERENCE")
    property_public_facing: PropertyName | None = Field(None, alias="HUBSPOT_PROPERTY_PUBLIC_FACING")
    property_owner: PropertyName | None = Field(None, alias="HUBSPOT_PROPERTY_OWNER")
    property_deal_kind: PropertyName | None = Field(None, alias="HUBSPOT_PROPERTY_DEAL_KIND")

    def property_map(self) -> PropertyMap:
        """The portal's property names: the configured ones, `PropertyMap`'s defaults for the rest."""
        overrides = {name: getattr(self, f"property_{name}") for name in PROPERTY_VARIABLES}
        return PropertyMap(**{name: value for name, value in overrides.items() if value is not None})


PROPERTY_VARIABLES: dict[str, str] = {
    name.removeprefix("property_"): str(field.alias)
    for name, field in HubSpotSettings.model_fields.items()
    if name.startswith("property_")
}
"""The environment variable that overrides each `PropertyMap` field."""


__all__ = ["DEFAULT_BASE_URL", "PROPERTY_VARIABLES", "HubSpotSettings"]
