"""Large synthetic workspaces for benchmarks: accounts and tickets with plausible support text.

This is benchmark data, not the demo company: tickets about twenty product areas, spread over two
years, with comments, requesters from their account's contacts and random request ids. The same seed
and `now` give the same records. Large counts make the text in a child process while this one writes;
tickets travel in batches, so memory stays bounded whatever the count. The file is built beside
`path` and renamed into place when complete.
"""

from __future__ import annotations

import bisect
import json
import marshal
import random
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ..errors import WorkspaceError
from ..records import Account, Contact, Person, Ref
from . import indexing, schema
from ._wordbanks import BANKS
from .indexing import scope_token, ticket_text, upsert

TICKETS_PER_ACCOUNT = 200
MAX_ACCOUNTS = 20_000
BATCH = 2_000
PARALLEL_FROM = 50_000
"""From this many tickets on, text is generated in a second process by default."""
HISTORY_DAYS = 730
_POOL_SUBJECTS = 300
_POOL_VARIANTS = 60
_POOL_SHARED = 400

Progress = Callable[[int, int], None]
"""Called with (tickets written, tickets in total) after each batch."""


@dataclass(frozen=True)
class GeneratedWorkspace:
    """What `generate_workspace` wrote."""

    path: Path
    accounts: int
    tickets: int
    comments: int


def generate_workspace(
    path: Path,
    tickets: int,
    *,
    seed: int,
    now: datetime,
    progress: Progress | None = None,
    force: bool = False,
    parallel: bool | None = None,
) -> GeneratedWorkspace:
    """Write a workspace of `tickets` synthetic tickets (and one account per 200 tickets) to `path`.

    Args:
        parallel: make the ticket text in a second process while this one writes; by default only
            for `PARALLEL_FROM` tickets or more. The output is the same either way.

    Raises:
        WorkspaceError: `path` exists and `force` is False, the count is negative, or the file
            cannot be written.
    """
    path = Path(path).expanduser()
    if tickets < 0:
        raise WorkspaceError(f"cannot generate {tickets} tickets; give a count of 0 or more")
    if now.tzinfo is None:
        raise WorkspaceError("now must be a timezone-aware datetime")
    if path.exists() and not force:
        raise WorkspaceError(f"{path} already exists; refusing to replace it")
    rng, pools, accounts = _start(seed, tickets, now)
    counted = {"comments": 0}
    if parallel is None:
        parallel = tickets >= PARALLEL_FROM

    def fill(conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN")
        for account in accounts:
            upsert(conn, indexing.ACCOUNTS, account)
        conn.execute("COMMIT")
        # Sorting each index once at the end is cheaper than keeping it sorted row by row, and so is
        # merging the full-text segments once.
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets' AND sql IS NOT NULL"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.execute("INSERT INTO tickets_fts (tickets_fts, rank) VALUES ('automerge', 0)")
        written = 0
        batches = (
            _from_process(seed, tickets, now) if parallel else _batches(rng, pools, accounts, tickets, now)
        )
        for rows, index_rows, comments in batches:
            conn.execute("BEGIN")
            conn.executemany(
                "INSERT INTO tickets (n, id, status, organization_id, updated_at, comment_count, data) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            conn.executemany(
                "INSERT INTO tickets_fts (rowid, subject, body, scope) VALUES (?, ?, ?, ?)", index_rows
            )
            conn.execute("COMMIT")
            written += len(rows)
            counted["comments"] += comments
            if progress is not None:
                progress(written, tickets)
        for _, sql in indexes:
            conn.execute(sql)
        conn.execute("INSERT INTO tickets_fts (tickets_fts) VALUES ('optimize')")
        conn.execute("INSERT INTO tickets_fts (tickets_fts, rank) VALUES ('automerge', 4)")

    schema.create_file(path, fill, bulk=True, replace=force)
    return GeneratedWorkspace(
        path=path, accounts=len(accounts), tickets=tickets, comments=counted["comments"]
    )


_Batch = tuple[list[tuple[object, ...]], list[tuple[object, ...]], int]


def _start(seed: int, tickets: int, now: datetime) -> tuple[random.Random, _Pools, list[Account]]:
    """The random source, sentence pools and accounts for `seed`, in the order both processes make them."""
    rng = random.Random(seed)
    pools = _Pools(rng)
    accounts = _accounts(rng, max(1, min(MAX_ACCOUNTS, tickets // TICKETS_PER_ACCOUNT)), now)
    return rng, pools, accounts


def _from_process(seed: int, tickets: int, now: datetime) -> Iterator[_Batch]:
    """Batches made by a child Python process from the same seed.

    Making the text holds the GIL, so a thread would not overlap with the writer. The child is this
    module run with ``-m``; it writes length-prefixed `marshal` frames to its stdout, and the pipe's
    buffer keeps it at most a batch ahead.
    """
    command = [sys.executable, "-m", __name__, str(seed), str(tickets), now.isoformat()]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        assert child.stdout is not None and child.stderr is not None
        finished = False
        try:
            while True:
                size = int.from_bytes(child.stdout.read(8) or b"\xff" * 8, "big")
                if size == 0:
                    finished = True
                    break
                frame = child.stdout.read(size) if size < 1 << 40 else b""
                if len(frame) != size:
                    break
                yield marshal.loads(frame)
        finally:
            if not finished and child.poll() is None:
                child.kill()
            errors = child.stderr.read().decode("utf-8", "replace").strip()
            child.wait()
    if not finished or child.returncode != 0:
        detail = errors.splitlines()[-1] if errors else f"exit status {child.returncode}"
        raise WorkspaceError(f"the ticket generator process failed: {detail}")


def _produce(seed: int, tickets: int, now: datetime) -> None:
    """The child's side of `_from_process`."""
    out = sys.stdout.buffer
    rng, pools, accounts = _start(seed, tickets, now)
    for batch in _batches(rng, pools, accounts, tickets, now):
        frame = marshal.dumps(batch)
        out.write(len(frame).to_bytes(8, "big"))
        out.write(frame)
    out.write((0).to_bytes(8, "big"))
    out.flush()


_SLOT = re.compile(r"\{(\w+)\}")


def _fill(template: str, slots: dict[str, tuple[str, ...]], rng: random.Random) -> str:
    text = _SLOT.sub(lambda m: rng.choice(slots[m.group(1)]), template)
    if '"' in text or "\\" in text:
        raise ValueError(f"word bank text must not need JSON escaping: {text!r}")
    return text


class _Pools:
    """Filled-in sentences to draw from, so each ticket costs a few random picks."""

    def __init__(self, rng: random.Random) -> None:
        self.areas = BANKS.areas
        total = 0.0
        self.cumulative: list[float] = []
        for area in self.areas:
            total += area.weight
            self.cumulative.append(total)
        self.total = total
        self.subjects: list[list[str]] = []
        self.sentences: list[list[list[str]]] = []
        """Per area, per sentence template, filled-in variants."""
        self.tags: list[str] = []
        for area in self.areas:
            slots = {**BANKS.slots, **area.slots}
            self.subjects.append(
                [_fill(rng.choice(area.subjects), slots, rng) for _ in range(_POOL_SUBJECTS)]
            )
            self.sentences.append(
                [[_fill(template, slots, rng) for _ in range(_POOL_VARIANTS)] for template in area.sentences]
            )
            self.tags.append(",".join(f'"{tag}"' for tag in area.tags))
        reply_slots = {**BANKS.slots, **BANKS.reply_slots}
        self.context = [_fill(rng.choice(BANKS.context), BANKS.slots, rng) for _ in range(_POOL_SHARED)]
        self.agent = [_fill(rng.choice(BANKS.agent_replies), reply_slots, rng) for _ in range(_POOL_SHARED)]
        self.customer = [
            _fill(rng.choice(BANKS.customer_replies), reply_slots, rng) for _ in range(_POOL_SHARED)
        ]
        self.agents = [
            json.dumps(
                {"name": name, "email": f"{name.lower().replace(' ', '.')}@vendor.example", "role": "agent"},
                separators=(",", ":"),
            )
            for name in BANKS.agents
        ]


@dataclass(frozen=True)
class _Customer:
    """An account as tickets embed it: ids, JSON fragments and the requesters to pick from."""

    id: str
    organization: str
    scope: str
    requesters: tuple[tuple[str, str], ...]
    """(person JSON, first name) of each contact."""


def _accounts(rng: random.Random, count: int, now: datetime) -> list[Account]:
    accounts: list[Account] = []
    for number in range(1, count + 1):
        word = BANKS.company_words[rng.randrange(len(BANKS.company_words))]
        kind = BANKS.company_kinds[rng.randrange(len(BANKS.company_kinds))]
        name = f"{word} {kind}" if number <= len(BANKS.company_words) * 4 else f"{word} {kind} {number}"
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        domain = f"{slug}.example"
        contacts = []
        for _ in range(rng.randint(1, 4)):
            first = rng.choice(BANKS.first_names)
            last = rng.choice(BANKS.last_names)
            contacts.append(
                Contact(
                    name=f"{first} {last}",
                    email=f"{first.lower()}.{last.lower()}@{domain}",
                    title=rng.choice(("IT admin", "Operations manager", "Developer", "Finance lead", "CTO")),
                    is_executive=rng.random() < 0.1,
                )
            )
        tier = rng.choices(("free", "pro", "business", "enterprise"), weights=(20, 40, 25, 15))[0]
        arr = {"free": 0.0, "pro": 6_000.0, "business": 40_000.0, "enterprise": 180_000.0}[tier]
        account_id = f"acct-{number:06d}"
        accounts.append(
            Account(
                ref=Ref(system="local", id=account_id),
                id=account_id,
                name=name,
                domains=(domain,),
                tier=tier,
                arr=round(arr * rng.uniform(0.5, 2.0), -2),
                renewal_date=(now + timedelta(days=rng.randint(10, 365))).date(),
                owner=Person(name=rng.choice(BANKS.agents), role="internal"),
                contacts=tuple(contacts),
                health=rng.choices(("green", "yellow", "red"), weights=(70, 20, 10))[0],
                industry=rng.choice(BANKS.industries),
                created_at=now - timedelta(days=rng.randint(HISTORY_DAYS, HISTORY_DAYS * 2)),
            )
        )
    return accounts


def _customers(accounts: list[Account]) -> list[_Customer]:
    customers = []
    for account in accounts:
        organization = json.dumps(
            {"id": account.id, "name": account.name, "domain": account.domains[0]}, separators=(",", ":")
        )
        requesters = tuple(
            (
                json.dumps({"name": c.name, "email": c.email, "role": "customer"}, separators=(",", ":")),
                c.name.split()[0],
            )
            for c in account.contacts
        )
        customers.append(_Customer(account.id, organization, scope_token(account.id), requesters))
    return customers


class _Clock:
    """ISO timestamps for whole seconds: each day's date and each second of the day formatted once."""

    def __init__(self) -> None:
        self._days: dict[int, str] = {}
        self._seconds = [
            f"T{h:02d}:{m:02d}:{s:02d}Z" for h in range(24) for m in range(60) for s in range(60)
        ]

    def iso(self, seconds: int) -> str:
        day, rest = divmod(seconds, 86_400)
        text = self._days.get(day)
        if text is None:
            text = self._days[day] = date.fromordinal(719_163 + day).isoformat()
        return text + self._seconds[rest]


def _weighted(*pairs: tuple[str, int]) -> tuple[str, ...]:
    """A table to index with a uniform random number: each value repeated by its weight."""
    return tuple(value for value, weight in pairs for _ in range(weight))


_STATUS_NEW = _weighted(("new", 30), ("open", 50), ("pending", 20))
_STATUS_RECENT = _weighted(("open", 30), ("pending", 15), ("on_hold", 5), ("solved", 40), ("closed", 10))
_STATUS_OLD = _weighted(("open", 3), ("on_hold", 2), ("solved", 30), ("closed", 65))
_PRIORITIES = ("low", "normal", "normal", "normal", "high", "high", "urgent")
_TYPES = ("problem", "problem", "incident", "question", "question", "task")
_CHANNELS = ("email", "email", "web", "web", "chat", "api", "phone")
_COMMENT_COUNTS = (0, 1, 1, 2, 2, 2, 3, 3, 4)


def _batches(
    rng: random.Random, pools: _Pools, accounts: list[Account], count: int, now: datetime
) -> Iterator[_Batch]:
    """Rows for the tickets table and its index, `BATCH` tickets at a time, oldest ticket first."""
    customers = _customers(accounts)
    clock = _Clock()
    now_s = int(now.astimezone(UTC).timestamp())
    span = HISTORY_DAYS * 86_400
    r = rng.random
    n_areas = len(pools.areas)
    rows: list[tuple[object, ...]] = []
    index_rows: list[tuple[object, ...]] = []
    comments_total = 0
    for number in range(1, count + 1):
        area = min(bisect.bisect(pools.cumulative, r() * pools.total), n_areas - 1)
        customer = customers[int(r() * len(customers))]
        requester, first_name = customer.requesters[int(r() * len(customer.requesters))]
        created = now_s - span + int(span * number / (count + 1)) - int(r() * 3_600)
        age = now_s - created
        statuses = _STATUS_NEW if age < 3 * 86_400 else _STATUS_RECENT if age < 30 * 86_400 else _STATUS_OLD
        status = statuses[int(r() * len(statuses))]
        updated = created + int(r() * min(age, 14 * 86_400))

        subject_pool = pools.subjects[area]
        templates = pools.sentences[area]
        subject = subject_pool[int(r() * len(subject_pool))]
        parts = [BANKS.openings[int(r() * len(BANKS.openings))]]
        # Consecutive templates from a random start: no sentence appears twice in one description.
        first = int(r() * len(templates))
        for step in range(min(2 + int(r() * 3), len(templates))):
            variants = templates[(first + step) % len(templates)]
            parts.append(variants[int(r() * _POOL_VARIANTS)])
        if r() < 0.7:
            parts.append(pools.context[int(r() * len(pools.context))])
        if r() < 0.35:
            parts.append(f"Request id req_{int(r() * 16_777_216):06x}.")
        parts.append(BANKS.closings[int(r() * len(BANKS.closings))])
        parts.append(first_name)
        description = " ".join(p for p in parts if p)

        comment_count = 0 if status == "new" else _COMMENT_COUNTS[int(r() * len(_COMMENT_COUNTS))]
        assignee = "null" if status == "new" else pools.agents[int(r() * len(pools.agents))]
        bodies: list[str] = []
        comments: list[str] = []
        ticket_id = str(number)
        for k in range(comment_count):
            if k % 2 == 0:
                body = pools.agent[int(r() * len(pools.agent))]
                author = assignee
            else:
                body = pools.customer[int(r() * len(pools.customer))]
                author = requester
            at = created + (updated - created) * (k + 1) // (comment_count + 1)
            bodies.append(body)
            comments.append(
                f'{{"id":"{ticket_id}-{k + 1}","author":{author},"body":"{body}","public":true,'
                f'"created_at":"{clock.iso(at)}"}}'
            )
        solved = f'"{clock.iso(updated)}"' if status in ("solved", "closed") else "null"
        data = (
            f'{{"ref":{{"system":"local","id":"{ticket_id}"}},"id":"{ticket_id}","subject":"{subject}",'
            f'"description":"{description}","status":"{status}",'
            f'"priority":"{_PRIORITIES[int(r() * len(_PRIORITIES))]}","type":"{_TYPES[int(r() * len(_TYPES))]}",'
            f'"channel":"{_CHANNELS[int(r() * len(_CHANNELS))]}","tags":[{pools.tags[area]}],'
            f'"requester":{requester},"organization":{customer.organization},"assignee":{assignee},'
            f'"product_area":"{pools.areas[area].name}","created_at":"{clock.iso(created)}",'
            f'"updated_at":"{clock.iso(updated)}","solved_at":{solved},"comments":[{",".join(comments)}]}}'
        )
        rows.append((number, ticket_id, status, customer.id, updated * 1_000_000, comment_count, data))
        index_rows.append((number, *ticket_text(subject, description, bodies), customer.scope))
        comments_total += comment_count
        if len(rows) == BATCH:
            yield rows, index_rows, comments_total
            rows, index_rows, comments_total = [], [], 0
    if rows:
        yield rows, index_rows, comments_total


__all__ = ["BATCH", "PARALLEL_FROM", "GeneratedWorkspace", "Progress", "generate_workspace"]

if __name__ == "__main__":
    _produce(int(sys.argv[1]), int(sys.argv[2]), datetime.fromisoformat(sys.argv[3]))
