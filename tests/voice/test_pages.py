"""Query counts stay small whatever the data size; the plan-page partial; the demo data."""

import io
from types import SimpleNamespace

import pytest
from flask import render_template
from flask_login import login_user

from portal.accounts.models import User
from portal.extensions import db
from portal.plans.models import Plan
from portal.timeutil import utcnow
from portal.voice.models import ViewAnswer, ViewRequest, ViewSet
from portal.voice.questions import BY_KEY, KEYS
from tests.voice.helpers import PNG, answer, start

MAX_QUERIES = 10


def many_sets(app, family, count=25):
    """Sent sets by Amira and her parent, each answering every question."""
    with app.app_context():
        for number in range(count):
            kind = "young_person" if number % 2 else "parent"
            author = family.young.id if kind == "young_person" else family.parent.id
            view_set = ViewSet(
                plan_id=family.plan_id,
                kind=kind,
                author_id=author,
                sent_at=utcnow(),
                sent_by_id=author,
                helper_id=family.parent.id if number % 3 == 0 else None,
            )
            view_set.answers = [
                ViewAnswer(
                    question=key, text=f"answer {number}", cards=" ".join(BY_KEY[key].cards[:2]), scale=3
                )
                for key in KEYS
            ]
            db.session.add(view_set)
        db.session.add(
            ViewRequest(
                plan_id=family.plan_id,
                asks="both",
                review_date=utcnow().date(),
                requested_by_id=family.caseworker.id,
            )
        )
        db.session.commit()


@pytest.mark.parametrize("who", ["young", "parent", "caseworker"])
def test_views_pages_stay_under_ten_queries(app, client, family, sign_in, count_queries, who):
    many_sets(app, family)
    sign_in(getattr(family, who))
    paths = ["/my-views/", f"/my-views/plans/{family.plan_id}", "/my-views/2"]
    if who != "caseworker":
        draft = start(client, family.plan_id, kind="young_person")
        answer(
            client,
            draft,
            "like",
            {"text": "x", "upload": (io.BytesIO(PNG), "a.png")},
            content_type="multipart/form-data",
        )
        paths += [draft, f"{draft}/questions/like", f"{draft}/questions/hopes_school"]
    if who == "caseworker":
        paths.append(f"/my-views/plans/{family.plan_id}/request")
    for path in paths:
        client.get(path)  # warm the session and the template cache
        with count_queries() as counter:
            client.get(path)
        assert counter.count <= MAX_QUERIES, (path, counter.count)


def _render_partial(app, user_id, plan_id, count_queries=None):
    with app.test_request_context("/plans/"):
        user = db.session.get(User, user_id)
        login_user(user)
        plan = db.session.get(Plan, plan_id)
        if count_queries is None:
            return render_template("voice/_on_plan.html", plan=plan)
        with count_queries() as counter:
            html = render_template("voice/_on_plan.html", plan=plan)
        assert counter.count <= 2, counter.count  # adds at most two queries to the plan page
        return html


def test_the_plan_page_partial_shows_sent_views_to_those_who_may_read_them(
    app, client, family, sign_in, count_queries
):
    sign_in(family.young)
    path = start(client, family.plan_id)
    answer(client, path, "like", {"text": "x"})
    client.raw.post(f"{path}/send", data={"csrf_token": client.get(path).csrf_token()})
    for who in ("young", "parent", "caseworker"):
        html = _render_partial(app, getattr(family, who).id, family.plan_id, count_queries)
        assert "Young person's views" in html and f'href="{path}"' in html, who
    assert _render_partial(app, family.professional.id, family.plan_id).strip() == ""
    assert "No views have been sent yet" in _render_partial(app, family.caseworker.id, family.other_plan_id)


def test_demo_seed_is_idempotent_and_shows_a_sent_set_and_an_open_request(app, client, sign_in):
    from sqlalchemy import func, select

    from portal.cli import create_demo_accounts
    from portal.plans import demo as plans_demo
    from portal.voice import demo
    from tests.conftest import PASSWORD_HASH

    with app.app_context():
        create_demo_accounts()
        plans_demo.seed()
        demo.seed()
        demo.seed()
        assert db.session.scalar(select(func.count(ViewSet.id))) == 3
        assert db.session.scalar(select(func.count(ViewRequest.id))) == 1
        young = db.session.scalar(select(User).where(User.email == "young.person@example.org"))
        young.password_hash = PASSWORD_HASH  # the demo password is random: use the tests' one
        db.session.commit()
    sign_in(SimpleNamespace(email="young.person@example.org", is_staff=False))
    page = client.get("/my-views/")
    assert "The council has asked for views." in page.text()
    assert "Jordan Ahmed's views" in page.links()
    page = client.get(page.links()["Jordan Ahmed's views"])
    assert "Sent on" in page.text() and "bike mechanics course" in page.text()
