def test_start_page(client):
    page = client.get("/")
    assert page.h1 == "Help for families of children with SEND"
    assert page.links()["Create an account"] == "/account/register"


def test_healthz_round_trips_to_the_database(client, count_queries):
    with count_queries() as counter:
        response = client.raw.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "up"}
    assert counter.count >= 1


def test_footer_links_to_accessibility_and_privacy(client):
    links = client.get("/").links()
    assert links["Accessibility statement"] == "/accessibility"
    assert links["Privacy notice"] == "/privacy"


def test_accessibility_statement_is_real_text(client):
    page = client.get("/accessibility")
    assert page.h1 == "Accessibility statement"
    assert "WCAG 2.2" in page.text()
    assert page.soup.select_one("main [lang]")["lang"] == "en"


def test_privacy_notice_in_polish_says_its_language(client):
    page = client.get("/privacy?lang=pl")
    assert page.soup.html["lang"] == "pl"
    assert page.soup.select_one("main [lang]")["lang"] == "pl"
    assert "Information Commissioner" in page.text() or "ICO" in page.text()


def test_content_page_falls_back_to_english_and_says_so(client, monkeypatch, tmp_path):
    from portal.main import content

    (tmp_path / "privacy").mkdir()
    (tmp_path / "privacy" / "en.md").write_text("---\ntitle: Privacy notice\n---\nEnglish only.\n")
    monkeypatch.setattr(content, "CONTENT", tmp_path)
    page = client.get("/privacy?lang=ro")
    assert page.soup.html["lang"] == "ro"
    assert page.soup.select_one("main div[lang]")["lang"] == "en"
    assert page.h1 == "Privacy notice"
    assert "English only." in page.text()
