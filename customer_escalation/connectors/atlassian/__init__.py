"""What Jira Cloud and Confluence Cloud share: credentials and the HTTP policy, the field types of
their settings and responses, query literals, text cleaning, and the Atlassian Document Format (ADF)
in both directions (`adf_to_text` for reading, `markdown_to_adf` for creating)."""

from __future__ import annotations

from .adf import AdfDocument, AdfNode, adf_to_text
from .auth import AtlassianAuth, Credentials
from .markdown import markdown_to_adf
from .models import (
    EmptyAsObject,
    ErrorBody,
    Id,
    Lenient,
    Named,
    NullAsEmpty,
    ObjectOrEmpty,
    ObjectOrNone,
    ObjectsOnly,
    OptionalTimestamp,
    Text,
    Timestamp,
)
from .policy import AtlassianPolicy
from .query import has_words, literals, quote_literal, text_literal
from .settings import Names, Scope, SiteUrl
from .text import clean_text, parse_optional_time, parse_time, truncate

__all__ = [
    "AdfDocument",
    "AdfNode",
    "AtlassianAuth",
    "AtlassianPolicy",
    "Credentials",
    "EmptyAsObject",
    "ErrorBody",
    "Id",
    "Lenient",
    "Named",
    "Names",
    "NullAsEmpty",
    "ObjectOrEmpty",
    "ObjectOrNone",
    "ObjectsOnly",
    "OptionalTimestamp",
    "Scope",
    "SiteUrl",
    "Text",
    "Timestamp",
    "adf_to_text",
    "clean_text",
    "has_words",
    "literals",
    "markdown_to_adf",
    "parse_optional_time",
    "parse_time",
    "quote_literal",
    "text_literal",
    "truncate",
]
