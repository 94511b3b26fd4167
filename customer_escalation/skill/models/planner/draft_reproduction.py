"""The reproduction section of the offline draft: steps from the tickets, or assembled from what the
records say, with only the parts no record holds marked unknown."""

from __future__ import annotations

from typing import Any

from .draft_shared import WriterBase, ids_text, posts_of, quoted, reads_rough, untrusted_text
from .quotes import (
    end_sentence,
    environment,
    error_lines,
    labelled,
    numbered_steps,
    quotable,
    shorten,
    tried_sentences,
)
from .relevance import Candidate, coverage
from .statements import (
    condition_sentences,
    expected_sentences,
    frequency,
    impact_rank,
    impact_sentences,
    reference_clause,
    reproduced_sentences,
    since_change,
)
from .words import token_set


class ReproductionWriter(WriterBase):
    def reproduction(self) -> tuple[dict[str, Any] | None, str | None]:
        """Steps lifted from the tickets, or assembled from what the tickets, notes and the tracker's
        analysis say; otherwise a note saying why there are none. Only the parts no record holds are
        marked unknown, with where they were looked for."""
        sources = [(f"ticket {t.ident}", "\n".join(p.text for p in posts_of(t))) for t in self.read]
        sources += [(c.ident, c.text) for c in self._analyses()]
        for where, text in sources:
            steps = numbered_steps(text)
            if not steps:
                continue
            actual = labelled(text, "actual") or next(iter(error_lines(text, limit=1)), None)
            return (
                {
                    "steps": steps,
                    "expected": labelled(text, "expected") or self._expected(where),
                    "actual": actual or self._actual() or f"Unknown: not stated in {where}",
                    "environment": self._environment(labelled(text, "environment")),
                },
                None,
            )
        if self._not_a_bug() is None:
            assembled = self._assembled()
            if assembled is not None:
                return assembled, None
        return None, self._no_steps_note()

    def _analyses(self) -> list[Candidate]:
        """Tracker bugs read in full, not filed by this product (their text would be our own)."""
        return [
            c
            for c, _ in self.related.issues
            if c.data.get("kind") == "bug"
            and untrusted_text(c.data, "body")
            and "customer-escalation" not in (c.data.get("labels") or ())
        ]

    def _looked(self) -> str:
        where = [f"tickets {ids_text(self.read or self.current)}"] + [c.ident for c in self._analyses()]
        return ", ".join(where)

    def _texts(self, *, customer: bool | None = None) -> list[tuple[str, str]]:
        """(where, text) of the posts read (customer's only, staff only, or all) and the analyses."""
        found = [
            (f"ticket {p.ticket}", p.text)
            for p in self.posts
            if customer is None or (p.role == "customer") == customer
        ]
        if customer is not True:
            found += [(c.ident, untrusted_text(c.data, "body")) for c in self._analyses()]
        return found

    def _expected(self, where: str | None = None) -> str:
        """What should happen: as a record states it, else the reference the customer compares with,
        else the behaviour before the change the problem began with."""
        for source, text in self._texts(customer=False) + self._texts(customer=True):
            said = expected_sentences(text)
            if said:
                return f"{said[0]} ({source})"
        comparison = self._comparison()
        if comparison is not None:
            sentence, source = comparison
            reference = shorten(reference_clause(sentence) or "", 160)
            return f"the same figures as the customer's reference: {quoted(reference)} ({source})"
        for source, text in [
            (c.ident, untrusted_text(c.data, "body")) for c in self._analyses()
        ] + self._texts(customer=True):
            change = since_change(text)
            if change:
                symptom = shorten(" ".join(self.facts.issue.split()), 120)
                return f"it works as it did before {change} ({source}), without the reported fault ({quoted(symptom)})"
        return f"Unknown: no record states the expected result (looked in {where or self._looked()})"

    def _comparison(self) -> tuple[str, str] | None:
        """The customer's plainest sentence comparing a result with a reference, and where it is."""
        found = [
            (len(sentence), sentence, source)
            for source, text in self._texts(customer=True)
            for sentence in quotable(text, 400)
            if reference_clause(sentence) and not sentence.endswith("…")
        ]
        if not found:
            return None
        _, sentence, source = min(found)
        return sentence, source

    def _actual(self, besides: str | None = None) -> str | None:
        """What happens: the exact error the customer quoted, else their comparison of a result with a
        reference, else their plainest sentence about it."""
        for post in self.posts:
            if post.role == "customer":
                lines = error_lines(post.text, limit=1)
                if lines:
                    return f"`{lines[0]}` (ticket {post.ticket})"
        comparison = self._comparison()
        if comparison is not None:
            return f"{shorten(comparison[0], 240)} ({comparison[1]})"
        weights = self.related.weights
        found: list[tuple[int, float, int, str, str]] = []
        for order, post in enumerate(self.posts):
            if post.role != "customer":
                continue
            for sentence in impact_sentences(post.text):
                if sentence == besides:
                    continue
                score = coverage(weights, token_set(sentence))
                found.append((impact_rank(sentence), -score, order, sentence, post.ticket))
        if found:
            _, _, _, sentence, ticket = min(found)
            return f"{sentence} (ticket {ticket})"
        best = self._best_sentence()
        return f"{best[0]} (ticket {best[1]})" if best and best[0] != besides else None

    def _setup(self) -> tuple[str, str] | None:
        """The sentence of a ticket's description about what the customer runs, most about the issue,
        that is not a complaint, a comparison, an error or something they tried."""
        weights = self.related.weights
        found: list[tuple[float, int, str, str]] = []
        descriptions = {t.ident: posts_of(t)[0] for t in self.read}
        for order, post in enumerate(descriptions.values()):
            for sentence in quotable(post.text):
                if (
                    "?" in sentence
                    or impact_sentences(sentence)
                    or reference_clause(sentence)
                    or error_lines(sentence, limit=1)
                    or tried_sentences(sentence)
                    or reads_rough(sentence)
                ):
                    continue
                score = coverage(weights, token_set(sentence))
                if score > 0:
                    found.append((-score, order, sentence, post.ticket))
        if not found:
            return None
        _, _, sentence, ticket = min(found)
        return sentence, ticket

    def _environment(self, stated: str | None = None) -> str:
        text = "\n".join(t for _, t in self._texts())
        stated = stated.rstrip(" .;") if stated else None
        found = [stated] if stated else []
        found += [e for e in environment(text) if not stated or e.lower() not in stated.lower()]
        tiers = [
            f"{a['name']} on {str(a['tier']).title()}"
            for a in (self.assessment.get("breadth") or {}).get("accounts", [])
            if a.get("tier")
        ]
        if tiers and not any("plan" in e.lower() for e in found):
            found.append("plans: " + ", ".join(tiers[:5]))
        how_often = self._frequency()
        parts = "; ".join(found[:8]) if found else f"Unknown: not stated (looked in {self._looked()})"
        often = f"; how often: {how_often}" if how_often else "; how often: not stated in the records"
        return parts + often

    def _frequency(self) -> str | None:
        for source, text in self._texts(customer=True) + self._texts(customer=False):
            said = frequency(text)
            if said:
                return f"{quoted(shorten(said, 160))} ({source})"
        return None

    def _assembled(self) -> dict[str, Any] | None:
        """Steps put together from the customer's setup, the condition the tracker's analysis names or
        the way support reproduced it, and what the customer saw."""
        steps: list[str] = []
        setup = self._setup()
        if setup is not None:
            steps.append(f"Set up as the customer does: {quoted(setup[0])} (ticket {setup[1]}).")
        conditions = [
            (c.ident, condition_sentences(untrusted_text(c.data, "body"))) for c in self._analyses()
        ]
        condition = next(((key, said[0]) for key, said in conditions if said), None)
        if condition is not None:
            steps.append(
                f"Meet the condition engineering identified ({condition[0]}): {quoted(condition[1])}"
            )
        reproduced = self._reproduced()
        if reproduced is not None:
            steps.append(f"Repeat the reproduction already done: {reproduced}.")
        actual = self._actual(besides=setup[0] if setup else None)
        if actual is None or (condition is None and reproduced is None):
            return None  # a setup and a symptom alone are not steps: the note says what is known
        steps.append("Check the result against Expected and Actual below.")
        return {
            "steps": steps,
            "expected": self._expected(),
            "actual": actual,
            "environment": self._environment(),
        }

    def _no_steps_note(self) -> str:
        not_a_bug = self._not_a_bug()
        if not_a_bug is not None:
            return not_a_bug
        looked = ids_text(self.read or self.current)
        bugs = [c for c, _ in self.related.issues if c.data.get("kind") == "bug"]
        known = self._known_so_far()
        ask = "the exact steps, the inputs used and when it last worked"
        reproduced = self._reproduced()
        if reproduced:
            return (
                end_sentence(
                    f"Unknown: no step-by-step reproduction in tickets {looked}, but it was reproduced: {reproduced}"
                )
                + known
            )
        if bugs:
            said = quotable(untrusted_text(bugs[0].data, "body"), 240)
            analysis = f": {quoted(said[0])}" if said else ""
            return (
                end_sentence(
                    f"Unknown: no step-by-step reproduction in tickets {looked}; {bugs[0].ident} holds "
                    f"engineering's analysis{analysis}"
                )
                + known
            )
        return f"Unknown: no reproduction steps in tickets {looked}; ask the customer for {ask}.{known}"

    def _reproduced(self) -> str | None:
        for post in self.posts:
            found = reproduced_sentences(post.text)
            if found:
                return f"{quoted(found[0])} (ticket {post.ticket})"
        for candidate, _ in [*self.related.issues, *self.related.messages]:
            found = reproduced_sentences(candidate.text)
            if found:
                return f"{quoted(found[0])} ({candidate.ref})"
        return None

    def _known_so_far(self) -> str:
        text = "\n".join(p.text for p in self.posts)
        errors = error_lines(text, limit=1)
        env = environment(text)
        parts = []
        if errors:
            parts.append(f"error `{errors[0]}`")
        if env:
            parts.append("environment " + ", ".join(env[:5]))
        return (" Known so far: " + "; ".join(parts) + ".") if parts else ""
