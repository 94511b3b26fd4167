"""Tessera, the fictional vendor (``data/company.yaml``), and the name pools of its customers."""

from __future__ import annotations

from ._common import Staff
from ._data import company, names

STAFF: dict[str, Staff] = {
    p.name: Staff(p.name, p.title, "agent" if p.role == "agent" else "internal")
    for p in company().settings.people
}


def team(name: str) -> tuple[Staff, ...]:
    return tuple(STAFF[person] for person in company().teams[name])


SUPPORT_TEAM = team("support_team")
"""Ticket assignees and authors of agent replies and internal notes."""
FRONTLINE = team("frontline")
OWNERS = team("owners")
"""Account owners: customer success managers and account executives."""
ENGINEERS = team("engineers")
PRODUCT = team("product")
NADIA = STAFF["Nadia Petrova"]
ROSA = STAFF["Rosa Lindgren"]

FIRST_NAMES = names().first_names
LAST_NAMES = names().last_names
EXECUTIVE_TITLES = names().executive_titles
STAFF_TITLES = names().staff_titles
COMPANY_NAMES = tuple((c.name, c.industry) for c in names().companies)
