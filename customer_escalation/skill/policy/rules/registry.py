"""What a rule is: a named criterion of the spec, how strongly it counts, which side it argues for, and
the check that applies it to the facts of one issue."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from ....connectors.records import Decision, Target
from ...policy_config import PolicyConfig
from ...signals import Hit
from ..facts import Facts
from ..models import Finding, Strength


@dataclass(frozen=True)
class Outcome:
    """What a rule's check concludes for one issue."""

    met: bool
    reason: str
    evidence: Sequence[str] = ()
    """Evidence ids of the records behind the conclusion."""
    hits: Sequence[Hit] = ()
    """The signals that met the rule; the first one's excerpt becomes the finding's quote."""
    strength: Strength | None = None
    """Set only when the facts weaken (or strengthen) the rule for this issue."""


Check = Callable[[Facts], Outcome]


@dataclass(frozen=True)
class Rule:
    """One criterion of the escalation policy."""

    name: str
    """A stable name, reported in findings and named by the eval scenarios."""
    criterion: str
    """The criterion in words. ``{config.<field>}`` stands for a threshold of the policy file."""
    strength: Strength
    side: Decision
    """Whether the rule, when met, argues to escalate or to handle the issue in support."""
    check: Check
    target: Target | None = None
    """The team the issue goes to whenever this rule is met, for the rules that settle it alone."""
    corroborating: bool = False
    """A soft rule that only adds weight: it never escalates when it is the only soft rule met."""

    def criterion_for(self, config: PolicyConfig) -> str:
        """The criterion in words, with the policy's thresholds filled in."""
        return self.criterion.format(config=config)

    def apply(self, facts: Facts) -> Finding:
        """The finding this rule reports for `facts`."""
        outcome = self.check(facts)
        return Finding(
            rule=self.name,
            criterion=self.criterion_for(facts.config),
            met=outcome.met,
            strength=outcome.strength or self.strength,
            reason=outcome.reason,
            evidence=tuple(outcome.evidence),
            quote=outcome.hits[0].excerpt if outcome.met and outcome.hits else None,
        )


def rule(
    name: str,
    criterion: str,
    *,
    strength: Strength,
    side: Decision = "escalate",
    target: Target | None = None,
    corroborating: bool = False,
) -> Callable[[Check], Rule]:
    """Make the decorated check a `Rule` with this name, criterion text and weight."""

    def make(check: Check) -> Rule:
        return Rule(name, criterion, strength, side, check, target, corroborating)

    return make


def support_rule(name: str, criterion: str, *, strength: Strength = "soft") -> Callable[[Check], Rule]:
    """Make the decorated check a `Rule` that argues for handling the issue in support."""
    return rule(name, criterion, strength=strength, side="handle_in_support")


def registry(*rules: Rule) -> Mapping[str, Rule]:
    """A read-only mapping of `rules` by name, in the order given.

    Raises:
        ValueError: two rules share a name.
    """
    table: dict[str, Rule] = {}
    for entry in rules:
        if entry.name in table:
            raise ValueError(f"two rules are named {entry.name!r}")
        table[entry.name] = entry
    return MappingProxyType(table)
