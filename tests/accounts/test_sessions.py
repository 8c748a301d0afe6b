"""Server-side sessions: idle and absolute timeouts, and no write on every request."""

from datetime import timedelta

from sqlalchemy import select, update

from portal.accounts.models import UserSession
from portal.audit import AuditEvent
from portal.extensions import db


def shift_session(app, **fields):
    with app.app_context():
        db.session.execute(update(UserSession).values(**fields))
        db.session.commit()


def session_record(app):
    with app.app_context():
        return db.session.scalars(select(UserSession)).one()


def test_idle_timeout_after_30_minutes(app, client, make_user, sign_in):
    sign_in(make_user())
    record = session_record(app)
    shift_session(app, last_seen_at=record.last_seen_at - timedelta(minutes=29))
    assert client.raw.get("/account/profile").status_code == 200
    record = session_record(app)
    shift_session(app, last_seen_at=record.last_seen_at - timedelta(minutes=31))
    response = client.raw.get("/account/profile")
    assert response.status_code == 302
    page = client.get("/account/login")
    assert "You were signed out because you had not done anything for 30 minutes" in page.text()
    assert session_record(app).ended_at is not None
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "session.timeout"))


def test_absolute_timeout_after_12_hours_even_when_active(app, client, make_user, sign_in):
    sign_in(make_user())
    record = session_record(app)
    shift_session(app, created_at=record.created_at - timedelta(hours=12, minutes=1))
    assert client.raw.get("/account/profile").status_code == 302


def test_activity_is_written_at_most_once_a_minute(app, client, make_user, sign_in, count_queries):
    sign_in(make_user())
    client.raw.get("/account/profile")
    with count_queries() as counter:
        client.raw.get("/account/profile")
    # Session lookup and the user (roles load with it): no UPDATE on an ordinary request.
    assert counter.count <= 4
    first = session_record(app).last_seen_at
    client.raw.get("/account/profile")
    assert session_record(app).last_seen_at == first


def test_sign_out_after_a_timeout_still_lands_on_sign_in(app, client, make_user, sign_in):
    sign_in(make_user())
    token = client.get("/account/profile").csrf_token()
    record = session_record(app)
    shift_session(app, last_seen_at=record.last_seen_at - timedelta(minutes=45))
    response = client.raw.post("/account/logout", data={"csrf_token": token}, follow_redirects=True)
    assert response.status_code == 200
    assert "You have signed out." in response.get_data(as_text=True)
