"""The Intercom connector's settings: the ``INTERCOM_*`` variables, declared once.

INTERCOM_ACCESS_TOKEN          the app's access token (required; a secret)
INTERCOM_REGION                where the workspace is hosted: us (default), eu or au
INTERCOM_BASE_URL              API root instead of the region's (https, or http on loopback)
INTERCOM_API_VERSION           the `Intercom-Version` header, default 2.14
INTERCOM_WORKSPACE_ID          the workspace's id (its app id); with it tickets link to Intercom's inbox
INTERCOM_ADMIN_ID              the admin who authors internal notes (required while ticket writes are on)
INTERCOM_TEAM_IDS              comma-separated team ids whose conversations may be read (default: all)
INTERCOM_PRIORITY_ATTRIBUTE    a conversation attribute holding low/normal/high/urgent, when the
                               workspace keeps one; otherwise Intercom's priority flag decides
INTERCOM_PRIORITY_FLAG         what a conversation marked priority means: high (default) or urgent
INTERCOM_HELP_CENTER_ID        the Help Center whose articles are searched (default: the workspace's)
INTERCOM_COLLECTION_IDS        comma-separated collection or section ids whose articles may be read
                               (default: all)
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from ..setting_values import Token, checked_base_url, setting_problem
from ..settings import VendorSettings, split_list

DEFAULT_API_VERSION = "2.14"
REGION_URLS: dict[str, str] = {
    "us": "https://api.intercom.io",
    "eu": "https://api.eu.intercom.io",
    "au": "https://api.au.intercom.io",
}
"""The API root of each region Intercom hosts workspaces in."""

_VERSION = re.compile(r"2\.(?:[0-9]|1[0-9])|Unstable")
_WORKSPACE = re.compile(r"[A-Za-z0-9]{1,40}")
_ATTRIBUTE = re.compile(r"[A-Za-z0-9_ .-]{1,190}")


def _region(value: str) -> str:
    region = value.strip().lower()
    if region not in REGION_URLS:
        raise setting_problem("must be us, eu or au")
    return region


def _version(value: str) -> str:
    text = value.strip()
    if not _VERSION.fullmatch(text):
        raise setting_problem(f"must be an Intercom API version such as {DEFAULT_API_VERSION} (or Unstable)")
    return text


def _number(value: str) -> str:
    text = value.strip()
    if not (text.isascii() and text.isdigit()):
        raise setting_problem("must be a numeric Intercom id")
    return text


def _numbers(value: str) -> tuple[str, ...]:
    ids = split_list(value)
    if not all(i.isascii() and i.isdigit() for i in ids):
        raise setting_problem("must be comma-separated numeric Intercom ids")
    return ids


def _workspace(value: str) -> str:
    text = value.strip()
    if not _WORKSPACE.fullmatch(text):
        raise setting_problem("must be the workspace's app id (letters and digits), as in its inbox URL")
    return text


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def _attribute(value: str) -> str:
    name = value.strip()
    if not _ATTRIBUTE.fullmatch(name):
        raise setting_problem("must be a conversation attribute's name (letters, digits, spaces, _ . -)")
    return name


Ids = Annotated[tuple[str, ...], BeforeValidator(_numbers)]


class IntercomSettings(VendorSettings):
    """Everything the Intercom connector is configured with; each alias is the variable that sets it."""

    access_token: Token = Field(alias="INTERCOM_ACCESS_TOKEN")
    """The app's access token, which reads conversations, contacts, companies and articles."""
    region: Annotated[str, AfterValidator(_region)] = Field("us", alias="INTERCOM_REGION")
    base_url: Annotated[str, checked_base_url("INTERCOM_BASE_URL")] | None = Field(
        None, alias="INTERCOM_BASE_URL"
    )
    api_version: Annotated[str, AfterValidator(_version)] = Field(
        DEFAULT_API_VERSION, alias="INTERCOM_API_VERSION"
    )
    workspace_id: Annotated[str, AfterValidator(_workspace)] | None = Field(
        None, alias="INTERCOM_WORKSPACE_ID"
    )
    admin_id: Annotated[str, AfterValidator(_number)] | None = Field(None, alias="INTERCOM_ADMIN_ID")
    """The admin who authors internal notes. Set it, or turn ticket writes off with
    CUSTOMER_ESCALATION_WRITE_TICKETS=false."""
    team_ids: Ids = Field((), alias="INTERCOM_TEAM_IDS")
    priority_attribute: Annotated[str, AfterValidator(_attribute)] | None = Field(
        None, alias="INTERCOM_PRIORITY_ATTRIBUTE"
    )
    priority_flag: Annotated[Literal["high", "urgent"], BeforeValidator(_lower)] = Field(
        "high", alias="INTERCOM_PRIORITY_FLAG"
    )
    help_center_id: Annotated[str, AfterValidator(_number)] | None = Field(
        None, alias="INTERCOM_HELP_CENTER_ID"
    )
    collection_ids: Ids = Field((), alias="INTERCOM_COLLECTION_IDS")

    def api_root(self) -> str:
        """`INTERCOM_BASE_URL` when set, else the region's API root."""
        return self.base_url or REGION_URLS[self.region]


__all__ = ["DEFAULT_API_VERSION", "REGION_URLS", "IntercomSettings"]
