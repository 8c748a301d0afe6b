"""Every error page is friendly, translated, and shows no trace."""

import pytest
from flask import abort
from sqlalchemy import text

from portal import create_app
from portal.extensions import db
from tests.pages import Client, Page

TRACE_MARKERS = ("Traceback", 'File "', "sqlalchemy", "OperationalError", "/work/", "site-packages")


def assert_friendly(page, heading):
    assert page.h1 == heading
    for marker in TRACE_MARKERS:
        assert marker not in page.html


@pytest.fixture
def app_with_test_routes(app_config):
    app = create_app({**app_config, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/_test/abort/<int:code>")
    def _abort(code):
        abort(code)

    @app.get("/_test/crash")
    def _crash():
        raise RuntimeError("secret internal detail /work/main/portal")

    for view in (_abort, _crash):
        view.is_public = True
    with app.app_context():
        if app_config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def test_client(app_with_test_routes):
    return Client(app_with_test_routes.test_client())


def test_400_missing_csrf(client):
    response = client.post("/account/register", {"email": "a@example.org"})
    assert response.status_code == 400
    assert_friendly(Page(response).check(), "Sorry, there is a problem with that request")


def test_403_role(client, make_user, sign_in):
    sign_in(make_user())
    page = client.get("/admin/users", expect=403)
    assert_friendly(page, "You do not have permission to see this page")


def test_404(client):
    assert_friendly(client.get("/no-such-page", expect=404), "Page not found")


def test_404_translated(client):
    assert_friendly(client.get("/no-such-page?lang=pl", expect=404), "Nie znaleziono strony")


def test_405(client):
    response = client.raw.get("/account/logout")
    assert response.status_code == 405


def test_413_too_large(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/account/login", {"email": "x" * 5000})
    assert response.status_code == 413
    assert_friendly(Page(response).check(), "The file is too big")


def test_429_after_failed_sign_ins(client, make_user, app):
    app.config["RATELIMIT_SIGN_IN_ACCOUNT"] = "3 per 15 minutes"
    make_user()
    for _ in range(3):
        page = client.submit("/account/login", {"email": "parent@example.org", "password": "wrong"})
        assert page.status == 200
    page = client.submit(
        "/account/login", {"email": "parent@example.org", "password": "correct horse battery"}
    )
    assert page.status == 429
    assert_friendly(page, "Too many attempts")


def test_500_crash(test_client):
    page = test_client.get("/_test/crash", expect=500)
    assert_friendly(page, "Sorry, there is a problem with the service")
    assert "secret internal detail" not in page.html


def test_500_translated(test_client):
    page = test_client.get("/_test/crash?lang=ro", expect=500)
    assert page.soup.html["lang"] == "ro"
    assert page.h1 != "Sorry, there is a problem with the service"


@pytest.mark.parametrize("code", [400, 403, 404, 413, 429, 500, 503])
def test_every_error_page_renders(test_client, code):
    page = test_client.get(f"/_test/abort/{code}", expect=code)
    assert page.h1
    assert page.links()["Go to the start page"] == "/"


def test_503_when_the_database_is_down(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "PROPAGATE_EXCEPTIONS": False,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing-folder/portal.db",
        }
    )

    @app.get("/_test/reads-database")
    def _reads():
        return str(db.session.scalar(text("SELECT 1")))

    _reads.is_public = True
    client = Client(app.test_client())
    health = client.raw.get("/healthz")
    assert health.status_code == 503
    assert health.json == {"status": "unavailable", "database": "down"}
    page = client.get("/_test/reads-database", expect=503)
    assert_friendly(page, "Sorry, the service is unavailable")
    assert page.title.startswith("Sorry, the service is unavailable")


def test_429_per_address_across_many_accounts(client, app):
    app.config["RATELIMIT_SIGN_IN_ADDRESS"] = "4 per 15 minutes"
    for n in range(4):
        page = client.submit("/account/login", {"email": f"guess{n}@example.org", "password": "wrong"})
        assert page.status == 200
    page = client.submit("/account/login", {"email": "another@example.org", "password": "wrong"})
    assert page.status == 429
    # Another address is not affected.
    other = client.raw.get("/account/login", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200
