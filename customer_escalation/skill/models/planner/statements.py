"""What customers and agents state in ticket text: expectations, risks, impact, promises and their due
dates, comparisons, changes, frequency, conditions, and what an article was ruled out by."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from ...signals import normalise
from .quotes import quotable
from .words import token_set

_EXPECTATION = re.compile(
    r"(?i)\b(eta|by (monday|tuesday|wednesday|thursday|friday|tomorrow|today|end of)|deadline|due (on|by)|"
    r"we need|need (a|an|the|this|it|either)|expect|asap|urgent(ly)?|committed|"
    r"date we can|before our|plan around|please (hurry|escalate|advise)|by the)\b"
)
_RISK = re.compile(
    r"(?i)\b(renew\w*|churn\w*|cancel\w*|alternatives?|competitors?|leadership|executives?|vp|ceo|cto|ciso|"
    r"call with|legal|lawyers?|breach of (?:contract|agreement)|regulators?|publicly|press|escalate|"
    r"not sustainable|patient-safety|finding in itself)\b"
)


CHURN_WORDS = re.compile(
    r"(?i)\b(renew\w*|churn\w*|cancel\w*|competitors?|alternatives|terminat\w*|switch\w* (?:to|away)|leave us)\b"
)
"""Words of a customer weighing whether to stay."""

_IMPACT = re.compile(
    r"(?i)(\b(none of our|nobody|no one)\b.{0,40}\bcan\b|can'?t|cannot|unable|not able|\bblock(ed|ing)\b|"
    r"locked out|\bstuck\b|\bdown\b|halted|overr?an|\blate\b|missed|incomplete|spreadsheets|"
    r"not sustainable|halved|pushed? back|without access|waiting)"
)


_CANNOT = re.compile(
    r"(?i)\b(?:(?:none of (?:our|the)|nobody|no one|not one)\b.{0,60}\bcan\b|can'?t|cannot|unable|not able|"
    r"locked out|blocked from|(?:is|are|has|have) (?:now )?(?:become )?blocked|stuck|running (?:off|on) "
    r"spreadsheets|incomplete|missing|lost|late|overr?an|ran past|halved|halted|down|no (?:export|access|way))\b"
)
_ASIDE = re.compile(
    r"(?i)^(?:please note|just (?:to|so)|fyi|for (?:context|the record)|i am writing|i'm writing|"
    r"as (?:discussed|mentioned)|to be explicit)|\bwriting to you\b|\bmeets? shortly\b|\bis a finding\b"
)


def impact_sentences(text: str) -> list[str]:
    """Sentences saying what the customer cannot do or what it costs them, the plainest first: a sentence
    that says what cannot be done before one that only says it hurts, asides ("Please note...") last."""
    found = [s for s in quotable(text) if _IMPACT.search(s) or _CANNOT.search(s)]

    return sorted(found, key=impact_rank)


_UNABLE = re.compile(
    r"(?i)\b(?:(?:none of (?:our|the)|nobody|no one|not one)\b.{0,60}\bcan\b|can'?t|cannot|unable|not able|"
    r"locked out|blocked from|no (?:export|access|way))"
)


def impact_rank(sentence: str) -> int:
    """0 for a sentence saying what cannot be done, 1 for one saying what it costs, 2 and more for
    asides ("Please note...")."""
    return (0 if _UNABLE.search(sentence) else 1) + (2 if _ASIDE.search(sentence) else 0)


_REPRODUCED = re.compile(r"(?i)\b(reproduced|repro\b|reproducible|confirmed in (?:staging|test))")
_NOT_REPRODUCED = re.compile(r"(?i)(can'?t|cannot|could ?n[o']t|unable to|not able to) reproduce")


def reproduced_sentences(text: str) -> list[str]:
    """Sentences saying someone reproduced the problem (not that they could not)."""
    return [s for s in quotable(text, 260) if _REPRODUCED.search(s) and not _NOT_REPRODUCED.search(s)]


def expectation_sentences(text: str) -> list[str]:
    """Sentences saying what the customer expects and by when."""
    return [s for s in quotable(text) if _EXPECTATION.search(s)]


_RISK_RANK = (
    re.compile(r"(?i)\b(renew\w*|churn\w*|cancel\w*|alternatives?|competitors?|terminat\w*)\b"),
    re.compile(r"(?i)\b(leadership|executives?|vp|ceo|cto|ciso|call with|escalate)\b"),
)


def risk_sentences(text: str) -> list[str]:
    """Sentences hinting the customer will escalate further (renewal, executives, legal, public), the
    strongest first: leaving, then going over support's head, then the rest."""
    found = [s for s in quotable(text) if _RISK.search(s)]

    def rank(sentence: str) -> int:
        return next((i for i, p in enumerate(_RISK_RANK) if p.search(sentence)), len(_RISK_RANK))

    return sorted(found, key=rank)


_PROMISE = re.compile(
    r"(?i)\b(?:i|we)(?:'ll| will| shall) (?:come back|get back|follow up|update you|send|call|share|confirm|"
    r"let you know|have|give you|reply|respond|check|get you)\b"
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WHEN = re.compile(
    r"(?i)\b(?:(within the hour|within an hour)|within (\d{1,2}) hours?|(today|this afternoon|this evening|"
    r"tonight|end of (?:the )?day|eod)|(tomorrow)|by (monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"(?:by|before) (january|february|march|april|may|june|july|august|september|october|november|december) "
    r"(\d{1,2}))\b"
)
_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip


def promise_due(sentence: str, said_at: datetime) -> datetime | None:
    """When a promise in `sentence` (``I'll come back to you today``) falls due, or None when the sentence
    makes no promise with a time."""
    if not _PROMISE.search(sentence):
        return None
    match = _WHEN.search(sentence)
    if match is None:
        return None
    end_of_day = said_at.replace(hour=23, minute=59, second=0, microsecond=0)
    if match.group(1):
        return said_at + timedelta(hours=1)
    if match.group(2):
        return said_at + timedelta(hours=int(match.group(2)))
    if match.group(3):
        return end_of_day
    if match.group(4):
        return end_of_day + timedelta(days=1)
    if match.group(5):
        days = (_WEEKDAYS.index(match.group(5).lower()) - said_at.weekday()) % 7 or 7
        return end_of_day + timedelta(days=days)
    month, day = _MONTHS.index(match.group(6).lower()) + 1, int(match.group(7))
    try:
        due = end_of_day.replace(month=month, day=day)
    except ValueError:
        return None
    return due if due >= said_at else due.replace(year=due.year + 1)


_EXPECTED = re.compile(
    r"(?i)\b(should(?:n'?t)?|expected|supposed to|used to|no (?:row |size )?limit|matched|normally|"
    r"instead of|as (?:before|usual))\b"
)


def expected_sentences(text: str) -> list[str]:
    """Sentences saying what should happen (``There's no row limit, so this shouldn't happen``)."""
    return [s for s in quotable(text, 240) if _EXPECTED.search(s) and not _PROMISE.search(s) and "?" not in s]


_COMPARISON = re.compile(r"(?i),?\s*\b(?:while|but|whereas|vs\.?|versus|compared (?:to|with))\s+(.*\d.*)$")


_SHORT_SIDE = re.compile(r"(?i)\b(only|just|exactly|stops?|stopped|missing|fewer|short|cut)\b")


def reference_clause(sentence: str) -> str | None:
    """In a sentence that compares a result with a reference (``the file has 100,000 rows, while the
    dashboard shows 248,310``), the reference: ``the dashboard shows 248,310``. The side that says
    "only", "exactly", "missing"... is the result (``71,000 products but only 50,000 imported``)."""
    match = _COMPARISON.search(sentence)
    if match is None or not re.search(r"\d", sentence[: match.start()]):
        return None
    before, after = sentence[: match.start()].strip(" ,"), match.group(1).rstrip(" .")
    if _SHORT_SIDE.search(after) and not _SHORT_SIDE.search(before):
        return before
    return after


_SINCE = re.compile(
    r"(?i)\b(?:since|started with|after|as of)\s+(?:the\s+)?((?:release |version )?(?:20\d\d\.\d{1,2}\.\d{1,2}|"
    r"v?\d+\.\d+\.\d+|[\w-]+ (?:upgrade|release|deploy(?:ment)?|change)|"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday)(?: around [\d:]+ ?utc)?))"
)


def since_change(text: str) -> str | None:
    """The change or moment the problem began with (``2026.11.3``, ``ingest gateway upgrade``)."""
    match = _SINCE.search(normalise(text))
    return match.group(1) if match else None


_FREQUENCY = re.compile(
    r"(?i)\b(every (?:time|night|day|run|login|sign-in|attempt|call|batch|request)|each time|always|"
    r"consistently|intermittent(?:ly)?|sometimes|randomly|at random|roughly [\d.\-–]+%|~?[\d.]+% of|"
    r"\d+ ?(?:/|of|out of) ?\d+\b(?! ?(?:MB|KB|GB))|(?:twice|three times) in a row|exactly [\d,]+ (?:again|twice)|"
    r"both times|every single time|each run|"
    r"every (?:\w+ )?(?:user|workspace|customer|export))"
)


def frequency(text: str) -> str | None:
    """How often the problem shows, in the record's words: ``roughly 3-5% of batch calls``; a sentence
    with a figure before one with only a word ("intermittently")."""
    found = [(s, m.group(0)) for s in quotable(text, 240) if (m := _FREQUENCY.search(s))]
    figures = [s for s, said in found if re.search(r"\d", said)]
    words = [s for s, _ in found]
    return next(iter(figures or words), None)


_CONDITION = re.compile(
    r"(?i)\b(when|whenever|after|once|for (?:payloads|files|requests|batches)|over|above|"
    r"larger than|more than|since)\b"
)


def condition_sentences(text: str) -> list[str]:
    """Sentences of an analysis saying under which condition the fault shows."""
    return [s for s in quotable(text, 260) if _CONDITION.search(s) and not _PROMISE.search(s)]


_RULED_OUT = re.compile(
    r"(?i)\b(verified|checked|confirmed|double-checked|ruled out|made sure|already tried|no |not |isn'?t|"
    r"aren'?t|doesn'?t|matches)\b"
)


def rules_out(sentence: str, distinctive: frozenset[str]) -> bool:
    """Whether a customer sentence says they checked the cause an article describes (its distinctive
    words) and it is not theirs: ``We have verified our ACS URL ... no trailing slash``."""
    if not distinctive or not _RULED_OUT.search(sentence):
        return False
    found = distinctive & token_set(sentence)
    return len(found) >= min(2, len(distinctive))


def first_name(name: str | None) -> str | None:
    if not name:
        return None
    first = name.strip().split()[0]
    return first if first.isalpha() else None
