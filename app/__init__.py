"""Cordon: intelligence case management and risk targeting for customs administrations."""

from __future__ import annotations

import importlib
from typing import Any

from flask import Flask, redirect, request, url_for
from flask_login import current_user

from app.extensions import csrf, login_manager
from app.hotline import anonymise
from app.jsonprovider import StrictJSONProvider
from app.limits import limiter
from config import Config, config_for_environment, instance_secret
from graph.db import Neo4jExtension
from graph.private import private_folder

# Feature packages (each exposes ``bp``) and where they mount. API modules of features
# import into app.api, so "app.api" mounts them all under /api/v1.
FEATURES: list[tuple[str, str | None]] = [
    ("app.auth", None),
    ("app.main", None),
    ("app.admin", "/admin"),
    ("app.api", "/api/v1"),
    ("app.hotline", "/hotline"),
    ("app.dissemination", "/dissemination"),
    ("app.cooperation", "/cooperation"),
    ("app.merges", "/merges"),
    ("app.intake", "/reports"),
    ("app.sources", "/sources"),
    ("app.entities", None),
    ("app.declarations", None),
    ("app.exchange", None),
    ("app.cases", None),
    ("app.watch", None),
    ("app.kpi", "/kpi"),
    ("app.risk", "/risk"),
    ("app.pca", None),
    ("app.aeo", None),
    ("app.auditlog", "/audit"),
    ("app.evidence", None),
    ("app.assistance", None),
]

# Endpoints a stranger may reach; everything else requires a signed-in officer, so a new
# page is protected without anyone remembering to protect it.
PUBLIC_ENDPOINTS = {"static", "auth.login", "auth.second_factor", "main.healthz"}
PUBLIC_BLUEPRINTS = {"api", "hotline"}  # the API checks bearer tokens itself


def _home_country(code: str | None) -> None:
    from graph.vocabulary import is_country_code
    from nlp import set_home_region

    if code and not is_country_code(code.strip().upper()):
        raise ValueError(f"CORDON_COUNTRY={code!r} is not an ISO 3166-1 alpha-2 country code")
    set_home_region(code)


def create_app(
    config: type[Config] | None = None, overrides: dict[str, Any] | None = None
) -> Flask:
    app = Flask(__name__, instance_path=None)
    app.json = StrictJSONProvider(app)
    app.config.from_object(config or config_for_environment())
    app.config.update(overrides or {})
    data_dir = private_folder(app.config["CORDON_DATA"])  # 0700: the register's files
    # bodies past the upload limit (and a margin for a form's fields) stop while being read
    app.config["MAX_CONTENT_LENGTH"] = (max(int(app.config["MAX_UPLOAD_MB"]), 15) + 1) * 2**20
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(data_dir)

    _home_country(app.config.get("CORDON_COUNTRY"))
    Neo4jExtension(app)
    login_manager.init_app(app)
    # First of all request hooks, ahead of CSRF: a tipster's address never reaches a log.
    app.before_request(anonymise)
    csrf.init_app(app)
    limiter.init_app(app)

    from app import errors, i18n, sessions, templating
    from app.cli import register_cli
    from app.navigation import items_for

    for module_name, url_prefix in FEATURES:
        blueprint = importlib.import_module(module_name).bp
        app.register_blueprint(blueprint, url_prefix=url_prefix)
    csrf.exempt(app.blueprints["api"])  # bearer tokens only, never cookies: no CSRF exposure
    errors.register(app)
    i18n.init_app(app)
    templating.init_app(app)
    sessions.register(app)
    register_cli(app)
    app.jinja_env.globals["nav_items"] = items_for

    @app.before_request
    def require_login():
        if request.endpoint is None:
            return None  # unknown URL: let the router answer 404
        if request.endpoint in PUBLIC_ENDPOINTS or request.blueprint in PUBLIC_BLUEPRINTS:
            return None
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return None

    @app.after_request
    def security_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
            "form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app
