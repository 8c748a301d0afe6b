"""SQL statements per page stay small and do not grow with the data (an N+1 regression fails here).

Every key page from issue 8 is fetched at two data sizes; the count must be the same at both and at most
LIMIT. Local Offer search also does a bounded amount of work whatever the size (RESULT_CAP, WINDOW).
"""

import pytest

from portal.extensions import db
from portal.guides import content
from portal.local_offer import search as search_module
from portal.local_offer.importer import generate, load_records
from portal.local_offer.search import Query, search
from tests.local_offer.conftest import DATA

LIMIT = 10
SMALL, LARGE = 50, 500

ANONYMOUS = ["/", "/account/login", "/account/register", "/account/reset", "/accessibility", "/privacy"]
SIGNED_IN = ["/", "/account/profile", "/account/password", "/account/my-data"]
ADMIN = ["/admin/users", "/admin/users/1"]

# The key pages of issue 8 (the same ones `make bench` drives).
KEY_PAGES = {
    "start page": "/",
    "search: text": "/local-offer/?q=speech+therapy",
    "search: common word": "/local-offer/?q=synthetic",
    "search: misspelt word": "/local-offer/?q=autisim",
    "search: eight words, two misspelt": "/local-offer/?q=autisim+speach+therapy+support+group+club+art",
    "search: two words, neither together": "/local-offer/?q=autism+zebra",
    "search: filters": "/local-offer/?need=communication-interaction&age=5-10&cost=free",
    "search: one area": "/local-offer/?area=north",
    "search: text + filters": "/local-offer/?q=autism&need=communication-interaction&delivery=in-person",
    "search: page 3": "/local-offer/?q=synthetic&page=3",
    "search: everything": "/local-offer/",
    "service page": "/local-offer/services/svc-autism-group",
    "guide page": "/guides/mediation-and-appeals",
    "provision page": "/provision/communication-interaction?phase=primary",
}


@pytest.mark.parametrize("path", ANONYMOUS)
def test_anonymous_pages(client, count_queries, path):
    with count_queries() as counter:
        client.get(path)
    assert counter.count == 0


@pytest.mark.parametrize("path", SIGNED_IN)
def test_signed_in_pages(client, make_user, sign_in, count_queries, path):
    sign_in(make_user())
    with count_queries() as counter:
        client.get(path)
    assert counter.count <= LIMIT


@pytest.mark.parametrize("path", ADMIN)
def test_admin_pages_do_not_grow_with_accounts(client, make_user, sign_in, count_queries, path):
    sign_in(make_user("admin@example.org", roles=("admin",)))
    with count_queries() as few:
        client.get(path)
    for n in range(30):
        make_user(f"person{n}@example.org", roles=("parent", "professional"))
    with count_queries() as many:
        client.get(path)
    assert many.count == few.count <= LIMIT


@pytest.fixture
def portal_data(app):
    """The published guides and provision pages, the small known Local Offer, and SMALL services in all."""
    with app.app_context():
        content.import_content()
        load_records(DATA, "test data")
        db.session.commit()
        generate(SMALL - len(DATA["services"]))

    def grow_to(size: int) -> None:
        with app.app_context():
            generate(size - SMALL)

    return grow_to


@pytest.mark.parametrize("path", KEY_PAGES.values(), ids=KEY_PAGES.keys())
def test_key_pages_do_not_grow_with_the_data(client, portal_data, count_queries, path):
    assert client.get(path).status == 200
    with count_queries() as small:
        page = client.get(path)
    assert page.status == 200
    portal_data(LARGE)
    with count_queries() as large:
        page = client.get(path)
    assert page.status == 200
    assert small.count == large.count <= LIMIT, (small.count, large.count)


def test_signed_in_search_does_not_grow_with_the_shortlist(
    client, portal_data, make_user, sign_in, count_queries
):
    sign_in(make_user())
    path = "/local-offer/?q=synthetic"
    client.get(path)
    with count_queries() as small:
        client.get(path)
    portal_data(LARGE)
    with count_queries() as large:
        client.get(path)
    assert small.count == large.count <= LIMIT


def test_search_statements_do_not_grow_with_the_number_of_words(client, portal_data, count_queries):
    counts = {}
    for words in [
        "autism",
        "autism parent support group",
        "autisim",
        "autisim speach",
    ]:
        client.get(f"/local-offer/?q={words}")
        with count_queries() as counter:
            client.get(f"/local-offer/?q={words}")
        counts[words] = counter.count
    known, misspelt = list(counts.values())[:2], list(counts.values())[2:]
    assert known[0] == known[1] and misspelt[0] == misspelt[1] == known[0] + 1, counts


# The demo parent's plan and mediation pages: the same statements with a few or many slots, views, services.
FAMILY_PAGES = {
    "plan list": "/plans/",
    "plan page": "/plans/{plan}",
    "plan documents": "/plans/{plan}/documents/",
    "mediation requests": "/mediation/requests/",
    "mediation request": "/mediation/requests/{request}",
    "mediation booking page": "/mediation/requests/{request}/book",
}


@pytest.fixture
def family(app, portal_data, make_user):
    from datetime import time, timedelta

    from sqlalchemy import select

    from portal.mediation import demo as mediation_demo
    from portal.mediation.deadlines import today_in_england
    from portal.mediation.models import MediationRequest, Slot
    from portal.plans import demo as plans_demo
    from portal.plans.models import Plan

    parent = make_user("parent@example.org")
    make_user("young.person@example.org", roles=("young_person",))
    make_user("professional@example.org", roles=("professional",))
    mediator = make_user("mediator@example.org", roles=("mediator",))
    with app.app_context():
        plans_demo.seed()
        mediation_demo.seed()
        db.session.commit()
        ids = {
            "plan": db.session.scalars(select(Plan.id).order_by(Plan.id)).first(),
            "request": db.session.scalar(select(MediationRequest.id)),
        }

    def grow() -> None:
        portal_data(LARGE)
        with app.app_context():
            start = today_in_england() + timedelta(days=10)
            for n in range(25):
                db.session.add(
                    Slot(
                        mediator_id=mediator.id,
                        day=start + timedelta(days=n),
                        starts=time(9, 30),
                        mode="video",
                    )
                )
            db.session.commit()

    return parent, ids, grow


@pytest.mark.parametrize("path", FAMILY_PAGES.values(), ids=FAMILY_PAGES.keys())
def test_family_pages_do_not_grow_with_the_data(client, family, sign_in, count_queries, path):
    parent, ids, grow = family
    sign_in(parent)
    path = path.format(**ids)
    assert client.get(path).status == 200
    with count_queries() as small:
        client.get(path)
    grow()
    for _ in range(3):
        client.get(path)
    with count_queries() as large:
        page = client.get(path)
    assert page.status == 200
    assert small.count == large.count <= LIMIT, (small.count, large.count)


# Bounded work: the count stops at the cap, filters read at most the window.


def test_a_word_in_every_listing_is_counted_up_to_the_cap(app, portal_data):
    with app.test_request_context():
        results = search(Query(text="synthetic"), page_size=4, cap=10)
        assert (results.total, results.more, results.pages) == (10, True, 3)
        last = search(Query(text="synthetic", page=99), page_size=4, cap=10)
        assert (last.page, len(last.items)) == (3, 2)
        assert {s.id for s in last.items}.isdisjoint({s.id for s in results.items})


def test_below_the_cap_the_count_is_exact(app, portal_data):
    with app.test_request_context():
        results = search(Query(text="autism parent support group"))
        assert not results.more
        assert results.total == len(results.items) >= 1
        assert results.items[0].id == "svc-autism-group"


def test_names_rank_first_among_many_matches(app, portal_data):
    """With more matches than the cap, the first page still puts a name match first."""
    with app.test_request_context():
        results = search(Query(text="autism"), cap=3)
        assert results.more
        assert "autism" in results.items[0].name.lower()


def test_filters_stop_reading_at_the_window(app, portal_data):
    with app.test_request_context():
        everything = search(Query(filters={"need": ["communication-interaction"]}), cap=1000, window=1000)
        assert not everything.more
        few = search(Query(filters={"need": ["communication-interaction"]}), cap=1000, window=5)
        assert few.more and few.total <= 6
        assert [s.name for s in few.items] == sorted(s.name for s in few.items)


def test_filters_without_words_list_by_name_and_match_every_filter(app, portal_data):
    query = Query(filters={"need": ["communication-interaction"], "cost": ["free"]}, age="5-10")
    with app.test_request_context():
        results = search(query, page_size=500)
        assert not results.more and results.total == len(results.items) > 0
        names = [(s.name, s.id) for s in results.items]
        assert names == sorted(names)
        for listing in results.items:
            assert "communication-interaction" in listing.terms_in("need")
            assert listing.cost == "free" and listing.min_age <= 10 and listing.max_age >= 5


def test_more_than_the_cap_is_said_on_the_page(client, portal_data, monkeypatch):
    monkeypatch.setattr(search_module, "RESULT_CAP", 10)
    page = client.get("/local-offer/?q=synthetic")
    assert page.soup.select_one("#results-count").get_text(strip=True).startswith("More than")
