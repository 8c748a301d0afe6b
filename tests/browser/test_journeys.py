"""Whole journeys in a real browser with JavaScript turned off, checked by what a person sees."""

import itertools
import re
import time
from urllib.parse import parse_qs, urlsplit

import pyotp

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails, when a browser run is required)
    expect = None

from tests.browser.conftest import PASSWORD, SIGN_OUT

_numbers = itertools.count(1)


def unique_email(kind: str) -> str:
    return f"{kind}.{next(_numbers)}@example.org"


def h1(page):
    return page.locator("h1")


def test_parent_registers_confirms_signs_in_switches_language_and_signs_out(no_js_page, live_server):
    page = no_js_page
    email = unique_email("new.parent")

    page.goto("/account/register")
    expect(h1(page)).to_have_text("Create an account")
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))  # JavaScript is off
    page.get_by_label("Parent or carer").check()
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password_confirm]").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(h1(page)).to_have_text("Check your email")

    message = live_server.last_email(email)
    assert message.subject == "Confirm your email address"
    link = live_server.link_in(message, "/account/confirm/")
    page.goto(link)
    expect(h1(page)).to_have_text("Sign in")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your email address is confirmed. You can now sign in."
    )

    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(h1(page)).to_have_text("Your account")
    expect(page.locator("main")).to_contain_text(email)

    html = page.locator("html")
    page.locator("header").get_by_role("link", name="Polski").click()
    expect(html).to_have_attribute("lang", "pl")
    expect(html).to_have_attribute("dir", "ltr")
    polish = live_server.text("Your account", "pl")
    assert polish != "Your account", "the Polish translation is compiled (make translations-compile)"
    expect(h1(page)).to_have_text(polish)
    expect(page.locator("header .portal-languages__current")).to_have_text("Polski")

    page.locator("header").get_by_role("link", name="اردو").click()
    expect(html).to_have_attribute("lang", "ur")
    expect(html).to_have_attribute("dir", "rtl")
    urdu = live_server.text("Your account", "ur")
    assert urdu != "Your account", "the Urdu translation is compiled (make translations-compile)"
    expect(h1(page)).to_have_text(urdu)

    page.locator("header").get_by_role("link", name="English").click()
    expect(html).to_have_attribute("lang", "en")
    expect(html).to_have_attribute("dir", "ltr")
    expect(h1(page)).to_have_text("Your account")

    sign_out = page.locator(SIGN_OUT)
    expect(sign_out).to_have_text("Sign out")
    sign_out.click()
    expect(h1(page)).to_have_text("Sign in")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You have signed out.")
    expect(page.locator(SIGN_OUT)).to_have_count(0)

    page.goto("/account/profile")
    expect(h1(page)).to_have_text("Sign in")
    url = urlsplit(page.url)
    assert url.path == "/account/login"
    assert parse_qs(url.query)["next"] == ["/account/profile"]


def wrong_code(secret: str) -> str:
    """A 6-digit code the portal will not accept: not valid now, nor within two steps either side."""
    totp = pyotp.TOTP(secret)
    now = time.time()
    valid = {totp.at(now + drift * totp.interval) for drift in range(-2, 3)}
    return next(code for code in ("123456", "654321", "111111", "222222", "333333") if code not in valid)


def test_staff_member_signs_in_with_a_security_code(no_js_page, live_server):
    page = no_js_page
    staff = live_server.make_user(unique_email("caseworker"), ("caseworker",), totp=True)

    page.goto("/account/login")
    page.locator("input[name=email]").fill(staff.email)
    page.locator("input[name=password]").fill(staff.password)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(h1(page)).to_have_text("Enter your security code")
    expect(page.get_by_label("Security code")).to_be_visible()

    page.locator("input[name=code]").fill(wrong_code(staff.totp_secret))
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter the current 6-digit code from your authenticator app")
    expect(page).to_have_title("Error: Enter your security code \N{EN DASH} SEND family portal")
    expect(page.locator(SIGN_OUT)).to_have_count(0)

    page.locator("input[name=code]").fill(pyotp.TOTP(staff.totp_secret).now())
    page.get_by_role("button", name="Continue").click()
    expect(h1(page)).to_have_text("Your account")
    expect(page.locator("main")).to_contain_text(staff.email)
    expect(page.locator(SIGN_OUT)).to_have_text("Sign out")


def test_staff_member_without_codes_sets_them_up_at_first_sign_in(no_js_page, live_server):
    page = no_js_page
    staff = live_server.make_user(unique_email("mediator"), ("mediator",), totp=False)

    page.goto("/account/login")
    page.locator("input[name=email]").fill(staff.email)
    page.locator("input[name=password]").fill(staff.password)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(h1(page)).to_have_text("Set up your security codes")

    expect(page.locator(".portal-qr svg")).to_be_visible()
    assert page.locator(".portal-qr svg path").count() >= 1, "the QR code is drawn inline"
    expect(page.locator("main")).to_contain_text("Secret key:")
    secret = page.locator(".portal-secret").inner_text().strip()
    assert len(secret) >= 16 and secret.isalnum(), secret

    page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    expect(h1(page)).to_have_text("Your account")
    expect(page.locator(SIGN_OUT)).to_have_text("Sign out")
    assert live_server.user(staff.id).totp_secret == secret


def test_first_tab_focuses_the_skip_link(no_js_page):
    page = no_js_page
    page.goto("/")
    expect(h1(page)).to_have_text("Help for families of children with SEND")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_have_attribute("href", "#main-content")
    page.keyboard.press("Enter")
    assert page.url.endswith("#main-content")
