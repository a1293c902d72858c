"""The risk pages', API's and CLI's refusal: a role rule of graph/policy.py not held.

Every role may score a declaration (the lane is the same whoever asks).
"""

from typing import Any

from flask_babel import gettext as _

from graph.errors import Forbidden
from graph.policy import Rule, may


class RiskForbidden(Forbidden, PermissionError):
    """The caller's role may not do this (403 wherever it is not caught)."""


def authorize(user: Any, rule: Rule) -> None:
    if not may(user, rule):
        raise RiskForbidden(_("role %(value)s may not do this", value=getattr(user, 'role', '?')))
