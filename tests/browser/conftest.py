"""Real-browser fixtures: the portal on a live local server, driven by headless Chromium (Playwright).

Browser tests skip when Chromium or Playwright is missing, unless PORTAL_REQUIRE_BROWSER=1 or CI=true:
then they fail, so a CI run can never pass by quietly skipping them.
"""

import os
import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from flask_babel import force_locale
from flask_babel import gettext as babel_gettext
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from portal import create_app
from portal.accounts.models import User
from portal.accounts.service import hash_password
from portal.extensions import db
from portal.outbox import OutboxMessage
from portal.timeutil import utcnow

HERE = Path(__file__).resolve().parent
PASSWORD = "correct horse battery"
LANGUAGES = ["en", "ur", "pl", "pa", "ro"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
TIMEOUT_MS = 15_000
SIGN_OUT = "nav form[action='/account/logout'] [type=submit]"  # the "Sign out" button, in any language


# Availability: skip by default, fail when a browser run is required.


def _chromium_path() -> str | None:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _missing() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    reasons = []
    if _chromium_path() is None:
        reasons.append("Chromium not found (/usr/bin/chromium or `chromium` on PATH)")
    try:
        import axe_playwright_python.sync_playwright  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        reasons.append(f"Python package missing: {error.name} (pip install -e '.[dev]')")
    return "; ".join(reasons) or None


def _browser_required() -> bool:
    return os.environ.get("PORTAL_REQUIRE_BROWSER") == "1" or os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


# The live server.


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # no access log lines in the test output
        pass


class _Late:
    """A WSGI app set after the server has chosen its port (so the app knows its real base URL)."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@dataclass
class Person:
    id: int
    email: str
    password: str
    totp_secret: str | None


class LiveServer:
    def __init__(self, app, base_url: str):
        self.app = app
        self.base_url = base_url

    def url(self, path: str) -> str:
        return self.base_url + path

    def make_user(self, email, roles=("parent",), *, totp=None, confirmed=True, language="en") -> Person:
        """Create a person straight in the database. Staff get a TOTP secret unless totp=False."""
        with self.app.app_context():
            user = User(email=email, password_hash=hash_password(PASSWORD), preferred_language=language)
            user.set_roles(set(roles))
            user.email_confirmed_at = utcnow() if confirmed else None
            if totp or (totp is None and user.is_staff):
                user.totp_secret = pyotp.random_base32()
            db.session.add(user)
            db.session.commit()
            return Person(user.id, user.email, PASSWORD, user.totp_secret)

    def user(self, user_id: int) -> User:
        """A fresh copy of a person's row (read-only use; detached after the call)."""
        with self.app.app_context():
            user = db.session.get(User, user_id)
            db.session.expunge(user)
            return user

    def next_code(self, person: Person) -> str:
        """The next security code the portal will accept for this person (never the same step twice)."""
        with self.app.app_context():
            last_step = db.session.get(User, person.id).totp_last_step
        totp = pyotp.TOTP(person.totp_secret)
        step = int(utcnow().timestamp() // totp.interval)
        if last_step is not None and last_step >= step:
            step = last_step + 1
        return totp.at(step * totp.interval)

    def last_email(self, address: str) -> OutboxMessage:
        with self.app.app_context():
            message = db.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.to_address == address)
                .order_by(OutboxMessage.id.desc())
            ).first()
            assert message is not None, f"no email in the outbox for {address}"
            db.session.expunge(message)
            return message

    def link_in(self, message: OutboxMessage, path_prefix: str) -> str:
        match = re.search(re.escape(self.base_url + path_prefix) + r"\S+", message.body)
        assert match, f"no {self.base_url}{path_prefix}… link in the email:\n{message.body}"
        return match.group(0)

    def text(self, message: str, language: str, **values) -> str:
        """A UI string as the portal shows it in a language (English until it is translated)."""
        with self.app.test_request_context(), force_locale(language):
            return babel_gettext(message, **values)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    holder = _Late()
    server = make_server("127.0.0.1", 0, holder, threaded=True, request_handler=_QuietHandler)
    base_url = f"http://127.0.0.1:{server.server_port}"
    database = tmp_path_factory.mktemp("browser-db") / "portal.db"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "SECRET_KEY": "browser-test-secret-key",
            "RATELIMIT_STORAGE_URI": "memory://",
            "PORTAL_BASE_URL": base_url,
        }
    )
    with app.app_context():
        db.create_all()
    holder.app = app
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(app, base_url)
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# The browser.


@pytest.fixture(scope="session")
def browser():
    missing = _missing()
    if missing:
        message = f"Browser tests cannot run: {missing}."
        if _browser_required():
            pytest.fail(message + " PORTAL_REQUIRE_BROWSER=1 or CI=true requires them.", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class Contexts:
    """Opens browser contexts and closes every one of them at the end."""

    def __init__(self, browser, live_server):
        self.browser = browser
        self.live_server = live_server
        self.opened = []

    def new(self, *, javascript: bool):
        context = self.browser.new_context(
            base_url=self.live_server.base_url,
            java_script_enabled=javascript,
            locale="en-GB",
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        self.opened.append(context)
        return context

    def close(self, context):
        if context in self.opened:
            self.opened.remove(context)
            context.close()

    def close_all(self):
        while self.opened:
            self.opened.pop().close()


@pytest.fixture(scope="session")
def contexts(browser, live_server):
    opener = Contexts(browser, live_server)
    yield opener
    opener.close_all()


@pytest.fixture
def no_js_page(contexts):
    """A fresh page in a fresh context with JavaScript turned off: what every journey uses."""
    context = contexts.new(javascript=False)
    page = context.new_page()
    yield page
    contexts.close(context)


@pytest.fixture
def js_page(contexts):
    """A fresh page in a fresh context with JavaScript on (keyboard checks, axe)."""
    context = contexts.new(javascript=True)
    page = context.new_page()
    yield page
    contexts.close(context)


# Signing in through the real forms.


def submit(page):
    """Press the submit button of the form in <main> (whatever language its label is in)."""
    page.locator("main form[method=post] [type=submit]").first.click()


@pytest.fixture(scope="session")
def browser_sign_in_password():
    """Sign in with email and password only (staff then stop at the security code page)."""

    def do(page, person: Person, lang: str | None = None):
        page.goto("/account/login" + (f"?lang={lang}" if lang else ""))
        page.locator("input[name=email]").fill(person.email)
        page.locator("input[name=password]").fill(person.password)
        submit(page)
        page.wait_for_load_state()

    return do


@pytest.fixture(scope="session")
def browser_sign_in(live_server, browser_sign_in_password):
    """Sign in through the real forms, including the security code for staff."""

    def do(page, person: Person, lang: str | None = None):
        from playwright.sync_api import expect

        browser_sign_in_password(page, person, lang)
        if person.totp_secret:
            page.locator("input[name=code]").fill(live_server.next_code(person))
            submit(page)
            page.wait_for_load_state()
        expect(page.locator(SIGN_OUT), f"{person.email} signed in").to_have_count(1)

    return do


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture(scope="session")
def check_accessibility(axe):
    """Run axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on a loaded page; fail listing every violation."""

    def check(page, where: str):
        page.wait_for_load_state("load")
        results = axe.run(page, options=AXE_OPTIONS)
        assert results.violations_count == 0, f"{where}:\n{results.generate_report()}"
        return results

    return check
