"""Locale order, the remembered choice, right-to-left layout, Babel formatting."""

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from tests.pages import Client


@pytest.mark.parametrize(
    ("code", "direction", "sign_in"),
    [
        ("en", "ltr", "Sign in"),
        ("ur", "rtl", None),
        ("pl", "ltr", None),
        ("pa", "ltr", None),
        ("ro", "ltr", None),
    ],
)
def test_every_language_sets_lang_and_dir(client, code, direction, sign_in):
    page = client.get(f"/account/login?lang={code}")
    assert page.soup.html["lang"] == code
    assert page.soup.html["dir"] == direction
    if sign_in:
        assert page.h1 == sign_in
    else:
        assert page.h1 != "Sign in", f"{code} is translated"


def test_lang_choice_is_remembered_in_a_cookie(client):
    response = client.raw.get("/?lang=pl")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("lang="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/").soup.html["lang"] == "pl"


def test_unknown_lang_is_ignored(client):
    assert client.get("/?lang=xx").soup.html["lang"] == "en"


def test_accept_language_then_english(client):
    assert client.get("/", headers={"Accept-Language": "ro-RO,ro;q=0.9"}).soup.html["lang"] == "ro"
    assert client.get("/", headers={"Accept-Language": "fr-FR"}).soup.html["lang"] == "en"


def test_profile_beats_the_browser_and_lang_updates_the_profile(app, client, make_user, sign_in):
    user = make_user(language="ur")
    sign_in(user)
    assert client.get("/", headers={"Accept-Language": "pl"}).soup.html["lang"] == "ur"
    client.get("/?lang=pa")
    with app.app_context():
        assert db.session.get(User, user.id).preferred_language == "pa"
    # Someone else on the same machine, signed out, gets their own browser's language, not this profile's.
    fresh = Client(app.test_client())
    assert fresh.get("/", headers={"Accept-Language": "ro"}).soup.html["lang"] == "ro"


def test_switcher_links_keep_the_page_and_query(client):
    page = client.get("/admin/users?q=abc", expect=302)
    page = client.get("/account/login?next=/account/profile&lang=pl")
    links = {a["lang"]: a["href"] for a in page.soup.select(".portal-languages a")}
    assert links["ur"] == "/account/login?next=%2Faccount%2Fprofile&lang=ur"
    assert set(links) == {"en", "ur", "pa", "ro"}
    current = page.soup.select_one(".portal-languages__current")
    assert current["lang"] == "pl" and current["aria-current"] == "true"


def test_dates_formatted_in_the_locale(app, client, make_user, sign_in):
    sign_in(make_user())
    with app.app_context():
        created = db.session.scalar(select(User)).created_at
    english = client.get("/account/profile?lang=en").text()
    polish = client.get("/account/profile?lang=pl").text()
    assert f"{created.day} {created.strftime('%B')} {created.year}" in english
    months_pl = ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
                 "września", "października", "listopada", "grudnia"]  # fmt: skip
    assert f"{created.day} {months_pl[created.month - 1]} {created.year}" in polish
