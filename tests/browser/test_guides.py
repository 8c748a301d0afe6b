"""Guides and provision pages in a real browser: a journey with JavaScript off, and axe in five languages."""

import pytest

from portal.extensions import db
from portal.guides.content import import_content
from portal.guides.models import GuideFeedback
from tests.browser.conftest import LANGUAGES

PAGES = {
    "guides": "/guides/",
    "guides-for-young-people": "/guides/?audience=young-people",
    "guides-search": "/guides/?q=mediation",
    "guides-search-nothing": "/guides/?q=zzzzqqq",
    "guide": "/guides/mediation-and-appeals",
    "guide-easy-read": "/guides/easy-read-your-views-matter",
    "guide-printable": "/guides/reading-your-ehc-plan?print=1",
    "provision": "/provision/",
    "provision-area": "/provision/communication-interaction",
    "provision-page": "/provision/communication-interaction?phase=primary",
}


@pytest.fixture(scope="module")
def guides_loaded(live_server):
    with live_server.app.app_context():
        import_content()
    return live_server


def test_a_parent_reads_a_guide_and_says_it_helped(guides_loaded, no_js_page):
    page = no_js_page
    page.goto("/guides/")
    page.get_by_role("link", name="Mediation and appeals").first.click()
    assert page.locator("h1").inner_text() == "Mediation and appeals"
    contents = page.locator("nav[aria-labelledby=contents-title] a")
    assert contents.count() >= 3
    first = contents.first
    target = first.get_attribute("href")
    first.click()
    assert page.url.endswith(target)
    page.locator("input[name=helpful][value=yes]").check()
    page.locator("#feedback [type=submit]").click()
    assert "Thank you for your feedback." in page.locator("main").inner_text()
    with guides_loaded.app.app_context():
        assert db.session.query(GuideFeedback).filter_by(helpful=True).count() >= 1


def test_feedback_needs_an_answer(guides_loaded, no_js_page):
    page = no_js_page
    page.goto("/guides/annual-reviews")
    page.locator("#feedback [type=submit]").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.title().startswith("Error:")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(PAGES))
def test_axe(guides_loaded, js_page, check_accessibility, name, lang):
    path = PAGES[name]
    if "provision-" in name and not _has_provision():
        pytest.skip("no provision content shipped")
    joiner = "&" if "?" in path else "?"
    response = js_page.goto(f"{path}{joiner}lang={lang}")
    assert response.status == 200, path
    assert js_page.locator("html").get_attribute("lang") == lang
    assert js_page.locator("html").get_attribute("dir") == ("rtl" if lang == "ur" else "ltr")
    check_accessibility(js_page, f"{name} [{lang}]")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_feedback_errors(guides_loaded, js_page, check_accessibility, lang):
    js_page.goto(f"/guides/annual-reviews?lang={lang}")
    js_page.locator("#feedback [type=submit]").click()
    js_page.wait_for_load_state()
    assert js_page.locator(".govuk-error-summary").count() == 1
    check_accessibility(js_page, f"guide feedback errors [{lang}]")


def _has_provision() -> bool:
    from portal.guides.content import CONTENT

    return any((CONTENT / "provision").glob("*/*/en.md"))
