"""Scenario files: loading, validation errors that name the file and field, and the worlds they build."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from customer_escalation.evals.scenario import (
    DEFAULT_NOW,
    Scenario,
    ScenarioError,
    build_dataset,
    load_scenarios,
    own_records,
    parse_scenario,
    policy_rules,
    reference_ids,
)

from .conftest import TINY, tiny_scenario


@pytest.fixture(scope="module")
def shipped() -> list[Scenario]:
    return load_scenarios()


def test_the_package_ships_at_least_thirty_valid_scenarios_with_unique_ids(shipped: list[Scenario]) -> None:
    assert len(shipped) >= 30
    assert len({s.id for s in shipped}) == len(shipped)


def test_shipped_scenarios_balance_escalations_and_handling(shipped: list[Scenario]) -> None:
    decisions = Counter(s.expected.decision for s in shipped)
    assert decisions["handle_in_support"] >= 0.4 * len(shipped)
    assert decisions["escalate"] >= 0.4 * len(shipped)


def test_shipped_scenarios_cover_the_fourteen_designs_and_the_spec_examples(shipped: list[Scenario]) -> None:
    tags = {t for s in shipped for t in s.tags}
    assert {f"design:S{n:02d}" for n in range(1, 15)} <= tags
    demo = {s.reference.demo for s in shipped if "spec-example" in s.tags}
    assert demo == {"api-500s", "export-missing-rows", "sso-login-loop", "audit-log-churn"}


def test_shipped_scenarios_include_paraphrase_twins_and_injections_in_three_places(
    shipped: list[Scenario],
) -> None:
    twins = [s for s in shipped if s.paraphrase_of]
    assert len(twins) >= 5
    by_id = {s.id: s for s in shipped}
    for twin in twins:
        original = by_id[twin.paraphrase_of or ""]
        assert twin.expected.decision == original.expected.decision
        assert twin.expected.target == original.expected.target
    tags = {t for s in shipped for t in s.tags}
    assert {"injection:ticket", "injection:tracker", "injection:kb"} <= tags


def test_every_shipped_scenario_names_a_policy_rule(shipped: list[Scenario]) -> None:
    assert all(set(s.rule) <= policy_rules() for s in shipped)


def test_relative_times_resolve_against_the_fixed_clock() -> None:
    scenario = tiny_scenario()
    world = build_dataset(scenario)
    ticket = next(t for t in world.tickets if t.id == "501")
    assert ticket.created_at == DEFAULT_NOW - timedelta(hours=3)
    assert ticket.comments[0].created_at == DEFAULT_NOW - timedelta(hours=2)
    account = next(a for a in world.accounts if a.id == "northwind")
    assert account.renewal_date == (DEFAULT_NOW + timedelta(days=200)).date()
    assert ticket.organization is not None and ticket.organization.name == "Northwind Traders"
    assert ticket.requester.name == "Laura Callahan"


def test_absolute_times_and_a_scenario_clock_are_accepted() -> None:
    text = TINY.replace("account: northwind\n", "account: northwind\nnow: 2026-03-02T10:00:00Z\n", 1).replace(
        "renewal: +200d", "renewal: 2026-09-30"
    )
    scenario = parse_scenario(text, "tiny-export-bug.yaml")
    world = build_dataset(scenario)
    assert scenario.now.isoformat() == "2026-03-02T10:00:00+00:00"
    assert next(a for a in world.accounts if a.id == "northwind").renewal_date == date(2026, 9, 30)


def _error(text: str, origin: str = "tiny-export-bug.yaml") -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, origin)
    return str(caught.value)


def test_an_unknown_field_is_reported_with_the_file_and_the_record_it_sits_in() -> None:
    message = _error(TINY.replace('subject: "CSV export has no header row"', 'subjekt: "CSV"'))
    assert message.startswith("tiny-export-bug.yaml: ")
    assert "records.tickets[0] (501).subjekt" in message


def test_a_bad_relative_time_names_the_field() -> None:
    message = _error(TINY.replace("created: -3h", "created: three hours ago"))
    assert "records.tickets[0] (501).created" in message
    assert "relative time" in message


def test_an_escalation_without_a_target_is_refused() -> None:
    message = _error(TINY.replace("  target: Engineering\n", ""))
    assert "expected" in message and "needs target" in message


def test_an_unknown_policy_rule_is_refused_with_the_known_ones() -> None:
    message = _error(TINY.replace("rule: confirmed_bug", "rule: vibes"))
    assert "rule" in message and "vibes" in message and "security_concern" in message


def test_an_injection_that_asks_for_the_expected_outcome_is_refused() -> None:
    message = _error(
        TINY.replace("injected: {target: Leadership, severity: Critical}", "injected: {target: Engineering}")
    )
    assert "must_not.injected.target" in message


def test_a_file_whose_id_differs_from_its_name_is_refused() -> None:
    assert "must match the file name" in _error(TINY, "other-name.yaml")


def test_invalid_yaml_and_non_mappings_are_refused() -> None:
    assert "not valid YAML" in _error("id: [unclosed")
    assert "must hold a mapping" in _error("- a\n- b\n")


def test_a_record_naming_an_unknown_account_is_refused_when_the_world_is_built() -> None:
    scenario = tiny_scenario(TINY.replace("{id: 502, account: contoso", "{id: 502, account: nobody"))
    with pytest.raises(
        ScenarioError, match=r"tiny-export-bug.yaml: records.tickets\[1\] \(502\).account: account 'nobody'"
    ):
        build_dataset(scenario)


def test_a_folder_with_duplicate_ids_or_a_dangling_paraphrase_is_refused(tmp_path: Path) -> None:
    (tmp_path / "tiny-export-bug.yaml").write_text(TINY)
    twin = TINY.replace("id: tiny-export-bug", "id: tiny-twin").replace(
        "tags: [capability, tiny]", 'tags: ["paraphrase-of:missing"]'
    )
    (tmp_path / "tiny-twin.yaml").write_text(twin)
    with pytest.raises(ScenarioError, match="paraphrase-of:missing names no scenario"):
        load_scenarios(tmp_path)


def test_tags_select_scenarios_by_tag_or_id(tmp_path: Path) -> None:
    (tmp_path / "tiny-export-bug.yaml").write_text(TINY)
    (tmp_path / "tiny-two.yaml").write_text(
        TINY.replace("id: tiny-export-bug", "id: tiny-two").replace("[capability, tiny]", "[other]")
    )
    assert [s.id for s in load_scenarios(tmp_path, tags=["other"])] == ["tiny-two"]
    assert [s.id for s in load_scenarios(tmp_path, tags=["tiny-export-bug"])] == ["tiny-export-bug"]
    with pytest.raises(ScenarioError, match="no scenario tagged nothing"):
        load_scenarios(tmp_path, tags=["nothing"])


def test_a_missing_path_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such scenario file or folder"):
        load_scenarios(tmp_path / "absent")


def test_demo_scenarios_layer_their_records_over_the_demo_company() -> None:
    text = TINY.replace("account: northwind\n", "account: northwind\nbase: demo\n", 1)
    scenario = parse_scenario(text, "tiny-export-bug.yaml")
    world = build_dataset(scenario)
    own = own_records(scenario)
    assert {a.id for a in own.accounts} == {"northwind", "contoso"}
    assert {"acme-corp", "northwind"} <= {a.id for a in world.accounts}
    assert len(world.tickets) > len(own.tickets)


def test_a_demo_reference_takes_the_ids_of_the_demo_scenario(shipped: list[Scenario]) -> None:
    scenario = next(s for s in shipped if s.reference.demo == "api-500s")
    ref = reference_ids(scenario)
    assert "acme-corp" in ref.account_ids
    assert "ENG-3412" in ref.issue_keys
    assert all(":" in m for m in ref.message_ids)
