"""What every page shares: template helpers, the remembered language, and dev-mode email printing."""

from babel.dates import get_day_names
from flask import Flask, current_app, g, request
from flask_babel import get_locale
from flask_login import current_user

from portal import i18n, outbox
from portal.accounts.models import ROLE_LABELS
from portal.audit import action_label
from portal.extensions import db
from portal.markdown import render as render_markdown


def header_user():
    """The signed-in person for the header, or None (also None while an error page renders)."""
    return i18n._signed_in_user()


def session_timeout() -> dict | None:
    """For the signed-out warning: seconds left, when to warn, and the idle limit in minutes."""
    if header_user() is None:
        return None
    from portal.accounts.service import session_seconds_left

    left = session_seconds_left()
    if left is None:
        return None
    idle = current_app.config["SESSION_IDLE_TIMEOUT"]
    warning = min(current_app.config["SESSION_TIMEOUT_WARNING"].total_seconds(), left)
    return {
        "left": left,
        "warn_at": int(left - warning),
        "idle_seconds": int(idle.total_seconds()),
        "idle_minutes": int(idle.total_seconds() // 60),
        "warning_minutes": max(1, round(current_app.config["SESSION_TIMEOUT_WARNING"].total_seconds() / 60)),
    }


DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def day_names(codes: list[str]) -> str:
    """iCalendar day codes as day names in the page's language."""
    names = get_day_names("wide", locale=get_locale())
    return ", ".join(names[DAY_CODES.index(c)] for c in codes if c in DAY_CODES)


def language_name(code: str) -> str:
    locale = get_locale()
    return (locale.languages.get(code) if locale else None) or code


def role_names(person) -> str:
    """A person's roles, translated, in a stable order."""
    return ", ".join(str(label) for role, label in ROLE_LABELS.items() if role in person.roles)


def error_summary(form) -> list[dict]:
    """GOV.UK error summary items: the first message of each field, linked to the field."""
    items = []
    for name, errors in form.errors.items():
        field = getattr(form, name, None)
        if errors and field is not None:
            message = errors[0] if isinstance(errors[0], str) else str(errors[0])
            items.append({"text": message, "href": f"#{field.id}"})
    return items


def _save_language_to_profile():
    asked = request.args.get("lang")
    if asked in i18n.CODES and current_user.is_authenticated and current_user.preferred_language != asked:
        current_user.preferred_language = asked
        db.session.commit()


def _send_outbox_in_development(response):
    # One machine without a mail server: print new emails straight away so links can be followed.
    if g.get("outbox_queued") and current_app.config.get("OUTBOX_SEND_AFTER_REQUEST"):
        outbox.send_pending()
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault(
        "OUTBOX_SEND_AFTER_REQUEST",
        app.config["PORTAL_ENV"] == "development" and not app.config.get("MAIL_SERVER"),
    )
    app.before_request(_save_language_to_profile)
    app.after_request(i18n.remember_language)
    app.after_request(_send_outbox_in_development)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.globals.update(
        languages=i18n.LANGUAGES,
        language_links=i18n.language_links,
        current_language=i18n.current_language,
        text_direction=i18n.text_direction,
        header_user=header_user,
        session_timeout=session_timeout,
        role_names=role_names,
        action_label=action_label,
        day_names=day_names,
        language_name=language_name,
        error_summary=error_summary,
    )
