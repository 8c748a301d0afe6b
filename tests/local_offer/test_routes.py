"""Local Offer pages: search, filters, paging, service pages, tailored lists, the shortlist."""

import csv
import io

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.local_offer.importer import generate
from portal.local_offer.models import ShortlistItem


def result_ids(page):
    return [a["href"].rsplit("/", 1)[1] for a in page.soup.select(".portal-result h3 a")]


def count_text(page):
    return page.soup.select_one("#results-count").get_text(strip=True)


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("autism", "svc-autism-group"),
        ("autisim", "svc-autism-group"),
        ("speach therapy", "svc-speech"),
        ("speech", "svc-speech"),
        ("swimming", "svc-swim"),
        ("dyslexia", "svc-dyslexia"),
        ("anxiety", "svc-wellbeing"),
    ],
)
def test_known_queries_find_known_services_first(client, listings, query, first):
    page = client.get(f"/local-offer/?q={query}")
    assert result_ids(page)[0] == first


def test_misspelling_is_explained(client, listings):
    page = client.get("/local-offer/?q=autisim")
    assert "We also searched for: autism" in page.text()


def test_name_matches_rank_above_description_matches(client, listings):
    page = client.get("/local-offer/?q=mental+health")
    assert result_ids(page)[0] == "svc-wellbeing"


def test_everything_listed_by_name_without_a_search(client, listings):
    page = client.get("/local-offer/")
    assert count_text(page) == "5 services found"
    names = [a.get_text(strip=True) for a in page.soup.select(".portal-result h3 a")]
    assert names == sorted(names)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("need=cognition-learning", {"svc-dyslexia"}),
        ("need=sensory-physical&need=cognition-learning", {"svc-swim", "svc-dyslexia"}),
        ("type=health", {"svc-speech", "svc-wellbeing"}),
        ("cost=paid", {"svc-swim"}),
        ("cost=funded", {"svc-speech"}),
        ("delivery=at-home", {"svc-speech"}),
        ("delivery=online", {"svc-dyslexia", "svc-wellbeing"}),
        ("area=south", {"svc-swim", "svc-speech", "svc-dyslexia", "svc-wellbeing"}),
        ("age=0-4", {"svc-autism-group", "svc-speech"}),
        ("age=19-25", {"svc-autism-group", "svc-dyslexia", "svc-wellbeing"}),
        ("type=health&age=0-4", {"svc-speech"}),
        ("q=therapy&cost=free", set()),
        ("need=not-a-need", {"svc-autism-group", "svc-speech", "svc-swim", "svc-dyslexia", "svc-wellbeing"}),
    ],
)
def test_each_filter(client, listings, args, expected):
    assert set(result_ids(client.get(f"/local-offer/?{args}"))) == expected


def test_filters_in_use_are_shown_and_removable(client, listings):
    page = client.get("/local-offer/?q=help&type=health&cost=funded")
    chosen = {a.get_text(" ", strip=True): a["href"] for a in page.soup.select(".portal-chosen a")}
    assert set(chosen) == {
        "Remove filter : Health",
        "Remove filter : Funded (council, NHS or personal budget)",
    }
    health = chosen["Remove filter : Health"]
    assert "type=health" not in health and "cost=funded" in health and "q=help" in health
    assert page.soup.select_one("input[name=type][value=health]").has_attr("checked")
    assert page.soup.select_one("#q")["value"] == "help"


def test_no_results_page_helps(client, listings):
    page = client.get("/local-offer/?q=zzzzzz")
    assert count_text(page) == "0 services found"
    assert "No services match your search." in page.text()
    assert "remove some filters" in page.text()


def test_paging(app, client, listings):
    with app.app_context():
        generate(45)
    page = client.get("/local-offer/")
    assert count_text(page) == "50 services found"
    assert len(result_ids(page)) == 20
    third = client.get("/local-offer/?page=3")
    assert len(result_ids(third)) == 10
    assert set(result_ids(page)).isdisjoint(result_ids(third))
    assert (
        client.get("/local-offer/?page=99")
        .soup.select_one(".govuk-pagination__item--current")
        .get_text(strip=True)
        == "3"
    )
    assert client.get("/local-offer/?page=abc").status == 200
    nav = page.soup.select_one("nav.govuk-pagination")
    assert nav is not None and "page=2" in nav.select_one(".govuk-pagination__next a")["href"]


def test_htmx_gets_only_the_results(client, listings):
    response = client.raw.get("/local-offer/?q=speech", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="results-count"' in html and "Speech and language therapy" in html
    restore = client.raw.get(
        "/local-offer/?q=speech", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.get_data(as_text=True)


def test_search_form_works_without_javascript(client, listings):
    page = client.get("/local-offer/")
    form = page.soup.select_one("form#local-offer-search")
    assert form["method"] == "get" and form["action"] == "/local-offer/"
    assert form.select_one("button[type=submit]")
    assert page.soup.select_one("#results-status")["role"] == "status"


def test_service_page_has_what_a_parent_needs(client, listings):
    page = client.get("/local-offer/services/svc-autism-group")
    assert page.h1 == "Autism parent support group"
    text = page.text()
    for fact in ("Ages 0 to 25", "Free", "Northtown Library", "step-free access", "Wednesday: 10:00 to 12:00",
                 "Sam Lee, Group leader", "01632 960001", "Last reviewed: 1 September 2026"):  # fmt: skip
        assert fact in text, fact
    assert "last checked more than a year ago" not in text


def test_stale_warning_after_12_months(client, listings):
    assert "last checked more than a year ago" in client.get("/local-offer/services/svc-swim").text()


def test_unknown_service_is_404(client, listings):
    client.get("/local-offer/services/svc-nope", expect=404)


def test_translated_listing_in_polish(client, listings):
    page = client.get("/local-offer/services/svc-autism-group?lang=pl")
    assert page.h1 == "Grupa wsparcia dla rodziców dzieci z autyzmem"
    assert "nie jest jeszcze dostępna" not in page.text()


def test_untranslated_listing_says_so_and_is_marked_english(client, listings):
    page = client.get("/local-offer/services/svc-speech?lang=pl")
    heading = page.soup.h1.select_one("[lang]")
    assert heading["lang"] == "en" and heading.get_text() == "Speech and language therapy"
    assert page.soup.select_one(".govuk-inset-text").get_text(strip=True)


def test_tailored_list_is_mainstream_first_with_reasons(client, listings):
    page = client.get("/local-offer/settings/?age=7&need=communication-interaction&area=north")
    names = [a.get_text(strip=True) for a in page.soup.select(".portal-result h3 a")]
    assert names == ["Oak Primary School", "Elm Primary autism base"]
    reasons = page.soup.select(".portal-result")[0].get_text(" ", strip=True)
    assert "Takes children and young people aged 4 to 11" in reasons
    assert "Caters for communication and interaction" in reasons
    assert "A mainstream setting" in reasons


def test_tailored_list_matches_phase_and_needs(client, listings):
    page = client.get("/local-offer/settings/?age=13&need=sensory-physical")
    assert [a.get_text(strip=True) for a in page.soup.select(".portal-result h3 a")] == ["Ash Special School"]


def test_tailored_list_age_must_be_a_number(client, listings):
    page = client.get("/local-offer/settings/?age=seven")
    assert page.error_summary() == ["Enter an age between 0 and 25, in years"]


def add(client, service_id):
    token = client.get(f"/local-offer/services/{service_id}").csrf_token()
    return client.raw.post("/local-offer/shortlist/add", data={"csrf_token": token, "service_id": service_id})


def test_shortlist_save_note_print_download_remove(app, client, listings, make_user, sign_in):
    sign_in(make_user())
    assert add(client, "svc-speech").status_code == 302
    add(client, "svc-speech")
    add(client, "set-oak-primary")
    page = client.get("/local-offer/shortlist/")
    assert [h.get_text(strip=True) for h in page.soup.select(".portal-result h2")] == [
        "Speech and language therapy",
        "Oak Primary School",
    ]
    with app.app_context():
        item_id = db.session.scalars(select(ShortlistItem.id).order_by(ShortlistItem.id)).first()
    page = client.submit(f"/local-offer/shortlist/{item_id}", {"note": "=Ask about waiting times"})
    assert "Your note: =Ask about waiting times" in page.text()
    assert "=Ask about waiting times" in client.get("/local-offer/shortlist/print").text()
    response = client.raw.get("/local-offer/shortlist/download")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][0] == "Speech and language therapy"
    assert rows[1][5] == "'=Ask about waiting times"  # never a spreadsheet formula
    assert response.headers["Cache-Control"] == "no-store"
    token = client.get("/local-offer/shortlist/").csrf_token()
    client.raw.post(f"/local-offer/shortlist/{item_id}/remove", data={"csrf_token": token})
    assert len(client.get("/local-offer/shortlist/").soup.select(".portal-result")) == 1


def test_another_family_gets_404_on_my_shortlist(app, client, listings, make_user, sign_in):
    from tests.pages import Client

    sign_in(make_user())
    add(client, "svc-speech")
    with app.app_context():
        item_id = db.session.scalar(select(ShortlistItem.id))
    other = Client(app.test_client())
    sign_in(make_user("other@example.org"), client=other)
    other.get(f"/local-offer/shortlist/{item_id}", expect=404)
    token = other.get("/local-offer/shortlist/").csrf_token()
    assert (
        other.raw.post(f"/local-offer/shortlist/{item_id}/remove", data={"csrf_token": token}).status_code
        == 404
    )
    assert (
        other.raw.post(
            f"/local-offer/shortlist/{item_id}", data={"csrf_token": token, "note": "x"}
        ).status_code
        == 404
    )
    assert "Speech" not in other.get("/local-offer/shortlist/").text()
    assert "Speech" not in other.raw.get("/local-offer/shortlist/download").get_data(as_text=True)


def test_shortlist_needs_sign_in(client, listings):
    assert client.raw.get("/local-offer/shortlist/").status_code == 302


def test_saving_an_unknown_listing_is_404(client, listings, make_user, sign_in):
    sign_in(make_user())
    token = client.get("/local-offer/shortlist/").csrf_token()
    response = client.raw.post("/local-offer/shortlist/add", data={"csrf_token": token, "service_id": "nope"})
    assert response.status_code == 404


PAGES = [
    "/local-offer/?q=support&need=communication-interaction",
    "/local-offer/",
    "/local-offer/services/svc-speech",
    "/local-offer/settings/?age=7",
]


@pytest.mark.parametrize("path", PAGES)
def test_sql_statements_do_not_grow_with_services(app, client, listings, count_queries, path):
    with app.app_context():
        generate(100)
    with count_queries() as small:
        client.get(path)
    with app.app_context():
        generate(1900)
    with count_queries() as large:
        client.get(path)
    assert small.count == large.count <= 10


def test_tailored_list_error_title(client, listings):
    assert client.get("/local-offer/settings/?age=99").title.startswith("Error: Find schools and settings")


def test_shortlist_is_in_my_data_download(client, listings, make_user, sign_in):
    import json

    sign_in(make_user())
    add(client, "svc-speech")
    data = json.loads(client.raw.get("/account/my-data/download").get_data(as_text=True))
    assert [item["listing_id"] for item in data["shortlist"]] == ["svc-speech"]
