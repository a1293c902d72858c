"""Entity merge and split: fuzzy duplicate proposals, reversible SAME_AS links."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.navigation import nav_item
from graph import policy

bp = Blueprint("merges", __name__)
nav_item("merges.index", _l("Duplicates"), roles=policy.MERGE_ENTITIES, order=45)

from app.merges import routes  # noqa: E402, F401
