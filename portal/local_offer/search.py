"""Local Offer search: free text (spelling-tolerant), filters, relevance then name, pages."""

import difflib
import math
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import force_locale
from sqlalchemy import and_, delete, func, insert, or_, select, true
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


# Every search does a bounded amount of work, whether an area lists 1,000 services or 100,000
# (docs/performance.md). It reads at most WINDOW listings from the most selective part of the search (the
# full-text index for words, else the chosen filter that usually narrows most), keeps those that pass the
# other filters, and stops at RESULT_CAP of them: those are ranked, counted and paged. When there are more,
# the page says "more than" and asks for more words or filters.
RESULT_CAP = 500
WINDOW = 1500
# The filter to start from when there are no words: the one that usually leaves fewest listings.
DRIVING_ORDER = ("area", "type", "setting-type", "phase", "need", "delivery", "cost")


@dataclass
class Results:
    items: list[Service]
    total: int  # exact up to RESULT_CAP; when `more`, at least this many
    page: int
    pages: int
    corrections: dict[str, str]
    more: bool = False  # more than RESULT_CAP listings match


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


def _corrections(words: list[str]) -> dict[str, list[str]]:
    """Known words close to each misspelt one ("autisim" -> "autism"), from the listings' own words: one
    query for all of them, each looking only at words of a similar length that start the same way."""
    if not words:
        return {}
    candidates = db.session.scalars(
        select(SearchWord.word).where(
            or_(
                *(
                    and_(
                        SearchWord.word.startswith(word[0]),
                        func.length(SearchWord.word).between(len(word) - 2, len(word) + 2),
                    )
                    for word in words
                )
            )
        )
    ).all()
    found = {}
    for word in words:
        near = [c for c in candidates if c[0] == word[0] and abs(len(c) - len(word)) <= 2]
        found[word] = difflib.get_close_matches(word, near, n=2, cutoff=0.75)
    return found


def word_groups(text: str) -> tuple[list[list[str]], dict[str, str]]:
    """Each search word with its corrections when it is not a word the listings use. At most two
    statements whatever the number of words: which are known, and the candidates for the others."""
    words = list(dict.fromkeys(w for w in fulltext.words(text) if w not in STOP_WORDS))[:MAX_WORDS]
    if not words:
        return [], {}
    known = set(db.session.scalars(select(SearchWord.word).where(SearchWord.word.in_(words))))
    close = _corrections([w for w in words if w not in known and len(w) >= 4])
    groups, corrections = [], {}
    for word in words:
        group = [word, *close.get(word, [])]
        if len(group) > 1:
            corrections[word] = group[1]
        groups.append(group)
    return groups, corrections


def _filtered(statement, query: Query, skip: str | None = None):
    """Only listings of the kind asked for that have every filter chosen (any term within one filter),
    but for the `skip` filter (the search starts from it).

    Each filter is an EXISTS on the (service, taxonomy, term) index, so checking one listing costs one
    index look-up and a walk can stop as soon as it has enough. Cost is a column on the listing too."""
    statement = statement.where(Service.kind == query.kind)
    for taxonomy, terms in query.filters.items():
        if not terms or taxonomy == skip:
            continue
        if taxonomy == "cost":
            statement = statement.where(Service.cost.in_(terms))
            continue
        statement = statement.where(
            select(ServiceTerm.id)
            .where(
                ServiceTerm.service_id == Service.id,
                ServiceTerm.taxonomy == taxonomy,
                ServiceTerm.term.in_(terms),
            )
            .exists()
        )
    if query.age in AGE_BANDS:
        low, high, _label = AGE_BANDS[query.age]
        statement = statement.where(Service.min_age <= high, Service.max_age >= low)
    return statement


@dataclass
class _Candidates:
    """The listings a search ranks and pages (at most cap + 1) and how to order them; `driver` is what
    they were read from when that is limited to window + 1 rows (a CTE), None when it is not."""

    table: object
    order: tuple
    driver: object | None = None


def search(
    query: Query, page_size: int = PAGE_SIZE, cap: int | None = None, window: int | None = None
) -> Results:
    """Listings that match, most relevant first, then by name; one page of them.

    Words: the listings the full-text index finds first are ranked (with filters, at most `window` of the
    matches are read). Filters alone: listings from the most selective filter, by name. Neither: every
    listing by name. The count stops at `cap`, and `Results.more` says there are more, so no search ranks
    or counts every listing."""
    cap = RESULT_CAP if cap is None else cap
    window = WINDOW if window is None else window
    groups, corrections = word_groups(query.text)
    page = max(query.page, 1)
    if groups:
        candidates = _text_candidates(query, groups, cap, window, require_all=True)
        total, more, ids = _page_of(candidates, page, page_size, cap, window)
        if total == 0 and len(groups) > 1:
            candidates = _text_candidates(query, groups, cap, window, require_all=False)
            total, more, ids = _page_of(candidates, page, page_size, cap, window)
    else:
        candidates = _filter_candidates(query, cap, window)
        total, more, ids = _page_of(candidates, page, page_size, cap, window)
    pages = max(math.ceil(total / page_size), 1)
    if page > pages:
        page = pages
        total, more, ids = _page_of(candidates, page, page_size, cap, window)
    return Results(items=_load(ids), total=total, page=page, pages=pages, corrections=corrections, more=more)


def _is_filtered(query: Query) -> bool:
    return any(query.filters.values()) or query.age in AGE_BANDS


def _text_candidates(query: Query, groups, cap: int, window: int, require_all: bool) -> _Candidates:
    # Without filters every match is a result, so stopping at cap + 1 results bounds the work; with
    # filters, reading stops after window + 1 matches even when few of them pass.
    filtered = _is_filtered(query)
    matches = fulltext.match(groups, require_all, limit=window + 1 if filtered else None)
    table = (
        _joined(matches, query, None, [matches.c.rank.label("rank")]).limit(cap + 1).subquery("candidates")
    )
    return _Candidates(table, (table.c.rank, table.c.name, table.c.id), matches if filtered else None)


def _filter_candidates(query: Query, cap: int, window: int) -> _Candidates:
    chosen = [t for t in DRIVING_ORDER if query.filters.get(t)]
    if not chosen:
        table = _filtered(select(Service.id.label("id"), Service.name.label("name")), query)
        table = table.order_by(Service.name, Service.id).limit(cap + 1).subquery("candidates")
        return _Candidates(table, (table.c.name, table.c.id))
    first = chosen[0]
    driver = (
        select(ServiceTerm.service_id.label("service_id"))
        .where(ServiceTerm.taxonomy == first, ServiceTerm.term.in_(query.filters[first]))
        .limit(window + 1)
        .cte("driver")
    )
    table = _joined(driver, query, first, []).limit(cap + 1).subquery("candidates")
    return _Candidates(table, (table.c.name, table.c.id), driver)


def _joined(driver, query: Query, skip: str | None, extra: list):
    """Listings read in the driver's order, each checked against the filters with index look-ups.

    PostgreSQL's planner would rather hash the whole listings table than look up a few thousand rows
    (its estimates for full-text matches are poor), so there each look-up is a LATERAL subquery, which
    it runs once per driver row and stops with the outer LIMIT. SQLite already plans it that way."""
    if db.session.get_bind().dialect.name == "postgresql":
        listing = (
            _filtered(
                select(Service.id.label("id"), Service.name.label("name")).where(
                    Service.id == driver.c.service_id
                ),
                query,
                skip=skip,
            )
            .limit(1)
            .lateral("listing")
        )
        return select(listing.c.id, listing.c.name, *extra).select_from(driver).join(listing, true())
    return _filtered(
        select(Service.id.label("id"), Service.name.label("name"), *extra)
        .select_from(driver)
        .join(Service, Service.id == driver.c.service_id),
        query,
        skip=skip,
    )


def _page_of(candidates: _Candidates, page: int, page_size: int, cap: int, window: int):
    """(shown total, whether there are more, the ids on one page), in one statement: the candidates
    counted (at most cap + 1) and, when reading was limited, how many rows were read."""
    table = candidates.table
    columns = [table.c.id, func.count().over().label("total")]
    if candidates.driver is not None:
        columns.append(select(func.count()).select_from(candidates.driver).scalar_subquery().label("read"))
    offset = (page - 1) * page_size
    rows = db.session.execute(
        select(*columns)
        .order_by(*candidates.order)
        .limit(max(min(page_size, cap - offset), 1))  # never the one over the cap
        .offset(offset)
    ).all()
    if not rows and page > 1:
        total, more, _ids = _page_of(candidates, 1, page_size, cap, window)
        return total, more, []
    if not rows:
        return 0, False, []
    found = rows[0].total
    more = found > cap or (candidates.driver is not None and rows[0].read > window)
    return min(found, cap), more, [row.id for row in rows]


def _load(ids: list[str]) -> list[Service]:
    if not ids:
        return []
    found = db.session.scalars(
        select(Service)
        .where(Service.id.in_(ids))
        .options(selectinload(Service.terms), selectinload(Service.translations))
    ).all()
    by_id = {service.id: service for service in found}
    return [by_id[i] for i in ids if i in by_id]


def known_taxonomy(taxonomy: str, terms: list[str], areas: set[str]) -> list[str]:
    """Only terms that exist, so a hand-typed URL cannot build a strange query."""
    allowed = areas if taxonomy == "area" else set(TAXONOMIES.get(taxonomy, {}))
    return [t for t in dict.fromkeys(terms) if t in allowed]
