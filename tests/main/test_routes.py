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
