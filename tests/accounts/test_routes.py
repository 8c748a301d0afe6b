"""Register, confirm, sign in and out, reset and change password, profile, second factor."""

import re

import pyotp
from sqlalchemy import select

from portal.accounts.models import User, UserSession
from portal.audit import AuditEvent
from portal.extensions import db
from portal.outbox import OutboxMessage
from tests.conftest import PASSWORD, current_code

NEW_PASSWORD = "a brand new passphrase"


def emails_to(app, address):
    with app.app_context():
        return [
            (m.subject, m.body)
            for m in db.session.scalars(
                select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id)
            )
        ]


def link_in(body):
    return re.search(r"http://localhost(/\S+)", body).group(1)


def audit_actions(app):
    with app.app_context():
        return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def register(client, email="new@example.org", role="parent", password=NEW_PASSWORD):
    return client.submit(
        "/account/register",
        {"role": role, "email": email, "password": password, "password_confirm": password},
    )


def test_register_confirm_and_sign_in(app, client):
    page = register(client, "New@Example.org")
    assert page.h1 == "Check your email"
    [(subject, body)] = emails_to(app, "new@example.org")
    assert subject == "Confirm your email address"
    page = client.get(link_in(body), expect=302)
    page = client.get("/account/login")
    assert "Your email address is confirmed" in page.html
    page = client.submit("/account/login", {"email": "new@example.org", "password": NEW_PASSWORD})
    assert page.h1 == "Your account"
    assert "Parent or carer" in page.text()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new@example.org"))
        assert user.email_confirmed_at is not None
        assert user.password_hash.startswith("$argon2id$")
        assert NEW_PASSWORD not in user.password_hash


def test_register_as_young_person(app, client):
    register(client, "yp@example.org", role="young_person")
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "yp@example.org")).roles == {"young_person"}


def test_register_cannot_choose_a_staff_role(app, client):
    page = register(client, "sneaky@example.org", role="admin")
    assert page.error_summary() == ["Select who this account is for"]
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "sneaky@example.org")) is None


def test_register_errors_keep_what_was_typed(client):
    page = client.submit(
        "/account/register",
        {"role": "parent", "email": "not-an-email", "password": "short", "password_confirm": "other"},
    )
    assert page.title.startswith("Error: Create an account")
    assert page.error_summary() == [
        "Enter an email address in the correct format, like name@example.com",
        "Password must be between 10 and 128 characters",
        "The passwords do not match",
    ]
    assert page.soup.select_one("#email")["value"] == "not-an-email"
    assert page.soup.select_one("input[value=parent]").has_attr("checked")
    summary_links = [a["href"] for a in page.soup.select(".govuk-error-summary a")]
    assert summary_links == ["#email", "#password", "#password_confirm"]


def test_register_empty_form(client):
    page = client.submit("/account/register", {})
    assert page.error_summary() == [
        "Select who this account is for",
        "Enter your email address",
        "Enter a password",
        "Type the password again",
    ]


def test_registering_an_existing_email_reveals_nothing(app, client, make_user):
    make_user("parent@example.org")
    page = register(client, "parent@example.org")
    assert page.h1 == "Check your email"
    [(subject, body)] = emails_to(app, "parent@example.org")
    assert subject == "Someone tried to register with your email address"
    assert "/account/reset" in body
    with app.app_context():
        assert len(db.session.scalars(select(User)).all()) == 1


def test_unconfirmed_account_cannot_sign_in(app, client, make_user):
    make_user("u@example.org", confirmed=False)
    page = client.submit("/account/login", {"email": "u@example.org", "password": PASSWORD})
    assert page.h1 == "Confirm your email address"
    assert len(emails_to(app, "u@example.org")) == 1
    client.get("/account/profile", expect=302)


def test_bad_confirm_link(client):
    page = client.get("/account/confirm/not-a-token", expect=404)
    assert page.h1 == "This link has expired or has already been used"


def test_sign_in_failure_message_is_the_same_for_unknown_email(client, make_user):
    make_user()
    wrong_password = client.submit("/account/login", {"email": "parent@example.org", "password": "nope"})
    unknown = client.submit("/account/login", {"email": "nobody@example.org", "password": "nope"})
    assert (
        wrong_password.error_summary()
        == unknown.error_summary()
        == ["Enter a correct email address and password"]
    )
    assert wrong_password.soup.select_one("#email")["value"] == "parent@example.org"
    assert not wrong_password.soup.select_one("#password").get("value")


def test_sign_in_attempts_are_audited_without_the_password(app, client, make_user):
    user = make_user()
    client.submit("/account/login", {"email": "parent@example.org", "password": "wrong-password-typed"})
    client.submit("/account/login", {"email": "ghost@example.org", "password": "wrong-password-typed"})
    client.submit("/account/login", {"email": "parent@example.org", "password": PASSWORD})
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        rows = [(e.action, e.actor_id, e.actor_label, e.ip) for e in events]
        for event in events:
            assert "wrong-password-typed" not in f"{event.detail} {event.actor_label}"
            assert PASSWORD not in f"{event.detail} {event.actor_label}"
    assert rows == [
        ("sign_in.failure", user.id, "parent@example.org", "127.0.0.1"),
        ("sign_in.failure", None, "ghost@example.org", "127.0.0.1"),
        ("sign_in.success", user.id, None, "127.0.0.1"),
    ]


def test_next_goes_only_to_this_site(client, make_user):
    make_user()
    response = client.raw.get("/account/login?next=/account/password")
    token = client.get("/account/login").csrf_token()
    response = client.raw.post(
        "/account/login?next=/account/password",
        data={"csrf_token": token, "email": "parent@example.org", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/account/password"
    client.post("/account/logout", {"csrf_token": client.get("/account/profile").csrf_token()})
    for evil in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        token = client.get("/account/login").csrf_token()
        response = client.raw.post(
            "/account/login",
            query_string={"next": evil},
            data={"csrf_token": token, "email": "parent@example.org", "password": PASSWORD},
        )
        assert response.headers["Location"] == "/account/profile", evil
        client.post("/account/logout", {"csrf_token": client.get("/account/profile").csrf_token()})


def test_private_page_redirects_to_sign_in_and_back(client, make_user):
    make_user()
    response = client.raw.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/login?next=/account/password"
    page = client.submit(
        "/account/login?next=/account/password", {"email": "parent@example.org", "password": PASSWORD}
    )
    assert page.h1 == "Change your password"


def test_sign_out_ends_the_session_on_the_server(app, client, make_user, sign_in):
    sign_in(make_user())
    cookie = client.raw.get_cookie("portal_session").value
    page = client.get("/account/profile")
    client.post("/account/logout", {"csrf_token": page.csrf_token()})
    with app.app_context():
        [record] = db.session.scalars(select(UserSession)).all()
        assert record.ended_at is not None
    # Replaying the old cookie does not bring the session back.
    replay = app.test_client()
    replay.set_cookie("portal_session", cookie)
    assert replay.get("/account/profile").status_code == 302


def test_new_session_at_sign_in(app, client, make_user, sign_in):
    make_user()
    client.get("/account/login")
    before = client.raw.get_cookie("portal_session").value
    sign_in(make_user("two@example.org"))
    after = client.raw.get_cookie("portal_session").value
    assert before != after


def test_forgotten_password(app, client, make_user):
    make_user()
    page = client.submit("/account/reset", {"email": "parent@example.org"})
    assert page.h1 == "Check your email"
    unknown = client.submit("/account/reset", {"email": "nobody@example.org"})
    assert unknown.h1 == page.h1 and unknown.text() == page.text()
    assert emails_to(app, "nobody@example.org") == []
    [(subject, body)] = emails_to(app, "parent@example.org")
    assert subject == "Reset your password"
    path = link_in(body)
    form = client.get(path)
    assert form.h1 == "Choose a new password"
    client.submit(path, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    # The link works once.
    assert client.get(path, expect=404).h1 == "This link has expired or has already been used"
    bad = client.submit("/account/login", {"email": "parent@example.org", "password": PASSWORD})
    assert bad.error_summary() == ["Enter a correct email address and password"]
    good = client.submit("/account/login", {"email": "parent@example.org", "password": NEW_PASSWORD})
    assert good.h1 == "Your account"


def test_change_password_ends_every_other_session(app, client, make_user, sign_in):
    user = make_user()
    other = app.test_client()
    from tests.pages import Client

    other_client = Client(other)
    sign_in(user, client=other_client)
    sign_in(user)
    assert other.get("/account/profile").status_code == 200
    page = client.submit(
        "/account/password",
        {"current_password": "wrong", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert page.error_summary() == ["Your current password is not correct"]
    page = client.submit(
        "/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert page.h1 == "Your account"
    assert "signed out everywhere else" in page.text()
    assert client.raw.get("/account/profile").status_code == 200
    assert other.get("/account/profile").status_code == 302
    assert emails_to(app, user.email)[-1][0] == "Your password has changed"


def test_profile_language(app, client, make_user, sign_in):
    user = make_user()
    sign_in(user)
    page = client.submit("/account/profile", {"preferred_language": "ro"})
    assert page.soup.html["lang"] == "ro"
    with app.app_context():
        assert db.session.get(User, user.id).preferred_language == "ro"


def test_staff_need_a_code_at_every_sign_in(app, client, make_user):
    staff = make_user("caseworker@example.org", roles=("caseworker",))
    page = client.submit("/account/login", {"email": staff.email, "password": PASSWORD})
    assert page.h1 == "Enter your security code"
    # Not signed in yet.
    assert client.raw.get("/account/profile").status_code == 302
    page = client.submit("/account/two-factor", {"code": "000000"})
    assert page.error_summary() == ["Enter the current 6-digit code from your authenticator app"]
    code = current_code(app, staff.id)
    page = client.submit("/account/two-factor", {"code": code})
    assert page.h1 == "Your account"
    # The same code cannot be used again.
    client.post("/account/logout", {"csrf_token": client.get("/account/profile").csrf_token()})
    client.submit("/account/login", {"email": staff.email, "password": PASSWORD})
    page = client.submit("/account/two-factor", {"code": code})
    assert page.error_summary() == ["Enter the current 6-digit code from your authenticator app"]


def test_staff_enrol_with_qr_code(app, client, make_user):
    staff = make_user("mediator@example.org", roles=("mediator",), totp=False)
    page = client.submit("/account/login", {"email": staff.email, "password": PASSWORD})
    assert page.h1 == "Set up your security codes"
    svg = page.soup.select_one(".portal-qr svg")
    assert svg is not None and svg.find("path") is not None
    secret = page.soup.select_one(".portal-secret").get_text(strip=True)
    assert len(secret) == 32
    page = client.submit("/account/two-factor/setup", {"code": pyotp.TOTP(secret).now()})
    assert page.h1 == "Your account"
    with app.app_context():
        assert db.session.get(User, staff.id).totp_secret == secret
    assert "two_factor.enrolled" in audit_actions(app)


def test_second_factor_step_needs_a_password_first(client):
    assert client.raw.get("/account/two-factor").headers["Location"] == "/account/login"
    assert client.raw.get("/account/two-factor/setup").headers["Location"] == "/account/login"


def test_a_new_staff_role_needs_the_second_factor(app, client, make_user, sign_in):
    user = make_user()
    sign_in(user)
    with app.app_context():
        person = db.session.get(User, user.id)
        person.set_roles({"parent", "caseworker"})
        db.session.commit()
    # Granting a staff role does not carry an earlier password-only session over.
    assert client.raw.get("/account/profile").status_code == 302


def test_security_code_setup_is_rate_limited(app, client, make_user):
    app.config["RATELIMIT_SIGN_IN_ACCOUNT"] = "3 per 15 minutes"
    staff = make_user("new.staff@example.org", roles=("caseworker",), totp=False)
    client.submit("/account/login", {"email": staff.email, "password": PASSWORD})
    for _ in range(3):
        assert client.submit("/account/two-factor/setup", {"code": "000000"}).status == 200
    assert client.submit("/account/two-factor/setup", {"code": "000000"}).status == 429


def test_radio_questions_show_their_question(client, make_user, sign_in):
    legend = client.get("/account/register").soup.select_one("fieldset legend")
    assert legend.get_text(strip=True) == "Who is this account for?"
    sign_in(make_user())
    legend = client.get("/account/profile").soup.select_one("fieldset legend")
    assert legend.get_text(strip=True) == "Language for pages and emails"


def test_header_sign_in_link_comes_back_to_the_page(client, make_user):
    make_user()
    page = client.get("/guides/?audience=parents")
    href = page.soup.select_one(".govuk-service-navigation a[href^='/account/login']")["href"]
    assert href == "/account/login?next=/guides/?audience%3Dparents"
    assert (
        client.get("/account/register").soup.select_one(
            ".govuk-service-navigation a[href^='/account/login']"
        )["href"]
        == "/account/login"
    )
    response = client.raw.post(
        href,
        data={
            "csrf_token": client.get(href).csrf_token(),
            "email": "parent@example.org",
            "password": PASSWORD,
        },
    )
    assert response.headers["Location"] == "/guides/?audience=parents"
