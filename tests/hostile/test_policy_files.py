"""Hostile or mistyped policy files: refused at load with a message naming the file and the setting,
never a hang or a traceback later in the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from customer_escalation.connectors.errors import ConfigError
from customer_escalation.connectors.local import LocalWorkspace
from customer_escalation.skill.cli import main
from customer_escalation.skill.policy_config import load_policy, nested_quantifier
from tests.contract.dataset import CONTRACT_DATASET, NOW

CATASTROPHIC = [r"(a+)+$", r"(a*)*b", r"(.*a){20}", r"(\w+\s?)+$", r"(a{1,2})*$", r"x(?=(a+)+y)"]
SAFE = [r"(?:\d{3}[- ]?){3}", r"\b(refund|credit)s?\b", r"(a|b)+c", r"(?>a+)+$", r"(a++)+$", r"data loss"]


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_a_signal_pattern_with_nested_quantifiers_is_refused_naming_file_and_key(
    tmp_path: Path, pattern: str
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(f"signals:\n  security: ['{pattern}']\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_policy(policy)
    message = str(raised.value)
    assert str(policy) in message
    assert "signals.security" in message
    assert "nested quantifier" in message


@pytest.mark.parametrize("pattern", SAFE)
def test_patterns_without_catastrophic_nesting_are_accepted(tmp_path: Path, pattern: str) -> None:
    assert nested_quantifier(pattern) is None
    policy = tmp_path / "policy.yaml"
    policy.write_text(f"signals:\n  security: ['{pattern}']\n", encoding="utf-8")
    assert load_policy(policy).signals["security"] == (pattern,)


def test_every_default_signal_pattern_passes_the_check() -> None:
    for patterns in load_policy().signals.values():
        assert all(nested_quantifier(p) is None for p in patterns)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("long_wait_days: 1e11\n", "long_wait_days"),
        ("long_wait_days: .inf\n", "long_wait_days"),
        ("renewal_window_days: 99999999999\n", "renewal_window_days"),
        ("high_value_arr: .nan\n", "high_value_arr"),
        ("sla_at_risk_minimum_minutes: 1e300\n", "sla_at_risk_minimum_minutes"),
        (
            "sla_targets:\n  enterprise:\n    urgent: {first_reply: 100000000000, resolution: 5}\n",
            "sla_targets.enterprise.urgent.first_reply",
        ),
        (
            "cadence:\n  Critical: {internal_minutes: 30, customer_business_days: [1, 99999999], "
            "deadline_minutes: 60}\n",
            "cadence.Critical.customer_business_days",
        ),
    ],
)
def test_out_of_range_numbers_are_refused_naming_the_setting(tmp_path: Path, text: str, key: str) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_policy(policy)
    assert str(policy) in str(raised.value)
    assert key in str(raised.value)


def test_brief_with_an_out_of_range_policy_is_a_one_line_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace = tmp_path / "w.sqlite"
    LocalWorkspace.create(workspace, CONTRACT_DATASET, clock=lambda: NOW).close()
    policy = tmp_path / "policy.yaml"
    policy.write_text("long_wait_days: 1e11\n", encoding="utf-8")
    args = ["brief", "Webhooks failing for Northwind", "--model", "offline"]
    code = main([*args, "--workspace", str(workspace), "--policy", str(policy)])
    err = capsys.readouterr().err
    assert code == 2
    assert "long_wait_days" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
