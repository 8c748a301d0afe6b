"""A caseworker creates a plan, writes a version through the forms and publishes it; families then read it."""

from datetime import date

from sqlalchemy import select

from portal.audit import AuditEvent
from portal.extensions import db
from portal.plans.models import Plan, PlanVersion
from tests.pages import Client


def _form_post(client, page, action_suffix, data=None):
    form = next(f for f in page.soup.select("form[method=post]") if f["action"].endswith(action_suffix))
    token = form.select_one("input[name=csrf_token]")["value"]
    return client.raw.post(form["action"], data={"csrf_token": token, **(data or {})})


def _day(d: date) -> list[str]:
    return [str(d.day), str(d.month), str(d.year)]


def test_a_caseworker_writes_and_publishes_a_first_version(app, sign_in, people, grant):
    client = Client(app.test_client())
    sign_in(people.caseworker, client=client)
    page = client.submit("/plans/new", {"full_name": "", "date_of_birth": ["31", "2", "2015"]})
    assert page.error_summary() == ["Enter their full name", "Enter a real date, like 27 3 2027"]
    page = client.submit(
        "/plans/new",
        {"full_name": "Ola Nowak", "preferred_name": "Ola", "date_of_birth": _day(date(2015, 2, 3))},
    )
    assert page.h1 == "EHC plan for Ola"
    assert "No version of this plan has been published yet." in page.text()
    with app.app_context():
        plan_id = db.session.scalar(select(Plan.id))
    response = _form_post(client, page, "/versions/new")
    assert response.headers["Location"] == f"/plans/{plan_id}/versions/1/edit"
    base = f"/plans/{plan_id}/versions/1"
    page = client.get(f"{base}/edit")
    assert page.h1 == "Write version 1"
    client.submit(f"{base}/views/new", {"text": "I love swimming.", "source": "Ola, at school"})
    page = client.submit(f"{base}/needs/new", {"section": "B", "area": "nope", "text": ""})
    assert page.error_summary() == ["Choose an area of need", "Describe the need"]
    client.submit(
        f"{base}/needs/new", {"section": "B", "area": "cognition_learning", "text": "Ola finds maths hard."}
    )
    with app.app_context():
        need = db.session.scalar(select(PlanVersion).where(PlanVersion.plan_id == plan_id)).needs[0]
        need_id, need_ref = need.id, need.ref
    assert need_ref == "B1"
    client.submit(
        f"{base}/outcomes/new",
        {"text": "Ola will use number bonds to 20.", "by_when": "End of Year 4", "needs": [str(need_id)]},
    )
    with app.app_context():
        outcome_id = db.session.scalar(select(PlanVersion)).outcomes[0].id
    line = {
        "section": "F",
        "what": "Maths catch-up group",
        "who": "Teacher",
        "how_often": "Three times a week",
        "how_long": "Two terms",
        "funded_by": "School",
    }
    client.submit(f"{base}/provision/new", {**line, "outcomes": [str(outcome_id)]})
    client.submit(f"{base}/provision/new", {**line, "what": "Unlinked provision"})
    client.submit(
        f"{base}/placement",
        {"placement_name": "Hill School", "placement_type": "Mainstream", "budget_amount": "1,200.50"},
    )
    client.submit(
        f"{base}/advice/new",
        {"title": "EP report", "author": "Educational psychologist", "dated": _day(date(2026, 1, 2))},
    )
    page = client.get(f"{base}/edit")
    text = page.text()
    for expected in (
        "I love swimming.",
        "Ola finds maths hard.",
        "number bonds",
        "Maths catch-up group",
        "Serves no outcome",
        "Hill School",
        "£1,200.50",
        "EP report",
    ):
        assert expected in text, expected
    # Change and remove items.
    with app.app_context():
        unlinked = db.session.scalar(select(PlanVersion)).provision[1].id
    page = client.get(f"{base}/provision/{unlinked}")
    assert page.soup.select_one("textarea[name=what]").get_text().strip() == "Unlinked provision"
    _form_post(client, page := client.get(f"{base}/edit"), f"/provision/{unlinked}/remove")
    assert "Unlinked provision" not in client.get(f"{base}/edit").text()
    # Publish: the date is needed; a first final needs no reason.
    page = client.submit(f"{base}/publish", {"status": "final"})
    assert page.error_summary() == ["Enter the date issued"]
    page = client.submit(f"{base}/publish", {"status": "final", "issued_on": _day(date(2026, 3, 1))})
    assert page.h1 == "Versions of the plan"
    # Published: the writing pages now send you to the read-only version.
    response = client.raw.get(f"{base}/edit")
    assert response.status_code == 302 and response.headers["Location"] == base
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        assert plan.next_review_due == date(2027, 2, 28)
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_id == str(plan_id))
        ).all()
        assert {"plan.created", "plan.version_created", "plan.version_published"} <= set(actions)
    grant(plan_id, people.parent, "parent")
    parent = Client(app.test_client())
    sign_in(people.parent, client=parent)
    page = parent.get(f"/plans/{plan_id}/sections/e")
    assert "Maths catch-up group" in page.text()
    assert "No provision in the plan serves this outcome" not in page.text()


def test_key_dates_and_the_timeline(app, sign_in, people, make_plan, grant):
    data = __import__("tests.plans.conftest", fromlist=["example_data"]).example_data()
    data["plan"]["assessment_requested_on"] = "2026-01-05"
    data["versions"] = [dict(data["versions"][0], status="draft", issued_on="2026-05-01")]
    plan_id = make_plan(data)
    grant(plan_id, people.parent, "parent")
    client = Client(app.test_client())
    sign_in(people.parent, client=client)
    page = client.get(f"/plans/{plan_id}/dates")
    text = page.text()
    assert "The 20-week timeline" in text
    assert page.soup.select_one("svg[role=img] title")
    for fact in (
        "Council decides whether to assess",
        "16 February 2026",
        "Final plan issued",
        "25 May 2026",
        "Done on 1 May 2026",
    ):
        assert fact in text, fact
    page = client.get(f"/plans/{plan_id}")
    assert "Where the assessment is up to" in page.text()


def test_a_caseworker_changes_key_dates(app, sign_in, people, make_plan):
    plan_id = make_plan()
    client = Client(app.test_client())
    sign_in(people.caseworker, client=client)
    page = client.submit(
        f"/plans/{plan_id}/dates/edit",
        {"next_review_due": _day(date(2027, 5, 1)), "assessment_requested_on": ["", "", ""]},
    )
    assert page.h1 == "Key dates"
    assert "1 May 2027" in page.text()


def test_nul_characters_typed_into_a_form_are_dropped(app, sign_in, people, make_plan):
    plan_id = make_plan()
    client = Client(app.test_client())
    sign_in(people.caseworker, client=client)
    page = client.get(f"/plans/{plan_id}")
    _form_post(client, page, "/versions/new")
    client.submit(f"/plans/{plan_id}/versions/3/views/new", {"text": "Quiet\x00 room", "source": "Sam\x00"})
    with app.app_context():
        version = db.session.scalar(select(PlanVersion).where(PlanVersion.number == 3))
        assert (version.views[-1].text, version.views[-1].source) == ("Quiet room", "Sam")


def test_every_caseworker_page_passes_the_page_checks(app, sign_in, people, make_plan):
    plan_id = make_plan()
    client = Client(app.test_client())
    sign_in(people.caseworker, client=client)
    _form_post(client, client.get(f"/plans/{plan_id}"), "/versions/new")
    with app.app_context():
        version = db.session.scalar(select(PlanVersion).where(PlanVersion.number == 3))
        items = {
            "views": version.views[0].id,
            "needs": version.needs[0].id,
            "outcomes": version.outcomes[0].id,
            "provision": version.provision[0].id,
            "advice": version.advice[0].id,
        }
    base = f"/plans/{plan_id}"
    paths = [
        "/plans/",
        "/plans/new",
        f"{base}",
        f"{base}/invite",
        f"{base}/dates/edit",
        f"{base}/versions/import",
    ]
    paths += [f"{base}/versions/3", f"{base}/versions/3/edit", f"{base}/versions/3/placement"]
    paths += [f"{base}/versions/3/publish", f"{base}/history", f"{base}/access", f"{base}/dates"]
    for kind, item_id in items.items():
        paths += [f"{base}/versions/3/{kind}/new", f"{base}/versions/3/{kind}/{item_id}"]
    for lang in ("en", "ur"):
        for path in paths:
            page = client.get(
                f"{path}?lang={lang}"
            )  # checks one h1, title, unique ids, forms, no inline style
            assert page.h1
    page = client.get(f"{base}/versions/3/outcomes/{items['outcomes']}")
    assert page.soup.select("input[name=needs][checked]")  # the links are shown ticked


def test_a_child_is_invited_before_16_and_linked_to_their_plan(app, sign_in, people, make_plan):
    import re

    from portal.outbox import OutboxMessage
    from portal.plans.models import Child

    plan_id = make_plan(date_of_birth=date(2014, 5, 12))
    client = Client(app.test_client())
    sign_in(people.caseworker, client=client)
    client.submit(f"/plans/{plan_id}/invite", {"email": "Young.Person@example.org", "role": "child"})
    with app.app_context():
        body = db.session.scalar(
            select(OutboxMessage.body).where(OutboxMessage.to_address == "young.person@example.org")
        )
    code = re.search(r"Your code: (\S+)", body).group(1)
    young = Client(app.test_client())
    sign_in(people.young, client=young)
    page = young.submit("/plans/join", {"code": code})
    assert page.h1 == "EHC plan for Sam"
    assert "This is your plan now" not in page.text()  # not 16 yet: no sharing page
    with app.app_context():
        assert db.session.scalar(select(Child.young_person_id)) == people.young.id
    assert young.raw.get(f"/plans/{plan_id}/sharing").status_code == 404


def test_a_caseworker_finds_a_plan_by_name_or_reference(app, sign_in, people, make_plan):
    from tests.plans.conftest import example_data

    make_plan()
    other = example_data()
    other["child"] = {"full_name": "Zofia Kowalska", "date_of_birth": "2013-04-04"}
    other["plan"]["reference"] = "EHC-ZK-1"
    make_plan(other)
    client = Client(app.test_client())
    sign_in(people.caseworker, client=client)
    names = lambda page: [a.get_text() for a in page.soup.select("main ul a")]  # noqa: E731
    assert names(client.get("/plans/")) == ["EHC plan for Sam", "EHC plan for Zofia Kowalska"]
    assert names(client.get("/plans/?q=kowal")) == ["EHC plan for Zofia Kowalska"]
    assert names(client.get("/plans/?q=ehc-demo")) == ["EHC plan for Sam"]
    page = client.get("/plans/?q=%25_nobody")
    assert names(page) == [] and "No plans match %_nobody." in page.text()
