"""Fixtures: an app per test on SQLite (and PostgreSQL when PORTAL_TEST_DATABASE_URL is set)."""

import os
from types import SimpleNamespace

os.environ["PORTAL_ENV"] = "testing"
os.environ.pop("DATABASE_URL", None)
os.environ.pop("REDIS_URL", None)

import pyotp
import pytest
from sqlalchemy import create_engine, event, text

from portal import create_app
from portal.accounts.models import User
from portal.accounts.service import hash_password
from portal.extensions import db, limiter
from portal.timeutil import utcnow
from tests.pages import Client

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])
PASSWORD = "correct horse battery"
PASSWORD_HASH = hash_password(PASSWORD)  # argon2id is slow on purpose: hash once for every test user


def pytest_report_header(config):
    return f"databases: {', '.join(DATABASES)}"


@pytest.fixture(scope="session")
def postgres_ready():
    """Create the schema once; a configured but unreachable PostgreSQL fails the run, never skips."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": PG_URL, "SECRET_KEY": "test"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return True


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    request.getfixturevalue("postgres_ready")
    yield PG_URL
    engine = create_engine(PG_URL)
    with engine.begin() as connection:
        tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def app_config(database_url):
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key",
        "RATELIMIT_STORAGE_URI": "memory://",
        "PORTAL_BASE_URL": "http://localhost",
    }


@pytest.fixture
def app(app_config):
    """The app, with no context left pushed: each request gets its own `g`, as in production."""
    app = create_app(app_config)
    with app.app_context():
        limiter.reset()  # the extension object (and its memory store) outlives each test's app
        if app_config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return Client(app.test_client())


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create a person; returns a plain record (id, email, roles, is_staff, totp_secret)."""

    def make(email="parent@example.org", roles=("parent",), *, confirmed=True, totp=None, language="en"):
        with app.app_context():
            user = User(email=email, password_hash=PASSWORD_HASH, preferred_language=language)
            user.set_roles(set(roles))
            user.email_confirmed_at = utcnow() if confirmed else None
            if totp or (totp is None and user.is_staff):
                user.totp_secret = pyotp.random_base32()
            db.session.add(user)
            db.session.commit()
            return SimpleNamespace(
                id=user.id,
                email=user.email,
                roles=user.roles,
                is_staff=user.is_staff,
                totp_secret=user.totp_secret,
            )

    return make


@pytest.fixture
def sign_in(app, client):
    """Sign in through the real forms, including the second factor for staff."""

    def do(user, password=PASSWORD, client=client):
        page = client.submit("/account/login", {"email": user.email, "password": password})
        if user.is_staff:
            page = client.submit("/account/two-factor", {"code": current_code(app, user.id)})
        return page

    return do


def current_code(app, user_id: int) -> str:
    """The next code the portal will accept for this user (a code is never accepted twice)."""
    with app.app_context():
        user = db.session.get(User, user_id)
        totp = pyotp.TOTP(user.totp_secret)
        step = int(utcnow().timestamp() // totp.interval)
        if user.totp_last_step is not None and user.totp_last_step >= step:
            step = user.totp_last_step + 1
        return totp.at(step * totp.interval)


@pytest.fixture
def count_queries(app):
    """Count SQL statements run inside a block: `with count_queries() as counter: ...; counter.count`."""

    class Counter:
        def __init__(self):
            self.count = 0

        def __enter__(self):
            with app.app_context():
                self.engine = db.engine
            event.listen(self.engine, "before_cursor_execute", self._hit)
            return self

        def _hit(self, *_args):
            self.count += 1

        def __exit__(self, *_exc):
            event.remove(self.engine, "before_cursor_execute", self._hit)

    return Counter
