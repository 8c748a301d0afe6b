"""Security headers pinned exactly, cookies, CSRF, and the no-store rule for signed-in pages."""

import re

import pytest

from portal import create_app
from portal.extensions import db
from portal.security import content_security_policy

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=()"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
}
CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


def test_headers_are_exactly_these(client):
    response = client.raw.get("/")
    for name, value in EXPECTED.items():
        assert response.headers[name] == value
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert policy == CSP.format(nonce=nonce)
    assert content_security_policy(nonce) == policy
    assert "unsafe-inline" not in policy
    # Development and testing: no HSTS (it would pin a local address to https).
    assert "Strict-Transport-Security" not in response.headers
    assert "Cache-Control" not in response.headers


def test_nonce_is_new_on_every_response(client):
    first = client.raw.get("/").headers["Content-Security-Policy"]
    second = client.raw.get("/").headers["Content-Security-Policy"]
    assert first != second


def test_every_script_carries_the_nonce(client):
    page = client.get("/")
    scripts = page.soup.find_all("script")
    assert len(scripts) == 3
    assert all(script["nonce"] == page._nonce() for script in scripts)


@pytest.fixture
def production_app(app_config, monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-production-secret")
    app = create_app({k: v for k, v in app_config.items() if k != "TESTING"})
    with app.app_context():
        if app_config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_production_adds_hsts_and_secure_cookies(production_app, make_user):
    client = production_app.test_client()
    response = client.get("/", base_url="https://portal.example")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert production_app.config["SESSION_COOKIE_SECURE"] is True
    response = client.get("/account/login?lang=pl", base_url="https://portal.example")
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("portal_session="))
    lang_cookie = next(c for c in cookies if c.startswith("lang="))
    for cookie in (session_cookie, lang_cookie):
        assert "Secure" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie


def test_session_cookie_flags_in_development(client):
    response = client.raw.get("/account/login")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("portal_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_signed_in_pages_are_never_cached(client, make_user, sign_in):
    sign_in(make_user())
    for path in ("/", "/account/profile", "/no-such-page"):
        response = client.raw.get(path)
        assert response.headers["Cache-Control"] == "no-store", path


def test_form_without_csrf_token_is_refused(client, make_user):
    make_user()
    response = client.post(
        "/account/login", {"email": "parent@example.org", "password": "correct horse battery"}
    )
    assert response.status_code == 400
    assert "Sorry, there is a problem with that request" in response.get_data(as_text=True)
