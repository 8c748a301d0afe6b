"""For every plan URL, everyone who should not see the plan gets 404 (never 403, never the plan)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.extensions import db
from portal.plans import service
from portal.plans.models import Plan, PlanAccess, PlanVersion
from portal.timeutil import utcnow
from tests.pages import Client

LETTERS = ["a", "b", "c", "d", "e", "f", "g", "h1", "h2", "i", "j", "k"]


def family_gets(plan_id: int) -> list[str]:
    base = f"/plans/{plan_id}"
    return [
        base,
        *(f"{base}/sections/{letter}" for letter in LETTERS),
        f"{base}/versions/1",
        f"{base}/versions/2",
        f"{base}/history",
        f"{base}/compare",
        f"{base}/compare?from=1&to=2",
        f"{base}/print",
        f"{base}/download",
        f"{base}/dates",
        f"{base}/access",
    ]


def casework_gets(plan_id: int, item_id: int) -> list[str]:
    base = f"/plans/{plan_id}"
    return [
        f"{base}/dates/edit",
        f"{base}/invite",
        f"{base}/versions/import",
        f"{base}/versions/3",
        f"{base}/versions/3/edit",
        f"{base}/versions/3/views/new",
        f"{base}/versions/3/views/{item_id}",
        f"{base}/versions/3/needs/new",
        f"{base}/versions/3/outcomes/new",
        f"{base}/versions/3/provision/new",
        f"{base}/versions/3/advice/new",
        f"{base}/versions/3/placement",
        f"{base}/versions/3/publish",
    ]


def posts(plan_id: int, item_id: int, access_id: int) -> list[str]:
    base = f"/plans/{plan_id}"
    return [
        f"{base}/sharing/{access_id}",
        f"{base}/access/{access_id}/end",
        f"{base}/versions/new",
        f"{base}/invitations/1/cancel",
        f"{base}/versions/3/views/{item_id}/remove",
        f"{base}/versions/3/discard",
        *(
            url
            for url in casework_gets(plan_id, item_id)
            if not url.endswith(("/versions/3", "/versions/3/edit"))
        ),
    ]


@pytest.fixture
def world(app, people, make_plan, grant, link_young_person, make_user):
    """A plan (child aged 12) with a working copy, its parent, and people around it in every other state."""
    plan_id = make_plan(date_of_birth=date(2014, 5, 12))
    other_plan = make_plan()
    parent_access = grant(plan_id, people.parent, "parent")
    grant(other_plan, people.other_parent, "parent")
    withdrawn = make_user("withdrawn.parent@example.org", roles=("parent",))
    withdrawn_row = grant(plan_id, withdrawn, "parent")
    expired = make_user("expired.professional@example.org", roles=("professional",))
    grant(plan_id, expired, "professional", expires_at=utcnow() - timedelta(seconds=1), purpose="Advice")
    future = make_user("future.professional@example.org", roles=("professional",))
    grant(
        plan_id,
        future,
        "professional",
        starts_at=utcnow() + timedelta(days=1),
        expires_at=utcnow() + timedelta(days=9),
    )
    unbounded = make_user("unbounded.professional@example.org", roles=("professional",))
    grant(plan_id, unbounded, "professional")  # a professional row with no end date is refused
    link_young_person(plan_id, people.young)  # linked, but not 16 yet: no access
    with app.app_context():
        row = db.session.get(PlanAccess, withdrawn_row)
        row.revoked_at = utcnow()
        plan = db.session.get(Plan, plan_id)
        version = service.start_version(plan, None)
        db.session.commit()
        item_id = version.views[0].id
    denied = {
        "other parent": people.other_parent,
        "professional without access": people.professional,
        "expired professional": expired,
        "professional not started": future,
        "professional with no end date": unbounded,
        "young person before 16 without access": people.young,
        "parent after withdrawal": withdrawn,
        "forum editor": people.editor,
        "mediator": people.mediator,
        "service editor": people.service_editor,
        "admin": people.admin,
    }
    return plan_id, item_id, parent_access, denied


def _client(app, sign_in, user) -> Client:
    client = Client(app.test_client())
    sign_in(user, client=client)
    return client


def test_everyone_without_access_gets_404_everywhere(app, sign_in, people, world):
    plan_id, item_id, access_id, denied = world
    for label, user in denied.items():
        client = _client(app, sign_in, user)
        token = client.get("/account/profile").csrf_token()
        for url in family_gets(plan_id) + casework_gets(plan_id, item_id) + [f"/plans/{plan_id}/sharing"]:
            response = client.raw.get(url)
            assert response.status_code == 404, f"{label}: GET {url} gave {response.status_code}"
            assert "Samuel Taylor" not in response.get_data(as_text=True), (
                f"{label}: GET {url} shows the child"
            )
        for url in posts(plan_id, item_id, access_id):
            response = client.raw.post(url, data={"csrf_token": token})
            assert response.status_code == 404, f"{label}: POST {url} gave {response.status_code}"
        assert plan_id not in [p for p in _my_plan_ids(client)], label
    with app.app_context():
        refused = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "access.refused", AuditEvent.object_type == "plan")
        ).all()
        assert len(refused) >= len(denied) * len(family_gets(plan_id))


def _my_plan_ids(client) -> list[int]:
    page = client.get("/plans/")
    return [
        int(a["href"].rsplit("/", 1)[1])
        for a in page.soup.select("main ul a[href^='/plans/']")
        if a["href"].rsplit("/", 1)[1].isdigit()
    ]


def test_a_parent_sees_the_family_pages_but_not_the_caseworker_pages(app, sign_in, people, world):
    plan_id, item_id, access_id, _denied = world
    client = _client(app, sign_in, people.parent)
    for url in family_gets(plan_id):
        response = client.raw.get(url)
        assert response.status_code == 200, f"GET {url} gave {response.status_code}"
    assert client.raw.get(f"/plans/{plan_id}/versions/3").status_code == 404  # the unpublished working copy
    token = client.get("/account/profile").csrf_token()
    for url in [*casework_gets(plan_id, item_id), f"/plans/{plan_id}/sharing"]:
        assert client.raw.get(url).status_code == 404, url
    for url in posts(plan_id, item_id, access_id):
        assert client.raw.post(url, data={"csrf_token": token}).status_code == 404, url
    with app.app_context():
        assert db.session.scalar(
            select(PlanVersion).where(PlanVersion.number == 3, PlanVersion.plan_id == plan_id)
        )
    assert plan_id in _my_plan_ids(client)


def test_a_caseworker_sees_every_page(app, sign_in, people, world):
    plan_id, item_id, _access_id, _denied = world
    client = _client(app, sign_in, people.caseworker)
    for url in family_gets(plan_id) + casework_gets(plan_id, item_id):
        response = client.raw.get(url)
        assert response.status_code == 200, f"GET {url} gave {response.status_code}"


def test_unknown_plans_and_sections_are_404(app, sign_in, people, world):
    plan_id, *_rest = world
    client = _client(app, sign_in, people.caseworker)
    for url in (
        "/plans/999999",
        f"/plans/{plan_id}/sections/z",
        f"/plans/{plan_id}/versions/99",
        f"/plans/{plan_id}/versions/3/nonsense/new",
    ):
        assert client.raw.get(url).status_code == 404, url
