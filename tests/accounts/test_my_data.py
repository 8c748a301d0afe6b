"""A person's own data: where they are signed in, their activity, and a download."""

import json

from sqlalchemy import select

from portal.audit import AuditEvent
from portal.extensions import db
from tests.pages import Client


def test_my_data_shows_sessions_and_activity(app, client, make_user, sign_in):
    user = make_user()
    client.submit("/account/login", {"email": user.email, "password": "wrong password"})
    sign_in(user)
    page = client.get("/account/my-data")
    assert page.h1 == "Your data and activity"
    activity = [
        row.select("td")[1].get_text(strip=True) for row in page.soup.select("table")[1].select("tbody tr")
    ]
    assert activity == ["Signed in", "Failed sign-in"]
    assert "This device" in page.text()
    assert "Sign out everywhere else" not in page.text()


def test_download_is_my_own_data_and_is_logged(app, client, make_user, sign_in):
    user = make_user()
    make_user("other@example.org")
    sign_in(user)
    response = client.raw.get("/account/my-data/download")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="my-send-portal-data.json"'
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "parent@example.org"
    assert data["account"]["roles"] == ["parent"]
    assert "other@example.org" not in response.get_data(as_text=True)
    assert "password_hash" not in data["account"]
    assert [event["action"] for event in data["activity"]] == ["sign_in.success"]
    assert data["shortlist"] == []
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.data_exported"))


def test_sign_out_everywhere_else(app, client, make_user, sign_in):
    user = make_user()
    other = Client(app.test_client())
    sign_in(user, client=other)
    sign_in(user)
    page = client.get("/account/my-data")
    assert "Sign out everywhere else" in page.text()
    token = client.get("/account/my-data").csrf_token()
    client.raw.post("/account/sessions/end-others", data={"csrf_token": token})
    assert other.raw.get("/account/profile").status_code == 302
    page = client.get("/account/my-data")
    assert "You have been signed out everywhere else." in page.text()
