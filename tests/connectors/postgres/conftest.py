"""The PostgreSQL test server's fixture for this folder."""

from tests.postgres import database_url

__all__ = ["database_url"]
