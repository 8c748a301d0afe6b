"""Local Offer journeys in a real browser: search and shortlist, the htmx enhancement, tailored lists,
reporting a wrong listing, and a service editor's change approved by a caseworker.

Every journey runs with JavaScript off except the one that checks the enhancement itself.
"""

import itertools
import re
from pathlib import Path

import pytest
from flask_babel import force_locale, format_date
from sqlalchemy import func, select

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails, when a browser run is required)
    expect = None

from portal.extensions import db, limiter
from portal.local_offer.importer import import_path
from portal.local_offer.models import ListingReport, OrganisationEditor, Service
from portal.local_offer.service import is_stale
from portal.timeutil import utcnow
from tests.browser.conftest import SIGN_OUT

DEMO_LOCAL_OFFER = Path(__file__).resolve().parents[2] / "content" / "local-offer"
_numbers = itertools.count(1)


def unique_email(kind: str) -> str:
    return f"lo.{kind}.{next(_numbers)}@example.org"


def load_demo_local_offer(live_server) -> None:
    """The demo Local Offer (96 services, 33 settings) in the live server's database, loaded once."""
    with live_server.app.app_context():
        if not db.session.scalar(select(func.count()).select_from(Service)):
            import_path(DEMO_LOCAL_OFFER)


def reset_rate_limits(live_server) -> None:
    """Forget the report form's per-address limit (5 posts an hour), which every test shares."""
    with live_server.app.app_context():
        limiter.reset()


def link_editor(live_server, user_id: int, organisation_id: str) -> None:
    with live_server.app.app_context():
        db.session.add(OrganisationEditor(user_id=user_id, organisation_id=organisation_id))
        db.session.commit()


@pytest.fixture(scope="module", autouse=True)
def demo_local_offer(live_server):
    load_demo_local_offer(live_server)


def h1(page):
    return page.locator("h1")


def results_count(page) -> int:
    text = page.locator("#results-count").inner_text()
    match = re.match(r"(\d+) services? found", text)
    assert match, f"results count reads {text!r}"
    return int(match.group(1))


def named(visible: str, hidden: str):
    """An accessible name "visible: hidden" where ": hidden" is visually hidden text.

    Chromium puts a space before the hidden part (it is positioned absolutely), so allow one."""
    return re.compile(rf"^{re.escape(visible)} ?: {re.escape(hidden)}$")


def remove_filter(label: str):
    return named("Remove filter", label)


def flash(page):
    return page.locator(".govuk-notification-banner")


def test_parent_searches_filters_opens_a_service_and_keeps_a_shortlist(
    no_js_page, live_server, browser_sign_in
):
    page = no_js_page
    page.goto("/local-offer/")
    expect(h1(page)).to_have_text("Find SEND services near you")
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))  # JavaScript is off

    page.get_by_label("Search", exact=True).fill("autisim")
    page.locator("main").get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#results-count")).to_have_text(re.compile(r"^\d+ services? found$"))
    expect(page.locator("main")).to_contain_text("We also searched for: autism")
    searched = results_count(page)
    assert searched > 0
    assert "q=autisim" in page.url

    page.get_by_label("Communication and interaction").check()
    page.get_by_label("5 to 10 years").check()
    page.get_by_role("button", name="Apply filters").click()
    filtered = results_count(page)
    assert 0 < filtered < searched, (searched, filtered)
    chosen = page.locator(".portal-chosen")
    expect(page.get_by_role("heading", name="Filters in use")).to_be_visible()
    expect(chosen.get_by_role("link")).to_have_count(2)
    expect(chosen.get_by_role("link", name=remove_filter("Communication and interaction"))).to_be_visible()
    expect(chosen.get_by_role("link", name=remove_filter("5 to 10 years"))).to_be_visible()
    expect(page.get_by_label("Search", exact=True)).to_have_value("autisim")

    chosen.get_by_role("link", name=remove_filter("5 to 10 years")).click()
    expect(page.locator(".portal-chosen").get_by_role("link")).to_have_count(1)
    expect(page.locator(".portal-chosen")).to_contain_text("Communication and interaction")
    assert "age=" not in page.url and "need=communication-interaction" in page.url
    unfiltered_age = results_count(page)
    assert filtered <= unfiltered_age <= searched, (searched, filtered, unfiltered_age)
    expect(page.get_by_label("Any age")).to_be_checked()

    first = page.locator(".portal-results .portal-result h3 a").first
    name = first.inner_text().strip()
    first.click()
    expect(h1(page)).to_have_text(name)
    expect(page.locator("main")).to_contain_text("Last reviewed")
    service_path = "/local-offer/services/" + page.url.rsplit("/local-offer/services/", 1)[1]
    save = page.get_by_role("button", name=re.compile(r"^Save to shortlist"))
    expect(save).to_have_count(0)  # only signed-in people have a shortlist

    parent = live_server.make_user(unique_email("parent"), ("parent",))
    browser_sign_in(page, parent)
    page.goto(service_path)
    save.click()
    expect(flash(page)).to_contain_text("Saved to your shortlist.")
    expect(page.locator("main")).to_contain_text("On your shortlist")
    expect(save).to_have_count(0)

    page.get_by_role("link", name="Your shortlist").click()
    expect(h1(page)).to_have_text("Your shortlist")
    expect(page.locator("main").get_by_role("link", name=name, exact=True)).to_be_visible()
    page.get_by_role("link", name=named("Add a note", name)).click()
    expect(h1(page)).to_have_text("Your note")
    note = "Ask about the waiting list and the Saturday sessions."
    page.get_by_label("Your private note").fill(note)
    page.get_by_role("button", name="Save note").click()
    expect(h1(page)).to_have_text("Your shortlist")
    expect(flash(page)).to_contain_text("Your note has been saved.")
    expect(page.locator("main")).to_contain_text(f"Your note: {note}")
    expect(page.get_by_role("link", name=named("Change note", name))).to_be_visible()

    page.get_by_role("link", name="Printable version").click()
    expect(h1(page)).to_have_text("Your shortlist (printable)")
    expect(page.get_by_role("heading", name=name, level=2)).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"Your note: {note}")


def test_filters_update_the_results_in_place_with_javascript(js_page):
    page = js_page
    page.goto("/local-offer/")
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs-enabled\b"))
    page.wait_for_function("() => window.htmx !== undefined")
    count = page.locator("#results-count")
    status = page.locator("#results-status")
    before = count.inner_text()
    expect(status).to_have_text("")
    expect(status).to_have_attribute("role", "status")
    page.evaluate("() => { window.__marker = 1; }")

    page.get_by_label("Communication and interaction").check()
    expect(count).not_to_have_text(before)
    after = count.inner_text()
    assert re.fullmatch(r"\d+ services found", after), after
    assert int(after.split()[0]) < int(before.split()[0]), (before, after)
    assert page.evaluate("() => window.__marker") == 1, "the results changed without a full page load"
    assert "need=communication-interaction" in page.url, page.url
    expect(status).to_have_text(after)  # screen readers hear the new count
    expect(page.locator(".portal-chosen")).to_contain_text("Communication and interaction")

    page.go_back()
    expect(count).to_have_text(before)
    assert "need=" not in page.url, page.url
    expect(page.get_by_label("Communication and interaction")).not_to_be_checked()
    expect(page.locator(".portal-chosen")).to_have_count(0)


def test_tailored_list_of_settings_puts_mainstream_first(no_js_page):
    page = no_js_page
    page.goto("/local-offer/")
    page.get_by_role("link", name="Find schools and settings").click()
    expect(h1(page)).to_have_text("Find schools and settings")
    page.get_by_label("Age of your child, in years").fill("7")
    page.get_by_label("Communication and interaction").check()
    page.get_by_role("button", name="Show settings").click()
    assert "age=7" in page.url and "need=communication-interaction" in page.url, page.url

    expect(
        page.get_by_role("heading", level=2, name=re.compile(r"^\d+ settings? could suit your child$"))
    ).to_be_visible()
    entries = page.locator("ol.portal-results > li")
    assert entries.count() >= 2
    first = entries.first
    expect(first).to_contain_text("Mainstream")
    expect(first).to_contain_text("Why it is listed:")
    expect(first).to_contain_text("Takes children and young people aged")
    expect(first).to_contain_text("Caters for communication and interaction")
    expect(first).to_contain_text("A mainstream setting: listed first, as national guidance asks")


def test_anyone_can_report_a_wrong_listing(no_js_page, live_server):
    page = no_js_page
    reset_rate_limits(live_server)
    with live_server.app.app_context():
        service = db.session.scalar(select(Service).where(Service.kind == "service").order_by(Service.id))
        service_id, name = service.id, service.name
        reports_before = db.session.scalar(
            select(func.count()).select_from(ListingReport).where(ListingReport.service_id == service_id)
        )

    page.goto(f"/local-offer/services/{service_id}")
    expect(page.locator(SIGN_OUT)).to_have_count(0)  # signed out
    page.get_by_role("link", name="Is something wrong with this listing? Tell us").click()
    expect(h1(page)).to_have_text("Tell us what is wrong with this listing")
    expect(page.locator("main .govuk-caption-l")).to_have_text(name)

    page.get_by_role("button", name="Send").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter what is wrong with this listing")
    expect(page).to_have_title(re.compile(r"^Error: Tell us what is wrong with this listing"))

    page.get_by_label("What is wrong?").fill("The phone number has changed to 01632 960999.")
    page.get_by_label("Email address (optional)").fill("reporter@example.org")
    page.get_by_role("button", name="Send").click()
    expect(h1(page)).to_have_text("Thank you for telling us")
    expect(page.locator("main")).to_contain_text(f"Your report about {name} has been sent to the council.")
    with live_server.app.app_context():
        reports_after = db.session.scalar(
            select(func.count()).select_from(ListingReport).where(ListingReport.service_id == service_id)
        )
    assert reports_after == reports_before + 1


def test_service_editor_proposes_a_change_and_a_caseworker_approves_it(
    no_js_page, contexts, live_server, browser_sign_in
):
    with live_server.app.app_context():
        # A listing nobody else's test changes: the last current, untranslated service by id.
        candidates = db.session.scalars(
            select(Service).where(Service.kind == "service").order_by(Service.id.desc())
        ).all()
        service = next(s for s in candidates if not s.translations and not is_stale(s))
        service_id, name, old_summary, organisation_id = (
            service.id,
            service.name,
            service.summary,
            service.organisation_id,
        )
    new_summary = f"Now also on Saturday mornings, for children aged 4 to 11 ({next(_numbers)})."
    assert new_summary != old_summary

    editor = live_server.make_user(unique_email("service.editor"), ("service_editor",))
    link_editor(live_server, editor.id, organisation_id)
    page = no_js_page
    browser_sign_in(page, editor)
    page.get_by_role("link", name="Your listings").click()
    expect(h1(page)).to_have_text("Your Local Offer listings")
    page.locator("main").get_by_role("link", name=name, exact=True).click()
    expect(h1(page)).to_have_text(f"Change {name}")
    summary_field = page.get_by_label("Summary", exact=True)
    expect(summary_field).to_have_value(old_summary)
    summary_field.fill(new_summary)
    page.get_by_role("button", name="Send for approval").click()
    expect(h1(page)).to_have_text(f"Your change to {name}")
    expect(flash(page)).to_contain_text("Your change was sent to the council.")
    expect(page.locator("main")).to_contain_text("Waiting for a decision")
    expect(page.locator("main")).to_contain_text(new_summary)

    page.goto(f"/local-offer/services/{service_id}")
    expect(page.locator("main")).to_contain_text(old_summary)  # not published until approved
    expect(page.locator("main")).not_to_contain_text(new_summary)
    page.locator(SIGN_OUT).click()

    caseworker = live_server.make_user(unique_email("caseworker"), ("caseworker",))
    staff_page = contexts.new(javascript=False).new_page()
    try:
        browser_sign_in(staff_page, caseworker)
        staff_page.get_by_role("link", name="Listing changes").click()
        expect(h1(staff_page)).to_have_text("Listing changes waiting for a decision")
        staff_page.locator("main table").get_by_role("link", name=name, exact=True).click()
        expect(h1(staff_page)).to_have_text(f"Change to {name}")
        row = staff_page.locator("main table tbody tr", has_text="Summary")
        expect(row).to_contain_text(old_summary)
        expect(row).to_contain_text(new_summary)
        staff_page.get_by_label("Approve and publish this change").check()
        staff_page.get_by_role("button", name="Save decision").click()
        expect(h1(staff_page)).to_have_text("Listing changes waiting for a decision")
        expect(flash(staff_page)).to_contain_text("Change approved and published.")
        expect(staff_page.locator("main table").get_by_role("link", name=name, exact=True)).to_have_count(0)

        staff_page.goto(f"/staff/local-offer/services/{service_id}/history")
        expect(staff_page.locator("main table tbody tr").first).to_contain_text("Approved")
    finally:
        contexts.close(staff_page.context)

    page.goto(f"/local-offer/services/{service_id}")
    expect(h1(page)).to_have_text(name)
    expect(page.locator("main")).to_contain_text(new_summary)
    expect(page.locator("main")).not_to_contain_text(old_summary)
    with live_server.app.test_request_context(), force_locale("en_GB"):
        today = format_date(utcnow().date(), "long")
    expect(page.locator("main")).to_contain_text(f"Last reviewed: {today}")

    message = live_server.last_email(editor.email)
    assert message.subject == "Your change to a Local Offer listing was approved"
    assert live_server.link_in(message, "/edit/local-offer/changes/")
