"""Drafts, skipping, each way of answering, sending, read-only after sending, helpers, new sets per review."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from portal import storage
from portal.audit import AuditEvent
from portal.extensions import db
from portal.voice import service
from portal.voice.models import SentViewsError, ViewAnswer, ViewSet
from portal.voice.questions import KEYS
from tests.pages import Page
from tests.voice.helpers import PNG, answer, only_set, send, start


def test_a_draft_is_saved_for_later_and_starting_again_carries_on(app, client, family, sign_in):
    sign_in(family.young)
    path = start(client, family.plan_id)
    response = answer(client, path, "like", {"text": "I am kind", "later": "y"})
    assert response.status_code == 302 and response.headers["Location"] == "/my-views/"
    page = client.get("/my-views/")
    assert "Your answers are saved" in page.text()
    assert "Not sent yet" in page.text()
    assert page.links()["Amira's views"] == path
    # Starting again (or resubmitting the start form) never makes a second draft.
    assert start(client, family.plan_id) == path
    with app.app_context():
        assert db.session.scalar(select(db.func.count(ViewSet.id))) == 1
    # The next visit goes straight to the first question not yet answered.
    token = client.get(f"/my-views/plans/{family.plan_id}").csrf_token()
    response = client.raw.post(f"/my-views/plans/{family.plan_id}/start", data={"csrf_token": token})
    assert response.headers["Location"].endswith("/questions/important_now")
    page = client.get(f"{path}/questions/like")
    assert page.soup.select_one("textarea[name=text]").get_text() == "I am kind"


def test_skipping_takes_away_what_was_given_and_says_skipped(app, client, family, sign_in):
    sign_in(family.young)
    path = start(client, family.plan_id)
    answer(client, path, "hard", {"text": "Noise", "cards": ["noise"]})
    response = answer(client, path, "hard", {"text": "ignored", "skip": "y"})
    assert response.headers["Location"].endswith("/questions/hopes_school")
    saved = only_set(app).answer("hard")
    assert saved.skipped and saved.text == "" and saved.cards == ""
    row = client.get(path).soup.select_one("#answer-hard")
    assert "Skipped" in row.get_text()


def test_every_question_can_be_skipped_and_the_set_still_sent(app, client, family, sign_in):
    sign_in(family.young)
    path = start(client, family.plan_id)
    for key in KEYS:
        answer(client, path, key, {"skip": "y"})
    send(client, path)
    view_set = only_set(app)
    assert view_set.is_sent and all(a.skipped for a in view_set.answers)


def test_cards_only_from_the_question_and_in_question_order(app, client, family, sign_in):
    sign_in(family.young)
    path = start(client, family.plan_id)
    page = client.get(f"{path}/questions/support")
    boxes = page.soup.select("input[type=checkbox][name=cards]")
    assert len(boxes) == 9
    # Each card is a real checkbox with a visible text label and a decorative picture.
    for box in boxes:
        label = page.soup.select_one(f"label[for={box['id']}]")
        assert label.get_text(strip=True)
        assert label.img["alt"] == ""
    answer(client, path, "support", {"cards": ["breaks", "explain_again", "noise", "<script>"]})
    assert only_set(app).answer("support").cards == "explain_again breaks"
    page = client.get(f"{path}/questions/support")
    assert {b["value"] for b in page.soup.select("input[name=cards][checked]")} == {"explain_again", "breaks"}


def test_scale_is_faces_with_words_and_can_be_cleared(app, client, family, sign_in):
    sign_in(family.young)
    path = start(client, family.plan_id)
    page = client.get(f"{path}/questions/hopes_friends")
    radios = page.soup.select("input[type=radio][name=scale]")
    assert [r["value"] for r in radios] == ["1", "2", "3", "4", "5", ""]
    labels = [page.soup.select_one(f"label[for={r['id']}]").get_text(" ", strip=True) for r in radios[:5]]
    assert labels == ["1. Very unhappy", "2. Unhappy", "3. OK", "4. Happy", "5. Very happy"]
    answer(client, path, "hopes_friends", {"scale": "2"})
    assert only_set(app).answer("hopes_friends").scale == 2
    response = answer(client, path, "hopes_friends", {"scale": "9"})
    assert response.status_code == 400
    assert "Choose one of the faces, or leave it empty" in response.get_data(as_text=True)
    answer(client, path, "hopes_friends", {"scale": ""})
    assert only_set(app).answer("hopes_friends").scale is None
    # Questions without a scale have no faces, and a forged scale is not kept.
    assert not client.get(f"{path}/questions/like").soup.select("input[name=scale]")
    answer(client, path, "like", {"scale": "5", "text": "x"})
    assert only_set(app).answer("like").scale is None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_typed_words_are_kept_and_shown_as_text(app, client, family, sign_in, text):
    if client.raw.get("/my-views/").status_code != 200:
        sign_in(family.young)
    path = start(client, family.plan_id)
    response = answer(client, path, "like", {"text": text})
    assert response.status_code == 302
    kept = only_set(app).answer("like").text
    assert kept == service.clean_text(text)
    shown = client.get(path).soup.select_one("#answer-like .voice-words")
    if kept:
        assert shown.get_text() == kept
    else:
        assert shown is None


def test_too_much_text_is_refused_and_kept_on_the_page(app, client, family, sign_in):
    sign_in(family.young)
    path = start(client, family.plan_id)
    response = answer(client, path, "like", {"text": "a" * 5001, "cards": ["kind"]})
    assert response.status_code == 400
    page = client.get(f"{path}/questions/like")  # nothing was saved
    assert only_set(app).answer("like") is None
    assert "a" * 10 not in page.html


def test_upload_is_stored_encrypted_and_downloaded_as_an_attachment(app, client, family, sign_in):
    sign_in(family.young)
    path = start(client, family.plan_id)
    response = answer(
        client,
        path,
        "like",
        {"upload": (io.BytesIO(PNG), "me.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.get(storage.StoredFile, only_set(app).answer("like").file_id)
        assert stored.kind == "png" and stored.original_name == "me.png"
        assert storage.read_all(stored) == PNG
    download = client.raw.get(f"{path}/questions/like/file")
    assert download.status_code == 200 and download.data == PNG
    assert download.headers["Content-Disposition"] == 'attachment; filename="me.png"'
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    with app.app_context():
        assert db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "plan.views_file_downloaded")
        ).one()
    # Taking the file away deletes it.
    answer(client, path, "like", {"remove_file": "y"})
    with app.app_context():
        assert db.session.scalar(select(db.func.count(storage.StoredFile.id))) == 0
    assert client.raw.get(f"{path}/questions/like/file").status_code == 404


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "drawing.png", "The selected file must be a"),
        (b"MZ\x90\x00" + b"\x00" * 200, "song.mp3", "The selected file must be a"),
        (PNG, "drawing.mp4", "but its name does not end in .png"),
        (b"", "empty.png", "The selected file is empty"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "picture.svg", "The selected file must be a"),
    ],
)
def test_refused_uploads_keep_nothing_and_keep_the_words(
    app, client, family, sign_in, content, name, message
):
    sign_in(family.young)
    path = start(client, family.plan_id)
    response = answer(
        client,
        path,
        "like",
        {"text": "My words stay", "upload": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert "There is a problem" in html and 'href="#upload"' in html
    assert "My words stay" in html
    assert only_set(app).answer("like") is None
    with app.app_context():
        assert db.session.scalar(select(db.func.count(storage.StoredFile.id))) == 0


def test_no_file_chosen_is_no_file(app, client, family, sign_in):
    sign_in(family.young)
    path = start(client, family.plan_id)
    response = answer(
        client,
        path,
        "like",
        {"text": "Words only", "upload": (io.BytesIO(b""), "")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert only_set(app).answer("like").file_id is None


def test_a_question_page_takes_a_file_larger_than_the_usual_request_limit(app, client, family, sign_in):
    app.config["MAX_CONTENT_LENGTH"] = 4096  # the portal-wide limit (20 MB in production), made small here
    sign_in(family.young)
    path = start(client, family.plan_id)
    response = answer(
        client,
        path,
        "like",
        {"upload": (io.BytesIO(PNG + b"\x00" * 8192), "big.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert only_set(app).answer("like").file_id


def test_upload_over_the_limit_is_refused(app, client, family, sign_in, monkeypatch):
    monkeypatch.setattr(service, "MAX_UPLOAD_BYTES", 1024)
    sign_in(family.young)
    path = start(client, family.plan_id)
    response = answer(
        client,
        path,
        "like",
        {"upload": (io.BytesIO(PNG + b"\x00" * 2048), "big.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "The selected file must be smaller than" in response.get_data(as_text=True)


def test_after_sending_it_is_read_only_and_a_forged_post_is_refused(app, client, family, sign_in):
    sign_in(family.young)
    path = start(client, family.plan_id)
    answer(client, path, "like", {"text": "Before sending"})
    token = client.get(path).csrf_token()
    send(client, path)
    page = client.get(path)
    assert "Sent on" in page.text() and "Sent by amira@example.org" in page.text()
    assert not page.soup.select("main form")
    assert "Change" not in page.links()
    # The question page now leads back to the read-only page.
    response = client.raw.get(f"{path}/questions/like")
    assert response.status_code == 302 and response.headers["Location"] == path
    forged = client.raw.post(f"{path}/questions/like", data={"csrf_token": token, "text": "Changed"})
    assert forged.status_code == 403
    assert client.raw.post(f"{path}/send", data={"csrf_token": token}).status_code == 403
    assert only_set(app).answer("like").text == "Before sending"
    with app.app_context():
        saved = db.session.scalars(select(ViewAnswer)).one()
        saved.text = "Changed behind the page"
        with pytest.raises(SentViewsError):
            db.session.commit()


def test_each_review_gets_a_new_set_and_earlier_ones_stay(app, client, family, sign_in):
    sign_in(family.young)
    first = start(client, family.plan_id)
    answer(client, first, "like", {"text": "Last year"})
    send(client, first)
    second = start(client, family.plan_id)
    assert second != first
    answer(client, second, "like", {"text": "This year"})
    send(client, second)
    assert "Last year" in client.get(first).text()
    assert "This year" in client.get(second).text()
    page = client.get(f"/my-views/plans/{family.plan_id}")
    assert len(page.soup.select(".voice-sets__item")) == 2


def test_a_parent_helping_is_recorded_and_shown(app, client, family, sign_in):
    sign_in(family.parent)
    path = start(client, family.plan_id, kind="young_person")
    page = client.get(f"{path}/questions/like")
    assert page.h1 == "What do people like about you?"
    assert "You are helping Amira" in page.text()
    answer(client, path, "like", {"text": "She loves horses"})
    send(client, path)
    view_set = only_set(app)
    assert view_set.kind == "young_person" and view_set.helper_id == family.parent.id
    assert view_set.sent_by_id == family.parent.id
    page = client.get(path)
    assert "Filled in with help from parent@example.org" in page.soup.select_one("#helper-record").get_text()
    # The young person reads what was sent for them, with the help recorded.
    client.post("/account/logout", data={"csrf_token": page.csrf_token()})
    sign_in(family.young)
    assert "Filled in with help from parent@example.org" in client.get(path).text()


def test_a_parent_gives_their_own_views_in_parent_wording(app, client, family, sign_in):
    sign_in(family.parent)
    path = start(client, family.plan_id, kind="parent")
    page = client.get(f"{path}/questions/like")
    assert page.h1 == "What do people like and admire about your child?"
    page = client.get(f"{path}/questions/hopes_health")
    assert "How does your child feel about their health now?" in page.text()
    answer(client, path, "hopes_health", {"text": "Sleep better", "scale": "3"})
    send(client, path)
    page = client.get(path)
    assert page.h1 == "Views of parent@example.org, parent or carer of Amira"
    assert "How does your child feel about their health now? OK" in page.text()


def test_a_parent_must_choose_whose_views(app, client, family, sign_in):
    sign_in(family.parent)
    token = client.get(f"/my-views/plans/{family.plan_id}").csrf_token()
    response = client.raw.post(f"/my-views/plans/{family.plan_id}/start", data={"csrf_token": token})
    assert response.status_code == 400
    page = Page(response).check()
    assert page.error_summary() == ["Choose whose views these are"]
    target = page.soup.select_one(".govuk-error-summary a")["href"]
    assert page.soup.select_one(target)["name"] == "kind"
    assert page.title.startswith("Error:")


def test_unknown_question_is_not_found(app, client, family, sign_in):
    sign_in(family.young)
    path = start(client, family.plan_id)
    assert client.raw.get(f"{path}/questions/not-a-question").status_code == 404


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    content=st.binary(min_size=1, max_size=2048),
    name=st.sampled_from(["a.png", "a.jpg", "a.mp3", "a.mp4", "a.webm", "a.exe", "a", "a.html"]),
)
def test_any_bytes_are_either_a_known_type_or_refused_cleanly(app, client, family, sign_in, content, name):
    if client.raw.get("/my-views/").status_code != 200:
        sign_in(family.young)
    path = start(client, family.plan_id)
    response = answer(
        client, path, "like", {"upload": (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )
    assert response.status_code in (302, 400)
    with app.app_context():
        files = db.session.scalars(select(storage.StoredFile)).all()
        saved = db.session.scalars(select(ViewAnswer).where(ViewAnswer.question == "like")).first()
        if response.status_code == 400:
            assert "There is a problem" in response.get_data(as_text=True)
            assert saved is None or saved.file_id is None or saved.file_id in {f.id for f in files}
        else:
            assert (
                saved.file_id
                and db.session.get(storage.StoredFile, saved.file_id).kind in service.UPLOAD_KINDS
            )
