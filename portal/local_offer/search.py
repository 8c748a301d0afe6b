"""Local Offer search: free text (spelling-tolerant), filters, relevance then name, pages."""

import difflib
import math
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import force_locale
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.local_offer import fulltext
from portal.local_offer.models import SearchWord, Service, ServiceTerm
from portal.local_offer.taxonomy import AGE_BANDS, TAXONOMIES

PAGE_SIZE = 20
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "my",
        "our",
        "your",
        "i",
        "we",
        "me",
    ]
)
MAX_WORDS = 8


@dataclass
class Query:
    text: str = ""
    kind: str = "service"
    filters: dict[str, list[str]] = field(default_factory=dict)  # taxonomy -> terms ("area" included)
    age: str | None = None  # an AGE_BANDS key
    page: int = 1

    def is_empty(self) -> bool:
        return not (self.text.strip() or any(self.filters.values()) or self.age)


@dataclass
class Results:
    items: list[Service]
    total: int
    page: int
    pages: int
    corrections: dict[str, str]


def index_rows(service: Service) -> dict:
    """What the full-text index holds for one listing."""
    with force_locale("en"):  # the index is in English whatever language the editor uses
        term_words = " ".join(
            str(TAXONOMIES[t.taxonomy].get(t.term, "")) for t in service.terms if t.taxonomy in TAXONOMIES
        )
    translated = " ".join(f"{t.name} {t.summary} {t.description}" for t in service.translations)
    return {
        "service_id": service.id,
        "name": service.name,
        "keywords": " ".join([*service.keywords, service.summary, service.organisation.name]),
        "body": " ".join([service.description, service.eligibility, term_words, translated]),
    }


def reindex(services: list[Service]) -> None:
    """Refresh the full-text index and the word list for these listings."""
    rows = [index_rows(service) for service in services]
    fulltext.store(rows)
    add_words(rows)


def add_words(rows: list[dict]) -> None:
    counts = Counter()
    for row in rows:
        counts.update(
            {
                w
                for part in ("name", "keywords", "body")
                for w in fulltext.words(row[part])
                if 3 <= len(w) <= 60
            }
        )
    if not counts:
        return
    known = dict(db.session.execute(select(SearchWord.word, SearchWord.listings)).all())
    new = [{"word": w, "listings": n} for w, n in counts.items() if w not in known]
    if new:
        db.session.execute(insert(SearchWord), new)
    for word, n in counts.items():
        if word in known:
            db.session.execute(
                SearchWord.__table__.update().where(SearchWord.word == word).values(listings=known[word] + n)
            )


def rebuild_words() -> None:
    """Recount the word list from the index contents (after a bulk load)."""
    db.session.execute(delete(SearchWord))
    rows = []
    for service in db.session.scalars(select(Service).options(selectinload(Service.translations))):
        rows.append(index_rows(service))
    add_words(rows)


def _corrections(word: str) -> list[str]:
    """Known words close to a misspelt one ("autisim" -> "autism"), from the listings' own words."""
    candidates = db.session.scalars(
        select(SearchWord.word).where(
            SearchWord.word.startswith(word[0]),
            func.length(SearchWord.word).between(len(word) - 2, len(word) + 2),
        )
    ).all()
    return difflib.get_close_matches(word, candidates, n=2, cutoff=0.75)


def word_groups(text: str) -> tuple[list[list[str]], dict[str, str]]:
    """Each search word with its corrections when it is not a word the listings use."""
    groups, corrections = [], {}
    for word in [w for w in fulltext.words(text) if w not in STOP_WORDS][:MAX_WORDS]:
        group = [word]
        known = db.session.get(SearchWord, word) is not None
        if not known and len(word) >= 4:
            close = _corrections(word)
            group.extend(close)
            if close:
                corrections[word] = close[0]
        groups.append(group)
    return groups, corrections


def _filtered(statement, query: Query):
    statement = statement.where(Service.kind == query.kind)
    for taxonomy, terms in query.filters.items():
        if terms:
            statement = statement.where(
                Service.id.in_(
                    select(ServiceTerm.service_id).where(
                        ServiceTerm.taxonomy == taxonomy, ServiceTerm.term.in_(terms)
                    )
                )
            )
    if query.age in AGE_BANDS:
        low, high, _label = AGE_BANDS[query.age]
        statement = statement.where(Service.min_age <= high, Service.max_age >= low)
    return statement


def search(query: Query, page_size: int = PAGE_SIZE) -> Results:
    """Listings that match, most relevant first, then by name; one page of them."""
    groups, corrections = word_groups(query.text)
    page = max(query.page, 1)
    if groups:
        total, ordered = _text_search(query, groups, require_all=True)
        if total == 0 and len(groups) > 1:
            total, ordered = _text_search(query, groups, require_all=False)
    else:
        total = db.session.scalar(_filtered(select(func.count(Service.id)), query))
        ordered = _filtered(select(Service), query).order_by(Service.name, Service.id)
    pages = max(math.ceil(total / page_size), 1)
    items = list(
        db.session.scalars(
            ordered.options(selectinload(Service.terms), selectinload(Service.translations))
            .limit(page_size)
            .offset((min(page, pages) - 1) * page_size)
        )
    )
    return Results(items=items, total=total, page=min(page, pages), pages=pages, corrections=corrections)


def _text_search(query: Query, groups, require_all: bool):
    matches = fulltext.match(groups, require_all)
    base = select(Service).join(matches, matches.c.service_id == Service.id)
    count = _filtered(select(func.count(Service.id)).join(matches, matches.c.service_id == Service.id), query)
    total = db.session.scalar(count)
    ordered = _filtered(base, query).order_by(matches.c.rank, Service.name, Service.id)
    return total, ordered


def known_taxonomy(taxonomy: str, terms: list[str], areas: set[str]) -> list[str]:
    """Only terms that exist, so a hand-typed URL cannot build a strange query."""
    allowed = areas if taxonomy == "area" else set(TAXONOMIES.get(taxonomy, {}))
    return [t for t in dict.fromkeys(terms) if t in allowed]
