"""Datasets the CRM connectors' tests seed their fakes with: many alike accounts, or one account with
the contacts a test needs."""

from __future__ import annotations

from customer_escalation.connectors.records import Account, Contact, Dataset, Ref


def acme_accounts(count: int) -> Dataset:
    """`count` accounts named "Acme Widgets 01", "Acme Widgets 02", … with a domain each."""
    return Dataset(
        accounts=tuple(
            Account(
                ref=Ref(system="local", id=f"acme-{n:02d}"),
                id=f"acme-{n:02d}",
                name=f"Acme Widgets {n:02d}",
                domains=(f"acme{n:02d}.example",),
            )
            for n in range(1, count + 1)
        )
    )


def one_account(name: str, *contacts: Contact, domain: str | None = "wide.example") -> Dataset:
    """A single account, id "wide", with `contacts` (and no domain when `domain` is None)."""
    account = Account(
        ref=Ref(system="local", id="wide"),
        id="wide",
        name=name,
        domains=(domain,) if domain else (),
        contacts=contacts,
    )
    return Dataset(accounts=(account,))
