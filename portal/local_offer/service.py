"""Local Offer rules: reading filters from a URL, display helpers, shortlists, tailored lists of settings."""

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.local_offer.models import Area, Service, ShortlistItem
from portal.local_offer.search import Query, known_taxonomy
from portal.local_offer.taxonomy import (
    AGE_BANDS,
    NEEDS,
    PHASES,
    SETTING_TYPE_ORDER,
    SETTING_TYPES,
    TAXONOMIES,
)

STALE_AFTER = timedelta(days=365)
SERVICE_FILTERS = ("need", "type", "cost", "delivery", "area")
SETTING_FILTERS = ("need", "phase", "setting-type", "area")


def areas() -> dict[str, str]:
    return dict(db.session.execute(select(Area.id, Area.name).order_by(Area.name)).all())


def query_from_args(args, kind: str, area_names: dict[str, str]) -> Query:
    """A search from GET parameters; unknown values are dropped, never an error."""
    names = SERVICE_FILTERS if kind == "service" else SETTING_FILTERS
    filters = {name: known_taxonomy(name, args.getlist(name), set(area_names)) for name in names}
    try:
        page = max(int(args.get("page", 1)), 1)
    except ValueError:
        page = 1
    age = args.get("age") if args.get("age") in AGE_BANDS else None
    return Query(text=(args.get("q") or "")[:200], kind=kind, filters=filters, age=age, page=page)


def filter_labels(taxonomy: str, area_names: dict[str, str]) -> dict[str, str]:
    if taxonomy == "area":
        return area_names
    return {key: str(label) for key, label in TAXONOMIES[taxonomy].items()}


def chosen_filters(query: Query, area_names: dict[str, str], args) -> list[dict]:
    """The filters in use, each with a link that removes just that one."""
    chosen = []
    for taxonomy, terms in query.filters.items():
        labels = filter_labels(taxonomy, area_names)
        for term in terms:
            remaining = [
                (k, v) for k, v in args.items(multi=True) if not (k == taxonomy and v == term) and k != "page"
            ]
            chosen.append({"label": labels.get(term, term), "remove": remaining})
    if query.age:
        remaining = [(k, v) for k, v in args.items(multi=True) if k not in ("age", "page")]
        chosen.append({"label": str(AGE_BANDS[query.age][2]), "remove": remaining})
    return chosen


def is_stale(service: Service, today: date | None = None) -> bool:
    """Not reviewed for over 12 months (or never)."""
    today = today or date.today()
    return service.last_reviewed is None or today - service.last_reviewed > STALE_AFTER


def localised(service: Service, language: str) -> dict:
    """Name, summary and description in the language asked for when translated, else English."""
    translation = service.translation(language) if language != "en" else None
    if translation and translation.name:
        return {
            "lang": language,
            "name": translation.name,
            "summary": translation.summary or service.summary,
            "description": translation.description or service.description,
            "translated": True,
        }
    return {
        "lang": "en",
        "name": service.name,
        "summary": service.summary,
        "description": service.description,
        "translated": language == "en",
    }


def load_listing(service_id: str) -> Service | None:
    return db.session.scalar(
        select(Service)
        .where(Service.id == service_id)
        .options(
            selectinload(Service.locations),
            selectinload(Service.contacts),
            selectinload(Service.schedules),
        )
    )


# The shortlist.


def shortlist(user_id: int) -> list[ShortlistItem]:
    return list(
        db.session.scalars(
            select(ShortlistItem)
            .where(ShortlistItem.user_id == user_id)
            .options(selectinload(ShortlistItem.service).selectinload(Service.terms))
            .order_by(ShortlistItem.created_at, ShortlistItem.id)
        )
    )


def shortlisted_ids(user_id: int) -> set[str]:
    return set(db.session.scalars(select(ShortlistItem.service_id).where(ShortlistItem.user_id == user_id)))


def add_to_shortlist(user_id: int, service_id: str) -> bool:
    """Save a listing; saving it twice keeps one entry. False when the listing does not exist."""
    if db.session.get(Service, service_id) is None:
        return False
    exists = db.session.scalar(
        select(ShortlistItem.id).where(
            ShortlistItem.user_id == user_id, ShortlistItem.service_id == service_id
        )
    )
    if not exists:
        db.session.add(ShortlistItem(user_id=user_id, service_id=service_id))
        db.session.commit()
    return True


def shortlist_item(user_id: int, item_id: int) -> ShortlistItem | None:
    """The item only if it is this person's: anyone else's is as good as missing."""
    item = db.session.get(ShortlistItem, item_id)
    return item if item is not None and item.user_id == user_id else None


def shortlist_csv(items: list[ShortlistItem]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Name"), _("Organisation"), _("Phone"), _("Email"), _("Website"), _("Your note")])
    for item in items:
        s = item.service
        row = [s.name, s.organisation.name, s.phone or "", s.email or "", s.url or "", item.note]
        # Spreadsheet programs run cells that start with these characters as formulas.
        writer.writerow(["'" + v if v[:1] in ("=", "+", "-", "@") else v for v in row])
    return out.getvalue()


# Tailored lists of settings.


@dataclass
class TailoredEntry:
    setting: Service
    reasons: list[str]


def tailored_settings(needs: list[str], age: int | None, area: str | None, area_names: dict[str, str]):
    """Settings that fit the child's age, needs and area: mainstream first, then by how well they fit.

    Advisory only: the list explains why each setting is on it.
    """
    statement = select(Service).where(Service.kind == "setting").options(selectinload(Service.terms))
    if age is not None:
        statement = statement.where(Service.min_age <= age, Service.max_age >= age)
    entries = []
    for setting in db.session.scalars(statement):
        caters = set(setting.terms_in("need"))
        setting_areas = set(setting.terms_in("area"))
        if needs and not caters & set(needs):
            continue
        if area and area not in setting_areas:
            continue
        reasons = []
        if age is not None:
            reasons.append(
                _(
                    "Takes children and young people aged %(low)s to %(high)s",
                    low=setting.min_age,
                    high=setting.max_age,
                )
            )
        for need in needs:
            if need in caters:
                reasons.append(_("Caters for %(need)s", need=str(NEEDS[need]).lower()))
        if area:
            reasons.append(_("In %(area)s", area=area_names.get(area, area)))
        if setting.setting_type == "mainstream":
            reasons.append(_("A mainstream setting: listed first, as national guidance asks"))
        entries.append(TailoredEntry(setting, reasons))
    order = {t: i for i, t in enumerate(SETTING_TYPE_ORDER)}
    entries.sort(
        key=lambda e: (
            order.get(e.setting.setting_type or "", len(order)),
            -len(set(e.setting.terms_in("need")) & set(needs)),
            e.setting.name,
        )
    )
    return entries


def setting_facts(setting: Service) -> dict:
    return {
        "phases": [str(PHASES[p]) for p in setting.terms_in("phase") if p in PHASES],
        "type": str(SETTING_TYPES.get(setting.setting_type or "", "")),
    }


def listing_rows(listing: Service, area_names: dict[str, str]) -> list[tuple[str, list[str]]]:
    """The facts a parent needs to decide, as (label, lines) for a summary list; empty facts left out."""
    from portal.web import language_name

    def labels(taxonomy):
        return [str(TAXONOMIES[taxonomy].get(t, t)) for t in listing.terms_in(taxonomy)]

    cost = str(TAXONOMIES["cost"].get(listing.cost, listing.cost))
    rows = [
        (_("Who it is for"), [_("Ages %(low)s to %(high)s", low=listing.min_age, high=listing.max_age),
                              listing.eligibility]),
        (_("Areas of need"), labels("need")),
        (_("Cost"), [cost, listing.fees]),
        (_("How to get it"), [listing.how_to_access]),
        (_("How it is delivered"), [", ".join(labels("delivery"))]),
        (_("Areas served"), [", ".join(area_names.get(a, a) for a in listing.terms_in("area"))]),
        (_("Languages spoken"), [", ".join(language_name(code) for code in listing.languages)]),
    ]  # fmt: skip
    if listing.kind == "setting":
        rows += [
            (_("Phase"), labels("phase")),
            (_("Type of setting"), [str(SETTING_TYPES.get(listing.setting_type or "", ""))]),
            (_("Places"), [str(listing.places) if listing.places else ""]),
            (_("How to visit"), [listing.how_to_visit]),
        ]
    return [(label, [line for line in lines if line]) for label, lines in rows if any(lines)]
