"""Numbers that pass their checks, for the redaction corpora: card and SIN numbers with a valid Luhn
digit and IBANs with valid check digits (python-stdnum computes both)."""

from __future__ import annotations

import random
import string

from stdnum import iban, luhn

IBAN_BBAN: dict[str, str] = {
    "GB": "AAAA99999999999999",
    "DE": "999999999999999999",
    "FR": "9999999999XXXXXXXXXXX99",
    "ES": "99999999999999999999",
    "NL": "AAAA9999999999",
    "IT": "A9999999999XXXXXXXXXXXX",
    "BE": "999999999999",
    "CH": "99999XXXXXXXXXXXX",
    "IE": "AAAA99999999999999",
    "PL": "999999999999999999999999",
}
"""Each country's account number after the check digits: A a capital letter, 9 a digit, X either."""
_BBAN_CHARACTERS = {
    "A": string.ascii_uppercase,
    "9": string.digits,
    "X": string.ascii_uppercase + string.digits,
}


def luhn_number(rng: random.Random, prefix: str, length: int) -> str:
    """`length` digits starting with `prefix`, random in between, ending in a valid Luhn digit."""
    partial = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    return partial + luhn.calc_check_digit(partial)


def iban_number(rng: random.Random, country: str) -> str:
    """A compact IBAN of `country` with a random account number and valid check digits."""
    bban = "".join(rng.choice(_BBAN_CHARACTERS[c]) for c in IBAN_BBAN[country])
    return country + iban.calc_check_digits(country + "00" + bban) + bban
