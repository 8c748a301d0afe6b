"""Friendly, translated error pages. No stack trace, SQL or path ever reaches a page."""

from contextlib import suppress

from flask import Flask, current_app, g, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from portal.extensions import db

PAGES = {400, 403, 404, 405, 413, 429, 500, 503}


def _render(status: int):
    template = f"errors/{status}.html" if status in PAGES else "errors/generic.html"
    return render_template(template, status=status), status


def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    return _render(error.code)


def _csrf_error(_error: CSRFError):
    return _render(400)


def _database_unavailable(error: Exception):
    current_app.logger.error("database unavailable: %s", type(error).__name__)
    g.skip_user = True
    with suppress(DBAPIError):
        db.session.rollback()
    return _render(503)


def _server_error(error: Exception):
    g.skip_user = True
    original = getattr(error, "original_exception", None) or error
    if isinstance(original, OperationalError):
        return _database_unavailable(original)
    with suppress(DBAPIError):
        db.session.rollback()
    return _render(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(500, _server_error)
