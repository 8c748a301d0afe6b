"""Locale selection, the language list and text direction."""

from urllib.parse import urlencode

from flask import current_app, g, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

# (code, name in that language, direction)
LANGUAGES = [
    ("en", "English", "ltr"),
    ("ur", "اردو", "rtl"),
    ("pl", "Polski", "ltr"),
    ("pa", "ਪੰਜਾਬੀ", "ltr"),
    ("ro", "Română", "ltr"),
]
CODES = [code for code, _name, _dir in LANGUAGES]
RTL = {code for code, _name, direction in LANGUAGES if direction == "rtl"}
LANG_COOKIE = "lang"


def select_locale() -> str:
    """Babel's locale: English is formatted the British way (23 November 2026)."""
    code = choose_language()
    return "en_GB" if code == "en" else code


def choose_language() -> str:
    """?lang= first, then the remembered choice, then the profile, then the browser, then English."""
    if not has_request_context():
        return "en"  # commands and background work
    asked = request.args.get("lang")
    if asked in CODES:
        return asked
    remembered = request.cookies.get(LANG_COOKIE)
    if remembered in CODES:
        return remembered
    user = _signed_in_user()
    if user is not None and user.preferred_language in CODES:
        return user.preferred_language
    return request.accept_languages.best_match(CODES) or "en"


def _signed_in_user():
    if getattr(g, "skip_user", False):
        return None
    try:
        return current_user if current_user.is_authenticated else None
    except Exception:  # the database may be down while we render the 503 page
        return None


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else "en"


def text_direction() -> str:
    return "rtl" if current_language() in RTL else "ltr"


def language_links() -> list[dict]:
    """The language switcher: the same page in each language, as plain links."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    links = []
    for code, name, _direction in LANGUAGES:
        query = urlencode([*args, ("lang", code)])
        links.append({"code": code, "name": name, "href": f"{request.path}?{query}"})
    return links


def remember_language(response):
    """Keep a ?lang= choice in a strictly necessary cookie (and the profile, when signed in)."""
    asked = request.args.get("lang")
    if asked in CODES and request.cookies.get(LANG_COOKIE) != asked:
        response.set_cookie(
            LANG_COOKIE,
            asked,
            max_age=60 * 60 * 24 * 365,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response
