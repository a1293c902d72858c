"""Cooperation with partner agencies: exchange packages sent and received.

Pages under ``/cooperation`` (an analyst's "Send to partner"), the partner register under
``/admin/partners`` (app/admin/partners.py), and the ``flask exchange`` commands.
"""

from flask import Blueprint

bp = Blueprint("cooperation", __name__, cli_group="exchange")


@bp.app_template_global()
def partner_provenance(report: dict) -> dict | None:
    """Where a report from a partner agency came from (report pages), or None."""
    from app.cooperation.service import provenance

    return provenance(report)


from app.cooperation import cli, routes  # noqa: E402, F401
