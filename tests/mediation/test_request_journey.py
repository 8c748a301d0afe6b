"""The request: one question per page, check your answers, a confirmation with a reference, and a
resubmitted form (double click, back button, refresh) never making a second request."""

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from portal.extensions import db
from portal.mediation.deadlines import add_working_days, today_in_england
from portal.mediation.models import MediationRequest
from portal.outbox import OutboxMessage


def _date_parts(day):
    return [str(day.day), str(day.month), str(day.year)]


def answer_everything(client, *, wants="mediation", letter=None):
    letter = letter or today_in_england() - timedelta(days=7)
    page = client.get("/mediation/request")
    assert page.h1 == "Request mediation"
    page = client.submit("/mediation/request/decision", {"decision": "refuse_assessment"})
    assert page.h1 == "What is the date on the decision letter?"
    page = client.submit("/mediation/request/letter-date", {"letter_date": _date_parts(letter)})
    assert page.h1 == "What is the disagreement about?"
    page = client.submit("/mediation/request/about", {"areas": ["education", "social_care"]})
    assert page.h1 == "Do you have any access needs for the mediation?"
    page = client.submit("/mediation/request/access-needs", {"access_needs": "A quiet room"})
    assert page.h1 == "Do you need an interpreter?"
    page = client.submit("/mediation/request/interpreter", {"interpreter": "yes", "language": "Urdu"})
    assert page.h1 == "Do you want mediation, or only the certificate?"
    page = client.submit("/mediation/request/mediation-or-certificate", {"wants": wants})
    assert page.h1 == "Check your answers before sending your request"
    return page


def count_requests(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(MediationRequest))


def test_a_parent_requests_mediation_and_sees_the_deadlines(app, client, sign_in, people):
    sign_in(people.family)
    check = answer_everything(client)
    text = check.text()
    for shown in [
        "Refusal to carry out an EHC needs assessment",
        "Education, Social care",
        "A quiet room",
        "Urdu",
    ]:
        assert shown in text
    token = check.soup.select_one("input[name=token]")["value"]
    page = client.submit("/mediation/request/check", {"token": token})
    assert page.h1 == "Request sent"
    with app.app_context():
        request = db.session.scalars(select(MediationRequest)).one()
        assert request.family_id == people.family.id and request.interpreter and request.language == "Urdu"
        assert request.areas == "education,social_care" and request.told_on == today_in_england()
        reference = request.reference
        email = db.session.scalars(select(OutboxMessage)).one()
    assert reference in page.text()
    assert "Latest date for mediation to take place" in page.text()
    assert (today_in_england() + timedelta(days=30)).strftime("%-d %B %Y") in page.text()
    # The email names the reference and links to the portal; never the decision or the child.
    assert email.to_address == people.family.email and reference in email.body
    assert "assessment" not in email.body.lower() and "Urdu" not in email.body


def test_a_resubmitted_request_never_makes_two(app, client, sign_in, people):
    sign_in(people.family)
    check = answer_everything(client)
    token = check.soup.select_one("input[name=token]")["value"]
    csrf = check.csrf_token()
    first = client.raw.post("/mediation/request/check", data={"csrf_token": csrf, "token": token})
    # A double click: the same form posted again (the answers have already left the session).
    second = client.raw.post("/mediation/request/check", data={"csrf_token": csrf, "token": token})
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count_requests(app) == 1
    # The back button to the check page: nothing to send, so back to the start of the questions.
    back = client.raw.get("/mediation/request/check")
    assert back.status_code == 302 and back.headers["Location"].endswith("/mediation/request/decision")
    assert count_requests(app) == 1


def test_a_young_person_can_ask_for_only_the_certificate(app, client, sign_in, people):
    sign_in(people.young_person)
    check = answer_everything(client, wants="certificate")
    page = client.submit(
        "/mediation/request/check", {"token": check.soup.select_one("input[name=token]")["value"]}
    )
    assert page.h1 == "Request sent"
    due = add_working_days(today_in_england(), 3)
    assert "Latest date for the mediation certificate" in page.text()
    assert due.strftime("%-d %B %Y") in page.text()
    assert "Latest date for mediation to take place" not in page.text()


def test_errors_are_shown_next_to_the_question(client, sign_in, people):
    sign_in(people.family)
    page = client.submit("/mediation/request/decision", {})
    assert page.error_summary() == ["Select the decision you disagree with"]
    assert page.title.startswith("Error:")
    page = client.submit("/mediation/request/letter-date", {"letter_date": ["31", "2", "2026"]})
    assert page.error_summary() == ["The date on the decision letter must be a real date, like 27 3 2026"]
    future = today_in_england() + timedelta(days=3)
    page = client.submit("/mediation/request/letter-date", {"letter_date": _date_parts(future)})
    assert page.error_summary() == ["The date on the decision letter must be today or in the past"]
    page = client.submit("/mediation/request/about", {})
    assert page.error_summary() == ["Select what the disagreement is about"]
    page = client.submit("/mediation/request/interpreter", {"interpreter": "yes", "language": ""})
    assert page.error_summary() == ["Enter the language you need an interpreter for"]


def test_change_links_come_back_to_check_your_answers(client, sign_in, people):
    sign_in(people.family)
    answer_everything(client)
    page = client.submit("/mediation/request/decision?change=1", {"decision": "cease_plan"})
    assert page.h1 == "Check your answers before sending your request"
    assert "A decision to stop (cease) an EHC plan" in page.text()


def test_check_page_sends_you_to_the_first_unanswered_question(client, sign_in, people):
    sign_in(people.family)
    client.submit("/mediation/request/decision", {"decision": "cease_plan"})
    response = client.raw.get("/mediation/request/check")
    assert response.headers["Location"].endswith("/mediation/request/letter-date")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=2100))
def test_access_needs_take_any_text_safely(client, sign_in, people, text):
    if not getattr(client, "_signed_in", False):
        sign_in(people.family)
        client._signed_in = True
    page = client.submit("/mediation/request/access-needs", {"access_needs": text})
    if len(text) > 2000:
        assert page.error_summary() == ["Access needs must be 2,000 characters or fewer"]
    else:
        assert page.status == 200
        assert page.h1 in (
            "Do you need an interpreter?",
            "What is the disagreement about?",
            "Which decision do you disagree with?",
        )


def test_the_information_page_is_public_and_links_to_the_guides(client):
    page = client.get("/mediation/")
    assert page.h1 == "Mediation before an appeal"
    links = page.links()
    assert links["Mediation and appeals"] == "/guides/mediation-and-appeals"
    assert "only about the school" in page.text() and "free for families" in page.text()
    assert "sign in" in page.text()
