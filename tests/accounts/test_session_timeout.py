"""The idle sign-out warns first (WCAG 2.2.1): the warning's timings, and 'Stay signed in'."""

from datetime import timedelta

from sqlalchemy import select, update

from portal.accounts.models import UserSession
from portal.extensions import db


def session_record(app):
    with app.app_context():
        return db.session.scalars(select(UserSession)).one()


def move_last_seen(app, minutes):
    with app.app_context():
        record = db.session.scalars(select(UserSession)).one()
        db.session.execute(
            update(UserSession).values(last_seen_at=record.last_seen_at - timedelta(minutes=minutes))
        )
        db.session.commit()


def test_signed_in_pages_carry_the_warning_with_the_time_left(app, client, make_user, sign_in):
    sign_in(make_user())
    dialog = client.get("/account/profile").soup.find("dialog", id="session-timeout")
    left = int(dialog["data-seconds-left"])
    assert 30 * 60 - 5 <= left <= 30 * 60
    assert int(dialog["data-warn-at"]) == left - 120
    assert int(dialog["data-idle-seconds"]) == 30 * 60
    assert "Stay signed in" in dialog.get_text()
    assert dialog.find("form")["action"] == "/account/session/extend"


def test_the_time_left_counts_from_the_last_activity_the_server_saw(app, client, make_user, sign_in):
    sign_in(make_user())
    client.get("/account/profile")
    # Activity is written at most once a minute, so the page must not assume the clock restarted.
    move_last_seen(app, minutes=0.5)
    dialog = client.get("/account/profile").soup.find("dialog", id="session-timeout")
    assert 29 * 60 <= int(dialog["data-seconds-left"]) <= 29 * 60 + 35


def test_the_absolute_limit_shortens_the_time_left(app, client, make_user, sign_in):
    sign_in(make_user())
    with app.app_context():
        record = db.session.scalars(select(UserSession)).one()
        record.created_at -= timedelta(hours=11, minutes=50)
        db.session.commit()
    dialog = client.get("/account/profile").soup.find("dialog", id="session-timeout")
    assert int(dialog["data-seconds-left"]) <= 10 * 60
    assert int(dialog["data-warn-at"]) == int(dialog["data-seconds-left"]) - 120


def test_signed_out_pages_have_no_warning(client):
    assert client.get("/").soup.find("dialog", id="session-timeout") is None


def test_stay_signed_in_restarts_the_idle_clock(app, client, make_user, sign_in):
    sign_in(make_user())
    token = client.get("/account/profile").csrf_token()
    move_last_seen(app, minutes=28)
    before = session_record(app).last_seen_at
    response = client.post(
        "/account/session/extend", {"csrf_token": token}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 204
    assert session_record(app).last_seen_at - before >= timedelta(minutes=27)
    # Without a script the form posts and lands back on the page it came from.
    response = client.post("/account/session/extend", {"csrf_token": token, "next": "/account/my-data"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/account/my-data"
    response = client.post("/account/session/extend", {"csrf_token": token, "next": "https://evil.example/"})
    assert response.headers["Location"] == "/account/profile"


def test_stay_signed_in_cannot_revive_an_ended_session(app, client, make_user, sign_in):
    sign_in(make_user())
    token = client.get("/account/profile").csrf_token()
    move_last_seen(app, minutes=31)
    response = client.post(
        "/account/session/extend", {"csrf_token": token}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 303  # to the sign-in page, never 204
    assert "/account/login" in response.headers["Location"]
    assert session_record(app).ended_at is not None


def test_stay_signed_in_needs_the_form_token(app, client, make_user, sign_in):
    sign_in(make_user())
    response = client.post("/account/session/extend", {}, headers={"Accept": "application/json"})
    assert response.status_code == 400
