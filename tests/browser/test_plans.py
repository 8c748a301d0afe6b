"""EHC plans in a real browser: a parent reads a plan and a caseworker publishes a version with JavaScript
off, and axe finds nothing on the plan pages in English and Urdu."""

from datetime import date

import pytest

from portal.extensions import db
from portal.plans import service
from portal.plans.cli import import_document
from portal.plans.models import Child, Plan, PlanAccess
from tests.browser.conftest import LANGUAGES, submit
from tests.plans.conftest import example_data


def _plan(live_server, data=None, *, draft=False) -> int:
    with live_server.app.app_context():
        plan, _made = import_document(data or example_data())
        if draft:
            service.start_version(plan, None)
        db.session.commit()
        return plan.id


def _grant(live_server, plan_id, person, role):
    with live_server.app.app_context():
        db.session.add(PlanAccess(plan_id=plan_id, user_id=person.id, role=role))
        db.session.commit()


@pytest.fixture(scope="module")
def world(live_server):
    parent = live_server.make_user("plans.parent@example.org", roles=("parent",))
    caseworker = live_server.make_user("plans.caseworker@example.org", roles=("caseworker",))
    young = live_server.make_user("plans.young@example.org", roles=("young_person",))
    plan_id = _plan(live_server, draft=True)
    _grant(live_server, plan_id, parent, "parent")
    data = example_data()
    data["child"]["date_of_birth"] = "2008-01-01"
    data["plan"]["assessment_requested_on"] = date.today().replace(day=1).isoformat()
    data["versions"] = [dict(data["versions"][0], status="draft")]
    young_plan = _plan(live_server, data)
    _grant(live_server, young_plan, parent, "parent")
    with live_server.app.app_context():
        db.session.get(Child, db.session.get(Plan, young_plan).child_id).young_person_id = young.id
        db.session.commit()
    return {
        "parent": parent,
        "caseworker": caseworker,
        "young": young,
        "plan": plan_id,
        "young_plan": young_plan,
    }


def test_a_parent_reads_a_plan(world, no_js_page, browser_sign_in):
    page = no_js_page
    browser_sign_in(page, world["parent"])
    page.goto("/plans/")
    page.locator(f"main a[href='/plans/{world['plan']}']").click()
    assert page.locator("h1").inner_text() == "EHC plan for Sam"
    contents = page.locator("main ol a")
    assert contents.count() == 12
    page.get_by_role("link", name="Section E: Outcomes").click()
    assert page.locator("h1").inner_text() == "Section E: Outcomes"
    card = page.locator(".govuk-summary-card", has_text="Outcome E3")
    assert "move to secondary school" in card.inner_text()
    assert "Transition support: three visits" in card.inner_text()
    assert "Short breaks at a Saturday activity club" in card.inner_text()
    assert page.locator("aside", has_text="What this section is for").is_visible()
    page.get_by_role("link", name="Section F: Special educational provision").click()
    assert page.locator("h1").inner_text() == "Section F: Special educational provision"
    page.get_by_role("link", name="Section G: Health provision").click()
    assert "This provision is not linked to any outcome in section E." in page.locator("main").inner_text()
    page.goto(f"/plans/{world['plan']}/access")
    assert "plans.parent@example.org" in page.locator("main").inner_text()
    assert "Plan viewed" in page.locator("main").inner_text()


def test_a_caseworker_publishes_a_version(world, live_server, no_js_page, browser_sign_in):
    plan_id = _plan(live_server)
    page = no_js_page
    browser_sign_in(page, world["caseworker"])
    page.goto(f"/plans/{plan_id}")
    page.get_by_role("button", name="Write a new version").click()
    assert page.locator("h1").inner_text() == "Write version 3"
    page.get_by_role("link", name="Add views to section A").click()
    page.locator("textarea[name=text]").fill("I want to try the school choir.")
    page.locator("input[name=source]").fill("Sam, March 2027")
    submit(page)
    assert "I want to try the school choir." in page.locator("main").inner_text()
    page.get_by_role("link", name="Publish version 3").click()
    page.locator("input[name=status][value=final]").check()
    today = date.today()
    page.locator("#issued_on").fill(str(today.day))
    page.locator("#issued_on-month").fill(str(today.month))
    page.locator("#issued_on-year").fill(str(today.year))
    submit(page)
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Enter why the plan is being amended" in page.locator(".govuk-error-summary").inner_text()
    page.locator("textarea[name=reason]").fill("Annual review, March 2027")
    submit(page)
    assert page.locator("h1").inner_text() == "Versions of the plan"
    assert "Annual review, March 2027" in page.locator("main table").inner_text()
    page.get_by_role("button", name="Compare").click()
    assert page.locator("h1").inner_text() == "What changed"
    assert "I want to try the school choir." in page.locator("main").inner_text()


PARENT_PAGES = {
    "my plans": "/plans/",
    "join": "/plans/join",
    "contents": "/plans/{plan}",
    "section A": "/plans/{plan}/sections/a",
    "section B": "/plans/{plan}/sections/b",
    "section E": "/plans/{plan}/sections/e",
    "section G": "/plans/{plan}/sections/g",
    "section I": "/plans/{plan}/sections/i",
    "section J": "/plans/{plan}/sections/j",
    "section K": "/plans/{plan}/sections/k",
    "history": "/plans/{plan}/history",
    "compare": "/plans/{plan}/compare",
    "print": "/plans/{plan}/print",
    "version": "/plans/{plan}/versions/1",
    "key dates": "/plans/{plan}/dates",
    "timeline contents": "/plans/{young_plan}",
    "timeline": "/plans/{young_plan}/dates",
    "access": "/plans/{plan}/access",
}
CASEWORKER_PAGES = {
    "all plans": "/plans/?q=sam",
    "new plan": "/plans/new",
    "invite": "/plans/{plan}/invite",
    "key dates form": "/plans/{plan}/dates/edit",
    "import": "/plans/{plan}/versions/import",
    "write": "/plans/{plan}/versions/3/edit",
    "new need": "/plans/{plan}/versions/3/needs/new",
    "new outcome": "/plans/{plan}/versions/3/outcomes/new",
    "new provision": "/plans/{plan}/versions/3/provision/new",
    "new advice": "/plans/{plan}/versions/3/advice/new",
    "placement": "/plans/{plan}/versions/3/placement",
    "publish": "/plans/{plan}/versions/3/publish",
    "access with actions": "/plans/{plan}/access",
}


@pytest.fixture(scope="module")
def signed_in(world, contexts, browser_sign_in):
    pages = {}
    for role in ("parent", "caseworker", "young"):
        context = contexts.new(javascript=True)
        page = context.new_page()
        browser_sign_in(page, world[role])
        pages[role] = page
    yield pages
    for page in pages.values():
        contexts.close(page.context)


def _check(signed_in, world, check_accessibility, role, path, lang, name):
    page = signed_in[role]
    url = path.format(plan=world["plan"], young_plan=world["young_plan"])
    response = page.goto(f"{url}{'&' if '?' in url else '?'}lang={lang}")
    assert response.status == 200, url
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ur" else "ltr")
    check_accessibility(page, f"{name} [{lang}]")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(PARENT_PAGES))
def test_axe_reading_pages(world, signed_in, check_accessibility, name, lang):
    _check(signed_in, world, check_accessibility, "parent", PARENT_PAGES[name], lang, name)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(CASEWORKER_PAGES))
def test_axe_caseworker_pages(world, signed_in, check_accessibility, name, lang):
    _check(signed_in, world, check_accessibility, "caseworker", CASEWORKER_PAGES[name], lang, name)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_young_person_sharing(world, signed_in, check_accessibility, lang):
    _check(signed_in, world, check_accessibility, "young", "/plans/{young_plan}/sharing", lang, "sharing")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_form_errors(world, signed_in, check_accessibility, lang):
    page = signed_in["caseworker"]
    page.goto(f"/plans/{world['plan']}/invite?lang={lang}")
    submit(page)
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").count() == 1
    check_accessibility(page, f"invite errors [{lang}]")
