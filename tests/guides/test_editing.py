"""Forum editors write, review and publish guides and provision pages; nothing unapproved is public."""

import filecmp

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.extensions import db
from portal.guides import content, workflow
from portal.guides.models import ContentPage, ContentRevision
from portal.outbox import OutboxMessage
from tests.guides.conftest import form_values, send

GUIDES = "/edit/guides/"


def revisions(app, language=None, slug="annual-reviews") -> list[ContentRevision]:
    """Every revision, oldest first; given a language, only that page's revisions in it."""
    with app.app_context():
        statement = select(ContentRevision).order_by(ContentRevision.id)
        if language:
            statement = statement.join(ContentPage).where(
                ContentRevision.language == language, ContentPage.slug == slug
            )
        found = list(db.session.scalars(statement))
        db.session.expunge_all()
        return found


def page_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(ContentPage.id).where(ContentPage.slug == slug))


def revision_path(app, slug: str, rev: ContentRevision, kind="guides") -> str:
    return f"/edit/{kind}/{page_id(app, slug)}/revisions/{rev.id}"


def public(client, path: str, expect=200):
    return client.get(path, expect=expect)


def new_guide(client, action="submit", **changes):
    values = {
        "title": "Getting ready for a tribunal hearing",
        "summary": "What happens on the day.",
        "audience": ["parents"],
        "topics": ["disagreements"],
        "body": "## On the day\n\nBring your bundle. Zebra words help the search test.",
        "co_produced_with": "Testshire Parent Carer Forum",
        **changes,
    }
    return client.submit(f"{GUIDES}new", {**values, "action": action})


# Who may edit.


@pytest.mark.parametrize("roles", [("parent",), ("service_editor",), ("admin",), ("caseworker",)])
def test_only_forum_editors_may_edit(app, client, sign_in, make_user, imported, roles):
    sign_in(make_user("someone@example.org", roles=roles))
    pid = page_id(app, "annual-reviews")
    [english, *_rest] = revisions(app, "en")
    for path in (
        GUIDES,
        "/edit/provision/",
        f"{GUIDES}new",
        f"{GUIDES}{pid}",
        f"{GUIDES}{pid}/en",
        f"{GUIDES}{pid}/revisions/{english.id}",
        f"{GUIDES}{pid}/revisions/{english.id}/changes",
    ):
        client.get(path, expect=403)
    token = client.get("/account/profile").csrf_token()
    response = client.raw.post(f"{GUIDES}{pid}/revisions/{english.id}/restore", data={"csrf_token": token})
    assert response.status_code == 403
    assert len(revisions(app)) == 3


def test_unknown_pages_and_revisions_are_404(app, client, sign_in, editor, imported):
    sign_in(editor)
    guide, provision = page_id(app, "annual-reviews"), page_id(app, "sensory-physical/primary")
    [english_guide] = revisions(app, "en")
    [english_provision] = revisions(app, "en", slug="sensory-physical/primary")
    client.get(f"{GUIDES}9999", expect=404)
    client.get(f"/edit/provision/{guide}", expect=404)  # a guide is not a provision page
    client.get(f"{GUIDES}{guide}/xx", expect=404)
    client.get(f"{GUIDES}{guide}/revisions/{english_provision.id}", expect=404)  # another page's revision
    client.get(f"/edit/provision/{provision}/revisions/{english_guide.id}/changes", expect=404)
    client.get(f"{GUIDES}{guide}/revisions/{english_guide.id}")


# Writing, reviewing, publishing.


def test_preview_renders_without_saving(app, client, sign_in, editor, imported):
    sign_in(editor)
    page = new_guide(client, action="preview", body="## On the day\n\nBring *your* bundle.\n\n<b>raw</b>")
    assert page.h1 == "Write a new guide"
    preview = page.soup.select_one("main .portal-content")
    assert preview.select_one("h2").get_text() == "On the day"
    assert preview.select_one("em").get_text() == "your"
    assert preview.find("b") is None and "<b>raw</b>" in preview.get_text()
    assert form_values(page)["body"].startswith("## On the day")  # the form keeps what was typed
    assert page.soup.select_one("#readability") is not None
    assert len(revisions(app)) == 3


def test_new_guide_form_explains_what_is_missing(app, client, sign_in, editor, imported):
    sign_in(editor)
    page = client.submit(f"{GUIDES}new", {"action": "save", "slug": "Bad Slug!"})
    assert page.title.startswith("Error:")
    assert page.error_summary() == [
        "Web address must use only small letters, numbers and single hyphens, like annual-reviews",
        "Enter a title",
        "Enter a summary",
        "Select who the guide is for",
        "Select at least one topic",
        "Enter the text of the page",
    ]
    page = new_guide(client, action="save", slug="annual-reviews")
    assert page.error_summary() == ["There is already a guide at this web address. Choose another."]


def test_two_editors_write_review_send_back_and_publish(
    app, client, second, sign_in, editor, editor2, imported
):
    sign_in(editor)
    page = new_guide(client, action="save")
    assert "Draft saved" in page.text()
    [draft] = revisions(app)[3:]
    assert (draft.status, draft.author_id) == ("draft", editor.id)
    slug = "getting-ready-for-a-tribunal-hearing"
    public(client, f"/guides/{slug}", expect=404)
    assert "Getting ready" not in public(client, "/guides/?q=zebra").text()

    page = client.submit(revision_path(app, slug, draft) + "/submit", {})
    assert "Sent for review" in page.text()
    [rev] = revisions(app)[3:]
    assert rev.status == "in_review"

    # The author is not offered a decision, and a forged one is refused.
    page = client.get(revision_path(app, slug, rev))
    assert page.soup.select_one("input[name=decision]") is None
    assert "another forum editor must review it" in page.text()
    token = page.csrf_token()
    response = client.raw.post(
        revision_path(app, slug, rev), data={"csrf_token": token, "decision": "approve"}
    )
    assert response.status_code == 403
    assert revisions(app)[3].status == "in_review"
    public(client, f"/guides/{slug}", expect=404)

    # The second editor sends it back, which needs a comment.
    sign_in(editor2, client=second)
    queue = second.get(GUIDES)
    waiting = queue.soup.select_one("#review-queue ~ table a")
    assert (waiting.get_text(strip=True), waiting["href"]) == (
        "Getting ready for a tribunal hearing",
        revision_path(app, slug, rev),
    )
    page = second.submit(revision_path(app, slug, rev), {"decision": "send_back"})
    assert page.error_summary() == ["Enter a comment saying what should change"]
    page = second.submit(
        revision_path(app, slug, rev), {"decision": "send_back", "comment": "Say what a bundle is."}
    )
    assert "Sent back to the author." in page.text()
    rev = revisions(app)[3]
    assert (rev.status, rev.reviewer_id, rev.comment) == ("sent_back", editor2.id, "Say what a bundle is.")
    public(client, f"/guides/{slug}", expect=404)
    assert "Getting ready" not in public(client, "/guides/?q=zebra").text()

    # The author sees the comment, revises and sends it again.
    edit = f"{GUIDES}{page_id(app, slug)}/en"
    page = client.get(edit)
    assert "Say what a bundle is." in page.text()
    body = (
        "## On the day\n\nBring your bundle (the papers for the hearing). Zebra words help the search test."
    )
    page = send(client, edit, action="submit", body=body)
    assert "Sent for review" in page.text()
    newest = revisions(app)[-1]
    assert (newest.status, newest.author_id) == ("in_review", editor.id)
    assert revisions(app)[3].status == "sent_back"  # the comment stays in the history

    page = second.submit(revision_path(app, slug, newest), {"decision": "approve"})
    assert "Approved and published." in page.text()
    newest = revisions(app)[-1]
    assert (newest.status, newest.reviewer_id) == ("published", editor2.id)
    reader = public(client, f"/guides/{slug}")
    assert reader.h1 == "Getting ready for a tribunal hearing"
    assert "the papers for the hearing" in reader.text()
    assert "Getting ready for a tribunal hearing" in public(client, "/guides/?q=zebra").text()
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        messages = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        emails = [(m.to_address, m.subject) for m in messages]
        last_body = messages[-1].body
    assert [a for a in actions if a.startswith("guides.")] == [
        "guides.draft_saved", "guides.submitted", "guides.sent_back", "guides.draft_saved",
        "guides.submitted", "guides.approved",
    ]  # fmt: skip
    title = "Getting ready for a tribunal hearing"
    assert emails == [
        ("editor2@example.org", f"A page is waiting for your review: {title}"),
        ("editor@example.org", f"Your page was sent back with a comment: {title}"),
        ("editor2@example.org", f"A page is waiting for your review: {title}"),
        ("editor@example.org", f"Your page was approved and published: {title}"),
    ]
    assert f"http://localhost{revision_path(app, slug, newest)}" in last_body


def test_editing_a_published_guide_keeps_the_old_text_public_until_approved(
    app, client, second, sign_in, editor, editor2, imported
):
    sign_in(editor)
    edit = f"{GUIDES}{page_id(app, 'annual-reviews')}/en"
    send(client, edit, action="submit", body="## Before the meeting\n\nGather every zebra report you have.")
    assert "Gather reports." in public(second, "/guides/annual-reviews").text()
    assert "zebra" not in public(second, "/guides/annual-reviews").text()
    assert "Nothing matches" in public(second, "/guides/?q=zebra").text()
    [old, new] = revisions(app, "en")
    sign_in(editor2, client=second)
    second.submit(revision_path(app, "annual-reviews", new), {"decision": "approve"})
    [old, new] = revisions(app, "en")
    assert (old.status, new.status) == ("superseded", "published")
    assert "Gather every zebra report you have." in public(client, "/guides/annual-reviews").text()
    assert "1 page found" in public(client, "/guides/?q=zebra").text()


def test_a_forged_decision_by_the_author_is_refused_even_without_the_page(app, editor, imported):
    """The rule is in the workflow itself, not only in the view."""
    with app.test_request_context():
        page = workflow.page("guide", page_id(app, "annual-reviews"))
        rev = workflow.save(page, "en", _values(page, body="New text\n"), editor.id, submit=True)
        db.session.commit()
        with pytest.raises(workflow.NotAllowed):
            workflow.decide(rev, editor.id, True, "")
        assert db.session.get(ContentRevision, rev.id).status == "in_review"


def _values(page, **changes):
    rev = workflow.english_source(page)
    values = {name: getattr(rev, name) for name in workflow.TEXT_FIELDS}
    values["meta"] = workflow.meta_of(rev, page)
    return {**values, **changes}


def test_saving_again_replaces_the_draft_and_unchanged_text_saves_nothing(
    app, client, sign_in, editor, imported
):
    sign_in(editor)
    edit = f"{GUIDES}{page_id(app, 'annual-reviews')}/en"
    page = send(client, edit)
    assert "This is the same as the published page, so nothing was saved." in page.text()
    send(client, edit, body="First try.")
    send(client, edit, body="Second try.")
    statuses = [(r.body, r.status) for r in revisions(app, "en")]
    assert statuses[1:] == [("First try.\n", "superseded"), ("Second try.\n", "draft")]
    send(client, edit, body="Second try.")  # the same again: nothing new
    assert len(revisions(app, "en")) == 3


def test_someone_elses_newer_save_is_not_overwritten(app, client, second, sign_in, editor, editor2, imported):
    sign_in(editor)
    sign_in(editor2, client=second)
    edit = f"{GUIDES}{page_id(app, 'annual-reviews')}/en"
    stale = form_values(client.get(edit))
    send(second, edit, body="Editor two was here.")
    page = client.submit(edit, {**stale, "body": "Editor one was here.", "action": "save"})
    assert page.error_summary() == [
        "Someone saved a newer version of this page while you were editing. Copy your changes, "
        "then open the page again."
    ]
    assert [r.body for r in revisions(app, "en")][-1] == "Editor two was here.\n"


def test_restore_an_old_revision_as_a_new_draft(app, client, second, sign_in, editor, editor2, imported):
    sign_in(editor)
    sign_in(editor2, client=second)
    edit = f"{GUIDES}{page_id(app, 'annual-reviews')}/en"
    send(client, edit, action="submit", body="A worse version.")
    second.submit(revision_path(app, "annual-reviews", revisions(app, "en")[-1]), {"decision": "approve"})
    original = revisions(app, "en")[0]
    assert original.status == "superseded"
    page = client.get(revision_path(app, "annual-reviews", original))
    assert page.soup.select_one(f"form[action$='/revisions/{original.id}/restore']") is not None
    page = client.submit(revision_path(app, "annual-reviews", original) + "/restore", {})
    assert f"Revision {original.id} copied as a new draft" in page.text()
    draft = revisions(app, "en")[-1]
    assert (draft.status, draft.author_id, draft.restored_from_id) == ("draft", editor.id, original.id)
    assert draft.body == original.body
    assert "A worse version." in public(second, "/guides/annual-reviews").text()  # a draft is not public
    history = client.get(f"{GUIDES}{page_id(app, 'annual-reviews')}")
    assert f"Restored from revision {original.id}" in history.text()


def test_new_provision_page(app, client, sign_in, editor, imported):
    sign_in(editor)
    values = {"title": "Hearing support", "summary": "In class.", "body": "Sit near the front."}
    page = client.submit("/edit/provision/new", {**values, "area": "sensory-physical", "phase": "primary",
                                                 "action": "save"})  # fmt: skip
    assert page.error_summary() == ["There is already a page for this area of need and phase."]
    page = client.submit("/edit/provision/new", {**values, "area": "sensory-physical", "phase": "secondary",
                                                 "action": "submit"})  # fmt: skip
    assert "Sent for review" in page.text()
    with app.app_context():
        new = db.session.scalar(select(ContentPage).where(ContentPage.slug == "sensory-physical/secondary"))
        assert (new.kind, new.area, new.phase) == ("provision", "sensory-physical", "secondary")
    client.get("/provision/sensory-physical?phase=secondary")  # falls back to the area page: not published
    assert "Hearing support" not in client.get("/provision/sensory-physical?phase=secondary").text()
    listing = client.get("/edit/provision/")
    assert "Hearing support" in listing.text() and "Not published yet" in listing.text()


# Translations.


def test_translation_is_reviewed_and_goes_out_of_date(
    app, client, second, sign_in, editor, editor2, imported
):
    sign_in(editor)
    sign_in(editor2, client=second)
    pid = page_id(app, "annual-reviews")
    # Start a Romanian translation from the current English.
    page = client.get(f"{GUIDES}{pid}")
    assert page.links()["Start a translation from the current English (Romanian)"] == f"{GUIDES}{pid}/ro"
    form = client.get(f"{GUIDES}{pid}/ro")
    english = revisions(app, "en")[0]
    assert form_values(form)["body"] == english.body and form_values(form)["source_id"] == str(english.id)
    send(client, f"{GUIDES}{pid}/ro", action="submit", title="Revizuiri anuale", summary="Cum funcționează.",
         body="## Înainte de întâlnire\n\nAdunați rapoartele.")  # fmt: skip
    [romanian] = revisions(app, "ro")
    assert (romanian.status, romanian.source_revision_id) == ("in_review", english.id)
    client.get("/guides/annual-reviews?lang=ro")
    assert "Revizuiri anuale" not in client.get("/guides/annual-reviews?lang=ro").text()
    second.submit(revision_path(app, "annual-reviews", romanian), {"decision": "approve"})
    reader = client.get("/guides/annual-reviews?lang=ro")
    assert reader.h1 == "Revizuiri anuale" and reader.soup.select_one("main .govuk-inset-text") is None

    # The English changes and is approved: the translations go out of date, for editors and readers.
    send(client, f"{GUIDES}{pid}/en", action="submit", body="## Before the meeting\n\nGather all reports.")
    second.submit(revision_path(app, "annual-reviews", revisions(app, "en")[-1]), {"decision": "approve"})
    reader = client.get("/guides/annual-reviews?lang=ro")
    with app.test_request_context(), force_locale("ro"):
        notice = gettext(
            "The English version of this page has changed since it was translated. "
            "The translation may be out of date."
        )
    assert notice in reader.soup.select_one("main .govuk-inset-text").get_text()
    listing = client.get(GUIDES + "?lang=en")  # the reader chose Romanian above; the editor reads English
    row = next(
        tr for tr in listing.soup.select("#pages ~ table tbody tr") if "Annual reviews" in tr.get_text()
    )
    assert row.get_text(" ", strip=True).count("Translation out of date") == 2  # Polish and Romanian
    form = client.get(f"{GUIDES}{pid}/ro")
    assert "The English page has changed since this was translated." in form.text()
    new_english = revisions(app, "en")[-1]
    assert form.links()["See what changed in the English"] == (
        f"{GUIDES}{pid}/revisions/{new_english.id}/changes?against={english.id}"
    )

    # A fix to the Romanian that does not say it now matches keeps the old source...
    send(client, f"{GUIDES}{pid}/ro", body="## Înainte de întâlnire\n\nAdunați toate rapoartele.")
    assert revisions(app, "ro")[-1].source_revision_id == english.id
    # ...and one that does is up to date once approved.
    send(client, f"{GUIDES}{pid}/ro", action="submit", matches_english="yes",
         body="## Înainte de întâlnire\n\nAdunați toate rapoartele!")  # fmt: skip
    latest = revisions(app, "ro")[-1]
    assert latest.source_revision_id == new_english.id
    second.submit(revision_path(app, "annual-reviews", latest), {"decision": "approve"})
    assert client.get("/guides/annual-reviews?lang=ro").soup.select_one("main .govuk-inset-text") is None


def test_no_translation_before_the_english_is_published(app, client, sign_in, editor, imported):
    sign_in(editor)
    new_guide(client, action="save")
    pid = page_id(app, "getting-ready-for-a-tribunal-hearing")
    page = client.get(f"{GUIDES}{pid}/pl", expect=302)
    assert page.response.headers["Location"] == f"{GUIDES}{pid}"


# What changed.


def test_changes_page_shows_added_and_removed_words(app, client, sign_in, editor, imported):
    sign_in(editor)
    pid = page_id(app, "annual-reviews")
    body = (
        "## Before the meeting\n\nGather school reports.\n\n"
        "## After the meeting\n\nThe decision comes in 4 weeks."
    )
    send(client, f"{GUIDES}{pid}/en", title="Annual reviews of EHC plans", body=body)
    draft = revisions(app, "en")[-1]
    page = client.get(f"{GUIDES}{pid}/revisions/{draft.id}/changes")
    assert page.h1 == f"What changed in revision {draft.id}"
    added = [ins.get_text(" ", strip=True) for ins in page.soup.select("main ins")]
    removed = [d.get_text(" ", strip=True) for d in page.soup.select("main del")]
    assert "[added:] of EHC plans" in added and "[added:] school" in added
    assert removed == []
    assert "Title" in page.soup.select_one("main dl").get_text()
    first = revisions(app, "en")[0]
    page = client.get(f"{GUIDES}{pid}/revisions/{first.id}/changes")
    assert "nothing to compare it with" in page.text()


def test_changes_page_runs_few_queries(app, client, sign_in, editor, imported, count_queries):
    sign_in(editor)
    pid = page_id(app, "annual-reviews")
    for n in range(5):
        send(client, f"{GUIDES}{pid}/en", body=f"Version {n}.")
    draft = revisions(app, "en")[-1]
    for path in (f"{GUIDES}{pid}/revisions/{draft.id}/changes", f"{GUIDES}{pid}/revisions/{draft.id}",
                 f"{GUIDES}{pid}"):  # fmt: skip
        with count_queries() as counter:
            client.get(path)
        assert counter.count <= 10, path


# Query counts on the main pages, whatever the data size.


def test_editor_list_and_edit_page_query_counts(
    app, client, sign_in, editor, editor2, imported, count_queries
):
    sign_in(editor)
    with app.test_request_context():
        for n in range(30):
            page = workflow.create_page(
                "guide", f"guide-{n}", meta={"audience": ["parents"], "topics": ["reviews"]}
            )
            values = {"title": f"Guide {n}", "summary": "S", "body": "B\n", "co_produced_with": "",
                      "meta": {"audience": ["parents"], "topics": ["reviews"]}}  # fmt: skip
            workflow.save(page, "en", values, editor2.id, submit=n % 2 == 0)
            workflow.save(page, "pl", {**values, "title": f"Przewodnik {n}"}, editor2.id)
        db.session.commit()
    with count_queries() as counter:
        page = client.get(GUIDES)
    assert counter.count <= 10
    assert len(page.soup.select("#review-queue ~ table")[0].select("tbody tr")) == 15
    pid = page_id(app, "annual-reviews")
    with count_queries() as counter:
        client.get(f"{GUIDES}{pid}/en")
    assert counter.count <= 10
    with count_queries() as counter:
        client.get(f"{GUIDES}{pid}/pl")
    assert counter.count <= 10


# The files stay the source of truth.


def test_export_still_round_trips_after_editing(
    app, client, second, sign_in, editor, editor2, imported, tmp_path
):
    sign_in(editor)
    sign_in(editor2, client=second)
    pid = page_id(app, "annual-reviews")
    send(client, f"{GUIDES}{pid}/en", action="submit",
         body="## Before the meeting\r\n\r\nGather every report.  \r\n\r\n\r\n")  # fmt: skip
    second.submit(revision_path(app, "annual-reviews", revisions(app, "en")[-1]), {"decision": "approve"})
    first, again = tmp_path / "first", tmp_path / "again"
    with app.app_context():
        assert content.export_content(first) == 3
        # Unchanged pages come out exactly as they went in.
        for relative in ("guides/annual-reviews/pl.md", "provision/sensory-physical/primary/en.md"):
            assert (first / relative).read_bytes() == (imported / relative).read_bytes()
        text = (first / "guides/annual-reviews/en.md").read_text()
        assert text.endswith("## Before the meeting\n\nGather every report.\n") and "\r" not in text
        assert "audience:\n- parents\ntopics:\n- reviews\n" in text
        # Loading the export changes nothing, and exporting again gives the same bytes.
        assert content.import_content(first) == {"pages": 0, "revisions": 0}
        content.export_content(again)
    compare = filecmp.dircmp(first, again)
    for path in first.rglob("*.md"):
        assert path.read_bytes() == (again / path.relative_to(first)).read_bytes(), path
    assert compare.left_only == compare.right_only == []


# Demo data.


def test_demo_seed_leaves_a_revision_for_the_second_editor(app, client, sign_in, editor, editor2, imported):
    from portal.guides import demo

    with app.app_context():
        demo.seed()
        demo.seed()  # idempotent
    [_original, waiting] = revisions(app, "en")
    assert (waiting.status, waiting.author_id) == ("in_review", editor.id)
    assert "## If you cannot go to the meeting" in waiting.body
    sign_in(editor2)
    page = client.get(revision_path(app, "annual-reviews", waiting))
    assert page.soup.select_one("input[name=decision][value=approve]") is not None


def test_forum_editors_get_an_edit_link_on_published_pages(app, client, sign_in, make_user, editor, imported):
    assert "Edit this guide" not in client.get("/guides/annual-reviews").links()
    sign_in(make_user("parent@example.org"))
    assert "Edit this guide" not in client.get("/guides/annual-reviews").links()
    client.post("/account/logout", data={"csrf_token": client.get("/").csrf_token()})
    sign_in(editor)
    pid = page_id(app, "annual-reviews")
    assert client.get("/guides/annual-reviews").links()["Edit this guide"] == f"{GUIDES}{pid}"
    provision = page_id(app, "sensory-physical/primary")
    page = client.get("/provision/sensory-physical?phase=primary")
    assert page.links()["Edit this page"] == f"/edit/provision/{provision}"


def test_only_the_author_sends_their_draft_for_review(
    app, client, second, sign_in, editor, editor2, imported
):
    sign_in(editor)
    sign_in(editor2, client=second)
    send(client, f"{GUIDES}{page_id(app, 'annual-reviews')}/en", body="A draft by editor one.")
    draft = revisions(app, "en")[-1]
    page = second.get(revision_path(app, "annual-reviews", draft))
    assert page.soup.select_one("form[action$='/submit']") is None
    response = second.raw.post(revision_path(app, "annual-reviews", draft) + "/submit",
                               data={"csrf_token": page.csrf_token()})  # fmt: skip
    assert response.status_code == 403
    assert revisions(app, "en")[-1].status == "draft"
    page = client.get(revision_path(app, "annual-reviews", draft))
    assert page.soup.select_one("form[action$='/submit']") is not None


def test_two_new_guides_at_one_address_at_once(app, client, sign_in, editor, imported, monkeypatch):
    """The check before saving can miss a page made a moment ago; the unique index still catches it."""
    from portal.guides import editing

    sign_in(editor)
    monkeypatch.setattr(editing, "_slug_taken", lambda kind, slug: False)
    page = new_guide(client, action="save", slug="annual-reviews")
    assert page.error_summary() == ["Someone has just made a page at this address. Choose another."]
    assert form_values(page)["title"] == "Getting ready for a tribunal hearing"
    assert len(revisions(app)) == 3
