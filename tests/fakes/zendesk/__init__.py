"""A fake Zendesk account (Support and Help Center) for tests: see `fake.ZendeskFake`."""

from .account import bulk_tickets, iso
from .fake import ZendeskFake
from .wire import SEARCH_CAP

__all__ = ["SEARCH_CAP", "ZendeskFake", "bulk_tickets", "iso"]
