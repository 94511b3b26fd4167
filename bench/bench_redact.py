"""Figures for redaction (run by hand, prints figures).

From the repository root:

    python -m bench.bench_redact [--runs 5]

1. Corpus: recall and precision per kind on the seeded corpus of `tests/skill/redaction_corpus.py`
   (2,400 support texts with 1-3 planted items each), and planted values left in the output.
2. Negatives: redactions on the hand-written negative set plus generated negative texts (must be 0).
3. Demo company: what redaction takes out of every ticket, comment, chat message and tracker issue of
   the demo workspace, and whether it ever touches an account name, ticket id, issue key or error string.
4. Hard sets: recall on copy-paste forms and false positives on look-alikes (`tests/skill/redaction_hard.py`).
5. Outside the documented formats: recall on a hand-written set of formats the module does not claim to
   cover, so the limits are measured rather than guessed.
6. The high-entropy rule alone: share of random strings caught, by alphabet and length.
7. Throughput: texts per second over the corpus and the demo texts (median of `--runs` runs), and the
   time for large pathological inputs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

from customer_escalation.skill.redact import KINDS, Kind, Redacted, redact
from tests.skill.redaction_corpus import (
    NEGATIVES,
    corpus,
    demo_texts,
    leaks,
    negative_texts,
    redact_ours,
    score,
    touched_names,
)
from tests.skill.redaction_hard import hard_positives, look_alikes, score_hard


def corpus_figures() -> list[str]:
    samples = corpus()
    scores = score(samples, redact_ours)
    lines = [f"corpus: {len(samples)} texts, {sum(len(s.planted) for s in samples)} planted items"]
    lines.append(f"  {'kind':<12} {'planted':>7} {'recall':>8} {'redacted':>8} {'precision':>9}")
    for kind in KINDS:
        entry = scores[kind]
        lines.append(
            f"  {kind:<12} {entry.planted:>7} {entry.recall:>8.2%} {entry.detected:>8} {entry.precision:>9.2%}"
        )
    planted = sum(e.planted for e in scores.values())
    found = sum(e.found for e in scores.values())
    detected = sum(e.detected for e in scores.values())
    correct = sum(e.correct for e in scores.values())
    lines.append(
        f"  {'all':<12} {planted:>7} {found / planted:>8.2%} {detected:>8} {correct / detected:>9.2%}"
    )
    lines.append(f"  planted values left in the output: {len(leaks(samples, redact_ours))}")
    return lines


def negative_figures() -> list[str]:
    texts = [*NEGATIVES, *negative_texts()]
    touched = [text for text in texts if redact_ours(text).total]
    lines = [f"negatives: {len(texts)} texts, {len(touched)} with a redaction"]
    lines += [f"  false positive: {text[:100]!r}" for text in touched[:10]]
    return lines


def demo_figures() -> tuple[list[str], list[str] | None]:
    try:
        from customer_escalation.connectors.local.demo import build_demo
    except ImportError:
        return ["demo company: not available"], None
    texts, names = demo_texts(build_demo(datetime(2026, 11, 20, 12, tzinfo=UTC)))
    counts: Counter[Kind] = Counter(span.kind for text in texts for span in redact_ours(text).spans)
    checked, touched = touched_names(texts, names, redact_ours)
    lines = [
        f"demo company: {len(texts)} texts, {sum(map(len, texts)):,} characters",
        f"  redacted: {dict(counts) or 'nothing'}",
        f"  account names, ticket ids, issue keys and error strings checked: {checked}, redacted: {len(touched)}",
    ]
    return lines, texts


def hard_figures() -> list[str]:
    positives, negatives = hard_positives(), look_alikes()
    return score_hard(positives, negatives, redact).lines(len(positives), len(negatives))


# Formats the module does not document; the figure shows how far the rules reach beyond them.
OUTSIDE: tuple[tuple[Kind, str, str], ...] = (
    ("email", "jane dot doe at globex dot example", "jane dot doe at globex dot example"),
    ("email", "jöse@exämple.example", "jöse@exämple.example"),
    ("email", "JANE.DOE AT GLOBEX.EXAMPLE", "JANE.DOE AT GLOBEX.EXAMPLE"),
    ("phone", "call 555-0132 after lunch", "555-0132"),
    ("phone", "(415)5550132", "(415)5550132"),
    ("phone", "+1 415 555 01 32", "+1 415 555 01 32"),
    ("phone", "+44 20 7946 0958 / +44 20 7946 0959", "+44 20 7946 0959"),
    ("phone", "four one five 555 0132", "four one five 555 0132"),
    ("phone", "+49 (30) 901820-0", "+49 (30) 901820-0"),
    ("card", "4111.1111.1111.1111", "4111.1111.1111.1111"),
    ("card", "4111 1111\t1111 1111", "4111 1111\t1111 1111"),
    ("card", "4111 11 11 1111 1111", "4111 11 11 1111 1111"),
    ("iban", "GB82-WEST-1234-5698-7654-32", "GB82-WEST-1234-5698-7654-32"),
    ("iban", "gb82 west 1234 5698 7654 32", "gb82 west 1234 5698 7654 32"),
    ("national_id", "SSN 078 05 1120", "078 05 1120"),
    ("national_id", "ssn#078051120", "078051120"),
    ("national_id", "NI: ab123456c", "ab123456c"),
    ("api_key", "key is sk_live_4eC39HqLyjWDarjtT1zdp7", "sk_live_4eC39HqLyjWDarjtT1zdp7"),
    ("api_key", "token: 2f9a", "2f9a"),
    ("api_key", "my key abcd1234efgh5678ijkl9012", "abcd1234efgh5678ijkl9012"),
    ("jwt", "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."),
    ("secret", "the shared key is k3j9x2m8q7w1e5r4t6y0u8i2o", "k3j9x2m8q7w1e5r4t6y0u8i2o"),
    ("secret", "here: ZmFrZXNlY3JldGZha2VzZWNyZXQ=", "ZmFrZXNlY3JldGZha2VzZWNyZXQ="),
    ("password", "my password is sunshine", "sunshine"),
    ("password", "password Summer!", "Summer!"),
    ("password", "login admin / Hunter2!", "Hunter2!"),
    ("password", "pw: hunter2", "hunter2"),
    ("password", "Passwort: Sommer2024!", "Sommer2024!"),
)


def outside_figures() -> list[str]:
    lines = ["outside the documented formats (not a target; shows the limits):"]
    caught = 0
    for kind, text, value in OUTSIDE:
        result = redact(text)
        found = value not in result.text
        caught += found
        label = f"caught as {', '.join(result.counts)}" if found else "missed"
        lines.append(f"  {kind:<12} {label:<22} {text!r}")
    lines.append(f"  caught {caught} of {len(OUTSIDE)}")
    return lines


def entropy_figures(per_cell: int = 2000) -> list[str]:
    rng = random.Random(7)
    alphabets = {
        "A-Za-z0-9": string.ascii_letters + string.digits,
        "base64": string.ascii_letters + string.digits + "+/",
        "base64url": string.ascii_letters + string.digits + "-_",
        "a-z0-9": string.ascii_lowercase + string.digits,
        "A-Z0-9": string.ascii_uppercase + string.digits,
    }
    lengths = (24, 32, 40, 64)
    lines = ["free-standing random strings caught (after 'value ', no label):"]
    lines.append(f"  {'alphabet':<10}" + "".join(f"{n:>9}" for n in lengths))
    for name, alphabet in alphabets.items():
        cells = []
        for length in lengths:
            tokens = ["".join(rng.choice(alphabet) for _ in range(length)) for _ in range(per_cell)]
            cells.append(sum(redact(f"value {t}").total > 0 for t in tokens) / per_cell)
        lines.append(f"  {name:<10}" + "".join(f"{c:>9.1%}" for c in cells))
    return lines


def _median_rate(texts: list[str], runs: int, redactor: Callable[[str], Redacted]) -> tuple[float, float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        for text in texts:
            redactor(text)
        seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds)
    return len(texts) / median, sum(map(len, texts)) / median


def throughput_figures(runs: int, demo: list[str] | None) -> list[str]:
    lines = [f"throughput (median of {runs} runs):"]
    sets = {"corpus": [s.text for s in corpus()]}
    if demo is not None:
        sets["demo texts"] = demo
    for name, texts in sets.items():
        per_text, per_char = _median_rate(texts, runs, redact_ours)
        lines.append(
            f"  {name:<11} {len(texts):>5} texts: {per_text:>8,.0f} texts/s, {per_char / 1e6:.2f} M chars/s"
        )
    rng = random.Random(3)
    pathological = {
        "100k chars of 'a.'": "a." * 50_000,
        "100k chars of digits and spaces": " ".join(rng.choice(string.digits) for _ in range(50_000)),
        "200k chars of base64": "".join(rng.choice(string.ascii_letters + "+/") for _ in range(200_000)),
        "240k chars of 'password is '": "password is " * 20_000,
        "200k random printable chars": "".join(rng.choice(string.printable) for _ in range(200_000)),
    }
    for name, text in pathological.items():
        start = time.perf_counter()
        redact(text)
        lines.append(f"  {name:<33} {time.perf_counter() - start:.2f} s")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per throughput figure")
    args = parser.parse_args()
    demo, texts = demo_figures()
    sections = [corpus_figures(), negative_figures(), demo]
    sections += [hard_figures(), outside_figures(), entropy_figures(), throughput_figures(args.runs, texts)]
    print("\n\n".join("\n".join(section) for section in sections))


if __name__ == "__main__":
    main()
