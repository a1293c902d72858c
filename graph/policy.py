"""Who may do what by role: every role-based permission of Cordon as one named rule.

A rule is the set of role names (``app/accounts/roles.py`` values) that hold it; ``may``
asks it of a user. Pages, the API, the CLI and the menu read the same rule, so a role
never gains a right in one place and lacks it in another. Which *records* someone may see
(need-to-know: unit, case membership, source handling) is not a role rule: it stays in the
queries' predicates (``graph/access.py``). Below ``app`` so repositories may read it too.
"""

from __future__ import annotations

from typing import Any

from graph.errors import Forbidden

Rule = frozenset[str]

# -- administration and oversight -------------------------------------------------------------
ADMINISTER: Rule = frozenset({"admin"})  # users, units, tokens, guidelines, partners
READ_AUDIT_LOG: Rule = frozenset({"auditor", "admin"})
READ_KPIS: Rule = frozenset({"admin", "analyst", "investigator", "committee"})
SET_OBJECTIVES: Rule = frozenset({"committee", "admin"})

# -- human sources ----------------------------------------------------------------------------
HANDLE_SOURCES: Rule = frozenset({"handler"})  # may be named a source's handler
READ_SOURCES: Rule = frozenset({"handler", "admin", "analyst"})
REGISTER_SOURCES: Rule = frozenset({"handler", "admin"})
CONTROL_SOURCES: Rule = frozenset({"handler", "admin", "analyst"})  # may be named controller
GRADE_SOURCES: Rule = frozenset({"analyst"})  # besides the source's handler and controller

# -- reports ----------------------------------------------------------------------------------
# Who may enter a report on each channel (informant reports: also hold the source).
LOG_REPORTS: dict[str, Rule] = {
    "informant": frozenset({"handler", "admin"}),
    "register": frozenset({"analyst", "investigator", "auditor", "liaison", "admin"}),
    "liaison": frozenset({"liaison", "analyst", "admin"}),
    "hotline": frozenset({"analyst", "admin"}),
    "open_source": frozenset({"analyst", "investigator", "admin"}),
    "partner_agency": frozenset({"analyst", "admin"}),
}
QUICK_LOG: Rule = LOG_REPORTS["liaison"]
EVALUATE_REPORTS: Rule = frozenset({"analyst", "admin"})  # grade, disseminate, edit any
REVIEW_REPORTS: Rule = frozenset({"analyst", "admin"})  # accept or reject proposed entities
REPLY_TO_TIPS: Rule = frozenset({"analyst", "admin"})  # hotline tips
MERGE_ENTITIES: Rule = frozenset({"analyst", "admin"})

# -- dissemination and cooperation ------------------------------------------------------------
DISSEMINATE: Rule = frozenset({"analyst", "admin"})  # consent, send, sanitise, partner formats
RECEIVE_EXCHANGE: Rule = frozenset({"analyst", "admin"})  # partner messages through the API
ASSISTANCE_DESK: Rule = frozenset({"analyst", "investigator", "admin"})

# -- cases ------------------------------------------------------------------------------------
OPEN_CASES: Rule = frozenset({"analyst", "investigator", "liaison"})  # an RFI from a BCP too

# -- risk targeting, AEO and post-clearance audit ---------------------------------------------
READ_RISK: Rule = frozenset({"admin", "analyst", "investigator", "auditor", "committee"})
EDIT_RISK: Rule = frozenset({"admin", "committee"})  # profiles, thresholds, models
EXAMINE_DECLARATIONS: Rule = READ_RISK | {"liaison"}  # scores, control results
REGRADE_SOURCES: Rule = frozenset({"admin", "handler"})  # from the risk feedback
READ_AEO: Rule = READ_RISK
EDIT_AEO: Rule = frozenset({"admin", "committee"})
READ_PCA: Rule = READ_RISK
PLAN_PCA: Rule = frozenset({"admin", "committee", "auditor", "analyst"})


def may(user: Any, rule: Rule) -> bool:
    """Whether ``user`` (anything with a ``role``; anonymous: no role) holds ``rule``."""
    return str(getattr(user, "role", "") or "") in rule


def require(user: Any, rule: Rule, why: str, field: str | None = None) -> None:
    """Raise :class:`Forbidden` with ``why`` (the message people read) unless ``user`` holds
    ``rule``; answered 403 by app/errors.py."""
    if not may(user, rule):
        raise Forbidden(why, field)
