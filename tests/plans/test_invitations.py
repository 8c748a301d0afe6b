"""Invitations with one-time codes, professional expiry, the young person's sharing page, and emails that say
only that something changed."""

import re
from datetime import date, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.outbox import OutboxMessage
from portal.plans.models import PlanAccess, PlanInvitation
from portal.timeutil import utcnow
from tests.pages import Client


def _client(app, sign_in, user) -> Client:
    client = Client(app.test_client())
    sign_in(user, client=client)
    return client


def _invite(app, sign_in, people, plan_id, email, role="parent", **extra):
    client = _client(app, sign_in, people.caseworker)
    page = client.submit(f"/plans/{plan_id}/invite", {"email": email, "role": role, **extra})
    assert page.status == 200, page.text()
    with app.app_context():
        message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == email)).all()[-1]
        return re.search(r"Your code: ([A-Z0-9-]+)", message.body).group(1), message


def test_a_parent_joins_with_the_code_once(app, sign_in, people, make_plan):
    plan_id = make_plan()
    code, message = _invite(app, sign_in, people, plan_id, "parent@example.org")
    # The email carries the code and a link, never the child's name or the plan's words.
    for secret in ("Samuel", "Sam ", "Taylor", "Riverside", "autistic"):
        assert secret not in message.body and secret not in message.subject
    with app.app_context():
        stored = db.session.scalar(select(PlanInvitation))
        assert code not in stored.code_hash and code.replace("-", "") not in stored.code_hash
    parent = _client(app, sign_in, people.parent)
    assert parent.raw.get(f"/plans/{plan_id}").status_code == 404
    page = parent.submit("/plans/join", {"code": "WRONG-CODE1"})
    assert page.error_summary() == ["The code is not right, has been used, or has ended. Check the email."]
    page = parent.submit("/plans/join", {"code": code.lower().replace("-", " ")})
    assert page.h1 == "EHC plan for Sam"
    # Used once: a second go (even by the same person) is refused.
    page = parent.submit("/plans/join", {"code": code})
    assert page.error_summary() == ["The code is not right, has been used, or has ended. Check the email."]


def test_a_code_is_only_for_the_address_it_was_sent_to(app, sign_in, people, make_plan):
    plan_id = make_plan()
    code, _message = _invite(app, sign_in, people, plan_id, "parent@example.org")
    other = _client(app, sign_in, people.other_parent)
    page = other.submit("/plans/join", {"code": code})
    assert page.error_summary()
    assert other.raw.get(f"/plans/{plan_id}").status_code == 404


def test_an_expired_code_is_refused(app, sign_in, people, make_plan):
    plan_id = make_plan()
    code, _message = _invite(app, sign_in, people, plan_id, "parent@example.org")
    with app.app_context():
        invitation = db.session.scalar(select(PlanInvitation))
        invitation.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    parent = _client(app, sign_in, people.parent)
    assert parent.submit("/plans/join", {"code": code}).error_summary()
    assert parent.raw.get(f"/plans/{plan_id}").status_code == 404


def test_a_professional_is_invited_for_a_purpose_and_a_period(app, sign_in, people, make_plan):
    plan_id = make_plan()
    caseworker = _client(app, sign_in, people.caseworker)
    page = caseworker.submit(
        f"/plans/{plan_id}/invite", {"email": "professional@example.org", "role": "professional"}
    )
    assert page.error_summary() == [
        "Enter why the professional needs to see the plan",
        "Enter the date their access ends",
    ]
    until = date.today() + timedelta(days=30)
    code, _message = _invite(
        app,
        sign_in,
        people,
        plan_id,
        "professional@example.org",
        role="professional",
        purpose="Advice for the annual review",
        access_until=[str(until.day), str(until.month), str(until.year)],
    )
    professional = _client(app, sign_in, people.professional)
    professional.submit("/plans/join", {"code": code})
    assert professional.raw.get(f"/plans/{plan_id}").status_code == 200
    page = caseworker.get(f"/plans/{plan_id}/access")
    assert "Purpose: Advice for the annual review" in page.text()
    # Access ends on its own.
    with app.app_context():
        row = db.session.scalar(select(PlanAccess).where(PlanAccess.user_id == people.professional.id))
        assert row.expires_at.date() == until + timedelta(days=1)
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert professional.raw.get(f"/plans/{plan_id}").status_code == 404
    assert professional.raw.get(f"/plans/{plan_id}/sections/a").status_code == 404


def test_a_caseworker_ends_someones_access(app, sign_in, people, make_plan, grant):
    plan_id = make_plan()
    access_id = grant(plan_id, people.parent, "parent")
    caseworker = _client(app, sign_in, people.caseworker)
    page = caseworker.get(f"/plans/{plan_id}/access")
    form = page.soup.select_one(f"form[action='/plans/{plan_id}/access/{access_id}/end']")
    caseworker.raw.post(
        form["action"], data={"csrf_token": form.select_one("input[name=csrf_token]")["value"]}
    )
    parent = _client(app, sign_in, people.parent)
    assert parent.raw.get(f"/plans/{plan_id}").status_code == 404


def test_the_young_person_withdraws_and_gives_back_a_parents_access(
    app, sign_in, people, make_plan, grant, link_young_person
):
    plan_id = make_plan(date_of_birth=date(2008, 1, 1))
    access_id = grant(plan_id, people.parent, "parent")
    link_young_person(plan_id, people.young)
    young = _client(app, sign_in, people.young)
    page = young.get(f"/plans/{plan_id}")
    assert "This is your plan now" in page.text()
    page = young.get(f"/plans/{plan_id}/sharing")
    assert page.h1 == "Choose who can see your plan"
    assert "parent@example.org Can see your plan" in page.text()
    token = page.csrf_token()
    young.raw.post(f"/plans/{plan_id}/sharing/{access_id}", data={"csrf_token": token, "action": "withdraw"})
    parent = _client(app, sign_in, people.parent)
    assert parent.raw.get(f"/plans/{plan_id}").status_code == 404
    page = young.get(f"/plans/{plan_id}/sharing")
    assert "parent@example.org Cannot see your plan" in page.text()
    young.raw.post(f"/plans/{plan_id}/sharing/{access_id}", data={"csrf_token": token, "action": "grant"})
    assert parent.raw.get(f"/plans/{plan_id}").status_code == 200
    page = young.get(f"/plans/{plan_id}/access")
    assert "Access withdrawn" in page.text() and "Access given" in page.text()
    # The parent has no sharing page, and nor does the young person before the transfer.
    assert parent.raw.get(f"/plans/{plan_id}/sharing").status_code == 404


def test_publishing_emails_say_only_that_something_changed(app, sign_in, people, make_plan, grant):
    plan_id = make_plan()
    grant(plan_id, people.parent, "parent")
    caseworker = _client(app, sign_in, people.caseworker)
    page = caseworker.get(f"/plans/{plan_id}")
    form = page.soup.select_one(f"form[action='/plans/{plan_id}/versions/new']")
    caseworker.raw.post(
        form["action"], data={"csrf_token": form.select_one("input[name=csrf_token]")["value"]}
    )
    today = date.today()
    page = caseworker.submit(
        f"/plans/{plan_id}/versions/3/publish",
        {
            "status": "final",
            "issued_on": [str(today.day), str(today.month), str(today.year)],
            "reason": "Annual review",
        },
    )
    assert page.h1 == "Versions of the plan"
    with app.app_context():
        message = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.to_address == "parent@example.org")
        )
        assert f"/plans/{plan_id}" in message.body
        for secret in ("Samuel", "Taylor", "Northgate", "autistic", "Annual review"):
            assert secret not in message.body and secret not in message.subject


def test_a_caseworker_cancels_an_invitation(app, sign_in, people, make_plan):
    plan_id = make_plan()
    code, _message = _invite(app, sign_in, people, plan_id, "parent@example.org")
    caseworker = _client(app, sign_in, people.caseworker)
    page = caseworker.get(f"/plans/{plan_id}/access")
    assert "Invitations not used yet" in page.text()
    form = page.soup.select_one("form[action$='/cancel']")
    caseworker.raw.post(
        form["action"], data={"csrf_token": form.select_one("input[name=csrf_token]")["value"]}
    )
    assert "Invitations not used yet" not in caseworker.get(f"/plans/{plan_id}/access").text()
    parent = _client(app, sign_in, people.parent)
    assert parent.submit("/plans/join", {"code": code}).error_summary()
    assert parent.raw.get(f"/plans/{plan_id}").status_code == 404
