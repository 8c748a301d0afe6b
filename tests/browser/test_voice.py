"""My views in a real browser: a young person gives their views with the keyboard alone (JavaScript off), in
English and in Urdu (right to left); axe finds nothing on any views page in any language.

The journey presses only Tab, Shift+Tab, Space, Enter and the arrow keys inside a radio group; it finds
things by id, name and role, never by English words, so it runs the same before and after translation.
"""

import base64
import itertools
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails, when a browser run is required)
    expect = None

from portal.extensions import db
from portal.plans.models import Child, Plan, PlanAccess, PlanVersion
from portal.timeutil import utcnow
from portal.voice.models import ViewAnswer, ViewRequest, ViewSet
from tests.browser.conftest import LANGUAGES, PASSWORD

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
_numbers = itertools.count(1)
MAX_TABS = 120


@pytest.fixture(scope="module")
def storage_ready(live_server, tmp_path_factory):
    """Uploads need a storage key; the shared live server may not have one yet."""
    config = live_server.app.config
    if not config.get("PORTAL_STORAGE_KEY"):
        config["PORTAL_STORAGE_KEY"] = base64.b64encode(b"b" * 32).decode()
    config["PORTAL_STORAGE_PATH"] = config.get("PORTAL_STORAGE_PATH") or str(tmp_path_factory.mktemp("up"))
    return True


def make_family(live_server, name="Amira"):
    """A young person with their own account, their parent, and their plan with a draft version."""
    number = next(_numbers)
    young = live_server.make_user(f"voice.young.{number}@example.org", ("young_person",))
    parent = live_server.make_user(f"voice.parent.{number}@example.org", ("parent",))
    with live_server.app.app_context():
        child = Child(
            full_name=f"{name} Test",
            preferred_name=name,
            date_of_birth=date(2011, 3, 4),
            young_person_id=young.id,
        )
        plan = Plan(child=child, next_review_due=date.today() + timedelta(days=50))
        db.session.add(plan)
        db.session.flush()
        db.session.add(PlanVersion(plan_id=plan.id, number=1, status="draft"))
        db.session.add(PlanAccess(plan_id=plan.id, user_id=parent.id, role="parent"))
        db.session.commit()
        return young, parent, plan.id


# Keyboard only.


def keyboard_sign_in(page, person, language):
    page.goto(f"/account/login?lang={language}")
    tab_to(page, "input[name=email]")
    page.keyboard.type(person.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("nav form[action='/account/logout']")).to_have_count(1)


def tab_to(page, selector: str, *, backwards: bool = False):
    """Press Tab until the element matching `selector` has the focus (fails after MAX_TABS presses)."""
    for _ in range(MAX_TABS):
        if page.locator(f"{selector}:focus").count():
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"never reached {selector} with the Tab key")


def press_on(page, selector: str, key: str = "Enter"):
    """Tab to a link or button and press it; wait for the page it leads to."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press(key)


def choose_file_with_keyboard(page, path):
    """Open the file chooser from the focused file input with Space (Enter if the first press is missed:
    on a busy machine Chromium sometimes drops the first activation) and pick the file."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for key in ("Space", "Enter"):
        try:
            with page.expect_file_chooser(timeout=7_000) as chooser:
                page.keyboard.press(key)
        except PlaywrightTimeout:
            continue
        chooser.value.set_files(str(path))
        return
    raise AssertionError("the file chooser never opened from the keyboard")


def question_path(page) -> str:
    return urlsplit(page.url).path


@pytest.mark.parametrize("language", ["en", "ur"])
def test_young_person_gives_views_with_the_keyboard_alone(
    no_js_page, live_server, storage_ready, language, tmp_path
):
    page = no_js_page
    young, _parent, plan_id = make_family(live_server)
    html = page.locator("html")
    keyboard_sign_in(page, young, language)

    page.goto(f"/my-views/?lang={language}")
    expect(html).to_have_attribute("dir", "rtl" if language == "ur" else "ltr")
    press_on(page, f"main a[href='/my-views/plans/{plan_id}']")
    press_on(page, f"main form[action='/my-views/plans/{plan_id}/start'] button")

    # Question 1: two picture cards, and some words.
    assert question_path(page).endswith("/questions/like")
    set_path = question_path(page).rsplit("/questions/", 1)[0]
    tab_to(page, "#cards")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.locator("#cards")).to_be_checked()
    expect(page.locator("#cards-funny")).to_be_checked()
    tab_to(page, "textarea[name=text]")
    page.keyboard.type("I help my little brother")
    press_on(page, "button[name=save]")

    # Question 2: skipped.
    assert question_path(page).endswith("/questions/important_now")
    press_on(page, "button[name=skip]")
    # Questions 3 to 5: carry on without answering.
    for key in ("important_future", "support", "hard"):
        assert question_path(page).endswith(f"/questions/{key}")
        press_on(page, "button[name=save]")

    # Question 6: a face on the scale (arrow keys move within the radio group), and a drawing.
    assert question_path(page).endswith("/questions/hopes_school")
    tab_to(page, "input[name=scale]:checked")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#scale-4")).to_be_checked()
    drawing = tmp_path / "my drawing.png"
    drawing.write_bytes(PNG)
    tab_to(page, "input[type=file]")
    choose_file_with_keyboard(page, drawing)
    press_on(page, "button[name=save]")

    # Question 7: save and come back later.
    assert question_path(page).endswith("/questions/hopes_work")
    press_on(page, "button[name=later]")
    assert urlsplit(page.url).path == "/my-views/"
    expect(page.locator(".govuk-notification-banner--success")).to_have_count(1)

    # Back again: the draft, then change an answer from the check page.
    press_on(page, f"main a[href='{set_path}']")
    expect(page.locator("main form[action$='/send'] button")).to_have_count(1)
    expect(page.locator("#answer-important_now")).to_be_visible()
    press_on(page, "#answer-like a[href*='/questions/like']")
    assert question_path(page).endswith("/questions/like")
    tab_to(page, "textarea[name=text]")
    page.keyboard.press("End")
    page.keyboard.type(" and I like football")
    press_on(page, "button[name=save]")
    assert urlsplit(page.url).path == set_path
    expect(page.locator("#answer-like .voice-words")).to_have_text(
        "I help my little brother and I like football"
    )
    expect(page.locator("#answer-like .voice-chosen__item")).to_have_count(2)
    expect(page.locator("#answer-hopes_school img[src$='face-4.svg']")).to_have_count(1)
    expect(
        page.locator(f"#answer-hopes_school a[href='{set_path}/questions/hopes_school/file']")
    ).to_have_count(1)

    # Send: read-only from now on, with when it was sent and who can read it.
    press_on(page, "main form[action$='/send'] button")
    expect(page.locator("#sent-record")).to_be_visible()
    expect(page.locator("#readers li")).to_have_count(3)  # the young person, the parent, caseworkers
    expect(page.locator("main form")).to_have_count(0)
    expect(page.locator(f"a[href*='{set_path}/questions/like?']")).to_have_count(0)
    with live_server.app.app_context():
        view_set = db.session.get(ViewSet, int(set_path.rsplit("/", 1)[1]))
        assert view_set.sent_at is not None and view_set.sent_by_id == young.id
        assert view_set.answer("like").cards == "kind funny"
        assert view_set.answer("important_now").skipped
        assert view_set.answer("hopes_school").scale == 4 and view_set.answer("hopes_school").file_id


# axe on every views page, in every language.


@pytest.fixture(scope="module")
def views_data(live_server, storage_ready):
    """A draft and a sent set for one family, an open request, and a caseworker."""
    young, parent, plan_id = make_family(live_server, "Bea")
    caseworker = live_server.make_user("voice.caseworker@example.org", ("caseworker",))
    with live_server.app.app_context():
        request = ViewRequest(
            plan_id=plan_id,
            asks="both",
            review_date=date.today() + timedelta(days=30),
            requested_by_id=caseworker.id,
        )
        sent = ViewSet(
            plan_id=plan_id,
            kind="young_person",
            author_id=young.id,
            helper_id=parent.id,
            sent_at=utcnow(),
            sent_by_id=young.id,
        )
        sent.answers = [
            ViewAnswer(question="like", text="Kind\nand funny", cards="kind funny"),
            ViewAnswer(question="hopes_school", scale=4, text="", cards=""),
            ViewAnswer(question="hard", skipped=True, text="", cards=""),
        ]
        draft = ViewSet(plan_id=plan_id, kind="young_person", author_id=young.id)
        draft.answers = [ViewAnswer(question="like", text="Draft words", cards="kind")]
        parent_draft = ViewSet(plan_id=plan_id, kind="parent", author_id=parent.id)
        db.session.add_all([request, sent, draft, parent_draft])
        db.session.commit()
        return {
            "young": young,
            "parent": parent,
            "caseworker": caseworker,
            "plan_id": plan_id,
            "sent": sent.id,
            "draft": draft.id,
            "parent_draft": parent_draft.id,
        }


PAGES = {
    "index": ("young", "/my-views/", False),
    "plan": ("young", "/my-views/plans/{plan_id}", False),
    "question-cards": ("young", "/my-views/{draft}/questions/like", False),
    "question-faces": ("young", "/my-views/{draft}/questions/hopes_school", False),
    "question-error": ("young", "/my-views/{draft}/questions/hopes_work", True),
    "check-answers": ("young", "/my-views/{draft}", False),
    "sent": ("young", "/my-views/{sent}", False),
    "parent-index": ("parent", "/my-views/", False),
    "parent-start": ("parent", "/my-views/plans/{plan_id}", False),
    "parent-question": ("parent", "/my-views/{parent_draft}/questions/hopes_health", False),
    "staff-index": ("caseworker", "/my-views/", False),
    "staff-plan": ("caseworker", "/my-views/plans/{plan_id}", False),
    "staff-sent": ("caseworker", "/my-views/{sent}", False),
    "staff-request": ("caseworker", "/my-views/plans/{plan_id}/request", False),
    "staff-request-errors": ("caseworker", "/my-views/plans/{plan_id}/request", True),
}


@pytest.fixture(scope="module")
def signed_in_pages(contexts, live_server, views_data, browser_sign_in):
    """One JavaScript-enabled page per role (axe needs JavaScript); signed in once."""
    pages = {}
    for role in ("young", "parent", "caseworker"):
        context = contexts.new(javascript=True)
        page = context.new_page()
        person = views_data[role]
        if role == "caseworker":
            person = live_server.make_user(
                f"voice.a11y.caseworker.{next(_numbers)}@example.org", ("caseworker",)
            )
        browser_sign_in(page, person)
        pages[role] = page
    yield pages
    for page in pages.values():
        contexts.close(page.context)


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_views_page_is_accessible(name, language, signed_in_pages, views_data, check_accessibility):
    role, path, with_errors = PAGES[name]
    page = signed_in_pages[role]
    url = path.format(**views_data) + f"?lang={language}"
    response = page.goto(url)
    assert response.status == 200, f"{name}: {url} gave {response.status}"
    if with_errors:
        if "request" in path:
            page.locator("main form[method=post] [type=submit]").first.click()
        else:  # a file that is not a picture, sound or video
            page.locator("input[type=file]").set_input_files(
                files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"<html></html>"}]
            )
            page.locator("button[name=save]").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "ur" else "ltr")
    expect(page.locator("h1")).to_have_count(1)
    check_accessibility(page, f"{name} ({url})")
