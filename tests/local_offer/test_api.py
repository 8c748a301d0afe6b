"""The Open Referral UK 3.0 API: shapes checked against our schema, paging, filters, a lossless round trip."""

import json
from datetime import datetime
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import select, update

from portal.extensions import db
from portal.local_offer.importer import import_path, load_records, snapshot
from portal.local_offer.models import Area, Organisation, Service
from portal.local_offer.oruk_format import from_oruk, to_oruk
from portal.local_offer.taxonomy import TAXONOMIES
from tests.local_offer.conftest import DATA

SCHEMA = json.loads((Path(__file__).parent / "oruk_schema.json").read_text(encoding="utf-8"))
ALL_IDS = {record["id"] for record in DATA["services"] + DATA["settings"]}
SETTING_IDS = {record["id"] for record in DATA["settings"]}


def validator(definition: str) -> Draft202012Validator:
    return Draft202012Validator(
        {**SCHEMA, "$ref": f"#/$defs/{definition}"}, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def fetch(client, path: str, definition: str, expect: int = 200) -> dict:
    """GET an API path, check the status and that the body is JSON matching the schema definition."""
    response = client.raw.get(path)
    assert response.status_code == expect, f"GET {path}: {response.status_code}, expected {expect}"
    assert response.mimetype == "application/json"
    body = response.get_json()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator(definition).iter_errors(body)]
    assert not errors, errors
    return body


def ids(page: dict) -> set[str]:
    return {item["id"] for item in page["contents"]}


def test_the_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(SCHEMA)
    assert "3.0" in SCHEMA["$comment"]


def test_root_describes_the_profile(client):
    body = fetch(client, "/api/oruk/", "api_details")
    assert body["version"] == "3.0"
    assert body["profile"] == "https://openreferraluk.org/"
    assert body["openapi_url"].startswith("https://")
    response = client.raw.get("/api/oruk/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # security headers on JSON too


def test_every_api_route_is_public_and_id_routes_check_access(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/oruk")]
    assert {rule.rule for rule in rules} == {
        "/api/oruk/",
        "/api/oruk/services",
        "/api/oruk/services/<service_id>",
        "/api/oruk/taxonomies",
        "/api/oruk/taxonomies/<taxonomy_id>",
        "/api/oruk/taxonomy_terms",
        "/api/oruk/taxonomy_terms/<term_id>",
    }
    for rule in rules:
        view = app.view_functions[rule.endpoint]
        assert rule.methods - {"HEAD", "OPTIONS"} == {"GET"}, rule.rule
        assert getattr(view, "is_public", False), rule.rule
        if rule.arguments:
            assert getattr(view, "checks_access", False), rule.rule


def test_services_lists_services_and_settings_by_default(client, listings):
    page = fetch(client, "/api/oruk/services", "service_list")
    assert ids(page) == ALL_IDS
    assert page["total_items"] == page["size"] == len(ALL_IDS)
    assert page["total_pages"] == 1
    assert page["first_page"] and page["last_page"] and not page["empty"]
    names = [item["name"] for item in page["contents"]]
    assert names == sorted(names)


def test_services_come_in_pages(client, listings):
    first = fetch(client, "/api/oruk/services?per_page=2", "service_list")
    assert (first["total_items"], first["total_pages"], first["page_number"], first["size"]) == (9, 5, 1, 2)
    assert first["first_page"] and not first["last_page"]
    seen = ids(first)
    for number in range(2, 6):
        page = fetch(client, f"/api/oruk/services?per_page=2&page={number}", "service_list")
        assert page["page_number"] == number and not page["first_page"]
        assert not seen & ids(page), "no listing on two pages"
        seen |= ids(page)
    assert page["size"] == 1 and page["last_page"]
    assert seen == ALL_IDS


def test_a_page_past_the_end_is_empty(client, listings):
    page = fetch(client, "/api/oruk/services?per_page=2&page=6", "service_list")
    assert page["contents"] == [] and page["empty"] and page["size"] == 0
    assert page["total_items"] == 9 and page["page_number"] == 6 and page["last_page"]


def test_per_page_is_capped(client, listings):
    page = fetch(client, "/api/oruk/services?per_page=1000", "service_list")
    assert page["size"] == 9 and page["total_pages"] == 1


def test_nothing_to_list(client):
    page = fetch(client, "/api/oruk/services", "service_list")
    assert page["contents"] == [] and page["empty"] and page["total_items"] == 0


@pytest.mark.parametrize("text", ["autism", "autisim", "AUTISM support"])
def test_text_filter_is_spelling_tolerant(client, listings, text):
    page = fetch(client, f"/api/oruk/services?text={text}", "service_list")
    expected = {"svc-autism-group"} if "support" in text.lower() else {"svc-autism-group", "set-elm-base"}
    assert ids(page) == expected
    assert page["total_items"] == len(expected)


def test_text_filter_with_no_match(client, listings):
    page = fetch(client, "/api/oruk/services?text=xylophone", "service_list")
    assert page["empty"] and page["total_items"] == 0


@pytest.mark.parametrize(
    ("term_id", "expected"),
    [
        ("need:cognition-learning", {"svc-dyslexia", "set-oak-primary", "set-ash-special"}),
        ("setting-type:mainstream", {"set-oak-primary", "set-birch-high"}),
        ("cost:paid", {"svc-swim"}),
        (
            "area:south",
            {"svc-speech", "svc-swim", "svc-dyslexia", "svc-wellbeing", "set-ash-special", "set-birch-high"},
        ),
        ("need:no-such-need", set()),
    ],
)
def test_taxonomy_term_filter(client, listings, term_id, expected):
    page = fetch(client, f"/api/oruk/services?taxonomy_term_id={term_id}", "service_list")
    assert ids(page) == expected
    for item in page["contents"]:
        if not term_id.startswith("area:"):
            assert term_id in {a["taxonomy_term"]["id"] for a in item["attributes"]}


def test_filters_combine(client, listings):
    page = fetch(
        client, "/api/oruk/services?text=school&taxonomy_term_id=setting-type:mainstream", "service_list"
    )
    assert ids(page) == {"set-oak-primary", "set-birch-high"}


def test_modified_after(app, client, listings):
    with app.app_context():
        db.session.execute(
            update(Service).where(Service.id == "svc-swim").values(modified_at=datetime(2030, 1, 2, 9, 30))
        )
        db.session.commit()
    for since in (
        "2030-01-01T00:00:00Z",
        "2030-01-01",
        "2030-01-02T10:00:00%2B01:00",
        "2030-01-02T10:00:00+01:00",
    ):
        page = fetch(client, f"/api/oruk/services?modified_after={since}", "service_list")
        assert ids(page) == {"svc-swim"}, since
    page = fetch(client, "/api/oruk/services?modified_after=2030-01-02T09:30:00Z", "service_list")
    assert page["empty"], "strictly after"
    page = fetch(client, "/api/oruk/services?modified_after=2000-01-01T00:00:00Z", "service_list")
    assert ids(page) == ALL_IDS
    # A listing's own last_modified, given back, does not list it again.
    swim = fetch(client, "/api/oruk/services/svc-swim", "service")
    assert swim["last_modified"] == "2030-01-02T09:30:00.000000Z"
    page = fetch(client, f"/api/oruk/services?modified_after={swim['last_modified']}", "service_list")
    assert page["empty"]


def test_one_service_in_full(client, listings):
    item = fetch(client, "/api/oruk/services/svc-autism-group", "service")
    assert (item["id"], item["name"], item["status"]) == (
        "svc-autism-group",
        "Autism parent support group",
        "active",
    )
    assert item["organization"]["id"] == item["organization_id"] == "org-charity"
    assert item["organization"]["name"] == "Testshire Autism Charity"
    assert item["organization"]["website"] == "https://example.org/charity"
    assert (item["minimum_age"], item["maximum_age"], item["assured_date"]) == (0, 25, "2026-09-01")
    assert item["last_modified"].endswith("Z")

    [at_location] = item["service_at_locations"]
    location = at_location["location"]
    assert location["name"] == "Northtown Library"
    assert (location["latitude"], location["longitude"]) == (52.4, -1.5)
    [address] = location["addresses"]
    assert (address["address_1"], address["city"], address["postal_code"], address["country"]) == (
        "1 High Street",
        "Northtown",
        "TS1 1AA",
        "GB",
    )
    assert [a["description"] for a in location["accessibility"]] == ["step-free access", "hearing loop"]

    [contact] = item["contacts"]
    assert (contact["name"], contact["title"], contact["email"]) == (
        "Sam Lee",
        "Group leader",
        "group@example.org",
    )
    assert [p["number"] for p in contact["phones"]] == ["01632 960001"]

    [schedule] = item["schedules"]
    assert (schedule["freq"], schedule["byday"], schedule["opens_at"], schedule["closes_at"]) == (
        "WEEKLY",
        "WE",
        "10:00",
        "12:00",
    )
    assert schedule["description"] == "Term time"

    assert item["languages"] == [
        {
            "id": "svc-autism-group-language-0",
            "service_id": "svc-autism-group",
            "code": "en",
            "name": "English",
        }
    ]
    assert [(a["id"], a["name"]) for a in item["service_areas"]] == [("north", "Northtown")]
    terms = {a["taxonomy_term"]["id"]: a["taxonomy_term"] for a in item["attributes"]}
    assert set(terms) == {
        "cost:free",
        "delivery:in-person",
        "need:communication-interaction",
        "need:social-emotional-mental-health",
        "type:support-group",
    }
    need = terms["need:communication-interaction"]
    assert (need["code"], need["name"], need["taxonomy_id"]) == (
        "communication-interaction",
        "Communication and interaction",
        "need",
    )
    assert item["cost_options"] == [] and item["fees_description"] == ""
    assert item["local_offer"]["translations"]["pl"]["name"].startswith("Grupa wsparcia")

    # ids are unique within the whole object
    found = []

    def collect(value):
        if isinstance(value, dict):
            if "id" in value and value is not item["organization"] and "taxonomy_term_id" not in value:
                found.append(value["id"])
            for child in value.values():
                collect(child)
        elif isinstance(value, list):
            for child in value:
                collect(child)

    collect({k: v for k, v in item.items() if k not in ("attributes",)})
    assert len(found) == len(set(found)), found


def test_fees_and_settings(client, listings):
    swim = fetch(client, "/api/oruk/services/svc-swim", "service")
    assert swim["fees_description"] == "£3 per session"
    assert [c["amount_description"] for c in swim["cost_options"]] == ["£3 per session"]
    assert "cost:paid" in {a["taxonomy_term_id"] for a in swim["attributes"]}
    oak = fetch(client, "/api/oruk/services/set-oak-primary", "service")
    term_ids = {a["taxonomy_term_id"] for a in oak["attributes"]}
    assert {"setting-type:mainstream", "phase:primary", "type:education"} <= term_ids
    assert oak["local_offer"]["kind"] == "setting" and oak["local_offer"]["places"] == 420


def test_labels_are_english_whatever_the_language(client, listings):
    item = fetch(client, "/api/oruk/services/svc-swim?lang=pl", "service")
    names = {a["taxonomy_term"]["id"]: a["taxonomy_term"]["name"] for a in item["attributes"]}
    assert names["cost:paid"] == "Paid"
    assert names["need:sensory-physical"] == "Sensory and physical needs"


@pytest.mark.parametrize(
    "path",
    [
        "/api/oruk/services/no-such-service",
        "/api/oruk/taxonomies/no-such-taxonomy",
        "/api/oruk/taxonomy_terms/need:no-such-need",
        "/api/oruk/taxonomy_terms/area:atlantis",
        "/api/oruk/taxonomy_terms/nonsense",
    ],
)
def test_unknown_ids_are_404(client, listings, path):
    assert fetch(client, path, "error", expect=404) == {"error": "not found"}


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=0",
        "page=-1",
        "per_page=0",
        "per_page=ten",
        "modified_after=yesterday",
        "modified_after=2026-13-01",
        "taxonomy_term_id=cognition-learning",
        "taxonomy_term_id=need:",
    ],
)
def test_bad_parameters_are_400(client, listings, query):
    body = fetch(client, f"/api/oruk/services?{query}", "error", expect=400)
    assert query.split("=")[0].split("_")[0] in body["error"]


@pytest.mark.parametrize("path", ["/api/oruk/taxonomies?page=x", "/api/oruk/taxonomy_terms?per_page=0"])
def test_bad_paging_on_taxonomies_is_400(client, path):
    fetch(client, path, "error", expect=400)


def test_taxonomies(client, listings):
    page = fetch(client, "/api/oruk/taxonomies", "taxonomy_list")
    assert ids(page) == {*TAXONOMIES, "area"}
    need = fetch(client, "/api/oruk/taxonomies/need", "taxonomy")
    assert (need["id"], need["name"]) == ("need", "Area of need")
    assert need["description"]


def test_taxonomy_terms(client, listings):
    everything = fetch(client, "/api/oruk/taxonomy_terms?per_page=100", "taxonomy_term_list")
    assert everything["total_items"] == sum(len(terms) for terms in TAXONOMIES.values()) + 2
    areas = fetch(client, "/api/oruk/taxonomy_terms?taxonomy_id=area", "taxonomy_term_list")
    assert [(t["id"], t["name"]) for t in areas["contents"]] == [
        ("area:north", "Northtown"),
        ("area:south", "Southtown"),
    ]
    needs = fetch(client, "/api/oruk/taxonomy_terms?taxonomy_id=need&per_page=3&page=2", "taxonomy_term_list")
    assert (needs["total_items"], needs["size"], needs["last_page"]) == (4, 1, True)
    term = fetch(client, "/api/oruk/taxonomy_terms/need:cognition-learning", "taxonomy_term")
    assert (term["code"], term["name"], term["taxonomy_id"]) == (
        "cognition-learning",
        "Cognition and learning",
        "need",
    )
    none = fetch(client, "/api/oruk/taxonomy_terms?taxonomy_id=colour", "taxonomy_term_list")
    assert none["empty"]


def test_every_term_a_service_uses_is_published(client, listings):
    page = fetch(client, "/api/oruk/services", "service_list")
    used = {a["taxonomy_term_id"] for item in page["contents"] for a in item["attributes"]}
    used |= {f"area:{area['id']}" for item in page["contents"] for area in item["service_areas"]}
    terms = fetch(client, "/api/oruk/taxonomy_terms?per_page=100", "taxonomy_term_list")
    assert used <= ids(terms)
    for term_id in used:
        fetch(client, f"/api/oruk/taxonomy_terms/{term_id}", "taxonomy_term")


@pytest.mark.parametrize("text", ["", "autisim support"])
def test_sql_statements_do_not_grow_with_the_page_size(client, listings, count_queries, text):
    with count_queries() as few:
        assert fetch(client, f"/api/oruk/services?per_page=2&text={text}", "service_list")["size"] <= 2
    with count_queries() as many:
        fetch(client, f"/api/oruk/services?per_page=50&text={text}", "service_list")
    assert many.count == few.count <= 12


def all_snapshots(app) -> tuple[dict, list, list]:
    with app.app_context():
        services = db.session.scalars(select(Service).order_by(Service.id)).all()
        organisations = db.session.execute(
            select(
                Organisation.id,
                Organisation.name,
                Organisation.description,
                Organisation.email,
                Organisation.url,
                Organisation.phone,
            ).order_by(Organisation.id)
        ).all()
        areas = db.session.execute(select(Area.id, Area.name).order_by(Area.id)).all()
        return {s.id: snapshot(s) for s in services}, organisations, areas


def test_round_trip_of_every_listing_changes_nothing(app, listings):
    before = all_snapshots(app)
    assert set(before[0]) == ALL_IDS
    with app.app_context():
        for service in db.session.scalars(select(Service).order_by(Service.id)).all():
            records = from_oruk(json.loads(json.dumps(to_oruk(service))))
            assert [r["id"] for r in records["settings" if service.id in SETTING_IDS else "services"]] == [
                service.id
            ]
            load_records(records, "round trip")
        db.session.commit()
    assert all_snapshots(app) == before


def test_importing_the_api_output_changes_nothing(app, client, listings, tmp_path):
    before = all_snapshots(app)
    page = fetch(client, "/api/oruk/services?per_page=100", "service_list")
    (tmp_path / "oruk.json").write_text(json.dumps(page), encoding="utf-8")
    with app.app_context():
        counts = import_path(tmp_path / "oruk.json")
    assert counts == {"areas": 2, "organisations": 2, "services": 9}
    assert all_snapshots(app) == before
    # Search still finds what it found before (the index was rebuilt from the same words).
    assert ids(fetch(client, "/api/oruk/services?text=autisim", "service_list")) == {
        "svc-autism-group",
        "set-elm-base",
    }


def test_one_service_a_page_or_a_list_read_the_same(app, client, listings):
    page = fetch(client, "/api/oruk/services", "service_list")
    one = fetch(client, "/api/oruk/services/svc-swim", "service")
    assert from_oruk(page) == from_oruk(page["contents"])
    assert from_oruk(one) == from_oruk([one])
    records = from_oruk(page)
    assert {r["id"] for r in records["services"]} == ALL_IDS - SETTING_IDS
    assert {r["id"] for r in records["settings"]} == SETTING_IDS
    assert from_oruk({"contents": []}) == {"areas": [], "organisations": [], "services": [], "settings": []}


def test_another_publishers_oruk(app, listings):
    """Plain ORUK without our extension: settings are told apart by a setting-type term, unknown terms are
    ignored, and common variations (seconds in times, a second address line, decimal ages) are read."""
    other = {
        "id": "ext-1",
        "name": "Riverside Academy",
        "status": "active",
        "url": "https://example.org/riverside",
        "organization": {"id": "org-ext", "name": "Riverside Trust", "description": "A trust"},
        "minimum_age": 4.0,
        "maximum_age": "11",
        "assured_date": "2026-03-04T00:00:00Z",
        "service_areas": [{"id": "south", "name": "Southtown"}],
        "attributes": [
            {"id": "a1", "taxonomy_term": {"id": "x", "taxonomy_id": "setting-type", "code": "special"}},
            {"id": "a2", "taxonomy_term_id": "need:sensory-physical"},
            {"id": "a3", "taxonomy_term": {"id": "8f3e", "taxonomy_id": "esd-service-types", "code": "123"}},
            {"id": "a4", "taxonomy_term_id": "need:no-such-need"},
        ],
        "service_at_locations": [
            {
                "id": "sal-1",
                "location": {
                    "id": "loc-1",
                    "name": "Main site",
                    "addresses": [
                        {
                            "address_1": "Unit 2",
                            "address_2": "River Road",
                            "city": "Southtown",
                            "postal_code": "TS2 2BB",
                            "country": "GB",
                        }
                    ],
                },
            }
        ],
        "schedules": [{"id": "s1", "byday": "MO, TU", "opens_at": "08:45:00", "closes_at": "15:15:00Z"}],
        "cost_options": [{"id": "c1", "amount": 25, "amount_description": "Lunch £2.50 a day"}],
    }
    records = from_oruk(other)
    assert records["services"] == []
    [setting] = records["settings"]
    assert (setting["setting_type"], setting["needs"], setting["cost"]) == (
        "special",
        ["sensory-physical"],
        "paid",
    )
    assert (setting["min_age"], setting["max_age"], setting["last_reviewed"]) == (4, 11, "2026-03-04")
    assert setting["locations"][0]["address"] == "Unit 2, River Road"
    assert setting["schedules"] == [
        {"days": ["MO", "TU"], "opens": "08:45", "closes": "15:15", "description": ""}
    ]
    assert setting["fees"] == "Lunch £2.50 a day"
    with app.app_context():
        load_records(records, "other publisher")
        db.session.commit()
        imported = db.session.get(Service, "ext-1")
        assert (imported.kind, imported.organisation.name) == ("setting", "Riverside Trust")
        assert sorted(imported.terms_in("area")) == ["south"]


def test_the_schema_catches_mistakes(client, listings):
    """The checks above are not vacuous: a service missing what ORUK requires, or malformed, fails."""
    good = fetch(client, "/api/oruk/services/svc-autism-group", "service")
    mistakes = [
        {k: v for k, v in good.items() if k != "status"},
        {**good, "status": "open"},
        {**good, "minimum_age": "five"},
        {**good, "schedules": [{**good["schedules"][0], "byday": "Wednesday"}]},
        {**good, "organization": {"id": "org-charity"}},
        {**good, "assured_date": "1 September 2026"},
    ]
    for mistake in mistakes:
        assert list(validator("service").iter_errors(mistake))


def test_something_that_is_not_oruk_is_refused():
    from portal.local_offer.importer import ImportError_

    with pytest.raises(ImportError_, match="item 1: not an ORUK service object"):
        from_oruk([{"id": "a", "name": "A"}, "not a service"])
