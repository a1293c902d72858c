from flask import Blueprint, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.navigation import nav_item

bp = Blueprint("admin", __name__)
nav_item("admin.users", _l("Users"), roles={"admin"}, order=90)
nav_item("admin.units", _l("Units"), roles={"admin"}, order=91)
nav_item("admin.tokens", _l("Tokens"), roles={"admin"}, order=92)
nav_item("admin.guidelines", _l("Guidelines"), roles={"admin"}, order=93)
nav_item("admin.partners", _l("Partners"), roles={"admin"}, order=94)


@bp.before_request
def require_admin():
    if not current_user.is_authenticated or not current_user.is_admin:
        abort(403)


from app.admin import partners, routes  # noqa: E402, F401
