"""The CRM's accounts and opportunities in the workspace."""

from __future__ import annotations

import sqlite3
from typing import Any

from ...records import (
    Opportunity,
)
from .. import indexing
from .reads import AccountReads
from .searching import SearchingStore


class CrmTables(SearchingStore, AccountReads):
    """Accounts and their opportunities."""

    async def list_opportunities(self, account_id: str) -> tuple[Opportunity, ...]:
        """Deals of an account: open ones first, then by close date.

        Raises:
            NotFoundError: no account has this id.
        """

        def read(conn: sqlite3.Connection) -> list[Any]:
            self._read(conn, indexing.ACCOUNTS, account_id, f"no account {account_id} in the local workspace")
            return conn.execute(
                "SELECT data FROM opportunities WHERE account_id = ? "
                "ORDER BY is_open DESC, close_date IS NULL, close_date, id",
                (account_id,),
            ).fetchall()

        rows = await self._reading(read)
        return tuple(Opportunity.model_validate_json(data) for (data,) in rows)
