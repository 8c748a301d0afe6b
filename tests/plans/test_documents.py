"""Plan documents through the pages: upload, list, download, refusals, emails, audit, access and memory."""

import base64
import io
import secrets
import tracemalloc
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from flask.testing import EnvironBuilder
from sqlalchemy import func, select

from portal import storage
from portal.audit import AuditEvent
from portal.extensions import db
from portal.outbox import OutboxMessage
from portal.plans.documents import PlanDocument
from portal.plans.models import Child, Plan, PlanAccess
from portal.storage import StoredFile
from portal.timeutil import utcnow
from tests.pages import Client, Page
from tests.test_filetypes import docx, jpeg, pdf, png

MARKER = "SECRET-REPORT-TEXT-91c2"


@pytest.fixture
def app_config(app_config, tmp_path):
    return {
        **app_config,
        "PORTAL_STORAGE_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "PORTAL_STORAGE_PATH": str(tmp_path / "uploads"),
    }


@pytest.fixture
def family(app, make_user):
    """A plan with its parent and a professional; another family's plan; people who must not see it."""
    people = SimpleNamespace(
        parent=make_user("parent@example.org", roles=("parent",)),
        professional=make_user("slt@example.org", roles=("professional",)),
        caseworker=make_user("caseworker@example.org", roles=("caseworker",)),
        other_parent=make_user("other.parent@example.org", roles=("parent",)),
        outsider=make_user("outsider@example.org", roles=("professional",)),
        expired=make_user("expired@example.org", roles=("professional",)),
        editor=make_user("editor@example.org", roles=("forum_editor",)),
        mediator=make_user("mediator@example.org", roles=("mediator",)),
        admin=make_user("admin@example.org", roles=("admin",)),
    )
    with app.app_context():
        plans = []
        for name in ("Sam Example", "Alex Other"):
            child = Child(full_name=name, date_of_birth=date(2015, 3, 4))
            plan = Plan(child=child)
            db.session.add(plan)
            plans.append(plan)
        db.session.flush()
        later = utcnow() + timedelta(days=30)
        rows = [
            PlanAccess(plan_id=plans[0].id, user_id=people.parent.id, role="parent"),
            PlanAccess(
                plan_id=plans[0].id, user_id=people.professional.id, role="professional", expires_at=later
            ),
            PlanAccess(plan_id=plans[1].id, user_id=people.other_parent.id, role="parent"),
            PlanAccess(
                plan_id=plans[0].id,
                user_id=people.expired.id,
                role="professional",
                expires_at=utcnow() - timedelta(minutes=1),
            ),
        ]
        db.session.add_all(rows)
        db.session.commit()
        people.plan_id, people.other_plan_id = plans[0].id, plans[1].id
    return people


def documents_url(plan_id: int) -> str:
    return f"/plans/{plan_id}/documents/"


def post_form(client, path: str, fields: dict, *, token: str | None = None, follow=True):
    """POST a multipart form, closing the body the test client spools to disk (it does not close it)."""
    token = token or client.get(path).csrf_token()
    data = {"csrf_token": token, **fields}
    builder = EnvironBuilder(client.raw.application, path=path, method="POST", data=data)
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    try:
        return client.raw.open(environ, follow_redirects=follow)
    finally:
        environ["wsgi.input"].close()


def upload(client, plan_id, data: bytes, name="report.pdf", title="Speech therapy report", **extra):
    response = post_form(
        client,
        documents_url(plan_id),
        {"file": (io.BytesIO(data), name), "title": title, "description": "From the therapist", **extra},
    )
    page = Page(response)
    if response.mimetype == "text/html":
        page.check()
    return page


def counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count(PlanDocument.id))),
            db.session.scalar(select(func.count(StoredFile.id))),
            db.session.scalar(select(func.count(OutboxMessage.id))),
        )


def objects(app) -> list[str]:
    with app.app_context():
        return [name for name, _written in storage.backend().names()]


def events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# Upload and download.


def test_a_parent_uploads_a_report_and_downloads_it(app, client, sign_in, family):
    sign_in(family.parent)
    page = client.get(documents_url(family.plan_id))
    assert page.h1 == "Documents"
    assert "No documents have been added to this plan yet." in page.text()
    form = page.soup.select_one("main form[enctype='multipart/form-data']")
    assert form["action"] == documents_url(family.plan_id) and form.select_one("input[type=file][name=file]")

    data = pdf(MARKER, padding=200_000)
    page = upload(client, family.plan_id, data, name="SLT report ðŵ.pdf")
    assert page.status == 200
    assert "Your document was uploaded" in page.text()
    assert "Speech therapy report" in page.text() and "From the therapist" in page.text()
    assert "Uploaded by you (Parent or carer)" in page.text()
    assert "File name: SLT report ðŵ.pdf" in page.text()

    with app.app_context():
        document = db.session.scalars(select(PlanDocument)).one()
        assert document.uploader_role == "parent" and document.uploaded_by_id == family.parent.id
        assert document.stored.original_name == "SLT report ðŵ.pdf"
        document_id, size = document.id, document.stored.size
    (uploaded,) = events(app, "plan.document_uploaded")
    assert uploaded.actor_id == family.parent.id
    assert (uploaded.object_type, uploaded.object_id) == ("plan", str(family.plan_id))

    link = page.links()["Speech therapy report (download)"]
    assert link == f"/plans/{family.plan_id}/documents/{document_id}"
    response = client.raw.get(link)
    assert response.status_code == 200
    assert response.get_data() == data
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Length"] == str(size)
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"SLT report w.pdf\"; filename*=UTF-8''SLT%20report%20%C3%B0%C5%B5.pdf"
    )
    assert "no-store" in response.headers["Cache-Control"]
    (downloaded,) = events(app, "plan.document_downloaded")
    assert (downloaded.actor_id, downloaded.object_id) == (family.parent.id, str(family.plan_id))
    assert downloaded.detail == f"document {document_id}"


def test_the_upload_emails_everyone_else_with_a_link_and_nothing_more(app, client, sign_in, family):
    sign_in(family.parent)
    upload(client, family.plan_id, pdf(MARKER), name="Private diagnosis.pdf", title="Autism diagnosis letter")
    with app.app_context():
        messages = list(db.session.scalars(select(OutboxMessage)))
    assert [m.to_address for m in messages] == ["slt@example.org"]  # not the uploader, not other families
    (message,) = messages
    assert message.subject == "A new document was added to an EHC plan"
    assert f"http://localhost/plans/{family.plan_id}/documents/" in message.body
    for secret in ("Autism", "diagnosis", "Private", "Sam", "Example", MARKER, "From the therapist"):
        assert secret not in message.subject + message.body


@pytest.mark.parametrize(
    ("data", "name"),
    [(docx(), "advice.docx"), (jpeg(), "photo.JPG"), (png(), "scan.png"), (pdf(), "report.pdf")],
)
def test_each_document_type_is_accepted(app, client, sign_in, family, data, name):
    sign_in(family.professional)
    page = upload(client, family.plan_id, data, name=name)
    assert "Your document was uploaded" in page.text()
    assert "Uploaded by you (Professional)" in page.text()
    with app.app_context():
        document = db.session.scalars(select(PlanDocument)).one()
        assert document.uploader_role == "professional"
        assert storage.read_all(document.stored) == data


def test_a_caseworker_uploads_and_the_family_is_told(app, client, sign_in, family):
    sign_in(family.caseworker)
    page = upload(client, family.plan_id, pdf(), title="Educational psychology advice")
    assert "Educational psychology advice" in page.text()
    with app.app_context():
        assert sorted(db.session.scalars(select(OutboxMessage.to_address))) == [
            "parent@example.org",
            "slt@example.org",
        ]


# Refusals: a clear message in the error summary, and nothing kept.

REFUSALS = [
    (b"MZ\x90\x00" + b"\x00" * 200, "report.pdf", "The selected file must be a PDF, Word document (.docx)"),
    (b"<html><script>alert(1)</script></html>", "report.pdf", "The selected file must be a PDF"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "picture.png", "must be a PDF"),
    (png(), "report.pdf", "The selected file is a PNG picture but its name does not end in .png"),
    (b"", "report.pdf", "The selected file is empty"),
    (pdf(), "../../etc/report.pdf", "must not include a folder"),
    (pdf(), "C:\\Users\\me\\report.pdf", "must not include a folder"),
    (docx({"word/vbaProject.bin": b"x"}), "advice.docx", "contains macros or other programs"),
]


@pytest.mark.parametrize(("data", "name", "message"), REFUSALS)
def test_refused_files_get_a_clear_message_and_keep_nothing(
    app, client, sign_in, family, data, name, message
):
    sign_in(family.parent)
    page = upload(client, family.plan_id, data, name=name, title="My title")
    assert page.status == 200
    assert page.title.startswith("Error: Documents")
    (summary,) = page.error_summary()
    assert message in summary
    assert page.soup.select_one("#file-error") is not None or message in page.text()
    assert page.soup.select_one("input[name=title]")["value"] == "My title"  # what was typed is kept
    assert counts(app) == (0, 0, 0)
    assert objects(app) == []
    assert events(app, "plan.document_uploaded") == []


def test_no_file_and_no_title(app, client, sign_in, family):
    sign_in(family.parent)
    page = client.submit(documents_url(family.plan_id), {"title": "", "description": ""})
    assert page.error_summary() == ["Select a file", "Enter a title for the document"]
    assert counts(app) == (0, 0, 0)


def test_a_file_over_20_mb_but_inside_the_request_limit_gets_a_form_error(app, client, sign_in, family):
    sign_in(family.parent)
    page = upload(client, family.plan_id, pdf(padding=20 * 1024 * 1024 + 10))
    assert page.error_summary() == ["The selected file must be smaller than 20MB"]
    assert counts(app) == (0, 0, 0) and objects(app) == []


def test_a_request_far_over_the_limit_gets_the_friendly_413_page(app, client, sign_in, family):
    sign_in(family.parent)
    page = upload(client, family.plan_id, pdf(padding=23 * 1024 * 1024))
    assert page.status == 413
    assert page.h1 == "The file is too big"
    assert counts(app) == (0, 0, 0) and objects(app) == []


def test_a_failure_after_storing_leaves_no_row_and_no_file(app, client, sign_in, family, monkeypatch):
    from portal.plans import documents

    def broken(*_args, **_kwargs):
        raise RuntimeError("audit table locked")

    monkeypatch.setattr(documents, "record_plan_event", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the friendly 500 page
    sign_in(family.parent)
    response = post_form(
        client, documents_url(family.plan_id), {"file": (io.BytesIO(pdf(MARKER)), "r.pdf"), "title": "t"}
    )
    assert response.status_code == 500
    assert counts(app) == (0, 0, 0)
    assert objects(app) == []


# A changed file is never sent.


def test_a_tampered_file_gives_a_clear_page_and_no_bytes(app, client, sign_in, family):
    sign_in(family.parent)
    upload(client, family.plan_id, pdf(MARKER, padding=100_000))
    with app.app_context():
        document = db.session.scalars(select(PlanDocument)).one()
        name, document_id = document.stored.storage_key, document.id
        raw = bytearray(b"".join(storage.backend().get(name)))
        raw[-5] ^= 0xFF
        storage.backend().put(name, [bytes(raw)])
    page = client.get(f"/plans/{family.plan_id}/documents/{document_id}", expect=500)
    assert page.h1 == "This document cannot be opened"
    assert MARKER not in page.html
    assert events(app, "plan.document_downloaded") == []


def test_a_changed_checksum_gives_the_same_page(app, client, sign_in, family):
    sign_in(family.parent)
    upload(client, family.plan_id, pdf(MARKER))
    with app.app_context():
        document = db.session.scalars(select(PlanDocument)).one()
        document.stored.sha256 = "f" * 64
        db.session.commit()
        document_id = document.id
    page = client.get(f"/plans/{family.plan_id}/documents/{document_id}", expect=500)
    assert page.h1 == "This document cannot be opened"


# Access: anyone who cannot see the plan gets 404 on every document URL.


@pytest.fixture
def uploaded(app, client, sign_in, family):
    """One document on the family's plan and one on the other plan; then everyone signs out."""
    sign_in(family.parent)
    upload(client, family.plan_id, pdf("ours"))
    client.raw.post("/account/logout", data={"csrf_token": client.get("/").csrf_token()})
    other = Client(app.test_client())
    sign_in(family.other_parent, client=other)
    upload(other, family.other_plan_id, pdf("theirs"), title="Other family report")
    with app.app_context():
        ids = {d.plan_id: d.id for d in db.session.scalars(select(PlanDocument))}
    return SimpleNamespace(ours=ids[family.plan_id], theirs=ids[family.other_plan_id])


@pytest.mark.parametrize("who", ["other_parent", "outsider", "expired", "editor", "mediator", "admin"])
def test_people_without_access_get_404_everywhere(app, sign_in, family, uploaded, who):
    client = Client(app.test_client())
    sign_in(getattr(family, who), client=client)
    before = counts(app)
    client.get(documents_url(family.plan_id), expect=404)
    client.get(f"/plans/{family.plan_id}/documents/{uploaded.ours}", expect=404)
    response = post_form(
        client,
        documents_url(family.plan_id),
        {"file": (io.BytesIO(pdf()), "x.pdf"), "title": "Sneaky"},
        token=client.get("/").csrf_token(),
    )
    assert response.status_code == 404
    assert "ours" not in response.get_data(as_text=True)
    assert counts(app) == before
    assert events(app, "plan.document_downloaded") == []
    refused = events(app, "access.refused")
    assert len([e for e in refused if e.actor_id == getattr(family, who).id]) == 3


def test_a_document_from_another_plan_is_404(app, client, sign_in, family, uploaded):
    sign_in(family.parent)
    client.get(f"/plans/{family.plan_id}/documents/{uploaded.theirs}", expect=404)
    client.get(f"/plans/{family.plan_id}/documents/999999", expect=404)
    client.get(f"/plans/{family.other_plan_id}/documents/{uploaded.theirs}", expect=404)
    client.get(f"/plans/{family.plan_id}/documents/{uploaded.ours}", expect=200)


def test_signed_out_people_go_to_sign_in(client, family):
    response = client.raw.get(documents_url(family.plan_id))
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


# The list page stays cheap.


def test_the_list_page_runs_few_queries_whatever_the_number_of_documents(
    app, client, sign_in, family, count_queries
):
    sign_in(family.parent)
    with app.app_context():
        for n in range(15):
            stored = storage.store(
                io.BytesIO(pdf(str(n))), original_name=f"{n}.pdf", kinds=("pdf",), max_bytes=10**6
            )
            db.session.add(
                PlanDocument(
                    plan_id=family.plan_id,
                    stored_file_id=stored.id,
                    title=f"Report {n}",
                    uploaded_by_id=family.professional.id if n % 2 else family.parent.id,
                    uploader_role="professional" if n % 2 else "parent",
                )
            )
        db.session.commit()
    with count_queries() as counter:
        page = client.get(documents_url(family.plan_id))
    assert page.text().count("Report ") == 15
    assert counter.count <= 10, counter.count


# Memory: a 20 MB upload is streamed, not held in memory.


def test_a_20_mb_upload_does_not_raise_peak_memory_by_more_than_a_few_mb(
    app, client, sign_in, family, tmp_path
):
    sign_in(family.parent)
    path = tmp_path / "big.pdf"
    with path.open("wb") as out:
        out.write(pdf(MARKER))
        for _ in range(20 * 16 - 2):
            out.write(secrets.token_bytes(64 * 1024))
    token = client.get(documents_url(family.plan_id)).csrf_token()
    with path.open("rb") as source:
        tracemalloc.start()
        try:
            response = post_form(
                client,
                documents_url(family.plan_id),
                {"file": (source, "big.pdf"), "title": "Big scan"},
                token=token,
                follow=False,
            )
            _now, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert response.status_code == 303
    assert peak < 5 * 1024 * 1024, f"peak {peak / 1024 / 1024:.1f} MB"
    with app.app_context():
        stored = db.session.scalars(select(StoredFile)).one()
        assert stored.size == path.stat().st_size > 19 * 1024 * 1024
    tracemalloc.start()
    try:
        response = client.raw.get(f"/plans/{family.plan_id}/documents/1")
        total = sum(len(chunk) for chunk in response.response)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == stored.size
    assert peak < 5 * 1024 * 1024, f"download peak {peak / 1024 / 1024:.1f} MB"


def test_a_child_given_access_can_read_but_not_upload(app, client, sign_in, family, make_user):
    child = make_user("child@example.org", roles=("young_person",))
    with app.app_context():
        db.session.add(PlanAccess(plan_id=family.plan_id, user_id=child.id, role="child"))
        db.session.commit()
    sign_in(child)
    page = client.get(documents_url(family.plan_id))
    assert page.h1 == "Documents"
    assert page.soup.select_one("main input[type=file]") is None
    assert "Add a document" not in page.text()
    response = post_form(
        client,
        documents_url(family.plan_id),
        {"file": (io.BytesIO(pdf()), "x.pdf"), "title": "Mine"},
        token=page.csrf_token(),
    )
    assert response.status_code == 403
    assert counts(app) == (0, 0, 0)


def test_demo_documents_are_added_once_and_can_be_read(app, family):
    from portal.accounts.models import User
    from portal.plans.documents import seed_demo_document

    with app.app_context():
        plan = db.session.get(Plan, family.plan_id)
        parent = db.session.get(User, family.parent.id)
        for _ in range(2):
            seed_demo_document(plan, parent, "School report (demo)", "A fictional report")
            db.session.commit()
        (document,) = db.session.scalars(select(PlanDocument)).all()
        assert document.uploader_role == "parent"
        assert storage.read_all(document.stored).startswith(b"%PDF-1.4")
