"""Cooperation with partner agencies: exchange packages sent and received.

Pages under ``/cooperation`` (an analyst's "Send to partner"), the partner register under
``/admin/partners`` (app/admin/partners.py), and the ``flask exchange`` commands.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.navigation import nav_item
from graph import policy

bp = Blueprint("cooperation", __name__, cli_group="exchange")
nav_item("cooperation.index", _l("Cooperation"), roles=policy.DISSEMINATE, order=36)


@bp.app_template_global()
def partner_provenance(report: dict) -> dict | None:
    """Where a report from a partner agency came from (report pages), or None."""
    from app.cooperation.service import provenance

    return provenance(report)


from app.cooperation import cli, routes  # noqa: E402, F401
