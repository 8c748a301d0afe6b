"""The SEND family portal: create_app() builds the Flask application."""

import os
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import config as portal_config
from portal.extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` overrides settings read from the environment (tests use it)."""
    app = Flask(__name__, static_folder=str(ROOT / "static"), static_url_path="/static")
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(portal_config.load(app.instance_path))
    if config:
        app.config.update(config)
    _trust_proxies(app)

    app.jinja_loader = ChoiceLoader(
        [
            app.jinja_loader,
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.do")

    _init_extensions(app)
    _register_blueprints(app)

    from portal import cli, errors, security, web

    web.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind load balancers, take the client's address, scheme and host from their X-Forwarded-* headers.

    Only as many hops as PORTAL_TRUSTED_PROXIES says: with 0 (the default) the headers are ignored, since
    anyone can send them when the app is reached directly.
    """
    hops = int(app.config.get("PORTAL_TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _init_extensions(app: Flask) -> None:
    from portal.accounts.service import load_session_user
    from portal.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.user_loader(load_session_user)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    limiter.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from portal.accounts.routes import bp as accounts_bp
    from portal.admin.routes import bp as admin_bp
    from portal.guides.editing import bp as guide_editing_bp
    from portal.guides.routes import bp as guides_bp
    from portal.local_offer.editing import bp as listing_editing_bp
    from portal.local_offer.oruk import bp as oruk_bp
    from portal.local_offer.routes import bp as local_offer_bp
    from portal.main.routes import bp as main_bp
    from portal.mediation.mediator import bp as mediator_bp
    from portal.mediation.routes import bp as mediation_bp
    from portal.plans.documents import bp as plan_documents_bp
    from portal.plans.routes import bp as plans_bp
    from portal.provision.routes import bp as provision_bp
    from portal.voice.routes import bp as voice_bp

    blueprints = (
        main_bp,
        accounts_bp,
        admin_bp,
        local_offer_bp,
        oruk_bp,
        listing_editing_bp,
        guides_bp,
        guide_editing_bp,
        provision_bp,
        plans_bp,
        plan_documents_bp,
        voice_bp,
        mediation_bp,
        mediator_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLite: enforce foreign keys, write-ahead log for concurrent readers, wait rather than fail on a lock.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
