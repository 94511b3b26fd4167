"""The Salesforce connector's settings: the ``SALESFORCE_*`` variables, declared once.

SALESFORCE_INSTANCE_URL       the org's own URL, https://<my-domain>.my.salesforce.com (required; the
                              `instance_url` of the OAuth token response; http only on loopback)
SALESFORCE_ACCESS_TOKEN       an OAuth access token for that org (required; a secret)
SALESFORCE_API_VERSION        REST API version, default 66.0 (`66.0` or `v66.0`)
SALESFORCE_<FACT>_FIELD       API name of the Account field holding that fact (ARR, RENEWAL, TIER, PLAN,
                              HEALTH, REFERENCE, PUBLIC_FACING); unset: not read, the fact is unknown
SALESFORCE_DEAL_KIND_FIELD    Opportunity field giving a deal's kind, default the standard `Type`
SALESFORCE_ACCOUNT_TYPES      comma-separated Account `Type` values that may be read (default: all);
                              accounts of other types are not found, nor are their opportunities
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

from .._http import check_base_url
from ..errors import ConfigError
from ..setting_values import Token, setting_problem
from ..settings import VendorSettings, split_list
from .mapping import FieldMap
from .soql import is_field_name

DEFAULT_API_VERSION = "66.0"

_VERSION = re.compile(r"v?([1-9][0-9]{1,2}\.0)")


def _instance_url(value: str) -> str:
    try:
        url = check_base_url(value.strip(), variable="SALESFORCE_INSTANCE_URL")
    except ConfigError:
        raise setting_problem("must be the org's https URL, such as https://acme.my.salesforce.com") from None
    if url.count("/") > 2:
        raise setting_problem("must be the org's URL without a path, such as https://acme.my.salesforce.com")
    return url


def _api_version(value: str) -> str:
    match = _VERSION.fullmatch(value.strip())
    if match is None:
        raise setting_problem(f"must be a REST API version such as {DEFAULT_API_VERSION}")
    return match.group(1)


def _field(value: str) -> str:
    name = value.strip()
    if not is_field_name(name):
        raise setting_problem(
            "must be one field's API name, such as ARR__c (letters, digits and underscores)"
        )
    return name


def _account_types(value: str) -> tuple[str, ...]:
    types = split_list(value)
    if any(len(t) > 255 or not t.isprintable() for t in types):
        raise setting_problem("must be comma-separated Account Type values")
    return types


FieldName = Annotated[str, AfterValidator(_field)]


class SalesforceSettings(VendorSettings):
    """Everything the Salesforce connector is configured with; each alias is the variable that sets it."""

    instance_url: Annotated[str, AfterValidator(_instance_url)] = Field(alias="SALESFORCE_INSTANCE_URL")
    access_token: Token = Field(alias="SALESFORCE_ACCESS_TOKEN")
    api_version: Annotated[str, AfterValidator(_api_version)] = Field(
        DEFAULT_API_VERSION, alias="SALESFORCE_API_VERSION"
    )
    account_types: Annotated[tuple[str, ...], BeforeValidator(_account_types)] = Field(
        (), alias="SALESFORCE_ACCOUNT_TYPES"
    )
    arr: FieldName | None = Field(None, alias="SALESFORCE_ARR_FIELD")
    renewal_date: FieldName | None = Field(None, alias="SALESFORCE_RENEWAL_FIELD")
    tier: FieldName | None = Field(None, alias="SALESFORCE_TIER_FIELD")
    plan: FieldName | None = Field(None, alias="SALESFORCE_PLAN_FIELD")
    health: FieldName | None = Field(None, alias="SALESFORCE_HEALTH_FIELD")
    reference: FieldName | None = Field(None, alias="SALESFORCE_REFERENCE_FIELD")
    public_facing: FieldName | None = Field(None, alias="SALESFORCE_PUBLIC_FACING_FIELD")
    deal_kind: FieldName = Field("Type", alias="SALESFORCE_DEAL_KIND_FIELD")

    def field_map(self) -> FieldMap:
        """The org's field names: the configured ones, `FieldMap`'s defaults for the rest."""
        return FieldMap(**{name: getattr(self, name) for name in FieldMap.names()})


FIELD_VARIABLES: dict[str, str] = {
    name: str(SalesforceSettings.model_fields[name].alias) for name in FieldMap.names()
}
"""The environment variable that sets each `FieldMap` field."""


__all__ = ["DEFAULT_API_VERSION", "FIELD_VARIABLES", "SalesforceSettings"]
