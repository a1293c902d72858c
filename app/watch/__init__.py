from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.navigation import nav_item

bp = Blueprint("watch", __name__)
nav_item("watch.index", _l("Watch list"), order=42)


def unread_notifications() -> int:
    """The count shown as "Notifications (n)" in the menu, for the signed-in officer."""
    from app.watch.service import unread_count

    return unread_count(current_user) if current_user.is_authenticated else 0


nav_item("watch.notifications", _l("Notifications"), order=43, badge=unread_notifications,
         pinned=None)

from app.watch import routes  # noqa: E402, F401
