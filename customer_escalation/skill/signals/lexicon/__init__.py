"""The built-in lexicon: how people describe each kind of problem, as concepts rather than phrases.

Each kind is a few families of patterns built from word classes: a *thing that can fail* (a site, an
API, a login, a page) joined to *a way it fails* (down, unavailable, "won't load", "times out"); an
*inability* ("can't", "nobody is able to") joined to *a core action* (log in, save, load, open); a
*piece of data* joined to *what went wrong with it* (lost, dropped, duplicated, wrong, over-counted,
"ended up on another page"). Words are listed once and match every inflection (see `forms.w`).

The kinds and what they mean:

- ``production_down``: a production system or core function is unavailable (every load fails, nobody can
  log in or save, an outage).
- ``degraded``: it works, but badly or intermittently (slow, timeouts, a share of requests failing).
- ``data_loss``: data lost, corrupted, duplicated or wrong (counters over-counting, edits landing on the
  wrong page, deleted rows reappearing).
- ``security``: a vulnerability, exposure, unauthorised access, leaked credentials, a compliance breach.
- ``multi_customer``: several customers, tenants or users across organisations are hit.
- ``churn_risk``: the customer may cancel, leave, evaluate competitors, or a renewal is in doubt.
- ``executive``: an executive (CEO, CTO, CFO, VP, board) is involved, asked for, or threatening.
- ``workaround_failed``: a workaround or fix was tried and did not help.
- ``feature_request``: a capability the product lacks is asked for.
- ``how_to``: a question about how to do something.
- ``test_environment``: the problem is in a test, UAT, sandbox or staging environment.
- ``resolved``: fixed, restored, working again.

The policy also reads a few kinds of its own: ``blocked`` (the customer cannot proceed), ``reputation``
and ``legal`` (PR or legal risk), ``exception`` (a refund, credit or exception to policy is asked for),
``recurring`` (it came back after a fix), ``reproduced`` and ``not_reproduced`` (support's own notes).
"""

from __future__ import annotations

from .data import DATA_LOSS_CUES, DATA_WRONG, LOST_DATA
from .outage import BLOCKED_CUES, DEGRADED_CUES, DOWN_CUES, INCONVENIENCED_CUES
from .people import CHURN_CUES, EXCEPTION_CUES, EXECUTIVE_CUES, LEGAL_CUES, MULTI_CUES, REPUTATION_CUES
from .security import SECURITY_CUES
from .states import (
    FEATURE_CUES,
    HOW_TO_CUES,
    NOT_REPRODUCED_CUES,
    RECURRING_CUES,
    REPRODUCED_CUES,
    RESOLVED_CUES,
    TEST_ENV_CUES,
    WORKAROUND_FAILED_CUES,
)

LEXICON: dict[str, tuple[str, ...]] = {
    "production_down": (DOWN_CUES,),
    "degraded": (DEGRADED_CUES,),
    "data_loss": (DATA_LOSS_CUES, DATA_WRONG, LOST_DATA),
    "security": (SECURITY_CUES,),
    "multi_customer": (MULTI_CUES,),
    "churn_risk": (CHURN_CUES,),
    "executive": (EXECUTIVE_CUES,),
    "workaround_failed": (WORKAROUND_FAILED_CUES,),
    "feature_request": (FEATURE_CUES,),
    "how_to": (HOW_TO_CUES,),
    "test_environment": (TEST_ENV_CUES,),
    "resolved": (RESOLVED_CUES,),
    "blocked": (BLOCKED_CUES,),
    "inconvenienced": (INCONVENIENCED_CUES,),
    "reputation": (REPUTATION_CUES,),
    "legal": (LEGAL_CUES,),
    "exception": (EXCEPTION_CUES,),
    "recurring": (RECURRING_CUES,),
    "reproduced": (REPRODUCED_CUES,),
    "not_reproduced": (NOT_REPRODUCED_CUES,),
}
"""Every kind and its pattern families (regular expressions, matched case-insensitively)."""

__all__ = ["LEXICON"]
