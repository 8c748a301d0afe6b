"""Reading guides and provision pages; importing and exporting content."""

import filecmp
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.guides import content
from portal.guides.models import ContentRevision, GuideFeedback
from tests.pages import Page

CONTENT = Path(__file__).resolve().parent.parent.parent / "content"


def write(root: Path, relative: str, front: dict, body: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content.dump(front, body), encoding="utf-8")


@pytest.fixture
def small_content(tmp_path):
    """Two guides (one translated into Polish) and one provision page."""
    root = tmp_path / "content"
    common = {"reviewed": date(2026, 10, 1), "co_produced_with": "Testshire Parent Carer Forum"}
    write(
        root,
        "guides/annual-reviews/en.md",
        {"title": "Annual reviews", "summary": "How reviews work.", "audience": ["parents"],
         "topics": ["reviews"], **common},
        "## Before the meeting\n\nGather reports.\n\n## After the meeting\n\nThe decision comes in 4 weeks.",
    )  # fmt: skip
    write(
        root,
        "guides/annual-reviews/pl.md",
        {"title": "Przeglądy roczne", "summary": "Jak działają przeglądy.", **common},
        "## Przed spotkaniem\n\nZbierz raporty.",
    )
    write(
        root,
        "guides/your-views/en.md",
        {"title": "Your views matter", "summary": "Easy Read.", "audience": ["young-people"],
         "topics": ["views"], **common},
        "## You can skip questions\n\nThat is fine.",
    )  # fmt: skip
    write(
        root,
        "provision/sensory-physical/primary/en.md",
        {"title": "Sensory and physical needs in primary school", "summary": "Seating and breaks.",
         "area": "sensory-physical", "phase": "primary", **common},
        "## What every setting should do\n\nPlan seating near the front for a child with a hearing aid.",
    )  # fmt: skip
    return root


@pytest.fixture
def loaded(app, small_content):
    with app.app_context():
        content.import_content(small_content)
    return small_content


def test_guides_listed_by_topic(client, loaded):
    page = client.get("/guides/")
    assert page.h1 == "Guides for families"
    headings = [h.get_text(strip=True) for h in page.soup.select("main h2")]
    assert headings == ["Reviews", "Children's and young people's views"]
    assert page.links()["Annual reviews"] == "/guides/annual-reviews"


def test_guides_filtered_by_audience(client, loaded):
    page = client.get("/guides/?audience=young-people")
    assert "Your views matter" in page.text() and "Annual reviews" not in page.text()


def test_search_covers_guides_and_provision(client, loaded):
    page = client.get("/guides/?q=hearing+seating")
    assert page.links().get("Sensory and physical needs in primary school") == (
        "/provision/sensory-physical?phase=primary"
    )
    assert "1 page found" in page.text()
    assert "1 page found" in client.get("/guides/?q=meeting").text()  # annual reviews only
    assert "Nothing matches" in client.get("/guides/?q=zzzzzz").text()


def test_guide_page_has_contents_dates_and_authors(client, loaded):
    page = client.get("/guides/annual-reviews")
    assert page.h1 == "Annual reviews"
    contents = [(a.get_text(strip=True), a["href"]) for a in page.soup.select("nav[aria-labelledby] a")]
    assert contents == [
        ("Before the meeting", "#before-the-meeting"),
        ("After the meeting", "#after-the-meeting"),
    ]
    assert page.soup.select_one("#before-the-meeting").name == "h2"
    text = page.text()
    assert "Written with: Testshire Parent Carer Forum" in text
    assert "Last reviewed: 1 October 2026" in text
    assert page.links()["Printable version"] == "/guides/annual-reviews?print=1"


def test_print_view(client, loaded):
    page = client.get("/guides/annual-reviews?print=1")
    assert "Tell us what you think" not in page.text()
    assert "Gather reports." in page.text()


def test_translated_guide(client, loaded):
    page = client.get("/guides/annual-reviews?lang=pl")
    assert page.h1 == "Przeglądy roczne"
    assert page.soup.h1.find_parent(attrs={"lang": "en"}) is None
    assert page.soup.select_one("a[hreflang=en]")["href"] == "/guides/annual-reviews?lang=en"


def test_missing_translation_shows_english_marked_and_says_so(client, loaded):
    page = client.get("/guides/your-views?lang=ro")
    assert page.soup.html["lang"] == "ro"
    assert page.soup.h1.find_parent(attrs={"lang": "en"}) is not None
    assert page.soup.select_one(".govuk-inset-text").get_text(strip=True)
    page = client.get("/guides/annual-reviews?lang=ro")
    languages = {a["hreflang"] for a in page.soup.select("a[hreflang]") if a.find_parent("main")}
    assert languages == {"pl"}


def test_translation_goes_out_of_date_when_english_changes(app, client, loaded):
    text = (
        (loaded / "guides/annual-reviews/en.md")
        .read_text()
        .replace("Gather reports.", "Gather every report.")
    )
    (loaded / "guides/annual-reviews/en.md").write_text(text)
    with app.app_context():
        content.import_content(loaded)
    polish = client.get("/guides/annual-reviews?lang=pl")
    assert polish.h1 == "Przeglądy roczne"
    assert polish.soup.select_one("main .govuk-inset-text") is not None  # the translation may be out of date
    assert client.get("/guides/annual-reviews?lang=en").soup.select_one("main .govuk-inset-text") is None


def test_unknown_guide_is_404(client, loaded):
    client.get("/guides/no-such-guide", expect=404)


def test_feedback_without_an_account(app, client, loaded):
    token = client.get("/guides/annual-reviews").csrf_token()
    response = client.raw.post("/guides/annual-reviews/feedback", data={"csrf_token": token})
    assert response.status_code == 200
    assert Page(response).check().error_summary() == ["Select yes if this guide was helpful"]
    response = client.raw.post(
        "/guides/annual-reviews/feedback",
        data={"csrf_token": token, "helpful": "no", "comment": "More examples"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#feedback")
    assert "Thank you for your feedback." in client.get("/guides/annual-reviews").text()
    with app.app_context():
        feedback = db.session.scalar(select(GuideFeedback))
        assert (feedback.helpful, feedback.comment, feedback.language) == (False, "More examples", "en")


def test_provision_browse(client, loaded):
    page = client.get("/provision/")
    assert page.links()["Primary (4 to 11) : Sensory and physical needs"] == (
        "/provision/sensory-physical?phase=primary"
    )
    area = client.get("/provision/sensory-physical")
    assert area.h1 == "Sensory and physical needs"
    one = client.get("/provision/sensory-physical?phase=primary")
    assert one.h1 == "Sensory and physical needs in primary school"
    assert "Plan seating near the front" in one.text()
    client.get("/provision/flying", expect=404)
    client.get("/provision/cognition-learning", expect=404)


def test_import_is_idempotent_and_keeps_revisions(app, loaded):
    with app.app_context():
        assert content.import_content(loaded) == {"pages": 0, "revisions": 0}
        path = loaded / "guides/annual-reviews/en.md"
        path.write_text(path.read_text().replace("Gather reports.", "Gather the reports."))
        assert content.import_content(loaded) == {"pages": 0, "revisions": 1}
        statuses = db.session.scalars(
            select(ContentRevision.status)
            .where(ContentRevision.language == "en")
            .order_by(ContentRevision.id)
        ).all()
        assert statuses.count("published") == 3 and statuses.count("superseded") == 1


def test_export_round_trip_is_byte_identical(app, loaded, tmp_path):
    out = tmp_path / "exported"
    with app.app_context():
        assert content.export_content(out) == 4
    compare = filecmp.dircmp(loaded, out)
    files = sorted(p.relative_to(loaded) for p in loaded.rglob("*.md"))
    assert files == sorted(p.relative_to(out) for p in out.rglob("*.md"))
    for relative in files:
        assert (loaded / relative).read_bytes() == (out / relative).read_bytes(), relative
    assert compare.left_only == []


def test_shipped_content_round_trips(app, runner, tmp_path):
    """The files in content/ are in the canonical form export writes."""
    copy = tmp_path / "content"
    shutil.copytree(CONTENT / "guides", copy / "guides")
    if (CONTENT / "provision").exists():
        shutil.copytree(CONTENT / "provision", copy / "provision")
    result = runner.invoke(args=["content", "import", "--path", str(copy)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    runner.invoke(args=["content", "export", "--path", str(out)])
    for path in copy.rglob("*.md"):
        assert path.read_bytes() == (out / path.relative_to(copy)).read_bytes(), path
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ContentRevision)) >= 12


def test_shipped_guides_cover_the_essentials(app, runner):
    runner.invoke(args=["content", "import"])
    with app.app_context():
        guides = content.pages("guide")
        assert len(guides) >= 12
        assert {"mediation-and-appeals", "the-20-week-timeline", "reading-your-ehc-plan"} <= {
            g.slug for g in guides
        }
