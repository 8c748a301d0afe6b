"""axe-core on every Local Offer page, in every language, with <html lang> and dir checked too.

axe needs JavaScript, so these pages load in contexts with JavaScript on (the htmx search page included).
One signed-in context per role per language is reused. Staff (service editors and caseworkers) need a
security code, which is accepted only once, so each language gets a fresh staff person.
"""

import itertools
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails, when a browser run is required)
    expect = None

from portal.extensions import db
from portal.local_offer import importer
from portal.local_offer.editing_forms import EDITABLE
from portal.local_offer.models import ListingReport, ListingVersion, Service, ShortlistItem
from portal.local_offer.service import is_stale
from portal.timeutil import utcnow
from tests.browser.conftest import LANGUAGES, submit
from tests.browser.test_local_offer import link_editor, load_demo_local_offer, reset_rate_limits

_numbers = itertools.count(1)


@dataclass(frozen=True)
class Visit:
    role: str  # anon, parent, empty_parent (shared people); editor, caseworker (a fresh one per language)
    path: str  # may hold {translated}, {untranslated}, {stale}, {setting}, {edited}, {version}, {item}
    submit: bool = False  # press the form's submit button (empty form, so the error summary shows)
    error: bool = False  # the page shows an error summary as it loads


PAGES = {
    "search": Visit("anon", "/local-offer/"),
    "search-filtered": Visit("anon", "/local-offer/?q=autism&need=communication-interaction&age=5-10"),
    "search-filtered-paged": Visit("anon", "/local-offer/?need=communication-interaction&page=2"),
    "search-no-results": Visit("anon", "/local-offer/?q=zzzzqqq"),
    "search-page-2": Visit("anon", "/local-offer/?page=2"),
    "service-translated": Visit("anon", "/local-offer/services/{translated}"),
    "service-untranslated": Visit("anon", "/local-offer/services/{untranslated}"),
    "service-stale": Visit("anon", "/local-offer/services/{stale}"),
    "setting": Visit("anon", "/local-offer/services/{setting}"),
    "settings": Visit("anon", "/local-offer/settings/"),
    "settings-tailored": Visit("anon", "/local-offer/settings/?age=7&need=communication-interaction"),
    "settings-error": Visit("anon", "/local-offer/settings/?age=abc", error=True),
    "shortlist-empty": Visit("empty_parent", "/local-offer/shortlist/"),
    "shortlist": Visit("parent", "/local-offer/shortlist/"),
    "shortlist-note": Visit("parent", "/local-offer/shortlist/{item}"),
    "shortlist-print": Visit("parent", "/local-offer/shortlist/print"),
    "report": Visit("anon", "/local-offer/services/{untranslated}/report"),
    "report-with-errors": Visit("anon", "/local-offer/services/{untranslated}/report", submit=True),
    "report-sent": Visit("anon", "/local-offer/services/{untranslated}/report/sent"),
    "editor-listings": Visit("editor", "/edit/local-offer/"),
    "editor-change-listing": Visit("editor", "/edit/local-offer/services/{edited}"),
    "editor-proposal": Visit("editor", "/edit/local-offer/changes/{version}"),
    "staff-changes": Visit("caseworker", "/staff/local-offer/changes"),
    "staff-change-review": Visit("caseworker", "/staff/local-offer/changes/{version}"),
    "staff-listing-history": Visit("caseworker", "/staff/local-offer/services/{edited}/history"),
    "staff-reports": Visit("caseworker", "/staff/local-offer/reports"),
}


@dataclass
class Setup:
    values: dict  # the path placeholders, except {translated}
    translated: dict  # language -> a service translated into it (for English: one with translations)
    organisation_id: str  # the organisation every editor here is linked to
    people: dict


def _first(services, test):
    return next(s.id for s in services if test(s))


@pytest.fixture(scope="module")
def setup(live_server):
    """The demo Local Offer plus what the signed-in pages show: a shortlist, a proposal, a report."""
    load_demo_local_offer(live_server)
    people = {
        "parent": live_server.make_user("lo.a11y.parent@example.org", ("parent",)),
        "empty_parent": live_server.make_user("lo.a11y.empty.parent@example.org", ("parent",)),
        "proposer": live_server.make_user("lo.a11y.proposer@example.org", ("service_editor",)),
        "decider": live_server.make_user("lo.a11y.decider@example.org", ("caseworker",)),
    }
    with live_server.app.app_context():
        services = db.session.scalars(select(Service).order_by(Service.id)).all()
        plain = [s for s in services if s.kind == "service"]
        translated = {
            language: _first(plain, lambda s, language=language: s.translation(language) is not None)
            for language in LANGUAGES
            if language != "en"
        }
        translated["en"] = _first(plain, lambda s: bool(s.translations))
        untranslated = _first(plain, lambda s: not s.translations and not is_stale(s))
        stale = _first(plain, is_stale)
        settings = [s for s in services if s.kind == "setting"]
        setting = next((s.id for s in settings if s.translations), settings[0].id)
        # The listing the editors here change (not one the other pages show).
        edited = db.session.get(
            Service,
            _first(plain, lambda s: not s.translations and not is_stale(s) and s.id != untranslated),
        )

        # A pending change (with a summary and an age changed) and an older rejected one.
        current = importer.snapshot(edited)
        base = {f: current.get(f) for f in EDITABLE if f in current}
        pending = ListingVersion(
            service_id=edited.id,
            proposed_by=people["proposer"].id,
            data={
                **current,
                "summary": current["summary"] + " Now open on Saturdays too.",
                "max_age": min(int(current["max_age"]) + 1, 25),
                "base": base,
            },
        )
        rejected = ListingVersion(
            service_id=edited.id,
            proposed_by=people["proposer"].id,
            data={**current, "phone": "01632 960000", "base": base},
            status="rejected",
            decided_by=people["decider"].id,
            decided_at=utcnow(),
            reason="The new phone number does not answer.",
        )
        report = ListingReport(
            service_id=untranslated,
            message="The drop-in has moved to Tuesdays.",
            reply_to="someone@example.org",
        )
        items = [
            ShortlistItem(user_id=people["parent"].id, service_id=translated["ur"], note=""),
            ShortlistItem(
                user_id=people["parent"].id,
                service_id=untranslated,
                note="Ask about the waiting list.",
            ),
        ]
        db.session.add_all([rejected, pending, report, *items])
        db.session.commit()
        values = {
            "untranslated": untranslated,
            "stale": stale,
            "setting": setting,
            "edited": edited.id,
            "version": pending.id,
            "item": items[1].id,
        }
        organisation_id = edited.organisation_id
    link_editor(live_server, people["proposer"].id, organisation_id)
    return Setup(values, translated, organisation_id, people)


class RoleContexts:
    """One JavaScript-enabled context per role for the current language; closed when the language changes."""

    def __init__(self, contexts, live_server, setup, browser_sign_in):
        self.contexts = contexts
        self.live_server = live_server
        self.setup = setup
        self.browser_sign_in = browser_sign_in
        self.language = None
        self.open = {}

    def _person(self, role: str, language: str):
        if role in self.setup.people:
            return self.setup.people[role]
        roles = {"editor": ("service_editor",), "caseworker": ("caseworker",)}[role]
        person = self.live_server.make_user(f"lo.a11y.{role}.{language}.{next(_numbers)}@example.org", roles)
        if role == "editor":
            link_editor(self.live_server, person.id, self.setup.organisation_id)
        return person

    def get(self, role: str, language: str):
        if language != self.language:
            self.close()
            self.language = language
        if role not in self.open:
            context = self.contexts.new(javascript=True)
            if role != "anon":
                page = context.new_page()
                self.browser_sign_in(page, self._person(role, language), language)
                page.close()
            self.open[role] = context
        return self.open[role]

    def close(self):
        for context in self.open.values():
            self.contexts.close(context)
        self.open.clear()


@pytest.fixture(scope="module")
def role_contexts(contexts, live_server, setup, browser_sign_in):
    shared = RoleContexts(contexts, live_server, setup, browser_sign_in)
    yield shared
    shared.close()


@pytest.fixture
def page_for(role_contexts):
    opened = []

    def open_page(role: str, language: str):
        page = role_contexts.get(role, language).new_page()
        opened.append(page)
        return page

    yield open_page
    for page in opened:
        if not page.is_closed():
            page.close()


def with_language(path: str, language: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={language}"


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_local_offer_page_is_accessible(name, language, page_for, setup, live_server, check_accessibility):
    visit = PAGES[name]
    values = {**setup.values, "translated": setup.translated[language]}
    path = with_language(visit.path.format(**values), language)
    page = page_for(visit.role, language)
    response = page.goto(path)
    assert response.status == 200, f"{name}: GET {path} gave {response.status}"
    assert urlsplit(page.url).path == urlsplit(path).path, f"{name}: GET {path} ended at {page.url}"
    if visit.submit:
        reset_rate_limits(live_server)  # the report form allows 5 posts an hour from one address
        submit(page)
        page.wait_for_load_state()
    if visit.submit or visit.error:
        expect(page.locator(".govuk-error-summary")).to_be_visible()

    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "ur" else "ltr")
    expect(page.locator("h1")).to_have_count(1)
    check_accessibility(page, f"{name} ({path}) in {language}")
