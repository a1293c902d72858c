"""Flask extensions, created once and bound in the factory."""

from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from flask_wtf import CSRFProtect

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to continue.")
login_manager.localize_callback = str  # the message in the visitor's language, when flashed
login_manager.session_protection = "strong"

csrf = CSRFProtect()

__all__ = ["csrf", "login_manager"]
