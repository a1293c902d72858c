"""Flask extensions, created once and bound in the factory."""

from flask_login import LoginManager
from flask_wtf import CSRFProtect

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to continue."
login_manager.session_protection = "strong"

csrf = CSRFProtect()

__all__ = ["csrf", "login_manager"]
