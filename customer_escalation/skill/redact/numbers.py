"""Numbers that name a person or their money: card numbers, IBANs and national id numbers.

The checks (Luhn, IBAN structure and mod-97, SIN, DNI and NIE) are python-stdnum's.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping

from stdnum import iban, luhn
from stdnum.ca import sin
from stdnum.es import dni, nie

from ._common import Hit, digits

# --- card numbers ------------------------------------------------------------------------------------

# Groups of digits separated by a space, tab, dash or dot, or by a line break where a long number
# wrapped (a quoted reply's "> " included).
_GROUP_SEPARATOR = r"(?:[ \t\-.]|[ \t]*\r?\n[ \t]*(?:>[ \t]*)*)"
_DIGIT_GROUPS = re.compile(
    r"(?<![A-Za-z0-9_.+/\-])[0-9]+(?:" + _GROUP_SEPARATOR + r"[0-9]+)*(?![A-Za-z0-9_]|[.+/\-][0-9])"
)
_DIGIT_RUN = re.compile("[0-9]+")


def _card_network_ok(number: str) -> bool:
    length = len(number)
    two, four = int(number[:2]), int(number[:4])
    if number[0] == "4":
        return length in (13, 16, 19)
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return length == 16
    if two in (34, 37):
        return length == 15
    if two in (36, 38, 39) or 300 <= int(number[:3]) <= 305:
        return 14 <= length <= 19
    if four == 6011 or two == 65 or 644 <= int(number[:3]) <= 649 or two == 62 or 3528 <= four <= 3589:
        return 16 <= length <= 19
    if two == 50 or 56 <= two <= 69:
        return 13 <= length <= 19
    return False


def _is_card(number: str) -> bool:
    return 13 <= len(number) <= 19 and _card_network_ok(number) and luhn.is_valid(number)


def cards(text: str) -> Iterator[Hit]:
    """Card numbers with a network's prefix and length and a valid Luhn digit, however grouped."""
    for match in _DIGIT_GROUPS.finditer(text):
        groups = [m.span() for m in _DIGIT_RUN.finditer(text, match.start(), match.end())]
        yield from _cards_in_groups(text, groups)


def _cards_in_groups(text: str, groups: list[tuple[int, int]]) -> Iterator[Hit]:
    # A card can sit inside a longer run of numbers ("order 12 4111 1111 1111 1111"): try every
    # window of whole groups, longest first, and keep the ones that do not overlap.
    found: list[tuple[int, int, str]] = []
    for i, (start, _) in enumerate(groups):
        count = 0
        for j in range(i, len(groups)):
            group_start, end = groups[j]
            count += end - group_start
            # Card numbers are written in groups of three or more digits; only the last may be shorter.
            if count > 19 or (j > i and groups[j - 1][1] - groups[j - 1][0] < 3):
                break
            # A number wraps once at most; numbers on three lines are a list.
            if count >= 13 and text.count("\n", start, end) <= 1:
                number = digits(text[start:end])
                if _is_card(number):
                    found.append((start, end, number))
    starts: list[int] = []
    ends: list[int] = []
    for start, end, number in sorted(found, key=lambda f: f[0] - f[1]):
        # The windows taken do not overlap, so only the neighbours of `start` can overlap this one.
        index = bisect.bisect_left(starts, start)
        if (index < len(starts) and starts[index] < end) or (index > 0 and ends[index - 1] > start):
            continue
        starts.insert(index, start)
        ends.insert(index, end)
        yield Hit("card", start, end, last4=number[-4:])


# --- IBAN --------------------------------------------------------------------------------------------

_IBAN_LENGTHS: Mapping[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24,
    "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21,
    "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LI": 21,
    "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30,
    "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
}  # fmt: skip
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?=[ \-]?[A-Za-z0-9])")


def ibans(text: str) -> Iterator[Hit]:
    """IBANs of the country's length and structure with valid check digits, grouped by spaces or dashes."""
    for match in _IBAN_START.finditer(text):
        length = _IBAN_LENGTHS.get(match[0][:2].upper())
        if length is None:
            continue
        compact: list[str] = []
        end = match.start()
        while end < len(text) and len(compact) < length:
            char = text[end]
            if char.isascii() and char.isalnum():
                compact.append(char.upper())
            elif not (char in " -" and end + 1 < len(text) and text[end + 1].isalnum()):
                break
            end += 1
        after = text[end] if end < len(text) else ""
        if (
            len(compact) == length
            and not (after.isascii() and after.isalnum())
            and iban.is_valid("".join(compact), check_country=False)
        ):
            yield Hit("iban", match.start(), end)


# --- national ids ------------------------------------------------------------------------------------

_SSN = re.compile(r"(?<![A-Za-z0-9_.\-])([0-9]{3})([ \-.])([0-9]{2})\2([0-9]{4})(?![A-Za-z0-9_\-]|[.,][0-9])")
_SIN = re.compile(r"(?<![A-Za-z0-9_.\-])([0-9]{3})([ \-.])([0-9]{3})\2([0-9]{3})(?![A-Za-z0-9_\-]|[.,][0-9])")
_LABELLED_NINE_DIGITS = re.compile(
    r"(?i)(?<![A-Za-z])(?P<label>ssn|social[ \t]+security(?:[ \t]+(?:number|no\.?|#))?|sin"
    r"|social[ \t]+insurance(?:[ \t]+(?:number|no\.?|#))?)[ \t]*[:#=]?[ \t]*(?P<number>[0-9]{9})(?![0-9])"
)
_NINO = re.compile(
    r"(?<![A-Za-z0-9])(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r"(?P<sep>[ \-]?)[0-9]{2}(?P=sep)[0-9]{2}(?P=sep)[0-9]{2}(?P=sep)[A-D](?![A-Za-z0-9])"
)
_DNI = re.compile(r"(?<![A-Za-z0-9])(?:[0-9]{8}|[XYZ]-?[0-9]{7})-?[A-Z](?![A-Za-z0-9])")


def _ssn_ok(area: str, group: str, serial: str) -> bool:
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def _dni_ok(raw: str) -> bool:
    compact = raw.replace("-", "")
    return nie.is_valid(compact) if compact[0] in "XYZ" else dni.is_valid(compact)


def national_ids(text: str) -> Iterator[Hit]:
    """US SSNs, UK National Insurance numbers, Spanish DNI and NIE numbers and Canadian SINs."""
    for match in _SSN.finditer(text):
        if _ssn_ok(match[1], match[3], match[4]):
            yield Hit("national_id", *match.span())
    for match in _SIN.finditer(text):
        if sin.is_valid(digits(match[0])):
            yield Hit("national_id", *match.span())
    for match in _LABELLED_NINE_DIGITS.finditer(text):
        number = match["number"]
        if match["label"].lower().startswith(("ssn", "social security")):
            valid = _ssn_ok(number[:3], number[3:5], number[5:])
        else:
            valid = sin.is_valid(number)
        if valid:
            yield Hit("national_id", *match.span("number"))
    for match in _NINO.finditer(text):
        yield Hit("national_id", *match.span())
    for match in _DNI.finditer(text):
        if _dni_ok(match[0]):
            yield Hit("national_id", *match.span())
