"""SQL statements per page stay small and do not grow with the data."""

import pytest

LIMIT = 10

ANONYMOUS = ["/", "/account/login", "/account/register", "/account/reset", "/accessibility", "/privacy"]
SIGNED_IN = ["/", "/account/profile", "/account/password", "/account/my-data"]
ADMIN = ["/admin/users", "/admin/users/1"]


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
