"""Open Referral UK 3.0: the read-only API at /api/oruk/ (the JSON shapes are in oruk_format)."""

import math
from datetime import UTC, datetime

from flask import Blueprint, jsonify, request
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.local_offer import fulltext, search
from portal.local_offer.models import Area, Service, ServiceTerm
from portal.local_offer.oruk_format import (
    MAX_PER_PAGE,
    OPENAPI_URL,
    PER_PAGE,
    PROFILE,
    TAXONOMY_DESCRIPTIONS,
    VERSION,
    BadParameter,
    _area_names,
    _term,
    to_oruk,
)
from portal.local_offer.taxonomy import TAXONOMIES, TAXONOMY_NAMES
from portal.security import checks_access, public

bp = Blueprint("oruk", __name__, url_prefix="/api/oruk")


def _error(message: str, status: int):
    return jsonify({"error": message}), status


def _paging(args) -> tuple[int, int]:
    try:
        page = int(args.get("page", 1))
        per_page = int(args.get("per_page", PER_PAGE))
    except ValueError:
        raise BadParameter("page and per_page must be whole numbers") from None
    if page < 1 or per_page < 1:
        raise BadParameter("page and per_page must be 1 or more")
    return page, min(per_page, MAX_PER_PAGE)


def _page(contents: list, total: int, page: int, per_page: int) -> dict:
    pages = max(math.ceil(total / per_page), 1)
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": not contents,
        "contents": contents,
    }


def _modified_after(value: str | None) -> datetime | None:
    if not value:
        return None
    for candidate in (value, value.replace(" ", "+")):  # an unencoded "+01:00" arrives as " 01:00"
        try:
            moment = datetime.fromisoformat(candidate)
        except ValueError:
            continue
        return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    raise BadParameter("modified_after must be an ISO 8601 date and time, like 2026-01-31T09:00:00Z")


def _conditions(args) -> list:
    conditions = []
    term_id = args.get("taxonomy_term_id")
    if term_id is not None:
        taxonomy, colon, term = term_id.partition(":")
        if not (colon and taxonomy and term):
            raise BadParameter("taxonomy_term_id must look like need:cognition-learning")
        listed = select(ServiceTerm.service_id).where(
            ServiceTerm.taxonomy == taxonomy, ServiceTerm.term == term
        )
        conditions.append(Service.id.in_(listed))
    modified_after = _modified_after(args.get("modified_after"))
    if modified_after is not None:
        conditions.append(Service.modified_at > modified_after)
    return conditions


def _matching(text: str, conditions: list):
    """Count and ordered statement for services and settings; text search is spelling-tolerant."""
    groups, _corrections = search.word_groups(text)
    if not groups:
        total = db.session.scalar(select(func.count(Service.id)).where(*conditions))
        return total, select(Service).where(*conditions).order_by(Service.name, Service.id)
    for require_all in (True, False):  # every word first; any word when that finds nothing, as search does
        matches = fulltext.match(groups, require_all)
        joined = (matches, matches.c.service_id == Service.id)
        total = db.session.scalar(select(func.count(Service.id)).join(*joined).where(*conditions))
        if total or len(groups) == 1:
            break
    ordered = select(Service).join(*joined).where(*conditions)
    return total, ordered.order_by(matches.c.rank, Service.name, Service.id)


def _with_details(statement):
    return statement.options(
        selectinload(Service.terms),
        selectinload(Service.locations),
        selectinload(Service.contacts),
        selectinload(Service.schedules),
        selectinload(Service.translations),
    )


@bp.get("/")
@public
def root():
    return jsonify({"version": VERSION, "profile": PROFILE, "openapi_url": OPENAPI_URL})


@bp.get("/services")
@public
def services():
    try:
        page, per_page = _paging(request.args)
        conditions = _conditions(request.args)
    except BadParameter as error:
        return _error(str(error), 400)
    total, ordered = _matching((request.args.get("text") or "")[:200], conditions)
    items = []
    if (page - 1) * per_page < total:
        items = list(db.session.scalars(_with_details(ordered).limit(per_page).offset((page - 1) * per_page)))
    area_names = _area_names() if items else {}
    return jsonify(_page([to_oruk(s, area_names) for s in items], total, page, per_page))


@bp.get("/services/<service_id>")
@public
@checks_access
def service(service_id: str):
    listing = db.session.scalar(_with_details(select(Service).where(Service.id == service_id)))
    if listing is None:  # public listings: the only check is that it exists
        return _error("not found", 404)
    return jsonify(to_oruk(listing))


def _taxonomy(taxonomy_id: str) -> dict:
    with force_locale("en"):
        name = str(TAXONOMY_NAMES[taxonomy_id])
    return {"id": taxonomy_id, "name": name, "description": TAXONOMY_DESCRIPTIONS[taxonomy_id]}


def _terms(taxonomy_id: str | None = None) -> list[dict]:
    """Every term we publish, or one taxonomy's; areas come from the database."""
    found = []
    with force_locale("en"):
        for taxonomy, terms in TAXONOMIES.items():
            if taxonomy_id in (None, taxonomy):
                found.extend(_term(taxonomy, code, str(label)) for code, label in terms.items())
    if taxonomy_id in (None, "area"):
        areas = db.session.execute(select(Area.id, Area.name).order_by(Area.name, Area.id))
        found.extend(_term("area", area_id, name) for area_id, name in areas)
    return found


def _listed(entries: list[dict]):
    try:
        page, per_page = _paging(request.args)
    except BadParameter as error:
        return _error(str(error), 400)
    start = (page - 1) * per_page
    return jsonify(_page(entries[start : start + per_page], len(entries), page, per_page))


@bp.get("/taxonomies")
@public
def taxonomies():
    return _listed([_taxonomy(taxonomy_id) for taxonomy_id in TAXONOMY_NAMES])


@bp.get("/taxonomies/<taxonomy_id>")
@public
@checks_access
def taxonomy(taxonomy_id: str):
    if taxonomy_id not in TAXONOMY_NAMES:  # published vocabularies: the only check is that it exists
        return _error("not found", 404)
    return jsonify(_taxonomy(taxonomy_id))


@bp.get("/taxonomy_terms")
@public
def taxonomy_terms():
    return _listed(_terms(request.args.get("taxonomy_id")))


@bp.get("/taxonomy_terms/<term_id>")
@public
@checks_access
def taxonomy_term(term_id: str):
    taxonomy_id, _colon, code = term_id.partition(":")
    if taxonomy_id not in TAXONOMY_NAMES:
        return _error("not found", 404)
    term = next((t for t in _terms(taxonomy_id) if t["code"] == code), None)
    if term is None:
        return _error("not found", 404)
    return jsonify(term)
