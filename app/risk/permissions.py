"""Who may do what in risk targeting: the one copy of its role sets (pages, menu, API, CLI).

Every role may score a declaration (the lane is the same whoever asks).
"""

from typing import Any

from flask_babel import gettext as _

from app.accounts.roles import Role

READ_ROLES = frozenset({Role.ADMIN, Role.ANALYST, Role.INVESTIGATOR, Role.AUDITOR,
                        Role.COMMITTEE})
EDIT_ROLES = frozenset({Role.ADMIN, Role.COMMITTEE})
EXAMINE_ROLES = READ_ROLES | {Role.LIAISON}
REGRADE_ROLES = frozenset({Role.ADMIN, Role.HANDLER})


class RiskForbidden(PermissionError):
    """The caller's role may not do this."""


def authorize(user: Any, roles: frozenset[str]) -> None:
    if str(getattr(user, "role", "")) not in roles:
        raise RiskForbidden(_("role %(value)s may not do this", value=getattr(user, 'role', '?')))
