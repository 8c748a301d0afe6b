"""axe-core on every page, in every language, with <html lang> and dir checked too.

axe needs JavaScript, so these pages load in contexts with JavaScript on (the journeys run with it off).
One signed-in context per role per language is reused; staff part-way through sign-in get a fresh one.
"""

import itertools
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails, when a browser run is required)
    expect = None

from portal.accounts.models import User
from portal.accounts.service import make_reset_token
from portal.extensions import db
from tests.browser.conftest import LANGUAGES, submit

_numbers = itertools.count(1)
CONTENT_PAGES_PENDING = "content/pages/{slug}/ has no page yet (the content is still being written)"


@dataclass(frozen=True)
class Visit:
    role: str  # anon, parent, admin (shared per language); two_factor, two_factor_setup (fresh each time)
    path: str  # may hold {reset_token} or {user_id}
    status: int = 200
    submit: bool = False  # press the form's submit button (empty form, so the error summary shows)
    content: bool = False  # a markdown content page: skipped while its file does not exist yet


PAGES = {
    "start": Visit("anon", "/"),
    "accessibility-statement": Visit("anon", "/accessibility", content=True),
    "privacy-notice": Visit("anon", "/privacy", content=True),
    "sign-in": Visit("anon", "/account/login"),
    "sign-in-with-errors": Visit("anon", "/account/login", submit=True),
    "register": Visit("anon", "/account/register"),
    "register-with-errors": Visit("anon", "/account/register", submit=True),
    "check-your-email": Visit("anon", "/account/register/check-email"),
    "reset-request": Visit("anon", "/account/reset"),
    "reset-password": Visit("anon", "/account/reset/{reset_token}"),
    "link-expired": Visit("anon", "/account/confirm/not-a-token", status=404),
    "two-factor": Visit("two_factor", "/account/two-factor"),
    "two-factor-with-errors": Visit("two_factor", "/account/two-factor", submit=True),
    "two-factor-setup": Visit("two_factor_setup", "/account/two-factor/setup"),
    "profile": Visit("parent", "/account/profile"),
    "change-password": Visit("parent", "/account/password"),
    "my-data": Visit("parent", "/account/my-data"),
    "admin-users": Visit("admin", "/admin/users"),
    "admin-user": Visit("admin", "/admin/users/{user_id}"),
    "not-found": Visit("anon", "/no-such-page", status=404),
    "forbidden": Visit("parent", "/admin/users", status=403),
}


@pytest.fixture(scope="session")
def people(live_server):
    return {
        "parent": live_server.make_user("a11y.parent@example.org", ("parent",)),
        "two_factor": live_server.make_user("a11y.caseworker@example.org", ("caseworker",), totp=True),
        "two_factor_setup": live_server.make_user("a11y.new.staff@example.org", ("caseworker",), totp=False),
        "reset": live_server.make_user("a11y.reset@example.org", ("parent",)),
    }


@pytest.fixture(scope="session")
def path_values(live_server, people):
    app = live_server.app
    with app.test_request_context():
        token = make_reset_token(db.session.get(User, people["reset"].id))
    return {"reset_token": token, "user_id": people["parent"].id}


class SignedInContexts:
    """One JavaScript-enabled context per role for the current language; closed when the language changes."""

    def __init__(self, contexts, live_server, people, browser_sign_in):
        self.contexts = contexts
        self.live_server = live_server
        self.people = people
        self.browser_sign_in = browser_sign_in
        self.language = None
        self.open = {}

    def get(self, role: str, language: str):
        if language != self.language:
            self.close()
            self.language = language
        if role not in self.open:
            context = self.contexts.new(javascript=True)
            if role != "anon":
                # A fresh staff person per sign-in: a security code is accepted only once.
                person = self.people.get(role) or self.live_server.make_user(
                    f"a11y.{role}.{language}.{next(_numbers)}@example.org", (role,)
                )
                page = context.new_page()
                self.browser_sign_in(page, person, language)
                page.close()
            self.open[role] = context
        return self.open[role]

    def close(self):
        for context in self.open.values():
            self.contexts.close(context)
        self.open.clear()


@pytest.fixture(scope="session")
def signed_in(contexts, live_server, people, browser_sign_in):
    shared = SignedInContexts(contexts, live_server, people, browser_sign_in)
    yield shared
    shared.close()


@pytest.fixture
def page_for(contexts, signed_in, people, browser_sign_in_password):
    """A page for a role: shared contexts for most roles, a fresh one for staff part-way through sign-in."""
    opened = []

    def open_page(role: str, language: str):
        if role in ("two_factor", "two_factor_setup"):
            context = contexts.new(javascript=True)
            opened.append(context)
            page = context.new_page()
            browser_sign_in_password(page, people[role], language)
            return page
        page = signed_in.get(role, language).new_page()
        opened.append(page)
        return page

    yield open_page
    for thing in opened:
        if thing in contexts.opened:
            contexts.close(thing)
        else:
            thing.close()


def with_language(path: str, language: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={language}"


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_page_is_accessible(name, language, page_for, path_values, check_accessibility):
    visit = PAGES[name]
    path = with_language(visit.path.format(**path_values), language)
    page = page_for(visit.role, language)
    response = page.goto(path)
    if visit.content and response.status == 404:
        pytest.skip(CONTENT_PAGES_PENDING.format(slug=visit.path.strip("/")))
    assert response.status == visit.status, f"{name}: GET {path} gave {response.status}"
    assert urlsplit(page.url).path == urlsplit(path).path, f"{name}: GET {path} ended at {page.url}"
    if visit.submit:
        submit(page)
        expect(page.locator(".govuk-error-summary")).to_be_visible()

    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "ur" else "ltr")
    expect(page.locator("h1")).to_have_count(1)
    check_accessibility(page, f"{name} ({path}) in {language}")
