"""Import files as users and attackers write them: the shipped examples, imports over CRM data that must
not be erased, and malformed files that must fail with one line naming the file and the record."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from customer_escalation.connectors.base import utc_now
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.connectors.local.demo import build_demo
from customer_escalation.connectors.local.importers import ACCOUNT_CSV_FIELDS, CSV_OPTIONAL, CSV_REQUIRED
from customer_escalation.skill.cli import main
from customer_escalation.skill.cli._workspace import IMPORT_HELP

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "import"


def _import(path: Path, file: Path, fmt: str, *extra: str) -> int:
    return main(["workspace", "import", str(file), "--format", fmt, "--workspace", str(path), *extra])


def _account(path: Path, account_id: str) -> Any:
    with LocalWorkspace.open(path, create_demo=False) as workspace:
        return asyncio.run(workspace.get_account(account_id))


def _ticket(path: Path, ticket_id: str) -> Any:
    with LocalWorkspace.open(path, create_demo=False) as workspace:
        return asyncio.run(workspace.get_ticket(ticket_id))


# -- the shipped examples and the help ---------------------------------------------------------------


def test_the_example_files_import_and_line_up(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ws.sqlite"
    assert _import(path, EXAMPLES / "zendesk-tickets.json", "zendesk-json") == 0
    assert (
        _import(path, EXAMPLES / "tickets.csv", "csv", "--mapping", str(EXAMPLES / "tickets-mapping.yaml"))
        == 0
    )
    accounts_mapping = str(EXAMPLES / "accounts-mapping.yaml")
    assert _import(path, EXAMPLES / "accounts.csv", "accounts-csv", "--mapping", accounts_mapping) == 0
    assert "Traceback" not in capsys.readouterr().err

    lumen = _account(path, "lumen-robotics")
    assert (lumen.tier, lumen.arr, lumen.renewal_date) == ("enterprise", 420_000.0, date(2027, 3, 31))
    assert lumen.reference_customer is True
    assert lumen.owner is not None and lumen.owner.name == "Dana Whitfield"
    assert [(c.name, c.is_executive) for c in lumen.contacts] == [
        ("Ines Alvarez", False),
        ("Marco Ruiz", True),
    ]
    assert _account(path, "bramble-foods").domains == ("bramblefoods.example", "bramble.example")
    assert _account(path, "bramble-foods").arr == 85_000.0
    ticket = _ticket(path, "T-1001")
    assert ticket.organization is not None and ticket.organization.id == "lumen-robotics"
    assert _ticket(path, "90001").organization is not None


def test_the_import_help_names_every_field_of_every_format(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["workspace", "import", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    for field in (*CSV_REQUIRED, *CSV_OPTIONAL, *ACCOUNT_CSV_FIELDS, "zendesk-json", "accounts-csv"):
        assert field in shown, field
    assert "examples/import/" in IMPORT_HELP


def test_the_readme_and_connectors_guide_describe_the_formats() -> None:
    root = EXAMPLES.parents[1]
    for document in ("README.md", "CONNECTORS.md"):
        text = (root / document).read_text(encoding="utf-8")
        assert "accounts-csv" in text and "examples/import/" in text, document


# -- an import never erases what it does not carry ------------------------------------------------------


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite"
    LocalWorkspace.create(path, build_demo(utc_now())).close()
    return path


def test_a_csv_ticket_import_naming_an_account_keeps_its_crm_fields(demo: Path, tmp_path: Path) -> None:
    before = _account(demo, "acme-corp")
    assert before.tier == "enterprise" and before.arr and before.contacts and before.reference_customer
    tickets = tmp_path / "t.csv"
    tickets.write_text("id,subject,created_at,organization\nX-1,Slow exports,2026-11-01,Acme Corp\n")
    assert _import(demo, tickets, "csv") == 0
    after = _account(demo, "acme-corp")
    assert after == before


def test_a_zendesk_import_naming_an_organization_keeps_its_crm_fields(demo: Path, tmp_path: Path) -> None:
    before = _account(demo, "acme-corp")
    export = {
        "tickets": [
            {"id": 1, "status": "open", "created_at": "2026-11-01T00:00:00Z", "organization_id": "acme-corp"}
        ],
        "organizations": [{"id": "acme-corp", "name": "Acme Corp", "domain_names": ["acme-new.example"]}],
    }
    file = tmp_path / "z.json"
    file.write_text(json.dumps(export))
    assert _import(demo, file, "zendesk-json") == 0
    after = _account(demo, "acme-corp")
    assert after.domains == (*before.domains, "acme-new.example")
    assert after.model_dump(exclude={"domains"}) == before.model_dump(exclude={"domains"})


def test_reimporting_a_ticket_keeps_the_notes_added_to_it(demo: Path, tmp_path: Path) -> None:
    before = _ticket(demo, "58590")
    assert before.comments
    tickets = tmp_path / "t.csv"
    tickets.write_text("id,subject,created_at,status\n58590,Renamed subject,2026-11-01,pending\n")
    assert _import(demo, tickets, "csv") == 0
    after = _ticket(demo, "58590")
    assert (after.subject, after.status) == ("Renamed subject", "pending")
    assert after.comments == before.comments
    assert after.organization == before.organization and after.sla == before.sla
    assert after.requester == before.requester  # the file names no requester

    export = {
        "tickets": [
            {
                "id": 58590,
                "status": "open",
                "created_at": 1,
                "requester_id": 9,
                "organization_id": "acme-corp",
            }
        ]
    }
    file = tmp_path / "z.json"
    file.write_text(json.dumps(export))
    assert _import(demo, file, "zendesk-json") == 0
    again = _ticket(demo, "58590")
    assert again.requester.name == before.requester.name  # "user 9" is a placeholder, not a name
    assert again.organization == before.organization and again.comments == before.comments


def test_an_accounts_import_updates_what_it_carries_and_adds_contacts(demo: Path, tmp_path: Path) -> None:
    before = _account(demo, "acme-corp")
    accounts = tmp_path / "a.csv"
    accounts.write_text(
        "id,name,arr,tier,contact_name,contact_email\nacme-corp,Acme Corp,500k,,New Person,new@acme.example\n"
    )
    assert _import(demo, accounts, "accounts-csv") == 0
    after = _account(demo, "acme-corp")
    assert after.arr == 500_000.0 and after.tier == before.tier
    assert after.contacts[: len(before.contacts)] == before.contacts
    assert after.contacts[-1].email == "new@acme.example"


# -- malformed files: one line naming the file and the record ----------------------------------------------


def _ticket_json(**fields: Any) -> dict[str, Any]:
    return {"id": 7, "status": "open", "created_at": "2026-11-01T00:00:00Z", **fields}


def _deep(depth: int) -> str:
    return '{"tickets": [' + "[" * depth + "]" * depth + "]}"


MALFORMED_JSON: dict[str, tuple[str, str]] = {
    "comments-a-number": (json.dumps({"tickets": [_ticket_json(comments=5)]}), "comments must be a list"),
    "created-at-1e20": (
        json.dumps({"tickets": [_ticket_json(created_at=1e20)]}),
        "created_at 1e+20 is not a time",
    ),
    "created-at-nan": (
        '{"tickets": [{"id": 7, "status": "open", "created_at": NaN}]}',
        "created_at nan is not a time",
    ),
    "comment-created-at-1e20": (
        json.dumps({"tickets": [_ticket_json(comments=[{"id": 1, "body": "x", "created_at": 1e20}])]}),
        "comment #1: created_at",
    ),
    "user-name-a-number-list": (
        json.dumps({"tickets": [_ticket_json(requester_id=1)], "users": [{"id": 1, "name": ["a"]}]}),
        "user 1: name must be text",
    ),
    "user-email-an-object": (
        json.dumps({"tickets": [_ticket_json(requester_id=1)], "users": [{"id": 1, "email": {"a": 1}}]}),
        "user 1: email must be text",
    ),
    "organization-name-a-list": (
        json.dumps({"tickets": [_ticket_json()], "organizations": [{"id": 3, "name": [1]}]}),
        "organization 3: name must be text",
    ),
    "subject-an-object": (json.dumps({"tickets": [_ticket_json(subject={"x": 1})]}), "subject must be text"),
    "deep-nesting": (_deep(100_000), "nested too deeply"),
    "id-empty": (json.dumps({"tickets": [_ticket_json(id="")]}), "id is empty"),
    "id-true": (json.dumps({"tickets": [_ticket_json(id=True)]}), "id must be a number or text, not bool"),
    "id-a-list": (
        json.dumps({"tickets": [_ticket_json(id=[1, 2])]}),
        "id must be a number or text, not list",
    ),
    "id-100000-characters": (json.dumps({"tickets": [_ticket_json(id="9" * 100_000)]}), "100,000 characters"),
    "id-a-path": (json.dumps({"tickets": [_ticket_json(id="../../etc/passwd")]}), "is not an id"),
    "comment-id-a-path": (
        json.dumps({"tickets": [_ticket_json(comments=[{"id": "../x", "body": "b", "created_at": 1}])]}),
        "comment #1: id '../x' is not an id",
    ),
    "organization-id-a-list": (
        json.dumps({"tickets": [_ticket_json(organization_id=[1])]}),
        "organization_id",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_JSON))
def test_a_malformed_zendesk_file_fails_with_one_line_naming_it(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, expected = MALFORMED_JSON[case]
    file = tmp_path / f"{case}.json"
    file.write_text(text)
    path = tmp_path / "ws.sqlite"
    LocalWorkspace.create(path).close()
    assert _import(path, file, "zendesk-json") == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    assert str(file) in err and expected in err, err
    if case.startswith(("id-", "comment", "created", "user", "subject", "organization-id")):
        assert "ticket #1" in err, err


MALFORMED_CSV: dict[str, tuple[str, str, str]] = {
    "ticket-id-a-path": (
        "csv",
        "id,subject,created_at\n../x,S,2026-11-01\n",
        "line 2: id '../x' is not an id",
    ),
    "ticket-id-too-long": (
        "csv",
        f"id,subject,created_at\n{'a' * 100_000},S,2026-11-01\n",
        "line 2: id is 100,000",
    ),
    "account-tier": ("accounts-csv", "name,tier\nAcme,platinum\n", "line 2: tier 'platinum'"),
    "account-arr": ("accounts-csv", "name,arr\nAcme,lots\n", "line 2: arr 'lots' is not an amount"),
    "account-arr-nan": ("accounts-csv", "name,arr\nAcme,nan\n", "line 2: arr 'nan' is not an amount"),
    "account-renewal": ("accounts-csv", "name,renewal_date\nAcme,next spring\n", "line 2: renewal_date"),
    "account-flag": ("accounts-csv", "name,reference_customer\nAcme,maybe\n", "line 2: reference_customer"),
    "account-no-name": ("accounts-csv", "name,tier\n,pro\n", "line 2: name is empty"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_CSV))
def test_a_malformed_csv_file_fails_with_one_line_naming_it(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fmt, text, expected = MALFORMED_CSV[case]
    file = tmp_path / f"{case}.csv"
    file.write_text(text)
    path = tmp_path / "ws.sqlite"
    LocalWorkspace.create(path).close()
    assert _import(path, file, fmt) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert str(file) in err and expected in err, err


def test_a_deeply_nested_mapping_file_fails_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("[" * 100_000 + "]" * 100_000)
    file = tmp_path / "t.csv"
    file.write_text("id,subject,created_at\n1,S,2026-11-01\n")
    assert _import(tmp_path / "ws.sqlite", file, "csv", "--mapping", str(mapping)) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1 and str(mapping) in err, err
