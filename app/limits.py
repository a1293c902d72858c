"""Rate limits (Flask-Limiter): in memory by default, shared storage when several
processes serve (set RATELIMIT_STORAGE_URI, e.g. redis://localhost:6379)."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
