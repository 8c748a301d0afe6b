"""A young person gives their views: start, answer in each way, skip, save for later, check, send."""

import io

from sqlalchemy import select

from portal.extensions import db
from portal.voice.models import ViewAnswer, ViewSet

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def start(client, plan_id):
    page = client.get(f"/my-views/plans/{plan_id}")
    response = client.raw.post(
        f"/my-views/plans/{plan_id}/start", data={"csrf_token": page.csrf_token(), "kind": "young_person"}
    )
    assert response.status_code == 302
    return response.headers["Location"]


def test_young_person_answers_every_way_then_sends(app, client, family, sign_in):
    sign_in(family.young)
    first = start(client, family.plan_id)
    assert first.endswith("/questions/like")
    page = client.get(first)
    assert page.h1 == "What do people like about you?"
    assert "Question 1 of 10" in page.text()
    set_path = first.rsplit("/questions/", 1)[0]

    page = client.submit(
        first, {"cards": ["kind", "funny", "not-a-card"], "text": "I make people laugh", "save": "y"}
    )
    assert page.h1 == "What is important to you now?"
    page = client.submit(f"{set_path}/questions/important_now", {"skip": "y"})
    assert page.h1 == "What will be important to you when you are older?"
    page = client.submit(
        f"{set_path}/questions/hopes_school",
        {"scale": "4", "upload": (io.BytesIO(PNG), "my drawing.png"), "save": "y"},
        content_type="multipart/form-data",
    )
    assert page.h1 == "What job would you like one day?"

    page = client.get(set_path)
    assert page.h1 == "Check your answers"
    text = page.text()
    assert "Kind" in text and "Funny" in text and "I make people laugh" in text
    assert "Skipped" in text
    assert "Happy" in text
    assert "Download my drawing.png" in text

    page = client.submit(set_path, {}, follow=True) if False else None
    token = client.get(set_path).csrf_token()
    response = client.raw.post(f"{set_path}/send", data={"csrf_token": token})
    assert response.status_code == 302
    page = client.get(set_path)
    assert page.h1 == "Amira's views"
    assert "Sent on" in page.text()
    assert "Amira (young person)" in page.text() and "parent@example.org (parent or carer)" in page.text()

    with app.app_context():
        view_set = db.session.scalars(select(ViewSet)).one()
        assert view_set.sent_by_id == family.young.id
        answers = {a.question: a for a in db.session.scalars(select(ViewAnswer))}
        assert answers["like"].cards == "kind funny"
        assert answers["important_now"].skipped
        assert answers["hopes_school"].scale == 4 and answers["hopes_school"].file_id
