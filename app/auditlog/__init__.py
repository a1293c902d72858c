"""The audit log page: auditors and administrators browse the hash-chained log."""

from flask import Blueprint, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.navigation import nav_item
from graph import policy

bp = Blueprint("auditlog", __name__)
nav_item("auditlog.index", _l("Audit log"), roles=policy.READ_AUDIT_LOG, order=85)


@bp.before_request
def require_audit_role():
    if not current_user.is_authenticated or not policy.may(current_user, policy.READ_AUDIT_LOG):
        abort(403)


from app.auditlog import routes  # noqa: E402, F401
