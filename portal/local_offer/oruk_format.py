"""Open Referral UK 3.0 JSON: our listings as ORUK services, and ORUK services as our records.

ORUK has no field for a listing's summary, search keywords, translations, how to visit or number of places.
They travel in a `local_offer` object on each service, so importing our own output changes nothing;
data from other publishers simply lacks it.
"""

from datetime import date, datetime
from functools import lru_cache

from babel import Locale
from flask_babel import force_locale
from sqlalchemy import select

from portal.extensions import db
from portal.local_offer import fulltext
from portal.local_offer.models import Area, Location, Service
from portal.local_offer.taxonomy import TAXONOMIES, TAXONOMY_NAMES

VERSION = "3.0"
PROFILE = "https://openreferraluk.org/"
OPENAPI_URL = "https://raw.githubusercontent.com/OpenReferralUK/uk-profile/main/schema/openapi.json"
PER_PAGE = 50
MAX_PER_PAGE = 100
EXTENSION = "local_offer"
# Our record keys for the taxonomies a listing holds several terms of (cost and setting type are single).
TERM_KEYS = {"need": "needs", "type": "types", "delivery": "delivery", "phase": "phase"}
TAXONOMY_DESCRIPTIONS = {
    "need": "The four broad areas of need in the SEND Code of Practice (2015).",
    "type": "The kind of help a listing offers.",
    "cost": "Whether families pay for a listing.",
    "delivery": "How the help is delivered.",
    "phase": "The phases of education a setting teaches.",
    "setting-type": "The type of school or other education setting.",
    "area": "The districts a listing serves.",
}


class BadParameter(ValueError):
    """A query parameter the API cannot use; the message says which and why."""


# Our listings as ORUK.


def to_oruk(service: Service, area_names: dict[str, str] | None = None) -> dict:
    """One listing as an ORUK 3.0 service object (from_oruk reads it back unchanged)."""
    if area_names is None:
        area_names = _area_names()
    sid = service.id
    terms = sorted((t.taxonomy, t.term) for t in service.terms)
    with force_locale("en"):  # the API speaks English whatever language the reader chose for pages
        attributes = [_attribute(sid, tx, tm) for tx, tm in terms if tm in TAXONOMIES.get(tx, {})]
    return {
        "id": sid,
        "organization_id": service.organisation_id,
        "name": service.name,
        "description": service.description,
        "url": service.url,
        "email": service.email,
        "status": "active",
        "application_process": service.how_to_access,
        "fees_description": service.fees,
        "eligibility_description": service.eligibility,
        "minimum_age": service.min_age,
        "maximum_age": service.max_age,
        "assured_date": service.last_reviewed.isoformat() if service.last_reviewed else None,
        "last_modified": _timestamp(service.modified_at),
        "phones": _phones(f"{sid}-phone", service.phone),
        "organization": _organization(service.organisation),
        "service_at_locations": [_service_at_location(sid, loc) for loc in service.locations],
        "contacts": [
            {
                "id": f"{sid}-contact-{c.position}",
                "service_id": sid,
                "name": c.name,
                "title": c.role,
                "email": c.email,
                "phones": _phones(f"{sid}-contact-{c.position}-phone", c.phone),
            }
            for c in service.contacts
        ],
        "schedules": [
            {
                "id": f"{sid}-schedule-{s.position}",
                "service_id": sid,
                "freq": "WEEKLY",
                "byday": ",".join(s.days) or None,
                "opens_at": s.opens,
                "closes_at": s.closes,
                "description": s.description,
            }
            for s in service.schedules
        ],
        "languages": [
            {"id": f"{sid}-language-{n}", "service_id": sid, "code": code, "name": _language_name(code)}
            for n, code in enumerate(service.languages)
        ],
        "service_areas": [
            {"id": term, "service_id": sid, "name": area_names.get(term, term)}
            for taxonomy, term in terms
            if taxonomy == "area"
        ],
        "attributes": attributes,
        "cost_options": (
            [{"id": f"{sid}-cost", "service_id": sid, "amount_description": service.fees}]
            if service.fees
            else []
        ),
        EXTENSION: {
            "kind": service.kind,
            "summary": service.summary,
            "keywords": list(service.keywords),
            "how_to_visit": service.how_to_visit,
            "places": service.places,
            "translations": {
                t.language: {"name": t.name, "summary": t.summary, "description": t.description}
                for t in service.translations
            },
        },
    }


def _timestamp(value: datetime | None) -> str | None:
    # Stored as naive UTC; microseconds so a listing is not "modified after" its own last_modified.
    return value.isoformat(timespec="microseconds") + "Z" if value else None


def _phones(phone_id: str, number: str | None) -> list[dict]:
    return [{"id": phone_id, "number": number}] if number else []


def _language_name(code: str) -> str | None:
    return Locale("en").languages.get(code)


def _organization(org) -> dict:
    return {
        "id": org.id,
        "name": org.name,
        "description": org.description or "",
        "email": org.email,
        "website": org.url,
        "phones": _phones(f"{org.id}-phone", org.phone),
    }


def _service_at_location(sid: str, loc: Location) -> dict:
    lid = f"{sid}-loc-{loc.position}"
    addresses = []
    if loc.address or loc.town or loc.postcode:
        addresses.append(
            {
                "id": f"{lid}-address",
                "location_id": lid,
                "address_1": loc.address,
                "city": loc.town,
                "postal_code": loc.postcode,
                "country": "GB",
                "address_type": "physical",
            }
        )
    location = {
        "id": lid,
        "location_type": "physical",
        "name": loc.name,
        "latitude": loc.latitude,
        "longitude": loc.longitude,
        "addresses": addresses,
        "accessibility": [
            {"id": f"{lid}-access-{n}", "location_id": lid, "description": text}
            for n, text in enumerate(loc.accessibility)
        ],
    }
    return {"id": f"{sid}-at-loc-{loc.position}", "service_id": sid, "location_id": lid, "location": location}


def _term(taxonomy: str, code: str, name: str) -> dict:
    """A taxonomy term; its id ("need:cognition-learning") is what taxonomy_term_id filters take."""
    return {
        "id": f"{taxonomy}:{code}",
        "code": code,
        "name": name,
        "description": f"{TAXONOMY_NAMES[taxonomy]}: {name}",
        "taxonomy_id": taxonomy,
        "language": "en",
    }


@lru_cache(maxsize=512)
def _english_term(taxonomy: str, code: str) -> dict:
    """A published term in English, worked out once per process (the vocabularies are fixed in code)."""
    with force_locale("en"):
        return _term(taxonomy, code, str(TAXONOMIES[taxonomy][code]))


def _attribute(sid: str, taxonomy: str, code: str) -> dict:
    term = dict(_english_term(taxonomy, code))
    return {
        "id": f"{sid}-attribute-{taxonomy}-{code}",
        "link_id": sid,
        "link_entity": "service",
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }


def _area_names() -> dict[str, str]:
    return dict(db.session.execute(select(Area.id, Area.name)).all())


# ORUK as our records.


def from_oruk(data: dict | list) -> dict:
    """ORUK JSON (one service, a page of services, or a list) as records in our file format."""
    if isinstance(data, dict):
        items = (data.get("contents") or []) if "contents" in data else [data]
    else:
        items = data or []
    areas, organisations = {}, {}
    found = {"service": [], "setting": []}
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            from portal.local_offer.importer import ImportError_  # the importer imports us

            raise ImportError_(f"item {n}: not an ORUK service object")
        org = item.get("organization") or {}
        if org.get("id"):
            organisations[org["id"]] = _organisation_record(org)
        for area in item.get("service_areas") or []:
            area_id = area.get("id") or _slug(area.get("name") or "")
            if area_id:
                areas[area_id] = {"id": area_id, "name": area.get("name") or area_id}
        record = _service_record(item, org.get("id") or item.get("organization_id"))
        found["setting" if record.pop("kind") == "setting" else "service"].append(record)
    return {
        "areas": list(areas.values()),
        "organisations": list(organisations.values()),
        "services": found["service"],
        "settings": found["setting"],
    }


def _organisation_record(org: dict) -> dict:
    return {
        "id": org["id"],
        "name": org.get("name") or org["id"],
        "description": org.get("description") or "",
        "email": org.get("email"),
        "url": org.get("website") or org.get("url"),
        "phone": _first_number(org),
    }


def _service_record(item: dict, organisation: str | None) -> dict:
    extra = item.get(EXTENSION) or {}
    terms = _known_terms(item.get("attributes") or [])
    setting_type = next((code for taxonomy, code in terms if taxonomy == "setting-type"), None)
    record = {
        "id": item.get("id"),
        "organisation": organisation,
        "kind": extra.get("kind") or ("setting" if setting_type else "service"),
        "name": item.get("name"),
        "summary": extra.get("summary") or "",
        "description": item.get("description") or "",
        "url": item.get("url"),
        "email": item.get("email"),
        "phone": _first_number(item),
        "cost": _cost(terms, item),
        "fees": item.get("fees_description") or item.get("fees") or _cost_descriptions(item),
        "eligibility": item.get("eligibility_description") or "",
        "how_to_access": item.get("application_process") or "",
        "how_to_visit": extra.get("how_to_visit") or "",
        "min_age": _age(item.get("minimum_age"), 0),
        "max_age": _age(item.get("maximum_age"), 25),
        "languages": [lang["code"] for lang in item.get("languages") or [] if lang.get("code")],
        "keywords": list(extra.get("keywords") or []),
        "last_reviewed": _iso_date(item.get("assured_date")),
        "setting_type": setting_type,
        "places": extra.get("places"),
        "areas": [
            area.get("id") or _slug(area.get("name") or "") for area in item.get("service_areas") or []
        ],
        "locations": [
            _location_record(sal.get("location") or {}) for sal in item.get("service_at_locations") or []
        ],
        "contacts": [_contact_record(c) for c in item.get("contacts") or []],
        "schedules": [_schedule_record(s) for s in item.get("schedules") or []],
        "translations": dict(extra.get("translations") or {}),
    }
    for taxonomy, key in TERM_KEYS.items():
        record[key] = [code for tx, code in terms if tx == taxonomy]
    return record


def _known_terms(attributes: list[dict]) -> list[tuple[str, str]]:
    """(taxonomy, term) pairs from ORUK attributes; terms outside our vocabularies are ignored."""
    found = []
    for attribute in attributes:
        term = attribute.get("taxonomy_term") or {}
        taxonomy, code = term.get("taxonomy_id"), term.get("code")
        if not (taxonomy and code):
            taxonomy, _, code = str(term.get("id") or attribute.get("taxonomy_term_id") or "").partition(":")
        if code in TAXONOMIES.get(taxonomy, {}) and (taxonomy, code) not in found:
            found.append((taxonomy, code))
    return found


def _cost(terms: list[tuple[str, str]], item: dict) -> str:
    chosen = next((code for taxonomy, code in terms if taxonomy == "cost"), None)
    if chosen:
        return chosen
    amounts = [option.get("amount") or 0 for option in item.get("cost_options") or []]
    return "paid" if any(isinstance(a, int | float) and a > 0 for a in amounts) else "free"


def _cost_descriptions(item: dict) -> str:
    return "; ".join(
        o["amount_description"] for o in item.get("cost_options") or [] if o.get("amount_description")
    )


def _first_number(entity: dict) -> str | None:
    return next((p["number"] for p in entity.get("phones") or [] if p.get("number")), None)


def _age(value, default: int) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return default


def _iso_date(value) -> str | None:
    try:
        return date.fromisoformat(str(value)[:10]).isoformat() if value else None
    except ValueError:
        return None


def _slug(name: str) -> str:
    return "-".join(fulltext.words(name))


def _location_record(location: dict) -> dict:
    addresses = location.get("addresses") or location.get("address") or []
    address = addresses[0] if isinstance(addresses, list) and addresses else addresses or {}
    lines = [address.get("address_1"), address.get("address_2")]
    return {
        "name": location.get("name") or "",
        "address": ", ".join(line for line in lines if line),
        "town": address.get("city") or "",
        "postcode": address.get("postal_code") or "",
        "latitude": location.get("latitude"),
        "longitude": location.get("longitude"),
        "accessibility": [
            a["description"] for a in location.get("accessibility") or [] if a.get("description")
        ],
    }


def _contact_record(contact: dict) -> dict:
    return {
        "name": contact.get("name") or "",
        "role": contact.get("title") or "",
        "email": contact.get("email"),
        "phone": _first_number(contact),
    }


def _schedule_record(schedule: dict) -> dict:
    return {
        "days": [day.strip() for day in (schedule.get("byday") or "").split(",") if day.strip()],
        "opens": (schedule.get("opens_at") or "")[:5] or None,  # "10:00:00" and "10:00Z" are both 10:00
        "closes": (schedule.get("closes_at") or "")[:5] or None,
        "description": schedule.get("description") or schedule.get("notes") or "",
    }


# The API.
