"""Who sees views: the young person, parents with access to the plan, caseworkers. Everyone else gets 404."""

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.extensions import db
from portal.plans.models import PlanAccess
from portal.timeutil import utcnow
from tests.voice.helpers import PNG, answer, send, start

OUTSIDERS = ("other_parent", "other_young", "professional", "editor", "mediator", "admin")


def urls(set_path, plan_id):
    """Every views URL that names a set or a plan, with its method."""
    return [
        ("GET", f"/my-views/plans/{plan_id}"),
        ("POST", f"/my-views/plans/{plan_id}/start"),
        ("GET", f"/my-views/plans/{plan_id}/request"),
        ("POST", f"/my-views/plans/{plan_id}/request"),
        ("GET", set_path),
        ("GET", f"{set_path}/questions/like"),
        ("POST", f"{set_path}/questions/like"),
        ("GET", f"{set_path}/questions/like/file"),
        ("POST", f"{set_path}/questions/like/quote"),
        ("POST", f"{set_path}/send"),
    ]


@pytest.fixture
def sent_and_draft(app, client, family, sign_in):
    """A sent set (with a file) and a draft, both Amira's; then signs out."""
    sign_in(family.young)
    sent = start(client, family.plan_id)
    answer(
        client,
        sent,
        "like",
        {"text": "x", "upload": (io.BytesIO(PNG), "a.png")},
        content_type="multipart/form-data",
    )
    send(client, sent)
    draft = start(client, family.plan_id)
    answer(client, draft, "like", {"text": "y"})
    client.post("/account/logout", data={"csrf_token": client.get("/my-views/").csrf_token()})
    return sent, draft


def _token(client):
    return client.get("/account/profile").csrf_token()


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_on_every_views_url(app, client, family, sign_in, sent_and_draft, who):
    sign_in(getattr(family, who))
    token = _token(client)
    for set_path in sent_and_draft:
        for method, url in urls(set_path, family.plan_id):
            response = client.raw.open(url, method=method, data={"csrf_token": token, "kind": "parent"})
            assert response.status_code == 404, (who, method, url)
            assert "amira" not in response.get_data(as_text=True).lower()
    assert client.raw.get("/my-views/").status_code == (
        200 if who in ("other_parent", "other_young") else 404
    )
    with app.app_context():
        refused = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.refused")).all()
        assert len(refused) >= 10


def test_caseworkers_and_parents_do_not_see_a_young_persons_draft(
    app, client, family, sign_in, sent_and_draft
):
    sent, draft = sent_and_draft
    for who in ("caseworker", "parent"):
        sign_in(getattr(family, who))
        assert client.raw.get(draft).status_code == 404
        assert client.raw.get(f"{draft}/questions/like").status_code == 404
        assert client.get(sent).status == 200
        client.post("/account/logout", data={"csrf_token": _token(client)})


def test_a_parents_draft_is_theirs_alone(app, client, family, make_user, sign_in):
    second_parent = make_user("second.parent@example.org", roles=("parent",))
    with app.app_context():
        db.session.add(PlanAccess(plan_id=family.plan_id, user_id=second_parent.id, role="parent"))
        db.session.commit()
    sign_in(family.parent)
    path = start(client, family.plan_id, kind="parent")
    client.post("/account/logout", data={"csrf_token": _token(client)})
    for person in (second_parent, family.young, family.caseworker):
        sign_in(person)
        assert client.raw.get(path).status_code == 404, person.email
        client.post("/account/logout", data={"csrf_token": _token(client)})


def test_a_parent_whose_access_ended_gets_404(app, client, family, sign_in, sent_and_draft):
    sent, _draft = sent_and_draft
    with app.app_context():
        row = db.session.scalars(select(PlanAccess).where(PlanAccess.user_id == family.parent.id)).one()
        row.revoked_at = utcnow()
        db.session.commit()
    sign_in(family.parent)
    assert client.raw.get(sent).status_code == 404
    assert client.raw.get(f"/my-views/plans/{family.plan_id}").status_code == 404


def test_a_young_person_reads_parents_views_only_once_they_may_read_the_plan(app, client, family, sign_in):
    sign_in(family.parent)
    path = start(client, family.plan_id, kind="parent")
    answer(client, path, "like", {"text": "Kind"})
    send(client, path)
    client.post("/account/logout", data={"csrf_token": _token(client)})
    sign_in(family.young)
    assert client.raw.get(path).status_code == 404  # Amira is 14: the plan is not yet hers
    with app.app_context():
        db.session.add(PlanAccess(plan_id=family.plan_id, user_id=family.young.id, role="child"))
        db.session.commit()
    assert client.get(path).status == 200


def test_caseworker_sees_sent_views_and_quotes_one_into_section_a(
    app, client, family, sign_in, sent_and_draft
):
    from portal.plans.models import SectionAEntry

    sent, _draft = sent_and_draft
    sign_in(family.caseworker)
    page = client.get("/my-views/")
    assert page.h1 == "Views from families"
    assert page.links()["Amira's views"] == sent
    page = client.get(sent)
    buttons = page.soup.select("form[action$='/quote'] button")
    assert len(buttons) == 1  # only the answered question
    response = client.raw.post(f"{sent}/questions/like/quote", data={"csrf_token": page.csrf_token()})
    assert response.status_code == 302
    assert "Added to section A of the draft plan" in client.get(sent).text()
    # Quoting twice adds nothing more.
    client.raw.post(f"{sent}/questions/like/quote", data={"csrf_token": page.csrf_token()})
    with app.app_context():
        entry = db.session.scalars(select(SectionAEntry)).one()
        assert entry.text == "x"
        assert entry.source.startswith("Amira's views, sent through My views on ")
        assert "What do people like about you?" in entry.source
        assert entry.added_by_id == family.caseworker.id


def test_quoting_needs_a_draft_version(app, client, family, sign_in, sent_and_draft):
    from portal.plans.models import PlanVersion

    sent, _draft = sent_and_draft
    with app.app_context():
        version = db.session.scalars(select(PlanVersion)).first()
        version.status, version.published_at = "final", utcnow()
        db.session.commit()
    sign_in(family.caseworker)
    token = client.get(sent).csrf_token()
    client.raw.post(f"{sent}/questions/like/quote", data={"csrf_token": token})
    assert "There is no draft of this plan to add to" in client.get(sent).text()


def test_only_caseworkers_quote(app, client, family, sign_in, sent_and_draft):
    sent, _draft = sent_and_draft
    sign_in(family.parent)
    token = client.get(sent).csrf_token()
    assert not client.get(sent).soup.select("form[action$='/quote']")
    assert client.raw.post(f"{sent}/questions/like/quote", data={"csrf_token": token}).status_code == 403


def test_caseworker_asks_for_views_and_the_family_is_told(app, client, family, sign_in):
    from portal.outbox import OutboxMessage
    from portal.voice.models import ViewRequest

    sign_in(family.caseworker)
    path = f"/my-views/plans/{family.plan_id}/request"
    page = client.submit(path, {"asks": "both"})
    assert "Enter the date of the review" in page.error_summary()
    page = client.submit(path, {"asks": "both", "review_date": ["31", "2", "2030"]})
    assert "Enter a real date, like 27 3 2027" in page.error_summary()
    past = date.today() - timedelta(days=1)
    page = client.submit(
        path, {"asks": "both", "review_date": [str(past.day), str(past.month), str(past.year)]}
    )
    assert "The date of the review must be today or in the future" in page.error_summary()
    review = date.today() + timedelta(days=40)
    page = client.submit(
        path, {"asks": "both", "review_date": [str(review.day), str(review.month), str(review.year)]}
    )
    assert page.h1 == "Views: Amira"
    assert "Views asked for" in page.text()
    with app.app_context():
        request = db.session.scalars(select(ViewRequest)).one()
        assert request.review_date == review and request.requested_by_id == family.caseworker.id
        messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.to_address)).all()
        assert [m.to_address for m in messages] == ["amira@example.org", "parent@example.org"]
        for message in messages:
            assert message.subject == "Your views have been asked for"
            assert "http://localhost/my-views/" in message.body
            # Only that views were asked for: no name, no date, no plan details.
            assert "Amira" not in message.body and str(review.year) not in message.body
        assert not any(m.to_address == "senco@example.org" for m in messages)

    client.post("/account/logout", data={"csrf_token": _token(client)})
    sign_in(family.young)
    page = client.get("/my-views/")
    assert "The council has asked for views." in page.text()
    path = start(client, family.plan_id)
    answer(client, path, "like", {"text": "Answering the request"})
    send(client, path)
    assert "The council has asked for views." not in client.get("/my-views/").text()
    with app.app_context():
        told = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == "caseworker@example.org")
        ).one()
        assert told.subject == "Views were sent" and "Amira" not in told.body


def test_asking_is_for_caseworkers_only(app, client, family, sign_in):
    sign_in(family.parent)
    assert client.raw.get(f"/my-views/plans/{family.plan_id}/request").status_code == 404


def test_a_parent_is_asked_to_help_when_the_young_person_has_no_account(app, client, make_user, sign_in):
    from portal.outbox import OutboxMessage
    from tests.voice.conftest import make_plan

    parent = make_user("solo.parent@example.org", roles=("parent",))
    caseworker = make_user("cw@example.org", roles=("caseworker",))
    plan_id = make_plan(app, parents=[parent], name="Cara")
    sign_in(caseworker)
    review = date.today() + timedelta(days=10)
    client.submit(
        f"/my-views/plans/{plan_id}/request",
        {"asks": "young_person", "review_date": [str(review.day), str(review.month), str(review.year)]},
    )
    with app.app_context():
        assert [m.to_address for m in db.session.scalars(select(OutboxMessage))] == [
            "solo.parent@example.org"
        ]


def test_a_quote_carries_cards_faces_and_who_helped(app, client, family, sign_in):
    from portal.plans.models import SectionAEntry

    sign_in(family.parent)
    path = start(client, family.plan_id, kind="young_person")
    answer(client, path, "hopes_school", {"cards": ["college", "friends"], "scale": "4"})
    send(client, path)
    client.post("/account/logout", data={"csrf_token": _token(client)})
    sign_in(family.caseworker)
    token = client.get(path).csrf_token()
    client.raw.post(f"{path}/questions/hopes_school/quote", data={"csrf_token": token})
    with app.app_context():
        entry = db.session.scalars(select(SectionAEntry)).one()
        assert entry.text == (
            "Picture cards chosen: College, Friends\nHow do you feel about school or college now? Happy"
        )
        assert entry.source.endswith("(with help from parent@example.org)")
