from flask import Blueprint, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.navigation import nav_item
from graph import policy

bp = Blueprint("kpi", __name__)
nav_item("kpi.dashboard", _l("KPIs"), roles=policy.READ_KPIS, order=60)


@bp.before_request
def require_kpi_role():
    if not current_user.is_authenticated or not policy.may(current_user, policy.READ_KPIS):
        abort(403)


from app.kpi import routes  # noqa: E402, F401
