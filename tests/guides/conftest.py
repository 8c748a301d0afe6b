"""Shared pieces for the editing tests: two forum editors, a little content, and form helpers."""

from datetime import date

import pytest

from portal.guides import content
from tests.pages import Client

COMMON = {"reviewed": date(2026, 10, 1), "co_produced_with": "Testshire Parent Carer Forum"}


def write_page(root, relative: str, front: dict, body: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content.dump(front, body), encoding="utf-8")


@pytest.fixture
def editing_content(tmp_path):
    """One guide in English and Polish, one provision page."""
    root = tmp_path / "editing-content"
    write_page(
        root,
        "guides/annual-reviews/en.md",
        {"title": "Annual reviews", "summary": "How reviews work.", "audience": ["parents"],
         "topics": ["reviews"], **COMMON},
        "## Before the meeting\n\nGather reports.\n\n## After the meeting\n\nThe decision comes in 4 weeks.",
    )  # fmt: skip
    write_page(
        root,
        "guides/annual-reviews/pl.md",
        {"title": "Przeglądy roczne", "summary": "Jak działają przeglądy.", **COMMON},
        "## Przed spotkaniem\n\nZbierz raporty.",
    )
    write_page(
        root,
        "provision/sensory-physical/primary/en.md",
        {"title": "Sensory and physical needs in primary school", "summary": "Seating and breaks.",
         "area": "sensory-physical", "phase": "primary", **COMMON},
        "## What every setting should do\n\nPlan seating near the front.",
    )  # fmt: skip
    return root


@pytest.fixture
def imported(app, editing_content):
    with app.app_context():
        content.import_content(editing_content)
    return editing_content


@pytest.fixture
def editor(make_user):
    return make_user("editor@example.org", roles=("forum_editor",))


@pytest.fixture
def editor2(make_user):
    return make_user("editor2@example.org", roles=("forum_editor",))


@pytest.fixture
def second(app):
    """A second browser, for the second editor."""
    return Client(app.test_client())


def form_values(page) -> dict:
    """What the main form would send as it stands (lists for checkboxes)."""
    values: dict = {}
    form = page.soup.select_one("main form[method=post]:has(textarea[name=body])") or page.soup.select_one(
        "main form[method=post]"
    )
    for field in form.select("input, textarea"):
        name, kind = field.get("name"), field.get("type")
        if not name or name == "csrf_token" or kind == "submit":
            continue
        if field.name == "textarea":
            values[name] = field.get_text().removeprefix("\n")
        elif kind == "checkbox":
            if field.has_attr("checked"):
                values.setdefault(name, []).append(field["value"])
        elif kind == "radio":
            if field.has_attr("checked"):
                values[name] = field["value"]
        else:
            values[name] = field.get("value", "")
    return values


def send(client, path, action="save", **changes):
    """Open a page form, change some fields, press one of its buttons (preview, save or submit)."""
    page = client.get(path)
    data = {**form_values(page), **changes, "action": action}
    return client.submit(path, data)
