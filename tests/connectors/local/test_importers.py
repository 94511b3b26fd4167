"""Importing Zendesk JSON exports and CSV files: good files load, bad ones name the problem and change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from customer_escalation.connectors.errors import ImportFileError
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.local.importers import read_csv, read_mapping, read_zendesk_export

from ._helpers import clock

pytestmark = pytest.mark.anyio

USERS = [
    {
        "id": 501,
        "name": "Sam Reed",
        "email": "sam@northwind.example",
        "role": "end-user",
        "organization_id": 9001,
    },
    {"id": 601, "name": "Jo Park", "email": "jo@vendor.example", "role": "agent"},
]
ORGANIZATIONS = [
    {"id": 9001, "name": "Northwind Traders", "domain_names": ["northwind.example", "nw.example"]}
]


def _zendesk_ticket(ticket_id: int, **overrides: object) -> dict[str, object]:
    ticket: dict[str, object] = {
        "url": f"https://acme.zendesk.com/api/v2/tickets/{ticket_id}.json",
        "id": ticket_id,
        "subject": "Webhooks failing",
        "description": "Every delivery fails with 502.",
        "status": "open",
        "priority": "urgent",
        "type": "incident",
        "via": {"channel": "email"},
        "tags": ["webhooks", "enterprise"],
        "requester_id": 501,
        "assignee_id": 601,
        "organization_id": 9001,
        "created_at": "2026-11-19T08:00:00Z",
        "updated_at": "2026-11-20T09:30:00Z",
    }
    ticket.update(overrides)
    return ticket


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_zendesk_response_with_side_loads_maps_people_organizations_and_comments(tmp_path: Path) -> None:
    comments = [
        {
            "id": 1,
            "author_id": 501,
            "body": "Every delivery fails with 502.",
            "public": True,
            "created_at": "2026-11-19T08:00:00Z",
        },
        {
            "id": 2,
            "author_id": 601,
            "body": "Looking into it.",
            "public": False,
            "created_at": "2026-11-19T09:00:00Z",
        },
    ]
    body = {
        "tickets": [_zendesk_ticket(812, comments=comments)],
        "users": USERS,
        "organizations": ORGANIZATIONS,
    }
    dataset = read_zendesk_export(_write(tmp_path, "export.json", json.dumps(body)))
    ticket = dataset.tickets[0]
    assert ticket.id == "812"
    assert ticket.ref.url == "https://acme.zendesk.com/agent/tickets/812"
    assert ticket.requester.email == "sam@northwind.example"
    assert ticket.requester.role == "customer"
    assert ticket.assignee is not None and ticket.assignee.role == "agent"
    assert ticket.organization is not None and ticket.organization.domain == "northwind.example"
    assert ticket.channel == "email"
    assert [c.body for c in ticket.comments] == ["Looking into it."]
    assert ticket.comments[0].public is False
    assert [(a.id, a.domains) for a in dataset.accounts] == [("9001", ("northwind.example", "nw.example"))]


def test_ndjson_keeps_the_last_version_of_a_ticket_and_skips_deleted_ones(tmp_path: Path) -> None:
    lines = [
        json.dumps(_zendesk_ticket(1, subject="old subject")),
        "",
        json.dumps(_zendesk_ticket(2, status="hold")),
        json.dumps(_zendesk_ticket(1, subject="new subject")),
        json.dumps(_zendesk_ticket(3, status="deleted")),
    ]
    dataset = read_zendesk_export(_write(tmp_path, "export.ndjson", "\n".join(lines)))
    by_id = {t.id: t for t in dataset.tickets}
    assert set(by_id) == {"1", "2"}
    assert by_id["1"].subject == "new subject"
    assert by_id["2"].status == "on_hold"
    assert by_id["1"].organization is not None and by_id["1"].organization.name == "organization 9001"


def test_a_bare_list_of_tickets_is_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path, "list.json", json.dumps([_zendesk_ticket(5), _zendesk_ticket(6)]))
    assert [t.id for t in read_zendesk_export(path).tickets] == ["5", "6"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"tickets": [', r"bad\.json: line 1: not valid JSON"),
        (json.dumps(_zendesk_ticket(1)) + "\n{oops\n", r"bad\.json: line 2: not valid JSON"),
        (
            json.dumps({"tickets": [_zendesk_ticket(7, created_at="yesterday")]}),
            r"ticket #1 \(id 7\): created_at 'yesterday' is not a date",
        ),
        (json.dumps({"tickets": [_zendesk_ticket(7, status="parked")]}), r"\(id 7\): status 'parked'"),
        (json.dumps({"tickets": [_zendesk_ticket(7, priority="asap")]}), r"\(id 7\): priority 'asap'"),
        (json.dumps({"tickets": [{"subject": "no id"}]}), r"ticket #1: the ticket has no id"),
        (json.dumps({"users": []}), r"expected Zendesk tickets"),
        (json.dumps({"tickets": [_zendesk_ticket(7, created_at=None)]}), r"created_at is missing"),
    ],
)
def test_a_malformed_zendesk_file_names_the_file_and_the_record(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ImportFileError, match=message):
        read_zendesk_export(_write(tmp_path, "bad.json", text))


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("id,subject,created_at\n1,Caf\xe9,2026-01-01\n".encode("latin-1"))
    with pytest.raises(ImportFileError, match=r"latin1\.csv: not UTF-8"):
        read_csv(path)


CSV_TEXT = (
    "Ticket ID,Subject,Body,State,Created,Requester,Company,Labels\n"
    '1,Login loop,"After SSO we land on login again,\nevery time",Open,2026-11-01 10:00,ada@acme.example,Acme Corp,"sso, login"\n'
    "2,Invoice copy,Need a copy,On-Hold,2026-11-02T10:00:00+01:00,bo@globex.example,Globex,billing\n"
)
MAPPING = {
    "id": "Ticket ID",
    "subject": "Subject",
    "description": "Body",
    "status": "State",
    "created_at": "Created",
    "requester_email": "Requester",
    "organization": "Company",
    "tags": "Labels",
}


def test_a_csv_with_a_mapping_becomes_tickets_and_accounts(tmp_path: Path) -> None:
    dataset = read_csv(_write(tmp_path, "tickets.csv", CSV_TEXT), MAPPING)
    first, second = dataset.tickets
    assert first.description == "After SSO we land on login again,\nevery time"
    assert first.tags == ("sso", "login")
    assert first.created_at.isoformat() == "2026-11-01T10:00:00+00:00"
    assert second.status == "on_hold"
    assert second.created_at.isoformat() == "2026-11-02T09:00:00+00:00"
    assert first.organization is not None and first.organization.id == "acme-corp"
    assert [a.name for a in dataset.accounts] == ["Acme Corp", "Globex"]


def test_a_csv_with_our_column_names_needs_no_mapping(tmp_path: Path) -> None:
    path = _write(tmp_path, "plain.csv", "id;subject;created_at;priority\nA-1;Slow search;2026-10-01;high\n")
    dataset = read_csv(path)
    assert [(t.id, t.priority) for t in dataset.tickets] == [("A-1", "high")]


@pytest.mark.parametrize(
    ("text", "mapping", "message"),
    [
        (
            "Ticket ID,Subject\n1,x\n",
            {"id": "Ticket ID", "subject": "Subject", "created_at": "Created"},
            r"line 1: missing column 'Created'",
        ),
        ("id,subject\n1,x\n", None, r"line 1: no column for required field 'created_at'"),
        (
            "id,subject,created_at\n1,x,2026-01-01\n2,y,last week\n",
            None,
            r"line 3: created_at 'last week' is not a date",
        ),
        (
            "id,subject,created_at,status\n1,x,2026-01-01,escalated\n",
            None,
            r"line 2: status 'escalated' is not one of",
        ),
        ("id,subject,created_at\n1,,2026-01-01\n", None, r"line 2: subject is empty"),
        ("", None, r"the file is empty"),
        (
            "id,subject,created_at\n",
            {"id": "id", "subject": "subject", "created_at": "created_at", "colour": "x"},
            "unknown field 'colour'",
        ),
    ],
)
def test_a_malformed_csv_names_the_file_and_the_line(
    tmp_path: Path, text: str, mapping: dict[str, str] | None, message: str
) -> None:
    with pytest.raises(ImportFileError, match=rf"bad\.csv: .*{message}"):
        read_csv(_write(tmp_path, "bad.csv", text), mapping)


def test_a_multiline_csv_record_is_reported_at_the_line_it_starts(tmp_path: Path) -> None:
    text = 'id,subject,description,created_at\n1,x,"two\nlines",2026-01-01\n2,y,z,soon\n'
    with pytest.raises(ImportFileError, match=r"line 4: created_at 'soon'"):
        read_csv(_write(tmp_path, "bad.csv", text))


def test_a_mapping_file_may_be_yaml_or_json(tmp_path: Path) -> None:
    yaml_path = _write(tmp_path, "mapping.yaml", "id: Ticket ID\nsubject: Subject\ncreated_at: Created\n")
    json_path = _write(tmp_path, "mapping.json", json.dumps({"id": "Ticket ID"}))
    assert read_mapping(yaml_path) == {"id": "Ticket ID", "subject": "Subject", "created_at": "Created"}
    assert read_mapping(json_path) == {"id": "Ticket ID"}


@pytest.mark.parametrize(
    "text", ["- just\n- a list\n", "id: [1, 2]\n", "colour: Red\n", "id: 'unterminated\n"]
)
def test_a_bad_mapping_file_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(ImportFileError, match=r"mapping\.yaml"):
        read_mapping(_write(tmp_path, "mapping.yaml", text))


async def test_an_imported_file_is_searchable_after_one_load(tmp_path: Path) -> None:
    dataset = read_csv(_write(tmp_path, "tickets.csv", CSV_TEXT), MAPPING)
    with LocalWorkspace.create(tmp_path / "ws.sqlite", clock=clock) as workspace:
        workspace.load(dataset)
        page = await workspace.search_tickets("sso login", organization_id="acme-corp")
        accounts = await workspace.search_accounts("globex")
    assert [t.id for t in page.items] == ["1"]
    assert [a.name for a in accounts.items] == ["Globex"]
