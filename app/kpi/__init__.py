from flask import Blueprint, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.navigation import nav_item

# Aggregates only (graph/kpi.py), but still for those who steer the intelligence system.
KPI_ROLES = {"admin", "analyst", "investigator", "committee"}

bp = Blueprint("kpi", __name__)
nav_item("kpi.dashboard", _l("KPIs"), roles=KPI_ROLES, order=60)


@bp.before_request
def require_kpi_role():
    if not current_user.is_authenticated or current_user.role.value not in KPI_ROLES:
        abort(403)


from app.kpi import routes  # noqa: E402, F401
