"""Forum editors in a real browser with JavaScript off: write, preview, send for review, send back,
revise, approve, publish. And axe on every editor page, in every language."""

import itertools

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails, when a browser run is required)
    expect = None

from portal.extensions import db
from portal.guides.content import import_content
from portal.guides.models import ContentPage, ContentRevision
from tests.browser.conftest import LANGUAGES

_numbers = itertools.count(1)


def unique_email(kind: str) -> str:
    return f"ge.{kind}.{next(_numbers)}@example.org"


@pytest.fixture(scope="module")
def guides_loaded(live_server):
    with live_server.app.app_context():
        import_content()
    return live_server


def press(page, action: str):
    """Press one of the page form's buttons (preview, save or submit) by its value."""
    page.locator(f"main form button[name=action][value={action}]").click()
    page.wait_for_load_state()


def decide(page, decision: str, comment: str = ""):
    page.locator(f"input[name=decision][value={decision}]").check()
    if comment:
        page.locator("textarea[name=comment]").fill(comment)
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state()


def test_two_editors_write_review_and_publish_a_guide(guides_loaded, contexts, no_js_page, browser_sign_in):
    live = guides_loaded
    author = live.make_user(unique_email("author"), roles=("forum_editor",))
    reviewer = live.make_user(unique_email("reviewer"), roles=("forum_editor",))
    page = no_js_page

    # Editor 1 writes a guide, previews it, and sends it for review.
    browser_sign_in(page, author)
    page.get_by_role("link", name="Edit guides").click()
    expect(page.locator("h1")).to_have_text("Edit guides")
    page.get_by_role("link", name="Write a new guide").click()
    page.get_by_label("Title", exact=True).fill("Going to a tribunal hearing")
    page.get_by_label("Summary", exact=True).fill("What happens on the day, and how to get ready.")
    page.get_by_label("Parents and carers").check()
    page.get_by_label("Disagreements, mediation and appeals").check()
    page.get_by_label("Text", exact=True).fill(
        "## Before the day\n\nRead the bundle. It is the set of papers for the hearing.\n\n"
        "- Make notes\n- Ask questions"
    )
    press(page, "preview")
    expect(page.locator("#preview")).to_have_text("Preview")
    expect(page.locator("main .portal-content h2")).to_have_text("Before the day")
    expect(page.locator("#readability")).to_be_visible()
    press(page, "submit")
    expect(page.locator("main")).to_contain_text("Sent for review")
    expect(page.locator("main")).to_contain_text("another forum editor must review it")
    expect(page.locator("input[name=decision]")).to_have_count(0)  # not offered to the author
    revision_url = page.url

    # Editor 2 sends it back with a comment (which is required).
    second = contexts.new(javascript=False).new_page()
    browser_sign_in(second, reviewer)
    second.goto("/edit/guides/")
    second.locator("#review-queue + table").get_by_role("link", name="Going to a tribunal hearing").click()
    assert second.url == revision_url
    decide(second, "send_back")
    expect(second.locator(".govuk-error-summary")).to_contain_text(
        "Enter a comment saying what should change"
    )
    decide(second, "send_back", "Please say what happens after the hearing.")
    expect(second.locator("main")).to_contain_text("Sent back to the author.")

    # Nobody can read it yet.
    reader = contexts.new(javascript=False).new_page()
    assert reader.goto("/guides/going-to-a-tribunal-hearing").status == 404

    # Editor 1 sees the comment, revises and sends it again.
    page.goto(revision_url)
    page.get_by_role("link", name="Edit this page").click()
    expect(page.locator("main")).to_contain_text("Please say what happens after the hearing.")
    text = page.get_by_label("Text", exact=True)
    text.fill(text.input_value() + "\n\n## After the hearing\n\nThe tribunal sends its decision in writing.")
    press(page, "submit")
    expect(page.locator("main")).to_contain_text("Sent for review")
    second_revision = page.url
    assert second_revision != revision_url

    # Editor 2 sees what changed, then approves: the guide is public.
    second.goto(second_revision + "/changes")
    expect(second.locator("main ins", has_text="After the hearing")).to_have_count(1)
    second.goto(second_revision)
    decide(second, "approve")
    expect(second.locator("main")).to_contain_text("Approved and published.")
    assert reader.goto("/guides/going-to-a-tribunal-hearing").status == 200
    expect(reader.locator("h1")).to_have_text("Going to a tribunal hearing")
    expect(reader.locator("main")).to_contain_text("The tribunal sends its decision in writing.")
    with live.app.app_context():
        page_id = db.session.query(ContentPage.id).filter_by(slug="going-to-a-tribunal-hearing").scalar()
        statuses = [
            r.status for r in db.session.query(ContentRevision).filter_by(page_id=page_id).order_by("id")
        ]
        bodies = [r.body for r in db.session.query(ContentRevision).filter_by(page_id=page_id).order_by("id")]
    assert statuses == ["sent_back", "published"]
    assert bodies[1].startswith(bodies[0].rstrip())  # the text survives the trip through the form


def _editor_pages(live, author_id: int) -> dict[str, str]:
    """One of each editor page, with a revision waiting for review written by someone else."""
    from portal.guides import workflow

    with live.app.test_request_context():
        page = workflow.page(
            "guide", db.session.query(ContentPage.id).filter_by(slug="annual-reviews").scalar()
        )
        english = workflow.english_source(page)
        values = {name: getattr(english, name) for name in workflow.TEXT_FIELDS}
        values["meta"] = workflow.meta_of(english, page)
        values["body"] = english.body.replace("## Before the meeting", "## Before the review meeting", 1)
        rev = workflow.save(page, "en", values, author_id, submit=True)
        db.session.commit()
        provision = db.session.query(ContentPage.id).filter_by(kind="provision").order_by("id").first()
        pages = {
            "list": "/edit/guides/",
            "provision-list": "/edit/provision/",
            "new": "/edit/guides/new",
            "new-provision": "/edit/provision/new",
            "page": f"/edit/guides/{page.id}",
            "edit": f"/edit/guides/{page.id}/en",
            "translate": f"/edit/guides/{page.id}/ro",
            "review": f"/edit/guides/{page.id}/revisions/{rev.id}",
            "changes": f"/edit/guides/{page.id}/revisions/{rev.id}/changes",
        }
        if provision:
            pages["provision-page"] = f"/edit/provision/{provision[0]}"
        return pages


@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_on_every_editor_page(guides_loaded, js_page, browser_sign_in, check_accessibility, lang):
    live = guides_loaded
    author = live.make_user(unique_email("axe-author"), roles=("forum_editor",))
    reviewer = live.make_user(unique_email("axe-reviewer"), roles=("forum_editor",))
    pages = _editor_pages(live, author.id)
    browser_sign_in(js_page, reviewer, lang)
    for name, path in pages.items():
        response = js_page.goto(f"{path}?lang={lang}")
        assert response.status == 200, path
        check_accessibility(js_page, f"{name} [{lang}]")
    # A preview and a form with errors.
    js_page.goto(f"{pages['edit']}?lang={lang}")
    press(js_page, "preview")
    assert js_page.locator("#preview").count() == 1
    check_accessibility(js_page, f"preview [{lang}]")
    js_page.goto(f"{pages['new']}?lang={lang}")
    press(js_page, "save")
    assert js_page.locator(".govuk-error-summary").count() == 1
    check_accessibility(js_page, f"new guide errors [{lang}]")
    js_page.goto(f"{pages['review']}?lang={lang}")
    js_page.locator("main form [type=submit]").click()
    js_page.wait_for_load_state()
    assert js_page.locator(".govuk-error-summary").count() == 1
    check_accessibility(js_page, f"review errors [{lang}]")
