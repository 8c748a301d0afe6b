"""The idle sign-out warning in a real browser (JavaScript on: the warning is the enhancement).

Playwright's fake clock moves page time forward; the server's clock is real, so "Stay signed in" is
checked by its effect on the session row.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import UserSession
from portal.extensions import db

pytestmark = pytest.mark.browser


def last_seen(live_server, user_id):
    with live_server.app.app_context():
        return db.session.scalars(
            select(UserSession.last_seen_at)
            .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
            .order_by(UserSession.id.desc())
        ).first()


def age_session(live_server, user_id, minutes):
    with live_server.app.app_context():
        for record in db.session.scalars(select(UserSession).where(UserSession.user_id == user_id)):
            record.last_seen_at -= timedelta(minutes=minutes)
        db.session.commit()


def test_warning_opens_before_sign_out_and_stay_signed_in_keeps_the_session(
    js_page, live_server, browser_sign_in, check_accessibility
):
    from playwright.sync_api import expect

    person = live_server.make_user("timeout.warning@example.org")
    js_page.clock.install()
    browser_sign_in(js_page, person)
    js_page.goto("/account/my-data")
    dialog = js_page.locator("#session-timeout")
    expect(dialog).not_to_be_visible()

    js_page.clock.run_for("27:00")
    expect(dialog).not_to_be_visible()
    js_page.clock.run_for("01:05")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", name="You will be signed out soon")).to_be_visible()
    check_accessibility(js_page, "session timeout warning")

    age_session(live_server, person.id, 28)
    before = last_seen(live_server, person.id)
    dialog.get_by_role("button", name="Stay signed in").press("Enter")
    expect(dialog).not_to_be_visible()
    assert last_seen(live_server, person.id) - before >= timedelta(minutes=27)
    # Still on the same page, and a fresh 28 minutes before the next warning.
    assert js_page.url.endswith("/account/my-data")
    js_page.clock.run_for("27:00")
    expect(dialog).not_to_be_visible()
    js_page.clock.run_for("01:05")
    expect(dialog).to_be_visible()


def test_when_time_runs_out_the_dialog_says_so_and_offers_sign_in(js_page, live_server, browser_sign_in):
    from playwright.sync_api import expect

    person = live_server.make_user("timeout.ended@example.org")
    js_page.clock.install()
    browser_sign_in(js_page, person)
    js_page.goto("/account/profile")
    js_page.clock.run_for("30:05")
    dialog = js_page.locator("#session-timeout")
    expect(dialog.get_by_role("heading", name="You have been signed out")).to_be_visible()
    link = dialog.get_by_role("link", name="Sign in again")
    assert link.get_attribute("href") == "/account/login?next=/account/profile"
