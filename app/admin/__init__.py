from flask import Blueprint, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.navigation import nav_item
from graph import policy

bp = Blueprint("admin", __name__)
nav_item("admin.users", _l("Users"), roles=policy.ADMINISTER, order=90)
nav_item("admin.units", _l("Units"), roles=policy.ADMINISTER, order=91)
nav_item("admin.tokens", _l("Tokens"), roles=policy.ADMINISTER, order=92)
nav_item("admin.guidelines", _l("Guidelines"), roles=policy.ADMINISTER, order=93)
nav_item("admin.partners", _l("Partners"), roles=policy.ADMINISTER, order=94)


@bp.before_request
def require_admin():
    if not current_user.is_authenticated or not policy.may(current_user, policy.ADMINISTER):
        abort(403)


from app.admin import partners, routes  # noqa: E402, F401
