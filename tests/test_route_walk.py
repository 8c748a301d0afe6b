"""Walk the URL map: the route list is pinned, every private route needs sign-in, every route taking an
object id checks access, and every POST route refuses a missing CSRF token."""

import pytest
from werkzeug.routing import IntegerConverter

ROUTES = {
    ("GET", "/"),
    ("GET", "/healthz"),
    ("GET", "/accessibility"),
    ("GET", "/privacy"),
    ("GET", "/static/<path:filename>"),
    ("GET", "/account/login"),
    ("POST", "/account/login"),
    ("POST", "/account/logout"),
    ("GET", "/account/two-factor"),
    ("POST", "/account/two-factor"),
    ("GET", "/account/two-factor/setup"),
    ("POST", "/account/two-factor/setup"),
    ("GET", "/account/register"),
    ("POST", "/account/register"),
    ("GET", "/account/register/check-email"),
    ("GET", "/account/confirm/<token>"),
    ("GET", "/account/reset"),
    ("POST", "/account/reset"),
    ("GET", "/account/reset/<token>"),
    ("POST", "/account/reset/<token>"),
    ("GET", "/account/profile"),
    ("POST", "/account/profile"),
    ("GET", "/account/password"),
    ("POST", "/account/password"),
    ("GET", "/account/my-data"),
    ("GET", "/account/my-data/download"),
    ("POST", "/account/session/extend"),
    ("POST", "/account/sessions/end-others"),
    ("GET", "/local-offer/"),
    ("GET", "/local-offer/services/<service_id>"),
    ("GET", "/local-offer/services/<service_id>/report"),
    ("POST", "/local-offer/services/<service_id>/report"),
    ("GET", "/local-offer/services/<service_id>/report/sent"),
    ("GET", "/local-offer/settings/"),
    ("GET", "/local-offer/shortlist/"),
    ("GET", "/local-offer/shortlist/<int:item_id>"),
    ("POST", "/local-offer/shortlist/<int:item_id>"),
    ("POST", "/local-offer/shortlist/<int:item_id>/remove"),
    ("POST", "/local-offer/shortlist/add"),
    ("GET", "/local-offer/shortlist/download"),
    ("GET", "/local-offer/shortlist/print"),
    ("GET", "/api/oruk/"),
    ("GET", "/api/oruk/services"),
    ("GET", "/api/oruk/services/<service_id>"),
    ("GET", "/api/oruk/taxonomies"),
    ("GET", "/api/oruk/taxonomies/<taxonomy_id>"),
    ("GET", "/api/oruk/taxonomy_terms"),
    ("GET", "/api/oruk/taxonomy_terms/<term_id>"),
    ("GET", "/edit/local-offer/"),
    ("GET", "/edit/local-offer/changes/<int:version_id>"),
    ("GET", "/edit/local-offer/services/<service_id>"),
    ("POST", "/edit/local-offer/services/<service_id>"),
    ("GET", "/staff/local-offer/changes"),
    ("GET", "/staff/local-offer/changes/<int:version_id>"),
    ("POST", "/staff/local-offer/changes/<int:version_id>"),
    ("GET", "/staff/local-offer/reports"),
    ("POST", "/staff/local-offer/reports/<int:report_id>/resolve"),
    ("GET", "/staff/local-offer/services/<service_id>/history"),
    ("GET", "/guides/"),
    ("GET", "/guides/<slug>"),
    ("POST", "/guides/<slug>/feedback"),
    ("GET", "/provision/"),
    ("GET", "/provision/<area>"),
    ("GET", "/admin/users"),
    ("GET", "/admin/users/<int:user_id>"),
    ("POST", "/admin/users/<int:user_id>"),
    # guide editing (issue 4)
    ("GET", "/edit/guides/"),
    ("GET", "/edit/guides/new"),
    ("POST", "/edit/guides/new"),
    ("GET", "/edit/guides/<int:page_id>"),
    ("GET", "/edit/guides/<int:page_id>/<language>"),
    ("POST", "/edit/guides/<int:page_id>/<language>"),
    ("GET", "/edit/guides/<int:page_id>/revisions/<int:revision_id>"),
    ("POST", "/edit/guides/<int:page_id>/revisions/<int:revision_id>"),
    ("GET", "/edit/guides/<int:page_id>/revisions/<int:revision_id>/changes"),
    ("POST", "/edit/guides/<int:page_id>/revisions/<int:revision_id>/submit"),
    ("POST", "/edit/guides/<int:page_id>/revisions/<int:revision_id>/restore"),
    ("GET", "/edit/provision/"),
    ("GET", "/edit/provision/new"),
    ("POST", "/edit/provision/new"),
    ("GET", "/edit/provision/<int:page_id>"),
    ("GET", "/edit/provision/<int:page_id>/<language>"),
    ("POST", "/edit/provision/<int:page_id>/<language>"),
    ("GET", "/edit/provision/<int:page_id>/revisions/<int:revision_id>"),
    ("POST", "/edit/provision/<int:page_id>/revisions/<int:revision_id>"),
    ("GET", "/edit/provision/<int:page_id>/revisions/<int:revision_id>/changes"),
    ("POST", "/edit/provision/<int:page_id>/revisions/<int:revision_id>/submit"),
    ("POST", "/edit/provision/<int:page_id>/revisions/<int:revision_id>/restore"),
    # plans (issue 5)
    ("GET", "/plans/"),
    ("GET", "/plans/<int:plan_id>"),
    ("GET", "/plans/<int:plan_id>/access"),
    ("POST", "/plans/<int:plan_id>/access/<int:access_id>/end"),
    ("GET", "/plans/<int:plan_id>/compare"),
    ("GET", "/plans/<int:plan_id>/dates"),
    ("GET", "/plans/<int:plan_id>/dates/edit"),
    ("POST", "/plans/<int:plan_id>/dates/edit"),
    ("GET", "/plans/<int:plan_id>/download"),
    ("GET", "/plans/<int:plan_id>/history"),
    ("GET", "/plans/<int:plan_id>/invite"),
    ("POST", "/plans/<int:plan_id>/invite"),
    ("POST", "/plans/<int:plan_id>/invitations/<int:invitation_id>/cancel"),
    ("GET", "/plans/<int:plan_id>/print"),
    ("GET", "/plans/<int:plan_id>/sections/<slug>"),
    ("GET", "/plans/<int:plan_id>/sharing"),
    ("POST", "/plans/<int:plan_id>/sharing/<int:access_id>"),
    ("GET", "/plans/<int:plan_id>/versions/<int:number>"),
    ("GET", "/plans/<int:plan_id>/versions/<int:number>/<kind>/<int:item_id>"),
    ("POST", "/plans/<int:plan_id>/versions/<int:number>/<kind>/<int:item_id>"),
    ("POST", "/plans/<int:plan_id>/versions/<int:number>/<kind>/<int:item_id>/remove"),
    ("GET", "/plans/<int:plan_id>/versions/<int:number>/<kind>/new"),
    ("POST", "/plans/<int:plan_id>/versions/<int:number>/<kind>/new"),
    ("POST", "/plans/<int:plan_id>/versions/<int:number>/discard"),
    ("GET", "/plans/<int:plan_id>/versions/<int:number>/edit"),
    ("GET", "/plans/<int:plan_id>/versions/<int:number>/placement"),
    ("POST", "/plans/<int:plan_id>/versions/<int:number>/placement"),
    ("GET", "/plans/<int:plan_id>/versions/<int:number>/publish"),
    ("POST", "/plans/<int:plan_id>/versions/<int:number>/publish"),
    ("GET", "/plans/<int:plan_id>/versions/import"),
    ("POST", "/plans/<int:plan_id>/versions/import"),
    ("POST", "/plans/<int:plan_id>/versions/new"),
    ("GET", "/plans/join"),
    ("POST", "/plans/join"),
    ("GET", "/plans/new"),
    ("POST", "/plans/new"),
    # plan documents (issue 5)
    ("GET", "/plans/<int:plan_id>/documents/"),
    ("POST", "/plans/<int:plan_id>/documents/"),
    ("GET", "/plans/<int:plan_id>/documents/<int:document_id>"),
    # mediation and mediator (issue 7)
    ("GET", "/mediation/"),
    ("GET", "/mediation/request"),
    ("GET", "/mediation/request/about"),
    ("POST", "/mediation/request/about"),
    ("GET", "/mediation/request/access-needs"),
    ("POST", "/mediation/request/access-needs"),
    ("GET", "/mediation/request/check"),
    ("POST", "/mediation/request/check"),
    ("GET", "/mediation/request/decision"),
    ("POST", "/mediation/request/decision"),
    ("GET", "/mediation/request/interpreter"),
    ("POST", "/mediation/request/interpreter"),
    ("GET", "/mediation/request/letter-date"),
    ("POST", "/mediation/request/letter-date"),
    ("GET", "/mediation/request/mediation-or-certificate"),
    ("POST", "/mediation/request/mediation-or-certificate"),
    ("GET", "/mediation/requests/"),
    ("GET", "/mediation/requests/<int:request_id>"),
    ("POST", "/mediation/requests/<int:request_id>/assign"),
    ("GET", "/mediation/requests/<int:request_id>/book"),
    ("POST", "/mediation/requests/<int:request_id>/book"),
    ("GET", "/mediation/requests/<int:request_id>/booking"),
    ("GET", "/mediation/requests/<int:request_id>/booking.ics"),
    ("GET", "/mediation/requests/<int:request_id>/cancel"),
    ("POST", "/mediation/requests/<int:request_id>/cancel"),
    ("GET", "/mediation/requests/<int:request_id>/certificate.pdf"),
    ("GET", "/mediation/requests/<int:request_id>/confirmation"),
    ("GET", "/mediator/"),
    ("GET", "/mediator/data-return"),
    ("GET", "/mediator/data-return.csv"),
    ("GET", "/mediator/requests/<int:request_id>"),
    ("POST", "/mediator/requests/<int:request_id>/certificate"),
    ("POST", "/mediator/requests/<int:request_id>/confirm"),
    ("POST", "/mediator/requests/<int:request_id>/outcome"),
    ("GET", "/mediator/slots"),
    ("POST", "/mediator/slots"),
    ("POST", "/mediator/slots/<int:slot_id>/withdraw"),
    # views (issue 6)
    ("GET", "/my-views/"),
    ("GET", "/my-views/plans/<int:plan_id>"),
    ("POST", "/my-views/plans/<int:plan_id>/start"),
    ("GET", "/my-views/plans/<int:plan_id>/request"),
    ("POST", "/my-views/plans/<int:plan_id>/request"),
    ("GET", "/my-views/<int:set_id>"),
    ("GET", "/my-views/<int:set_id>/questions/<key>"),
    ("POST", "/my-views/<int:set_id>/questions/<key>"),
    ("GET", "/my-views/<int:set_id>/questions/<key>/file"),
    ("POST", "/my-views/<int:set_id>/questions/<key>/quote"),
    ("POST", "/my-views/<int:set_id>/send"),
}
PUBLIC = {
    "main.index",
    "main.healthz",
    "main.accessibility",
    "main.privacy",
    "static",
    "accounts.login",
    "accounts.logout",
    "accounts.two_factor",
    "accounts.two_factor_setup",
    "accounts.register",
    "accounts.check_email",
    "accounts.confirm",
    "accounts.reset_request",
    "accounts.reset_password",
    "local_offer.index",
    "local_offer.service",
    "local_offer.settings",
    "listing_editing.report",
    "listing_editing.report_sent",
    "guides.index",
    "guides.guide",
    "guides.feedback",
    "provision.index",
    "provision.area",
    "oruk.root",
    "oruk.services",
    "oruk.service",
    "oruk.taxonomies",
    "oruk.taxonomy",
    "oruk.taxonomy_terms",
    "oruk.taxonomy_term",
    # public: mediation (issue 7)
    "mediation.index",
}
# Arguments that are tokens, not object ids: the token itself is the proof.
TOKEN_ARGUMENTS = {"token", "filename"}


def app_routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, rule


def fill(rule):
    values = {
        arg: ("1" if isinstance(rule._converters.get(arg), IntegerConverter) else "x")
        for arg in rule.arguments
    }
    path = rule.rule
    for arg, value in values.items():
        path = path.replace(f"<int:{arg}>", value).replace(f"<path:{arg}>", value).replace(f"<{arg}>", value)
    return path


def test_route_list_is_pinned(app):
    """A route that disappears (or appears) must be added to or removed from this list on purpose."""
    assert {(method, rule.rule) for method, rule in app_routes(app)} == ROUTES


def test_only_allow_listed_views_are_public(app):
    public = {endpoint for endpoint, view in app.view_functions.items() if getattr(view, "is_public", False)}
    assert public | {"static"} == PUBLIC


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_every_private_route_needs_sign_in(app, method):
    client = app.test_client()
    for route_method, rule in app_routes(app):
        if route_method != method or rule.endpoint in PUBLIC:
            continue
        response = client.open(fill(rule), method=method)
        if method == "GET":
            assert response.status_code == 302, rule.rule
            assert response.headers["Location"].startswith("/account/login?next="), rule.rule
        else:
            assert response.status_code == 400, rule.rule  # no CSRF token: refused before anything else


def test_a_post_after_the_session_ended_goes_to_sign_in(client):
    token = client.get("/account/login").csrf_token()
    response = client.raw.post("/account/password", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"] == "/account/login?next=/account/password"


def test_every_object_route_checks_access(app):
    for _method, rule in app_routes(app):
        object_args = set(rule.arguments) - TOKEN_ARGUMENTS
        if object_args:
            view = app.view_functions[rule.endpoint]
            assert getattr(view, "checks_access", False), f"{rule.rule} must check access to {object_args}"


def test_every_post_route_refuses_a_missing_csrf_token(app, make_user, sign_in, client):
    sign_in(make_user("admin@example.org", roles=("admin",)))
    for method, rule in app_routes(app):
        if method != "POST":
            continue
        response = client.raw.post(fill(rule), data={"email": "admin@example.org"})
        assert response.status_code == 400, rule.rule
        assert "Sorry, there is a problem with that request" in response.get_data(as_text=True)


def test_refused_access_is_audited(app, client, make_user, sign_in):
    from sqlalchemy import select

    from portal.audit import AuditEvent
    from portal.extensions import db

    client.raw.get("/account/profile")
    user = make_user()
    sign_in(user)
    client.raw.get("/admin/users")
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.refused")).all()
        assert [(e.actor_id, e.detail) for e in events] == [
            (None, "not signed in GET /account/profile"),
            (user.id, "role GET /admin/users"),
        ]
