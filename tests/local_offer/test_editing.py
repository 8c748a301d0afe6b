"""Keeping listings true: editors propose, the council decides, the public reports what is wrong."""

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.extensions import db
from portal.local_offer import search
from portal.local_offer.models import ListingReport, ListingVersion, OrganisationEditor, Service
from portal.outbox import OutboxMessage
from portal.timeutil import utcnow
from tests.pages import Client

GROUP = "svc-autism-group"  # run by org-charity
SPEECH = "svc-speech"  # run by org-council
EDIT = f"/edit/local-offer/services/{GROUP}"
REPORT = f"/local-offer/services/{GROUP}/report"


@pytest.fixture
def editor(app, listings, make_user):
    """A service editor linked to the charity."""
    return _editor(app, make_user, "editor@example.org", "org-charity")


@pytest.fixture
def council(app, make_user):
    return make_user("caseworker@example.org", roles=("caseworker",))


@pytest.fixture
def second(app):
    """A second browser, for the other person in a story."""
    return Client(app.test_client())


def _editor(app, make_user, email, organisation):
    user = make_user(email, roles=("service_editor",))
    with app.app_context():
        db.session.add(OrganisationEditor(user_id=user.id, organisation_id=organisation))
        db.session.commit()
    return user


def form_values(page) -> dict:
    """What the page's form would send as it stands."""
    values = {}
    for field in page.soup.select("main form[method=post] input, main form[method=post] textarea"):
        name, kind = field.get("name"), field.get("type")
        if not name or name == "csrf_token" or kind == "submit":
            continue
        if field.name == "textarea":
            values[name] = field.get_text().removeprefix("\n")
        elif kind == "radio":
            if field.has_attr("checked"):
                values[name] = field["value"]
        else:
            values[name] = field.get("value", "")
    return values


def propose(client, path=EDIT, **changes):
    return client.submit(path, {**form_values(client.get(path)), **changes})


def listing(app, service_id=GROUP) -> Service:
    with app.app_context():
        service = db.session.get(Service, service_id)
        db.session.expunge(service)
        return service


def versions(app) -> list[ListingVersion]:
    with app.app_context():
        found = list(db.session.scalars(select(ListingVersion).order_by(ListingVersion.id)))
        db.session.expunge_all()
        return found


def finds(app, word) -> list[str]:
    with app.app_context():
        return [s.id for s in search.search(search.Query(text=word)).items]


def public_text(app, service_id=GROUP) -> str | None:
    """The public listing page, when the directory has one yet (else None: check the database instead)."""
    try:
        app.url_map.bind("localhost").match(f"/local-offer/services/{service_id}")
    except HTTPException:
        return None
    return Client(app.test_client()).get(f"/local-offer/services/{service_id}").text()


def events(app, action) -> list[AuditEvent]:
    with app.app_context():
        found = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        db.session.expunge_all()
        return found


def emails(app) -> list[OutboxMessage]:
    with app.app_context():
        found = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return found


# Service editors.


def test_linked_editor_proposes_a_change_and_the_listing_waits(app, client, sign_in, editor):
    sign_in(editor)
    page = client.get("/edit/local-offer/")
    assert page.h1 == "Your Local Offer listings"
    assert page.links()["Autism parent support group"] == EDIT
    assert "Speech and language therapy" not in page.text()  # the council's, not the charity's
    page = client.get(EDIT)
    assert page.h1 == "Change Autism parent support group"
    assert form_values(page)["name"] == "Autism parent support group"
    assert form_values(page)["keywords"] == "autism, asd, support group"
    assert "how_to_visit" not in form_values(page)  # settings only

    page = propose(client, summary="Meet other parents every Wednesday.", keywords="autism, trampolining")
    assert page.h1 == "Your change to Autism parent support group"
    assert "Your change was sent to the council" in page.text()
    assert "Waiting for a decision" in page.text()
    changes = [li.get_text(" ", strip=True) for li in page.soup.select("main ul.govuk-list li")]
    assert changes == [
        "Summary : Autism parent support group for families. → changed to "
        "Meet other parents every Wednesday.",
        "Keywords : autism, asd, support group → changed to autism, trampolining",
    ]

    [version] = versions(app)
    assert (version.status, version.proposed_by, version.service_id) == ("pending", editor.id, GROUP)
    assert version.data["summary"] == "Meet other parents every Wednesday."
    assert version.data["keywords"] == ["autism", "trampolining"]
    assert version.data["name"] == "Autism parent support group"  # the whole listing, not only the edits
    assert listing(app).summary == "Autism parent support group for families."
    text = public_text(app)
    if text is not None:
        assert "Autism parent support group for families." in text
        assert "Meet other parents" not in text
    assert finds(app, "trampolining") == []
    [event] = events(app, "local_offer.change_proposed")
    assert event.actor_id == editor.id and event.object_id == str(version.id)
    assert event.detail == f"service={GROUP} fields=summary,keywords"

    page = client.get("/edit/local-offer/")
    assert "Waiting for a decision" in page.text()


def test_sending_again_replaces_the_pending_change(app, client, sign_in, editor):
    sign_in(editor)
    propose(client, summary="First try.")
    page = client.get(EDIT)
    assert "You already have a change to this listing waiting" in page.text()
    assert form_values(page)["summary"] == "First try."
    propose(client, summary="Second try.")
    [version] = versions(app)
    assert version.data["summary"] == "Second try."


def test_nothing_changed_sends_nothing(app, client, sign_in, editor):
    sign_in(editor)
    page = propose(client)
    assert "You did not change anything, so nothing was sent." in page.text()
    assert versions(app) == []


def test_proposal_form_explains_what_is_wrong(app, client, sign_in, editor):
    sign_in(editor)
    page = propose(client, name=" ", url="javascript:alert(1)", min_age="4", max_age="2", phone="call us")
    assert page.title.startswith("Error:")
    assert page.error_summary() == [
        "Enter the name of the service",
        "Enter a web address in the correct format, like https://www.example.org",
        "Enter a phone number, like 01632 960 001",
        "Oldest age must be the same as or more than the youngest age",
    ]
    assert form_values(page)["phone"] == "call us"  # what was typed is kept
    page = propose(client, min_age="", max_age="forty")
    assert page.error_summary() == [
        "Enter the youngest age",
        "Oldest age must be a whole number from 0 to 25",
    ]
    assert versions(app) == []


def test_settings_have_how_to_visit(app, client, sign_in, make_user, listings):
    sign_in(_editor(app, make_user, "school@example.org", "org-council"))
    path = "/edit/local-offer/services/set-oak-primary"
    assert form_values(client.get(path))["how_to_visit"] == "Phone the office to book a tour."
    page = propose(client, path, how_to_visit="Email the office to book a tour.")
    assert "How to visit : Phone the office to book a tour. → changed to Email the office" in page.text()


def test_editor_of_another_organisation_gets_404(app, client, sign_in, make_user, editor, second):
    sign_in(editor)
    propose(client, summary="Changed.")
    [version] = versions(app)
    other = _editor(app, make_user, "council-editor@example.org", "org-council")
    sign_in(other, client=second)
    second.get(f"/edit/local-offer/services/{SPEECH}")  # their own listing
    second.get(EDIT, expect=404)
    token = second.get(f"/edit/local-offer/services/{SPEECH}").csrf_token()
    response = second.post(EDIT, data={"csrf_token": token, "name": "Taken over", "summary": "x"})
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    second.get("/edit/local-offer/services/no-such-listing", expect=404)
    second.get(f"/edit/local-offer/changes/{version.id}", expect=404)
    assert len(versions(app)) == 1
    assert "Autism parent support group" not in second.get("/edit/local-offer/").text()
    refused = events(app, "access.refused")
    assert [(e.actor_id, e.detail) for e in refused][:2] == [
        (other.id, f"not an editor of this listing GET {EDIT}"),
        (other.id, f"not an editor of this listing POST {EDIT}"),
    ]


PRIVATE_PAGES = [
    "/edit/local-offer/",
    EDIT,
    "/edit/local-offer/changes/1",
    "/staff/local-offer/changes",
    "/staff/local-offer/changes/1",
    f"/staff/local-offer/services/{GROUP}/history",
    "/staff/local-offer/reports",
]


def test_signed_out_people_are_sent_to_sign_in(client, listings):
    for path in PRIVATE_PAGES:
        response = client.raw.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/account/login?next="), path


def test_people_without_the_role_get_403(app, client, sign_in, make_user, listings, second):
    sign_in(make_user())  # a parent
    for path in PRIVATE_PAGES:
        assert client.get(path, expect=403).h1 == "You do not have permission to see this page"
    sign_in(_editor(app, make_user, "editor@example.org", "org-charity"), client=second)
    for path in PRIVATE_PAGES[3:]:
        second.get(path, expect=403)  # editors propose; only the council decides


def test_council_cannot_use_the_editor_pages(client, sign_in, council, listings):
    sign_in(council)
    for path in PRIVATE_PAGES[:3]:
        client.get(path, expect=403)


# The council.


def test_approval_publishes_the_change_and_tells_the_editor(app, client, sign_in, editor, council, second):
    sign_in(editor)
    propose(client, summary="Meet other parents every Wednesday.", keywords="autism, trampolining")
    [version] = versions(app)
    sign_in(council, client=second)
    page = second.get("/staff/local-offer/changes")
    assert page.h1 == "Listing changes waiting for a decision"
    assert page.links()["Autism parent support group"] == f"/staff/local-offer/changes/{version.id}"
    assert "editor@example.org" in page.text()

    page = second.get(f"/staff/local-offer/changes/{version.id}")
    assert page.h1 == "Change to Autism parent support group"
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in page.soup.select("tbody tr")
    ]
    assert rows == [
        ["Summary", "Autism parent support group for families.", "Meet other parents every Wednesday."],
        ["Keywords", "autism, asd, support group", "autism, trampolining"],
    ]
    page = second.submit(f"/staff/local-offer/changes/{version.id}", {"decision": "approve"})
    assert page.h1 == "Listing changes waiting for a decision"
    assert "Change approved and published." in page.text()
    assert "There are no changes waiting for a decision." in page.text()

    service = listing(app)
    assert service.summary == "Meet other parents every Wednesday."
    assert service.keywords == ["autism", "trampolining"]
    assert service.name == "Autism parent support group"
    assert service.last_reviewed == utcnow().date()
    text = public_text(app)
    if text is not None:
        assert "Meet other parents every Wednesday." in text
    assert finds(app, "trampolining") == [GROUP]
    [version] = versions(app)
    assert (version.status, version.decided_by) == ("approved", council.id)
    assert version.decided_at is not None
    assert version.data["last_reviewed"] == utcnow().date().isoformat()

    [message] = emails(app)
    assert message.to_address == "editor@example.org"
    assert message.subject == "Your change to a Local Offer listing was approved"
    assert message.body == f"See the decision here: http://localhost/edit/local-offer/changes/{version.id}"
    [event] = events(app, "local_offer.change_approved")
    assert event.actor_id == council.id and event.object_id == str(version.id)

    page = client.get(f"/edit/local-offer/changes/{version.id}")
    assert "Approved" in page.text() and "The listing now shows this change." in page.text()
    # Sending the decision again changes nothing and emails nobody.
    token = second.get(f"/staff/local-offer/changes/{version.id}").csrf_token()
    response = second.post(
        f"/staff/local-offer/changes/{version.id}",
        data={"csrf_token": token, "decision": "reject", "reason": "No"},
        follow_redirects=True,
    )
    assert "This change has already been decided." in response.get_data(as_text=True)
    assert versions(app)[0].status == "approved"
    assert len(emails(app)) == 1


def test_rejection_needs_a_reason_and_changes_nothing(app, client, sign_in, editor, council, second):
    sign_in(editor)
    propose(client, summary="Closed for good.")
    [version] = versions(app)
    sign_in(council, client=second)
    path = f"/staff/local-offer/changes/{version.id}"
    page = second.submit(path, {})
    assert page.error_summary() == ["Select whether to approve or reject this change"]
    page = second.submit(path, {"decision": "reject", "reason": "  "})
    assert page.title.startswith("Error:")
    assert page.error_summary() == ["Enter a reason for rejecting this change"]
    assert versions(app)[0].status == "pending"

    page = second.submit(path, {"decision": "reject", "reason": "The group still meets; we checked."})
    assert "Change rejected." in page.text()
    [version] = versions(app)
    assert (version.status, version.decided_by, version.reason) == (
        "rejected",
        council.id,
        "The group still meets; we checked.",
    )
    service = listing(app)
    assert service.summary == "Autism parent support group for families."
    assert service.last_reviewed.isoformat() == "2026-09-01"
    [message] = emails(app)
    assert message.subject == "Your change to a Local Offer listing was rejected"
    assert "Closed" not in message.body and "still meets" not in message.body
    assert events(app, "local_offer.change_rejected")[0].actor_id == council.id

    page = client.get(f"/edit/local-offer/changes/{version.id}")
    assert "Why it was rejected The group still meets; we checked." in page.text()


def test_approving_an_older_proposal_keeps_a_newer_approved_change(
    app, client, sign_in, make_user, editor, council, second
):
    sign_in(editor)
    propose(client, summary="New summary.")
    other = _editor(app, make_user, "editor2@example.org", "org-charity")
    third = Client(app.test_client())
    sign_in(other, client=third)
    propose(third, phone="01632 960999")
    first, later = versions(app)
    sign_in(council, client=second)
    second.submit(f"/staff/local-offer/changes/{later.id}", {"decision": "approve"})
    page = second.get(f"/staff/local-offer/changes/{first.id}")
    assert "Phone number" not in page.text()  # the other change is not undone
    second.submit(f"/staff/local-offer/changes/{first.id}", {"decision": "approve"})
    service = listing(app)
    assert (service.summary, service.phone) == ("New summary.", "01632 960999")


def test_history_lists_every_version_with_who_and_when(app, client, sign_in, editor, council, second):
    sign_in(editor)
    propose(client, summary="One.")
    sign_in(council, client=second)
    second.submit(f"/staff/local-offer/changes/{versions(app)[0].id}", {"decision": "approve"})
    propose(client, summary="Two.")
    second.submit(
        f"/staff/local-offer/changes/{versions(app)[1].id}", {"decision": "reject", "reason": "Vague."}
    )
    propose(client, summary="Three.")
    page = second.get(f"/staff/local-offer/services/{GROUP}/history")
    assert page.h1 == "History of Autism parent support group"
    assert "3 versions, newest first" in page.text()
    rows = [row.get_text(" ", strip=True) for row in page.soup.select("tbody tr")]
    assert len(rows) == 3
    assert "Waiting for a decision" in rows[0] and "editor@example.org" in rows[0]
    assert "Rejected" in rows[1] and "caseworker@example.org" in rows[1] and "Vague." in rows[1]
    assert "Approved" in rows[2] and "caseworker@example.org" in rows[2]
    assert [v.data["summary"] for v in versions(app)] == ["One.", "Two.", "Three."]
    page = second.get(f"/staff/local-offer/changes/{versions(app)[0].id}")
    assert "Autism parent support group for families." in page.text()  # what it replaced
    second.get("/staff/local-offer/services/no-such-listing/history", expect=404)
    second.get("/staff/local-offer/changes/999", expect=404)


# Families and the public.


def test_anyone_can_report_a_wrong_listing(app, client, listings):
    page = client.get(REPORT)
    assert page.h1 == "Tell us what is wrong with this listing"
    assert "Autism parent support group" in page.text()
    page = client.submit(REPORT, {"message": ""})
    assert page.error_summary() == ["Enter what is wrong with this listing"]
    page = client.submit(REPORT, {"message": "x" * 2001, "reply_to": "not an email"})
    assert page.error_summary() == [
        "What is wrong must be 2000 characters or fewer",
        "Enter an email address in the correct format, like name@example.com",
    ]
    assert form_values(page)["reply_to"] == "not an email"
    page = client.submit(
        REPORT, {"message": "The group now meets on Thursdays.", "reply_to": "mum@example.org"}
    )
    assert page.h1 == "Thank you for telling us"
    assert "Your report about Autism parent support group has been sent to the council." in page.text()
    with app.app_context():
        [report] = db.session.scalars(select(ListingReport)).all()
        assert (report.service_id, report.message, report.reply_to) == (
            GROUP,
            "The group now meets on Thursdays.",
            "mum@example.org",
        )
        assert report.resolved_at is None
    [event] = events(app, "local_offer.report_received")
    assert event.actor_id is None and event.detail == f"service={GROUP}"


def test_report_for_an_unknown_listing_is_404(client, listings):
    client.get("/local-offer/services/no-such-listing/report", expect=404)
    token = client.get(REPORT).csrf_token()
    response = client.post(
        "/local-offer/services/no-such-listing/report", data={"csrf_token": token, "message": "x"}
    )
    assert response.status_code == 404
    client.get("/local-offer/services/no-such-listing/report/sent", expect=404)


def test_reports_are_rate_limited_per_address(app, client, listings):
    for n in range(5):
        page = client.submit(REPORT, {"message": f"Report {n}"})
        assert page.h1 == "Thank you for telling us"
    page = client.submit(REPORT, {"message": "One too many"}, expect=429)
    assert page.h1 == "Too many attempts"
    page = client.submit(REPORT, {"message": "From elsewhere"}, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert page.h1 == "Thank you for telling us"
    with app.app_context():
        assert db.session.scalar(select(func.count(ListingReport.id))) == 6


def test_caseworker_deals_with_reports(app, client, sign_in, council, listings, second):
    second.submit(REPORT, {"message": "The phone number is wrong.", "reply_to": "dad@example.org"})
    sign_in(council)
    page = client.get("/staff/local-offer/reports")
    assert page.h1 == "Reports of wrong listings"
    assert "1 report to deal with" in page.text()
    assert "Autism parent support group" in page.text() and "The phone number is wrong." in page.text()
    assert page.links()["dad@example.org"] == "mailto:dad@example.org"
    form = page.soup.select_one("form[action$='/resolve']")
    token = form.select_one("input[name=csrf_token]")["value"]
    response = client.post(form["action"], data={"csrf_token": token}, follow_redirects=True)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Report marked as dealt with." in text and "There are no reports to deal with." in text
    with app.app_context():
        assert db.session.scalar(select(ListingReport.resolved_at)) is not None
    [event] = events(app, "local_offer.report_resolved")
    assert event.actor_id == council.id
    assert (
        client.post("/staff/local-offer/reports/999/resolve", data={"csrf_token": token}).status_code == 404
    )


def test_nobody_decides_on_their_own_change(app, client, sign_in, make_user, listings):
    both = _editor(app, make_user, "both@example.org", "org-charity")
    with app.app_context():
        db.session.get(User, both.id).set_roles({"service_editor", "caseworker"})
        db.session.commit()
    sign_in(both)
    propose(client, summary="My own idea.")
    [version] = versions(app)
    page = client.get(f"/staff/local-offer/changes/{version.id}")
    assert "someone else in the council must decide on it" in page.text()
    assert page.soup.select_one("input[name=decision]") is None
    token = page.csrf_token()
    response = client.post(
        f"/staff/local-offer/changes/{version.id}",
        data={"csrf_token": token, "decision": "approve"},
        follow_redirects=True,
    )
    assert "Someone else must decide on a change you proposed." in response.get_data(as_text=True)
    assert versions(app)[0].status == "pending"
    assert listing(app).summary == "Autism parent support group for families."
