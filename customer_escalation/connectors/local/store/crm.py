"""The CRM's accounts and opportunities in the workspace."""

from __future__ import annotations

import sqlite3
from typing import Any

from ...records import (
    Account,
    Opportunity,
    Page,
)
from .. import indexing
from .base import ACCOUNT_INDEX, StoreBase
from .criteria import account_criteria, sqlite_filters


class CrmTables(StoreBase):
    """Accounts and their opportunities."""

    async def search_accounts(
        self, query: str, *, limit: int = 10, cursor: str | None = None
    ) -> Page[Account]:
        """Accounts whose name or domain matches, best match first.

        Raises:
            InvalidQueryError: the limit or cursor is not valid.
        """
        criteria = account_criteria(query)
        filters = sqlite_filters(criteria)
        return await self._find(
            ACCOUNT_INDEX, indexing.ACCOUNTS, query, filters, criteria.fingerprint, limit, cursor
        )

    async def get_account(self, account_id: str) -> Account:
        """One account with its contacts.

        Raises:
            NotFoundError: no account has this id.
        """
        return await self._get(
            indexing.ACCOUNTS,
            account_id,
            f"no account {account_id} in the local workspace; search accounts by name or domain to find its id",
        )

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
