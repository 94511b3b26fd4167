"""Signals: what a text says about a problem (an outage, lost data, a security hole, a churn threat...).

`detect` turns a text into findings (kind, exact span, negated or not, environment); `scan` applies it
to the records the policy reads; `as_evidence` keeps only what a person reading the record would see and
what is not addressed to an automated agent; `metrics` measures the detector on labelled lines.
"""

from .detect import PUBLIC_KINDS, Finding, detect, kinds_in, prepare
from .evidence import Hit, as_evidence, mentioned_user_counts, normalise, scan

__all__ = [
    "PUBLIC_KINDS",
    "Finding",
    "Hit",
    "as_evidence",
    "detect",
    "kinds_in",
    "mentioned_user_counts",
    "normalise",
    "prepare",
    "scan",
]
