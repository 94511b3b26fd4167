"""Time of `redact` on 30 KB adversarial inputs (run by hand, prints figures).

From the repository root:

    python -m bench.bench_redact_adversarial [--size 30000] [--repeat 5]

Each input repeats a fragment that starts, or almost completes, a finding (a secret name and `=`, a
password keyword, an address, digit groups, a PEM header, markers next to findings...) until it is
`--size` characters long: the shapes that make a regular expression scan the rest of the text from
every start, or a check compare every finding with every other. Printed per input: the median, p95
and maximum of `--repeat` timed runs, and at the end the median over all inputs and the slowest input.
Linear redaction keeps every input in the same range as ordinary text of the same size.
"""

from __future__ import annotations

import argparse
import random
import string
import sys

try:
    from ._harness import Timing, fmt, measure, table
except ImportError:  # run as a script
    from _harness import Timing, fmt, measure, table

from customer_escalation.skill.redact import redact


def _random(alphabet: str, size: int, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(alphabet) for _ in range(size))


FRAGMENTS: dict[str, str] = {
    "secret names and =": "sig=",
    "token: after token": "token:",
    "api_key=api_key=": "api_key=",
    "password keywords": "password is ",
    "password = password": "password=",
    "pw for the x account is": "pw for the x-",
    "Bearer Bearer": "Bearer ",
    "Authorization Basic": "Authorization: Basic ",
    "addresses at addresses": "a.a@",
    "obfuscated at": "x [at] y [dot] ",
    "percent-encoded @": "a%40",
    "URL credentials": "redis://:a@",
    "scheme://user:": "http://a:",
    "digit groups": "4111 ",
    "dotted digit groups": "4111.",
    "digits and dashes": "1-",
    "phone starts": "+1 ",
    "trunk zeros": "0 ",
    "IBAN starts": "GB82 ",
    "NBSP digit groups": "12\u00a0",
    "wrapped digits": "4111\n",
    "JWT headers": "eyJhbGciOiJI.",
    "PEM headers": "-----BEGIN PRIVATE KEY-----!",
    "vendor prefixes": "xoxb-",
    "sk- prefixes": "sk-",
    "markers and findings": "[redacted email] a@b.example ",
    "links and findings": "http://x.example a@b.example ",
    "mysql -p": "mysql -p",
}


def inputs(size: int) -> dict[str, str]:
    """The adversarial inputs, each `size` characters long."""
    built = {name: (fragment * (size // len(fragment) + 1))[:size] for name, fragment in FRAGMENTS.items()}
    built["base64 run"] = _random(string.ascii_letters + string.digits + "+/", size, 1)
    built["random printable"] = _random(string.printable, size, 2)
    built["digits and spaces"] = " ".join(_random(string.digits, size // 2, 3))[:size]
    return built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=30_000, help="characters per input")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per input")
    args = parser.parse_args()
    timings = []
    for name, text in inputs(args.size).items():
        timing = measure(lambda text=text: redact(text), repeat=args.repeat, warmup=0, label=name)
        timings.append(timing)
        print(f"  {name:<26} median {fmt(timing.median, 'ms')}", file=sys.stderr, flush=True)
    rows = [t.row() for t in timings]
    print(table(rows, headers=Timing.HEADERS))
    medians = sorted(t.median for t in timings)
    slowest = max(timings, key=lambda t: t.median)
    print(
        f"\n{len(timings)} inputs of {args.size:,} characters: median of medians "
        f"{fmt(medians[len(medians) // 2], 'ms')}, slowest {slowest.label!r} {fmt(slowest.median, 'ms')}"
    )


if __name__ == "__main__":
    main()
