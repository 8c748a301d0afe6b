"""Load Local Offer listings from our YAML files or Open Referral UK JSON; re-importing updates in place."""

import json
import random
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import insert, select, text

from portal.extensions import db
from portal.local_offer import search
from portal.local_offer.models import (
    Area,
    Contact,
    Location,
    Organisation,
    Schedule,
    Service,
    ServiceTerm,
    ServiceTranslation,
)
from portal.local_offer.taxonomy import (
    COSTS,
    DELIVERY,
    NEEDS,
    PHASES,
    SERVICE_TYPES,
    SETTING_TYPES,
)
from portal.timeutil import utcnow

FIELDS = (
    "name", "summary", "description", "url", "email", "phone", "fees", "eligibility", "how_to_access",
    "how_to_visit",
)  # fmt: skip
TERM_FIELDS = {"needs": "need", "types": "type", "delivery": "delivery", "areas": "area", "phase": "phase"}


class ImportError_(ValueError):
    """The file is not a Local Offer file we understand; the message says where."""


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def apply(service: Service, record: dict) -> None:
    """Set a listing from one record in our file format (also used when a change is approved)."""
    for name in FIELDS:
        setattr(service, name, (record.get(name) or "").strip() if name not in ("url", "email", "phone")
                else record.get(name) or None)  # fmt: skip
    service.kind = record.get("kind", service.kind or "service")
    service.cost = record.get("cost", "free")
    service.min_age = int(record.get("min_age", 0))
    service.max_age = int(record.get("max_age", 25))
    service.languages = list(record.get("languages") or [])
    service.keywords = [str(k).lower() for k in record.get("keywords") or []]
    service.last_reviewed = _date(record.get("last_reviewed"))
    service.setting_type = record.get("setting_type")
    service.places = record.get("places")
    service.modified_at = utcnow()
    terms = {(taxonomy, str(term)) for key, taxonomy in TERM_FIELDS.items() for term in record.get(key) or []}
    terms.add(("cost", service.cost))
    if service.setting_type:
        terms.add(("setting-type", service.setting_type))
    keep = [t for t in service.terms if (t.taxonomy, t.term) in terms]
    have = {(t.taxonomy, t.term) for t in keep}
    service.terms = keep + [ServiceTerm(taxonomy=tx, term=tm) for tx, tm in sorted(terms - have)]
    service.locations = [
        Location(
            position=i,
            name=loc.get("name", ""),
            address=loc.get("address", ""),
            town=loc.get("town", ""),
            postcode=loc.get("postcode", ""),
            latitude=loc.get("latitude"),
            longitude=loc.get("longitude"),
            accessibility=list(loc.get("accessibility") or []),
        )
        for i, loc in enumerate(record.get("locations") or [])
    ]
    service.contacts = [
        Contact(
            position=i,
            name=c.get("name", ""),
            role=c.get("role", ""),
            email=c.get("email"),
            phone=c.get("phone"),
        )
        for i, c in enumerate(record.get("contacts") or [])
    ]
    service.schedules = [
        Schedule(
            position=i,
            days=list(s.get("days") or []),
            opens=s.get("opens"),
            closes=s.get("closes"),
            description=s.get("description", ""),
        )
        for i, s in enumerate(record.get("schedules") or [])
    ]
    translations = record.get("translations") or {}
    existing = {t.language: t for t in service.translations}
    service.translations = [
        _translation(existing.get(language), language, values)
        for language, values in sorted(translations.items())
    ]


def _translation(current, language, values) -> ServiceTranslation:
    translation = current or ServiceTranslation(language=language)
    translation.name = values.get("name", "")
    translation.summary = values.get("summary", "")
    translation.description = values.get("description", "")
    return translation


def snapshot(service: Service) -> dict:
    """A listing as a record in our file format (the inverse of apply)."""
    record = {name: getattr(service, name) or "" for name in FIELDS}
    record.update(
        id=service.id,
        organisation=service.organisation_id,
        kind=service.kind,
        cost=service.cost,
        min_age=service.min_age,
        max_age=service.max_age,
        languages=list(service.languages),
        keywords=list(service.keywords),
        last_reviewed=service.last_reviewed.isoformat() if service.last_reviewed else None,
    )
    for key, taxonomy in TERM_FIELDS.items():
        record[key] = sorted(service.terms_in(taxonomy))
    if service.kind == "setting":
        record.update(setting_type=service.setting_type, places=service.places)
    record["locations"] = [
        {
            k: getattr(loc, k)
            for k in ("name", "address", "town", "postcode", "latitude", "longitude", "accessibility")
        }
        for loc in service.locations
    ]
    record["contacts"] = [
        {k: getattr(c, k) for k in ("name", "role", "email", "phone")} for c in service.contacts
    ]
    record["schedules"] = [
        {k: getattr(s, k) for k in ("days", "opens", "closes", "description")} for s in service.schedules
    ]
    record["translations"] = {
        t.language: {"name": t.name, "summary": t.summary, "description": t.description}
        for t in service.translations
    }
    return record


def _validate(record: dict, where: str) -> None:
    for key in ("id", "organisation", "name"):
        if not record.get(key):
            raise ImportError_(f"{where}: '{key}' is missing")
    checks = [("needs", NEEDS), ("types", SERVICE_TYPES), ("delivery", DELIVERY), ("phase", PHASES)]
    for key, allowed in checks:
        unknown = set(record.get(key) or []) - set(allowed)
        if unknown:
            raise ImportError_(f"{where}: unknown {key} {sorted(unknown)}")
    if record.get("cost", "free") not in COSTS:
        raise ImportError_(f"{where}: unknown cost {record.get('cost')!r}")
    if record.get("setting_type") and record["setting_type"] not in SETTING_TYPES:
        raise ImportError_(f"{where}: unknown setting_type {record['setting_type']!r}")


def load_records(data: dict, source: str) -> dict[str, int]:
    """Upsert areas, organisations, services and settings from one parsed file. Returns counts."""
    counts = {"areas": 0, "organisations": 0, "services": 0}
    for area in data.get("areas") or []:
        db.session.merge(Area(id=area["id"], name=area["name"]))
        counts["areas"] += 1
    for org in data.get("organisations") or []:
        db.session.merge(
            Organisation(
                id=org["id"],
                name=org["name"],
                description=org.get("description", ""),
                email=org.get("email"),
                url=org.get("url"),
                phone=org.get("phone"),
            )
        )
        counts["organisations"] += 1
    db.session.flush()
    changed = []
    for kind, key in (("service", "services"), ("setting", "settings")):
        for n, record in enumerate(data.get(key) or []):
            _validate(record, f"{source} {key}[{n}]")
            if db.session.get(Organisation, record["organisation"]) is None:
                raise ImportError_(f"{source} {key}[{n}]: unknown organisation {record['organisation']!r}")
            service = db.session.get(Service, record["id"]) or Service(id=record["id"])
            service.organisation_id = record["organisation"]
            apply(service, {**record, "kind": kind})
            db.session.add(service)
            changed.append(service)
            counts["services"] += 1
    db.session.flush()
    search.reindex(changed)
    return counts


def import_path(path: Path) -> dict[str, int]:
    """Import a file, or every .yaml/.yml/.json file in a folder (areas and organisations first)."""
    files = sorted(path.glob("*")) if path.is_dir() else [path]
    files = [f for f in files if f.suffix in (".yaml", ".yml", ".json")]
    order = {"areas": 0, "organisations": 1}
    files.sort(key=lambda f: (order.get(f.stem, 2), f.name))
    totals = {"areas": 0, "organisations": 0, "services": 0}
    for file in files:
        text = file.read_text(encoding="utf-8")
        data = json.loads(text) if file.suffix == ".json" else yaml.safe_load(text) or {}
        if file.suffix == ".json":
            from portal.local_offer.oruk_format import from_oruk

            data = from_oruk(data)
        for key, value in load_records(data, file.name).items():
            totals[key] += value
    db.session.commit()
    refresh_statistics()
    return totals


# Synthetic data for benchmarks: believable words, random terms, fixed seed.

_NOUNS = [
    "autism",
    "support",
    "group",
    "speech",
    "therapy",
    "language",
    "play",
    "sensory",
    "swimming",
    "club",
    "dyslexia",
    "reading",
    "tuition",
    "wheelchair",
    "service",
    "physiotherapy",
    "occupational",
    "sleep",
    "clinic",
    "parent",
    "workshop",
    "youth",
    "music",
    "art",
    "drama",
    "football",
    "holiday",
    "scheme",
    "short",
    "break",
    "respite",
    "transport",
    "travel",
    "training",
    "college",
    "internship",
    "careers",
    "mental",
    "health",
    "wellbeing",
    "counselling",
    "hearing",
    "vision",
    "braille",
    "signing",
    "makaton",
    "portage",
    "nursery",
]


def generate(count: int, seed: int = 1) -> int:
    """Add `count` synthetic services (ids gen-…) in bulk, then rebuild the search word list."""
    rng = random.Random(seed)
    areas = [a.id for a in db.session.scalars(select(Area))] or ["synthetic-area"]
    if not db.session.get(Organisation, "org-synthetic"):
        db.session.add(
            Organisation(id="org-synthetic", name="Synthetic Provider", description="Benchmark data")
        )
    if areas == ["synthetic-area"] and not db.session.get(Area, "synthetic-area"):
        db.session.add(Area(id="synthetic-area", name="Synthetic Area"))
    db.session.flush()
    start = db.session.query(Service).filter(Service.id.like("gen-%")).count()
    batch = 2000
    for first in range(start, start + count, batch):
        services, terms, rows = [], [], []
        for n in range(first, min(first + batch, start + count)):
            words = rng.sample(_NOUNS, 6)
            sid = f"gen-{n:07d}"
            name = " ".join(words[:3]).capitalize()
            description = f"{' '.join(words)}. A synthetic listing for measuring search speed."
            min_age = rng.choice([0, 4, 11, 16])
            services.append(
                {
                    "id": sid, "organisation_id": "org-synthetic", "kind": "service", "name": name,
                    "summary": " ".join(words[3:]), "description": description,
                    "cost": rng.choice(list(COSTS)),
                    "fees": "", "min_age": min_age, "max_age": min(min_age + rng.choice([5, 10, 25]), 25),
                    "eligibility": "", "how_to_access": "", "languages": ["en"], "keywords": words[:2],
                    "how_to_visit": "", "modified_at": utcnow(),
                }
            )  # fmt: skip
            chosen = {("need", rng.choice(list(NEEDS))), ("type", rng.choice(list(SERVICE_TYPES)))}
            chosen |= {("delivery", rng.choice(list(DELIVERY))), ("area", rng.choice(areas))}
            chosen.add(("cost", services[-1]["cost"]))
            terms.extend({"service_id": sid, "taxonomy": tx, "term": tm} for tx, tm in chosen)
            rows.append(
                {"service_id": sid, "name": name, "keywords": " ".join(words[:2]), "body": description}
            )
        db.session.execute(insert(Service), services)
        db.session.execute(insert(ServiceTerm), terms)
        from portal.local_offer import fulltext

        fulltext.store(rows, new=True)
        search.add_words(rows)  # from the rows in hand: re-reading 100,000 listings would take minutes
        db.session.commit()
    refresh_statistics()
    return count


def refresh_statistics() -> None:
    """After a bulk load, PostgreSQL's planner needs fresh row counts, or it picks slow nested loops."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ANALYZE lo_services, lo_service_terms, lo_services_search, lo_search_words"))
        db.session.commit()
