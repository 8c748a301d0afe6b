"""ORUK paging at scale: page order from the (kind, name) index, and totals counted once per data version."""

import pytest
from sqlalchemy import delete, func, select, update

from portal.extensions import db
from portal.local_offer import oruk
from portal.local_offer.importer import load_records
from portal.local_offer.models import Service, ServiceTerm
from tests.local_offer.conftest import DATA, service

# Names that tie, differ only in case or punctuation, and mix services with settings.
NAMES = [
    "Play scheme",
    "play scheme",
    "Advice line",
    "Zebra club",
    "Advice line",
    "Ábaco",
    "10 steps",
    "Ąngel",
]


@pytest.fixture(autouse=True)
def fresh_counts():
    oruk.clear_count_cache()
    yield
    oruk.clear_count_cache()


@pytest.fixture
def many(app):
    """37 listings (services and settings) with tied and near-tied names, on top of the known ones."""
    services = [
        service(f"svc-many-{n:02d}", NAMES[n % len(NAMES)], needs=["sensory-physical"] if n % 3 else [])
        for n in range(30)
    ]
    settings = [
        {**setting, "id": f"set-many-{n}", "name": NAMES[n % len(NAMES)]}
        for n, setting in enumerate(DATA["settings"][:1] * 7)
    ]
    with app.app_context():
        load_records(
            {**DATA, "services": DATA["services"] + services, "settings": DATA["settings"] + settings}, "t"
        )
        db.session.commit()


def expected_order(app, *conditions) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(select(Service.id).where(*conditions).order_by(Service.name, Service.id))
        )


def every_page(client, query: str, per_page: int) -> tuple[list[str], list[dict]]:
    seen, pages, number = [], [], 1
    while True:
        page = client.raw.get(f"/api/oruk/services?per_page={per_page}&page={number}{query}").get_json()
        pages.append(page)
        seen += [item["id"] for item in page["contents"]]
        if page["last_page"]:
            return seen, pages
        number += 1


@pytest.mark.parametrize("per_page", [1, 4, 7, 50])
def test_paging_through_everything_gives_each_listing_once_in_name_order(app, client, many, per_page):
    want = expected_order(app)
    seen, pages = every_page(client, "", per_page)
    assert seen == want
    assert len(pages) == -(-len(want) // per_page)
    for number, page in enumerate(pages, start=1):
        assert page["total_items"] == len(want)
        assert page["total_pages"] == len(pages) and page["page_number"] == number
        assert page["size"] == len(page["contents"]) and page["first_page"] == (number == 1)


def test_paging_with_a_filter(app, client, many):
    tagged = select(ServiceTerm.service_id).where(
        ServiceTerm.taxonomy == "need", ServiceTerm.term == "sensory-physical"
    )
    want = expected_order(app, Service.id.in_(tagged))
    seen, pages = every_page(client, "&taxonomy_term_id=need:sensory-physical", 3)
    assert seen == want and len(want) > 20
    assert all(page["total_items"] == len(want) for page in pages)


def test_a_listing_of_another_kind_is_still_listed(app, client, many):
    with app.app_context():
        db.session.execute(update(Service).where(Service.id == "svc-many-05").values(kind="aaa"))
        db.session.execute(update(Service).where(Service.id == "svc-many-06").values(kind="service2"))
        db.session.execute(update(Service).where(Service.id == "svc-many-07").values(kind="zzz"))
        db.session.commit()
    seen, _pages = every_page(client, "", 5)
    assert seen == expected_order(app)


def test_a_new_listing_counts_at_once(app, client, listings):
    before = client.raw.get("/api/oruk/services?per_page=2").get_json()["total_items"]
    with app.app_context():
        load_records({**DATA, "services": [service("svc-new", "Brand new club")], "settings": []}, "t")
        db.session.commit()
    after = client.raw.get("/api/oruk/services?per_page=2").get_json()
    assert after["total_items"] == before + 1
    assert after["total_pages"] == -(-(before + 1) // 2)
    filtered = client.raw.get("/api/oruk/services?taxonomy_term_id=need:communication-interaction").get_json()
    assert "svc-new" in {item["id"] for item in filtered["contents"]}
    found = client.raw.get("/api/oruk/services?text=brand").get_json()
    assert [item["id"] for item in found["contents"]] == ["svc-new"] and found["total_items"] == 1


def test_the_total_is_counted_once_per_data_version(app, client, listings, count_queries):
    client.raw.get("/api/oruk/services?per_page=2")
    with count_queries() as first_again:
        client.raw.get("/api/oruk/services?per_page=2")
    with count_queries() as next_page:
        page = client.raw.get("/api/oruk/services?per_page=2&page=2").get_json()
    assert page["total_items"] == 9
    oruk.clear_count_cache()
    with count_queries() as uncached:
        client.raw.get("/api/oruk/services?per_page=2")
    assert first_again.count == next_page.count == uncached.count - 1
    assert uncached.count <= 10


def test_a_cached_total_expires(app, client, listings, monkeypatch):
    assert client.raw.get("/api/oruk/services").get_json()["total_items"] == 9
    with app.app_context():  # a change made outside the portal, which does not touch modified_at
        db.session.execute(delete(Service).where(Service.id == "svc-swim"))
        db.session.commit()
        assert db.session.scalar(select(func.count(Service.id))) == 8
    monkeypatch.setattr(oruk, "COUNT_SECONDS", 0.0)
    page = client.raw.get("/api/oruk/services").get_json()
    assert page["total_items"] == page["size"] == 8


@pytest.mark.parametrize("query", ["", "&text=support", "&taxonomy_term_id=need:sensory-physical"])
def test_sql_statements_stay_few(app, client, many, count_queries, query):
    for _ in range(2):  # uncached, then cached
        with count_queries() as counter:
            assert client.raw.get(f"/api/oruk/services?per_page=100{query}").status_code == 200
        assert counter.count <= 10
