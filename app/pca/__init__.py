"""Post-clearance audit: the audit plan (traders ranked by risk over a period with their
indicators), audits assigned as tasks, and their findings recorded as controls."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.navigation import nav_item
from graph import policy

bp = Blueprint("pca", __name__)

nav_item("pca.plan", _l("Post-clearance audit"), roles=policy.READ_PCA, order=61,
         pinned={"auditor"})

from app.pca import routes  # noqa: E402, F401
