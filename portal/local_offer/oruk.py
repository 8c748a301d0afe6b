"""Open Referral UK 3.0: the read-only API at /api/oruk/ (the JSON shapes are in oruk_format)."""

import math
import threading
import time
from collections import OrderedDict
from datetime import UTC, datetime

from flask import Blueprint, jsonify, request
from flask_babel import force_locale
from sqlalchemy import and_, func, or_, select, union_all
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


# Totals are counted once per query and data version, then kept a short while: a harvester paging through
# every listing, or the same search asked again, costs one cheap look-up (the newest modified_at, from its
# index) instead of a count over every listing. Every import and edit sets modified_at, so a change gives a
# new version and a fresh count at once; COUNT_SECONDS bounds how long anything else (a row deleted by
# hand in the database) can leave a total out of date. Each process keeps its own, so hosts never disagree
# for longer than that either.
COUNT_SECONDS = 60.0
COUNT_ENTRIES = 256
_counts: OrderedDict[tuple, tuple[float, int]] = OrderedDict()
_counts_lock = threading.Lock()
# Listings are services or settings. Page order walks the (kind, name) index once per kind and merges,
# instead of sorting every listing by name for each page; OTHER_KINDS (index ranges, so also cheap) keeps
# any listing of another kind in the answer all the same.
KINDS = ("service", "setting")
OTHER_KINDS = or_(
    Service.kind < KINDS[0], and_(Service.kind > KINDS[0], Service.kind < KINDS[1]), Service.kind > KINDS[1]
)


def _data_version() -> tuple:
    newest = db.session.scalar(select(func.max(Service.modified_at)))
    return (db.engine.url.render_as_string(hide_password=True), newest)


def _cached_count(key: tuple, version: tuple, count) -> int:
    now = time.monotonic()
    full_key = (key, version)
    with _counts_lock:
        hit = _counts.get(full_key)
        if hit is not None and now - hit[0] < COUNT_SECONDS:
            _counts.move_to_end(full_key)
            return hit[1]
    total = count()
    with _counts_lock:
        _counts[full_key] = (now, total)
        _counts.move_to_end(full_key)
        while len(_counts) > COUNT_ENTRIES:
            _counts.popitem(last=False)
    return total


def clear_count_cache() -> None:
    with _counts_lock:
        _counts.clear()


def _page_by_name(conditions: list, page: int, per_page: int):
    """The listings of one page in name order, merged from one index walk per kind."""
    wanted = page * per_page
    arms = []
    for kind in (Service.kind == KINDS[0], Service.kind == KINDS[1], OTHER_KINDS):
        arm = (
            select(Service.id, Service.name)
            .where(kind, *conditions)
            .order_by(Service.name, Service.id)
            .limit(wanted)
            .subquery()
        )
        arms.append(select(arm.c.id, arm.c.name))
    merged = union_all(*arms).subquery()
    ids = select(merged.c.id).order_by(merged.c.name, merged.c.id).limit(per_page).offset(wanted - per_page)
    return select(Service).where(Service.id.in_(ids)).order_by(Service.name, Service.id)


def _matching(text: str, conditions: list, key: tuple, page: int, per_page: int):
    """The total and one page's statement for services and settings; text search is spelling-tolerant.

    `key` identifies the query (its text and filters) for the count cache.
    """
    version = _data_version()
    groups, _corrections = search.word_groups(text)
    if not groups:
        total = _cached_count(
            key, version, lambda: db.session.scalar(select(func.count(Service.id)).where(*conditions))
        )
        return total, _page_by_name(conditions, page, per_page)
    for require_all in (True, False):  # every word first; any word when that finds nothing, as search does
        matches = fulltext.match(groups, require_all)
        joined = (matches, matches.c.service_id == Service.id)
        counted = select(func.count(Service.id)).join(*joined).where(*conditions)
        total = _cached_count(
            (*key, require_all), version, lambda counted=counted: db.session.scalar(counted)
        )
        if total or len(groups) == 1:
            break
    ordered = select(Service).join(*joined).where(*conditions)
    ordered = ordered.order_by(matches.c.rank, Service.name, Service.id)
    return total, ordered.limit(per_page).offset((page - 1) * per_page)


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
    text = (request.args.get("text") or "")[:200]
    # A client pages through with one page size; each size gets its own entry, so a request's statements
    # do not depend on what another size asked before it.
    key = (text, request.args.get("taxonomy_term_id"), request.args.get("modified_after"), per_page)
    total, ordered = _matching(text, conditions, key, page, per_page)
    items = []
    if (page - 1) * per_page < total:
        items = list(db.session.scalars(_with_details(ordered)))
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
