"""The built stylesheet: our brand on GOV.UK Frontend, no GOV.UK-only font or crown, and a print style."""

from pathlib import Path

BUILD = Path(__file__).resolve().parent.parent / "static" / "build"


def test_stylesheet_is_built_in_our_brand():
    css = (BUILD / "portal.css").read_text()
    assert ".govuk-button" in css
    assert "GDS Transport" not in css
    assert "#0b5f5a" in css.lower()
    assert "@media print" in css
    assert "[dir=rtl]" in css or '[dir="rtl"]' in css


def test_layout_uses_no_crown_or_crest():
    layout = (Path(__file__).resolve().parent.parent / "portal" / "templates" / "base.html").read_text()
    for gov_only in ("govuk-header__logotype", "govuk-footer__copyright-logo", "govuk-crest", "crown"):
        assert gov_only not in layout


def test_scripts_are_built():
    assert (BUILD / "govuk-frontend.min.js").stat().st_size > 1000
    assert (BUILD / "htmx.min.js").read_text().startswith(("var htmx", "(function", "!function")) or (
        "htmx" in (BUILD / "htmx.min.js").read_text()[:2000]
    )


def test_static_files_are_served_with_headers(client):
    response = client.raw.get("/static/build/portal.css")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()
