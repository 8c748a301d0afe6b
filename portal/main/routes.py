"""The start page, content pages in the footer, and the health check."""

from flask import Blueprint, abort, render_template
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from portal.extensions import db
from portal.i18n import current_language
from portal.main.content import load_page
from portal.security import public

bp = Blueprint("main", __name__)


@bp.get("/")
@public
def index():
    return render_template("main/index.html")


@bp.get("/healthz")
@public
def healthz():
    """A real round trip to the database, for load balancers."""
    headers = {"Cache-Control": "no-store"}
    try:
        db.session.execute(text("SELECT 1"))
    except DBAPIError:
        db.session.rollback()
        return {"status": "unavailable", "database": "down"}, 503, headers
    return {"status": "ok", "database": "up"}, 200, headers


def _content_page(slug: str):
    page = load_page(slug, current_language())
    if page is None:
        abort(404)
    return render_template("main/content_page.html", page=page)


@bp.get("/accessibility")
@public
def accessibility():
    return _content_page("accessibility")


@bp.get("/privacy")
@public
def privacy():
    return _content_page("privacy")
