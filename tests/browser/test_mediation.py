"""Mediation in a real browser: request, book, change and cancel with JavaScript off; axe-core on every
mediation page in English and Urdu (right to left), for the family, the mediator and a caseworker."""

import itertools
from datetime import time, timedelta

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails, when a browser run is required)
    expect = None

from sqlalchemy import select

from portal.extensions import db
from portal.mediation import service
from portal.mediation.deadlines import today_in_england
from portal.mediation.models import MediationRequest, Slot
from tests.browser.conftest import LANGUAGES

_numbers = itertools.count(1)


def unique(kind: str) -> str:
    return f"{kind}.mediation.{next(_numbers)}@example.org"


def h1(page):
    return page.locator("h1")


def add_slots(live_server, mediator_id: int, count: int = 3) -> list[int]:
    first = today_in_england() + timedelta(days=3)
    with live_server.app.app_context():
        taken = set(db.session.scalars(select(Slot.day).where(Slot.mediator_id == mediator_id)))
        slots = []
        day = first
        while len(slots) < count:
            if day not in taken:
                slots.append(
                    Slot(
                        mediator_id=mediator_id,
                        day=day,
                        starts=time(10, 0),
                        mode="video",
                        place="Link sent by email",
                    )
                )
            day += timedelta(days=1)
        db.session.add_all(slots)
        db.session.commit()
        return [s.id for s in slots]


def make_request(live_server, family_id: int, mediator_id: int | None) -> int:
    with live_server.app.app_context():
        request = MediationRequest(
            reference=f"MED-B{next(_numbers):05d}",
            idempotency_token=f"browser-{next(_numbers)}",
            family_id=family_id,
            mediator_id=mediator_id,
            decision="refuse_plan",
            letter_date=today_in_england() - timedelta(days=9),
            areas="education",
            wants_mediation=True,
            told_on=today_in_england(),
        )
        db.session.add(request)
        db.session.commit()
        return request.id


def test_request_book_change_and_cancel_without_javascript(no_js_page, live_server, browser_sign_in):
    page = no_js_page
    parent = live_server.make_user(unique("parent"))
    mediator = live_server.make_user(unique("mediator"), roles=("mediator",))
    browser_sign_in(page, parent)

    page.goto("/mediation/")
    expect(h1(page)).to_have_text("Mediation before an appeal")
    page.get_by_role("button", name="Request mediation").click()
    expect(h1(page)).to_have_text("Request mediation")
    page.get_by_role("button", name="Start now").click()

    expect(h1(page)).to_have_text("Which decision do you disagree with?")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the decision you disagree with")
    page.get_by_label("Refusal to issue an EHC plan after an assessment").check()
    page.get_by_role("button", name="Continue").click()

    expect(h1(page)).to_have_text("What is the date on the decision letter?")
    letter = today_in_england() - timedelta(days=6)
    page.locator("#letter_date-day").fill(str(letter.day))
    page.locator("#letter_date-month").fill(str(letter.month))
    page.locator("#letter_date-year").fill(str(letter.year))
    page.get_by_role("button", name="Continue").click()

    expect(h1(page)).to_have_text("What is the disagreement about?")
    page.get_by_label("Education").check()
    page.get_by_label("Health").check()
    page.get_by_role("button", name="Continue").click()

    expect(h1(page)).to_have_text("Do you have any access needs for the mediation?")
    page.locator("textarea[name=access_needs]").fill("Step-free access, please")
    page.get_by_role("button", name="Continue").click()

    expect(h1(page)).to_have_text("Do you need an interpreter?")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Continue").click()

    expect(h1(page)).to_have_text("Do you want mediation, or only the certificate?")
    page.get_by_label("I want mediation").check()
    page.get_by_role("button", name="Continue").click()

    expect(h1(page)).to_have_text("Check your answers before sending your request")
    expect(page.locator("main")).to_contain_text("Step-free access, please")
    page.get_by_role("button", name="Send request").click()
    expect(h1(page)).to_have_text("Request sent")
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert reference.startswith("MED-")
    expect(page.locator("main")).to_contain_text("Last day to appeal to the SEND Tribunal")

    # Going back and sending again makes no second request.
    page.go_back()
    page.wait_for_load_state()
    with live_server.app.app_context():
        requests = db.session.scalars(
            select(MediationRequest).where(MediationRequest.family_id == parent.id)
        ).all()
        assert [r.reference for r in requests] == [reference]
        request_id = requests[0].id
        requests[0].mediator_id = mediator.id  # the caseworker assigns it (tested elsewhere)
        db.session.commit()
    first, second, _third = add_slots(live_server, mediator.id)

    page.goto(f"/mediation/requests/{request_id}")
    expect(h1(page)).to_have_text(f"Mediation request {reference}")
    page.get_by_role("button", name="Choose a time").click()
    expect(h1(page)).to_have_text("Choose a time for mediation")
    page.locator(f"#slot-{first}").check()
    page.get_by_role("button", name="Book this time").click()
    expect(h1(page)).to_have_text("Your mediation appointment")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your mediation appointment is booked."
    )
    assert "/mediation/requests/" in live_server.last_email(parent.email).body

    page.get_by_role("link", name="Change the time").click()
    page.locator(f"#slot-{second}").check()
    page.get_by_role("button", name="Book this time").click()
    expect(h1(page)).to_have_text("Your mediation appointment")
    with live_server.app.app_context():
        assert service.active_booking(request_id).slot_id == second

    page.get_by_role("link", name="Cancel the appointment").click()
    expect(h1(page)).to_have_text("Are you sure you want to cancel your mediation appointment?")
    page.get_by_role("button", name="Yes, cancel the appointment").click()
    expect(h1(page)).to_have_text(f"Mediation request {reference}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your mediation appointment is cancelled"
    )
    with live_server.app.app_context():
        assert service.active_booking(request_id) is None


@pytest.fixture
def mediation_world(live_server):
    """Fresh people for each language: a staff security code is accepted once, so each sign-in is new."""
    parent = live_server.make_user(unique("parent"))
    mediator = live_server.make_user(unique("mediator"), roles=("mediator",))
    caseworker = live_server.make_user(unique("caseworker"), roles=("caseworker",))
    booked = make_request(live_server, parent.id, mediator.id)
    waiting = make_request(live_server, parent.id, mediator.id)
    slots = add_slots(live_server, mediator.id, 4)
    with live_server.app.app_context():
        service.book(booked, slots[0], parent.id)
    return parent, mediator, caseworker, booked, waiting


@pytest.mark.parametrize("lang", LANGUAGES)
def test_mediation_pages_have_no_axe_violations(
    js_page, live_server, browser_sign_in, check_accessibility, mediation_world, lang
):
    parent, mediator, caseworker, booked, waiting = mediation_world
    page = js_page

    page.goto(f"/mediation/?lang={lang}")
    check_accessibility(page, f"mediation information (anonymous, {lang})")

    browser_sign_in(page, parent, lang)
    family_pages = [
        "/mediation/",
        "/mediation/request",
        "/mediation/request/decision",
        "/mediation/request/letter-date",
        "/mediation/request/about",
        "/mediation/request/access-needs",
        "/mediation/request/interpreter",
        "/mediation/request/mediation-or-certificate",
        "/mediation/requests/",
        f"/mediation/requests/{booked}",
        f"/mediation/requests/{booked}/booking",
        f"/mediation/requests/{booked}/cancel",
        f"/mediation/requests/{waiting}/book",
        f"/mediation/requests/{waiting}/confirmation",
    ]
    for path in family_pages:
        page.goto(f"{path}?lang={lang}")
        expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ur" else "ltr")
        check_accessibility(page, f"{path} ({lang})")
    # Error states: an empty answer.
    page.goto(f"/mediation/request/decision?lang={lang}")
    page.locator("main form[method=post] [type=submit]").first.click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-error-summary")).to_have_count(1)
    check_accessibility(page, f"decision with errors ({lang})")
    page.goto(f"/mediation/request/letter-date?lang={lang}")
    page.locator("#letter_date-day").fill("31")
    page.locator("#letter_date-month").fill("2")
    page.locator("#letter_date-year").fill("2026")
    page.locator("main form[method=post] [type=submit]").first.click()
    page.wait_for_load_state()
    check_accessibility(page, f"letter date with errors ({lang})")

    mediator_page = page.context.browser.new_context(base_url=live_server.base_url).new_page()
    try:
        browser_sign_in(mediator_page, mediator, lang)
        for path in [
            "/mediator/",
            "/mediator/slots",
            f"/mediator/requests/{booked}",
            "/mediator/data-return",
        ]:
            mediator_page.goto(f"{path}?lang={lang}")
            check_accessibility(mediator_page, f"{path} ({lang})")
        mediator_page.goto(f"/mediator/slots?lang={lang}")
        mediator_page.locator("main form[action='/mediator/slots'] [type=submit]").click()
        mediator_page.wait_for_load_state()
        check_accessibility(mediator_page, f"slots with errors ({lang})")
    finally:
        mediator_page.context.close()

    caseworker_page = page.context.browser.new_context(base_url=live_server.base_url).new_page()
    try:
        browser_sign_in(caseworker_page, caseworker, lang)
        for path in ["/mediation/requests/", f"/mediation/requests/{booked}"]:
            caseworker_page.goto(f"{path}?lang={lang}")
            check_accessibility(caseworker_page, f"{path} as caseworker ({lang})")
    finally:
        caseworker_page.context.close()
