"""Security headers on every response, and the sign-in gate: every page needs sign-in unless marked public."""

import secrets
from functools import wraps

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask_login import current_user

from portal import audit

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
HSTS = "max-age=31536000; includeSubDomains"


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    return (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self'; "
        "img-src 'self' data:; "
        "font-src 'self'; "
        "connect-src 'self'; "
        "form-action 'self'; "
        "frame-ancestors 'none'; "
        "base-uri 'none'; "
        "object-src 'none'"
    )


def public(view):
    """Mark a view as open to people who are not signed in."""
    view.is_public = True
    return view


def roles_required(*roles: str):
    """Only people holding one of these roles; anyone else gets the 403 page (and it is logged)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                refuse(403, "role")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def refuse(status: int, reason: str, object_type: str | None = None, object_id=None):
    """Log a refused access, then stop with 403 or 404."""
    audit.record_now(
        "access.refused",
        actor_id=current_user.id if current_user.is_authenticated else None,
        object_type=object_type,
        object_id=object_id,
        detail=f"{reason} {request.method} {request.path}"[:500],
    )
    abort(status)


def _require_sign_in():
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "is_public", False) or current_user.is_authenticated:
        return None
    audit.record_now("access.refused", detail=f"not signed in {request.method} {request.path}"[:500])
    # After a form post too (say the session timed out while typing): sign in, then back to the page.
    target = request.full_path.rstrip("?") if request.method == "GET" else request.path
    return redirect(url_for("accounts.login", next=target), 303 if request.method != "GET" else 302)


def _signed_in_response() -> bool:
    return bool(session.get("sid") or session.get("pending_user")) or current_user.is_authenticated


def _headers(response):
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(csp_nonce())
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if not current_app.config["DEVELOPMENT"]:
        headers["Strict-Transport-Security"] = HSTS
    if not getattr(g, "skip_user", False) and _signed_in_response():
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response


def init_app(app: Flask) -> None:
    app.before_request(_require_sign_in)
    app.after_request(_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce


def checks_access(view):
    """Mark a view that takes an object id as checking access itself (the route-walk test insists)."""
    view.checks_access = True
    return view
