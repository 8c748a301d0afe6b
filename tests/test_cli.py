"""Flask commands: demo accounts, outbox, users."""

import json
from pathlib import Path

import pyotp
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.cli import DEMO_ACCOUNTS
from portal.extensions import db
from portal.outbox import OutboxMessage, queue


def test_demo_creates_every_role_with_the_given_password(app, runner, monkeypatch):
    app.config["PORTAL_DEMO_PASSWORD"] = "demo-password-for-tests"
    app.config["PORTAL_DEMO_TOTP_SECRET"] = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "demo-password-for-tests" in result.output
    assert "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" in result.output
    for email, _roles, _description in DEMO_ACCOUNTS:
        assert email in result.output
    with app.app_context():
        users = {u.email: u for u in db.session.scalars(select(User))}
        assert {email for email, *_ in DEMO_ACCOUNTS} <= set(users)
        for required in ("parent@example.org", "young.person@example.org", "professional@example.org",
                         "caseworker@example.org", "mediator@example.org", "editor@example.org",
                         "editor2@example.org", "services@example.org", "admin@example.org"):  # fmt: skip
            assert users[required].email_confirmed_at is not None
        assert users["caseworker@example.org"].totp_secret == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
        assert users["parent@example.org"].totp_secret is None
        all_roles = set().union(*(u.roles for u in users.values()))
        from portal.local_offer.models import OrganisationEditor, Service

        assert db.session.scalar(select(func.count()).select_from(Service)) >= 110
        assert db.session.scalar(select(func.count()).select_from(OrganisationEditor)) >= 1
        assert all_roles == {"parent", "young_person", "professional", "caseworker", "mediator",
                             "forum_editor", "service_editor", "admin"}  # fmt: skip


def test_demo_generates_and_keeps_credentials(app, runner):
    app.config["PORTAL_DEMO_PASSWORD"] = None
    app.config["PORTAL_DEMO_TOTP_SECRET"] = None
    first = runner.invoke(args=["demo"])
    saved = json.loads((Path(app.instance_path) / "demo-accounts.json").read_text())
    assert saved["password"] in first.output
    printed = runner.invoke(args=["demo", "--print"])
    assert saved["password"] in printed.output
    code = runner.invoke(args=["demo-code"]).output.strip()
    assert pyotp.TOTP(saved["totp_secret"]).verify(code)
    (Path(app.instance_path) / "demo-accounts.json").unlink()


def test_demo_if_empty_loads_once(app, runner, make_user):
    make_user("someone@example.org")
    result = runner.invoke(args=["demo", "--if-empty"])
    assert "not loaded again" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1


def test_demo_accounts_sign_in(app, runner, client):
    app.config["PORTAL_DEMO_PASSWORD"] = "demo-password-for-tests"
    runner.invoke(args=["demo"])
    page = client.submit(
        "/account/login", {"email": "parent@example.org", "password": "demo-password-for-tests"}
    )
    assert page.h1 == "Your account"


def test_outbox_send(app, runner, capsys):
    with app.test_request_context():
        queue("someone@example.org", "Something changed", "Sign in to see it: http://localhost/")
        db.session.commit()
    result = runner.invoke(args=["outbox", "send"])
    assert "Sent 1, failed 0." in result.output
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert message.sent_at is not None and message.attempts == 1
    assert "Sent 0, failed 0." in runner.invoke(args=["outbox", "send"]).output


def test_outbox_keeps_messages_when_smtp_fails(app, runner):
    app.config["MAIL_SERVER"] = "127.0.0.1"
    app.config["MAIL_PORT"] = 1  # nothing listens here
    with app.test_request_context():
        queue("someone@example.org", "Something changed", "Sign in to see it.")
        db.session.commit()
    result = runner.invoke(args=["outbox", "send"])
    assert "Sent 0, failed 1." in result.output
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert message.sent_at is None and message.attempts == 1 and message.last_error


def test_outbox_is_transactional(app):
    with app.test_request_context():
        queue("someone@example.org", "Something changed", "body")
        db.session.rollback()
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_users_create(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "first.admin@example.org",
            "--role",
            "admin",
            "--password",
            "a long password 1",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.roles == {"admin"} and user.email_confirmed_at
