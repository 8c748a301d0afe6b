"""Plan documents in a real browser: a parent uploads a report with JavaScript off and sees it listed and in
the plan's activity; the progress-bar enhancement with JavaScript on; axe on every state of the page (axe
runs in the page, so the accessibility checks use the JavaScript-on browser)."""

import io
import itertools
import re
from datetime import date

import pytest
from sqlalchemy import select

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails, when a browser run is required)
    expect = None

from portal import storage
from portal.audit import AuditEvent
from portal.extensions import db
from portal.plans.documents import PlanDocument
from portal.plans.models import Child, Plan, PlanAccess
from tests.browser.conftest import LANGUAGES, submit
from tests.test_filetypes import pdf

_numbers = itertools.count(1)
DASH = "\u2013"  # between the page's own title and the portal's name


@pytest.fixture
def uploads(live_server, tmp_path):
    """Keep this test's uploads in its own folder, not the app's instance folder."""
    app = live_server.app
    saved = app.config["PORTAL_STORAGE_PATH"]
    app.config["PORTAL_STORAGE_PATH"] = str(tmp_path / "uploads")
    app.extensions.pop("portal_storage", None)
    yield tmp_path / "uploads"
    app.config["PORTAL_STORAGE_PATH"] = saved
    app.extensions.pop("portal_storage", None)


@pytest.fixture
def parent_with_plan(live_server, uploads):
    number = next(_numbers)
    parent = live_server.make_user(f"documents.parent.{number}@example.org", roles=("parent",))
    with live_server.app.app_context():
        plan = Plan(child=Child(full_name=f"Robin Example {number}", date_of_birth=date(2014, 6, 1)))
        db.session.add(plan)
        db.session.flush()
        db.session.add(PlanAccess(plan_id=plan.id, user_id=parent.id, role="parent"))
        db.session.commit()
        return parent, plan.id


def report_file(tmp_path, name="Speech and language report.pdf"):
    path = tmp_path / name
    path.write_bytes(pdf("A report about Robin", padding=300_000))
    return path


def test_a_parent_uploads_a_report_with_javascript_off(
    no_js_page, live_server, browser_sign_in, parent_with_plan, tmp_path
):
    page = no_js_page
    parent, plan_id = parent_with_plan
    browser_sign_in(page, parent)
    page.goto(f"/plans/{plan_id}/documents/")
    expect(page.locator("h1")).to_have_text("Documents")
    expect(page.locator("body")).not_to_have_class(js_enabled())
    expect(page.locator("main")).to_contain_text("No documents have been added to this plan yet.")

    page.get_by_role("button", name="Upload document").click()  # nothing chosen yet
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a file")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a title for the document")
    expect(page).to_have_title(f"Error: Documents {DASH} SEND family portal")

    page.get_by_label("Upload a file").set_input_files(str(report_file(tmp_path)))
    page.get_by_label("Title").fill("Speech and language therapy report")
    page.get_by_label("Description (optional)").fill("From the NHS therapist, after the spring visit")
    page.get_by_role("button", name="Upload document").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Your document was uploaded")
    listed = page.locator("main .portal-documents li")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("Speech and language therapy report")
    expect(listed).to_contain_text("Uploaded by you (Parent or carer)")
    expect(listed).to_contain_text("File name: Speech and language report.pdf")

    with page.expect_download() as download:
        page.get_by_role("link", name="Speech and language therapy report (download)").click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == (tmp_path / "Speech and language report.pdf").read_bytes()
    assert download.value.suggested_filename == "Speech and language report.pdf"

    if "plans.access_page" in live_server.app.view_functions:
        page.goto(f"/plans/{plan_id}/access")
        expect(page.locator("main")).to_contain_text("Document uploaded")
        expect(page.locator("main")).to_contain_text("Document downloaded")
    with live_server.app.app_context():
        actions = list(
            db.session.scalars(
                select(AuditEvent.action).where(
                    AuditEvent.object_type == "plan",
                    AuditEvent.object_id == str(plan_id),
                    AuditEvent.actor_id == parent.id,
                )
            )
        )
    assert "plan.document_uploaded" in actions and "plan.document_downloaded" in actions


def test_a_refused_file_is_explained_with_javascript_off(
    no_js_page, browser_sign_in, parent_with_plan, tmp_path
):
    page = no_js_page
    parent, plan_id = parent_with_plan
    browser_sign_in(page, parent)
    page.goto(f"/plans/{plan_id}/documents/")
    fake = tmp_path / "report.pdf"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    page.get_by_label("Upload a file").set_input_files(str(fake))
    page.get_by_label("Title").fill("Not really a PDF")
    page.get_by_role("button", name="Upload document").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "The selected file must be a PDF, Word document (.docx), JPG photo or PNG"
    )
    expect(page.get_by_label("Title")).to_have_value("Not really a PDF")
    expect(page.locator("main .portal-documents li")).to_have_count(0)


def test_with_javascript_the_upload_shows_progress_and_every_state_passes_axe(
    js_page, browser_sign_in, check_accessibility, parent_with_plan, tmp_path
):
    page = js_page
    parent, plan_id = parent_with_plan
    browser_sign_in(page, parent)
    page.goto(f"/plans/{plan_id}/documents/")
    expect(page.locator("body")).to_have_class(js_enabled())
    check_accessibility(page, "documents, empty")

    page.get_by_role("button", name="Upload document").click()  # no file: an ordinary post
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a file")
    check_accessibility(page, "documents, errors")

    fake = tmp_path / "report.pdf"
    fake.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    page.get_by_label("Upload a file").set_input_files(str(fake))
    page.get_by_label("Title").fill("Not really a PDF")
    page.evaluate("window.stillHere = true")  # gone if the browser loaded a new page
    page.get_by_role("button", name="Upload document").click()  # sent in the background
    expect(page.locator(".govuk-error-summary")).to_contain_text("The selected file must be a PDF")
    expect(page).to_have_title(f"Error: Documents {DASH} SEND family portal")
    assert page.evaluate("window.stillHere === true"), "the form was sent in the background"
    check_accessibility(page, "documents, refused file (JavaScript)")

    page.get_by_label("Upload a file").set_input_files(str(report_file(tmp_path, "Annual review advice.pdf")))
    page.get_by_label("Title").fill("Annual review advice")
    page.get_by_role("button", name="Upload document").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Your document was uploaded")
    expect(page.locator("main .portal-documents li")).to_contain_text("Annual review advice")
    assert page.evaluate("window.stillHere === true"), "the upload went in the background, with progress"
    expect(page.locator("main progress")).to_have_count(1)  # a fresh form, ready for another file
    expect(page.locator("[data-upload-status]")).to_be_hidden()
    expect(page).to_have_title(f"Documents {DASH} SEND family portal")
    check_accessibility(page, "documents, one uploaded")


def js_enabled():
    return re.compile(r"\bjs-enabled\b")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_documents_page_passes_axe_in_every_language(
    js_page, live_server, browser_sign_in, check_accessibility, parent_with_plan, language
):
    page = js_page
    parent, plan_id = parent_with_plan
    with live_server.app.app_context():
        stored = storage.store(
            io.BytesIO(pdf("demo")),
            original_name="Report.pdf",
            kinds=("pdf",),
            max_bytes=10**6,
            user=parent.id,
        )
        db.session.add(
            PlanDocument(
                plan_id=plan_id,
                stored_file_id=stored.id,
                title="Occupational therapy advice",
                description="Sensory needs at school",
                uploaded_by_id=parent.id,
                uploader_role="parent",
            )
        )
        db.session.commit()
    browser_sign_in(page, parent, language)
    page.goto(f"/plans/{plan_id}/documents/?lang={language}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ur" else "ltr")
    expect(page.locator("main .portal-documents li")).to_have_count(1)
    check_accessibility(page, f"documents ({language})")
    submit(page)
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page, f"documents with errors ({language})")
