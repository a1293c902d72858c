"""The audit log page: auditors and administrators browse the hash-chained log."""

from flask import Blueprint, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auditlog.service import AUDIT_ROLES
from app.navigation import nav_item

bp = Blueprint("auditlog", __name__)
nav_item("auditlog.index", _l("Audit log"), roles=set(AUDIT_ROLES), order=85)


@bp.before_request
def require_audit_role():
    if not current_user.is_authenticated or current_user.role.value not in AUDIT_ROLES:
        abort(403)


from app.auditlog import routes  # noqa: E402, F401
