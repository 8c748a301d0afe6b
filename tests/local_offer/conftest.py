"""A small, known Local Offer for tests (the demo data in content/local-offer/ is tested separately)."""

import pytest

from portal.extensions import db
from portal.local_offer.importer import load_records

ALL_AREAS = ["north", "south"]


def service(sid, name, **fields):
    record = {
        "id": sid,
        "organisation": "org-council",
        "name": name,
        "summary": fields.pop("summary", f"{name} for families."),
        "description": fields.pop("description", f"{name}. Help for children and young people with SEND."),
        "cost": "free",
        "min_age": 0,
        "max_age": 25,
        "needs": ["communication-interaction"],
        "types": ["advice"],
        "delivery": ["in-person"],
        "areas": ALL_AREAS,
        "languages": ["en"],
        "last_reviewed": "2026-09-01",
        "keywords": [],
    }
    record.update(fields)
    return record


DATA = {
    "areas": [{"id": "north", "name": "Northtown"}, {"id": "south", "name": "Southtown"}],
    "organisations": [
        {"id": "org-council", "name": "Testshire Council", "email": "send@example.org"},
        {"id": "org-charity", "name": "Testshire Autism Charity", "url": "https://example.org/charity"},
    ],
    "services": [
        service(
            "svc-autism-group",
            "Autism parent support group",
            organisation="org-charity",
            keywords=["autism", "asd", "support group"],
            types=["support-group"],
            needs=["communication-interaction", "social-emotional-mental-health"],
            areas=["north"],
            schedules=[{"days": ["WE"], "opens": "10:00", "closes": "12:00", "description": "Term time"}],
            locations=[
                {
                    "name": "Northtown Library",
                    "address": "1 High Street",
                    "town": "Northtown",
                    "postcode": "TS1 1AA",
                    "latitude": 52.4,
                    "longitude": -1.5,
                    "accessibility": ["step-free access", "hearing loop"],
                }
            ],
            contacts=[
                {
                    "name": "Sam Lee",
                    "role": "Group leader",
                    "email": "group@example.org",
                    "phone": "01632 960001",
                }
            ],
            translations={
                "pl": {"name": "Grupa wsparcia dla rodziców dzieci z autyzmem", "summary": "Wsparcie."}
            },
        ),
        service(
            "svc-speech",
            "Speech and language therapy",
            keywords=["speech", "language", "therapy", "salt"],
            types=["health"],
            cost="funded",
            min_age=0,
            max_age=18,
            delivery=["in-person", "at-home"],
        ),
        service(
            "svc-swim",
            "Inclusive swimming sessions",
            keywords=["swimming", "pool"],
            types=["leisure"],
            cost="paid",
            fees="£3 per session",
            needs=["sensory-physical"],
            min_age=5,
            max_age=16,
            areas=["south"],
            last_reviewed="2024-01-10",
        ),
        service(
            "svc-dyslexia",
            "Dyslexia advice line",
            keywords=["dyslexia", "reading"],
            needs=["cognition-learning"],
            delivery=["online"],
            min_age=5,
            max_age=25,
        ),
        service(
            "svc-wellbeing",
            "Young people's emotional wellbeing service",
            keywords=["mental health", "anxiety", "camhs"],
            needs=["social-emotional-mental-health"],
            types=["health"],
            min_age=11,
            max_age=25,
            delivery=["online", "in-person"],
        ),
    ],
    "settings": [
        service(
            "set-oak-primary",
            "Oak Primary School",
            types=["education"],
            phase=["primary"],
            setting_type="mainstream",
            places=420,
            needs=["communication-interaction", "cognition-learning"],
            min_age=4,
            max_age=11,
            areas=["north"],
            how_to_visit="Phone the office to book a tour.",
        ),
        service(
            "set-elm-base",
            "Elm Primary autism base",
            types=["education"],
            phase=["primary"],
            setting_type="resourced-provision",
            places=12,
            needs=["communication-interaction"],
            min_age=4,
            max_age=11,
            areas=["north"],
        ),
        service(
            "set-ash-special",
            "Ash Special School",
            types=["education"],
            phase=["primary", "secondary"],
            setting_type="special",
            places=90,
            needs=["cognition-learning", "sensory-physical"],
            min_age=4,
            max_age=19,
            areas=["south"],
        ),
        service(
            "set-birch-high",
            "Birch High School",
            types=["education"],
            phase=["secondary"],
            setting_type="mainstream",
            places=1100,
            needs=["communication-interaction", "social-emotional-mental-health"],
            min_age=11,
            max_age=16,
            areas=["south"],
        ),
    ],
}


@pytest.fixture
def listings(app):
    """Load the known listings into the test database."""
    with app.app_context():
        load_records(DATA, "test data")
        db.session.commit()
    return DATA
