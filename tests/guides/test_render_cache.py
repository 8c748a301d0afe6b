"""Published guide and provision pages are rendered once per revision; drafts never enter the cache."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.guides import content
from portal.guides.models import ContentPage, ContentRevision
from tests.guides.conftest import COMMON, write_page

GUIDE = "guides/annual-reviews/en.md"
GUIDE_FRONT = {"title": "Annual reviews", "summary": "How reviews work.", "audience": ["parents"],
               "topics": ["reviews"], **COMMON}  # fmt: skip
PROVISION = "provision/sensory-physical/primary/en.md"
PROVISION_FRONT = {"title": "Sensory and physical needs in primary school", "summary": "Seating.",
                   "area": "sensory-physical", "phase": "primary", **COMMON}  # fmt: skip
PROVISION_URL = "/provision/sensory-physical?phase=primary"


@pytest.fixture(autouse=True)
def empty_cache():
    content.clear_rendered()
    yield
    content.clear_rendered()


@pytest.fixture
def renders(monkeypatch):
    """Count the markdown renders the pages ask for."""
    calls = []
    real = content.render_with_contents

    def counting(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(content, "render_with_contents", counting)
    return calls


def load(app, root):
    with app.app_context():
        content.import_content(root)


def revision_of(app, slug: str, status: str = "published") -> ContentRevision:
    with app.app_context():
        return db.session.scalar(
            select(ContentRevision)
            .join(ContentPage)
            .where(
                ContentPage.slug == slug, ContentRevision.status == status, ContentRevision.language == "en"
            )
        )


def test_a_page_is_rendered_once_then_served_from_the_cache(app, client, imported, renders):
    for _ in range(3):
        assert "Gather reports." in client.get("/guides/annual-reviews").text()
    for _ in range(3):
        assert "Plan seating near the front." in client.get(PROVISION_URL).text()
    assert len(renders) == 2


def test_the_contents_list_survives_the_cache(app, client, imported):
    def outline(page):
        links = [a["href"] for a in page.soup.select("main a[href^='#']") if a["href"] != "#feedback"]
        return links, [h["id"] for h in page.soup.select("main h2[id]")]

    first = outline(client.get("/guides/annual-reviews"))
    assert first == outline(client.get("/guides/annual-reviews"))
    assert "#before-the-meeting" in first[0] and "before-the-meeting" in first[1]


@pytest.mark.parametrize(
    "relative, front, url, old, new",
    [
        (GUIDE, GUIDE_FRONT, "/guides/annual-reviews", "Gather reports.", "Bring the latest school report."),
        (PROVISION, PROVISION_FRONT, PROVISION_URL, "Plan seating near the front.", "Offer a quiet space."),
    ],
)
def test_a_newly_published_revision_shows_at_once(app, client, imported, relative, front, url, old, new):
    assert old in client.get(url).text()
    write_page(imported, relative, front, f"## Before the meeting\n\n{new}")
    load(app, imported)
    text = client.get(url).text()
    assert new in text and old not in text


def test_drafts_never_enter_the_cache(app, client, imported, renders):
    client.get("/guides/annual-reviews")
    with app.app_context():
        page = db.session.scalar(select(ContentPage).where(ContentPage.slug == "annual-reviews"))
        draft = ContentRevision(page=page, language="en", title="Annual reviews", body="## Draft\n\nNot yet.")
        db.session.add(draft)
        db.session.flush()
        for status in ("draft", "in_review"):
            draft.status = status
            html, headings = content.rendered(draft)
            assert "Not yet." in html and headings == [("draft", "Draft")]
        db.session.commit()
        cached_ids = {key[0] for key in content._rendered}
        assert draft.id not in cached_ids and len(cached_ids) == 1
        # The public page still shows the published text, from the cache.
    assert "Not yet." not in client.get("/guides/annual-reviews").text()
    # Once published it is rendered afresh, and then kept.
    with app.app_context():
        draft = db.session.get(ContentRevision, draft.id)
        content.publish(draft)
        db.session.commit()
    before = len(renders)
    for _ in range(2):
        assert "Not yet." in client.get("/guides/annual-reviews").text()
    assert len(renders) == before + 1


def test_the_same_id_with_other_text_is_never_served_stale(app, imported):
    """A database rebuilt or restored can reuse a revision's id and time for a different text."""
    published = revision_of(app, "annual-reviews")
    copy = ContentRevision(id=published.id, published_at=published.published_at, status="published")
    copy.body = "## One\n\nFirst text."
    assert "First text." in content.rendered(copy)[0]
    copy.body = "## One\n\nSecond text."
    html, _headings = content.rendered(copy)
    assert "Second text." in html and "First text." not in html


def test_the_cache_is_bounded(app, monkeypatch):
    monkeypatch.setattr(content, "RENDERED_ENTRIES", 3)
    for number in range(10):
        revision = ContentRevision(id=number, published_at=None, status="published", body=f"Text {number}")
        content.rendered(revision)
    assert len(content._rendered) == 3


def test_a_cached_page_still_runs_few_queries(app, client, imported, count_queries):
    client.get("/guides/annual-reviews")
    with count_queries() as counter:
        client.get("/guides/annual-reviews")
    assert counter.count <= 10
